"""Decisions typed into a month's review files, carried into the month's next queue.

Re-running a month rewrites its review files. Whatever a reviewer typed in the
last ones and has not applied yet — decision, reviewer, date, note — must not
be lost: it is carried to the same pair (the same two record tokens) in the
new queue, and a typed decision the new queue has no pair for stops the run
with one line naming the file, unless the decision store already holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from benelink.errors import UsageError
from benelink.pipelines.review import rows_text, typed_text, typed_word
from benelink.schemas.review import (
    ACCEPT,
    DECISION,
    DROP_DOWN,
    LEFT_TOKEN,
    NOT_SURE,
    REJECT,
    RIGHT_TOKEN,
    TYPED,
    TypedReview,
)


def carry_typed(
    queue: pd.DataFrame, typed: Sequence[TypedReview], recorded: pd.DataFrame | None
) -> tuple[pd.DataFrame, int]:
    """The new queue with what reviewers typed into the month's last one, pair by pair.

    Re-running a month rewrites its review files; whatever was typed in them
    (decision, reviewer, date, note) is carried to the same pair — the same two
    record tokens — in the new queue. A typed decision whose pair the new queue
    no longer holds is refused unless the decision store already records it (it
    was applied, and the run followed it): nothing typed is lost silently. Two
    files deciding one pair differently are refused too. Returns the queue and
    how many of its pairs received typed cells.
    """
    typed_rows = [_typed_rows(t) for t in typed]
    typed_rows = [t for t in typed_rows if not t.empty]
    if not typed_rows:
        return queue, 0
    together = pd.concat(typed_rows, ignore_index=True)
    decided = together[together["word"] != ""]
    ways = decided.groupby(["key"])["word"].agg(lambda words: words.map(_meaning).nunique())
    if (ways > 1).any():
        labels = " and ".join(sorted(set(together["label"])))
        raise UsageError(
            f"{labels}: {int((ways > 1).sum()):,} pair(s) decided differently in these files; "
            "keep the decisions in one of them (clear the other's decision cells), "
            "then run the month again; nothing was written"
        )
    key = _pair_keys(queue[LEFT_TOKEN], queue[RIGHT_TOKEN])
    present = key.isin(together["key"])
    _refuse_uncarried(decided[~decided["key"].isin(key)], recorded)
    carried = queue.copy()
    for column in TYPED:  # each cell from the first file that has it typed
        typed_cells = together[together[column] != ""].drop_duplicates("key")
        values = key.map(typed_cells.set_index("key")[column]).fillna("")
        if column == DECISION:
            values = values.map(_drop_down_word)
        carried[column] = values.where(values != "", carried[column]).to_numpy(dtype=object)
    return carried, int(present.sum())


def _typed_rows(typed: TypedReview) -> pd.DataFrame:
    """The rows of one file in which something was typed, with their pair key."""
    rows = typed.rows
    if not {LEFT_TOKEN, RIGHT_TOKEN} <= set(rows.columns):
        return pd.DataFrame()
    cells = {
        c: typed_text(rows[c]) if c in rows else typed_text(pd.Series("", index=rows.index))
        for c in TYPED
    }
    frame = pd.DataFrame(cells, index=rows.index)
    frame = frame.assign(
        key=_pair_keys(typed_text(rows[LEFT_TOKEN]), typed_text(rows[RIGHT_TOKEN])).to_numpy(),
        word=frame[DECISION].map(typed_word).to_numpy(),
        row=np.arange(len(rows)) + 2,
        label=typed.label,
    )
    named = (typed_text(rows[LEFT_TOKEN]) != "") & (typed_text(rows[RIGHT_TOKEN]) != "")
    typed_any = (frame[list(TYPED)] != "").any(axis=1)
    return frame[(named & typed_any).to_numpy()]


def _refuse_uncarried(decided: pd.DataFrame, recorded: pd.DataFrame | None) -> None:
    """Stop when a typed decision has no pair to go to and was never recorded."""
    pending = decided[~decided["word"].isin(NOT_SURE)]
    if recorded is not None and not recorded.empty and not pending.empty:
        store = pd.Series(
            recorded[DECISION].to_numpy(),
            index=_pair_keys(recorded[LEFT_TOKEN], recorded[RIGHT_TOKEN]).to_numpy(),
        )
        stored = pending["key"].map(store)
        typed = np.where(pending["word"].isin(ACCEPT), "accept", "reject")
        recorded_same = stored.notna() & (stored == typed) & pending["word"].isin(ACCEPT | REJECT)
        pending = pending[~recorded_same.to_numpy()]
    if pending.empty:
        return
    label = str(pending["label"].iloc[0])
    rows = pending.loc[pending["label"] == label, "row"].to_numpy()
    raise UsageError(
        f"{label}: {len(pending):,} decision(s) typed in it but not recorded are on pairs the "
        f"new review queue no longer holds (row(s) {rows_text(rows)}); record them first with "
        f"`benelink review apply {label}`, then run the month again; nothing was written"
    )


def _pair_keys(left: pd.Series, right: pd.Series) -> pd.Series:
    """One text per pair whichever record is on the left."""
    one, other = (np.asarray(v.astype(str), dtype=object) for v in (left, right))
    low, high = np.minimum(one, other), np.maximum(one, other)
    return pd.Series(low + "|" + high, index=left.index)


_CANONICAL: Final = {typed_word(w): w for w in DROP_DOWN}


def _meaning(word: str) -> str:
    """What a typed (normalised) decision says, whichever language it says it in."""
    for meaning, words in (("accept", ACCEPT), ("reject", REJECT), ("not sure", NOT_SURE)):
        if word in words:
            return meaning
    return word


def _drop_down_word(value: str) -> str:
    """A typed decision as the drop-down spells it ("Accept " -> "accept"); others as typed."""
    return _CANONICAL.get(typed_word(value), value)
