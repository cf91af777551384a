"""Ids carried through identifier tokens: a person re-registered under a new record id
keeps their id (pipelines.persist, the identifier-token rules)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benelink.anonymize.person_keys import PERSON_KEYS
from benelink.io.state import (
    CODE_COLUMNS,
    IDENTIFIER_TOKENS,
    REGISTRY_COLUMNS,
    read_registry,
    write_registry,
)
from benelink.pipelines.persist import assign_ids, carry_ids
from benelink.pipelines.registry import updated_registry

KEY = bytes(range(32))
NATIONAL, UNHCR = IDENTIFIER_TOKENS


def _s(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def _previous(**columns: list[str | None]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "record_token": ["r1", "r2", "r3"],
            "beneficiary_id": ["B-X", "B-Y", "B-Z"],
            "first_seen_month": ["2026-09"] * 3,
            "last_seen_month": ["2026-10"] * 3,
            "id_since": ["2026-09"] * 3,
        }
    )
    for name in IDENTIFIER_TOKENS:
        frame[name] = pd.Series(columns.get(name, [None] * 3), dtype="string")
    return frame


def _identifiers(national: list[str | None], unhcr: list[str | None] | None = None) -> pd.DataFrame:
    return pd.DataFrame({NATIONAL: _s(*national), UNHCR: _s(*(unhcr or [None] * len(national)))})


def test_a_new_record_with_a_known_national_number_keeps_the_persons_id() -> None:
    previous = _previous(national_number_token=["n1", "n2", None])
    ids, changes = assign_ids(
        _s("r9", "r2"),  # r1 re-registered as r9; r3 gone
        np.array([0, 1]),
        previous,
        KEY,
        frozenset({"B-X", "B-Y", "B-Z"}),
        "2026-11",
        _identifiers(["n1", "n2"]),
    )
    assert ids.per_record().tolist() == ["B-X", "B-Y"]
    assert (changes.new, changes.continuing, changes.exited) == (0, 2, 1)
    assert changes.re_registered == 1
    assert not changes.splits and not changes.merges


def test_the_unhcr_individual_id_carries_too() -> None:
    previous = _previous(unhcr_individual_token=[None, None, "u3"])
    ids, changes = assign_ids(
        _s("r7"), np.array([0]), previous, KEY, frozenset({"B-Z"}), "2026-11",
        _identifiers([None], ["u3"]),
    )  # fmt: skip
    assert ids.per_record().tolist() == ["B-Z"]
    assert (changes.new, changes.continuing, changes.re_registered) == (0, 1, 1)


def test_a_token_known_under_several_ids_is_not_used() -> None:
    previous = _previous(national_number_token=["n1", "n1", None])
    ids, changes = assign_ids(
        _s("r9"), np.array([0]), previous, KEY, None, "2026-11", _identifiers(["n1"])
    )
    assert ids.per_record()[0] not in {"B-X", "B-Y", "B-Z"}
    assert (changes.new, changes.re_registered) == (1, 0)


def test_a_record_naming_two_people_names_nobody() -> None:
    previous = _previous(
        national_number_token=["n1", None, None], unhcr_individual_token=[None, "u2", None]
    )
    ids, changes = assign_ids(
        _s("r9"), np.array([0]), previous, KEY, None, "2026-11", _identifiers(["n1"], ["u2"])
    )
    assert ids.per_record()[0] not in {"B-X", "B-Y", "B-Z"}
    assert changes.re_registered == 0


def test_the_record_id_wins_over_an_identifier_token() -> None:
    # r2 (B-Y) now carries B-X's national number: the record stays B-Y, B-X is not taken
    previous = _previous(national_number_token=["n1", "n2", None])
    ids, changes = assign_ids(
        _s("r2"), np.array([0]), previous, KEY, None, "2026-11", _identifiers(["n1"])
    )
    assert ids.per_record().tolist() == ["B-Y"]
    assert changes.re_registered == 0 and not changes.merges


def test_an_id_whose_record_is_still_here_stays_with_it() -> None:
    # r1 is back and a new record r9 with r1's national number sits in another cluster
    previous = _previous(national_number_token=["n1", None, None])
    ids, changes = assign_ids(
        _s("r1", "r9"), np.array([0, 1]), previous, KEY, None, "2026-11", _identifiers(["n1", "n1"])
    )
    out = ids.per_record().tolist()
    assert out[0] == "B-X" and out[1] != "B-X"
    assert changes.re_registered == 0 and not changes.splits  # identifiers are not records


def test_a_cluster_joining_a_record_and_a_re_registration_merges_to_the_oldest() -> None:
    previous = _previous(national_number_token=["n1", None, None])
    previous.loc[1, "id_since"] = "2026-10"  # B-Y is younger than B-X
    ids, changes = assign_ids(
        _s("r2", "r9"), np.array([0, 0]), previous, KEY, None, "2026-11", _identifiers([None, "n1"])
    )
    assert set(ids.per_record()) == {"B-X"}
    assert changes.merges == [("B-Y", "B-X")]


def test_without_identifier_tokens_ids_follow_record_tokens_only() -> None:
    previous = _previous(national_number_token=["n1", None, None])
    ids, changes = assign_ids(_s("r9"), np.array([0]), previous, KEY, None, "2026-11")
    assert ids.per_record()[0] != "B-X" and changes.re_registered == 0


def test_the_registry_keeps_identifier_tokens_and_reads_older_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = carry_ids(
        _s("r1", "r2"), np.array([0, 1]), None, frozenset(), KEY, "2026-09",
        _identifiers(["n1", None], [None, "u2"]),
    )  # fmt: skip
    write_registry(tmp_path, "2026-09", first.registry, "fp")
    registry = read_registry(tmp_path, "2026-10")
    assert registry is not None
    by_token = registry.set_index("record_token")
    assert by_token.loc["r1", NATIONAL] == "n1" and by_token.loc["r2", UNHCR] == "u2"
    # next month: r1 re-registered as r5, r2 absent: its tokens stay in the registry
    second = carry_ids(
        _s("r5"), np.array([0]), registry, frozenset(first.ids.distinct.to_pylist()), KEY,
        "2026-10", _identifiers(["n1"]),
    )  # fmt: skip
    assert second.ids.per_record()[0] == by_token.loc["r1", "beneficiary_id"]
    kept = second.registry.set_index("record_token")
    assert kept.loc["r2", UNHCR] == "u2" and kept.loc["r5", NATIONAL] == "n1"
    # a registry written before the identifier tokens and person keys (five columns) is read
    older = first.registry.drop(columns=[*IDENTIFIER_TOKENS, *CODE_COLUMNS])
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "state" / "identities-2026-09.parquet"
    pq.write_table(pa.Table.from_pandas(older, preserve_index=False), path)
    again = read_registry(tmp_path, "2026-10")
    assert again is not None and again[NATIONAL].isna().all()
    assert (again[list(PERSON_KEYS)] == 0).all().all()
    assert list(updated_registry(again, _s("r5"), _s("B-N"), "2026-10").columns) == (
        REGISTRY_COLUMNS
    )


def test_rotation_re_keys_identifier_tokens_and_drops_unknown_ones() -> None:
    from benelink.anonymize.tokens import record_token, token
    from benelink.pipelines.rotate import identifier_values, rekey_registry

    old, new = KEY, bytes(range(1, 33))
    registry = pd.DataFrame(
        {
            "record_token": [record_token(old, "naf", "1"), record_token(old, "naf", "2")],
            "beneficiary_id": ["B-X", "B-Y"],
            "first_seen_month": ["2026-10"] * 2,
            "last_seen_month": ["2026-10"] * 2,
            "id_since": ["2026-10"] * 2,
            NATIONAL: [token(old, "national_number", "9871234567"), "unknown-token"],
            UNHCR: pd.Series([None, None], dtype="string"),
        }
    )
    frame = pd.DataFrame({"national_number": ["9871234567", None]})
    rekeyed, missing = rekey_registry(
        registry,
        pd.DataFrame({"source": ["naf", "naf"], "source_record_id": ["1", "2"]}),
        old,
        new,
        identifier_values(frame),
    )
    assert missing == 0
    by_id = rekeyed.set_index("beneficiary_id")
    assert by_id.loc["B-X", NATIONAL] == token(new, "national_number", "9871234567")
    assert pd.isna(by_id.loc["B-Y", NATIONAL])


def _keys(*rows: list[int | None]) -> pd.DataFrame:
    """Identifier tokens none, person keys as given (one list of four per record)."""
    frame = pd.DataFrame(
        {c: pd.Series([None] * len(rows), dtype="string") for c in IDENTIFIER_TOKENS}
    )
    for i, column in enumerate(PERSON_KEYS):
        frame[column] = pd.Series([_at(r, i) for r in rows], dtype="int64")  # 0: no key
    return frame


def _previous_keys(*rows: list[int | None]) -> pd.DataFrame:
    frame = _previous()
    for i, column in enumerate(PERSON_KEYS):
        frame[column] = pd.Series([_at(r, i) for r in rows], dtype="int64")
    return frame


def _at(keys: list[int | None], i: int) -> int:
    """The i-th key given (0: none, and keys not given)."""
    return (keys[i] if i < len(keys) else None) or 0


def test_a_new_record_sharing_a_person_key_with_an_absent_person_keeps_their_id() -> None:
    # r1 re-registered as r9 with no identifier: one name part re-typed, one key still shared
    previous = _previous_keys([1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12])
    ids, changes = assign_ids(
        _s("r9", "r2"), np.array([0, 1]), previous, KEY, frozenset({"B-X", "B-Y", "B-Z"}),
        "2026-11", _keys([1, 20, 30, 40], [5, 6, 7, 8]),
    )  # fmt: skip
    assert ids.per_record().tolist() == ["B-X", "B-Y"]
    assert (changes.new, changes.continuing, changes.exited, changes.re_registered) == (0, 2, 1, 1)


def test_a_person_key_held_by_two_people_this_month_carries_nobody() -> None:
    # twins: r9 (new) shares a key with r2, present and carried, and with absent B-X
    previous = _previous_keys([1, 2, 3, 4], [1, 6, 7, 8], [9, 10, 11, 12])
    previous.loc[1, "person_key_1"] = 0  # the registry knows key 1 under B-X only
    ids, changes = assign_ids(
        _s("r9", "r2"), np.array([0, 1]), previous, KEY, None, "2026-11",
        _keys([1, 20, 30, 40], [1, 6, 7, 8]),
    )  # fmt: skip
    assert ids.per_record()[0] not in {"B-X", "B-Y", "B-Z"}
    assert changes.re_registered == 0


def test_a_person_key_known_under_two_ids_carries_nobody() -> None:
    previous = _previous_keys([1, 2, 3, 4], [1, 6, 7, 8], [9, 10, 11, 12])
    ids, changes = assign_ids(
        _s("r9"), np.array([0]), previous, KEY, None, "2026-11", _keys([1, 20, 30, 40])
    )
    assert ids.per_record()[0] not in {"B-X", "B-Y", "B-Z"}
    assert (changes.new, changes.re_registered) == (1, 0)


def test_an_identifier_token_outweighs_a_person_key() -> None:
    previous = _previous_keys([1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12])
    previous[NATIONAL] = pd.Series(["n1", None, None], dtype="string")
    found = _keys([None, None, None, 12])
    found[NATIONAL] = pd.Series(["n1"], dtype="string")  # B-X by its number, B-Z by a key
    ids, changes = assign_ids(_s("r9"), np.array([0]), previous, KEY, None, "2026-11", found)
    assert ids.per_record().tolist() == ["B-X"]
    assert changes.re_registered == 1


def test_the_registry_keeps_each_records_person_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = -4614016627719915839  # 64 bits: a float would round it
    first = carry_ids(
        _s("r1", "r2"), np.array([0, 1]), None, frozenset(), KEY, "2026-09",
        _keys([1, big, 3, 4], [5, None, 7, 8]),  # a column with a gap: pandas' float path
    )  # fmt: skip
    write_registry(tmp_path, "2026-09", first.registry, "fp")
    registry = read_registry(tmp_path, "2026-10")
    assert registry is not None
    by_token = registry.set_index("record_token")
    assert by_token.loc["r1", list(PERSON_KEYS)].tolist() == [1, big, 3, 4, 0]
    assert by_token.loc["r2", "person_key_2"] == 0
    second = carry_ids(
        _s("r5"), np.array([0]), registry, frozenset(first.ids.distinct.to_pylist()), KEY,
        "2026-10", _keys([None, big, None, None]),
    )  # fmt: skip
    assert second.ids.per_record()[0] == by_token.loc["r1", "beneficiary_id"]
    kept = second.registry.set_index("record_token")
    assert kept.loc["r2", "person_key_4"] == 8 and kept.loc["r5", "person_key_2"] == big


def test_person_keys_are_compared_on_all_64_bits() -> None:
    big = -4614016627719915839
    previous = _previous_keys([big, None, None, None], [big + 1, None, None, None], [9, 10, 11, 12])
    ids, _ = assign_ids(
        _s("r9", "r2", "r8"), np.array([0, 1, 2]), previous, KEY, None, "2026-11",
        _keys([big, None, None, None], [big + 1, None, None, None], [None, 1, 1, 1]),
    )  # fmt: skip
    assert ids.per_record().tolist()[:2] == ["B-X", "B-Y"]  # as floats, the two keys are one
