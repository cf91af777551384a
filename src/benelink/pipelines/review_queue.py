"""The review queue: the month's doubtful pairs, most useful first, laid out to compare.

Each pair is one row (``schemas.review``): the two records' fields side by side,
each value as benelink read it (a date as year-month-day, a sex as male or
female, a phone in one form) with what the partner sent beside it when that
differs, and how the link model compared the field, in words, marked
same / close / differs.

The order puts first the decisions that settle the most. Accepting a pair
joins two people (the model's clusters) into one; several doubtful pairs often
join the same two people, and one decision then settles them all; a pair whose
records the model already holds together changes nobody when accepted. So the
queue comes in three parts — the first pair of each two people, the other
pairs of the same two people, pairs already within one person — and within a
part, pairs that would move more records come first, then those whose
probability is nearest 50 % (where the model is least sure). The first part's
length is how many decisions the model needs to settle the month.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.linkage.compare import COMPARISONS, Comparison
from benelink.linkage.similarity import CLOSENESS, RecordForm
from benelink.schemas.columns import NAME_PART_COLUMNS, SHEET
from benelink.schemas.review import (
    CLOSE,
    DIFFER,
    EFFECT,
    FIELDS_COMPARED,
    JOINS,
    NAME_FIELD,
    NAME_PART_WORDS,
    PAIR,
    PROBABILITY,
    QUEUE_COLUMNS,
    RECORDS,
    SAME,
    SHOWN_FIELDS,
    TOKENS,
    TYPED,
    UNWEIGHED,
    ShownField,
    fields_compared,
)

# the raw fields the queue shows, kept for every record until linking says which are doubtful
REVIEW_FIELDS: Final[tuple[str, ...]] = (
    "source",
    "source_record_id",
    "row_number",
    SHEET,  # only for a source read from several sheets of a workbook
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
# benelink's reading of them (standardised columns), kept for the queued records only
READ_FIELDS: Final[tuple[str, ...]] = (
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "national_number",
    "unhcr_individual_id",
    "unhcr_case_id",
    "phone",
    "governorate",
    "nationality",
)
_SEX_WORDS: Final = {"M": "male", "F": "female"}
_BY_NAME: Final = {c.name: c for c in COMPARISONS}
# separators and case that do not make a sent value differ from its reading
_NOISE: Final = r"[\s\-/.()+]"


def display_names(raw: pd.DataFrame) -> pd.Series:
    """The full name as the partner wrote it, joined from its parts if it came in parts."""
    if "full_name" in raw.columns:
        full = raw["full_name"].astype("string")
    else:
        full = pd.Series(pd.NA, index=raw.index, dtype="string")
    parts = [raw[c].astype("string").fillna("") for c in NAME_PART_COLUMNS if c in raw]
    if parts:
        joined = parts[0]
        for part in parts[1:]:
            joined = joined + " " + part
        joined = joined.str.replace(r"\s+", " ", regex=True).str.strip()
        full = full.fillna(joined.replace("", pd.NA))
    return full


def doubtful_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs in the review band: those the queue shows."""
    return pairs[pairs["decision"] == "review"]


