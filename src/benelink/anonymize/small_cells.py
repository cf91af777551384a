"""Small cells in published tables: the release's rule (k) applied to counts.

A donor's table that says "Yemeni women in Tafilah: 1" points at a person as
surely as a row of the release would. The rule is the release's: a count of
people below k (and above zero) is not shown. Where a table also shows its
total, one hidden cell could be found again by subtraction, so the smallest
other non-zero cell is hidden with it (complementary suppression). A rate is
shown only when both its counts are.
"""

from __future__ import annotations

from collections.abc import Mapping


def suppressed(n: int | None, k: int) -> int | None:
    """``n`` itself, or None when it counts fewer than k people (zero is shown)."""
    if n is None or 0 < n < k:
        return None
    return n


def suppress_cells(counts: Mapping[str, int], k: int) -> dict[str, int | None]:
    """Every cell of a table whose total is shown, small cells hidden, and never just one."""
    shown: dict[str, int | None] = {name: suppressed(n, k) for name, n in counts.items()}
    hidden = [name for name, n in shown.items() if n is None]
    if len(hidden) == 1:
        others = sorted((n, name) for name, n in counts.items() if name not in hidden and n > 0)
        if others:
            shown[others[0][1]] = None
    return shown


def safe_rate(numerator: int | None, denominator: int | None, k: int) -> float | None:
    """A rate from two counts, withheld when either count is a small cell (or the base is 0)."""
    top, base = suppressed(numerator, k), suppressed(denominator, k)
    if top is None or base is None or base == 0:
        return None
    return round(top / base, 4)
