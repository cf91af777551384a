"""Keyed tokens: HMAC-SHA256 of a domain label and a standardised value.

A token is the same for the same value under the same key, so records can be
joined across sources and months without the value itself. The field name is
part of the message (domain separation), so a phone number and a national
number that happen to share digits never share a token.

Token v1: ``hex(HMAC-SHA256(key, "benelink/v1/" + field + "\\x1f" + value))[:32]``
(128 bits, lower-case hex). Values are the standardised forms (E.164 phones,
10-digit national numbers, upper-case UNHCR ids, record ids as
``standardize.identifiers.record_id`` gives them); a missing value has no token.
The full specification, with test vectors, is docs/tokens.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from benelink.arrow_text import arrow_array, arrow_series, as_text
from benelink.standardize import identifiers

TOKEN_VERSION: Final = "v1"
TOKEN_HEX_CHARS: Final = 32
# RFC 2104's inner and outer paddings, as byte translation tables
_XOR_INNER: Final = bytes(b ^ 0x36 for b in range(256))
_XOR_OUTER: Final = bytes(b ^ 0x5C for b in range(256))

# standardised column -> token column written to the outputs
TOKENISED_FIELDS: Final[dict[str, str]] = {
    "national_number": "national_number_token",
    "unhcr_individual_id": "unhcr_individual_token",
    "unhcr_case_id": "unhcr_case_token",
    "phone": "phone_token",
}
# the standardised columns the tokens are made of
TOKEN_INPUTS: Final = ("source", "source_record_id", *TOKENISED_FIELDS)


def token(key: bytes, field: str, value: str) -> str:
    """The token of one value of one field."""
    return tokens(key, field, [value])[0]


def tokens(key: bytes, field: str, values: Iterable[str]) -> list[str]:
    """The tokens of many values of one field."""
    out: list[str] = token_array(key, field, values).to_pylist()
    return out


def token_array(key: bytes, field: str, values: Iterable[str]) -> Any:
    """The tokens of many values of one field, as one Arrow string array.

    The hex of every digest is written into one buffer and the array built on it
    (every token has the same length), not a Python string per token.
    """
    label = f"benelink/{TOKEN_VERSION}/{field}\x1f"
    width = TOKEN_HEX_CHARS // 2
    text = b"".join(d[:width] for d in digests(key, label, values)).hex().encode("ascii")
    n = len(text) // TOKEN_HEX_CHARS
    offsets = np.arange(0, (n + 1) * TOKEN_HEX_CHARS, TOKEN_HEX_CHARS, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))


def digests(key: bytes, prefix: str, messages: Iterable[str]) -> Iterator[bytes]:
    """HMAC-SHA256(key, prefix + message) of each message, in order.

    RFC 2104 spelled out on hashlib: the padded key and the prefix are absorbed
    into an inner and an outer SHA-256 state once, and the two states are copied
    for each message. A million-person month hashes some four million distinct
    values, and copying an ``hmac`` object per value took 1.7 times as long (tests
    check the digests against ``hmac.digest`` for keys of any length).
    """
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(padded.translate(_XOR_INNER))
    inner.update(prefix.encode())
    outer = hashlib.sha256(padded.translate(_XOR_OUTER))
    for message in messages:
        state = inner.copy()
        state.update(message.encode())
        result = outer.copy()
        result.update(state.digest())
        yield result.digest()


def token_series(values: pd.Series, key: bytes, field: str) -> pd.Series:
    """Tokens for a column (Arrow-backed), computed once per distinct value; missing stays
    missing."""
    encoded = arrow_array(as_text(values))
    distinct = encoded.dictionary_encode()
    table = token_array(key, field, distinct.dictionary.to_pylist())
    return arrow_series(table.take(distinct.indices), values.index)


def record_token(key: bytes, source: str, record_id: str) -> str:
    """The token of one partner record (see ``record_tokens``)."""
    return token(key, "record", f"{source}\x1f{identifiers.record_id(record_id)}")


def record_tokens(sources: pd.Series, record_ids: pd.Series, key: bytes) -> pd.Series:
    """The token of each record: its source's name and its own id in that source.

    This is the join key between months: the same partner record keeps its
    token as long as the partner keeps its id and the key does not change. The id
    is taken in the form ``standardize.identifiers.record_id`` gives it (already so in
    standardised records; ids read straight from a file, as rotation and evaluation
    do, are normalised here), so validation's duplicate check and the token agree.
    """
    normalised = arrow_array(identifiers.record_id_column(record_ids))
    combined = pc.binary_join_element_wise(arrow_array(as_text(sources)), normalised, "\x1f")
    return token_series(arrow_series(combined, record_ids.index), key, "record")


def pseudonymize(records: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Add ``record_token`` and a token column for every direct identifier present."""
    tokens = token_columns(records, key)
    return records.assign(**{str(c): tokens[c] for c in tokens.columns})


def token_columns(records: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """The columns :func:`pseudonymize` adds, alone (Arrow-backed). It reads only
    ``TOKEN_INPUTS``."""
    tokens = {"record_token": record_tokens(records["source"], records["source_record_id"], key)}
    for column, token_column in TOKENISED_FIELDS.items():
        if column in records.columns:
            tokens[token_column] = token_series(records[column], key, column)
    return pd.DataFrame(tokens, index=records.index)


def pseudonymize_piece(piece: tuple[pd.DataFrame, bytes]) -> pd.DataFrame:
    """:func:`token_columns` of one slice of the records: the unit of work a worker process
    does (``benelink.processes``). Only the columns tokens are made of go to the worker and
    only the tokens come back. The key travels to the worker through the pipe between the
    two processes, never through a file."""
    records, key = piece
    return token_columns(records, key)
