from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benelink.anonymize.disclosure import birth_year_band, group_sizes, protect, region, risk
from benelink.config.model import DisclosureSettings


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
    columns = ["sex", "birth_year", "governorate", "nationality", "birth_year_band", "region"]
    assert risk(released, columns, k)["rows_below_k"] == 0
    assert released["beneficiary_id"].tolist() == people["beneficiary_id"].tolist()
