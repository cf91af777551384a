"""The clerical review loop: doubtful pairs out, reviewers' decisions back in.

Pairs in the review band are exported with both records side by side
(``pipelines.review_queue``) to the one place raw values may go:
``<out>/restricted/``. Decisions come back keyed by record tokens only, with
who decided, when, and from which file (the audit trail), are kept in
``<out>/state/decisions.parquet`` and override the model in every later run: a
rejected pair stays apart, an accepted one stays together. What was typed but
not applied survives a re-run of the month (``pipelines.review_carry``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from benelink.arrow_text import arrow_series, with_arrow_text
from benelink.errors import InputError
from benelink.pipelines.review_queue import (
    REVIEW_FIELDS,
    display_names,
    review_queue,
    review_readings,
)
from benelink.schemas.columns import DECISION_COLUMNS, NAME_PART_COLUMNS
from benelink.schemas.review import (
    ACCEPT,
    DECIDED_ON,
    DECISION,
    DECISION_WORDS,
    LEFT_TOKEN,
    NOT_SURE,
    REJECT,
    REVIEWER,
    RIGHT_TOKEN,
    SHOWN_FIELDS,
    settling_pairs,
)

__all__ = [
    "REVIEW_FIELDS",
    "DecisionCounts",
    "audit_summary",
    "decision_counts",
    "decisions_by_position",
    "display_names",
    "merge_decisions",
    "parse_decisions",
    "record_decisions",
    "review_queue",
    "review_readings",
    "review_sources",
    "settling_pairs",
    "stamped",
    "undecided_pairs",
]

_DECIDED_BY: Final = pa.array(["single", "auto", "reviewed"])
_REVIEWER_LIMIT: Final = 60
# day-first dates as typed in Jordan, or ISO (a date cell reads as ISO)
_ISO: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_DAY_FIRST: Final = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_NAME_COLUMNS: Final = SHOWN_FIELDS[0].columns[:2]  # the two full names, as sent


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


def parse_decisions(
    filled: pd.DataFrame,
    month: str,
    file_label: str,
    known_tokens: Collection[str] | None = None,
) -> pd.DataFrame:
    """The reviewer's decisions from a returned review file, keyed by record tokens.

    Only typed words count: ``accept`` or ``reject`` (``قبول`` or ``رفض``), case
    and surrounding spaces aside; ``not sure`` (``غير متأكد``) and an empty cell
    leave the pair undecided, in the queue. A decision written as a formula, any
    other word, a decided row without its two tokens or with the same token
    twice, two rows deciding one pair both ways, a reviewer that is no name (digits,
    too long, or a name of the file's records), a date that is not one and — given
    ``known_tokens``, every record token the output folder's runs wrote — a token
    no run wrote, are refused with their row numbers (the file's own, the header
    being row 1), because each would record a decision the reviewer did not
    make. The audit columns (who applied which file, when) are the caller's to
    fill (``stamped``).
    """
    missing = [c for c in (DECISION, LEFT_TOKEN, RIGHT_TOKEN) if c not in filled.columns]
    if missing:
        raise InputError(
            f"{file_label}: column(s) {', '.join(missing)} missing; "
            "return the review file benelink wrote, with only the decision column filled"
        )
    decision, left, right = (typed_text(filled[c]) for c in (DECISION, LEFT_TOKEN, RIGHT_TOKEN))
    reviewer, decided_on = (
        typed_text(filled[c])
        if c in filled.columns
        else typed_text(pd.Series("", index=filled.index))
        for c in (REVIEWER, DECIDED_ON)
    )
    _refuse(
        decision.str.startswith("=") | left.str.startswith("=") | right.str.startswith("="),
        f"{file_label}: a formula, not a typed value, in the decision or token columns of",
        "type the decision as a word and keep the tokens as benelink wrote them",
    )
    word = decision.map(typed_word)
    _refuse(
        ~(word.isin(ACCEPT | REJECT | NOT_SURE) | (word == "")),
        f"{file_label}: a decision other than {DECISION_WORDS} on",
        "write one of those words, or leave the cell empty to leave the pair undecided",
    )
    decided = word.isin(ACCEPT | REJECT)
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
    _refuse(
        decided & ~_is_reviewer(reviewer, filled),
        f"{file_label}: a reviewer that is not a name or initials (digits, a formula, over "
        f"{_REVIEWER_LIMIT} characters, or a name of the file's records) on",
        "write your name or initials in the reviewer column",
    )
    day = decided_on.map(_iso_day)
    _refuse(
        decided & (decided_on != "") & day.isna(),
        f"{file_label}: a decided_on that is not a date (year-month-day or day/month/year) on",
        "write the day you decided, or leave the cell empty for the day of applying",
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
            LEFT_TOKEN: first,
            RIGHT_TOKEN: second,
            DECISION: np.where(word.isin(ACCEPT), "accept", "reject"),
            REVIEWER: reviewer.replace("", None).to_numpy(dtype=object),
            DECIDED_ON: day.to_numpy(dtype=object),
        }
    )[decided.to_numpy()]
    both_ways = chosen.groupby([LEFT_TOKEN, RIGHT_TOKEN])[DECISION].transform("nunique")
    conflicting = np.zeros(len(filled), dtype=bool)
    conflicting[np.flatnonzero(decided.to_numpy())] = both_ways.to_numpy() > 1
    _refuse(
        conflicting,
        f"{file_label}: one pair accepted and rejected on",
        "keep one decision per pair",
    )
    unique = chosen.drop_duplicates([LEFT_TOKEN, RIGHT_TOKEN], keep="last")
    return unique.assign(month=month).reset_index(drop=True).reindex(columns=DECISION_COLUMNS)


def stamped(
    decisions: pd.DataFrame, *, applied_at: str, applied_by: str, file: str, file_sha256: str
) -> pd.DataFrame:
    """The decisions with their audit trail: who applied which file, when.

    A decision without a reviewer is the applying account's; one without a date
    was made on the day it was applied.
    """
    return decisions.assign(
        reviewer=decisions[REVIEWER].fillna(applied_by),
        decided_on=decisions[DECIDED_ON].fillna(applied_at[:10]),
        applied_at=applied_at,
        applied_by=applied_by,
        file=file,
        file_sha256=file_sha256,
    )[DECISION_COLUMNS]


@dataclass(frozen=True)
class DecisionCounts:
    """What a returned file holds besides its decisions: pairs left open."""

    not_sure: int  # marked not sure: they stay in the queue
    undecided: int  # the decision cell left empty


def decision_counts(filled: pd.DataFrame) -> DecisionCounts:
    """Rows of a returned review file that name a pair but leave it undecided."""
    if not {DECISION, LEFT_TOKEN, RIGHT_TOKEN} <= set(filled.columns):
        return DecisionCounts(0, 0)
    decision, left, right = (typed_text(filled[c]) for c in (DECISION, LEFT_TOKEN, RIGHT_TOKEN))
    named = (left != "") & (right != "")
    word = decision.map(typed_word)
    return DecisionCounts(
        not_sure=int((named & word.isin(NOT_SURE)).sum()),
        undecided=int((named & (word == "")).sum()),
    )


def undecided_pairs(filled: pd.DataFrame) -> int:
    """Rows of a returned review file that name a pair but leave its decision empty."""
    return decision_counts(filled).undecided


def typed_word(value: str) -> str:
    """A typed decision as compared: NFKC, case-folded, inner spaces single."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def _is_reviewer(reviewer: pd.Series, filled: pd.DataFrame) -> pd.Series:
    """Whether each reviewer cell can be a staff name or initials (an empty one can).

    A reviewer that is one of the file's own names — of the pair's records or of any
    other pair's — is a beneficiary's name typed or pasted into the wrong column: the
    decision store and the report would publish it.
    """
    digits = reviewer.map(lambda v: any(unicodedata.category(c) == "Nd" for c in v))
    bad = digits | reviewer.str.startswith("=") | (reviewer.str.len() > _REVIEWER_LIMIT)
    folded = reviewer.map(typed_word)
    names = {
        name
        for column in _NAME_COLUMNS
        if column in filled.columns
        for name in typed_text(filled[column]).map(typed_word)
    } - {""}
    return ~(bad | ((folded != "") & folded.isin(names)))


def _iso_day(value: str) -> str | None:
    """A typed day as year-month-day, or None when it is not a date after 2000."""
    found = _ISO.fullmatch(value)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        found = _DAY_FIRST.fullmatch(value)
        if not found:
            return None
        day, month, year = (int(g) for g in found.groups())
    try:
        typed = date(year, month, day)
    except ValueError:
        return None
    return typed.isoformat() if typed.year >= 2000 else None


def typed_text(values: pd.Series) -> pd.Series:
    """A column of the returned file as trimmed text, missing cells as ""."""
    return values.astype("string").fillna("").str.strip().astype(object)


def _refuse(where: pd.Series | np.ndarray, problem: str, fix: str) -> None:
    """Stop with the file's row numbers (header = row 1) where ``where`` holds."""
    rows = np.flatnonzero(np.asarray(where, dtype=bool)) + 2
    if len(rows) == 0:
        return
    raise InputError(f"{problem} row(s) {rows_text(rows)}; {fix}; nothing was recorded")


def rows_text(rows: np.ndarray) -> str:
    shown = ", ".join(map(str, rows[:5].tolist()))
    return shown + (f" and {len(rows) - 5:,} more" if len(rows) > 5 else "")


def merge_decisions(known: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """All decisions so far; a newer decision on the same pair replaces the older one."""
    frames = [
        f.reindex(columns=DECISION_COLUMNS) for f in (known, new) if f is not None and not f.empty
    ]
    if not frames:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    combined = pd.concat(frames, ignore_index=True)
    latest = combined.drop_duplicates([LEFT_TOKEN, RIGHT_TOKEN], keep="last")
    return latest.sort_values([LEFT_TOKEN, RIGHT_TOKEN], ignore_index=True)[DECISION_COLUMNS]


def audit_summary(decisions: pd.DataFrame | None) -> list[dict[str, object]]:
    """The decisions in force, counted per month applied and reviewer.

    Decisions recorded before the audit trail existed have no reviewer: they are
    counted under "not recorded".
    """
    if decisions is None or decisions.empty:
        return []
    frame = decisions.reindex(columns=DECISION_COLUMNS)
    reviewer = frame[REVIEWER].astype("string").fillna("not recorded")
    counts = (
        pd.DataFrame(
            {
                "month": frame["month"].astype(str),
                "reviewer": reviewer.astype(str),
                "accept": (frame[DECISION] == "accept").astype(int),
                "reject": (frame[DECISION] != "accept").astype(int),
            }
        )
        .groupby(["month", "reviewer"], as_index=False)[["accept", "reject"]]
        .sum()
        .sort_values(["month", "reviewer"])
    )
    return [
        {"month": m, "reviewer": r, "accept": int(a), "reject": int(j)}
        for m, r, a, j in counts.itertuples(index=False, name=None)
    ]


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
