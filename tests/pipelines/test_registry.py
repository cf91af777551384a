from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from benelink.arrow_text import ARROW_TEXT
from benelink.io.state import (
    CODE_COLUMNS,
    REGISTRY_COLUMNS,
    REGISTRY_SCHEMA,
    read_registry,
    registry_path,
    write_registry,
)
from benelink.pipelines.persist import assign_ids
from benelink.pipelines.registry import updated_registry

KEY = bytes(range(32))


def _s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def test_person_absent_for_a_month_keeps_their_id(tmp_path: Path) -> None:
    months = {"2026-09": ["a", "b"], "2026-10": ["a"], "2026-11": ["a", "b"]}
    seen: dict[str, dict[str, str]] = {}
    last: frozenset[str] = frozenset()
    for month, tokens in months.items():
        known = read_registry(tmp_path, month)
        coded, changes = assign_ids(_s(*tokens), np.arange(len(tokens)), known, KEY, last)
        ids = coded.per_record()
        write_registry(tmp_path, month, updated_registry(known, _s(*tokens), ids, month), "fp")
        seen[month] = dict(zip(tokens, ids, strict=True))
        last = frozenset(ids)
    assert seen["2026-11"]["b"] == seen["2026-09"]["b"]
    assert changes.returning == 1 and changes.continuing == 1 and changes.new == 0


def test_registry_reads_the_latest_earlier_month_only(tmp_path: Path) -> None:
    for month in ("2026-09", "2026-11"):
        frame = updated_registry(None, _s("x"), _s(f"B-{month}"), month)
        write_registry(tmp_path, month, frame, "fp")
    assert read_registry(tmp_path, "2026-09") is None
    registry = read_registry(tmp_path, "2026-11")
    assert registry is not None and registry["beneficiary_id"].tolist() == ["B-2026-09"]


def test_absent_records_of_a_merged_person_follow_the_survivor() -> None:
    previous = pd.DataFrame(
        {
            "record_token": ["a", "b", "c"],
            "beneficiary_id": ["B-X", "B-Y", "B-Y"],
            "first_seen_month": ["2026-09"] * 3,
            "last_seen_month": ["2026-10"] * 3,
        }
    )
    # b now links with a (B-Y merged into B-X); c is absent this month
    registry = updated_registry(
        previous, _s("a", "b"), _s("B-X", "B-X"), "2026-11", merges=[("B-Y", "B-X")]
    )
    assert registry.set_index("record_token")["beneficiary_id"].to_dict() == {
        "a": "B-X",
        "b": "B-X",
        "c": "B-X",
    }
    assert registry.set_index("record_token").loc["c", "last_seen_month"] == "2026-10"


def test_registry_is_read_as_arrow_text_and_written_with_one_schema(tmp_path: Path) -> None:
    first = updated_registry(None, _s("a", "b"), _s("B-1", "B-2"), "2026-09")
    write_registry(tmp_path, "2026-09", first, "fp")
    known = read_registry(tmp_path, "2026-10")
    assert known is not None
    # Arrow-backed, not a Python string per cell (640 MB for a million records)
    assert all(known[c].dtype == ARROW_TEXT for c in REGISTRY_COLUMNS if c not in CODE_COLUMNS)
    # a month that read last month's registry (b absent, so carried from the file) and one
    # written from Python strings give files of the same types
    write_registry(
        tmp_path, "2026-10", updated_registry(known, _s("a"), _s("B-1"), "2026-10"), "fp"
    )
    written_from_objects = first.astype({"record_token": object, "first_seen_month": object})
    write_registry(tmp_path, "2026-11", written_from_objects, "fp")
    for month in ("2026-09", "2026-10", "2026-11"):
        schema = pq.read_schema(registry_path(tmp_path, month)).remove_metadata()
        assert schema.equals(REGISTRY_SCHEMA), month
    carried = read_registry(tmp_path, "2026-11")
    assert carried is not None
    assert carried.set_index("record_token")["beneficiary_id"].to_dict() == {"a": "B-1", "b": "B-2"}
