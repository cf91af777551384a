"""The snapshot tables analysts load, as pandera models: the data dictionary.

Each field's description travels inside the Parquet file (field metadata
``description``), so a column explains itself in pandas, pyarrow, DuckDB or
Power BI without this repository at hand; ``docs/outputs.md`` renders the same
text for people. The descriptions are written once, on the fields; the
dictionaries below are read off the models.

``Records`` inherits its token columns from ``schemas.canonical.RecordTokens``
(the pseudonymised records carry the same ones); the people's attributes reuse
the standardised records' vocabulary (``sex_field`` ...), so "sex is M or F" is
one rule for both.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from benelink.schemas.canonical import (
    ArrowText,
    RecordTokens,
    birth_year_field,
    employment_status_field,
    governorate_field,
    nationality_field,
    officer_field,
    sex_field,
    token_field,
)
from benelink.schemas.checks import text

SNAPSHOT_SCHEMA_VERSION: Final = "1"
# RE2 patterns (Arrow's regular expressions)
BENEFICIARY_ID: Final = r"^B-[A-Z2-7]{16}$"  # B- and 80 bits in RFC 4648 base32
MONTH: Final = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
BIRTH_YEAR_BAND: Final = r"^[0-9]{4}-[0-9]{4}$"
REGION_NAMES: Final = ("North", "Centre", "South")
RECORD_DECISIONS: Final = ("single", "auto", "reviewed")
PAIR_DECISIONS: Final = ("match", "match_kept_apart", "review", "non_match")
LEVEL_DESCRIPTION: Final = "Comparison level for this field (-1 = a value missing on either side; higher = closer agreement)."


def level_meanings(comparison: str) -> dict[int, str] | None:
    """What each level of ``level_<comparison>`` means, highest first (-1 last), read off
    the comparison's ladder in ``linkage.compare``; None for an unknown comparison.

    Where a level is judged otherwise for records a partner encoded (Dice on Bloom
    filters instead of Jaro-Winkler), both measures are named.
    """
    from benelink.linkage.compare import COMPARISONS  # the ladders: declared once, there

    found = {c.name: c for c in COMPARISONS}.get(comparison)
    if found is None:
        return None
    clear, encoded = found.labels("clear"), found.labels("encoded")
    meanings = {}
    for value in sorted(clear, reverse=True):
        text = "disagree (none of the levels above)" if clear[value] == "else" else clear[value]
        if encoded.get(value, clear[value]) != clear[value]:
            text += f" (encoded records: {encoded[value]})"
        meanings[value] = _readable(text)
    meanings[-1] = "a value missing on either side (no evidence)"
    return meanings


_MEASURES: Final = (
    ("jaro_winkler>=", "Jaro-Winkler similarity ≥ "),
    ("dice>=", "Dice similarity of the Bloom filters ≥ "),
    ("never (equality only)", "not used (tokens compare by equality only)"),
)


def _readable(label: str) -> str:
    for short, long in _MEASURES:
        label = label.replace(short, long)
    return label


def level_description(column: str) -> str:
    """The description of a ``level_<comparison>`` column: each of its levels' meaning."""
    meanings = level_meanings(column.removeprefix("level_"))
    if meanings is None:
        return LEVEL_DESCRIPTION
    levels = "; ".join(f"{value} = {text}" for value, text in meanings.items())
    return f"Comparison level of {column.removeprefix('level_')}: {levels}."


def _beneficiary_id(description: str, *, unique: bool = False) -> Any:
    return text(description, nullable=False, matches=BENEFICIARY_ID, unique=unique)


def _probability(description: str) -> Any:
    return pa.Field(ge=0.0, le=1.0, description=description)


