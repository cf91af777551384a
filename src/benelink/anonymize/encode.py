"""Partner-side encoding: standardised records -> tokens and keyed name encodings only.

A partner that may not send names, dates of birth or id numbers sends this
instead. Ids become the tokens of docs/tokens.md; every name part becomes two
keyed Bloom filters (CLK-style) — one over the bigrams of its cross-script key,
one over the bigrams of its normalised spelling — so that names can still be
compared *approximately* (Dice coefficient) without being readable; the date
of birth becomes three keyed integer codes that keep exactly the equalities
the birth-date comparison needs (same year; same year and month; month of one
equal to the day of the other, for day/month swaps). docs/encoding.md is the
specification.

The centre encodes its clear sources with the same functions, so clear and
encoded records meet in one comparable form.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from benelink.anonymize.tokens import TOKEN_VERSION, TOKENISED_FIELDS, token_series
from benelink.schemas.columns import NAME_PARTS, SOURCE

# 2: the name parts' consonant skeletons (``<part>_skeleton_bloom``); a version-1 file
# (without them) is still read, its skeletons missing
ENCODING_VERSION: Final = 2
READABLE_VERSIONS: Final[frozenset[int]] = frozenset({1, ENCODING_VERSION})
# what each filter is made of: the standardised column ``<what>_<part>``
FILTERED: Final[tuple[str, ...]] = ("key", "name", "skeleton")
# attributes that are not identifying on their own and travel in the clear
CLEAR_COLUMNS: Final[tuple[str, ...]] = (
    "sex",
    "governorate",
    "nationality",
    "officer",
    "registration_date",
    "employment_status",
)
BIRTH_CODE_COLUMNS: Final[tuple[str, ...]] = (
    "birth_year_code",
    "birth_month_code",
    "birth_day_code",
)
_CODE_MASK: Final = 0x3FFFFFFF  # 30 bits: fits int32 and differences never overflow
_START, _END = "\x02", "\x03"  # padding characters no name contains
_CHUNK = 20_000  # distinct values whose bits are set at once (20 MB at 1024 bits)


@dataclass(frozen=True)
class BloomSpec:
    """Size of a name filter: ``bits`` (a power of two ≤ 65 536), ``hashes`` per q-gram (≤ 16).

    Positions come from one HMAC-SHA256 per q-gram (16 two-byte slices), so at
    most 16 hashes; a power of two keeps ``slice mod bits`` uniform.
    """

    bits: int = 1024
    hashes: int = 16
    q: int = 2

    def __post_init__(self) -> None:
        if self.bits < 64 or self.bits > 65536 or self.bits & (self.bits - 1):
            raise ValueError("bits must be a power of two between 64 and 65536")
        if not 1 <= self.hashes <= 16:
            raise ValueError("hashes must be between 1 and 16")
        if self.q < 1:
            raise ValueError("q must be at least 1")

    @property
    def n_bytes(self) -> int:
        return self.bits // 8


DEFAULT_BLOOM: Final = BloomSpec()


def bloom_column(part: str, what: str) -> str:
    """File column of one filter: ``first_key_bloom``, ``family_name_bloom``..."""
    return f"{part}_{what}_bloom"


BLOOM_COLUMNS: Final[tuple[str, ...]] = tuple(
    bloom_column(p, w) for w in FILTERED for p in NAME_PARTS
)
SKELETON_COLUMNS: Final[tuple[str, ...]] = tuple(bloom_column(p, "skeleton") for p in NAME_PARTS)
ID_TOKEN_COLUMNS: Final[tuple[str, ...]] = (*TOKENISED_FIELDS.values(), "locality_token")
ENCODED_COLUMNS: Final[tuple[str, ...]] = (
    "record_token",
    *ID_TOKEN_COLUMNS,
    *BLOOM_COLUMNS,
    *BIRTH_CODE_COLUMNS,
    *CLEAR_COLUMNS,
)


def qgrams(value: str, q: int) -> frozenset[str]:
    """The padded q-grams of a value (a set: a filter cannot count repeats)."""
    padded = _START * (q - 1) + value + _END * (q - 1)
    return frozenset(padded[i : i + q] for i in range(max(len(padded) - q + 1, 1)))


def _positions(key: bytes, domain: str, gram: str, spec: BloomSpec) -> np.ndarray:
    message = f"benelink/{TOKEN_VERSION}/bloom/{domain}\x1f{gram}".encode()
    digest = hmac.digest(key, message, "sha256")
    slices = np.frombuffer(digest, dtype=">u2")[: spec.hashes].astype(np.int64)
    return slices % spec.bits


def bloom_filter(value: str, key: bytes, domain: str, spec: BloomSpec = DEFAULT_BLOOM) -> bytes:
    """The keyed Bloom filter of one value's q-grams, ``spec.n_bytes`` bytes.

    ``domain`` ("key", "name" or "skeleton") separates the kinds of filter; it does
    not include the name part, so a father's name can be compared with a
    grandfather's (shifted names) exactly as in the clear.
    """
    bits = np.zeros(spec.bits, dtype=bool)
    for gram in qgrams(value, spec.q):
        bits[_positions(key, domain, gram, spec)] = True
    return np.packbits(bits).tobytes()


def bloom_series(
    values: pd.Series, key: bytes, domain: str, spec: BloomSpec = DEFAULT_BLOOM
) -> pd.Series:
    """Filters of a column, once per distinct value; missing or empty stay missing.

    One HMAC per distinct q-gram, then the bits of all values are set in one
    numpy pass (same bytes as ``bloom_filter``, which a test checks).
    """
    text = values.astype("string")
    text = text.mask(text.str.strip() == "")
    distinct = pd.unique(text.dropna().astype(str)).tolist()
    grams_of = [sorted(qgrams(v, spec.q)) for v in distinct]
    gram_ids: dict[str, int] = {}
    for grams in grams_of:
        for gram in grams:
            gram_ids.setdefault(gram, len(gram_ids))
    table = np.array(
        [_positions(key, domain, g, spec) for g in gram_ids] or np.zeros((0, spec.hashes)),
        dtype=np.int64,
    ).reshape(-1, spec.hashes)
    row = np.repeat(np.arange(len(distinct)), [len(g) for g in grams_of])
    ids = np.fromiter((gram_ids[g] for grams in grams_of for g in grams), dtype=np.int64)
    filters: list[bytes] = []
    for start in range(0, len(distinct), _CHUNK):
        stop = min(start + _CHUNK, len(distinct))
        bits = np.zeros((stop - start, spec.bits), dtype=bool)
        take = (row >= start) & (row < stop)
        bits[np.repeat(row[take] - start, spec.hashes), table[ids[take]].ravel()] = True
        packed = np.packbits(bits, axis=1)
        filters.extend(r.tobytes() for r in packed)
    lookup = dict(zip(distinct, filters, strict=True))
    return pd.Series(text.map(lookup, na_action="ignore").astype(object), index=values.index)


def code(key: bytes, field: str, value: str) -> int:
    """A keyed integer code: the first 30 bits of the field's HMAC (equal iff values equal)."""
    message = f"benelink/{TOKEN_VERSION}/{field}\x1f{value}".encode()
    return int.from_bytes(hmac.digest(key, message, "sha256")[:4], "big") & _CODE_MASK


