"""The standardise stage: exact columns and dtypes per source kind, values mapped back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benelink.pipelines.standardize import (
    plan_standardise,
    rerouted,
    standardize,
    standardize_piece,
)
from benelink.schemas.columns import STANDARD_COLUMNS, SourceKind

INT_COLUMNS = {"row_number", "birth_year", "birth_month", "birth_day"}


def _frame(source: str, columns: dict[str, list[str | None]]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    data = {"source": [source] * n, "row_number": [str(i + 2) for i in range(n)], **columns}
    return pd.DataFrame(data, index=pd.RangeIndex(10, 10 + n), dtype="string")


NAF = _frame(
    "naf",
    {
        "source_record_id": ["N1", "N2", "N3", "N4", "N5"],
        "national_number": ["9851234567", "9851234567.0", "123", None, "9907654321"],
        "first_name": ["مُحَمَّد", "أحمد", "فاطمة", None, "عبد الله"],
        "father_name": ["علي", "محمود", "خالد", None, "يوسف"],
        "grandfather_name": ["حسن", None, "عمر", None, "إبراهيم"],
        "family_name": ["الحريري", "الزعبي", "العلاونة", None, "المصري"],
        "sex": ["ذكر", "ذكر", "أنثى", None, "ذكر"],
        "date_of_birth": ["1985-03-07 00:00:00", "07/03/1985", "1990", None, "31245"],
        "phone": ["0791234567", "791234567", "+962771234567", None, "bad"],
        "governorate": ["عمان", "إربد", "الزرقاء", None, "السلط"],
        "nationality": ["أردني", "أردنية", "أردني", None, "اردني"],
    },
)
UNHCR = _frame(
    "unhcr",
    {
        "source_record_id": ["945-1", "945-2", "945-3", "945-4", "945-5"],
        "unhcr_individual_id": ["945-12345678", "945-12345679", None, None, "945-1"],
        "unhcr_case_id": ["945-15c01234", "945-15C01234", None, None, "x"],
        "first_name": ["Mohammed", "Ahmad", "Fatimah", None, "Abdullah"],
        "father_name": ["Ali", "Mahmoud", "Khaled", None, "Yousef"],
        "family_name": ["Al-Hariri", "Al-Zoubi", "Alawneh", None, "El Masri"],
        "sex": ["M", "M", "F", None, "m"],
        "date_of_birth": ["07/03/1985", "1985-03-07", "01/01/1990", None, "17/07/1985"],
        "phone": ["00962791234567", None, None, None, "962 79 123 4567"],
        "governorate": ["Amman", "Irbid", "Zarka", None, "Salt"],
        "nationality": ["SYR", "SYR", "IRQ", None, "SYR"],
        "registration_date": ["2024-01-05", "5/1/2024", None, None, "2024"],
    },
)
JOBSEEKERS = _frame(
    "jobseekers",
    {
        "source_record_id": ["J1", "J2", "J3", "J4", "J5"],
        "full_name": [
            "محمد علي حسن الحريري",
            "Ahmad Mahmoud Al-Zoubi",
            "فاطمة Khaled العلاونة",
            None,
            "عبد الله يوسف إبراهيم المصري",
        ],
        "national_number": ["9851234567", None, None, None, "9907654321"],
        "sex": ["Male", "1", "2", None, "M"],
        "date_of_birth": ["7-3-1985", "1985-03-07", "1990", None, "1985-07-17"],
        "phone": ["079-123-4567", "0791234567", None, None, "+962791234567"],
        "governorate": ["Amman", "اربد", "Zarqa", None, "Balqa"],
        "nationality": ["Jordanian", "أردني", "Syrian", None, "JOR"],
        "officer": ["  Rana   HADDAD ", "rana haddad", None, None, "Omar Saleh"],
        "registration_date": ["2025-02-01", "01/02/2025", None, None, "bad"],
        "employment_status": ["Unemployed", "In Training", "employed ", None, "Self-employed"],
    },
)
FRAMES: dict[SourceKind, pd.DataFrame] = {"naf": NAF, "unhcr": UNHCR, "jobseekers": JOBSEEKERS}


@pytest.mark.parametrize("kind", list(FRAMES))
def test_exact_columns_dtypes_and_index(kind: SourceKind) -> None:
    frame = FRAMES[kind]
    before = frame.copy()
    out = standardize(frame, kind)
    assert tuple(out.columns) == STANDARD_COLUMNS
    assert out.index.equals(frame.index)
    for column in STANDARD_COLUMNS:
        assert str(out[column].dtype) == ("Int64" if column in INT_COLUMNS else "string"), column
    pd.testing.assert_frame_equal(frame, before)  # the input is not mutated
    assert out.loc[13].drop(["source", "source_record_id", "row_number"]).isna().all()


def test_the_same_person_agrees_across_the_three_sources() -> None:
    rows = [standardize(FRAMES[k], k).iloc[0] for k in ("naf", "unhcr", "jobseekers")]
    for column in ("key_first", "key_father", "key_family", "birth_year", "birth_month"):
        assert len({r[column] for r in rows}) == 1, column
    assert {r["phone"] for r in rows} == {"+962791234567"}
    assert [r["name_script"] for r in rows] == ["arabic", "latin", "arabic"]


def test_values_by_kind() -> None:
    naf = standardize(NAF, "naf")
    assert naf["national_number"].tolist()[:3] == ["9851234567", "9851234567", pd.NA]
    assert naf["birth_month"].tolist() == [3, 3, pd.NA, pd.NA, 7]
    assert naf["governorate"].tolist() == ["Amman", "Irbid", "Zarqa", pd.NA, "Balqa"]
    assert naf["unhcr_individual_id"].isna().all()
    unhcr = standardize(UNHCR, "unhcr")
    assert unhcr["unhcr_case_id"].tolist()[:2] == ["94515C01234", "94515C01234"]
    assert unhcr["registration_date"].tolist() == [
        "2024-01-05", "2024-01-05", pd.NA, pd.NA, pd.NA,
    ]  # fmt: skip
    assert unhcr["key_family"].iloc[2] == naf["key_family"].iloc[2]  # Alawneh = العلاونة
    jobs = standardize(JOBSEEKERS, "jobseekers")
    assert jobs["name_script"].tolist() == ["arabic", "latin", "mixed", pd.NA, "arabic"]
    assert jobs["name_grandfather"].isna().tolist() == [False, True, True, True, False]
    assert jobs["officer"].tolist()[:2] == ["Rana HADDAD", "rana haddad"]  # as written
    assert jobs["sex"].tolist() == ["M", "M", "F", pd.NA, "M"]
    assert jobs["employment_status"].tolist() == [
        "unemployed", "in_training", "employed", pd.NA, "self_employed",
    ]  # fmt: skip
    assert jobs["key_first"].iloc[4] == naf["key_first"].iloc[4]  # عبد الله


NAMES = st.sampled_from(["محمد", "Mohammad", "أحمد", "Yusuf", "عبد الله", "Al-Hariri", None])


@given(st.lists(NAMES, min_size=1, max_size=12), st.integers(0, 2**31 - 1))
def test_standardize_is_row_wise_and_deterministic(names: list[str | None], seed: int) -> None:
    frame = _frame("js", {"source_record_id": [str(i) for i in range(len(names))]})
    frame = frame.assign(full_name=pd.array(names, dtype="string"))
    order = np.random.default_rng(seed).permutation(len(frame))
    out = standardize(frame, "jobseekers")
    shuffled = standardize(frame.iloc[order], "jobseekers")
    pd.testing.assert_frame_equal(out.iloc[order], shuffled)
    again = standardize(out.assign(full_name=frame["full_name"]), "jobseekers")
    pd.testing.assert_frame_equal(again[list(out.columns[3:])], out[list(out.columns[3:])])


def _seekers_with_case_numbers() -> pd.DataFrame:
    """A job-seeker file whose "UNHCR No" column holds the family's case number."""
    return _frame(
        "jobseekers",
        {
            "source_record_id": ["J1", "J2", "J3", "J4", "J5", "J6"],
            "full_name": ["Ahmad Ali Hariri", "Sara Ali Hariri", "Omar Zoubi", None, None, None],
            "unhcr_individual_id": [
                "945-21C01234", "945-21c01234", "945-00123456", "945-19C00077", None, None,
            ],
            "national_number": [None, None, None, None, "0791234567", "9851234567"],
            "phone": [None, None, None, None, "9901234567", None],
        },
    )  # fmt: skip