class Beneficiaries(pa.DataFrameModel):
    """beneficiaries.parquet: one row per person, in id order, columns in this order."""

    beneficiary_id: Series[ArrowText] = _beneficiary_id(
        "Pseudonymous person id, stable from month to month (B- followed by 16 characters).",
        unique=True,
    )
    in_naf: Series[bool] = pa.Field(
        description="True if at least one record of a National Aid Fund source belongs to this person."
    )
    in_unhcr: Series[bool] = pa.Field(
        description="True if at least one record of a UNHCR registration source belongs to this person."
    )
    in_jobseekers: Series[bool] = pa.Field(
        description="True if at least one record of a job-seeker registry belongs to this person."
    )
    sex: Series[ArrowText] = sex_field(
        "M or F; the most frequent value over the person's records (null if none given, or withheld by the disclosure check)."
    )
    birth_year: Series[pd.Int64Dtype] = birth_year_field(
        "Year of birth; the most frequent value over the person's records (null if unknown, or withheld by the disclosure check: age is then withheld too)."
    )
    birth_year_band: Series[ArrowText] = text(
        "Five-year band of the birth year (e.g. 1980-1984); kept when the exact year is withheld by the disclosure check.",
        matches=BIRTH_YEAR_BAND,
    )
    age: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        description="Age reached during the snapshot's calendar year: the snapshot's year minus birth_year. It depends on the birth year only, so it goes up for everyone in January and never reveals a birthday; null whenever birth_year is.",
    )
    governorate: Series[ArrowText] = governorate_field(
        "Governorate of residence (canonical English name), most frequent value over the records (null if unknown, or withheld by the disclosure check)."
    )
    region: Series[ArrowText] = text(
        "North, Centre or South (from the governorate); kept when the governorate is withheld by the disclosure check.",
        one_of=REGION_NAMES,
    )
    nationality: Series[ArrowText] = nationality_field(
        "Nationality as ISO 3166 alpha-3 (JOR, SYR, ...), most frequent value over the records (null if unknown, or withheld by the disclosure check)."
    )
    employment_status: Series[ArrowText] = employment_status_field(
        "Latest employment status from the job-seeker registry: employed, unemployed, in_training, self_employed; null if not a job seeker."
    )
    officer: Series[ArrowText] = officer_field(
        "Employment and career guidance officer in charge of the latest job-seeker record, in the spelling the month's records use most; null unless the value is a staff name and the officer has at least k job seekers this month (k of the disclosure check)."
    )
    first_seen_month: Series[ArrowText] = text(
        "The first monthly snapshot in which this beneficiary id appeared (YYYY-MM).",
        nullable=False,
        matches=MONTH,
    )
    n_records: Series[int] = pa.Field(
        ge=1, description="Number of source records linked to this person this month."
    )
    min_link_probability: Series[float] = _probability(
        "Weakest match probability among the links holding this person's records together (1.0 for a single record)."
    )
    conflict: Series[bool] = pa.Field(
        description="True if the person's records carry two different national numbers or UNHCR individual ids: check in the review queue."
    )

    @pa.dataframe_check(name="age_with_birth_year")
    def age_with_birth_year(cls, df: pd.DataFrame) -> pd.Series:
        """Age is known exactly when the birth year is (the disclosure check withholds both)."""
        return df["age"].isna() == df["birth_year"].isna()

    class Config:
        strict = True
        ordered = True


class Records(RecordTokens):
    """records.parquet: one row per source record, tokens only, by person then token."""

    beneficiary_id: Series[ArrowText] = _beneficiary_id("The person this record belongs to.")
    match_probability: Series[float] = _probability(
        "Weakest match probability of the links that put the record in its person's cluster (1.0 if alone)."
    )
    decided_by: Series[ArrowText] = text(
        "How the record's cluster was decided: single (no link), auto (model above the match threshold) or reviewed (a reviewer's decision).",
        nullable=False,
        one_of=RECORD_DECISIONS,
    )

    class Config:
        strict = True


