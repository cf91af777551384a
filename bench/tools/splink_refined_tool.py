"""Splink 5 with refined blocking rules, for the run at scale (``bench/scale.py``).

With the plain rules (``splink_tool.PREDICTION_RULES``) a million people give
Splink hundreds of millions of candidate pairs: on a 2-core, 23 GB machine it
runs out of memory and of spill space. Here every prediction rule carries the
columns benelink refines its over-size blocks with (80 M pairs at 1M people,
before Splink's de-duplication across rules), and the EM training rules carry
the birth year or the sex and governorate (first + family name alone is 469 M
pairs at 1M), so Splink can finish; all else is ``splink_tool.run``.
"""

from __future__ import annotations

import pandas as pd

from bench.datasets import Task
from bench.tools import splink_tool
from bench.tools.output import ToolOutput


def run(records: pd.DataFrame, task: Task) -> ToolOutput:
    return splink_tool.run(
        records, task, splink_tool.REFINED_PREDICTION_RULES, splink_tool.REFINED_EM_RULES
    )
