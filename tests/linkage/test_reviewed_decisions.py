"""Reviewers' decisions override the model: accepted pairs stay together, rejected apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.config.model import LinkageSettings
from benelink.linkage.link import link_records
from tests.linkage.simulate import make_people, make_records


def test_rejected_pair_is_kept_apart_and_accepted_pair_together() -> None:
    records = make_records(make_people(150, seed=11), seed=12)
    records = records.drop(columns=["person_id"]).reset_index(drop=True)
    base = link_records(records, LinkageSettings())
    matched = base.pairs[base.pairs["decision"] == "match"].iloc[0]
    a, b = int(matched["left"]), int(matched["right"])
    assert base.cluster[a] == base.cluster[b]
    sizes = np.bincount(base.cluster)
    singles = np.flatnonzero(sizes[base.cluster] == 1)
    c, d = int(singles[0]), int(singles[-1])

    decisions = pd.DataFrame({"left": [a, c], "right": [b, d], "decision": ["reject", "accept"]})
    result = link_records(records, LinkageSettings(), decisions=decisions)
    assert result.cluster[a] != result.cluster[b]
    assert result.cluster[c] == result.cluster[d]
    reviewed = result.pairs[result.pairs["decided_by"] == "reviewed"]
    assert len(reviewed) == 2
    assert set(reviewed["decision"]) == {"match", "non_match"}
