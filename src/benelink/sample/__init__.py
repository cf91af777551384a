"""Synthetic NAF, UNHCR and job-seeker extracts with a truth file, for demos and quality tests.

``build_sample`` makes everything in memory; ``write_sample`` puts it on disk
as a partner would send it; ``generate_sample`` does both (``benelink sample``).
"""

from __future__ import annotations

from benelink.sample.build import Sample, build_sample
from benelink.sample.writer import SampleSummary, generate_sample, write_sample

__all__ = ["Sample", "SampleSummary", "build_sample", "generate_sample", "write_sample"]
