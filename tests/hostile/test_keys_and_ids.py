"""Hostile keys and record ids through the CLI.

Keys: a passphrase, base64 of text, a sentence that happens to be base64, a
patterned or short hex key, a key file others can read — each refused with exit
2 and one line saying how to make a key, nothing written, and the key itself in
no output.

Record ids: the same id typed another way (spaces and dashes, Arabic-Indic or
Persian digits, zero-width characters, a soft hyphen, bidirectional marks) is one
id. Within a month the later row is rejected as ``duplicate_record_id`` and no
token appears twice; across months the person keeps their beneficiary id, exactly
as if November had typed its ids plainly.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from benelink.anonymize.tokens import record_token
from tests.fixtures.bad.cases import FILES, csv_frame, naf_rows, write_book
from tests.helpers import document, month_files, table_file
from tests.hostile.harness import (
    MONTH,
    SECRETS,
    TEST_KEY,
    Workspace,
    assert_clean_failure,
    assert_no_leak,
)

pytestmark = pytest.mark.cli  # runs benelink through its command line

_RANDOM = np.random.default_rng(1114)


@dataclass(frozen=True)
class KeyCase:
    """A key in BENELINK_KEY that the run must refuse."""

    name: str
    key: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyFileCase:
    """The workspace's own key in a ``[run] key_file`` whose mode lets others at it."""

    name: str
    mode: int
    symlink: bool = False


@dataclass(frozen=True)
class IdCase:
    """One source's record ids retyped: one row within the month, or all of them across."""

    name: str
    source: str
    retype: Callable[[str], str]
    across_months: bool


KEY_CASES = [
    KeyCase("passphrase_sentence", "correct horse battery staple is our office key 2026"),
    KeyCase(
        "passphrase_that_is_valid_base64",
        "weshareoneverysecretpassphrasewithourpartnersnow",
        ("reads like words",),
    ),
    KeyCase(
        "passphrase_password123_repeated",
        "password123password123password123password123",
        ("repeats a short pattern",),
    ),
    KeyCase(
        "base64_of_a_passphrase",
        base64.b64encode(b"our benelink passphrase for the amman office").decode(),
        ("printable text",),
    ),
    KeyCase("hex_all_zeros", "00" * 32, ("too few different byte values",)),
    KeyCase("hex_repeated_ab", "ab" * 32, ("too few different byte values",)),
    KeyCase("hex_sequential_0123", "0123456789abcdef" * 4, ("too few different byte values",)),
    KeyCase("hex_only_16_bytes", _RANDOM.bytes(16).hex(), ("32 hex digits", "256 bits")),
    KeyCase("base64_only_16_bytes", base64.b64encode(_RANDOM.bytes(16)).decode(), ("128 bits",)),
]

KEY_FILE_CASES = [
    KeyFileCase("key_file_mode_0644", 0o644),
    KeyFileCase("key_file_mode_0640", 0o640),
    KeyFileCase("key_file_symlink_to_a_0604_file", 0o604, symlink=True),
]


def _digits(script: str) -> Callable[[str], str]:
    return lambda record_id: record_id.translate(str.maketrans("0123456789", script))


ARABIC_INDIC = _digits("٠١٢٣٤٥٦٧٨٩")
PERSIAN = _digits("۰۱۲۳۴۵۶۷۸۹")


def spaces_and_dashes(record_id: str) -> str:
    compact = record_id.replace(" ", "").replace("-", "")
    return f"{compact[:3]} - {compact[3:7]} {compact[7:]}".lower()


def zero_width(record_id: str) -> str:
    return "\ufeff" + "\u200b".join(record_id[i : i + 3] for i in range(0, len(record_id), 3))


def soft_hyphen(record_id: str) -> str:
    return "\u00ad".join(record_id.replace("-", "\u00ad"))


def bidi_marks(record_id: str) -> str:
    return f"\u202b\u200f{record_id}\u2069\u202c"


ID_CASES = [
    IdCase("same_month_spaces_and_dashes", "unhcr", spaces_and_dashes, False),
    IdCase("same_month_arabic_indic_digits", "naf", ARABIC_INDIC, False),
    IdCase("same_month_persian_digits", "jobseekers", PERSIAN, False),
    IdCase("same_month_zero_width_space", "jobseekers", zero_width, False),
    IdCase("same_month_soft_hyphen", "naf", soft_hyphen, False),
    IdCase("same_month_bidi_marks", "unhcr", bidi_marks, False),
    IdCase("next_month_arabic_indic_digits", "naf", ARABIC_INDIC, True),
    IdCase("next_month_arabic_indic_seeker_ids", "jobseekers", ARABIC_INDIC, True),
    IdCase("next_month_persian_digits", "unhcr", PERSIAN, True),
    IdCase(
        "next_month_zero_width_and_soft_hyphens",
        "jobseekers",
        lambda v: soft_hyphen(zero_width(v)),
        True,
    ),
]

CASES: list[Any] = [*KEY_CASES, *KEY_FILE_CASES, *ID_CASES]

_ID_COLUMN = {"naf": "رقم السجل", "unhcr": "Individual ID", "jobseekers": "Seeker ID"}
FIRST, LATER = 3, 10  # the rows (0-based, below the header) that share an id within a month


@pytest.mark.parametrize("case", KEY_CASES, ids=[c.name for c in KEY_CASES])
def test_a_weak_key_is_refused(case: KeyCase, tmp_path: Path, october: Path) -> None:
    ws = Workspace.create(tmp_path, october)
    before = ws.guarded()
    result = ws.run(key=case.key)
    assert_clean_failure(
        result, 2, ("BENELINK_KEY", "benelink keygen", *case.words), before=before, workspace=ws
    )
    assert_no_leak(result, ws.out, (*SECRETS, case.key, TEST_KEY))
    assert not month_files(ws.out, MONTH)


