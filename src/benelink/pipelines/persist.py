"""Carrying beneficiary ids forward from the previous month.

Analysts join snapshots month to month on ``beneficiary_id``, so an id must
survive as long as the person does. The only thing that links this month's
records to last month's is the record token (the keyed hash of a partner's own
record id), so ids are carried through those: each cluster takes the previous
id most of its records held. Greedy assignment, largest overlap first, makes
the outcome deterministic and keeps each previous id on at most one cluster.

* a cluster none of whose records was seen before gets a new id derived from
  its smallest record token (so a re-run gives the same id);
* a cluster holding records of several previous ids is a **merge**: the id with
  the largest overlap survives, the others are recorded as merged into it;
* a previous id whose records now sit in several clusters is a **split**: the
  cluster with the largest overlap keeps it, the others get new ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from benelink.anonymize.tokens import digests
from benelink.arrow_text import ARROW_TEXT, arrow_array, arrow_series
from benelink.pipelines.registry import updated_registry

ID_PREFIX: Final = "B-"
_ID_LABEL: Final = "benelink/v1/beneficiary\x1f"
_ID_BYTES: Final = 10
_BASE32: Final = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", dtype=np.uint8)
_FIVE_BITS: Final = np.array([16, 8, 4, 2, 1], dtype=np.uint8)


@dataclass(frozen=True)
class IdentityChanges:
    """What happened to last month's beneficiaries."""

    merges: list[tuple[str, str]] = field(default_factory=list)  # (absorbed id, surviving id)
    splits: list[tuple[str, str]] = field(default_factory=list)  # (previous id, new id split off)
    continuing: int = 0  # present last month and now
    returning: int = 0  # known from an earlier month, absent last month, present now
    new: int = 0
    exited: int = 0  # present last month, absent now (merges excluded)


def new_beneficiary_id(key: bytes, anchor_token: str, attempt: int = 0) -> str:
    """A deterministic id for a new beneficiary, from its cluster's smallest record token."""
    return new_beneficiary_ids(key, [anchor_token], attempt)[0]


def new_beneficiary_ids(key: bytes, anchor_tokens: Sequence[str], attempt: int = 0) -> list[str]:
    """``new_beneficiary_id`` of many anchors: one HMAC state copied per anchor, and the
    base32 of every digest at once (Python's own ``b32encode`` is a Python loop per id)."""
    messages = (f"{anchor}\x1f{attempt}" for anchor in anchor_tokens)
    found = b"".join(d[:_ID_BYTES] for d in digests(key, _ID_LABEL, messages))
    rows = np.frombuffer(found, dtype=np.uint8).reshape(-1, _ID_BYTES)
    # 80 bits = 16 base32 characters of 5 bits each, no padding (RFC 4648)
    fives = np.unpackbits(rows, axis=1).reshape(len(rows), 16, 5) @ _FIVE_BITS
    letters = _BASE32[fives].view("S16").ravel()
    return [ID_PREFIX + text for text in letters.astype("U16").tolist()]


@dataclass(frozen=True)
class BeneficiaryIds:
    """Each record's beneficiary id, coded for the output tables.

    The tables group records by person and sort them by id and by record token.
    At a million records every sort or group-by over strings cost about a
    second, so ids and tokens are ranked once, here, and the tables work on
    these integers.
    """

    distinct: Any  # pyarrow string array: the month's ids, ascending
    person: npt.NDArray[np.int64]  # per record: the position of its id in ``distinct``
    token_rank: npt.NDArray[np.int64]  # per record: its record token's rank (equal tokens, equal)

    def per_record(self) -> pd.Series:
        """The id of each record, in record order (Arrow-backed)."""
        taken = self.distinct.take(pa.array(self.person))
        return arrow_series(taken, pd.RangeIndex(len(self.person)), "beneficiary_id")


def assign_ids(
    record_tokens: pd.Series,
    cluster: np.ndarray,
    previous: pd.DataFrame | None,
    key: bytes,
    last_month_ids: frozenset[str] | None = None,
) -> tuple[BeneficiaryIds, IdentityChanges]:
    """Each record's beneficiary id (coded, in the order of ``record_tokens``) and the changes.

    ``previous`` holds every known ``record_token`` with its ``beneficiary_id``
    (the registry; None for a first run); ``last_month_ids`` the ids present in
    last month's snapshot (all known ids if not given).
    """
    tokens = arrow_array(record_tokens)
    token_rank = np.asarray(
        pc.rank(tokens, sort_keys="ascending", tiebreaker="dense"), dtype=np.int64
    )
    number, anchor = _anchor_order(token_rank, np.asarray(cluster, dtype=np.int64))
    if previous is None or previous.empty:
        previous = pd.DataFrame(
            {"record_token": pd.Series(dtype=str), "beneficiary_id": pd.Series(dtype=str)}
        )
    pairs = _overlaps(record_tokens, number, previous) if len(previous) else []

    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for c, bid in pairs:
        if c not in chosen and bid not in taken:
            chosen[c] = bid
            taken.add(bid)

    kept = np.zeros(len(anchor), dtype=bool)
    kept[list(chosen)] = True
    fresh = np.flatnonzero(~kept)  # in anchor order
    anchors = tokens.take(pa.array(anchor[fresh])).to_pylist()
    candidates = new_beneficiary_ids(key, anchors)
    used = set(previous["beneficiary_id"].astype(str))
    if len(set(candidates)) < len(candidates) or not used.isdisjoint(candidates):
        candidates = _without_clashes(key, anchors, candidates, used)  # 80 bits: not in practice
    by_number = np.empty(len(anchor), dtype=object)
    by_number[fresh] = candidates
    by_number[list(chosen)] = list(chosen.values())

    merges = [(bid, by_number[c]) for c, bid in pairs if by_number[c] != bid and bid not in taken]
    splits = [(bid, by_number[c]) for c, bid in pairs if by_number[c] != bid and bid in taken]
    last_month = set(last_month_ids) if last_month_ids is not None else used
    absorbed = {m[0] for m in merges}
    changes = IdentityChanges(
        merges=sorted(set(merges)),
        splits=sorted(set(splits)),
        continuing=len(taken & last_month),
        returning=len(taken - last_month),
        new=len(fresh),
        exited=len(last_month - taken - absorbed),
    )
    ids = pa.array(by_number, type=pa.string())
    order = np.asarray(pc.sort_indices(ids))
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    coded = BeneficiaryIds(ids.take(pa.array(order)), position[number], token_rank)
    return coded, changes


