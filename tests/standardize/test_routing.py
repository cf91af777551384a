"""Identifiers moved to the column of their kind, the column's evidence deciding doubt."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from benelink.standardize.routing import Reroute, route_identifiers


def _frame(source: str = "jobseekers", **columns: list[str | None]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    ids = [f"R{i}" for i in range(n)]
    data = {"source": [source] * n, "source_record_id": ids, **columns}
    return pd.DataFrame(data, dtype="string")


def _values(frame: pd.DataFrame, column: str) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in frame[column]]


CASES = ["945-21C01234", "945-21C01234", "945-19C00777", "945-15C04444"]


def test_case_numbers_in_the_individual_column_become_case_numbers() -> None:
    frame = _frame(unhcr_individual_id=[*CASES, "945-00123456"])
    routed = route_identifiers(frame)
    assert _values(routed.frame, "unhcr_case_id") == [*CASES, None]
    assert _values(routed.frame, "unhcr_individual_id") == [None] * 4 + ["945-00123456"]
    assert routed.rerouted == (
        Reroute("jobseekers", "unhcr_individual_id", "unhcr_case_id", moved=4, dropped=0),
    )
    assert routed.counts() == {"unhcr_individual_id -> unhcr_case_id": 4}
    assert not routed.case_shaped_individual_ids


def test_a_record_keeps_its_own_value_and_the_misplaced_one_is_dropped() -> None:
    frame = _frame(
        unhcr_individual_id=["945-21C01234", "945-21C01234", "945-00123456"],
        unhcr_case_id=["945-21C01234", None, "945-21C01234"],
    )
    routed = route_identifiers(frame)
    assert _values(routed.frame, "unhcr_case_id") == ["945-21C01234"] * 3
    assert _values(routed.frame, "unhcr_individual_id") == [None, None, "945-00123456"]
    assert routed.rerouted == (
        Reroute("jobseekers", "unhcr_individual_id", "unhcr_case_id", moved=1, dropped=1),
    )


def test_individual_ids_in_the_case_column_become_individual_ids() -> None:
    frame = _frame(
        unhcr_individual_id=[None, "945-00000001", None],
        unhcr_case_id=["945-00123456", "945-00654321", "945-21C01234"],
    )
    routed = route_identifiers(frame)
    assert _values(routed.frame, "unhcr_individual_id") == ["945-00123456", "945-00000001", None]
    assert _values(routed.frame, "unhcr_case_id") == [None, None, "945-21C01234"]
    assert routed.counts() == {"unhcr_case_id -> unhcr_individual_id": 2}


def test_national_numbers_and_phones_swapped_are_swapped_back() -> None:
    frame = _frame(
        national_number=["0791234567", "9851234567", None, "+962 78 765 4321"],
        phone=["9901234567", "0771112222", "9921234567", None],
    )
    routed = route_identifiers(frame)
    assert _values(routed.frame, "national_number") == [
        "9901234567",
        "9851234567",
        "9921234567",
        None,
    ]
    assert _values(routed.frame, "phone") == [
        "0791234567",
        "0771112222",
        None,
        "+962 78 765 4321",
    ]
    assert routed.counts() == {"phone -> national_number": 2, "national_number -> phone": 2}


def test_a_phone_shaped_value_that_is_no_phone_stays() -> None:
    frame = _frame(national_number=["0612345678", "9851234567"], phone=[None, None])
    routed = route_identifiers(frame)
    assert _values(routed.frame, "national_number") == ["0612345678", "9851234567"]
    assert routed.rerouted == ()


def test_a_column_can_be_added_for_values_that_belong_there() -> None:
    frame = _frame(phone=["9851234567", "0791234567"])
    routed = route_identifiers(frame)
    assert _values(routed.frame, "national_number") == ["9851234567", None]
    assert _values(routed.frame, "phone") == [None, "0791234567"]


def test_unhcr_extract_whose_individual_ids_look_like_case_numbers_keeps_them() -> None:
    # one column is the record id and the individual id, as in UNHCR's own extract
    ids = ["945-21C00001", "945-21C00002", "945-21C00003"]
    frame = pd.DataFrame(
        {
            "source": ["unhcr"] * 3,
            "source_record_id": ids,
            "unhcr_individual_id": ids,
            "unhcr_case_id": ["945-21C01234"] * 3,
        },
        dtype="string",
    )
    routed = route_identifiers(frame)
    assert routed.case_shaped_individual_ids
    assert routed.rerouted == ()
    assert routed.frame is frame


def test_case_shaped_individual_ids_that_differ_from_the_case_stay() -> None:
    frame = _frame(
        unhcr_individual_id=["945-21C00001", "945-21C00002", "945-21C00003"],
        unhcr_case_id=["945-21C01234", "945-21C01234", "945-18C00099"],
    )
    routed = route_identifiers(frame)
    assert routed.case_shaped_individual_ids
    assert routed.rerouted == ()


def test_a_few_case_numbers_among_individual_ids_are_moved() -> None:
    individual = [f"945-{i:08d}" for i in range(1, 6)]
    frame = _frame(unhcr_individual_id=[*individual, "945-21C01234"])
    routed = route_identifiers(frame)
    assert routed.counts() == {"unhcr_individual_id -> unhcr_case_id": 1}


def test_ten_bare_digits_are_read_as_the_column_says() -> None:
    # in the case column: a 2021 case number written without dashes
    in_case = _frame(unhcr_case_id=["9452101234", "945-21-01234"])
    assert route_identifiers(in_case).rerouted == ()
    # in an individual-id column of case numbers: case numbers too
    mostly_cases = _frame(unhcr_individual_id=["9452101234", "945-21C01234", "945-19C00001"])
    assert route_identifiers(mostly_cases).counts() == {"unhcr_individual_id -> unhcr_case_id": 3}
    # in an individual-id column of individual ids: a national number typed there
    mostly_ids = _frame(unhcr_individual_id=["9851234567", "945-00000001", "945-00000002"])
    assert route_identifiers(mostly_ids).counts() == {"unhcr_individual_id -> national_number": 1}


def test_values_of_no_known_shape_stay_where_they_are() -> None:
    frame = _frame(
        national_number=["123", "abc"],
        unhcr_individual_id=["945-1", "x"],
        unhcr_case_id=["945-77Q31457", None],
        phone=["bad", "12"],
    )
    routed = route_identifiers(frame)
    assert routed.frame is frame
    assert routed.rerouted == ()


def test_a_frame_without_identifiers_is_returned_as_it_is() -> None:
    frame = _frame(first_name=["Ali"])
    assert route_identifiers(frame).frame is frame


@given(st.permutations(list(range(7))))
def test_the_order_of_the_rows_does_not_change_the_routing(order: list[int]) -> None:
    frame = _frame(
        unhcr_individual_id=[*CASES, "945-00123456", "9851234567", None],
        unhcr_case_id=[None, "945-21C01234", None, None, "945-00999999", None, "945-21C07777"],
        phone=["9901234567", None, "0791234567", None, None, None, None],
    )
    whole = route_identifiers(frame)
    shuffled = route_identifiers(frame.iloc[order])
    assert shuffled.counts() == whole.counts()
    pd.testing.assert_frame_equal(shuffled.frame.loc[frame.index], whole.frame)
