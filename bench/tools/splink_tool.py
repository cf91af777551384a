"""Splink 5 on DuckDB, trained unsupervised as its tutorials do, on the shared records.

Splink is given the same standardised columns as benelink and the settings a
careful Splink user would write for them: each name part compared on both its
normalised spelling and benelink's cross-script key (the only way an Arabic
and a Latin spelling can meet), the date of birth with Splink's own
``DateOfBirthComparison``, the identifiers exactly (the national number with a
one-edit level), and the same blocking rules benelink uses.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from bench.datasets import Task
from bench.tools.output import ToolOutput

THRESHOLD = 0.9
SEED = 42
U_MAX_PAIRS = 1e7
MAX_SPILL = "40GB"  # DuckDB's spill to disk, at most
NAME_PARTS = ("first", "father", "grandfather", "family")
PREDICTION_RULES: tuple[tuple[str, ...], ...] = (
    ("national_number",),
    ("unhcr_individual_id",),
    ("phone",),
    ("key_first", "birth_year"),
    ("key_family", "key_first"),
    ("key_first", "key_father"),
    ("key_father", "key_family", "birth_year"),
    ("birth_year", "birth_month", "birth_day", "sex"),
    ("locality",),
)
# For the run at scale (bench/scale.py): Splink cannot cap a block, so every block of the
# rules above is cut by the columns benelink refines its over-size blocks with.
REFINED_PREDICTION_RULES: tuple[tuple[str, ...], ...] = (
    ("national_number",),
    ("unhcr_individual_id",),
    ("phone", "key_first"),
    ("key_first", "birth_year", "birth_month", "sex"),
    ("key_family", "key_first", "birth_year"),
    ("key_first", "key_father", "birth_year"),
    ("key_father", "key_family", "birth_year", "sex"),
    ("birth_year", "birth_month", "birth_day", "sex", "governorate", "key_family"),
    ("locality", "key_first", "birth_year"),
)
EM_RULES: tuple[tuple[str, ...], ...] = (
    ("key_first", "key_family"),
    ("birth_year", "birth_month", "birth_day"),
)
# ... and its EM training rules too (first + family name alone is 469 M pairs at 1M people)
REFINED_EM_RULES: tuple[tuple[str, ...], ...] = (
    ("key_first", "key_family", "birth_year"),
    ("birth_year", "birth_month", "birth_day", "sex", "governorate"),
)
DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("national_number",),
    ("unhcr_individual_id",),
    ("key_first", "key_family", "dob"),
)
DETERMINISTIC_RECALL = 0.7
EXACT = ("unhcr_individual_id", "unhcr_case_id", "phone", "sex", "governorate", "nationality")
COLUMNS = (
    "uid",
    *(f"name_{p}" for p in NAME_PARTS),
    *(f"key_{p}" for p in NAME_PARTS),
    "dob",
    "birth_year",
    "birth_month",
    "birth_day",
    "national_number",
    "locality",
    *EXACT,
)

DESCRIPTION = (
    "Splink 5.0 (DuckDB backend, in-memory), `link_only` for FEBRL4 and `dedupe_only` "
    "otherwise, on the standardised columns. Comparisons: per name part a custom comparison "
    "(null / exact normalised name, TF-adjusted / exact cross-script key, TF-adjusted / "
    "Jaro-Winkler >= 0.92 on name / on key / >= 0.8 on name / on key / else); "
    "`DateOfBirthComparison` on the ISO date (null when only the year is known); "
    "`LevenshteinAtThresholds(national_number, 1)`; `ExactMatch` on UNHCR individual and "
    "case id, phone, sex, governorate, nationality; `JaroWinklerAtThresholds(locality, "
    "[0.92, 0.8])`. Columns that are empty in a dataset are left out (locality is empty on "
    "Jordan data). Blocking for prediction: the same 9 rules as benelink (union), without a "
    "block-size cap. Training: prior by `estimate_probability_two_random_records_match` "
    "(national number / UNHCR id / first+family key+dob, recall 0.7), u by "
    "`estimate_u_using_random_sampling(max_pairs=1e7, seed=42)`, m by EM on blocks "
    "(first+family key) and (birth date). `predict(threshold_match_probability=0.9)` then "
    "`cluster_pairwise_predictions_at_threshold(0.9)`."
)


def _present(frame: pd.DataFrame, columns: tuple[str, ...]) -> bool:
    return all(c in frame.columns and bool(frame[c].notna().any()) for c in columns)


def _name_comparison(part: str) -> cl.CustomComparison:
    name, key = f"name_{part}", f"key_{part}"
    return cl.CustomComparison(
        output_column_name=f"{part}_name",
        comparison_levels=[
            cll.NullLevel(key),
            cll.ExactMatchLevel(name, term_frequency_adjustments=True),
            cll.ExactMatchLevel(key, term_frequency_adjustments=True),
            cll.JaroWinklerLevel(name, 0.92),
            cll.JaroWinklerLevel(key, 0.92),
            cll.JaroWinklerLevel(name, 0.8),
            cll.JaroWinklerLevel(key, 0.8),
            cll.ElseLevel(),
        ],
    )


def _comparisons(frame: pd.DataFrame) -> list[Any]:
    out: list[Any] = [_name_comparison(p) for p in NAME_PARTS if _present(frame, (f"key_{p}",))]
    if _present(frame, ("dob",)):
        out.append(
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d")
        )
    if _present(frame, ("national_number",)):
        out.append(cl.LevenshteinAtThresholds("national_number", 1))
    out.extend(cl.ExactMatch(c) for c in EXACT if _present(frame, (c,)))
    if _present(frame, ("locality",)):
        out.append(cl.JaroWinklerAtThresholds("locality", [0.92, 0.8]))
    return out


def _rules(frame: pd.DataFrame, rules: tuple[tuple[str, ...], ...]) -> list[Any]:
    return [block_on(*r) for r in rules if _present(frame, r)]


def _pandas(table: Any) -> pd.DataFrame:
    """A SplinkDataFrame as pandas (Splink's method is untyped)."""
    frame: pd.DataFrame = table.as_pandas_dataframe()
    return frame


def _input(records: pd.DataFrame) -> pd.DataFrame:
    """Only the compared columns, nullable strings/ints as DuckDB reads them."""
    frame = records[list(COLUMNS)].copy()
    for column in ("birth_year", "birth_month", "birth_day"):
        frame[column] = frame[column].astype("Int64")
    return frame


def run(
    records: pd.DataFrame,
    task: Task,
    rules: tuple[tuple[str, ...], ...] = PREDICTION_RULES,
    em_rules: tuple[tuple[str, ...], ...] = EM_RULES,
) -> ToolOutput:
    """Train, predict and cluster; the exact candidate count is taken afterwards, untimed."""
    frame = _input(records)
    connection = duckdb.connect()
    # a spill that fills the machine's disk takes other work down with it: fail at 40 GB
    connection.execute(f"SET max_temp_directory_size = '{MAX_SPILL}'")
    db_api = DuckDBAPI(connection)
    link_type: Literal["link_only", "dedupe_only"]
    if task == "link":
        inputs: Any = [
            db_api.register(
                frame[records["source"].to_numpy() == s].reset_index(drop=True),
                dataset_display_name=str(s),
            )
            for s in sorted(records["source"].astype(str).unique())
        ]
        link_type = "link_only"
    else:
        inputs = db_api.register(frame, dataset_display_name="records")
        link_type = "dedupe_only"
    prediction_rules = _rules(frame, rules)
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="uid",
        comparisons=_comparisons(frame),
        blocking_rules_to_generate_predictions=prediction_rules,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(inputs, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        _rules(frame, DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in _rules(frame, em_rules):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    clusters: pd.DataFrame = _pandas(clustered)[["uid", "cluster_id"]]
    n_match = len(_pandas(predictions))
    started = time.perf_counter()
    counted = count_comparisons_from_blocking_rules(
        inputs,
        blocking_rules=prediction_rules,
        link_type=link_type,
        unique_id_column_name="uid",
        record_sample_proportion=1.0,
    )
    candidates = int(counted[-1]["cumulative_comparison_count"]) if counted else 0
    return ToolOutput(
        "clusters",
        clusters.rename(columns={"cluster_id": "cluster"}).astype({"cluster": str}),
        candidates,
        {
            "match_pairs": n_match,
            "untimed_seconds": time.perf_counter() - started,
        },
    )
