"""A churned multi-month series: re-registrations under new ids, gaps, changes, and a truth per month."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from benelink.cli.sample import _expand
from benelink.errors import UsageError
from benelink.sample import CHURN_PRESETS, Churn, Sample, build_sample, parse_churn, write_sample

MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 9))
SOURCES = ("naf", "unhcr", "jobseekers")


@pytest.fixture(scope="module")
def series() -> Sample:
    return build_sample(1500, 5, MONTHS, churn=CHURN_PRESETS["realistic"])


def _rows(sample: Sample, month: str, source: str) -> pd.DataFrame:
    """A month's extract of one source, its id column named ``id``, rows without id dropped."""
    frame = sample.extracts[month][source]
    frame = frame.rename(columns={frame.columns[0]: "id"})
    return frame[frame["id"].notna()].astype({"id": str})


def test_no_churn_is_the_series_without_it() -> None:
    plain = build_sample(300, 3, MONTHS[:3])
    none = build_sample(300, 3, MONTHS[:3], churn=Churn())
    for month in MONTHS[:3]:
        for source in SOURCES:
            pd.testing.assert_frame_equal(
                plain.extracts[month][source], none.extracts[month][source]
            )
    pd.testing.assert_frame_equal(plain.truth, none.truth)


def test_same_seed_same_series(series: Sample) -> None:
    again = build_sample(1500, 5, MONTHS, churn=CHURN_PRESETS["realistic"])
    for month in MONTHS:
        pd.testing.assert_frame_equal(series.month_truth[month], again.month_truth[month])
        for source in SOURCES:
            pd.testing.assert_frame_equal(
                series.extracts[month][source], again.extracts[month][source]
            )


def test_each_months_truth_names_exactly_that_months_records(series: Sample) -> None:
    for month in MONTHS:
        truth = series.month_truth[month]
        assert not truth.duplicated(["source", "source_record_id"]).any()
        for source in SOURCES:
            written = set(_rows(series, month, source)["id"])
            assert set(truth.loc[truth["source"] == source, "source_record_id"]) == written
        overall = series.truth.merge(truth, on=["source", "source_record_id"])
        assert (overall["person_id_x"] == overall["person_id_y"]).all()


def test_reregistrations_give_new_ids_to_the_same_people_in_every_source(series: Sample) -> None:
    found = dict.fromkeys(SOURCES, 0)
    seen = series.month_truth[MONTHS[0]].drop(columns="previous_record_id")
    for before, month in pairwise(MONTHS):
        truth, last = series.month_truth[month], series.month_truth[before]
        renewed = truth[truth["previous_record_id"] != ""]
        old = seen.rename(columns={"source_record_id": "previous_record_id"})
        joined = renewed.merge(old, on=["source", "previous_record_id"], suffixes=("", "_old"))
        assert len(joined) == len(renewed)  # the replaced record was listed before ...
        assert (joined["person_id"] == joined["person_id_old"]).all()  # ... the same person
        # most were there last month; the others come back from a gap under a new id
        from_last = renewed["previous_record_id"].isin(last["source_record_id"])
        assert from_last.mean() >= 0.7
        gone = set(zip(truth["source"], truth["source_record_id"], strict=True))
        assert not set(zip(renewed["source"], renewed["previous_record_id"], strict=True)) & gone
        assert not renewed.merge(seen, on=["source", "source_record_id"]).shape[0]  # new ids
        for source, n in renewed["source"].value_counts().items():
            found[str(source)] += int(n)
        seen = pd.concat([seen, truth.drop(columns="previous_record_id")]).drop_duplicates()
    assert all(n >= 10 for n in found.values()), found
    # a NAF re-registration keeps the national number
    month = MONTHS[4]
    renewed = series.month_truth[month].query("source == 'naf' and previous_record_id != ''")
    now = _rows(series, month, "naf").set_index("id")
    was = _rows(series, MONTHS[3], "naf").set_index("id")
    nn = now.columns[0]
    same = [
        now.at[r.source_record_id, nn] == was.at[r.previous_record_id, nn]
        for r in renewed.itertuples()
    ]
    assert sum(same) >= 0.8 * len(same) > 0


def test_records_leave_and_come_back_and_most_rows_stay_identical(series: Sample) -> None:
    back = 0
    for source in SOURCES:
        ids = [set(_rows(series, m, source)["id"]) for m in MONTHS]
        back += sum(len((ids[k - 1] - ids[k]) & ids[k + 1]) for k in range(1, len(MONTHS) - 1))
    assert back >= 5
    for source in SOURCES:
        a, b = _rows(series, MONTHS[5], source), _rows(series, MONTHS[6], source)
        same = a.astype(str).merge(b.astype(str), how="inner")
        assert 0.7 < len(same) / len(b) < 0.99


def test_people_move_phones_change_and_households_split(series: Sample) -> None:
    first, last = MONTHS[0], MONTHS[-1]
    a, b = _rows(series, first, "unhcr"), _rows(series, last, "unhcr")
    both = a.merge(b, on="id", suffixes=("_a", "_b"))
    for column, least in (("Governorate", 5), ("Phone Number", 5), ("Case Number", 1)):
        changed = (both[f"{column}_a"].astype(str) != both[f"{column}_b"].astype(str)).sum()
        assert changed >= least, column
    plain = build_sample(1500, 5, MONTHS)
    a, b = _rows(plain, first, "unhcr"), _rows(plain, last, "unhcr")
    both = a.merge(b, on="id", suffixes=("_a", "_b"))
    assert (both["Case Number_a"] == both["Case Number_b"]).all()  # only churn splits cases


def test_churn_is_given_as_a_preset_or_rates() -> None:
    assert parse_churn("none").none and parse_churn("realistic") == CHURN_PRESETS["realistic"]
    assert parse_churn("realistic,moves=0.1").moves == 0.1
    assert parse_churn("gaps=0.2").rates() == {"gaps": 0.2}
    assert CHURN_PRESETS["realistic"].describe() == "realistic"
    for bad in ("sideways", "moves=2", "moves=lots", "nothing=0.1"):
        with pytest.raises(UsageError):
            parse_churn(bad)


def test_months_are_given_as_a_range() -> None:
    today = date(2026, 12, 1)
    assert _expand("2026-11..2027-02", today) == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert _expand("2026-05", today) == ["2026-05"]
    with pytest.raises(UsageError):
        _expand("2026-05..2026-02", today)


def test_a_churned_series_writes_a_truth_per_month(tmp_path: Path) -> None:
    sample = build_sample(200, 3, MONTHS[:2], churn=CHURN_PRESETS["realistic"])
    write_sample(sample, tmp_path / "churned")
    written = pd.read_csv(tmp_path / "churned" / "truth" / "2026-02.csv", dtype=str).fillna("")
    assert list(written.columns) == [
        "source",
        "source_record_id",
        "person_id",
        "previous_record_id",
    ]
    assert len(written) == len(sample.month_truth["2026-02"])
    write_sample(build_sample(200, 3, MONTHS[:2]), tmp_path / "plain")
    assert not (tmp_path / "plain" / "truth").exists()
