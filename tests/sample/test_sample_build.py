"""The in-memory sample: deterministic, shaped like the partners' files, with the promised mix."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from benelink.errors import UsageError
from benelink.sample import Sample, build_sample
from benelink.sample.population import build_population

REPO = Path(__file__).resolve().parents[2]
MONTHS = ("2026-10", "2026-11")


@pytest.fixture(scope="module")
def sample() -> Sample:
    return build_sample(1200, 11, MONTHS)


def _persons(sample: Sample, month: str, source: str) -> pd.DataFrame:
    """Each row of one extract with the person it belongs to (rows without id dropped)."""
    frame = sample.extracts[month][source]
    truth = sample.truth[sample.truth["source"] == source]
    ids = frame.iloc[:, 0].astype("string")
    return pd.DataFrame({"source_record_id": ids}).merge(truth, on="source_record_id", how="inner")


def test_same_seed_gives_same_frames_and_other_seed_does_not(sample: Sample) -> None:
    again = build_sample(1200, 11, MONTHS)
    for month in MONTHS:
        for source, frame in sample.extracts[month].items():
            pd.testing.assert_frame_equal(frame, again.extracts[month][source])
    pd.testing.assert_frame_equal(sample.truth, again.truth)
    other = build_sample(1200, 12, MONTHS)
    assert not other.extracts[MONTHS[0]]["naf"].equals(sample.extracts[MONTHS[0]]["naf"])


def test_headers_are_the_configured_native_columns(sample: Sample) -> None:
    config = tomllib.loads((REPO / "config" / "benelink.toml").read_text(encoding="utf-8"))
    for month in MONTHS:
        assert set(sample.extracts[month]) == set(config["sources"])
        for source, frame in sample.extracts[month].items():
            expected = list(dict.fromkeys(config["sources"][source]["columns"].values()))
            assert list(frame.columns) == expected


def test_truth_covers_every_record_with_an_id(sample: Sample) -> None:
    truth = sample.truth
    assert list(truth.columns) == ["source", "source_record_id", "person_id"]
    assert not truth.duplicated(["source", "source_record_id"]).any()
    for month in MONTHS:
        for source, frame in sample.extracts[month].items():
            ids = frame.iloc[:, 0].dropna().astype(str)
            known = set(truth.loc[truth["source"] == source, "source_record_id"])
            assert set(ids) <= known
    assert truth["person_id"].nunique() == 1200


def test_overlap_between_sources_is_as_designed(sample: Sample) -> None:
    month = MONTHS[0]
    people = {
        s: set(_persons(sample, month, s)["person_id"]) for s in ("naf", "unhcr", "jobseekers")
    }
    assert 0.28 <= len(people["naf"] & people["jobseekers"]) / len(people["naf"]) <= 0.42
    assert 0.18 <= len(people["unhcr"] & people["jobseekers"]) / len(people["unhcr"]) <= 0.32
    assert 1 <= len(people["naf"] & people["unhcr"]) <= 0.02 * len(people["unhcr"])


def test_within_source_duplicates_are_rare_but_present(sample: Sample) -> None:
    for source, low, high in (("jobseekers", 0.01, 0.05), ("naf", 0.002, 0.03)):
        rows = _persons(sample, MONTHS[1], source).drop_duplicates("source_record_id")
        share = 1 - rows["person_id"].nunique() / len(rows)
        assert low <= share <= high, (source, share)


def test_a_few_plainly_invalid_rows_per_source(sample: Sample) -> None:
    for month in MONTHS:
        for frame in sample.extracts[month].values():
            ids = frame.iloc[:, 0]
            blank = int(ids.isna().sum())
            pasted = int(ids.dropna().duplicated().sum())
            assert blank >= 1
            assert (blank + pasted) / len(frame) < 0.02
    nn = sample.extracts[MONTHS[0]]["jobseekers"]["National Number"].dropna().astype(str)
    naf_nn = sample.extracts[MONTHS[0]]["naf"]["الرقم الوطني"].dropna().astype(str)
    assert (nn.str.len() == 10).mean() > 0.97
    assert (pd.concat([nn, naf_nn]).str.len() == 7).sum() >= 1


def test_common_first_names_are_very_common(sample: Sample) -> None:
    naf = sample.extracts[MONTHS[0]]["naf"]
    first = (
        naf.loc[naf["الجنس"] == "ذكر", "الاسم الأول"]
        .str.replace("\u064e", "")
        .str.replace("\u0640", "")
    )
    assert (first == "محمد").mean() > 0.08
    names = naf[["الاسم الأول", "اسم الأب", "اسم العائلة"]].dropna()
    assert names.duplicated().sum() > 0  # names alone do not identify people


def test_spellings_vary_like_real_transliterations(sample: Sample) -> None:
    unhcr = sample.extracts[MONTHS[0]]["unhcr"]
    given = set(unhcr["Given Name"]) | set(unhcr["Father Name"])
    assert {"Mohammad", "Mohammed", "Muhammad", "Mohamad"} <= given
    family = " ".join(unhcr["Family Name"].dropna())
    assert "Al-" in family and "El-" in family
    naf = sample.extracts[MONTHS[0]]["naf"]
    fathers = set(naf["اسم الأب"].dropna())
    assert {"أحمد", "احمد"} <= fathers
    full = sample.extracts[MONTHS[0]]["jobseekers"]["Full Name"]
    arabic = full.str.contains("[\u0600-\u06ff]", regex=True)
    assert 0.2 < arabic.mean() < 0.8
    assert set(full.str.split().str.len()) >= {3, 4}


def test_formats_are_mixed_within_columns(sample: Sample) -> None:
    js = sample.extracts[MONTHS[0]]["jobseekers"]
    dob = js["Date of Birth"].astype(str)
    for pattern in (r"^\d{2}/\d{2}/\d{4}$", r"^\d{4}-\d{2}-\d{2}$", r"^\d{1,2}-\d{1,2}-\d{4}$"):
        assert dob.str.match(pattern).any(), pattern
    mobiles = pd.concat(
        [js["Mobile"], sample.extracts[MONTHS[0]]["unhcr"]["Phone Number"]]
    ).dropna()
    for prefix in ("07", "7", "+9627", "009627", "962 7"):
        assert mobiles.str.startswith(prefix).any(), prefix
    assert {"Male", "M", "1"} <= set(js["Gender"])
    naf_dob = sample.extracts[MONTHS[0]]["naf"]["تاريخ الميلاد"]
    kinds = naf_dob.map(lambda v: type(v).__name__).value_counts(normalize=True)
    assert kinds["date"] > 0.7 and kinds["str"] > 0.05


def test_second_month_evolves_from_the_first(sample: Sample) -> None:
    for source in ("naf", "unhcr", "jobseekers"):
        before = set(sample.extracts[MONTHS[0]][source].iloc[:, 0].dropna())
        after = set(sample.extracts[MONTHS[1]][source].iloc[:, 0].dropna())
        stayed = len(before & after) / len(before)
        assert 0.85 < stayed < 0.995, (source, stayed)
        assert after - before, source
    js = [sample.extracts[m]["jobseekers"].drop_duplicates("Seeker ID") for m in MONTHS]
    both = js[0].merge(js[1], on="Seeker ID", suffixes=("_0", "_1")).dropna(subset=["Seeker ID"])

    def norm(s: pd.Series) -> pd.Series:
        return s.str.strip().str.lower().str.replace("-", " ")

    assert (norm(both["Status_0"]) != norm(both["Status_1"])).any()
    assert (both["Full Name_0"] != both["Full Name_1"]).any()  # a typo corrected
    assert (both["Mobile_0"] != both["Mobile_1"]).any()  # a phone changed
    assert (both["Date of Birth_0"] == both["Date of Birth_1"]).mean() > 0.95


@pytest.mark.parametrize(
    ("people", "months", "message"),
    [
        (5, MONTHS, "at least 10"),
        (100, ("2026-13",), "YYYY-MM"),
        (100, ("2026-11", "2026-10"), "increasing"),
        (100, (), "at least one month"),
    ],
)
def test_bad_arguments_are_usage_errors(people: int, months: tuple[str, ...], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        build_sample(people, 1, months)


def test_brothers_and_sisters_have_different_first_names() -> None:
    """Siblings of one name were 2.7 % of the UNHCR records, which the world has almost
    none of; the generator now redraws a repeated name within the household."""
    persons = build_population(5000, 11, MONTHS).persons
    children = persons[persons["role"] == "child"]
    assert len(children) > 1000
    assert not children.duplicated(["household", "sex", "first"]).any()
