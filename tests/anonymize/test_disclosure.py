from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.anonymize.disclosure import (
    ReleaseCheckError,
    birth_year_band,
    check_release,
    group_sizes,
    protect,
    quasi_identifiers,
    region,
    risk,
)
from benelink.config.model import DisclosureSettings

# every form of the built-in quasi-identifiers the release shows
ALL_FORMS = ["sex", "birth_year", "age", "birth_year_band", "governorate", "region", "nationality"]


def _people(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = pd.array(rng.integers(1940, 2010, n), dtype="Int64")
    governorates = pd.array(
        rng.choice(["Amman", "Irbid", "Tafilah", "Aqaba"], n, p=[0.6, 0.3, 0.05, 0.05]),
        dtype="string",
    )
    frame = pd.DataFrame(
        {
            "beneficiary_id": [f"B-{i}" for i in range(n)],
            "sex": pd.array(rng.choice(["M", "F"], n), dtype="string"),
            "birth_year": years,
            "age": pd.array(2026 - years.to_numpy(dtype="int64"), dtype="Int64"),
            "governorate": governorates,
            "nationality": pd.array(
                rng.choice(["JOR", "SYR", "YEM"], n, p=[0.5, 0.45, 0.05]), dtype="string"
            ),
        }
    )
    frame["birth_year_band"] = birth_year_band(frame["birth_year"])
    frame["region"] = region(frame["governorate"])
    return frame


def test_group_sizes_count_combinations() -> None:
    frame = pd.DataFrame({"a": ["x", "x", "y", None], "b": [1, 1, 1, None]})
    assert group_sizes(frame, ["a", "b"]).tolist() == [2, 2, 1, 1]


def test_report_only_leaves_the_release_alone() -> None:
    people = _people(500, 1)
    released, report = protect(people, DisclosureSettings(action="report"))
    pd.testing.assert_frame_equal(released, people)
    assert report.before == report.after
    assert report.before["rows_below_k"] > 0


def test_generalise_reaches_k_keeping_types_and_coarse_values() -> None:
    people = _people(2000, 2)
    released, report = protect(people, DisclosureSettings(k=5, action="generalise"))
    assert report.after["rows_below_k"] == 0
    assert report.before["rows_below_k"] > report.after["rows_below_k"]
    assert list(released.dtypes) == list(people.dtypes)
    withheld = released["birth_year"].isna() & people["birth_year"].notna()
    assert withheld.any()
    # a withheld year keeps its band unless the row had to be suppressed entirely
    assert (released.loc[withheld, "birth_year_band"].notna()).mean() > 0.5
    assert report.steps
    assert len(released) == len(people)


def test_suppress_only_touches_small_groups() -> None:
    people = _people(1000, 3)
    released, report = protect(people, DisclosureSettings(k=3, action="suppress"))
    small = (
        group_sizes(
            people, ["sex", "birth_year", "governorate", "nationality", "birth_year_band", "region"]
        )
        < 3
    )
    assert released.loc[~small, "birth_year"].equals(people.loc[~small, "birth_year"])
    assert (
        released.loc[small, ["sex", "birth_year", "governorate", "nationality"]].isna().all().all()
    )
    assert report.suppressed_records == int(small.sum())


@given(st.integers(0, 10_000), st.integers(2, 10), st.sampled_from(["generalise", "suppress"]))
def test_treated_release_is_k_anonymous(seed: int, k: int, action: str) -> None:
    people = _people(300, seed)
    released, _ = protect(people, DisclosureSettings(k=k, action=action))  # type: ignore[arg-type]
    assert risk(released, ALL_FORMS, k)["rows_below_k"] == 0
    assert released["beneficiary_id"].tolist() == people["beneficiary_id"].tolist()


def _as_written(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


@pytest.mark.parametrize("configured", [("sex",), ("nationality", "sex"), ()])
def test_every_built_in_form_is_checked_whatever_the_configuration_lists(
    configured: tuple[str, ...],
) -> None:
    people = _people(1500, 4)
    released, report = protect(people, DisclosureSettings(k=5, quasi_identifiers=configured))
    assert report.quasi_identifiers == ALL_FORMS
    assert risk(released, ALL_FORMS, 5)["rows_below_k"] == 0
    assert check_release(_as_written(released), report).protected


def test_a_configured_column_is_added_to_the_built_in_ones() -> None:
    people = _people(800, 5).assign(
        officer=pd.array(np.random.default_rng(5).choice(["A", "B", "C"], 800), dtype="string")
    )
    released, report = protect(people, DisclosureSettings(quasi_identifiers=("officer",)))
    assert report.quasi_identifiers == [*ALL_FORMS, "officer"]
    assert risk(released, [*ALL_FORMS, "officer"], 5)["rows_below_k"] == 0


def test_withholding_the_birth_year_withholds_the_age() -> None:
    people = _people(2000, 6)
    released, _ = protect(people, DisclosureSettings(action="generalise"))
    withheld = released["birth_year"].isna()
    assert withheld.any()
    assert released.loc[withheld, "age"].isna().all()
    assert released["age"].notna().equals(released["birth_year"].notna())


def test_an_age_without_its_birth_year_is_withheld_even_untreated() -> None:
    people = _people(50, 7)
    people.loc[3, "birth_year"] = pd.NA  # an age that would give the year back
    released, _ = protect(people, DisclosureSettings(action="report"))
    assert pd.isna(released.loc[3, "age"])


def test_report_action_says_plainly_the_release_is_not_protected() -> None:
    people = _people(500, 8)
    released, report = protect(people, DisclosureSettings(action="report"))
    checked = check_release(_as_written(released), report)
    assert not checked.protected
    assert checked.statement().startswith("The release is NOT protected")
    assert checked.to_dict()["release_protected"] is False
    assert f"{checked.after['rows_below_k']:,}" in checked.statement()


def test_check_release_refuses_a_table_that_does_not_bear_the_report_out() -> None:
    people = _people(800, 9)
    released, report = protect(people, DisclosureSettings(action="generalise"))
    assert check_release(_as_written(released), report).after == report.after
    with pytest.raises(ReleaseCheckError, match="below k"):
        check_release(_as_written(people), report)  # the untreated frame written by mistake
    orphan = released.copy()
    orphan["age"] = people["age"]
    with pytest.raises(ReleaseCheckError, match="part of the birth year"):
        check_release(_as_written(orphan), report)
    narrower = replace(report, quasi_identifiers=["sex", "birth_year"])
    with pytest.raises(ReleaseCheckError, match="escaped"):
        check_release(_as_written(released), narrower)


def test_quasi_identifiers_never_drop_a_built_in_one() -> None:
    names = [q.name for q in quasi_identifiers(("employment_status", "age", "sex"))]
    assert names == ["sex", "birth year", "governorate", "nationality", "employment_status"]
