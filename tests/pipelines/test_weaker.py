"""Weaker records: per source, the records linked without a national number, a UNHCR id,
a birth date, a phone ... counted on the standardised records."""

from __future__ import annotations

import pandas as pd

from benelink.config.model import SourceSettings
from benelink.pipelines.standardize import standardize
from benelink.pipelines.weaker import weaker_lines, weaker_records

NAF = SourceSettings(
    file="naf.xlsx",
    kind="naf",
    columns={
        "source_record_id": "id",
        "first_name": "first",
        "family_name": "family",
        "national_number": "nn",
        "date_of_birth": "dob",
        "phone": "tel",
    },
)
UNHCR = SourceSettings(
    file="unhcr.csv",
    kind="unhcr",
    columns={
        "source_record_id": "id",
        "unhcr_individual_id": "id",
        "unhcr_case_id": "case",
        "full_name": "name",
    },
)
ENCODED = SourceSettings(file="js.encoded.parquet", kind="jobseekers", format="encoded", columns={})


def _records(source: str, rows: list[dict[str, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).astype("string[pyarrow]")
    frame.insert(0, "source", pd.array([source] * len(rows), dtype="string[pyarrow]"))
    frame.insert(1, "row_number", range(2, len(rows) + 2))
    return standardize(frame, "naf")


def _both() -> pd.DataFrame:
    naf = _records(
        "naf",
        [
            {
                "source_record_id": "N1",
                "first_name": "محمد",
                "national_number": "9871234567",
                "date_of_birth": "1990-05-17",
                "phone": "0791234567",
            },
            {
                "source_record_id": "N2",
                "first_name": "Ahmad",
                "national_number": None,
                "date_of_birth": "1990-05-17",
                "phone": None,
            },
            {
                "source_record_id": "N3",
                "first_name": None,
                "national_number": "9871234568",
                "date_of_birth": None,
                "phone": None,
            },
        ],
    )
    unhcr = _records(
        "unhcr",
        [
            {
                "source_record_id": "945-00012345",
                "unhcr_individual_id": "945-00012345",
                "unhcr_case_id": "945-12C00456",
                "full_name": "Ahmad Ali",
            },
            {
                "source_record_id": "X1",
                "unhcr_individual_id": None,
                "unhcr_case_id": "945-12C00456",
                "full_name": "Sara Ali",
            },
        ],
    )
    return pd.concat([naf, unhcr], ignore_index=True)


def test_counts_per_source_for_the_fields_it_sends() -> None:
    counts = weaker_records(_both(), {"naf": NAF, "unhcr": UNHCR})
    assert counts == {
        "naf": {
            "records": 3,
            "without": {"name": 1, "national_number": 1, "date_of_birth": 1, "phone": 2},
        },
        "unhcr": {
            "records": 2,
            "without": {"name": 0, "unhcr_individual_id": 1, "unhcr_case_id": 0},
        },
    }


def test_a_field_the_source_does_not_map_is_counted_when_values_reach_it() -> None:
    """A value standardisation moved from another column (an individual id in a
    job-seeker's national-number column) makes the field one the source sends."""
    records = _both()
    moved = records["source"].eq("naf") & records["source_record_id"].eq("N1")
    records.loc[moved, "unhcr_individual_id"] = "94500012399"
    counts = weaker_records(records, {"naf": NAF})
    assert counts["naf"]["without"]["unhcr_individual_id"] == 2


def test_a_source_without_records_and_encoded_sources() -> None:
    records = _both()
    counts = weaker_records(
        records[records["source"] == "unhcr"], {"naf": NAF, "unhcr": UNHCR, "js": ENCODED}
    )
    assert set(counts) == {"naf", "unhcr"}
    assert counts["naf"] == {
        "records": 0,
        "without": {"name": 0, "national_number": 0, "date_of_birth": 0, "phone": 0},
    }
    assert weaker_records(pd.DataFrame(), {"naf": NAF})["naf"]["records"] == 0


def test_the_counts_are_json_ready_and_read_as_lines() -> None:
    import json

    counts = weaker_records(_both(), {"naf": NAF, "unhcr": UNHCR})
    assert json.loads(json.dumps(counts)) == counts
    assert weaker_lines(counts) == [
        "naf: 3 records linked, 1 without a name, 1 without a national number, "
        "1 without a birth date, 2 without a phone",
        "unhcr: 2 records linked, 1 without a UNHCR id",
    ]


def test_the_argument_is_not_changed() -> None:
    records = _both()
    before = records.copy()
    weaker_records(records, {"naf": NAF, "unhcr": UNHCR})
    pd.testing.assert_frame_equal(records, before)
