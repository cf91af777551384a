"""The clerical review loop: doubtful pairs out, reviewers' decisions back in.

Pairs in the review band are exported with both records side by side — as the
partner sent them, because a reviewer decides on names — to the one place raw
values may go: ``<out>/restricted/``. Decisions come back keyed by record
tokens only, are kept in ``<out>/state/decisions.parquet`` and override the
model in every later run: a rejected pair stays apart, an accepted one stays
together.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from benelink.arrow_text import arrow_series, with_arrow_text
from benelink.errors import InputError
from benelink.schemas.columns import DECISION_COLUMNS, NAME_PART_COLUMNS, SHEET

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
# the words a reviewer may write in the decision column (case and spaces aside); the README
# and the refusal message list exactly these
ACCEPT: Final = frozenset({"accept", "قبول"})
REJECT: Final = frozenset({"reject", "رفض"})
DECISION_WORDS: Final = "accept, reject, قبول (accept) or رفض (reject)"
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


def no_review_sources() -> pd.DataFrame:
    """The review fields of no record: what the queue reads when every source is encoded."""
    return review_sources(pd.DataFrame({c: pd.Series(dtype="string") for c in REVIEW_FIELDS}))


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


def parse_decisions(
    filled: pd.DataFrame,
    month: str,
    file_label: str,
    known_tokens: Collection[str] | None = None,
) -> pd.DataFrame:
    """The reviewer's decisions from a returned review file, keyed by record tokens.

    Only typed words count: ``accept`` or ``reject`` (``قبول`` or ``رفض``), case
    and surrounding spaces aside; an empty cell leaves the pair undecided. A
    decision written as a formula, any other word, a decided row without its two
    tokens or with the same token twice, two rows deciding one pair both ways,
    and — given ``known_tokens``, every record token the output folder's runs
    wrote — a token no run wrote, are refused with their row numbers (the file's
    own, the header being row 1), because each would record a decision the
    reviewer did not make.
    """
    missing = [c for c in ("decision", "left_token", "right_token") if c not in filled.columns]
    if missing:
        raise InputError(
            f"{file_label}: column(s) {', '.join(missing)} missing; "
            "return the review file benelink wrote, with only the decision column filled"
        )
    decision, left, right = (_text(filled[c]) for c in ("decision", "left_token", "right_token"))
    _refuse(
        decision.str.startswith("=") | left.str.startswith("=") | right.str.startswith("="),
        f"{file_label}: a formula, not a typed value, in the decision or token columns of",
        "type the decision as a word and keep the tokens as benelink wrote them",
    )
    word = decision.map(lambda v: unicodedata.normalize("NFKC", v).casefold())
    _refuse(
        ~(word.isin(ACCEPT | REJECT) | (word == "")),
        f"{file_label}: a decision other than {DECISION_WORDS} on",
        "write one of those words, or leave the cell empty to leave the pair undecided",
    )
    decided = word != ""
    _refuse(
        decided & ((left == "") | (right == "")),
        f"{file_label}: a decision without its left_token and right_token on",
        "keep the token columns as benelink wrote them",
    )
    _refuse(
        decided & (left == right),
        f"{file_label}: the same record token on both sides of",
        "a pair joins two different records: keep the tokens as benelink wrote them",
    )
    if known_tokens is not None:
        known = set(known_tokens)
        _refuse(
            decided & ~(left.isin(known) & right.isin(known)),
            f"{file_label}: record tokens that no run of this output folder wrote, on",
            "apply the review file of this output folder's runs, tokens unchanged",
        )
    first = np.minimum(left.to_numpy(dtype=object), right.to_numpy(dtype=object))
    second = np.maximum(left.to_numpy(dtype=object), right.to_numpy(dtype=object))
    chosen = pd.DataFrame(
        {
            "left_token": first,
            "right_token": second,
            "decision": np.where(word.isin(ACCEPT), "accept", "reject"),
        }
    )[decided.to_numpy()]
    both_ways = chosen.groupby(["left_token", "right_token"])["decision"].transform("nunique")
    conflicting = np.zeros(len(filled), dtype=bool)
    conflicting[np.flatnonzero(decided.to_numpy())] = both_ways.to_numpy() > 1
    _refuse(
        conflicting,
        f"{file_label}: one pair accepted and rejected on",
        "keep one decision per pair",
    )
    unique = chosen.drop_duplicates(["left_token", "right_token"], keep="last")
    return unique.assign(month=month).reset_index(drop=True)[DECISION_COLUMNS]


def undecided_pairs(filled: pd.DataFrame) -> int:
    """Rows of a returned review file that name a pair but leave its decision empty."""
    if not {"decision", "left_token", "right_token"} <= set(filled.columns):
        return 0
    decision, left, right = (_text(filled[c]) for c in ("decision", "left_token", "right_token"))
    return int(((decision == "") & (left != "") & (right != "")).sum())


def _text(values: pd.Series) -> pd.Series:
    """A column of the returned file as trimmed text, missing cells as ""."""
    return values.astype("string").fillna("").str.strip().astype(object)


def _refuse(where: pd.Series | np.ndarray, problem: str, fix: str) -> None:
    """Stop with the file's row numbers (header = row 1) where ``where`` holds."""
    rows = np.flatnonzero(np.asarray(where, dtype=bool)) + 2
    if len(rows) == 0:
        return
    shown = ", ".join(map(str, rows[:5].tolist()))
    more = f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
    raise InputError(f"{problem} row(s) {shown}{more}; {fix}; nothing was recorded")


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
