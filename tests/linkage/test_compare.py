"""Each comparison's levels on hand-made pairs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from benelink.linkage.compare import (
    COMPARISONS,
    birth_dates_apart,
    compare_pairs,
    encode_records,
    name_levels,
)
from benelink.linkage.similarity import similarity

COLUMNS = [c.name for c in COMPARISONS]


def _levels(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Levels of the pairs (0,1), (2,3), ... of the given records."""
    frame = pd.DataFrame(rows)
    for column in ("birth_year", "birth_month", "birth_day"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    arr = encode_records(frame)
    left = np.arange(0, len(frame), 2, dtype=np.int32)
    levels = compare_pairs(arr, left, left + 1)
    return pd.DataFrame(levels, columns=COLUMNS)


def _dob(a: tuple[int, int | None, int | None], b: tuple[int, int | None, int | None]) -> int:
    rows = [{"birth_year": y, "birth_month": m, "birth_day": d} for y, m, d in (a, b)]
    return int(_levels(rows)["birth_date"][0])


def test_name_levels_exact_fuzzy_and_null() -> None:
    pairs = [
        ("mhmd", "mhmd", 4),
        ("abdlrhmn", "abdlrhmm", 3),
        ("khld", "kald", 1),
        ("khld", "smr", 0),
        ("khld", None, -1),
    ]
    rows = []
    for a, b, _ in pairs:
        rows += [{"key_first": a, "name_first": a}, {"key_first": b, "name_first": b}]
    assert _levels(rows)["first_name"].tolist() == [lvl for *_, lvl in pairs]


def test_cross_script_names_meet_on_the_key() -> None:
    rows = [
        {"key_first": "mhmd", "name_first": "محمد"},
        {"key_first": "mhmd", "name_first": "mohammad"},
    ]
    assert _levels(rows)["first_name"][0] == 4


def test_first_and_family_swapped_is_its_own_level_and_family_is_not_counted_twice() -> None:
    rows = [
        {"key_first": "jk", "name_first": "jack", "key_family": "stnrt", "name_family": "stinart"},
        {"key_first": "stnrt", "name_first": "stinart", "key_family": "jk", "name_family": "jack"},
        {"key_first": "jk", "name_first": "jack", "key_family": "stnrt", "name_family": "stinart"},
        {"key_first": "stnrt", "name_first": "stinart", "key_family": "brn", "name_family": "brn"},
    ]
    levels = _levels(rows)
    assert levels["first_name"].tolist() == [2, 0]
    assert levels["family_name"].tolist() == [-1, -1]  # null: swapped; household rule: differ


def test_father_grandfather_shift_and_family_on_another_part() -> None:
    base = {"key_first": "ahmd", "name_first": "ahmd"}
    rows = [
        {**base, "key_father": "ali", "key_grandfather": "hsn", "key_family": "khll"},
        {**base, "key_father": "hsn", "key_grandfather": None, "key_family": "zbi"},
        {**base, "key_father": "ali", "key_grandfather": "hsn", "key_family": "khll"},
        {**base, "key_father": "ali", "key_grandfather": None, "key_family": "hsn"},
    ]
    levels = _levels(rows)
    assert levels["father_name"].tolist() == [2, 4]
    assert levels["family_name"].tolist() == [0, 2]


def test_household_fields_are_null_when_first_names_differ() -> None:
    shared = {"key_father": "ali", "key_family": "khll", "phone": "+962790000001"}
    rows = [{**shared, "key_first": "ahmd"}, {**shared, "key_first": "smr"}]
    levels = _levels(rows)
    assert levels.loc[0, ["father_name", "family_name", "phone"]].tolist() == [-1, -1, -1]


def test_birth_date_levels() -> None:
    assert _dob((1990, 3, 4), (1990, 3, 4)) == 6
    assert _dob((1990, 3, 4), (1990, 4, 3)) == 5
    assert _dob((1990, 3, 4), (1990, 3, 9)) == 4
    assert _dob((1990, None, None), (1990, 3, 9)) == 3
    assert _dob((1990, 3, 4), (1991, 3, 4)) == 2
    assert _dob((1990, 3, 4), (1991, 7, 9)) == 1
    assert _dob((1990, 3, 4), (1995, 3, 4)) == 0


def test_national_number_typo_levels_and_exact_fields() -> None:
    rows = [
        {"national_number": "9901234567", "sex": "M", "phone": None},
        {"national_number": "9901234567", "sex": "F", "phone": "+962790000001"},
        {"national_number": "9901234567"},
        {"national_number": "9901243567"},
        {"national_number": "9901234567"},
        {"national_number": "9901234568"},
        {"national_number": "9901234567"},
        {"national_number": "2000000000"},
        {"national_number": "9901234567"},
        {"national_number": "9901234500"},
    ]
    levels = _levels(rows)
    assert levels["national_number"].tolist() == [3, 2, 2, 0, 1]
    assert levels["sex"][0] == 0 and levels["phone"][0] == -1


def test_locality_levels_exact_fuzzy_else_and_null() -> None:
    pairs = [
        ("frenchs forest 6728", "frenchs forest 6728", 3),
        ("frenchs forest 6728", "frenchs ofrest 6728", 2),
        ("sandy bay 2768", "sandy bya 2786", 2),
        ("ascot park 4107", "newcomb 4107", 0),
        ("ascot park 4107", None, -1),
    ]
    rows = []
    for a, b, _ in pairs:
        rows += [{"locality": a}, {"locality": b}]
    assert _levels(rows)["locality"].tolist() == [lvl for *_, lvl in pairs]


def test_locality_missing_as_a_column_is_null() -> None:
    assert _levels([{"key_first": "mhmd"}, {"key_first": "mhmd"}])["locality"][0] == -1


def test_household_fields_count_again_when_an_id_number_agrees() -> None:
    person = {"key_family": "khld", "name_family": "khalid", "locality": "hashmi", "phone": "+1"}
    rows = [
        # siblings: first names differ, numbers differ -> household fields null
        {**person, "key_first": "mhmd", "name_first": "mhmd", "national_number": "9861000001"},
        {**person, "key_first": "smr", "name_first": "smr", "national_number": "2000457731"},
        # the same number (or one digit off): first name replaced, household fields count
        {**person, "key_first": "mhmd", "name_first": "mhmd", "national_number": "9861000001"},
        {**person, "key_first": "smr", "name_first": "smr", "national_number": "9861000001"},
        {**person, "key_first": "mhmd", "name_first": "mhmd", "national_number": "9861000001"},
        {**person, "key_first": "smr", "name_first": "smr", "national_number": "9861000007"},
    ]
    levels = _levels(rows)
    assert levels["first_name"].tolist() == [0, 0, 0]
    assert levels["national_number"].tolist() == [0, 3, 2]
    for column in ("family_name", "locality", "phone"):
        assert levels[column].tolist() == [-1, levels[column][1], levels[column][2]]
        assert levels[column][1] > 0 and levels[column][2] > 0


def test_one_latin_spelling_read_as_another_arabic_name_meets_on_the_skeleton() -> None:
    """Latin Alaa is علاء to the lexicon; the Arabic record wrote آلاء: keys differ, the
    consonant skeletons do not, so the first names are near (low) and the household fields
    still count. Two names whose skeletons differ too stay a disagreement."""
    shared = {"key_father": "EMR", "key_family": "EMR", "phone": "+962790000001"}
    rows = [
        {**shared, "key_first": "AL", "name_first": "الا", "skeleton_first": "AL"},
        {**shared, "key_first": "ELA", "name_first": "ala", "skeleton_first": "AL"},
        {**shared, "key_first": "AL", "name_first": "الا", "skeleton_first": "AL"},
        {**shared, "key_first": "SMR", "name_first": "samir", "skeleton_first": "SMR"},
    ]
    levels = _levels(rows)
    assert levels["first_name"].tolist() == [1, 0]
    assert levels.loc[0, ["father_name", "family_name", "phone"]].tolist() == [4, 4, 1]
    assert levels.loc[1, ["father_name", "family_name", "phone"]].tolist() == [-1, -1, -1]


def _apart(
    a: tuple[int, int | None, int | None],
    b: tuple[int, int | None, int | None],
    form: str = "clear",
) -> bool:
    frame = pd.DataFrame(
        [{"birth_year": y, "birth_month": m, "birth_day": d} for y, m, d in (a, b)]
    )
    frame = frame.astype("Int64")
    arr = encode_records(frame)
    if form != "clear":
        arr = dataclasses.replace(arr, form=form)
    one, other = np.array([0], dtype=np.int32), np.array([1], dtype=np.int32)
    forward = bool(birth_dates_apart(arr, one, other)[0])
    assert forward == bool(birth_dates_apart(arr, other, one)[0])  # a pair has no order
    return forward


def test_birth_dates_apart_only_beyond_what_slips_and_estimates_explain() -> None:
    # two people: every part differs, or a year given alone is far off
    assert _apart((1960, 3, 4), (1985, 7, 19))
    assert _apart((1990, 3, 4), (1992, 5, 6))  # sisters two years apart
    assert _apart((2016, None, None), (2003, 4, 18))
    # slips: one or two parts, a day/month swap, a year off by one, an estimated year
    assert not _apart((1960, 3, 4), (1985, 3, 4))  # a year mistyped
    assert not _apart((1960, 3, 4), (1985, 3, 19))  # the month agrees
    assert not _apart((1960, 3, 4), (1985, 8, 4))  # the day agrees
    assert not _apart((1960, 3, 4), (1985, 4, 3))  # day and month swapped
    assert not _apart((1990, 3, 4), (1991, 7, 9))
    assert not _apart((1990, None, None), (1998, 7, 9))
    assert not _apart((1990, 3, 4), (None, None, None))
    # encoded dates keep only equality: a year's slip looks like twenty, so never apart
    assert not _apart((1960, 3, 4), (1985, 7, 19), form="encoded")


_SPELLINGS = st.sampled_from(
    ["mhmd", "mohammad", "muhammad", "محمد", "khld", "khalid", "smr", None]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_SPELLINGS, _SPELLINGS, _SPELLINGS), min_size=2, max_size=25),
    st.data(),
)
def test_names_measured_only_where_keys_differ_give_the_levels_of_measuring_every_pair(
    rows: list[tuple[str | None, str | None, str | None]], data: st.DataObject
) -> None:
    """name_levels skips the similarity of pairs whose keys are equal or missing; the
    levels must be those of measuring every pair and letting the key decide after."""
    frame = pd.DataFrame(
        [{"key_first": k, "name_first": n, "skeleton_first": s} for k, n, s in rows]
    )
    arr = encode_records(frame)
    pairs = st.integers(0, len(frame) - 1)
    chosen = data.draw(st.lists(st.tuples(pairs, pairs), min_size=1, max_size=40))
    left = np.array([a for a, _ in chosen], dtype=np.int32)
    right = np.array([b for _, b in chosen], dtype=np.int32)

    key_a, key_b = arr.key["first"][left], arr.key["first"][right]
    sim = np.fmax(
        similarity("jaro_winkler", arr.key_vocab, key_a, key_b),
        similarity(
            "jaro_winkler", arr.name_vocab, arr.name["first"][left], arr.name["first"][right]
        ),
    )
    skeleton = arr.skeleton["first"]
    low = (sim >= 0.8) | ((skeleton[left] == skeleton[right]) & (skeleton[left] >= 0))
    expected = np.select(
        [(key_a < 0) | (key_b < 0), key_a == key_b, sim >= 0.92, low], [-1, 3, 2, 1], 0
    )
    assert name_levels(arr, "first", left, right).tolist() == expected.tolist()
