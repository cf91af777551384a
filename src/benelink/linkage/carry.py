"""Last month's decisions kept on the pairs whose two records did not change.

The link model is kept from month to month (``linkage.kept``), so an unchanged
pair normally scores exactly as it did. When the model is fitted again — the data
drifted past the bound — every weight moves a little and some pairs of records
nobody touched would cross the threshold: their people would swap ids, split or
merge for no reason anyone could give. So a pair whose two records are the same
as last month (same digest of every compared column, both present last month)
keeps last month's probability, and with it its decision; a pair of such records
that last month was below the review threshold (not in last month's links)
stays below it. Only pairs with a changed or new record are judged by this
month's model. Reviewers' decisions are laid over these afterwards, as over any
other pair.

Last month also remembers each record's identifiers (national number, UNHCR
individual id): a record whose number is missing or unreadable this month — a
clerk truncated it — keeps, for clustering's cannot-link only, the one it carried
before. Without it two sisters, Razan and Rawan, of one father, one phone and two
national numbers, kept apart last month by their two numbers, merge the month
one number is lost, and one of them takes the other's id.

And last month's beneficiaries hold their unchanged records together. A woman's NAF
and UNHCR records, unchanged all year, may be one beneficiary only through her
job-seeker record (their own pair in the review band); when that record leaves for a
few months, the two would part and one would take a new id, though nothing about them
changed. So unchanged records that shared an id last month stay together in
clustering unless something parts them: two numbers, birth dates that say two
people, or a reviewer's reject (``linkage.finish``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from benelink.linkage.block import pair_positions
from benelink.linkage.compare import Codes, Floats, Levels


@dataclass(frozen=True)
class CarriedPairs:
    """Last month's pairs among this month's unchanged records, by record position."""

    unchanged: npt.NDArray[np.bool_]  # per record: the same as last month, and present then
    left: npt.NDArray[np.int64]  # last month's links (match or review) between such records
    right: npt.NDArray[np.int64]
    probability: Floats
    # per exclusive identifier (``linkage.finish``), a code per record: its keyed token
    # this month, else the one the registry remembers for its record (-1: none known);
    # empty: clustering reads this month's identifiers alone
    identifiers: tuple[Codes, ...] = ()
    # per record, a code of the id it had last month where it is unchanged (-1: none);
    # None: nothing held
    held: Codes | None = None

    @classmethod
    def none(cls, n: int) -> CarriedPairs:
        """Nothing carried (a first month, or a refit asked for)."""
        empty = np.zeros(0, dtype=np.int64)
        return cls(np.zeros(n, dtype=bool), empty, empty, np.zeros(0))


# scores pairs this month's model: (left, right) -> (levels, match weight, probability)
Scorer = Callable[[Codes, Codes], tuple[Levels, Floats, Floats]]


def held_pairs(held: Codes | None) -> tuple[Codes, Codes]:
    """The pairs that keep last month's beneficiaries together: each unchanged record
    with the next one (by position) that had the same id, so each group is one chain."""
    if held is None:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty
    rows = np.flatnonzero(held >= 0)
    rows = rows[np.argsort(held[rows], kind="stable")]
    same = held[rows[1:]] == held[rows[:-1]]
    return rows[:-1][same].astype(np.int32), rows[1:][same].astype(np.int32)


def carry_decisions(
    carried: CarriedPairs | None,
    n: int,
    score: Scorer,
    review_threshold: float,
    left: Codes,
    right: Codes,
    levels: Levels,
    weight: Floats,
    probability: Floats,
) -> tuple[Codes, Codes, Levels, Floats, Floats, npt.NDArray[np.bool_]]:
    """The pairs with last month's probability where both records are unchanged.

    Returns the pairs (carried pairs this month's blocking or scoring floor left out
    are scored and added) and, per pair, whether its probability is last month's
    rather than this month's. A pair of unchanged records absent from last month's
    links was below the review threshold: it is kept just below it.
    """
    if carried is None or not carried.unchanged.any():
        return left, right, levels, weight, probability, np.zeros(len(left), dtype=bool)
    lo = np.minimum(carried.left, carried.right)
    hi = np.maximum(carried.left, carried.right)
    known = left.astype(np.int64) * n + right
    wanted = lo * n + hi
    missing = ~np.isin(wanted, known)
    if missing.any():
        add_left, add_right = lo[missing].astype(left.dtype), hi[missing].astype(right.dtype)
        extra_levels, extra_weight, extra_probability = score(add_left, add_right)
        left = np.concatenate([left, add_left])
        right = np.concatenate([right, add_right])
        levels = np.concatenate([levels, extra_levels])
        weight = np.concatenate([weight, extra_weight])
        probability = np.concatenate([probability, extra_probability])
    before = probability
    probability = probability.copy()
    both = carried.unchanged[left] & carried.unchanged[right]
    below = np.nextafter(review_threshold, 0.0)
    probability[both] = np.minimum(probability[both], below)  # not linked last month
    at = pair_positions(n, left, right, lo, hi)  # every carried pair is one of them now
    probability[at] = carried.probability
    changed = probability != before
    return left, right, levels, weight, probability, changed
