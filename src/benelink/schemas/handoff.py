"""Checking a frame one stage hands to the next against its model.

A frame that breaks its model at a hand-off is a bug in benelink, not in a
partner's file, so it stops the run with a ``HandOffError`` (exit 1) that names
the stage, the model, the columns and the rules broken, and how many rows
break them; never a value, since the frames hold names and id numbers.

What is checked, by size: the structure (every column present and no other,
each column's exact type: Arrow-backed text, ``Int64``, ``int8`` ...; no null
where none may be) over the whole frame; the value rules (patterns,
vocabularies, ranges, uniqueness, rules across columns) over the whole frame up
to ``VALUE_ROWS`` rows, and over a seeded sample of ``VALUE_ROWS`` rows beyond.
Every rule over every row cost 1.9 s (``Standardised``) and 3.9 s
(``Pseudonymised``) at a million rows on two cores, the record tokens'
uniqueness alone 0.9 s; structure plus the sample costs 0.2 to 0.35 s there
(each output table about 0.15 s, ``Canonical`` 0.1 s). A stage that
gets a class of values wrong gets it wrong in the sample too; one bad row in a
million is for the stage's own tests to catch.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import pandera.errors
import pandera.pandas as pa
from pandera.config import ValidationDepth, config_context

from benelink.errors import HandOffError
from benelink.schemas.canonical import Canonical, Pseudonymised, Standardised
from benelink.schemas.outputs import Beneficiaries, Links, Records

VALUE_ROWS: Final = 20_000
SAMPLE_SEED: Final = 15  # issue 15: the rows sampled are the same from run to run
_STRUCTURE: Final = frozenset({"column_in_dataframe", "column_in_schema", "column_ordered"})


def check_handoff(model: type[pa.DataFrameModel], frame: pd.DataFrame, stage: str) -> pd.DataFrame:
    """``frame`` itself when it keeps ``model``; else a ``HandOffError`` naming ``stage``."""
    schema = model.to_schema()
    problems = _exact_types(schema, frame)
    if len(frame) <= VALUE_ROWS:
        problems += _broken(schema, frame)
    else:
        with config_context(validation_depth=ValidationDepth.SCHEMA_ONLY):
            problems += _broken(schema, frame)
        problems += _broken(schema, frame, sample=VALUE_ROWS)
    if problems:
        found = "; ".join(dict.fromkeys(problems))
        raise HandOffError(
            f"internal error: the {stage} stage handed on a frame that breaks the "
            f"{model.__name__} schema ({found}); nothing was written; please report it"
        ) from None
    return frame


def check_canonical(frame: pd.DataFrame, stage: str = "ingest") -> pd.DataFrame:
    """A partner file as ingest and validate hand it on (``SourceFile.frame``,
    ``ValidatedSource.valid``)."""
    return check_handoff(Canonical, frame, stage)


def check_standardised(frame: pd.DataFrame, stage: str = "standardize") -> pd.DataFrame:
    """The records the standardise stage hands on."""
    return check_handoff(Standardised, frame, stage)


def check_pseudonymised(frame: pd.DataFrame, stage: str = "pseudonymize") -> pd.DataFrame:
    """The records with their tokens, as the pseudonymise stage hands them to the link stage."""
    return check_handoff(Pseudonymised, frame, stage)


def check_beneficiaries(frame: pd.DataFrame, stage: str = "write") -> pd.DataFrame:
    """beneficiaries.parquet before it is written."""
    return check_handoff(Beneficiaries, frame, stage)


def check_records(frame: pd.DataFrame, stage: str = "write") -> pd.DataFrame:
    """records.parquet before it is written."""
    return check_handoff(Records, frame, stage)


def check_links(frame: pd.DataFrame, stage: str = "write") -> pd.DataFrame:
    """links.parquet before it is written."""
    return check_handoff(Links, frame, stage)


def _exact_types(schema: Any, frame: pd.DataFrame) -> list[str]:
    """Columns whose type is not the model's exactly: pandera lets a Python ``object``
    column of strings pass for Arrow-backed text, at the cost of memory and speed."""
    problems = []
    for name, column in schema.columns.items():
        names = frame.filter(regex=str(name)).columns if column.regex else [name]
        for found in (n for n in names if n in frame.columns):
            if frame[found].dtype != column.dtype.type:
                problems.append(f"{found} is {_label(frame[found].dtype)}, not {column.dtype}")
    return problems


def _label(dtype: Any) -> str:
    """A type as pandera names it: "string[pyarrow]", "string[python]", "Int64" ..."""
    return f"string[{dtype.storage}]" if isinstance(dtype, pd.StringDtype) else str(dtype)


def _broken(schema: Any, frame: pd.DataFrame, sample: int | None = None) -> list[str]:
    """What ``frame`` (or a seeded sample of ``sample`` of its rows) breaks of ``schema``."""
    try:
        schema.validate(frame, lazy=True, inplace=True, sample=sample, random_state=SAMPLE_SEED)
    except pandera.errors.SchemaErrors as exc:  # its text quotes values: never shown
        return _described(exc.failure_cases, sample)
    return []


def _described(cases: pd.DataFrame, sample: int | None) -> list[str]:
    """One phrase per broken rule: the column, the rule, how many rows (never the value)."""
    of = f" of {sample} sampled" if sample else ""
    problems = []
    for (column, check), rows in cases.groupby(["column", "check"], sort=False, dropna=False):
        rule = str(check)
        if rule in _STRUCTURE:  # the failure case is a column's name here
            names = ", ".join(sorted(str(c) for c in rows["failure_case"].unique()))
            what = {"column_in_dataframe": "missing", "column_in_schema": "not expected"}
            problems.append(f"{what.get(rule, 'out of order')}: {names}")
        elif rule.startswith("dtype(") or (sample and rule == "not_nullable"):
            continue  # named by _exact_types (with a string's storage), nulls by the full pass
        else:
            n = rows["index"].nunique()
            where = "" if rows["schema_context"].iloc[0] == "DataFrameSchema" else f"{column}: "
            plural = "s" if n != 1 or sample else ""
            problems.append(f"{where}{rule.split('(')[0]} fails on {n}{of} row{plural}")
    return problems
