"""Carrying beneficiary ids forward from the previous month.

Analysts join snapshots month to month on ``beneficiary_id``, so an id must
survive as long as the person does. Ids are carried through the records this
month shares with earlier ones (their record tokens, in the identity registry).
Each earlier id has a *home*: the cluster holding most of its records.

Partners re-register people under a new record id. A new record — one whose
record token the registry does not know — that carries the keyed token of an
identifier that names one person (national number, UNHCR individual id) which
the registry knows under exactly one id also votes for that id: the person is
*re-registered*, not new. A new record no such token carries (a UNHCR
re-registration brings a new individual id; most job seekers have no national
number) votes through its *person keys* (``anonymize.person_keys``: keyed codes
of its name and birth date) the same way. The rules:

* a token or key the registry knows under several ids says nothing (it is not used);
* a person key held this month by records of two clusters says nothing (two people
  of the month share that name and birth date);
* a record whose identifier tokens point to two different ids says nothing;
* a known record is carried by its record token only: when its record token and
  its identifier token point to different ids, the record id wins (a partner's
  record is the person the partner meant; an id number may have been mistyped
  or corrected, and the linkage decides whether the two are one person);
* an id's home is the cluster holding most of its *known records*; identifier
  votes decide only for an id none of whose records is here this month.

* a cluster that is no earlier id's home gets a new id derived from its
  smallest record token (so a re-run gives the same id);
* a cluster that is home to several earlier ids is a **merge**: the oldest id —
  the one published first — survives, the others are recorded as merged into it;
* an earlier id whose records now sit in several clusters is a **split**: the id
  stays with its home, the part holding most of its earlier records; the other
  parts are recorded as split off.

Every id carries the month it was first published (``since``): it is the
person's ``first_seen_month``, so an id born of a split is as new as its first
snapshot, not as old as its records.
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

from benelink.anonymize.person_keys import PERSON_KEYS
from benelink.anonymize.tokens import digests
from benelink.arrow_text import arrow_array, arrow_series
from benelink.io.state import IDENTIFIER_TOKENS
from benelink.pipelines.registry import id_births, registry_rows, updated_registry

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
    # of the continuing and returning: carried only by a new record's identifier token
    re_registered: int = 0


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
    since: Any = None  # pyarrow string array beside ``distinct``: the month each id was born

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
    month: str | None = None,
    identifiers: pd.DataFrame | None = None,
) -> tuple[BeneficiaryIds, IdentityChanges]:
    """Each record's beneficiary id (coded, in the order of ``record_tokens``) and the changes.

    ``previous`` holds every known ``record_token`` with its ``beneficiary_id`` and,
    when known, the month the id was first published (``id_since``; else the
    earliest ``first_seen_month`` of its records) — the registry; None for a first
    run. ``last_month_ids`` are the ids present in last month's snapshot (all
    known ids if not given); ``month`` is this month, the birth month of new ids.
    ``identifiers`` holds each record's identifier tokens (``IDENTIFIER_TOKENS``,
    in the order of ``record_tokens``), matched with those of ``previous``.
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
    overlap = _overlaps(record_tokens, number, previous, identifiers)
    births = id_births(previous)
    chosen, candidates = _choose(overlap, births)

    kept = np.zeros(len(anchor), dtype=bool)
    kept[list(chosen)] = True
    fresh = np.flatnonzero(~kept)  # in anchor order
    anchors = tokens.take(pa.array(anchor[fresh])).to_pylist()
    new_ids = new_beneficiary_ids(key, anchors)
    used = set(previous["beneficiary_id"].astype(str))
    if len(set(new_ids)) < len(new_ids) or not used.isdisjoint(new_ids):
        new_ids = _without_clashes(key, anchors, new_ids, used)  # 80 bits: not in practice
    by_number = np.empty(len(anchor), dtype=object)
    by_number[fresh] = new_ids
    by_number[list(chosen)] = list(chosen.values())

    survivors = set(chosen.values())
    merges = sorted({(b, chosen[c]) for c, b in candidates if chosen[c] != b})
    absorbed = {b for b, _ in merges}
    home = {b: c for c, b in candidates}  # earlier id -> the cluster holding most of it
    splits = sorted(
        {
            (str(b), str(by_number[c]))
            for c, b, n in zip(
                overlap["cluster"], overlap["beneficiary_id"], overlap["n"], strict=True
            )
            if n and home[b] != c and by_number[c] != b  # its records, not its identifiers
        }
    )
    by_token = overlap[overlap["n"] == 0]
    re_registered = sum(
        chosen.get(c) == b
        for c, b in zip(by_token["cluster"], by_token["beneficiary_id"], strict=True)
    )
    last_month = set(last_month_ids) if last_month_ids is not None else used
    changes = IdentityChanges(
        merges=merges,
        splits=splits,
        continuing=len(survivors & last_month),
        returning=len(survivors - last_month),
        new=len(fresh),
        exited=len(last_month - survivors - absorbed),
        re_registered=int(re_registered),
    )
    ids = pa.array(by_number, type=pa.string())
    order = np.asarray(pc.sort_indices(ids))
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    distinct = ids.take(pa.array(order))
    born = [births.get(b, month) if b in survivors else month for b in distinct.to_pylist()]
    since = pa.array(born, type=pa.string())
    coded = BeneficiaryIds(distinct, position[number], token_rank, since)
    return coded, changes


