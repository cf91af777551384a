"""Value rules for the models' fields, run by Arrow's kernels over a whole column.

pandera's built-in ``str_matches`` and ``isin`` go through pandas: Python's
``re`` on object columns, Arrow's RE2 on Arrow-backed ones, and a copy of the
column without its nulls first. These registered checks always read the column
as one Arrow array (no copy when it is Arrow-backed already), always speak RE2,
and let a null pass without dropping it, so a rule costs one kernel pass at a
million rows. Use them through the field helpers below (``text``), which
switch pandera's null-dropping off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera import extensions

from benelink.arrow_text import WHITESPACE, arrow_array

# any character but white space (every character Python's str.split() splits on), in RE2
NOT_SPACE: Final = "[^" + "".join(f"\\x{{{ord(c):04x}}}" for c in WHITESPACE) + "]"
# words with single spaces between them, none at either end ("a  b", "a\tb", " a" fail)
ONE_SPACED: Final = rf"^{NOT_SPACE}+(?: {NOT_SPACE}+)*$"


def _verdict(result: Any, values: pd.Series) -> pd.Series:
    """An Arrow boolean array as a check result; a null value passes."""
    return pd.Series(np.asarray(pc.fill_null(result, True)), index=values.index, dtype=bool)


def text_matches(values: pd.Series, *, pattern: str) -> pd.Series:
    """Every value matches the RE2 ``pattern`` (anchor it with ``^...$`` for a full match)."""
    return _verdict(pc.match_substring_regex(arrow_array(values), pattern), values)


def text_lacks(values: pd.Series, *, pattern: str) -> pd.Series:
    """No value holds a match of the RE2 ``pattern`` anywhere."""
    found = pc.match_substring_regex(arrow_array(values), pattern)
    return _verdict(pc.invert(found), values)


def text_in(values: pd.Series, *, allowed: tuple[str, ...]) -> pd.Series:
    """Every value is one of ``allowed``."""
    found = pc.is_in(arrow_array(values), value_set=pyarrow.array(allowed, pyarrow.string()))
    return _verdict(pc.or_(found, pc.is_null(arrow_array(values))), values)


def text_unique(values: pd.Series, *, flag: bool) -> pd.Series:
    """No value occurs twice (counted by Arrow; rows are looked for only when one does)."""
    array = arrow_array(values)
    present = len(array) - array.null_count
    if not flag or pc.count_distinct(array, mode="only_valid").as_py() == present:
        return pd.Series(True, index=values.index, dtype=bool)
    return ~(values.duplicated(keep=False) & values.notna())


def iso_date(values: pd.Series) -> pd.Series:
    """Every value is a calendar date written YYYY-MM-DD (Arrow's parser rolls 2014-02-30
    over to 2 March, so the date is written back and compared)."""
    text = arrow_array(values)
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text), False)
    return _verdict(pc.or_(same, pc.is_null(text)), values)


for _rule, _statistics in (
    (text_matches, ["pattern"]),
    (text_lacks, ["pattern"]),
    (text_in, ["allowed"]),
    (text_unique, ["flag"]),
    (iso_date, []),
):  # registered as pandera checks: Field(text_matches=...) then names them
    extensions.register_check_method(_rule, statistics=_statistics, supported_types=pd.Series)


def text(
    description: str,
    *,
    nullable: bool = True,
    matches: str | None = None,
    lacks: str | None = None,
    one_of: Iterable[str] | None = None,
    unique: bool = False,
    date: bool = False,
) -> Any:
    """A text field: its description and its rules, nulls passing every rule (nullable
    decides whether a null is allowed at all)."""
    rules: dict[str, Any] = {}
    if matches is not None:
        rules["text_matches"] = matches
    if lacks is not None:
        rules["text_lacks"] = lacks
    if one_of is not None:
        rules["text_in"] = {"allowed": tuple(one_of)}  # a tuple would be unpacked
    if unique:
        rules["text_unique"] = {"flag": True}
    if date:
        rules["iso_date"] = {}
    return pa.Field(nullable=nullable, ignore_na=False, description=description, **rules)