class Links(pa.DataFrameModel):
    """links.parquet: one row per scored pair at or above the review threshold, and per
    reviewed pair; the smaller record token on the left."""

    left_token: Series[ArrowText] = token_field(
        "record_token of the first record of the pair.", nullable=False
    )
    right_token: Series[ArrowText] = token_field(
        "record_token of the second record of the pair.", nullable=False
    )
    left_source: Series[ArrowText] = text("Source of the first record.", nullable=False)
    right_source: Series[ArrowText] = text("Source of the second record.", nullable=False)
    probability: Series[float] = _probability("Fellegi-Sunter match probability of the pair.")
    match_weight: Series[float] = pa.Field(
        description="log2 Bayes factor of the pair (sum of the comparison weights and the prior)."
    )
    level: Series[np.int8] | None = pa.Field(
        alias=r"^level_.+$", regex=True, ge=-1, description=LEVEL_DESCRIPTION
    )
    decision: Series[ArrowText] = text(
        "match (at or above the match threshold, and the two records are one beneficiary), "
        "match_kept_apart (a match the clustering kept in two beneficiaries), review (in the "
        "review band) or non_match.",
        nullable=False,
        one_of=PAIR_DECISIONS,
    )
    decided_by: Series[ArrowText] = text(
        "auto (this month's model), last_month (neither record changed: the pair keeps "
        "last month's probability) or reviewed (a reviewer's decision).",
        nullable=False,
        one_of=("auto", "last_month", "reviewed"),
    )

    @pa.dataframe_check(name="smaller_token_left")
    def smaller_token_left(cls, df: pd.DataFrame) -> pd.Series:
        return df["left_token"] < df["right_token"]

    class Config:
        strict = True


