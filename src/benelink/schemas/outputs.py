"""The data dictionary of the snapshot tables analysts load.

Each description travels inside the Parquet file (field metadata
``description``), so a column explains itself in pandas, pyarrow, DuckDB or
Power BI without this repository at hand. ``docs/outputs.md`` renders the same
text for people.
"""

from __future__ import annotations

from typing import Final

SNAPSHOT_SCHEMA_VERSION: Final = "1"

BENEFICIARIES: Final[dict[str, str]] = {
    "beneficiary_id": "Pseudonymous person id, stable from month to month (B- followed by 16 characters).",
    "in_naf": "True if at least one record of a National Aid Fund source belongs to this person.",
    "in_unhcr": "True if at least one record of a UNHCR registration source belongs to this person.",
    "in_jobseekers": "True if at least one record of a job-seeker registry belongs to this person.",
    "sex": "M or F; the most frequent value over the person's records (null if none given, or withheld by the disclosure check).",
    "birth_year": "Year of birth; the most frequent value over the person's records (null if unknown, or withheld by the disclosure check: age is then withheld too).",
    "birth_year_band": "Five-year band of the birth year (e.g. 1980-1984); kept when the exact year is withheld by the disclosure check.",
    "age": "Age reached during the snapshot's calendar year: the snapshot's year minus birth_year. It depends on the birth year only, so it goes up for everyone in January and never reveals a birthday; null whenever birth_year is.",
    "governorate": "Governorate of residence (canonical English name), most frequent value over the records (null if unknown, or withheld by the disclosure check).",
    "region": "North, Centre or South (from the governorate); kept when the governorate is withheld by the disclosure check.",
    "nationality": "Nationality as ISO 3166 alpha-3 (JOR, SYR, ...), most frequent value over the records (null if unknown, or withheld by the disclosure check).",
    "employment_status": "Latest employment status from the job-seeker registry: employed, unemployed, in_training, self_employed; null if not a job seeker.",
    "officer": "Employment and career guidance officer in charge of the latest job-seeker record, in the spelling the month's records use most; null unless the value is a staff name and the officer has at least k job seekers this month (k of the disclosure check).",
    "first_seen_month": "The first monthly snapshot in which this beneficiary id appeared (YYYY-MM).",
    "n_records": "Number of source records linked to this person this month.",
    "min_link_probability": "Weakest match probability among the links holding this person's records together (1.0 for a single record).",
    "conflict": "True if the person's records carry two different national numbers or UNHCR individual ids: check in the review queue.",
}

RECORDS: Final[dict[str, str]] = {
    "source": "Name of the source in the configuration (for example naf, unhcr, jobseekers).",
    "record_token": "Keyed hash (HMAC-SHA256, token v1) of the source name and the partner's own record id.",
    "beneficiary_id": "The person this record belongs to.",
    "match_probability": "Weakest match probability of the links that put the record in its person's cluster (1.0 if alone).",
    "decided_by": "How the record's cluster was decided: single (no link), auto (model above the match threshold) or reviewed (a reviewer's decision).",
    "national_number_token": "Keyed hash of the standardised national number (null if none).",
    "unhcr_individual_token": "Keyed hash of the standardised UNHCR individual id (null if none).",
    "unhcr_case_token": "Keyed hash of the standardised UNHCR case id, shared by a family (null if none).",
    "phone_token": "Keyed hash of the phone number in E.164 form (null if none).",
}

LINKS: Final[dict[str, str]] = {
    "left_token": "record_token of the first record of the pair.",
    "right_token": "record_token of the second record of the pair.",
    "left_source": "Source of the first record.",
    "right_source": "Source of the second record.",
    "probability": "Fellegi-Sunter match probability of the pair.",
    "match_weight": "log2 Bayes factor of the pair (sum of the comparison weights and the prior).",
    "decision": "match (at or above the match threshold), review (in the review band) or non_match.",
    "decided_by": "auto (model) or reviewed (a reviewer's decision).",
}
LEVEL_DESCRIPTION: Final = "Comparison level for this field (-1 = a value missing on either side; higher = closer agreement)."


def data_dictionary_markdown() -> str:
    """docs/outputs.md, generated from the descriptions above so the two never drift apart."""
    lines = [
        "# The snapshot tables",
        "",
        "Each monthly run writes `out/snapshots/month=YYYY-MM/`. The same descriptions travel inside",
        "each Parquet file as field metadata (`description`), so pandas, pyarrow, DuckDB and Power BI",
        "show them too. Files use zstd compression and need nothing but a Parquet reader.",
        "",
        "```python",
        "import pandas as pd",
        'people = pd.read_parquet("out/snapshots/month=2026-11/beneficiaries.parquet")',
        "```",
        "",
        "```sql",
        "-- DuckDB: one person's months",
        "SELECT * FROM 'out/snapshots/*/beneficiaries.parquet' WHERE beneficiary_id = 'B-...';",
        "```",
        "",
        "Join months on `beneficiary_id`: it is stable from month to month. Record tokens change",
        "when the key is rotated (see keys.md).",
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
            lines.append(f"| `level_<comparison>` | {LEVEL_DESCRIPTION} |")
        lines.append("")
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
