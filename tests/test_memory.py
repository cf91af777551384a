"""Freed memory between stages (benelink.memory): what a stage let go is really gone."""

from __future__ import annotations

import gc
import weakref

import pandas as pd
import pandera.pandas as pa

from benelink.memory import release_freed_memory


def test_a_frame_validation_saw_is_freed_at_the_stage_end() -> None:
    # pandera's accessor ties the frame it validated to itself: without the cycle
    # collector the partners' cells would stay in memory after the run let them go
    schema = pa.DataFrameSchema({"name": pa.Column(str)})
    gc.disable()
    try:
        validated = schema.validate(pd.DataFrame({"name": ["Huda", "Omar"]}))
        assert validated.pandera.schema is schema
        gone = weakref.ref(validated)
        del validated
        assert gone() is not None  # held by its own accessor
        release_freed_memory()  # every stage's end
        assert gone() is not None
        release_freed_memory(collect_cycles=True)  # the end of standardisation
        assert gone() is None
    finally:
        gc.enable()
