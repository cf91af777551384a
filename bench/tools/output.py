"""What a tool adapter hands back to the harness."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd


@dataclass(frozen=True)
class ToolOutput:
    """Clusters (``uid``, ``cluster``), predicted pairs (``uid_l``, ``uid_r``), or keyed
    clusters (``source``, ``record_key``, ``cluster``) from a tool that read the partner
    files itself and so has no ``uid`` of the shared records.

    ``candidate_pairs`` is the number of record pairs the tool compared after
    its blocking/indexing; ``notes`` carries tool-specific figures (e.g. the
    estimated match prior) for the report.
    """

    kind: Literal["clusters", "pairs", "keyed_clusters"]
    frame: pd.DataFrame
    candidate_pairs: int
    notes: dict[str, float | int | str] = field(default_factory=dict)