def _choose(
    overlap: pd.DataFrame, births: dict[str, str]
) -> tuple[dict[int, str], list[tuple[int, str]]]:
    """Each cluster's carried id, and every (cluster, earlier id) of which it is the home.

    An id's home is the cluster holding most of its records (then: most new
    records carrying its identifier tokens, then the one holding the record first
    seen, so a tie does not fall to whatever the key made of the tokens; last: the
    smaller cluster number); of
    the ids a cluster is home to, the oldest survives (ties: the one with more
    records there, then more identifier votes, then the smaller id). Sorted by the
    ids' ranks (``id_rank``), not their text: at a million ids each sort over text
    took seconds.
    """
    if overlap.empty:
        return {}, []
    born = overlap["beneficiary_id"].map(births).fillna("")
    rows = overlap.assign(born=pd.factorize(born, sort=True)[0])
    home = rows.sort_values(
        ["id_rank", "n", "n_id", "held_since", "cluster"],
        ascending=[True, False, False, True, True],
    ).drop_duplicates("id_rank")
    ranked = home.sort_values(
        ["cluster", "born", "n", "n_id", "id_rank"],
        ascending=[True, True, False, False, True],
    )
    winners = ranked.drop_duplicates("cluster")
    chosen = dict(
        zip(winners["cluster"].astype(int), winners["beneficiary_id"].astype(str), strict=True)
    )
    candidates = list(
        zip(ranked["cluster"].astype(int), ranked["beneficiary_id"].astype(str), strict=True)
    )
    return chosen, candidates


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
    record_tokens: pd.Series,
    number: npt.NDArray[np.int64],
    previous: pd.DataFrame,
    identifiers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """(cluster, earlier id, n, n_id, held_since, id_rank): how many of each cluster's
    records each earlier id held (``n``), how many of its new records carry that id's
    identifier tokens, and the first month its oldest such record was seen
    (``held_since``, as a code in month order; past every month for votes alone);
    ``id_rank`` orders the ids as their text does.

    Counted on the ids' ranks, not their text: a group-by over a million ids as text
    took seconds.
    """
    columns = ["cluster", "beneficiary_id", "n", "n_id", "held_since", "id_rank"]
    if previous.empty:
        return pd.DataFrame({c: [] for c in columns})
    known = arrow_array(previous["beneficiary_id"])
    rank = np.asarray(pc.rank(known, sort_keys="ascending", tiebreaker="dense"), dtype=np.int64)
    names = np.empty(int(rank.max()) + 1 if len(rank) else 0, dtype=object)
    names[rank] = np.asarray(known.to_pylist(), dtype=object)
    at = registry_rows(previous, record_tokens)  # one lookup: held ids, and who is fresh
    fresh = ~np.asarray(pc.is_valid(at), dtype=bool)
    where = np.asarray(pc.fill_null(at, 0), dtype=np.int64)[~fresh]
    first_seen = previous.get("first_seen_month", pd.Series("", index=previous.index))
    seen, _ = pd.factorize(first_seen.astype(str), sort=True)  # codes in time order
    held = (
        pd.DataFrame({"cluster": number[~fresh], "id_rank": rank[where], "held_since": seen[where]})
        .groupby(["cluster", "id_rank"])
        .agg(n=("held_since", "size"), held_since=("held_since", "min"))
    )
    carried = _carried_by_identifiers(previous, identifiers, fresh, number)
    named = carried.notna().to_numpy()
    carried_rank = pd.Index(names).get_indexer(pd.Index(carried[named].astype(str)))
    votes = (
        pd.DataFrame({"cluster": number[fresh][named], "id_rank": carried_rank})
        .groupby(["cluster", "id_rank"])
        .size()
        .rename("n_id")
    )
    both = pd.concat([held, votes], axis=1)
    both = both.fillna({"n": 0, "n_id": 0, "held_since": len(seen)})
    both = both.astype(np.int64).reset_index()
    both = both.rename(columns={"level_0": "cluster", "level_1": "id_rank"})
    return both.assign(beneficiary_id=names[both["id_rank"].to_numpy()])[columns]


