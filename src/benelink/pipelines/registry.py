"""How the identity registry changes from one month to the next.

The registry (``io.state``) remembers every record token ever seen with the id
it last had and the months it was first and last seen, so a person who returns
after a gap keeps their id, and beside each record the keyed tokens of the
identifiers it carried when last seen (``IDENTIFIER_TOKENS``), through which a
person re-registered under a new record id is recognised. A month's registry is
the month's records with their new ids and identifier tokens, plus every earlier
record not seen this month — whose id follows its person when they were merged
into someone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from benelink.arrow_text import arrow_array, arrow_series, as_text, sort_order
from benelink.io.state import CODE_COLUMNS, IDENTIFIER_TOKENS, REGISTRY_COLUMNS, with_carriers


def updated_registry(
    previous: pd.DataFrame | None,
    record_tokens: pd.Series,
    ids: pd.Series,
    month: str,
    since: pd.Series | None = None,
    merges: Sequence[tuple[str, str]] = (),
    identifiers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """This month's records with their ids, plus every earlier record not seen this month.

    ``since`` holds, per record, the month its id was first published (default:
    ``month``); ``merges`` the (absorbed id, surviving id) pairs of the month: a
    record absent this month keeps its old id, unless its person was merged into
    another, and then it follows them. ``identifiers`` holds, per record, the keyed
    tokens of ``IDENTIFIER_TOKENS`` it carries (missing: null), its person keys and its
    record digest (``CODE_COLUMNS``; missing: 0).
    """
    rows = pd.RangeIndex(len(record_tokens))
    current = pd.DataFrame(  # Arrow-backed: a million tokens as Python strings took seconds
        {
            "record_token": arrow_series(arrow_array(record_tokens), rows),
            "beneficiary_id": arrow_series(arrow_array(ids), rows),
            "last_seen_month": month,
            "id_since": month if since is None else arrow_series(arrow_array(since), rows),
            **_identifier_columns(identifiers, rows),
        }
    )
    if previous is None or previous.empty:
        current["first_seen_month"] = month
        return _by_token(current[REGISTRY_COLUMNS])
    if "id_since" not in previous.columns:  # a registry written before id_since existed
        previous = previous.assign(id_since=previous["beneficiary_id"].map(id_births(previous)))
    previous = with_carriers(previous)  # a registry written before them: none known
    previous = previous.assign(**{c: as_text(previous[c]) for c in IDENTIFIER_TOKENS})
    first = previous.set_index("record_token")["first_seen_month"]
    current["first_seen_month"] = current["record_token"].map(first).fillna(month)
    current = _remembering_identifiers(current, previous)
    absorbed = previous[~previous["record_token"].isin(current["record_token"])]
    if absorbed.empty:
        return _by_token(current[REGISTRY_COLUMNS])
    remap = dict(merges)
    births = current.drop_duplicates("beneficiary_id").set_index("beneficiary_id")["id_since"]
    moved = absorbed["beneficiary_id"].map(remap)
    absorbed = absorbed.assign(
        beneficiary_id=moved.fillna(absorbed["beneficiary_id"]),
        id_since=moved.map(births).fillna(absorbed["id_since"]),
    )
    merged = pd.concat([current, absorbed[REGISTRY_COLUMNS]], ignore_index=True)
    return _by_token(merged[REGISTRY_COLUMNS])


def registry_rows(registry: pd.DataFrame, record_tokens: pd.Series) -> Any:
    """Per record, the registry row of its record token (an Arrow array; null: never seen).

    Looked up once for every identifier (Arrow's hash lookup): per identifier and as
    Python strings, a million tokens took seconds each.
    """
    if registry.empty:
        return pa.nulls(len(record_tokens), pa.int32())
    return pc.index_in(arrow_array(record_tokens), value_set=arrow_array(registry["record_token"]))


def remembered_tokens(registry: pd.DataFrame, rows: Any, own: pd.Series) -> Any:
    """``own`` (one identifier's tokens, per record; an Arrow array back), each missing one
    taken from the record's registry row (``registry_rows``) where it has one."""
    mine = arrow_array(own)
    if registry.empty or own.name not in registry.columns:
        return mine
    return pc.coalesce(mine, arrow_array(registry[own.name]).take(rows))


def _remembering_identifiers(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """This month's records, each keeping the identifier tokens it carried before where it
    carries none now: a number lost for a month (unreadable, left blank) still keeps two
    people apart next month (``linkage.carry``) and still names its person."""
    rows = registry_rows(previous, current["record_token"])
    filled = {
        column: arrow_series(remembered_tokens(previous, rows, current[column]), current.index)
        for column in IDENTIFIER_TOKENS
    }
    return current.assign(**filled)


def _identifier_columns(
    identifiers: pd.DataFrame | None, rows: pd.RangeIndex
) -> dict[str, pd.Series]:
    """The identifier-token (Arrow-backed text, null where absent) and person-key (int64,
    0 where absent) columns of this month's records."""
    out = {}
    for column in IDENTIFIER_TOKENS:
        if identifiers is None or column not in identifiers.columns:
            out[column] = arrow_series(pa.nulls(len(rows), pa.string()), rows)
        else:
            out[column] = arrow_series(arrow_array(identifiers[column]), rows)
    for column in CODE_COLUMNS:
        if identifiers is None or column not in identifiers.columns:
            out[column] = pd.Series(0, index=rows, dtype=np.int64)
        else:
            out[column] = pd.Series(identifiers[column].to_numpy(dtype=np.int64), index=rows)
    return out


def id_births(registry: pd.DataFrame) -> dict[str, str]:
    """The month each known id was first published: the registry's ``id_since`` where it
    has one (older registries did not), else the earliest first month of its records."""
    column = "id_since" if "id_since" in registry.columns else "first_seen_month"
    if column not in registry.columns or registry.empty:
        return {}
    # by integer codes: a group-by taking the least of a million text months took 30 s
    known = registry[["beneficiary_id", column]].dropna()
    ids, distinct = pd.factorize(known["beneficiary_id"].astype(str))
    months, calendar = pd.factorize(known[column].astype(str), sort=True)  # code order: time
    first = np.full(len(distinct), len(calendar), dtype=np.int64)
    np.minimum.at(first, ids, months)
    return dict(
        zip(np.asarray(distinct, dtype=object).tolist(), calendar[first].tolist(), strict=True)
    )


def _by_token(registry: pd.DataFrame) -> pd.DataFrame:
    """Rows in record-token order (sorted by Arrow: a million tokens as Python objects
    took seconds)."""
    return registry.take(sort_order(registry, ["record_token"])).reset_index(drop=True)
