"""Cell text as Arrow strings, trimmed by Arrow's C++ kernels over a whole column.

A million-person month holds some fifteen million cells; trimming and testing
them one Python string at a time took longer than reading the files, and every
later null test on Python-backed strings walked the column again. Columns
leave ingest Arrow-backed (``string[pyarrow]``), so validation's regular
expressions and standardisation's factorising run on them without a copy.

Trimming removes exactly what Python's ``str.strip`` removes — Unicode
whitespace plus the information separators U+001C-U+001F — so a cell is
trimmed the same way here as anywhere else in benelink.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ARROW_TEXT: Final = pd.StringDtype("pyarrow")
# every character c with c.isspace() (tests/io/test_text.py checks the list is complete)
WHITESPACE: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def arrow_array(values: pd.Series) -> Any:
    """The column as one Arrow string array: no copy when it is Arrow-backed in one chunk."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def arrow_series(array: Any, index: pd.Index, name: str | None = None) -> pd.Series:
    """An Arrow string array as a ``string[pyarrow]`` column, without a copy."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([array])), index=index, name=name)


def text_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a pandas frame whose text columns stay Arrow-backed
    (``string[pyarrow]``): a million-record registry as a Python string per cell took
    640 MB and some 3 s more to read; Arrow-backed, 255 MB."""
    mapped = {pa.string(): ARROW_TEXT, pa.large_string(): ARROW_TEXT}
    frame: pd.DataFrame = table.to_pandas(types_mapper=mapped.get)
    return frame


def as_text(values: pd.Series) -> pd.Series:
    """``values`` as a string column: a string column as it is (Arrow-backed text is never
    copied into Python strings), anything else as its text, Arrow-backed."""
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype(ARROW_TEXT)


def trimmed_text(values: pd.Series) -> pd.Series:
    """``values`` as ``string[pyarrow]``, surrounding whitespace removed, "" as <NA>."""
    text = pc.utf8_trim(arrow_array(values), characters=WHITESPACE)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return arrow_series(text, values.index)


def is_blank(values: pd.Series) -> np.ndarray:
    """True where a cell is missing or holds only whitespace."""
    return np.asarray(trimmed_text(values).isna())


def with_arrow_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every ``string`` column Arrow-backed: the same values in a fraction of
    the memory (one buffer per column instead of one Python object per cell)."""
    changed = {
        str(c): frame[c].astype(ARROW_TEXT)
        for c, kind in frame.dtypes.items()
        if isinstance(kind, pd.StringDtype) and kind != ARROW_TEXT
    }
    return frame.assign(**changed) if changed else frame


def sort_order(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Row positions ordering ``frame`` by text ``columns``, ascending, stable, missing last."""
    if len(columns) == 1 and (order := _hex_order(frame[columns[0]])) is not None:
        return order
    table = pa.table({c: arrow_array(frame[c]) for c in columns})
    return np.asarray(pc.sort_indices(table, sort_keys=[(c, "ascending") for c in columns]))


HEX_DIGIT: Final = np.full(256, -1, dtype=np.int8)  # lowercase hex digit -> value; else -1
HEX_DIGIT[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.int8)


def text_buffers(text: pa.StringArray) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow string array's offsets (one more than its values, int32) and its bytes
    (uint8), as numpy views: what the passes over fixed-width tokens read."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[
        text.offset : text.offset + len(text) + 1
    ]
    data = text.buffers()[2]
    chars = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets, chars


def _hex_order(values: pd.Series) -> np.ndarray | None:
    """``sort_order`` of text that is all lowercase hex of one length up to 32 (the record
    tokens), by numpy on its value: Arrow's string sort took a second a million tokens.
    None for any other text, or a missing value."""
    text = arrow_array(values)
    if len(text) == 0 or text.null_count:
        return None
    offsets, chars = text_buffers(text)
    width = int(offsets[1] - offsets[0])
    if not 0 < width <= 32 or (np.diff(offsets) != width).any():
        return None
    digits = HEX_DIGIT[chars[offsets[0] : offsets[-1]]].reshape(-1, width)
    if digits.min(initial=0) < 0:
        return None
    padded = np.zeros((len(text), 32), dtype=np.uint8)  # one width: padding keeps the order
    padded[:, :width] = digits
    words = ((padded[:, 0::2] << 4) | padded[:, 1::2]).view(">u8").astype(np.uint64)
    order = np.argsort(words[:, 0], kind="stable")  # stable, as Arrow's sort is
    first = words[order, 0]
    if (first[1:] == first[:-1]).any():  # two tokens share their first 16 digits
        order = np.lexsort((words[:, 1], words[:, 0]))
    return order
