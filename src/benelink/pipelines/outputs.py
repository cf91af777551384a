"""Building the three snapshot tables from linked, pseudonymised records.

Only tokens, coarse attributes and linkage figures are selected here: this is
the step where raw personal values are left behind, so every output column is
named explicitly rather than copied from the working frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from benelink.anonymize.disclosure import birth_year_band, region
from benelink.anonymize.officers import display_names, officer_key
from benelink.anonymize.tokens import TOKENISED_FIELDS
from benelink.arrow_text import ARROW_TEXT, arrow_array, arrow_series
from benelink.pipelines.persist import BeneficiaryIds
from benelink.schemas.columns import SourceKind
from benelink.schemas.outputs import BENEFICIARIES

RECORD_TOKEN_COLUMNS = ["record_token", *TOKENISED_FIELDS.values()]
BENEFICIARY_COLUMNS = list(BENEFICIARIES)
_SUMMARISED = (
    "source",
    "sex",
    "birth_year",
    "governorate",
    "nationality",
    "employment_status",
    "officer",
    "registration_date",
)
_TEXT_COLUMNS = (
    "beneficiary_id",
    "sex",
    "birth_year_band",
    "governorate",
    "region",
    "nationality",
    "employment_status",
    "officer",
    "first_seen_month",
)
# what the output tables read from the records; the rest (names, numbers, phones) is for linking
OUTPUT_FIELDS = (*RECORD_TOKEN_COLUMNS, *_SUMMARISED)


def output_fields(records: pd.DataFrame) -> pd.DataFrame:
    """The records with only the columns the outputs read.

    Called once linking is done: the clear names, id numbers and phones leave
    memory there instead of at the end of the run, which also keeps a
    million-record run's peak memory down while the tables are built.
    """
    return records[[c for c in OUTPUT_FIELDS if c in records.columns]]


def most_frequent(frame: pd.DataFrame, group: str, column: str) -> pd.Series:
    """The most frequent non-missing value of ``column`` per integer ``group`` (ties: smallest
    value).

    Counted on integer codes (group x value), not by a group-by over the values:
    a million people's summaries are then a few numpy passes each.
    """
    present = frame[[group, column]].dropna()
    if present.empty:
        return pd.Series(dtype=frame[column].dtype, name=column)
    codes, uniques = pd.factorize(present[column], sort=True)  # code order = value order
    width = len(uniques)
    keys, counts = np.unique(
        present[group].to_numpy(dtype=np.int64) * width + codes, return_counts=True
    )
    groups, values = np.divmod(keys, width)  # in (group, value) order
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    top = np.maximum.reduceat(counts, starts)
    best = np.flatnonzero(counts == np.repeat(top, np.diff(np.r_[starts, len(counts)])))
    first = best[np.r_[True, groups[best][1:] != groups[best][:-1]]]  # smallest of the best
    return pd.Series(
        uniques.take(values[first]).array, index=pd.Index(groups[first], name=group), name=column
    )


def latest(frame: pd.DataFrame, group: str, column: str, order: str) -> pd.Series:
    """The value of ``column`` on the most recent record (by ``order``) per ``group``."""
    present = frame[[group, column, order]].dropna(subset=[column])
    if present.empty:
        return pd.Series(dtype=frame[column].dtype, name=column)
    # ordered on integer codes (code order = value order; a missing date first), not by a
    # sort of the frame over its text columns
    when = pd.factorize(present[order], sort=True)[0]
    value = pd.factorize(present[column], sort=True)[0]
    groups = present[group].to_numpy(dtype=np.int64)
    ranked = np.lexsort((value, when, groups))
    in_order = groups[ranked]
    last = ranked[np.r_[in_order[1:] != in_order[:-1], True]]
    return pd.Series(
        present[column].array.take(last), index=pd.Index(groups[last], name=group), name=column
    )


def build_records(
    records: pd.DataFrame,
    ids: BeneficiaryIds,
    record_probability: np.ndarray,
    decided_by: pd.Series,
) -> pd.DataFrame:
    """records.parquet: one row per source record, tokens only, by person then token."""
    order = np.lexsort((ids.token_rank, ids.person))
    rows = pd.RangeIndex(len(order))

    def taken(values: pd.Series) -> pd.Series:
        return arrow_series(arrow_array(values).take(pa.array(order)), rows)

    out = pd.DataFrame(
        {
            "source": taken(records["source"]),
            "record_token": taken(records["record_token"]),
            "beneficiary_id": arrow_series(ids.distinct.take(pa.array(ids.person[order])), rows),
            "match_probability": np.round(record_probability.astype("float64"), 6)[order],
            "decided_by": taken(decided_by),
        }
    )
    for column in TOKENISED_FIELDS.values():
        out[column] = taken(records[column]) if column in records else pd.NA
    return out


def build_beneficiaries(
    records: pd.DataFrame,
    ids: BeneficiaryIds,
    record_probability: np.ndarray,
    conflict: np.ndarray,
    kinds: Mapping[str, SourceKind],
    month: str,
    first_seen: pd.Series,
) -> pd.DataFrame:
    """beneficiaries.parquet: one row per person, in id order.

    ``first_seen`` holds each person's first month, in the order of
    ``ids.distinct`` (missing: ``month``). Only the columns summarised here are
    taken from ``records``, so the working copy stays a fraction of the record
    frame at a million records; every summary groups on the person codes.
    """
    person = ids.person
    n_people = len(ids.distinct)
    work = records[[c for c in _SUMMARISED if c in records.columns]].assign(beneficiary_id=person)
    kind = source_kinds(records["source"], kinds)
    out = pd.DataFrame(
        {"beneficiary_id": arrow_series(ids.distinct, pd.RangeIndex(n_people))},
        index=pd.RangeIndex(n_people),
    )
    for source_kind in ("naf", "unhcr", "jobseekers"):
        records_of_kind = np.bincount(person[kind == source_kind], minlength=n_people)
        out[f"in_{source_kind}"] = records_of_kind > 0
    for column in ("sex", "birth_year", "governorate", "nationality"):
        out[column] = most_frequent(work, "beneficiary_id", column)
    out["birth_year"] = out["birth_year"].astype("Int64")
    out["birth_year_band"] = birth_year_band(out["birth_year"])
    out["age"] = age_in_year(out["birth_year"], month)
    seekers = work[kind == "jobseekers"]
    for column in ("employment_status", "officer"):
        out[column] = latest(seekers, "beneficiary_id", column, "registration_date")
    if "officer" in seekers.columns:  # one officer, one spelling: the one most often written
        out["officer"] = officer_key(out["officer"]).map(display_names(seekers["officer"]))
    out["first_seen_month"] = first_seen.fillna(month).to_numpy()
    out["n_records"] = np.bincount(person, minlength=n_people).astype("int64")
    lowest = np.full(n_people, np.inf)
    np.minimum.at(lowest, person, record_probability)
    out["min_link_probability"] = lowest.round(6)
    out["conflict"] = np.bincount(person, weights=conflict, minlength=n_people) > 0
    out["region"] = region(out["governorate"])
    # a million people: Arrow buffers, not a Python object per cell, while the run goes on
    return out[BENEFICIARY_COLUMNS].astype(dict.fromkeys(_TEXT_COLUMNS, ARROW_TEXT))


def source_kinds(sources: pd.Series, kinds: Mapping[str, SourceKind]) -> npt.NDArray[np.object_]:
    """Each record's source kind (None for a source ``kinds`` does not name), looked up
    once per source rather than once per record."""
    codes, names = pd.factorize(sources)  # a missing source: code -1, the last entry
    looked_up = np.asarray([kinds.get(str(n)) for n in names] + [None], dtype=object)
    return looked_up[codes]


def age_in_year(birth_year: pd.Series, month: str) -> pd.Series:
    """The age each person reaches during ``month``'s calendar year: the year minus the
    birth year.

    Whole years at the month's end would tick up in the month of the birthday,
    and two monthly releases would then give away the birth month; this age
    depends on the birth year and the snapshot's year only, so it changes for
    everyone at once, in January.
    """
    year = pd.Period(month, freq="M").year
    return (year - birth_year.astype("Int64")).astype("Int64")


def build_links(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    review_floor: float,
    token_rank: npt.NDArray[np.int64],
) -> pd.DataFrame:
    """links.parquet: scored pairs at or above the review floor, and every reviewed pair.

    Each pair is written with the smaller record token on the left, pairs in
    token order; ``token_rank`` (each record's token rank) orders them without
    comparing strings.
    """
    reviewed = pairs["decided_by"] == "reviewed" if "decided_by" in pairs else False
    kept = pairs[(pairs["probability"] >= review_floor) | reviewed]
    one, other = kept["left"].to_numpy(), kept["right"].to_numpy()
    swap = token_rank[one] > token_rank[other]
    left, right = np.where(swap, other, one), np.where(swap, one, other)
    order = np.lexsort((token_rank[right], token_rank[left]))
    left, right, kept = left[order], right[order], kept.iloc[order]
    rows = pd.RangeIndex(len(order))
    tokens, sources = arrow_array(records["record_token"]), arrow_array(records["source"])

    def at(values: Any, positions: npt.NDArray[np.int64]) -> pd.Series:
        return arrow_series(values.take(pa.array(positions)), rows)

    out = pd.DataFrame(
        {
            "left_token": at(tokens, left),
            "right_token": at(tokens, right),
            "left_source": at(sources, left),
            "right_source": at(sources, right),
            "probability": kept["probability"].round(6).to_numpy(),
            "match_weight": kept["match_weight"].round(4).to_numpy(),
        },
        index=rows,
    )
    for column in sorted(c for c in kept.columns if c.startswith("level_")):
        out[column] = kept[column].astype("int8").to_numpy()
    out["decision"] = pd.array(kept["decision"].to_numpy(), dtype=ARROW_TEXT)
    decided = kept["decided_by"] if "decided_by" in kept else pd.Series("auto", index=kept.index)
    out["decided_by"] = pd.array(decided.to_numpy(), dtype=ARROW_TEXT)
    return out