@pytest.mark.parametrize("case", KEY_FILE_CASES, ids=[c.name for c in KEY_FILE_CASES])
def test_a_key_file_others_can_read_is_refused(
    case: KeyFileCase, tmp_path: Path, october: Path
) -> None:
    ws = Workspace.create(tmp_path, october)
    key_file = tmp_path / "secret" / "benelink.key"
    key_file.parent.mkdir()
    key_file.write_text(TEST_KEY + "\n", encoding="ascii")
    key_file.chmod(case.mode)
    named = key_file
    if case.symlink:
        named = tmp_path / "benelink.key"
        named.symlink_to(key_file)
    ws.edit_config(
        lambda text: text.replace(
            'key_env = "BENELINK_KEY"',
            f'key_env = "BENELINK_HOSTILE_UNSET"\nkey_file = "{named.as_posix()}"',
        )
    )
    before = ws.guarded()
    result = ws.run(key=None)
    line = assert_clean_failure(
        result, 2, ("key file", f"{case.mode:04o}", "chmod 600"), before=before, workspace=ws
    )
    assert named.name in line
    assert_no_leak(result, ws.out, (*SECRETS, TEST_KEY))
    # the same file readable by its owner only is read
    key_file.chmod(0o600)
    assert ws.run(key=None).exit_code == 0


def _retype_file(folder: Path, source: str, change: Callable[[pd.Series], pd.Series]) -> None:
    """Rewrite ``source``'s record-id column of the month folder with ``change``."""
    if source == "naf":
        rows = naf_rows()
        at = rows[0].index(_ID_COLUMN["naf"])
        ids = change(pd.Series([r[at] for r in rows[1:]], dtype=object))
        for row, value in zip(rows[1:], ids, strict=True):
            row[at] = value
        write_book(folder / FILES["naf"], rows)
        return
    frame = csv_frame(source)
    column = _ID_COLUMN[source]
    # (UNHCR's record id is its individual id: one column, retyped for both)
    frame.assign(**{column: change(frame[column])}).to_csv(folder / FILES[source], index=False)


def _records(ws: Workspace, month: str = MONTH) -> pd.DataFrame:
    return pd.read_parquet(table_file(ws.out, month, "records"))


@pytest.fixture(scope="module")
def plain_november(tmp_path_factory: pytest.TempPathFactory, october: Path) -> pd.DataFrame:
    """November run on the October copy with its ids as the partners first typed them."""
    ws = Workspace.create(tmp_path_factory.mktemp("plain-november"), october)
    result = ws.run()
    assert result.exit_code == 0, result.output
    return _records(ws)


@pytest.mark.parametrize("case", ID_CASES, ids=[c.name for c in ID_CASES])
def test_one_record_id_typed_two_ways_is_one_id(
    case: IdCase, tmp_path: Path, october: Path, plain_november: pd.DataFrame
) -> None:
    ws = Workspace.create(tmp_path, october)
    typed: list[str] = []

    def change(ids: pd.Series) -> pd.Series:
        if case.across_months:
            return ids.map(case.retype, na_action="ignore")
        typed.extend(
            [str(ids.iloc[FIRST]), case.retype(str(ids.iloc[FIRST])), str(ids.iloc[LATER])]
        )
        return ids.where(ids.index != LATER, typed[1])

    _retype_file(ws.folder, case.source, change)
    result = ws.run()
    output = result.stdout + result.stderr
    assert result.exit_code == 0, output
    assert "Traceback" not in output and result.stderr.strip() == ""
    assert_no_leak(result, ws.out)
    november = _records(ws)
    assert not november["record_token"].duplicated().any()

    if not case.across_months:
        rejects = pd.read_csv(
            ws.out / "rejects" / f"month={MONTH}" / "rejects.csv", dtype=str, keep_default_na=False
        )
        mine = rejects[
            (rejects["source"] == case.source) & (rejects["reason"] == "duplicate_record_id")
        ]
        assert mine["row_number"].tolist() == [str(LATER + 2)]  # the later row, header is row 1
        assert mine["action"].tolist() == ["row_rejected"]
        assert mine["masked_value"].iloc[0].startswith("<")  # masked, like a literal duplicate
        assert_no_leak(result, ws.out, typed)  # no way of typing the ids is written
        # the first row is linked under its token; the later row's own record is gone
        key = bytes.fromhex(TEST_KEY)
        first, _, later = (record_token(key, case.source, t) for t in typed)
        assert first in set(november["record_token"]) and first in set(
            plain_november["record_token"]
        )
        assert later not in set(november["record_token"])
        assert later in set(plain_november["record_token"])
        return

    # every record keeps the token and the beneficiary id it has when typed plainly ...
    columns = ["source", "record_token", "beneficiary_id"]
    ordered = ["source", "record_token"]
    pd.testing.assert_frame_equal(
        november[columns].sort_values(ordered, ignore_index=True),
        plain_november[columns].sort_values(ordered, ignore_index=True),
    )
    # ... and so the ids of October: every retyped record present in both months is found
    before = _records(ws, "2026-10")
    both = november[november["source"] == case.source].merge(
        before, on=["source", "record_token"], suffixes=("", "_october")
    )
    assert len(both) > 250  # of the 300 rows, those October also had
    kept = (both["beneficiary_id"] == both["beneficiary_id_october"]).mean()
    plain_both = plain_november[plain_november["source"] == case.source].merge(
        before, on=["source", "record_token"], suffixes=("", "_october")
    )
    assert len(both) == len(plain_both)
    assert kept == (plain_both["beneficiary_id"] == plain_both["beneficiary_id_october"]).mean()
    assert kept > 0.95
    assert os.path.isfile(document(ws.out, MONTH, "manifest.json"))