def test_standardize_puts_identifiers_where_they_belong() -> None:
    out = standardize(_seekers_with_case_numbers(), "jobseekers")
    assert out["unhcr_case_id"].tolist() == [
        "94521C01234", "94521C01234", pd.NA, "94519C00077", pd.NA, pd.NA,
    ]  # fmt: skip
    # siblings no longer share an "individual id"
    assert out["unhcr_individual_id"].tolist() == [pd.NA, pd.NA, "94500123456", pd.NA, pd.NA, pd.NA]
    assert out["national_number"].tolist()[4:] == ["9901234567", "9851234567"]
    assert out["phone"].tolist()[4:] == ["+962791234567", pd.NA]
    assert rerouted(_seekers_with_case_numbers()) == {
        "unhcr_individual_id -> unhcr_case_id": 3,
        "phone -> national_number": 1,
        "national_number -> phone": 1,
    }


def test_plan_routes_each_source_whole_and_counts_per_source() -> None:
    seekers = _seekers_with_case_numbers()
    plan = plan_standardise([(NAF, "naf"), (seekers, "jobseekers")], threads=4)
    assert len(plan.pieces) > 2  # cut into slices after routing
    pieces = pd.concat([standardize_piece(p) for p in plan.pieces])
    whole = pd.concat([standardize(NAF, "naf"), standardize(seekers, "jobseekers")])
    pd.testing.assert_frame_equal(pieces, whole)
    assert plan.rerouted() == {"jobseekers": rerouted(seekers)}
    nothing_to_route = plan_standardise([(NAF, "naf")], threads=1).pieces
    pd.testing.assert_frame_equal(pd.concat([p.frame for p in nothing_to_route]), NAF)
