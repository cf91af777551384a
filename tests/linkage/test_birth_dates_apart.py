"""A mother and a daughter of one name and household stay two people.

Their names, phone and place agree, so the model scores the pair a match; only the
birth dates, which differ in every part, tell them apart. Clustering takes such a
pair as a vote against (``linkage.compare.birth_dates_apart``) unless a personal id
agrees or a reviewer accepted it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from benelink.config.model import LinkageSettings
from benelink.linkage.finish import LinkResult
from benelink.linkage.link import link_records
from tests.linkage.simulate import make_people, make_records


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return make_records(make_people(150, seed=11), seed=12).reset_index(drop=True)


def _with_daughter(records: pd.DataFrame, **daughter: object) -> tuple[pd.DataFrame, int, int]:
    """``records`` (without their truth) with a copy of a woman's only record, born 25
    years later on another day: (the records, the mother's position, the daughter's)."""
    alone = records.groupby("person_id")["person_id"].transform("size") == 1
    records = records.drop(columns=["person_id"])
    full = records["birth_month"].notna() & records["birth_day"].notna()
    woman = alone & full & records["sex"].eq("F").fillna(False) & records["phone"].notna()
    women = woman.to_numpy(dtype=bool).nonzero()[0]
    mother = int(women[0])
    out = pd.concat([records, records.iloc[[mother]]], ignore_index=True)
    child = len(out) - 1
    born = out.loc[mother, ["birth_year", "birth_month", "birth_day"]].astype(int)
    out.loc[child, "source_record_id"] = "R-daughter"
    out.loc[child, "birth_year"] = born["birth_year"] + 25
    out.loc[child, "birth_month"] = born["birth_month"] % 12 + 1
    out.loc[child, "birth_day"] = born["birth_day"] % 28 + 1
    out.loc[child, ["national_number", "unhcr_individual_id"]] = pd.NA
    for column, value in daughter.items():
        out.loc[child, column] = value
    return out, mother, child


def _pair(result: LinkResult, a: int, b: int) -> pd.Series:
    pairs = result.pairs
    found = pairs[(pairs["left"] == min(a, b)) & (pairs["right"] == max(a, b))]
    assert len(found) == 1
    return found.iloc[0]


def test_a_daughter_of_the_same_name_is_kept_apart_though_the_model_says_match(
    records: pd.DataFrame,
) -> None:
    frame, mother, daughter = _with_daughter(records)
    result = link_records(frame, LinkageSettings())
    assert _pair(result, mother, daughter)["decision"] == "match"  # the model's own word
    assert result.cluster[mother] != result.cluster[daughter]


def test_the_same_personal_id_says_one_person_whatever_the_birth_date(
    records: pd.DataFrame,
) -> None:
    frame, mother, daughter = _with_daughter(records, national_number="9851234567")
    frame.loc[mother, "national_number"] = "9851234567"
    result = link_records(frame, LinkageSettings())
    assert result.cluster[mother] == result.cluster[daughter]


def test_a_reviewer_who_accepts_the_pair_has_the_last_word(records: pd.DataFrame) -> None:
    frame, mother, daughter = _with_daughter(records)
    decisions = pd.DataFrame({"left": [mother], "right": [daughter], "decision": ["accept"]})
    result = link_records(frame, LinkageSettings(), decisions=decisions)
    assert result.cluster[mother] == result.cluster[daughter]
