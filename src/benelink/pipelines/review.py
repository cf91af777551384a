"""The clerical review loop: doubtful pairs out, reviewers' decisions back in.

Pairs in the review band are exported with both records side by side — as the
partner sent them, because a reviewer decides on names — to the one place raw
values may go: ``<out>/restricted/``. Decisions come back keyed by record
tokens only, are kept in ``<out>/state/decisions.parquet`` and override the
model in every later run: a rejected pair stays apart, an accepted one stays
together.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from benelink.errors import InputError
from benelink.io.text import arrow_series, with_arrow_text
from benelink.schemas.columns import NAME_PART_COLUMNS, SHEET

REVIEW_FIELDS: Final[tuple[str, ...]] = (
    "source",
    "source_record_id",
    "row_number",
    "sheet",  # only for a source read from several sheets of a workbook
    "full_name",
    "sex",
    "date_of_birth",
    "national_number",
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
    "governorate",
    "nationality",
)
ACCEPT: Final = frozenset({"accept", "accepted", "same", "yes", "y", "match", "1", "نعم"})
REJECT: Final = frozenset({"reject", "rejected", "different", "no", "n", "non_match", "0", "لا"})
DECISION_COLUMNS: Final = ["left_token", "right_token", "decision", "month"]
_DECIDED_BY: Final = pa.array(["single", "auto", "reviewed"])


def display_names(raw: pd.DataFrame) -> pd.Series:
    """The full name as the partner wrote it, joined from its parts if it came in parts."""
    if "full_name" in raw.columns:
        full = raw["full_name"].astype("string")
    else:
        full = pd.Series(pd.NA, index=raw.index, dtype="string")
    parts = [c for c in NAME_PART_COLUMNS if c in raw]
    if parts and len(raw):  # a row-wise join of no rows gives a frame, not a column
        joined = (
            raw[parts].astype("string").fillna("").agg(" ".join, axis=1).str.split().str.join(" ")
        )
        full = full.fillna(joined.replace("", pd.NA))
    return full


def review_sources(valid: pd.DataFrame) -> pd.DataFrame:
    """What the review queue may later show of a source's validated rows, kept compactly.

    The queue needs raw values only for the few records that end in the review
    band, but which records those are is known only after linking. Keeping the
    shown fields as Arrow-backed strings (one buffer per column rather than one
    Python object per cell) lets the run drop the full validated frames as soon
    as standardisation has consumed them.
    """
    wanted = [*REVIEW_FIELDS, *NAME_PART_COLUMNS]
    return with_arrow_text(valid[[c for c in wanted if c in valid.columns]])


def review_queue(raw: pd.DataFrame, tokens: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per pair in the review band, the two records side by side.

    ``raw`` holds the validated records as the partners sent them, in the same
    order as ``tokens`` and the positions in ``pairs``.
    """
    doubtful = pairs[pairs["decision"] == "review"].sort_values("probability", ascending=False)
    # only the records of doubtful pairs are read: names are joined for a few
    # thousand rows, not for every record of the month
    rows = np.unique(doubtful[["left", "right"]].to_numpy(dtype=np.int64).ravel())
    subset = raw.iloc[rows]
    shown = subset.assign(full_name=display_names(subset))
    at = pd.Index(rows)
    queue = pd.DataFrame(
        {
            "pair": np.arange(1, len(doubtful) + 1),
            "probability": doubtful["probability"].round(4).to_numpy(),
            "decision": "",
        }
    )
    for side in ("left", "right"):
        positions = at.get_indexer(pd.Index(doubtful[side].to_numpy(dtype=np.int64)))
        for field in REVIEW_FIELDS:
            if field == SHEET and field not in shown:
                continue  # one sheet per source: the row number says it all
            values = shown[field].to_numpy()[positions] if field in shown else pd.NA
            queue[f"{side}_{field}"] = values
    queue["left_token"] = tokens.to_numpy()[doubtful["left"].to_numpy()]
    queue["right_token"] = tokens.to_numpy()[doubtful["right"].to_numpy()]
    return queue


def parse_decisions(filled: pd.DataFrame, month: str, file_label: str) -> pd.DataFrame:
    """The reviewer's decisions from a returned review file, keyed by record tokens."""
    missing = [c for c in ("decision", "left_token", "right_token") if c not in filled.columns]
    if missing:
        raise InputError(
            f"{file_label}: column(s) {', '.join(missing)} missing; "
            "return the review file benelink wrote, with only the decision column filled"
        )
    text = filled["decision"].astype("string").str.strip().str.casefold().fillna("")
    known = text.isin(ACCEPT | REJECT) | (text == "")
    if not known.all():
        rows = (np.flatnonzero(~known.to_numpy()) + 2)[:5].tolist()
        raise InputError(
            f"{file_label}: decision column has values other than accept/reject on row(s) "
            f"{', '.join(map(str, rows))}; write accept or reject, or leave it empty"
        )
    chosen = filled[text != ""]
    decision = np.where(text[text != ""].isin(ACCEPT), "accept", "reject")
    left = chosen["left_token"].astype(str).to_numpy()
    right = chosen["right_token"].astype(str).to_numpy()
    return pd.DataFrame(
        {
            "left_token": np.minimum(left, right),
            "right_token": np.maximum(left, right),
            "decision": decision,
            "month": month,
        }
    )


def merge_decisions(known: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """All decisions so far; a newer decision on the same pair replaces the older one."""
    frames = [f for f in (known, new) if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    combined = pd.concat(frames, ignore_index=True)
    latest = combined.drop_duplicates(["left_token", "right_token"], keep="last")
    return latest.sort_values(["left_token", "right_token"], ignore_index=True)[DECISION_COLUMNS]


def decisions_by_position(decisions: pd.DataFrame | None, tokens: pd.Series) -> pd.DataFrame | None:
    """Stored decisions whose two records are both present this month, as positions."""
    if decisions is None or decisions.empty:
        return None
    position = pd.Series(np.arange(len(tokens)), index=tokens.astype(str).to_numpy())
    left = decisions["left_token"].map(position)
    right = decisions["right_token"].map(position)
    present = left.notna() & right.notna()
    if not present.any():
        return None
    return pd.DataFrame(
        {
            "left": left[present].astype("int64").to_numpy(),
            "right": right[present].astype("int64").to_numpy(),
            "decision": decisions.loc[present, "decision"].to_numpy(),
        }
    )


def record_decisions(cluster: np.ndarray, pairs: pd.DataFrame) -> pd.Series:
    """How each record's cluster was decided: single, auto, or reviewed."""
    sizes = np.bincount(cluster)
    how = (sizes[cluster] > 1).astype(np.int8)  # a position in _DECIDED_BY
    accepted = pairs[(pairs["decided_by"] == "reviewed") & (pairs["decision"] == "match")]
    how[np.isin(cluster, cluster[accepted[["left", "right"]].to_numpy().ravel()])] = 2
    return arrow_series(_DECIDED_BY.take(pa.array(how)), pd.RangeIndex(len(how)))