def _anchor_order(
    token_rank: npt.NDArray[np.int64], labels: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Clusters numbered in the order of their smallest record token (their anchor).

    Returns each record's cluster number and each cluster's anchor record. The
    numbering does not depend on the labels the link stage happened to give,
    so a re-run gives every cluster the same id.
    """
    _, inverse = np.unique(labels, return_inverse=True)
    by_cluster = np.lexsort((token_rank, inverse))  # stable: equal tokens, first record
    grouped = inverse[by_cluster]
    first = by_cluster[np.r_[True, grouped[1:] != grouped[:-1]]]  # one per cluster, label order
    order = np.argsort(token_rank[first], kind="stable")
    number = np.empty_like(order)
    number[order] = np.arange(len(order))
    return number[inverse], first[order]


def _overlaps(
    record_tokens: pd.Series, number: npt.NDArray[np.int64], previous: pd.DataFrame
) -> list[tuple[int, str]]:
    """(cluster, previous id) pairs, largest number of shared records first."""
    current = pd.DataFrame({"record_token": record_tokens.to_numpy(), "cluster": number})
    joined = current.merge(
        previous[["record_token", "beneficiary_id"]], on="record_token", how="left"
    )
    overlap = (
        joined.dropna(subset=["beneficiary_id"])
        .groupby(["cluster", "beneficiary_id"])
        .size()
        .rename("n")
        .reset_index()
    )
    overlap = overlap.sort_values(["n", "cluster", "beneficiary_id"], ascending=[False, True, True])
    return list(
        zip(
            overlap["cluster"].astype(int).tolist(),
            overlap["beneficiary_id"].astype(str).tolist(),
            strict=True,
        )
    )


def _without_clashes(
    key: bytes, anchors: list[str], candidates: list[str], used: set[str]
) -> list[str]:
    """The candidates, each one already taken re-derived with the next attempt number."""
    taken = set(used)
    out = []
    for anchor, candidate in zip(anchors, candidates, strict=True):
        attempt = 0
        while candidate in taken:
            attempt += 1
            candidate = new_beneficiary_id(key, anchor, attempt)
        taken.add(candidate)
        out.append(candidate)
    return out


def first_seen_months(registry: pd.DataFrame, ids: BeneficiaryIds) -> pd.Series:
    """The earliest ``first_seen_month`` over the registry's records of each of this month's
    people, in the order of ``ids.distinct``.

    Months are ranked once (a handful of distinct values) and the registry's ids
    found among this month's by Arrow's hashing, so the minimum per person is an
    integer reduction, not a string ``min`` per group over a million ids.
    """
    rank, months = pd.factorize(registry["first_seen_month"], sort=True)
    person = pc.index_in(arrow_array(registry["beneficiary_id"]), value_set=ids.distinct)
    present = np.asarray(person.is_valid())
    earliest = np.full(len(ids.distinct), len(months))  # len(months): none found
    np.minimum.at(earliest, np.asarray(person.drop_null(), dtype=np.int64), rank[present])
    first = np.asarray([*months, None], dtype=object)[earliest]
    return pd.Series(pd.array(first, dtype=ARROW_TEXT), name="first_seen_month")


@dataclass(frozen=True)
class Identities:
    """The month's people: each record's id, what happened to last month's people, the
    registry to keep, and each person's first month."""

    ids: BeneficiaryIds
    changes: IdentityChanges
    registry: pd.DataFrame
    first_seen: pd.Series  # in the order of ids.distinct


def carry_ids(
    record_tokens: pd.Series,
    cluster: np.ndarray,
    registry: pd.DataFrame | None,
    last_month_ids: frozenset[str],
    key: bytes,
    month: str,
) -> Identities:
    """The persist stage: ids carried forward through the registry, new ids for new people,
    and the registry as it stands after ``month``."""
    ids, changes = assign_ids(record_tokens, cluster, registry, key, last_month_ids)
    updated = updated_registry(registry, record_tokens, ids.per_record(), month)
    return Identities(ids, changes, updated, first_seen_months(updated, ids))