def descriptions(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """Column -> description of a model's named columns, in the model's order (a family of
    columns matched by a pattern, such as ``level_<comparison>``, is left out)."""
    columns = model.to_schema().columns
    return {str(n): str(c.description) for n, c in columns.items() if not c.regex}


# the data dictionary as io.snapshot.to_table writes it into each Parquet field
BENEFICIARIES: Final[dict[str, str]] = descriptions(Beneficiaries)
RECORDS: Final[dict[str, str]] = descriptions(Records)
LINKS: Final[dict[str, str]] = descriptions(Links)


def _levels_markdown() -> list[str]:
    """What every ``level_<comparison>`` column's values mean, one table per comparison."""
    from benelink.linkage.compare import COMPARISONS

    lines = [
        "## The comparison levels in links.parquet",
        "",
        "Each `level_<comparison>` column says how the two records of the pair agree on one",
        "field; `-1` means the value is missing on either side (no evidence) and `0` that they",
        "disagree. The model learns how much each level weighs (report.json, `model`). A level",
        "judged by similarity names the measure: Jaro-Winkler for names in the clear, Dice on",
        "the Bloom filters of records a partner encoded (docs/encoding.md).",
        "",
    ]
    for comparison in COMPARISONS:
        meanings = level_meanings(comparison.name) or {}
        lines += [f"### `level_{comparison.name}`", "", "| level | meaning |", "|---|---|"]
        lines += [f"| {value} | {text} |" for value, text in meanings.items()]
        lines.append("")
    return lines


def data_dictionary_markdown() -> str:
    """docs/outputs.md, generated from the descriptions above so the two never drift apart."""
    lines = [
        "# The snapshot tables",
        "",
        "Each monthly run adds one month to each table. The output folder holds:",
        "",
        "```",
        "out/snapshots/beneficiaries/month=2026-11/beneficiaries.parquet   one row per person",
        "out/snapshots/records/month=2026-11/records.parquet               one row per source record",
        "out/snapshots/links/month=2026-11/links.parquet                   one row per scored pair",
        "out/snapshots/dictionary.csv       every column of every table: type and description",
        "out/snapshots/benelink.sql         DuckDB views over every month, with column comments",
        "out/reports/month=2026-11/         manifest.json, report.json, report.html",
        "```",
        "",
        "A table is one folder with one `month=YYYY-MM` folder per month (Hive-style",
        "partitions), so each tool loads every month of a table in one call, with the month as a",
        "column (`month`, taken from the folder name):",
        "",
        "```python",
        "import pandas as pd",
        'people = pd.read_parquet("out/snapshots/beneficiaries")  # every month; filters=[("month", "=", "2026-11")]',
        "",
        "import pyarrow.dataset as ds",
        'people = ds.dataset("out/snapshots/beneficiaries", partitioning="hive").to_table()',
        "",
        "import polars as pl",
        'people = pl.read_parquet("out/snapshots/beneficiaries")',
        "",
        "import duckdb",
        "people = duckdb.sql(\"SELECT * FROM 'out/snapshots/beneficiaries/*/*.parquet'\")",
        "```",
        "",
        "Why one folder per table, partitioned by month, rather than a DuckDB database file: pandas,",
        "pyarrow, polars, DuckDB, Spark and Power BI all read a Hive-partitioned Parquet folder",
        "natively, with no extra software and no file that must be rebuilt when a month is added; a",
        "`.duckdb` file would serve DuckDB users only, and its format changes between DuckDB",
        "releases. Nothing else lives under a table's folder: the reports and manifests are in",
        "`out/reports/`, and a run stages its files in hidden folders beside the tables, so a glob",
        "over a table never meets half a month. Output folders of release 0.1, with one",
        "`snapshots/month=YYYY-MM/` folder per month, are read as they are and moved to this layout",
        "by the next `benelink run`.",
        "",
        "The descriptions below travel inside each Parquet file as field metadata (`description`,",
        'shown by pyarrow: `pq.read_schema(path).field("age").metadata`), and in two files',
        "beside the tables for the tools that do not show field metadata:",
        "",
        "* `out/snapshots/dictionary.csv`: table, column, type, description (pandas, Excel, Power BI);",
        "* `out/snapshots/benelink.sql`: one DuckDB view per table with `COMMENT ON COLUMN` for each",
        "  column. In the snapshots folder run `duckdb -init benelink.sql`; from Python, see",
        "  [recipes.md](recipes.md). The comments show in `duckdb_columns()`.",
        "",
        "`birth_year` and `age` are nullable integers: pandas loads them as `Int64` (a gap is",
        "`<NA>`, not a float), polars as `Int64`, DuckDB as `BIGINT`. Files use zstd compression and",
        "need nothing but a Parquet reader.",
        "",
        "Join months on `beneficiary_id`: it is stable from month to month. Record tokens change",
        "when the key is rotated (see keys.md). Worked questions in pandas, polars and DuckDB:",
        "[recipes.md](recipes.md).",
        "",
    ]
    tables = (
        ("beneficiaries.parquet — one row per person", BENEFICIARIES),
        ("records.parquet — one row per source record", RECORDS),
        (
            "links.parquet — one row per scored pair at or above the review threshold, and per reviewed pair",
            LINKS,
        ),
    )
    for title, table in tables:
        lines += [f"## {title}", "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{name}` | {text} |" for name, text in table.items()]
        if table is LINKS:
            lines.append(
                "| `level_<comparison>` | Comparison level of one field for the pair: see below. |"
            )
        lines.append("")
    lines += _levels_markdown()
    lines += [
        "## The disclosure check of beneficiaries.parquet",
        "",
        "Before it is written, beneficiaries.parquet passes a k-anonymity check (`[disclosure]` in",
        "the configuration, k = 5 by default): every combination of the quasi-identifying columns",
        "`sex`, `birth_year`, `age`, `birth_year_band`, `governorate`, `region` and `nationality` —",
        "plus any column the configuration adds, such as `employment_status` or `officer` — is",
        "shared by at least k beneficiaries. Rows in smaller groups first lose `birth_year` and",
        "`age` together (`birth_year_band` stays), then `governorate` (`region` stays); a group",
        "still too small has all its quasi-identifiers set to null. A null is a value like any other",
        "for the check. The report's disclosure section is measured on the file as written; with",
        '`action = "report"` nothing is withheld and the report says the release is NOT protected.',
        "",
        "## manifest.json",
        "",
        "The run's inputs (file, sha256, rows, rejected rows), the key's fingerprint, the",
        "configuration's sha256, benelink's version, the snapshot schema version, the token version,",
        "stage timings and the time of the run.",
        "",
        "## report.json and report.html",
        "",
        "The merge report's figures: inputs and rejects by reason, candidate pairs, matches and review",
        "band, links per source pair, the probability histogram, the model's parameters (m, u, weight",
        "per comparison level), beneficiaries by combination of sources, new / continuing / returning /",
        "exited, merges and splits, the graduation flow, a table per employment & career guidance",
        "officer, the disclosure check of the release and the review queue's size.",
        "",
    ]
    return "\n".join(lines)
