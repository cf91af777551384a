"""Identical copies: records that agree on every field the link stage reads.

A partner that sends one person 450 times (a re-import, a copy-paste gone wrong)
makes a block of 450 records in every blocking rule, each over the block cap, so
every one of them is skipped and the 450 copies would stay 450 beneficiaries.
Comparing them would tell nothing anyway: two copies have the same comparison
vector with each other, and with any third record. So each group of copies is
represented by its first record: only the representative takes part in blocking,
and each copy is paired with its representative alone (one candidate pair per
copy instead of n·(n−1)/2). The pair is scored like any other, so copies join
their representative's beneficiary exactly when the model says two such records
are one person, and reviewers' decisions on either still apply.

Copies are looked for within each source (the records one partner sent); a record
and its counterpart in another source are linked through blocking as ever. "Every
field" is every code array of :class:`~benelink.linkage.compare.RecordArrays`
(what any comparison can read, whatever the comparison set) and every column a
blocking rule keys on. Records never grouped: those a reviewer has decided on (a
"reject" between two copies must keep them apart, so they block as themselves),
and those with no blocking key at all (no rule would propose them anyway).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.linkage.block import BlockingRule, ColumnCodes, group_codes
from benelink.linkage.compare import RecordArrays
from benelink.row_keys import repeated_rows
from benelink.schemas.columns import SOURCE

Positions = npt.NDArray[np.int32]


@dataclass(frozen=True)
class IdenticalCopies:
    """Each copy's position and its representative's (the group's first record)."""

    copy: Positions
    representative: Positions

    def __len__(self) -> int:
        return len(self.copy)

    @classmethod
    def none(cls) -> IdenticalCopies:
        return cls(np.zeros(0, np.int32), np.zeros(0, np.int32))


def identical_copies(
    arr: RecordArrays,
    records: pd.DataFrame,
    rules: Sequence[BlockingRule],
    keep: Collection[int] = (),
    column_codes: ColumnCodes | None = None,
) -> IdenticalCopies:
    """The records identical to an earlier one on every compared and blocking field.

    ``keep``: positions never treated as copies (records with a reviewer's decision).
    ``column_codes``: the records' column codes, shared with blocking (each column is
    grouped once for both).
    """
    n = len(arr)
    if n < 2:
        return IdenticalCopies.none()
    codes_of = ColumnCodes(records) if column_codes is None else column_codes
    columns = sorted({c for rule in rules for c in (*rule.columns, *rule.refine)})
    blocking = [codes_of((c,)) for c in columns]
    source = group_codes(records, (SOURCE,))  # copies come from one partner's file
    alone = np.zeros(n, dtype=bool)
    if blocking:
        alone |= np.all(np.stack(blocking) < 0, axis=0)  # no rule would propose it
    alone[np.asarray(list(keep), dtype=np.int64)] = True
    # one key over the source, every compared code and every blocking column, for the
    # records that repeat (in order); every other record is a group of its own
    at, key = repeated_rows((source, *_compared_codes(arr), *blocking), np.flatnonzero(~alone))
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    representative = at[first[group]]  # each group's first record
    copy = representative != at
    return IdenticalCopies(at[copy].astype(np.int32), representative[copy].astype(np.int32))


def distinct_positions(n: int, copies: IdenticalCopies | None) -> Positions:
    """The records that are not copies (all ``n`` when there are none), in order."""
    keep = np.ones(n, dtype=bool)
    if copies is not None:
        keep[copies.copy] = False
    return np.flatnonzero(keep).astype(np.int32)


def distinct_records(arr: RecordArrays, positions: Positions) -> RecordArrays:
    """``arr`` cut to ``positions``: what ``u`` and the term frequencies are estimated on.

    Both describe *different* people: a name sent 450 times by one partner is not a
    common name, and two of its copies drawn at random are not two strangers who agree.
    """
    if len(positions) == len(arr):
        return arr
    changes: dict[str, Any] = {}
    for field in fields(arr):
        value = getattr(arr, field.name)
        if isinstance(value, Mapping):
            changes[field.name] = {k: _cut(v, positions, len(arr)) for k, v in value.items()}
        else:
            changes[field.name] = _cut(value, positions, len(arr))
    return replace(arr, **changes)


def _cut(value: Any, positions: Positions, n: int) -> Any:
    """A per-record code array cut to ``positions``; a vocabulary (text) as it is."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu" and len(value) == n:
        return value[positions]
    return value


def _compared_codes(arr: RecordArrays) -> Iterator[npt.NDArray[np.integer[Any]]]:
    """Every integer code array the comparisons may read, found from the declaration of
    ``RecordArrays`` itself, so a field added there is covered here."""
    for field in fields(arr):
        value = getattr(arr, field.name)
        arrays = value.values() if isinstance(value, Mapping) else [value]
        for array in arrays:
            if (
                isinstance(array, np.ndarray)
                and array.dtype.kind in "iu"
                and len(array) == len(arr)
            ):
                yield array
