"""benelink's own link engine, with its default settings, on the shared records."""

from __future__ import annotations

import pandas as pd

from bench.datasets import Task
from bench.tools.output import ToolOutput
from benelink.config.model import LinkageSettings
from benelink.linkage.link import link_records
from benelink.schemas.columns import STANDARD_COLUMNS

DESCRIPTION = (
    "`benelink.linkage.link.link_records(records, LinkageSettings())` on the standardised "
    "columns, defaults throughout: blocking = union of its 9 default rules (national number; "
    "UNHCR individual id; phone; first-name key+birth year; family+first key; first+father key; "
    "father+family key+birth year; full birth date; locality), blocks over 400 records "
    "refined or skipped; comparisons = first/father/grandfather/family name (best of "
    "Jaro-Winkler on key and normalised name, exact-key level, term-frequency adjusted), "
    "birth date (7 levels), national number (exact / one or two edits), UNHCR ids, phone, sex, "
    "nationality, governorate, locality (exact / Jaro-Winkler); household fields null when "
    "first names disagree and no id number agrees; u from 1,000,000 seeded random pairs, m "
    "and the prior by EM over the distinct comparison vectors of the candidates; match at "
    "probability >= 0.9; clusters with its own cohesion and id-exclusivity rules. A link task "
    "runs with `link_only=True` (pairs within one file are neither compared nor counted)."
)


def run(records: pd.DataFrame, task: Task) -> ToolOutput:
    """Clusters from ``link_records``; a link task compares pairs across the two files only."""
    frame = records[list(STANDARD_COLUMNS)].reset_index(drop=True)
    result = link_records(frame, LinkageSettings(), link_only=task == "link")
    clusters = pd.DataFrame({"uid": records["uid"].to_numpy(), "cluster": result.cluster})
    n_match = int((result.pairs["decision"] == "match").sum())
    return ToolOutput(
        "clusters",
        clusters,
        result.n_candidate_pairs,
        {"match_pairs": n_match, "lambda": float(result.lambda_)},
    )