def _carried_by_identifiers(
    previous: pd.DataFrame,
    identifiers: pd.DataFrame | None,
    fresh: npt.NDArray[np.bool_],
    number: npt.NDArray[np.int64],
) -> pd.Series:
    """For each new record (``fresh``), the one earlier id its identifier tokens name, or
    null: a token known under several ids, or a record naming two ids, names nobody.

    Person keys (``PERSON_KEYS``) speak only for a record no identifier token
    carries, and only when this month's records holding the key sit in one cluster:
    two people of this month sharing a name and birth date say the key does not
    name one person.
    """
    rows = np.flatnonzero(fresh)
    carried = pd.Series(pd.NA, index=rows, dtype=object)
    if identifiers is None or not rows.size:
        return carried
    by_token = _named(previous, identifiers, rows, IDENTIFIER_TOKENS, number)
    by_key = _named(previous, identifiers, rows, PERSON_KEYS, number)
    return by_token.where(by_token.notna(), by_key)


def _named(
    previous: pd.DataFrame,
    identifiers: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    columns: Sequence[str],
    number: npt.NDArray[np.int64],
) -> pd.Series:
    """The one earlier id that ``columns`` name for each of ``rows`` (else null).

    Only the values the new records hold are looked at, in the registry and in the
    month: a million-record registry is filtered once per column, not grouped.
    """
    carried = pd.Series(pd.NA, index=rows, dtype=object)
    clash = np.zeros(rows.size, dtype=bool)
    for column in columns:
        if column not in identifiers.columns or column not in previous.columns:
            continue
        values = identifiers[column]
        mine = values.iloc[rows]
        asked = mine[mine != 0] if column in PERSON_KEYS else mine  # 0: no key
        wanted: Any = pd.unique(asked.dropna())
        if column in PERSON_KEYS:  # a key two people of this month hold names nobody
            held = values.isin(wanted).to_numpy()
            present = pd.DataFrame({"value": values[held].to_numpy(), "cluster": number[held]})
            clusters = present.drop_duplicates().groupby("value")["cluster"].size()
            wanted = clusters.index[clusters.to_numpy() == 1]
        known = previous.loc[previous[column].isin(wanted), [column, "beneficiary_id"]]
        known = known.drop_duplicates()
        ids_per_token = known.groupby(column)["beneficiary_id"].transform("size")
        named = known[ids_per_token == 1].set_index(column)["beneficiary_id"]
        found = mine.map(named).astype(object)  # no .where: an int64 key must not go float
        found.index = rows
        clash |= (carried.notna() & found.notna() & (carried != found)).to_numpy()
        carried = carried.where(carried.notna(), found)
    carried[clash] = pd.NA
    return carried


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
    identifiers: pd.DataFrame | None = None,
) -> Identities:
    """The persist stage: ids carried forward through the registry (record tokens, then
    identifier tokens of new records), new ids for new people, and the registry as it
    stands after ``month``."""
    ids, changes = assign_ids(
        record_tokens, cluster, registry, key, last_month_ids, month, identifiers
    )
    since = arrow_series(ids.since.take(pa.array(ids.person)), pd.RangeIndex(len(ids.person)))
    updated = updated_registry(
        registry, record_tokens, ids.per_record(), month, since, changes.merges, identifiers
    )
    first_seen = arrow_series(ids.since, pd.RangeIndex(len(ids.distinct)), "first_seen_month")
    return Identities(ids, changes, updated, first_seen)
