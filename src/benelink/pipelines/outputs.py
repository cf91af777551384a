"""Building the three snapshot tables from linked, pseudonymised records.

Only tokens, coarse attributes and linkage figures are selected here: this is
the step where raw personal values are left behind, so every output column is
named explicitly rather than copied from the working frame.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from benelink.anonymize.disclosure import birth_year_band, region
from benelink.anonymize.tokens import TOKENISED_FIELDS
from benelink.io.text import sort_order, sorted_codes
from benelink.schemas.columns import SourceKind
from benelink.schemas.outputs import BENEFICIARIES

RECORD_TOKEN_COLUMNS = ["record_token", *TOKENISED_FIELDS.values()]
BENEFICIARY_COLUMNS = list(BENEFICIARIES)
_SUMMARISED = (
    "source",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "governorate",
    "nationality",
    "employment_status",
    "officer",
    "registration_date",
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
    groups, values = keys // width, keys % width
    order = np.lexsort((values, -counts, groups))  # per group: most frequent, then smallest
    first = order[np.r_[True, groups[order][1:] != groups[order][:-1]]]
    return pd.Series(
        uniques.take(values[first]).array, index=pd.Index(groups[first], name=group), name=column
    )


def latest(frame: pd.DataFrame, group: str, column: str, order: str) -> pd.Series:
    """The value of ``column`` on the most recent record (by ``order``) per ``group``."""
    present = frame[[group, column, order]].dropna(subset=[column])
    if present.empty:
        return pd.Series(dtype=frame[column].dtype, name=column)
    present = present.sort_values([group, order, column], na_position="first")
    return present.drop_duplicates(group, keep="last").set_index(group)[column]


def build_records(
    records: pd.DataFrame,
    beneficiary_id: pd.Series,
    record_probability: np.ndarray,
    decided_by: pd.Series,
) -> pd.DataFrame:
    """records.parquet: one row per source record, tokens only."""
    out = pd.DataFrame(
        {
            "source": _strings(records["source"]),
            "record_token": _strings(records["record_token"]),
            "beneficiary_id": beneficiary_id.astype("string"),
            "match_probability": np.round(record_probability.astype("float64"), 6),
            "decided_by": decided_by.astype("string"),
        }
    )
    for column in TOKENISED_FIELDS.values():
        out[column] = _strings(records[column]) if column in records else pd.NA
    order = sort_order(out, ["beneficiary_id", "record_token"])
    return out.take(order).reset_index(drop=True)


def _strings(values: pd.Series) -> pd.Series:
    """A string column, kept in its own storage: turning Arrow-backed tokens into
    Python strings would cost a Python object per cell for nothing."""
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype("string")


def build_beneficiaries(
    records: pd.DataFrame,
    beneficiary_id: pd.Series,
    record_probability: np.ndarray,
    conflict: np.ndarray,
    kinds: Mapping[str, SourceKind],
    month: str,
    first_seen: pd.Series,
) -> pd.DataFrame:
    """beneficiaries.parquet: one row per person.

    ``first_seen`` maps beneficiary ids to their first month (absent: ``month``).
    Only the columns summarised here are taken from ``records``, so the working
    copy stays a fraction of the record frame at a million records.
    """
    # every summary groups by person: ids are ranked once (codes in id order) and the
    # group-bys run on integers, not on a million strings factorised again each time
    person, sorted_ids = sorted_codes(beneficiary_id)
    ids = np.asarray(sorted_ids.to_pylist(), dtype=object)
    work = records[[c for c in _SUMMARISED if c in records.columns]].assign(
        beneficiary_id=person.astype(np.int64),
        kind=records["source"].map(dict(kinds)),
        record_probability=record_probability,
        conflict=conflict,
    )
    groups = work.groupby("beneficiary_id", sort=True)
    out = pd.DataFrame(index=pd.RangeIndex(len(ids), name="beneficiary_id"))
    present = work.groupby(["beneficiary_id", "kind"]).size().unstack(fill_value=0) > 0
    for kind in ("naf", "unhcr", "jobseekers"):
        flags = present[kind] if kind in present.columns else pd.Series(False, index=out.index)
        out[f"in_{kind}"] = flags.reindex(out.index, fill_value=False).astype(bool)
    for column in ("sex", "birth_year", "governorate", "nationality"):
        out[column] = most_frequent(work, "beneficiary_id", column)
    out["birth_year"] = out["birth_year"].astype("Int64")
    out["birth_year_band"] = birth_year_band(out["birth_year"])
    out["age"] = _age_at_month_end(work, out["birth_year"], month)
    seekers = work[work["kind"] == "jobseekers"]
    for column in ("employment_status", "officer"):
        out[column] = latest(seekers, "beneficiary_id", column, "registration_date").astype(
            "string"
        )
    out["first_seen_month"] = pd.Series(
        first_seen.reindex(ids).fillna(month).to_numpy(), index=out.index, dtype="string"
    )
    out["n_records"] = groups.size().astype("int64")
    out["min_link_probability"] = groups["record_probability"].min().round(6)
    out["conflict"] = groups["conflict"].any().astype(bool)
    for column in ("sex", "governorate", "nationality", "first_seen_month"):
        out[column] = out[column].astype("string")
    out["region"] = region(out["governorate"])
    out.index = pd.Index(ids, name="beneficiary_id")
    out = out.reset_index()[BENEFICIARY_COLUMNS]
    # a million people: Arrow buffers, not a Python object per cell, while the run goes on
    text = [c for c in out.columns if pd.api.types.is_string_dtype(out[c])]
    return out.astype(dict.fromkeys(text, "string[pyarrow]"))


def _age_at_month_end(work: pd.DataFrame, birth_year: pd.Series, month: str) -> pd.Series:
    """Whole years at the end of ``month`` for each person's ``birth_year`` (the most
    frequent one); year-only birth dates count from mid-year."""
    end = pd.Period(month, freq="M").end_time
    year = birth_year.dropna().astype("float64")
    months = most_frequent(work, "beneficiary_id", "birth_month").reindex(year.index)
    days = most_frequent(work, "beneficiary_id", "birth_day").reindex(year.index)
    month_of_birth = months.astype("float64").fillna(7.0)
    day_of_birth = days.astype("float64").fillna(1.0)
    before_birthday = (month_of_birth > end.month) | (
        (month_of_birth == end.month) & (day_of_birth > end.day)
    )
    age = end.year - year - before_birthday.astype("float64")
    return age.round().astype("Int64")


def build_links(records: pd.DataFrame, pairs: pd.DataFrame, review_floor: float) -> pd.DataFrame:
    """links.parquet: scored pairs at or above the review floor, and every reviewed pair."""
    reviewed = pairs["decided_by"] == "reviewed" if "decided_by" in pairs else False
    kept = pairs[(pairs["probability"] >= review_floor) | reviewed]
    left = kept["left"].to_numpy()
    right = kept["right"].to_numpy()
    tokens, sources = records["record_token"], records["source"]
    out = pd.DataFrame(
        {  # positional takes: only the linked records' values become Python strings
            "left_token": pd.array(tokens.iloc[left].to_numpy(), dtype="string"),
            "right_token": pd.array(tokens.iloc[right].to_numpy(), dtype="string"),
            "left_source": pd.array(sources.iloc[left].to_numpy(), dtype="string"),
            "right_source": pd.array(sources.iloc[right].to_numpy(), dtype="string"),
            "probability": kept["probability"].round(6).to_numpy(),
            "match_weight": kept["match_weight"].round(4).to_numpy(),
        }
    )
    for column in sorted(c for c in kept.columns if c.startswith("level_")):
        out[column] = kept[column].astype("int8").to_numpy()
    out["decision"] = pd.array(kept["decision"].to_numpy(), dtype="string")
    decided = kept["decided_by"] if "decided_by" in kept else pd.Series("auto", index=kept.index)
    out["decided_by"] = pd.array(decided.to_numpy(), dtype="string")
    swap = out["left_token"] > out["right_token"]
    out.loc[swap, ["left_token", "right_token", "left_source", "right_source"]] = out.loc[
        swap, ["right_token", "left_token", "right_source", "left_source"]
    ].to_numpy()
    return out.sort_values(["left_token", "right_token"]).reset_index(drop=True)