def queued_rows(frame: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (records by position) that the review band's pairs name,
    indexed by those positions; positions past ``frame``'s end (encoded records after
    the clear ones) are left out. A million-record month queues some hundred thousand
    records: only their rows are kept once the month is linked."""
    doubtful = doubtful_pairs(pairs)
    rows = np.unique(doubtful[["left", "right"]].to_numpy(dtype=np.int64).ravel())
    rows = rows[rows < len(frame)]
    return frame.iloc[rows].set_axis(pd.Index(rows), axis=0)


def review_readings(records: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """benelink's reading of the fields the queue shows, for the queued records only.

    ``records`` are the month's standardised records (the clear ones: an encoded
    record has no reading to show), in the positions ``pairs`` use; the result is
    indexed by those positions.
    """
    return queued_rows(records, pairs)[[c for c in READ_FIELDS if c in records.columns]]


def review_queue(
    raw: pd.DataFrame,
    tokens: pd.Series,
    pairs: pd.DataFrame,
    readings: pd.DataFrame | None = None,
    cluster: npt.NDArray[np.int64] | None = None,
    form: RecordForm = "clear",
) -> pd.DataFrame:
    """One row per pair in the review band, most useful decision first (see the module).

    ``raw`` holds the records as the partners sent them (``REVIEW_FIELDS``), indexed by
    their positions in ``pairs`` (the whole month, or its queued rows: ``queued_rows``),
    and ``tokens`` the record tokens of the whole month;
    ``readings`` (``review_readings``) benelink's reading of the queued ones;
    ``cluster`` the person each record belongs to after linking (without it,
    every record is its own); ``form`` the form the records were compared in,
    which words the near levels.
    """
    doubtful = doubtful_pairs(pairs)
    left = doubtful["left"].to_numpy(dtype=np.int64)
    right = doubtful["right"].to_numpy(dtype=np.int64)
    probability = doubtful["probability"].to_numpy(dtype=np.float64)
    people = np.arange(len(tokens), dtype=np.int64) if cluster is None else cluster
    order, effect = _order(left, right, probability, people)
    doubtful, left, right = doubtful.iloc[order], left[order], right[order]

    # only the records of doubtful pairs are read: a few thousand rows, not the month
    rows = np.unique(np.concatenate([left, right]))
    shown = raw.loc[rows]
    shown = shown.assign(full_name=display_names(shown)).set_axis(pd.Index(rows), axis=0)
    read = (readings if readings is not None else pd.DataFrame()).reindex(pd.Index(rows))

    queue: dict[str, object] = {
        PAIR: np.arange(1, len(doubtful) + 1),
        **{column: "" for column in TYPED},
        PROBABILITY: doubtful["probability"].round(4).to_numpy(),
        EFFECT: effect,
    }
    sides = (np.searchsorted(rows, left), np.searchsorted(rows, right))  # rows are sorted
    marks: dict[str, npt.NDArray[np.object_]] = {}
    for field in SHOWN_FIELDS:
        values = _cells(field, shown, read).to_numpy(dtype=object)
        one, other = values[sides[0]], values[sides[1]]
        queue[field.columns[0]], queue[field.columns[1]] = one, other
        words, marks[field.short] = _compared(field, doubtful, one, other, form)
        if field.worded:
            queue[field.compared] = words
    queue[FIELDS_COMPARED] = _summary(
        {f.short: marks[f.short] for f in SHOWN_FIELDS if f is not NAME_FIELD}, len(doubtful)
    )
    where = _where(shown).to_numpy(dtype=object)
    for column, side in zip(RECORDS, sides, strict=True):
        queue[column] = where[side]
    for column, positions in zip(TOKENS, (left, right), strict=True):
        queue[column] = tokens.to_numpy(dtype=object)[positions]
    return pd.DataFrame(queue, columns=list(QUEUE_COLUMNS))


def _order(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    probability: npt.NDArray[np.float64],
    cluster: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """The queue's order and, per pair in that order, what accepting it would do."""
    n = len(left)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    one, other = cluster[left], cluster[right]
    size = np.bincount(cluster)
    joins = one != other
    moved = np.where(joins, size[one] + size[other], size[one])  # records the decision touches
    low, high = np.minimum(one, other), np.maximum(one, other)
    # pairs between the same two people, the likeliest first: it leads them
    by_people = np.lexsort((right, left, -probability, high, low))
    starts = np.r_[True, (np.diff(low[by_people]) != 0) | (np.diff(high[by_people]) != 0)]
    at = np.empty(n, dtype=np.int64)
    at[by_people] = np.arange(n)
    leader = by_people[np.maximum.accumulate(np.where(starts, np.arange(n), 0))][at]
    part = np.where(joins & (leader == np.arange(n)), 0, np.where(joins, 1, 2))
    order = np.lexsort((right, left, np.abs(probability - 0.5), -moved, part))

    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(1, n + 1)  # each pair's place in the queue
    effect = np.array(
        [
            f"{JOINS} ({moved[i]:,} records)"
            if part[i] == 0
            else f"same 2 people as pair {number[leader[i]]}"
            if part[i] == 1
            else f"already 1 person ({moved[i]:,} records)"
            for i in range(n)
        ],
        dtype=object,
    )
    return order, effect[order]


