"""A small review queue as the run builds it: raw values as partners send them, benelink's
readings, comparison levels and clusters — with a long Arabic name, Latin names, and a name
crafted as a formula. Shared by the queue, workbook and spreadsheet tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.linkage.compare import COMPARISONS
from benelink.pipelines.review import review_queue, review_readings, review_sources

# the longest a four-part name with compound parts gets: first, father's and grandfather's
# names are what a reviewer most needs, and must not be clipped
LONG_ARABIC = "عبد الرحمن محمد عبد الكريم عبد الله الحوامدة العبد اللات"
FORMULA_NAME = '=HYPERLINK("http://example.org","click")'

RAW = review_sources(
    pd.DataFrame(
        {
            "source": ["naf", "jobseekers", "unhcr", "naf", "jobseekers"],
            "source_record_id": ["N-1", "JS-1", "945-12345678", "N-2", "JS-2"],
            "row_number": ["2", "2", "2", "3", "3"],
            "first_name": ["عبد الرحمن", "Abdulrahman", None, "فاطمة", None],
            "father_name": ["محمد عبد الكريم", "Mohammad", None, "شاكر", None],
            "grandfather_name": ["عبد الله", "Abdulkareem", None, None, None],
            "family_name": ["الحوامدة العبد اللات", "Al-Hawamdeh", None, "الحريري", None],
            "full_name": [None, None, "Fatmeh Shaker Al-Hariri", None, FORMULA_NAME],
            "sex": ["ذكر", "M", "F", "أنثى", "2"],
            "date_of_birth": ["10/06/1990", "1990-06-10", "1985", "04/03/1985", "1985-03-04"],
            "national_number": ["9901234567", "9901234567", None, "9851234567", None],
            "unhcr_individual_id": [None, None, "945-12345678", None, None],
            "unhcr_case_id": [None, None, "945C123456", None, None],
            "phone": ["0791234567", "+962 79 123 4567", None, "0777000111", "0777000111"],
            "governorate": ["عمان", "Amman", "Irbid", "إربد", "Irbid"],
            "nationality": ["أردني", "JOR", "Syrian", "سوري", "SYR"],
        }
    )
)
STANDARD = pd.DataFrame(
    {
        "sex": ["M", "M", "F", "F", "F"],
        "birth_year": pd.array([1990, 1990, 1985, 1985, 1985], dtype="Int64"),
        "birth_month": pd.array([6, 6, None, 3, 3], dtype="Int64"),
        "birth_day": pd.array([10, 10, None, 4, 4], dtype="Int64"),
        "national_number": ["9901234567", "9901234567", None, "9851234567", None],
        "unhcr_individual_id": [None, None, "94512345678", None, None],
        "unhcr_case_id": [None, None, "945C123456", None, None],
        "phone": ["+962791234567", "+962791234567", None, "+962777000111", "+962777000111"],
        "governorate": ["Amman", "Amman", "Irbid", "Irbid", "Irbid"],
        "nationality": ["JOR", "JOR", "SYR", "SYR", "SYR"],
    }
).astype({"sex": "string", "national_number": "string", "phone": "string"})
TOKENS = pd.Series([f"t{i}-" + "0" * 28 for i in range(5)])
_LEVELS = {c.name: -1 for c in COMPARISONS}


def _levels(**levels: int) -> dict[str, int]:
    return {f"level_{name}": value for name, value in {**_LEVELS, **levels}.items()}


PAIRS = pd.DataFrame(
    [
        # the long Arabic name and its transliteration: names close, the rest the same
        {
            "left": 0,
            "right": 1,
            "probability": 0.52,
            "decision": "review",
            **_levels(
                first_name=3,
                father_name=4,
                grandfather_name=2,
                family_name=3,
                birth_date=6,
                national_number=3,
                phone=1,
                sex=1,
                nationality=1,
                governorate=1,
            ),
        },
        {
            "left": 2,
            "right": 3,
            "probability": 0.71,
            "decision": "review",
            **_levels(first_name=4, father_name=4, family_name=4, birth_date=3, sex=1),
        },
        {
            "left": 3,
            "right": 4,
            "probability": 0.66,
            "decision": "review",
            **_levels(birth_date=6, phone=1, sex=1, nationality=1, governorate=1),
        },
        {"left": 0, "right": 3, "probability": 0.98, "decision": "match", **_levels()},
    ]
).astype({f"level_{c.name}": "int8" for c in COMPARISONS})


def sample_queue() -> pd.DataFrame:
    """The queue of the cases above, every record its own person."""
    readings = review_readings(STANDARD, PAIRS)
    return review_queue(RAW, TOKENS, PAIRS, readings, np.arange(5, dtype=np.int64))
