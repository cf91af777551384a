"""``link_records(..., link_only=True)``: pairs within one source are never linked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.linkage.link import _across_count, link_records


def _records() -> pd.DataFrame:
    """Two files; file a holds the same person twice (a duplicate), file b once."""
    person = {
        "key_first": "jk",
        "name_first": "jack",
        "key_family": "stnrt",
        "name_family": "stinart",
        "birth_year": 1970,
        "birth_month": 3,
        "birth_day": 14,
        "national_number": "1234567",
    }
    others = [
        {
            "key_first": f"k{i}",
            "name_first": f"name{i}",
            "key_family": f"f{i}",
            "name_family": f"family{i}",
            "birth_year": 1950 + i,
            "birth_month": 1 + i % 12,
            "birth_day": 1 + i % 28,
            "national_number": f"{7000000 + i}",
        }
        for i in range(40)
    ]
    # the duplicate in a has its birth day mistyped: a duplicate, not an identical copy
    twin = {**person, "birth_day": 15}
    rows = [{**person, "source": "a"}, {**twin, "source": "a"}, {**person, "source": "b"}]
    rows += [{**o, "source": "ab"[i % 2]} for i, o in enumerate(others)]
    frame = pd.DataFrame(rows)
    return frame.astype({c: "Int64" for c in ("birth_year", "birth_month", "birth_day")})


def test_link_only_keeps_cross_source_pairs_only() -> None:
    records = _records()
    source = records["source"].to_numpy()
    both = link_records(records, LinkageSettings())
    across = link_records(records, LinkageSettings(), link_only=True)
    pairs = both.pairs
    assert (source[pairs["left"]] == source[pairs["right"]]).any()  # the a~a duplicate
    pairs = across.pairs
    assert len(pairs) > 0
    assert (source[pairs["left"]] != source[pairs["right"]]).all()
    assert across.n_candidate_pairs < both.n_candidate_pairs
    # the person still ends up in one cluster through the b record
    assert across.cluster[0] == across.cluster[2] == across.cluster[1]


def test_cross_source_pair_count() -> None:
    source = np.array([0, 0, 0, 1, 1, 2], dtype=np.int32)
    brute = sum(source[i] != source[j] for i in range(6) for j in range(i + 1, 6))
    assert _across_count(source) == brute == 11
