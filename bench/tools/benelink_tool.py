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
    "columns, defaults throughout: blocking = union of its 8 default rules (national number; "
    "UNHCR individual id; phone; first-name key+birth year; family+first key; first+father key; "
    "father+family key+birth year; full birth date+sex), blocks over 400 records refined or "
    "skipped; comparisons = first/father/grandfather/family name (best of Jaro-Winkler on key "
    "and normalised name, exact-key level, term-frequency adjusted), birth date (7 levels), "
    "national number (exact / one digit), UNHCR ids, phone, sex, nationality, governorate; "
    "m and u by EM over all candidate pairs; match at probability >= 0.9; clusters with its "
    "own cohesion and id-exclusivity rules. A link task is run as a de-duplication of A+B "
    "(benelink has no link-only mode); only A~B pairs are scored."
)


def run(records: pd.DataFrame, task: Task) -> ToolOutput:
    """Clusters from ``link_records``; ``task`` does not change anything (see DESCRIPTION)."""
    del task
    frame = records[list(STANDARD_COLUMNS)].reset_index(drop=True)
    result = link_records(frame, LinkageSettings())
    clusters = pd.DataFrame({"uid": records["uid"].to_numpy(), "cluster": result.cluster})
    n_match = int((result.pairs["decision"] == "match").sum())
    return ToolOutput(
        "clusters",
        clusters,
        result.n_candidate_pairs,
        {"match_pairs": n_match, "lambda": float(result.lambda_)},
    )
