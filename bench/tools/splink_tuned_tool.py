"""Splink 5 as a competent user would set it up for Jordanian partner files: the strong peer.

It starts from the partner files themselves (the month folder and the
configuration's column map), prepares them with its own code
(``splink_tuned_prepare``: anyascii transliteration, name parts normalised,
dates, phones and ids cleaned) and never sees benelink's standardised columns
or cross-script keys. Its preparation is timed as part of it.

The model is what Splink's documentation teaches, plus what this data needs:

* **Household-aware comparisons.** Members of one household share father,
  grandfather and family names, a phone and a UNHCR case number. Fellegi-Sunter
  would add those agreements up and merge siblings, so in those comparisons
  the first level is a *null level* (Bayes factor 1) when the first names
  disagree and no individual identifier (national number, UNHCR individual id)
  agrees: they count only as evidence about the same person. The gate reads
  copies of the first-name columns (``gate_*``), so that EM blocked on the first
  name still trains the household comparisons.
* **Names** compared on the normalised part (exact, term-frequency adjusted;
  Jaro-Winkler) and on its consonant skeleton (exact, term-frequency adjusted;
  Jaro-Winkler), the skeleton being where an Arabic and a Latin spelling meet.
* **Date of birth**: exact, day and month swapped, one character apart, the
  same year where one side is only a year (1 January), within a year.
* Several blocking rules (identifiers, phone, names with the birth date or
  year), u by random sampling, m by EM once per training blocking rule, no
  labels; ``predict`` and clustering at probability 0.5.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.blocking_rule_library import And, CustomRule

from bench.tools.output import ToolOutput
from bench.tools.splink_tuned_prepare import NAME_PARTS, prepare_partner_files

THRESHOLD = 0.5
SEED = 42
U_MAX_PAIRS = 1e7
MAX_SPILL = "40GB"
JW = "jaro_winkler_similarity"
GATE_JW = 0.9  # first names "agree" for the household gate at this Jaro-Winkler or above
PREDICTION_RULES: tuple[tuple[str, ...], ...] = (
    ("nn",),
    ("unhcr_id",),
    ("phone",),
    ("first_sk", "dob"),
    ("first_sk", "family_sk", "birth_year"),
    ("first_sk", "father_sk", "family_sk"),
    ("first_sk", "father_sk", "birth_year"),
    ("family_sk", "dob"),
    ("father_sk", "dob"),
)
# Each training block must hold mostly one person's records, not a household's: blocks on
# household fields alone (phone, father + family) let EM learn "same household" instead.
EM_RULES: tuple[tuple[str, ...], ...] = (
    ("first_sk", "dob"),
    ("first_sk", "father_sk", "family_sk"),
    ("family_sk", "dob"),
)
NOT_SAME_REGISTRY = "COALESCE(l.registry <> r.registry, TRUE)"
DETERMINISTIC_RULES = (
    "l.nn = r.nn",
    "l.unhcr_id = r.unhcr_id",
    "l.first_name = r.first_name AND l.father_name = r.father_name "
    f"AND l.family_name = r.family_name AND l.dob = r.dob AND {NOT_SAME_REGISTRY}",
)
DETERMINISTIC_RECALL = 0.7
HOUSEHOLD = ("father", "grandfather", "family")
ID_M = (0.985, 0.0149, 0.0001)  # an individual id: same, one edit apart, different

DESCRIPTION = (
    "Splink 5.0 (DuckDB) configured as a competent user would for these partner files, "
    "starting from the files themselves (`bench/tools/splink_tuned_tool.py`, "
    "`splink_tuned_prepare.py`; no benelink code or columns): the configuration's column "
    "map read with `tomllib`, files read with pandas (Excel via calamine); Arabic folded "
    "(hamza, ta marbuta, alef maqsura, diacritics) and transliterated with `anyascii`; "
    "lower-cased, punctuation dropped, Abd/Abu/Bani joined to the next word, the article "
    "dropped from family names, full names split into parts; a consonant skeleton per part "
    "(where Arabic and Latin spellings meet); dates by pandas/dateutil (ISO, day-first, "
    "English and Arabic month names, Excel serials); national numbers and phones digits "
    "only, phones without 962/0; UNHCR ids upper-cased, a case number in the individual-id "
    "column moved to the case column. Comparisons: each name part null / exact name (TF) / "
    "exact skeleton (TF) / JW >= 0.92 name / JW >= 0.88 skeleton / JW >= 0.8 either / else; "
    "father, grandfather, family, phone and case number *household-gated* (a null level, "
    "Bayes factor 1, when first names disagree — skeleton unequal and JW < 0.9 — and no "
    "national number or UNHCR id agrees); date of birth exact / day-month swapped / one "
    "edit / same year with a 1 January side / within a year / else; national number exact / "
    "one edit; UNHCR id, sex, governorate exact. Blocking: national number; UNHCR id; phone; "
    "first+dob; first+family+year; first+father+family; first+father+year; family+dob; "
    "father+dob (skeletons). Prior by deterministic rules (recall 0.7), u by "
    "`estimate_u_using_random_sampling(1e7, seed=42)`, m by EM per training rule "
    "(first+dob; first+father+family; family+dob: blocks of one person's records, not a "
    "household's); no labels; `predict(0.5)`, clustering at 0.5 (a match more likely than "
    "not; with no labels there is nothing to tune it on). Scored over all records."
)


def _births_agree() -> str:
    """SQL: the birth dates are the same birth, as a typo or a convention leaves it: two of
    year, month and day agree (a typo in one), or day and month swapped, or the same year
    where one side is only a year (1 January). Not siblings born months or years apart."""
    y, m, d = (f"(gate_{x}_l = gate_{x}_r)" for x in ("y", "m", "d"))
    two_of_three = f"({y} AND {m}) OR ({y} AND {d}) OR ({m} AND {d})"
    swapped = f"({y} AND gate_m_l = gate_d_r AND gate_d_l = gate_m_r)"
    year_only = f"({y} AND (gate_md_l = '01-01' OR gate_md_r = '01-01'))"
    return f"({two_of_three} OR {swapped} OR {year_only})"


def _gate() -> Any:
    """The null level that silences a household field between different people.

    Open (the field counts) when an individual id agrees, or when the first names
    agree (same name or skeleton, or a close spelling: Jaro-Winkler >= 0.9 on the
    name; not on the skeleton, since short skeletons are all close) and the birth
    dates, where both are known, are the same birth (``_births_agree``). A CASE,
    so the costly Jaro-Winkler is computed only where the cheap tests leave the
    answer open; it reads the gate's own copies of the columns (``gate_*``), so
    that EM blocked on the first name or the birth date still trains the field.
    """
    sql = (
        "NOT (CASE "
        "WHEN COALESCE(nn_l = nn_r, FALSE) OR COALESCE(unhcr_id_l = unhcr_id_r, FALSE) THEN TRUE "
        f"WHEN gate_y_l IS NOT NULL AND gate_y_r IS NOT NULL AND NOT {_births_agree()} "
        "THEN FALSE "
        "WHEN COALESCE(gate_first_l = gate_first_r OR gate_first_sk_l = gate_first_sk_r, FALSE) "
        "THEN TRUE "
        f"ELSE COALESCE({JW}(gate_first_l, gate_first_r) >= {GATE_JW}, FALSE) END)"
    )
    label = "first names disagree or births apart, and no id agrees"
    return cll.CustomLevel(sql, label_for_charts=label).configure(is_null_level=True)


def _name(part: str) -> cl.CustomComparison:
    name, sk = f"{part}_name", f"{part}_sk"
    levels: list[Any] = [_gate()] if part in HOUSEHOLD else []
    levels += [
        cll.NullLevel(name),
        cll.ExactMatchLevel(name, term_frequency_adjustments=True),
        cll.ExactMatchLevel(sk, term_frequency_adjustments=True),
        cll.JaroWinklerLevel(name, 0.92),
        cll.JaroWinklerLevel(sk, 0.88),
        cll.Or(cll.JaroWinklerLevel(name, 0.8), cll.JaroWinklerLevel(sk, 0.8)),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(output_column_name=part, comparison_levels=levels)


def _household_exact(column: str) -> cl.CustomComparison:
    levels = [_gate(), cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()]
    return cl.CustomComparison(output_column_name=column, comparison_levels=levels)


def _date_of_birth() -> cl.CustomComparison:
    """Birth dates as ISO strings; the levels use cheap string and integer tests."""
    y, m, d = ("substr(dob_{s}, 1, 4)", "substr(dob_{s}, 6, 2)", "substr(dob_{s}, 9, 2)")

    def same(part: str, other: str | None = None) -> str:
        return f"{part.format(s='l')} = {(other or part).format(s='r')}"

    swapped = f"{same(y)} AND {same(m, d)} AND {same(d, m)}"
    one_part = (
        f"({same(y)} AND {same(m)}) OR ({same(y)} AND {same(d)}) OR ({same(m)} AND {same(d)})"
    )
    year_only = f"{same(y)} AND (dob_l LIKE '%-01-01' OR dob_r LIKE '%-01-01')"
    levels = [
        cll.NullLevel("dob"),
        cll.ExactMatchLevel("dob"),
        cll.CustomLevel(swapped, "day and month swapped"),
        cll.CustomLevel(year_only, "same year, one side 1 January"),
        cll.CustomLevel(one_part, "one of day, month, year differs"),
        cll.CustomLevel("abs(dob_days_l - dob_days_r) <= 366", "within a year"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(output_column_name="dob", comparison_levels=levels)


def _identifier(column: str) -> cl.CustomComparison:
    """An individual identifier, its m fixed from what a user knows rather than by EM.

    A national number or UNHCR individual id belongs to one person: the same
    person's two records agree on it but for a typo (one edit), and two
    different values mean two people. EM cannot learn that where no duplicate
    in the data shares one (UNHCR ids are unique in the UNHCR file), so the m
    values are set by hand and kept fixed; u comes from random sampling.
    """
    levels = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(m_probability=ID_M[0], fix_m_probability=True),
        cll.CustomLevel(
            f"(substr({column}_l, 1, 5) = substr({column}_r, 1, 5) OR "
            f"substr({column}_l, 6) = substr({column}_r, 6)) AND "
            f"damerau_levenshtein({column}_l, {column}_r) <= 1",
            "one edit apart",
        ).configure(m_probability=ID_M[1], fix_m_probability=True),
        cll.ElseLevel().configure(m_probability=ID_M[2], fix_m_probability=True),
    ]
    return cl.CustomComparison(output_column_name=column, comparison_levels=levels)


def comparisons() -> list[Any]:
    out: list[Any] = [_name(p) for p in NAME_PARTS]
    out.append(_date_of_birth())
    out += [_identifier("nn"), _identifier("unhcr_id")]
    out += [_household_exact("phone"), _household_exact("case_id")]
    out += [cl.ExactMatch("sex"), cl.ExactMatch("governorate")]
    return out


def _input(records: pd.DataFrame) -> pd.DataFrame:
    """The prepared records, the birth date in days, and the household gate's copies of
    the first name and birth date (integer year, month-day)."""
    return records.assign(
        gate_first=records["first_name"],
        gate_first_sk=records["first_sk"],
        gate_y=records["dob"].str.slice(0, 4),
        gate_m=records["dob"].str.slice(5, 7),
        gate_d=records["dob"].str.slice(8, 10),
        gate_md=records["dob"].str.slice(5, 10),
        dob_days=(
            pd.to_datetime(records["dob"], errors="coerce") - pd.Timestamp("1970-01-01")
        ).dt.days.astype("Int64"),
    )


def _rule(columns: tuple[str, ...]) -> Any:
    """A blocking rule on ``columns`` that never pairs two records of a duplicate-free
    registry (two UNHCR records are two registered people)."""
    return And(block_on(*columns), CustomRule(NOT_SAME_REGISTRY))


def _pandas(table: Any) -> pd.DataFrame:
    frame: pd.DataFrame = table.as_pandas_dataframe()
    return frame


def link(records: pd.DataFrame) -> tuple[pd.DataFrame, int, int, float]:
    """Train, predict and cluster; (clusters, match pairs, candidate pairs, untimed seconds)."""
    frame = _input(records)
    connection = duckdb.connect()
    connection.execute(f"SET max_temp_directory_size = '{MAX_SPILL}'")
    db_api = DuckDBAPI(connection)
    table = db_api.register(frame, dataset_display_name="records")
    rules = [_rule(r) for r in PREDICTION_RULES]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(_rule(rule))
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    clusters = _pandas(clustered)[["uid", "cluster_id"]]
    n_match = len(_pandas(predictions))
    started = time.perf_counter()
    counted = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=rules,
        link_type="dedupe_only",
        unique_id_column_name="uid",
        record_sample_proportion=1.0,
    )
    candidates = int(counted[-1]["cumulative_comparison_count"]) if counted else 0
    return clusters, n_match, candidates, time.perf_counter() - started


def run_files(month_dir: Path, config: Path) -> ToolOutput:
    """The whole user pipeline from the partner files: clusters keyed by (source, record id)."""
    started = time.perf_counter()
    records = prepare_partner_files(month_dir, config)
    prepared = time.perf_counter() - started
    clusters, n_match, candidates, untimed = link(records)
    keyed = records[["uid", "source", "record_key"]].merge(clusters, on="uid", how="left")
    frame = pd.DataFrame(
        {
            "source": keyed["source"].astype(str),
            "record_key": keyed["record_key"].astype(str),
            "cluster": keyed["cluster_id"].astype(str),
        }
    )
    return ToolOutput(
        "keyed_clusters",
        frame,
        candidates,
        {
            "match_pairs": n_match,
            "records": len(records),
            "preparation_seconds": round(prepared, 2),
            "untimed_seconds": untimed,
        },
    )