def _code_series(key: bytes, field: str, values: pd.Series) -> pd.Series:
    distinct = pd.unique(values.dropna().astype(str))
    lookup = {v: code(key, field, v) for v in distinct}
    return values.map(lookup, na_action="ignore").astype("Int64")


def birth_codes(records: pd.DataFrame, key: bytes) -> dict[str, pd.Series]:
    """Codes of (year), (year, month) and (year, day).

    Month and day share one domain ("birth_part"), so the month code of one
    record equals the day code of another exactly when the first's month is
    the second's day in the same year: the day/month swap level survives.
    Levels that need arithmetic on years (year ± 1) cannot.
    """
    year = records["birth_year"].astype("Int64").astype("string")
    month = records["birth_month"].astype("Int64").astype("string").str.zfill(2)
    day = records["birth_day"].astype("Int64").astype("string").str.zfill(2)
    return {
        "birth_year_code": _code_series(key, "birth_year", year),
        "birth_month_code": _code_series(key, "birth_part", year + "\x1f" + month),
        "birth_day_code": _code_series(key, "birth_part", year + "\x1f" + day),
    }


def _string(records: pd.DataFrame, column: str) -> pd.Series:
    if column not in records.columns:
        return pd.Series(pd.NA, index=records.index, dtype="string")
    return records[column].astype("string")


def encode_records(
    records: pd.DataFrame, key: bytes, spec: BloomSpec = DEFAULT_BLOOM
) -> pd.DataFrame:
    """The encoded extract (``ENCODED_COLUMNS``) of standardised, pseudonymised records.

    ``records`` needs ``record_token`` (``tokens.pseudonymize``) and the
    standardised columns; the result holds no name, date, id or phone.
    """
    out: dict[str, pd.Series] = {"record_token": _string(records, "record_token")}
    for column, token_column in TOKENISED_FIELDS.items():
        out[token_column] = token_series(_string(records, column), key, column)
    out["locality_token"] = token_series(_string(records, "locality"), key, "locality")
    for what in FILTERED:
        for part in NAME_PARTS:
            values = _string(records, f"{what}_{part}")
            out[bloom_column(part, what)] = bloom_series(values, key, what, spec)
    out.update(birth_codes(records, key))
    for column in CLEAR_COLUMNS:
        out[column] = _string(records, column)
    return pd.DataFrame(out, index=records.index)[list(ENCODED_COLUMNS)]


def link_frame(encoded: pd.DataFrame, source: pd.Series | str) -> pd.DataFrame:
    """The encoded extract under the standardised column names the link stage reads.

    Every column keeps the equality of the clear value (same token, same
    filter, same code iff same value), so blocking rules, term frequencies and
    clustering run unchanged; filters become hex strings because the comparison
    vocabularies are strings. Ids stay under their token names too, for the
    output tables.
    """
    index = encoded.index
    src = (
        pd.Series(source, index=index, dtype="string")
        if isinstance(source, str)
        else source.astype("string")
    )
    out: dict[str, pd.Series] = {SOURCE: src, "record_token": encoded["record_token"]}
    for what in FILTERED:
        for part in NAME_PARTS:
            filters = encoded[bloom_column(part, what)]
            hexed = filters.map(bytes.hex, na_action="ignore")
            out[f"{what}_{part}"] = hexed.astype("string")
    for part, column in zip(("year", "month", "day"), BIRTH_CODE_COLUMNS, strict=True):
        out[f"birth_{part}"] = encoded[column].astype("Int64")
    for column, token_column in TOKENISED_FIELDS.items():
        out[column] = encoded[token_column].astype("string")
        out[token_column] = out[column]
    out["locality"] = encoded["locality_token"].astype("string")
    for column in CLEAR_COLUMNS:
        out[column] = encoded[column].astype("string")
    return pd.DataFrame(out, index=index).reset_index(drop=True)
