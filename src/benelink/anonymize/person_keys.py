"""Person keys: keyed codes of a person's name and birth date, to know them again later.

A partner re-registers people under a new record id; a UNHCR re-registration
brings a new individual id, and most job seekers carry no national number. Such
a person's new record shares no token with their old one, yet their name and
birth date are the same (or one name re-typed). The identity registry keeps,
beside each record, five keyed codes of those fields — never the fields — so a
month's new record can be known as an earlier month's person, in its own source
or another (``pipelines.persist``).

Four codes cover the cross-script keys of the four name parts *but one*
(first, father, grandfather, family), and the birth date: a record whose name
was re-typed in one part still shares three codes with its earlier self, and a
UNHCR record (no grandfather's name) shares one with the same person's NAF or
job-seeker record. The fifth covers the first, father's and family name with the
birth year alone, for a source that gives only the year where another gives the
date. A code names a person only when it carries enough: a birth year, and three
name parts or two with the full date of birth; otherwise it is 0 (no key).

Codes are SipHash-2-4 (a keyed pseudo-random function, 64 bits) under a key
derived from the run's secret key, over the HMAC codes of each part: without
the key they cannot be recomputed from likely names and dates, and one code says
nothing about any single name part. They are computed for every record of a
month at once (numpy over the distinct values of each part, then one hash per
record and code): about two seconds for a million records, keys and digest together.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from benelink.anonymize.tokens import TOKEN_VERSION, TOKENISED_FIELDS, digests
from benelink.arrow_text import HEX_DIGIT, arrow_array, as_text, text_buffers
from benelink.schemas.columns import NAME_PARTS

PERSON_KEYS: Final[tuple[str, ...]] = tuple(f"person_key_{i}" for i in range(1, 6))
_LABEL: Final = f"benelink/{TOKEN_VERSION}/person-key"
_BIRTH: Final = ("birth_year", "birth_month", "birth_day")


def person_keys(records: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """The five person keys of each record (``PERSON_KEYS``, int64; 0: no key), in its order.

    ``records`` are standardised records (``key_<part>``, ``birth_year``,
    ``birth_month``, ``birth_day``); a missing column counts as missing values.
    Encoded records (``anonymize.encode.link_frame``) work too: every column
    there keeps the equality of its clear value, so their keys are equal among
    themselves, though not to the same person's clear keys.
    """
    coded = [_coded(_column(records, f"key_{part}"), key, f"name/{part}") for part in NAME_PARTS]
    birth = [_coded(_column(records, c), key, c) for c in _BIRTH]
    siphash_key = hmac.digest(key, _LABEL.encode(), "sha256")[:16].decode("latin-1")
    # a chunk of rows at a time: the codes of every part and the rows hashed, for a
    # million records at once, held 270 MB beside the link stage
    keys = np.empty((len(records), len(PERSON_KEYS)), dtype=np.int64)
    for start in range(0, len(records), _ROWS_AT_ONCE):
        rows = slice(start, start + _ROWS_AT_ONCE)
        parts = np.stack([table[codes[rows]] for codes, table in coded], axis=1)
        year, month, day = (table[codes[rows]] for codes, table in birth)
        keys[rows] = _chunk_keys(parts, year, month, day, siphash_key)
    return pd.DataFrame(keys, index=records.index, columns=list(PERSON_KEYS))


def _chunk_keys(
    parts: npt.NDArray[np.uint64],
    year: npt.NDArray[np.uint64],
    month: npt.NDArray[np.uint64],
    day: npt.NDArray[np.uint64],
    siphash_key: str,
) -> npt.NDArray[np.int64]:
    """The five person keys of some rows, from the codes of their name parts (one column
    per part) and of their birth date."""
    full_date = (month != 0) & (day != 0)
    named = parts != 0
    row = np.zeros((len(parts), len(NAME_PARTS) + 3), dtype="<u8")  # three parts, the date, which
    row[:, 3], row[:, 4], row[:, 5] = year, month, day
    keys = np.empty((len(parts), len(PERSON_KEYS)), dtype=np.int64)
    for which in range(len(PERSON_KEYS)):
        if which < len(NAME_PARTS):  # one name part left out, the date as given
            kept = [i for i in range(len(NAME_PARTS)) if i != which]
            n_named = named[:, kept].sum(axis=1)
            valid = (year != 0) & ((n_named >= 3) | ((n_named >= 2) & full_date))
            row[:, 4], row[:, 5] = month, day
        else:  # first, father and family name with the birth year alone
            kept = [NAME_PARTS.index(p) for p in ("first", "father", "family")]
            valid = (year != 0) & named[:, kept].all(axis=1)
            row[:, 4], row[:, 5] = 0, 0
        row[:, :3] = parts[:, kept]
        row[:, 6] = which
        # 0 is "no key" (a nullable column would pass through floats in pandas and lose bits)
        keys[:, which] = np.where(valid, _keyed_rows(row, siphash_key).view(np.int64), 0)
    return keys


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    """A column of the records, or all missing where they have none."""
    if name not in records.columns:
        return pd.Series(pd.NA, index=records.index, dtype="object")
    return records[name]


def _coded(
    values: pd.Series, key: bytes, field: str
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64]]:
    """A keyed 64-bit code per distinct value (HMAC of each once; missing or blank: 0) in a
    table, and each value's position in it (-1, missing, reads the last entry: 0).

    Positions are int32, half of pandas' own: a digest holds one array of them per
    compared column until its rows are hashed, while the link stage runs beside it.
    """
    found_at, distinct = pd.factorize(values, use_na_sentinel=True)
    codes: npt.NDArray[np.int32] = found_at.astype(np.int32)
    text = [str(v).strip() for v in distinct]
    label = f"{_LABEL}/{field}\x1f"
    found = b"".join(d[:8] for d in digests(key, label, text))
    table = np.frombuffer(found, dtype="<u8") | np.uint64(1)  # never 0: 0 is "missing"
    table = np.where([t == "" for t in text], np.uint64(0), table).astype(np.uint64)
    return codes, np.append(table, np.uint64(0))  # -1 (missing) reads the last: 0


_ROWS_AT_ONCE: Final = 1 << 16  # rows hashed at once: their bytes objects are all alive


def _keyed_rows(row: npt.NDArray[np.uint64], siphash_key: str) -> npt.NDArray[np.uint64]:
    """SipHash of each row's bytes under ``siphash_key`` (never 0), ``_ROWS_AT_ONCE``
    rows at a time: a million rows' bytes objects at once held 300 MB beside the link."""
    out = np.empty(len(row), dtype=np.uint64)
    for start in range(0, len(row), _ROWS_AT_ONCE):
        part = row[start : start + _ROWS_AT_ONCE]
        # fixed-width bytes per row (numpy drops trailing NULs: still one string per row)
        packed = part.view(f"S{part.shape[1] * 8}").ravel().astype(object)
        out[start : start + len(part)] = pd.util.hash_array(
            packed, encoding="latin-1", hash_key=siphash_key, categorize=False
        )
    out[out == 0] = 1
    return out