def _cells(field: ShownField, shown: pd.DataFrame, read: pd.DataFrame) -> pd.Series:
    """The field's cell per queued record: benelink's reading, with what was sent beside it
    when that differs; a name as sent."""
    sent = (
        shown[field.name].astype("string")
        if field.name in shown
        else pd.Series(pd.NA, index=shown.index, dtype="string")
    )
    sent = sent.str.strip().replace("", pd.NA)
    if not field.read:
        return sent
    reading = _reading(field.name, read)
    same = _plain(sent) == _plain(reading)
    noted = reading + " (sent " + sent + ")"
    cells = reading.where(same.fillna(False) | sent.isna(), noted)
    return cells.fillna("not read (sent " + sent + ")")


def _reading(name: str, read: pd.DataFrame) -> pd.Series:
    """benelink's reading of one shown field, as text."""
    if name == "date_of_birth":
        return _birth_date(read)
    if name not in read:
        return pd.Series(pd.NA, index=read.index, dtype="string")
    values = read[name].astype("string")
    if name == "sex":
        return values.map(_SEX_WORDS, na_action="ignore").astype("string")
    return values


def _birth_date(read: pd.DataFrame) -> pd.Series:
    """Year-month-day, year-month, or the year alone: as much as benelink read."""
    blank = pd.Series(pd.NA, index=read.index, dtype="string")

    def part(column: str, width: int) -> pd.Series:
        if column not in read:
            return blank
        return read[column].astype("Int64").astype("string").str.zfill(width)

    year, month, day = part("birth_year", 4), part("birth_month", 2), part("birth_day", 2)
    with_month = (year + "-" + month).fillna(year)
    return (with_month + "-" + day).where(month.notna() & day.notna(), with_month)


def _plain(values: pd.Series) -> pd.Series:
    """A value as compared with its reading: case, spaces and separators aside."""
    return values.str.replace(_NOISE, "", regex=True).str.lower()


def _where(shown: pd.DataFrame) -> pd.Series:
    """Where each record is: source, row in the partner's file, record id (and sheet)."""
    source = shown["source"].astype("string")
    text = source.copy()
    if "row_number" in shown:
        text = (text + ", row " + shown["row_number"].astype("Int64").astype("string")).fillna(text)
    if "source_record_id" in shown:
        with_id = text + ", id " + shown["source_record_id"].astype("string")
        text = with_id.fillna(source + " (an encoded record: no names to show)")
    if SHEET in shown:
        text = (text + ", sheet " + shown[SHEET].astype("string")).fillna(text)
    return text


def level_words(comparison: Comparison, form: RecordForm) -> dict[int, tuple[str, str]]:
    """Level -> (mark, words) as the queue shows a comparison's levels to a reviewer.

    Built from the comparison's own ladder (``Comparison.labels``): its top
    level is "same", its lowest "differs", a level judged by the form's
    similarity is a close or very close spelling (its measure in brackets), any
    other keeps its label (day/month swapped, year ±1, first/family swapped). A
    level that counts as the same is marked same unless it is a mistyped id.
    """
    labels = comparison.labels(form)
    aspect = comparison.ladder.aspect
    words: dict[int, tuple[str, str]] = {}
    for level in comparison.ladder.levels:
        label = labels[level.value]
        if level.value == comparison.top_level:
            word = "same"
        elif level.value == 0:
            word = "differs"
        elif level.near is not None and aspect != "digits" and CLOSENESS[form][aspect].measure:
            closeness = "very close" if level.near == "high" else "close"
            word = f"{closeness} spelling ({label})"
        else:
            word = label
        if level.value == 0:
            mark = DIFFER
        elif level.same and not level.typo:
            mark = SAME
        else:
            mark = CLOSE
        words[level.value] = (mark, word)
    return words


