"""Blocking: which record pairs are worth comparing at all.

Comparing every pair of a million records is 5·10¹¹ comparisons; blocking
keeps only pairs that agree exactly on at least one *rule* (a tuple of
standardised columns). Several rules are used and their pairs united, so a
person whose first-name key has a typo is still found through the national
number, the birth date or the father's and family names. Records are linked
within and across sources in one pass: every pair ``i < j`` of positions.

A block bigger than ``max_block_size`` (the key of "Mohammad" with a birth
year, an office phone shared by hundreds of job seekers) is split on the
rule's ``refine`` columns; if it is still too big it is skipped, and the other
rules carry the recall. The records of skipped blocks are counted per rule
(``RuleCount.skipped_records``, in the report and the run log). Identical
copies of one record (``benelink.linkage.identical``) never make a block big:
only their representative is blocked, each copy is paired with it. Pairs are *counted* per rule before any is
materialised: when they exceed the budget the block cap is lowered until
they fit, and if they still do not, the run stops with a clear error instead
of exhausting memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.errors import CandidateBudgetError
from benelink.row_keys import combined_key
from benelink.threads import threaded, worker_count

if TYPE_CHECKING:
    from benelink.linkage.identical import IdenticalCopies

PositionArray = npt.NDArray[np.int32]
CodeArray = npt.NDArray[np.int64]

DEFAULT_MAX_BLOCK_SIZE = 400
# the block cap is halved to meet the pair budget, but not below this
MIN_BLOCK_SIZE = 20


@dataclass(frozen=True)
class BlockingRule:
    """Records agreeing exactly on all ``columns`` (none missing) become candidate pairs."""

    name: str
    columns: tuple[str, ...]
    refine: tuple[str, ...] = ()


# Why these rules: identifiers catch every pair that carries one (NAF and job
# seekers share national numbers, UNHCR registrations share individual ids, a
# phone often survives when names do not); the name rules catch the pairs with
# no shared id (most NAF~UNHCR pairs); the birth-date rule catches names whose
# cross-script keys failed; the father/family rules catch first-name typos; a shared
# locality (a village, a suburb with its postcode: small blocks, refined by the first
# name and birth year when large) catches records whose names and ids were both changed.
DEFAULT_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("national_number", ("national_number",)),
    BlockingRule("unhcr_individual_id", ("unhcr_individual_id",)),
    BlockingRule("phone", ("phone",), ("key_first",)),
    BlockingRule("first_birth_year", ("key_first", "birth_year"), ("birth_month", "sex")),
    BlockingRule("family_first", ("key_family", "key_first"), ("birth_year",)),
    BlockingRule("first_father", ("key_first", "key_father"), ("birth_year",)),
    BlockingRule("father_family_year", ("key_father", "key_family", "birth_year"), ("sex",)),
    BlockingRule(
        "birth_date",
        ("birth_year", "birth_month", "birth_day"),
        ("sex", "governorate", "key_family"),
    ),
    BlockingRule("locality", ("locality",), ("key_first", "birth_year")),
)


@dataclass(frozen=True)
class RuleCount:
    """How many pairs one rule yields (an upper bound of its share of the union).

    ``skipped_blocks``: blocks over the cap (refined, or skipped); ``skipped_records``:
    the records left in no block of this rule because theirs stayed over the cap.
    """

    rule: str
    pairs: int
    skipped_blocks: int
    skipped_records: int


@dataclass(frozen=True)
class CandidatePairs:
    """Positions of candidate pairs, ``left < right``, sorted and without duplicates."""

    left: PositionArray
    right: PositionArray
    counts: tuple[RuleCount, ...]
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE
    identical: int = 0  # copies paired with their representative instead of blocked

    @property
    def n_counted(self) -> int:
        """Pairs counted before materialising: the sum over rules, duplicates included."""
        return sum(c.pairs for c in self.counts) + self.identical

    @property
    def skipped_records(self) -> dict[str, int]:
        """Per rule, the records its over-size blocks left unpaired."""
        return {c.rule: c.skipped_records for c in self.counts}

    def __len__(self) -> int:
        return len(self.left)


def group_codes(records: pd.DataFrame, columns: Sequence[str]) -> CodeArray:
    """A block id per record (-1 when any column is missing) — integer codes, not strings."""
    n = len(records)
    if any(c not in records.columns for c in columns):
        return np.full(n, -1, dtype=np.int64)
    frame = records[list(columns)]
    codes = frame.groupby(list(columns), sort=False, dropna=True, observed=True).ngroup()
    return np.asarray(codes.to_numpy(dtype=np.int64, na_value=-1), dtype=np.int64)


class ColumnCodes:
    """Block ids of ``records`` over any set of columns, each column grouped once.

    The rules and their refinements share columns (``key_first`` is in five of them),
    and identical copies group on every blocking column too: each column is grouped
    once here, and a set of columns is numbered from its columns' codes (a multiply-add
    per column, ``row_keys``) in the same first-seen order as :func:`group_codes`.
    """

    def __init__(self, records: pd.DataFrame) -> None:
        self.records = records
        self._one: dict[str, npt.NDArray[np.int32]] = {}

    def __call__(self, columns: Sequence[str]) -> CodeArray:
        """A fresh array of block ids (-1 when any column is missing), as ``group_codes``."""
        n = len(self.records)
        if any(c not in self.records.columns for c in columns):
            return np.full(n, -1, dtype=np.int64)
        singles = [self._single(c) for c in columns]
        if len(singles) == 1:
            return singles[0].astype(np.int64)
        present = np.logical_and.reduce([codes >= 0 for codes in singles])
        out = np.full(n, -1, dtype=np.int64)
        out[present] = pd.factorize(
            combined_key([c[present] for c in singles], int(present.sum()))
        )[0]
        return out

    def _single(self, column: str) -> npt.NDArray[np.int32]:
        if column not in self._one:
            self._one[column] = group_codes(self.records, (column,)).astype(np.int32)
        return self._one[column]


class _RuleGroups:
    """One rule's block ids, and its refined ids when a block needs splitting.

    Grouping is the costly part; capping is cheap, so the ids are computed
    once and capped as many times as :func:`candidate_pairs` needs.
    """

    def __init__(
        self, codes: ColumnCodes, rule: BlockingRule, left_out: PositionArray | None = None
    ) -> None:
        self.column_codes = codes
        self.rule = rule
        self.left_out = left_out  # positions blocked by no rule (identical copies)
        self.codes = self._without(codes(rule.columns))
        present = self.codes[self.codes >= 0]
        self.sizes = np.bincount(present) if present.size else np.zeros(0, np.int64)
        self._refined: CodeArray | None = None

    def _without(self, codes: CodeArray) -> CodeArray:
        if self.left_out is not None and self.left_out.size:
            codes[self.left_out] = -1
        return codes

    def refined(self) -> CodeArray:
        if self._refined is None:
            columns = (*self.rule.columns, *self.rule.refine)
            self._refined = self._without(self.column_codes(columns))
        return self._refined

    def capped(self, max_block_size: int) -> tuple[CodeArray, RuleCount]:
        """Block ids after splitting over-size blocks; over-size leftovers get -1 (skipped)."""
        codes, sizes = self.codes, self.sizes
        n_big = int((sizes > max_block_size).sum())
        if n_big == 0:
            return codes, RuleCount(self.rule.name, _pair_count(codes), 0, 0)
        in_big = _in_blocks_over(codes, sizes, max_block_size)
        refined = codes.copy()
        if self.rule.refine:
            sub = self.refined()
            # offset refined ids past the unrefined ones so the two never collide
            refined[in_big] = np.where(sub[in_big] >= 0, sub[in_big] + sizes.size, -1)
        else:
            refined[in_big] = -1
        sizes2 = np.bincount(refined[refined >= 0]) if (refined >= 0).any() else sizes[:0]
        refined[_in_blocks_over(refined, sizes2, max_block_size)] = -1
        skipped = int((in_big & (refined < 0)).sum())
        count = RuleCount(self.rule.name, _pair_count(refined), n_big, skipped)
        return refined, count


def _in_blocks_over(
    codes: CodeArray, sizes: CodeArray, max_block_size: int
) -> npt.NDArray[np.bool_]:
    """True for each record in a block larger than ``max_block_size`` (a lookup per record by
    its block id: ``np.isin`` sorted a million ids for each cap tried)."""
    over = np.append(sizes > max_block_size, False)  # id -1 (no block) looks up the last
    return over[codes]


def _pair_count(codes: CodeArray) -> int:
    present = codes[codes >= 0]
    if present.size == 0:
        return 0
    sizes = np.bincount(present).astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


AnyCodes = npt.NDArray[np.integer[Any]]  # record positions, of any integer width


def pair_positions(
    n: int, left: AnyCodes, right: AnyCodes, lo: AnyCodes, hi: AnyCodes
) -> npt.NDArray[np.int64]:
    """Where each pair ``(lo, hi)`` (``lo < hi``, records of ``n``) stands among the pairs
    ``(left, right)``: the position of its first copy there, or -1 where it is none."""
    known = left.astype(np.int64) * n + right
    wanted = lo.astype(np.int64) * n + hi
    if not known.size:
        return np.full(wanted.size, -1, dtype=np.int64)
    order = np.argsort(known, kind="stable")
    at = np.minimum(np.searchsorted(known[order], wanted), known.size - 1)
    return np.where(known[order][at] == wanted, order[at], -1).astype(np.int64)


def pairs_within_groups(codes: CodeArray) -> tuple[PositionArray, PositionArray]:
    """All pairs ``i < j`` of positions sharing a group code (codes < 0 take no part).

    Blocks of equal size are laid out as one matrix and paired with one
    ``triu_indices`` call, so the work is vectorised per distinct block size.
    """
    positions = np.flatnonzero(codes >= 0)
    if positions.size == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    order = positions[np.argsort(codes[positions], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    sizes = np.diff(np.r_[starts, sorted_codes.size])
    lefts: list[PositionArray] = []
    rights: list[PositionArray] = []
    for size in np.unique(sizes[sizes > 1]):
        s = int(size)
        block_starts = starts[sizes == s]
        members = order[block_starts[:, None] + np.arange(s)[None, :]]
        i, j = np.triu_indices(s, k=1)
        a = members[:, i].ravel()
        b = members[:, j].ravel()
        lefts.append(np.minimum(a, b).astype(np.int32))
        rights.append(np.maximum(a, b).astype(np.int32))
    if not lefts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    return np.concatenate(lefts), np.concatenate(rights)


def count_candidate_pairs(
    records: pd.DataFrame,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
) -> tuple[RuleCount, ...]:
    """Pairs per rule (sum of n·(n−1)/2 over its blocks), without building any pair."""
    codes = ColumnCodes(records)
    return tuple(_RuleGroups(codes, rule).capped(max_block_size)[1] for rule in rules)


def check_budget(
    counts: Sequence[RuleCount],
    max_candidate_pairs: int,
    max_block_size: int | None = None,
    identical: int = 0,
) -> None:
    """Stop before comparing when the rules (and the ``identical`` copies' pairs with their
    representatives) would produce more pairs than allowed."""
    total = sum(c.pairs for c in counts) + identical
    if total <= max_candidate_pairs:
        return
    worst = max(counts, key=lambda c: c.pairs)
    capped = "" if max_block_size is None else f" even with blocks cut at {max_block_size} records"
    raise CandidateBudgetError(
        f"blocking would compare up to {total:,} candidate pairs{capped}, above the cap of "
        f"{max_candidate_pairs:,}; rule '{worst.rule}' alone gives {worst.pairs:,}. "
        "Raise [linkage] max_candidate_pairs in the configuration or tighten that rule"
    )


def _sort_in_place(keys: npt.NDArray[np.int64], threads: int) -> None:
    """Sort tens of millions of pair keys: one slice per thread sorted on its own (numpy lets
    go of the GIL while sorting), then the sorted runs merged by one stable sort, which finds
    the runs and only merges them."""
    parts = np.array_split(keys, worker_count(threads))
    list(threaded(lambda part: part.sort(kind="quicksort"), parts, threads))
    keys.sort(kind="stable")


def candidate_pairs(
    records: pd.DataFrame,
    max_candidate_pairs: int,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
    threads: int = 0,
    identical: IdenticalCopies | None = None,
    column_codes: ColumnCodes | None = None,
) -> CandidatePairs:
    """The union of the rules' pairs, counted against the budget before any is built.

    ``max_block_size`` is the largest block kept. When the rules would give more
    than ``max_candidate_pairs`` pairs, the cap is halved (down to
    ``MIN_BLOCK_SIZE``) until they fit: a national register's "Mohammad" blocks
    are cut finer, while a small file keeps the broad blocks that find its
    harder duplicates. The cap used is returned with the pairs. ``threads``
    sort the pairs (0: one per CPU). ``identical``: the positions of identical copies and
    of their representatives; copies are blocked by no rule, each is paired with its
    representative. ``column_codes``: the records' column codes when already grouped
    (``identical_copies`` groups the same columns).
    """
    copy = None if identical is None else identical.copy
    shared = ColumnCodes(records) if column_codes is None else column_codes
    groups = [_RuleGroups(shared, rule, copy) for rule in rules]
    del shared
    extra = 0 if identical is None else len(identical)
    cap = max_block_size
    while True:
        blocks = [g.capped(cap) for g in groups]
        counts = tuple(count for _, count in blocks)
        if sum(c.pairs for c in counts) + extra <= max_candidate_pairs or cap <= MIN_BLOCK_SIZE:
            break
        cap = max(cap // 2, MIN_BLOCK_SIZE)
    check_budget(counts, max_candidate_pairs, cap if cap < max_block_size else None, extra)
    del groups
    n = max(len(records), 1)
    # one int64 per pair, every rule's pairs written into one array sized by the counts
    # (no second copy from concatenating), one in-place sort, duplicates dropped after it
    # (numpy's hash-based union1d is far slower on tens of millions of pairs)
    merged = np.empty(sum(c.pairs for c in counts) + extra, dtype=np.int64)
    at = 0
    if identical is not None and extra:
        lo = np.minimum(identical.copy, identical.representative).astype(np.int64)
        hi = np.maximum(identical.copy, identical.representative)
        merged[:extra] = lo * n + hi
        at = extra
    for codes, _ in blocks:
        left, right = pairs_within_groups(codes)
        merged[at : at + left.size] = left.astype(np.int64) * n + right
        at += left.size
    merged = merged[:at]  # exactly the counted pairs; never unwritten slots
    _sort_in_place(merged, threads)
    if merged.size:
        merged = merged[np.r_[True, merged[1:] != merged[:-1]]]
    left = np.empty(merged.size, dtype=np.int32)
    right = np.empty(merged.size, dtype=np.int32)
    np.floor_divide(merged, n, out=left, casting="unsafe")
    np.remainder(merged, n, out=right, casting="unsafe")
    return CandidatePairs(
        left=left, right=right, counts=counts, max_block_size=cap, identical=extra
    )
