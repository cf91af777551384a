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
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from benelink.anonymize.tokens import digests
from benelink.io.text import arrow_array, arrow_series

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


def assign_ids(
    record_tokens: pd.Series,
    cluster: np.ndarray,
    previous: pd.DataFrame | None,
    key: bytes,
    last_month_ids: frozenset[str] | None = None,
) -> tuple[pd.Series, IdentityChanges]:
    """One beneficiary id per record (aligned with ``record_tokens``) and the changes.

    ``previous`` holds every known ``record_token`` with its ``beneficiary_id``
    (the registry; None for a first run); ``last_month_ids`` the ids present in
    last month's snapshot (all known ids if not given).
    """
    labels = np.asarray(cluster, dtype=np.int64)
    anchors = _anchors(record_tokens, labels)
    current = pd.DataFrame({"record_token": record_tokens.to_numpy(), "cluster": labels})
    if previous is None or previous.empty:
        previous = pd.DataFrame(
            {"record_token": pd.Series(dtype=str), "beneficiary_id": pd.Series(dtype=str)}
        )
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
    overlap["anchor"] = anchors["rank"].reindex(overlap["cluster"].to_numpy()).to_numpy()
    overlap = overlap.sort_values(["n", "anchor", "beneficiary_id"], ascending=[False, True, True])
    pairs = list(
        zip(
            overlap["cluster"].astype(int).tolist(),
            overlap["beneficiary_id"].astype(str).tolist(),
            strict=True,
        )
    )

    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for c, bid in pairs:
        if c not in chosen and bid not in taken:
            chosen[c] = bid
            taken.add(bid)

    used = set(previous["beneficiary_id"].astype(str))
    fresh = anchors[~anchors.index.isin(list(chosen))]  # in anchor order
    candidates = new_beneficiary_ids(key, fresh["token"].tolist())
    for label, anchor, candidate in zip(
        fresh.index.tolist(), fresh["token"].tolist(), candidates, strict=True
    ):
        attempt = 0
        while candidate in used:
            attempt += 1
            candidate = new_beneficiary_id(key, anchor, attempt)
        chosen[label] = candidate
        used.add(candidate)

    merges = [(bid, chosen[c]) for c, bid in pairs if chosen[c] != bid and bid not in taken]
    splits = [(bid, chosen[c]) for c, bid in pairs if chosen[c] != bid and bid in taken]
    last_month = (
        set(last_month_ids)
        if last_month_ids is not None
        else set(previous["beneficiary_id"].astype(str))
    )
    absorbed = {m[0] for m in merges}
    changes = IdentityChanges(
        merges=sorted(set(merges)),
        splits=sorted(set(splits)),
        continuing=len(taken & last_month),
        returning=len(taken - last_month),
        new=len(fresh),
        exited=len(last_month - taken - absorbed),
    )
    chosen_ids = pa.array([chosen[label] for label in anchors.index.tolist()], type=pa.string())
    per_record = chosen_ids.take(pa.array(anchors.index.get_indexer(pd.Index(labels))))
    return arrow_series(per_record, record_tokens.index, "beneficiary_id"), changes


def _anchors(record_tokens: pd.Series, labels: np.ndarray) -> pd.DataFrame:
    """Per cluster label, in anchor order: the rank and text of the cluster's smallest token.

    Arrow ranks the tokens in C++ (a string sort in pandas took seconds at a
    million records, and a group-by ``min`` over strings is a Python loop per
    group); the smallest token of a cluster is then an integer minimum.
    """
    tokens = arrow_array(record_tokens)
    rank = pd.Series(np.asarray(pc.rank(tokens, sort_keys="ascending", tiebreaker="dense")))
    groups = rank.groupby(labels)
    anchors = pd.DataFrame({"rank": groups.min(), "position": groups.idxmin()})
    anchors = anchors.sort_values("rank", kind="stable")
    anchors["token"] = tokens.take(pa.array(anchors["position"].to_numpy())).to_pylist()
    return anchors[["rank", "token"]]


def first_seen_months(registry: pd.DataFrame) -> pd.Series:
    """Each beneficiary id's earliest ``first_seen_month`` over the registry's records.

    Months are ranked once (a handful of distinct values) and ids coded by
    Arrow's hashing, so the minimum per id is an integer reduction, not a
    string ``min`` per group over a million ids.
    """
    rank, months = pd.factorize(registry["first_seen_month"].astype(str).to_numpy(), sort=True)
    person = arrow_array(registry["beneficiary_id"]).dictionary_encode()
    earliest = pd.Series(rank).groupby(np.asarray(person.indices)).min()
    return pd.Series(
        months[earliest.to_numpy()],
        index=pd.Index(person.dictionary.take(pa.array(earliest.index.to_numpy())).to_pylist()),
        dtype="string",
        name="first_seen_month",
    )