def _levels(doubtful: pd.DataFrame, comparison: str) -> npt.NDArray[np.int64] | None:
    column = f"level_{comparison}"
    if column not in doubtful:
        return None
    return doubtful[column].to_numpy(dtype=np.int64)


def _compared(
    field: ShownField,
    doubtful: pd.DataFrame,
    left: npt.NDArray[np.object_],
    right: npt.NDArray[np.object_],
    form: RecordForm,
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """How the model compared the field for each queued pair: in words led by the mark,
    and the mark alone (None for both when neither record has the field)."""
    n = len(doubtful)
    absent = (pd.isna(left), pd.isna(right))
    found = [(c, _levels(doubtful, c)) for c in field.comparisons if c in _BY_NAME]
    levels = [(c, v) for c, v in found if v is not None]
    if not levels:
        return np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    # each distinct combination of levels is worded once (a few dozen, not one per pair)
    stacked = np.stack([v for _, v in levels], axis=1)
    combos, code = np.unique(stacked, axis=0, return_inverse=True)
    code = code.reshape(-1)
    ladders = [(c, level_words(_BY_NAME[c], form)) for c, _ in levels]
    said = np.array([_worded(combo, ladders) for combo in combos] + [None], dtype=object)
    words = said[code]
    unweighed = np.array([w is None for w in said[:-1]], dtype=bool)[code]
    words[unweighed] = np.where(
        (absent[0] | absent[1])[unweighed], f"{UNWEIGHED} missing", f"{UNWEIGHED} not weighed"
    )
    words[absent[0] & absent[1]] = None
    mark = np.array([w[:1] if isinstance(w, str) else None for w in words], dtype=object)
    return words, mark


def _summary(marks: dict[str, npt.NDArray[np.object_]], n: int) -> npt.NDArray[np.object_]:
    """The fields_compared cell per pair (``schemas.review.fields_compared``)."""
    if not marks or n == 0:
        return np.full(n, None, dtype=object)
    names = list(marks)
    codes = np.stack([pd.Series(marks[f], dtype=object).fillna("").to_numpy() for f in names], 1)
    combos, code = np.unique(codes.astype(str), axis=0, return_inverse=True)
    cells = [
        fields_compared({f: m for f, m in zip(names, combo, strict=True) if m}) for combo in combos
    ]
    return np.array(cells, dtype=object)[code.reshape(-1)]


def _worded(
    combo: npt.NDArray[np.int64], words: list[tuple[str, dict[int, tuple[str, str]]]]
) -> str | None:
    """One combination of levels in words: a field's own, or a name's parts grouped by
    what was found ("first, family same; father close spelling"); None if none weighed."""
    if len(words) == 1:
        if combo[0] < 0:
            return None
        mark, word = words[0][1][int(combo[0])]
        return f"{mark} {word}"
    grouped: dict[str, list[str]] = {}
    marks = []
    for (comparison, ladder), level in zip(words, combo, strict=True):
        if level < 0:
            continue
        mark, word = ladder[int(level)]
        marks.append(mark)
        grouped.setdefault(word.split(" (")[0], []).append(
            NAME_PART_WORDS.get(comparison, comparison)
        )
    if not marks:
        return None
    if all(m == SAME for m in marks):
        overall = SAME
    elif all(m == DIFFER for m in marks):
        overall = DIFFER
    else:
        overall = CLOSE
    return f"{overall} " + "; ".join(f"{', '.join(p)} {w}" for w, p in grouped.items())
