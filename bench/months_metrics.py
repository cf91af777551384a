"""The measures of identity across months, on small frames, so each can be tested by hand.

A month is seen through its ``holdings``: one row per record of the month's truth
(``source, source_record_id, person_id, previous_record_id``) with the
``beneficiary_id`` the snapshot gave it (missing when validation rejected the row:
such a record keeps no id, so its person loses one). A person's ids in a month are
the distinct beneficiary ids of their records that month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from benelink.anonymize.tokens import record_tokens

KEY_COLUMNS = ["source", "source_record_id"]


def holdings(truth: pd.DataFrame, records: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Each truth record of the month with its ``record_token`` and ``beneficiary_id``."""
    t = truth.assign(
        record_token=record_tokens(truth["source"], truth["source_record_id"], key)
        .astype(str)
        .to_numpy()
    )
    r = records[["source", "record_token", "beneficiary_id"]].astype(str)
    r = r.drop_duplicates(["source", "record_token"])
    return t.merge(r, on=["source", "record_token"], how="left").reset_index(drop=True)


def person_ids(h: pd.DataFrame) -> pd.Series:
    """Person -> the frozenset of beneficiary ids their records carry (empty: none kept)."""
    groups = h.groupby("person_id", sort=True)["beneficiary_id"]
    return groups.agg(lambda ids: frozenset(ids.dropna()))


@dataclass(frozen=True)
class Share:
    """``hits`` of ``total``, and their ratio (1.0 of nothing)."""

    hits: int
    total: int

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else 1.0


def retention(before: pd.Series, after: pd.Series) -> Share:
    """People present both times who keep exactly the ids they had, none lost or added."""
    both = before.index.intersection(after.index)
    kept = sum(
        1 for p in both if before[p] and before[p] == after[p]
    )  # a person who had no id (all rows rejected) kept nothing
    return Share(kept, len(both))


def fragmented(ids: pd.Series) -> Share:
    """People of the month whose records carry more than one beneficiary id."""
    return Share(int((ids.map(len) > 1).sum()), len(ids))


def holders(h: pd.DataFrame) -> pd.DataFrame:
    """Distinct (beneficiary_id, person_id) pairs of a month."""
    return h.dropna(subset=["beneficiary_id"])[["beneficiary_id", "person_id"]].drop_duplicates()


@dataclass(frozen=True)
class Continuity:
    """Ids of earlier months that someone new now holds."""

    gained: int  # an earlier id now also (or only) held by a person who never held it
    passed: int  # an earlier id now held only by people who never held it


def false_continuity(earlier: pd.DataFrame, now: pd.DataFrame) -> Continuity:
    """``earlier``: every (beneficiary_id, person_id) of the months before; ``now``: this one's."""
    known = now[now["beneficiary_id"].isin(earlier["beneficiary_id"])]
    seen = known.merge(earlier.drop_duplicates(), how="left", indicator=True)
    stranger = seen["_merge"] == "left_only"
    by_id = stranger.groupby(seen["beneficiary_id"]).agg(["any", "all"])
    return Continuity(int(by_id["any"].sum()), int(by_id["all"].sum()))


def unchanged_rows(before: pd.DataFrame, after: pd.DataFrame, id_column: str) -> set[str]:
    """Record ids whose row is the same, cell for cell, in both extracts (once in each)."""
    a = before.astype(str).drop_duplicates(id_column, keep=False)
    b = after.astype(str).drop_duplicates(id_column, keep=False)
    both = (
        a.merge(b, how="inner", on=list(a.columns)) if list(a.columns) == list(b.columns) else a[:0]
    )
    return set(both[id_column])


def _pairs_within(labels: pd.Series) -> int:
    sizes = labels.value_counts().to_numpy(dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def cluster_flips(before: pd.Series, after: pd.Series) -> int:
    """Pairs of records (indexed alike in both) together one month and apart the other.

    A record without an id (rejected) is alone: it is given a label of its own.
    """
    common = before.index.intersection(after.index)
    b = before.loc[common].astype(object)
    a = after.loc[common].astype(object)
    own = pd.Series([f"~{i}" for i in range(len(common))], index=common, dtype=object)
    b, a = b.where(b.notna(), own), a.where(a.notna(), own)
    together = _pairs_within(b.astype(str) + "\x1f" + a.astype(str))
    return _pairs_within(b.astype(str)) + _pairs_within(a.astype(str)) - 2 * together


def link_flips(before: pd.DataFrame, after: pd.DataFrame, unchanged: set[str]) -> int:
    """Scored pairs of two unchanged records whose decision changed (absent = below review).

    The scored decision: a match that clustering kept apart counts as a match (whether
    it is kept apart depends on other records; ``cluster_flips`` counts the people)."""

    def keyed(links: pd.DataFrame) -> pd.Series:
        mine = links[links["left_token"].isin(unchanged) & links["right_token"].isin(unchanged)]
        lo = np.minimum(mine["left_token"].astype(str), mine["right_token"].astype(str))
        hi = np.maximum(mine["left_token"].astype(str), mine["right_token"].astype(str))
        scored = mine["decision"].astype(str).replace({"match_kept_apart": "match"})
        return pd.Series(scored.to_numpy(), index=lo + "|" + hi)

    b, a = keyed(before), keyed(after)
    b, a = b[~b.index.duplicated()], a[~a.index.duplicated()]
    index = b.index.union(a.index)
    return int((b.reindex(index, fill_value="none") != a.reindex(index, fill_value="none")).sum())


def true_flows(months: list[set[str]]) -> dict[str, int]:
    """new / continuing / returning / exited of the last of ``months`` (sets of people)."""
    now = months[-1]
    last = months[-2] if len(months) > 1 else set()
    earlier = set().union(*months[:-2]) if len(months) > 2 else set()
    return {
        "new": len(now - last - earlier),
        "continuing": len(now & last),
        "returning": len((now - last) & earlier),
        "exited": len(last - now),
    }


def reregistrations_kept(before: pd.DataFrame, now: pd.DataFrame) -> Share:
    """Records re-registered this month (``previous_record_id`` set) whose id is the one the
    record they replace had when last seen (``before``: source, source_record_id,
    beneficiary_id)."""
    renewed = now[now["previous_record_id"].fillna("") != ""]
    old = before[[*KEY_COLUMNS, "beneficiary_id"]].rename(
        columns={"source_record_id": "previous_record_id", "beneficiary_id": "before"}
    )
    joined = renewed.merge(old, on=["source", "previous_record_id"], how="left")
    same = joined["beneficiary_id"].notna() & (joined["beneficiary_id"] == joined["before"])
    return Share(int(same.sum()), len(joined))
