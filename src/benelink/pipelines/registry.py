"""How the identity registry changes from one month to the next.

The registry (``io.state``) remembers every record token ever seen with the id
it last had and the months it was first and last seen, so a person who returns
after a gap keeps their id. A month's registry is the month's records with
their new ids, plus every earlier record not seen this month — whose id
follows its person when they were merged into someone else.
"""

from __future__ import annotations

import pandas as pd

from benelink.arrow_text import arrow_array, arrow_series, sort_order
from benelink.io.state import REGISTRY_COLUMNS


def updated_registry(
    previous: pd.DataFrame | None, record_tokens: pd.Series, ids: pd.Series, month: str
) -> pd.DataFrame:
    """This month's records with their ids, plus every earlier record not seen this month."""
    rows = pd.RangeIndex(len(record_tokens))
    current = pd.DataFrame(  # Arrow-backed: a million tokens as Python strings took seconds
        {
            "record_token": arrow_series(arrow_array(record_tokens), rows),
            "beneficiary_id": arrow_series(arrow_array(ids), rows),
            "last_seen_month": month,
        }
    )
    if previous is None or previous.empty:
        current["first_seen_month"] = month
        return _by_token(current[REGISTRY_COLUMNS])
    first = previous.set_index("record_token")["first_seen_month"]
    current["first_seen_month"] = current["record_token"].map(first).fillna(month)
    # a record absent this month keeps its old id, unless its person was merged into another
    absorbed = previous[~previous["record_token"].isin(current["record_token"])]
    remap = _merge_map(previous, current)
    absorbed = absorbed.assign(beneficiary_id=absorbed["beneficiary_id"].replace(remap))
    if absorbed.empty:
        return _by_token(current[REGISTRY_COLUMNS])
    merged = pd.concat([current, absorbed[REGISTRY_COLUMNS]], ignore_index=True)
    return _by_token(merged[REGISTRY_COLUMNS])


def _by_token(registry: pd.DataFrame) -> pd.DataFrame:
    """Rows in record-token order (sorted by Arrow: a million tokens as Python objects
    took seconds)."""
    return registry.take(sort_order(registry, ["record_token"])).reset_index(drop=True)


def _merge_map(previous: pd.DataFrame, current: pd.DataFrame) -> dict[str, str]:
    """Old id -> new id for ids none of whose current records kept them."""
    joined = current.merge(previous, on="record_token", suffixes=("", "_old"))
    moved = joined[joined["beneficiary_id"] != joined["beneficiary_id_old"]]
    kept = set(
        joined.loc[joined["beneficiary_id"] == joined["beneficiary_id_old"], "beneficiary_id"]
    )
    moved = moved[~moved["beneficiary_id_old"].isin(kept)]
    moved = moved.sort_values(["beneficiary_id_old", "beneficiary_id"]).drop_duplicates(
        "beneficiary_id_old"
    )
    return dict(zip(moved["beneficiary_id_old"], moved["beneficiary_id"], strict=True))
