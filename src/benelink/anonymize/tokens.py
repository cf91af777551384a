"""Keyed tokens: HMAC-SHA256 of a domain label and a standardised value.

A token is the same for the same value under the same key, so records can be
joined across sources and months without the value itself. The field name is
part of the message (domain separation), so a phone number and a national
number that happen to share digits never share a token.

Token v1: ``hex(HMAC-SHA256(key, "benelink/v1/" + field + "\\x1f" + value))[:32]``
(128 bits, lower-case hex). Values are the standardised forms (E.164 phones,
10-digit national numbers, upper-case UNHCR ids); a missing value has no token.
"""

from __future__ import annotations

import hmac
from typing import Final

import pandas as pd

TOKEN_VERSION: Final = "v1"
TOKEN_HEX_CHARS: Final = 32

# standardised column -> token column written to the outputs
TOKENISED_FIELDS: Final[dict[str, str]] = {
    "national_number": "national_number_token",
    "unhcr_individual_id": "unhcr_individual_token",
    "unhcr_case_id": "unhcr_case_token",
    "phone": "phone_token",
}


def token(key: bytes, field: str, value: str) -> str:
    """The token of one value of one field."""
    message = f"benelink/{TOKEN_VERSION}/{field}\x1f{value}".encode()
    return hmac.digest(key, message, "sha256").hex()[:TOKEN_HEX_CHARS]


def token_series(values: pd.Series, key: bytes, field: str) -> pd.Series:
    """Tokens for a column, computed once per distinct value; missing stays missing."""
    present = values.dropna()
    distinct = pd.unique(present.astype(str))
    lookup = {v: token(key, field, v) for v in distinct}
    return values.map(lookup, na_action="ignore").astype("string")


def record_tokens(sources: pd.Series, record_ids: pd.Series, key: bytes) -> pd.Series:
    """The token of each record: its source's name and its own id in that source.

    This is the join key between months: the same partner record keeps its
    token as long as the partner keeps its id and the key does not change.
    """
    combined = sources.astype(str) + "\x1f" + record_ids.astype(str)
    return token_series(combined, key, "record")


def pseudonymize(records: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Add ``record_token`` and a token column for every direct identifier present."""
    tokens = {"record_token": record_tokens(records["source"], records["source_record_id"], key)}
    for column, token_column in TOKENISED_FIELDS.items():
        if column in records.columns:
            tokens[token_column] = token_series(records[column], key, column)
    return records.assign(**tokens)