RECORD_DIGEST: Final = "record_digest"
_HEX: Final = np.maximum(HEX_DIGIT, 0).astype(np.uint8)  # hex digit -> value; other bytes: 0


def record_digests(
    records: pd.DataFrame, key: bytes, columns: Sequence[str]
) -> npt.NDArray[np.int64]:
    """A keyed 64-bit digest of each record's ``columns``, to know it unchanged next month.

    A pair of records that did not change keeps last month's decision
    (``linkage.carry``); the registry keeps each record's digest to tell, over the
    columns the comparisons read (``linkage.compare.COMPARED_COLUMNS``). An
    identifier with a token column beside it (``phone`` and ``phone_token``…) is
    taken by the token's first 64 bits (a token is keyed already), every other
    column by a keyed code of its value; the row goes through SipHash under a key
    derived from the secret key, so it cannot be recomputed from a guessed record.
    Never 0, which means "unknown". Codes per distinct value and numpy over the
    rows: hashing each row's text took seven seconds a million records.
    """
    # per column its codes by position in a small table (or a token's bits): the rows
    # are put together a chunk at a time, never a million rows of 24 codes at once
    parts: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64]] | npt.NDArray[np.uint64]]
    parts = []
    for column in columns:
        token = TOKENISED_FIELDS.get(column)
        if token is not None and token in records.columns:
            parts.append(_token_bits(records[token]))
        else:
            parts.append(_coded(_column(records, column), key, f"record/{column}"))
    siphash_key = hmac.digest(key, f"{_LABEL}/record".encode(), "sha256")[:16].decode("latin-1")
    out = np.empty(len(records), dtype=np.uint64)
    for start in range(0, len(records), _ROWS_AT_ONCE):
        rows = slice(start, start + _ROWS_AT_ONCE)
        size = len(out[rows])
        row = np.empty((size, len(columns) + 1), dtype="<u8")
        for i, part in enumerate(parts):
            row[:, i] = part[rows] if isinstance(part, np.ndarray) else part[1][part[0][rows]]
        row[:, -1] = len(columns)
        out[rows] = _keyed_rows(row, siphash_key)
    return out.view(np.int64)


def _token_bits(tokens: pd.Series) -> npt.NDArray[np.uint64]:
    """The first 64 bits of each hex token: its first 16 bytes as hex digits, "0" past
    its end and for a byte that is no hex digit (a token is ASCII); missing: 0.

    Read straight from the Arrow buffers: Arrow's slicing and padding kernels took a
    second over a month's four token columns.
    """
    text = arrow_array(as_text(tokens))
    offsets, chars = text_buffers(text)
    length = np.diff(offsets)
    present = length > 0  # a missing token has no bytes either
    width = int(length.max(initial=0))
    if width >= 16 and (length[present] == width).all():  # every token as long: one block
        block = chars[offsets[0] : offsets[-1]].reshape(-1, width)[:, :16]
    else:  # a position at a time, "0" past each end
        chars = np.r_[chars, np.uint8(ord("0"))]  # position -1
        starts = offsets[:-1][present].astype(np.int64)
        block = np.stack(
            [chars[np.where(length[present] > i, starts + i, -1)] for i in range(16)], axis=1
        )
    nibbles = _HEX[block].reshape(-1, 8, 2)
    packed = (nibbles[:, :, 0] << 4) | nibbles[:, :, 1]  # two hex digits, one byte
    bits = np.zeros(len(text), dtype=np.uint64)
    bits[present] = np.ascontiguousarray(packed).view(">u8").ravel()
    return bits
