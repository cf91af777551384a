"""Synthetic NAF, UNHCR and job-seeker extracts with a truth file, for demos and quality tests.

``build_sample`` makes everything in memory; ``write_sample`` puts it on disk
as a partner would send it; ``generate_sample`` does both (``benelink sample``).
A ``Mess`` (``parse_mess``, ``--mess``) adds, at given rates, the variety real
partner files have; without one the sample is the tidy one (docs/sample.md). A
``Churn`` (``parse_churn``, ``--churn``) moves a multi-month series the way lists do.
"""

from __future__ import annotations

from benelink.sample.build import Sample, build_sample
from benelink.sample.churn import CHURN_PRESETS, Churn, parse_churn
from benelink.sample.mess import GROUPS, PRESETS, Mess, group_mess, parse_mess
from benelink.sample.writer import SampleSummary, generate_sample, write_sample

__all__ = [
    "CHURN_PRESETS",
    "GROUPS",
    "PRESETS",
    "Churn",
    "Mess",
    "Sample",
    "SampleSummary",
    "build_sample",
    "generate_sample",
    "group_mess",
    "parse_churn",
    "parse_mess",
    "write_sample",
]
