"""Hostile review files: what a reviewer, a spreadsheet program or an accident hands back to
``benelink review apply``, and the typed workbooks a re-run of the month finds.

Excel and LibreOffice save a review file many ways (xlsx, UTF-8 with or without a byte
order mark, Windows-1256 on an Arabic Windows, semicolons where the list separator is
one, UTF-16 "Unicode text" with tabs); each is read. Anything else — a CSV named .xlsx,
an .ods or .xls, a PDF, random bytes, another extension — is refused in one line (exit
3) and nothing is recorded. Decisions that are not what a reviewer typed (formulas,
other words, tokens no run wrote, a reviewer that is a beneficiary's name or a phone, a
date that is not one) are refused with their rows. A decision recorded names its
reviewer, time and a kept copy of the file; a re-run carries what was typed and not yet
applied, or refuses naming the file.

Every case starts from the harness's workspace (October run, its review queue in
restricted/) and asserts its promises: the exit code, one line on refusal, nothing
written on failure, no planted value outside restricted/, no terminal escape.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import Result

from benelink.io.lock import run_lock
from benelink.io.runlog import os_user
from tests.helpers import SAMPLE, config_for, document
from tests.hostile.harness import (
    ARABIC_NAME,
    MONTH,
    NAME,
    PHONE,
    Workspace,
    assert_clean_failure,
    assert_no_leak,
)
from tests.hostile.test_commands import assert_terminal_safe

REVIEWED = "2026-10"  # October's review queue is in every workspace's restricted/


def _queue(ws: Workspace) -> pd.DataFrame:
    folder = ws.out / "restricted" / "review" / f"month={REVIEWED}"
    frame = pd.read_csv(
        folder / "review.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert len(frame) >= 4, "October should leave a few doubtful pairs"
    return frame


def _returned(ws: Workspace, name: str) -> Path:
    """Where the reviewer's file comes back: a month folder, so the month is known."""
    folder = ws.root / "returned" / f"month={REVIEWED}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _apply(ws: Workspace, path: Path) -> Result:
    return ws.invoke("review", "apply", str(path))


def _decisions(ws: Workspace) -> pd.DataFrame | None:
    path = ws.out / "state" / "decisions.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def _refused_review(build: Callable[[Workspace], Path], *words: str) -> Callable[[Workspace], None]:
    """A review file that must be refused: exit 3, one line, no decision recorded."""

    def play(ws: Workspace) -> None:
        path = build(ws)
        before = ws.guarded()
        result = _apply(ws, path)
        assert_clean_failure(result, 3, words, before=before, workspace=ws)
        assert _decisions(ws) is None
        assert_terminal_safe(result)
        assert_no_leak(result, ws.out)

    return play


def _bytes_file(name: str, data: bytes) -> Callable[[Workspace], Path]:
    def build(ws: Workspace) -> Path:
        path = _returned(ws, name)
        path.write_bytes(data)
        return path

    return build


def _csv_named_xlsx(ws: Workspace) -> Path:
    path = _returned(ws, "review.xlsx")
    _queue(ws).assign(decision="accept").to_csv(path, index=False)
    return path


def _zip_not_a_workbook(ws: Workspace) -> Path:
    path = _returned(ws, "review.xlsx")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "decisions: accept all")
    return path


def _decided(ws: Workspace, words: list[str]) -> pd.DataFrame:
    """The queue with the first rows decided, and a planted name beside them."""
    queue = _queue(ws)
    queue.loc[: len(words) - 1, "decision"] = words
    queue.loc[0, "left_full_name"] = ARABIC_NAME
    return queue


def _word_file(word: str) -> Callable[[Workspace], Path]:
    def build(ws: Workspace) -> Path:
        path = _returned(ws, "review.csv")
        _decided(ws, ["accept", word]).to_csv(path, index=False)
        return path

    return build


def _formula_decision(ws: Workspace) -> Path:
    """The workbook benelink wrote, the second decision computed by a formula."""
    source = ws.out / "restricted" / "review" / f"month={REVIEWED}" / "review.xlsx"
    book = load_workbook(source)
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("decision") + 1
    sheet.cell(2, column, "accept")
    sheet.cell(3, column, '=IF(B3>0.5,"accept","reject")')
    path = _returned(ws, "review.xlsx")
    book.save(path)
    return path


def _unknown_tokens(ws: Workspace) -> Path:
    queue = _decided(ws, ["accept", "reject", "accept"])
    queue.loc[1, "left_token"] = "R-" + "0" * 20  # a token no run of this folder wrote
    queue.loc[2, "right_token"] = hashlib.sha256(b"elsewhere").hexdigest()[:24]
    path = _returned(ws, "review.csv")
    queue.to_csv(path, index=False)
    return path


def _same_token_twice(ws: Workspace) -> Path:
    queue = _decided(ws, ["accept", "accept"])
    queue.loc[1, "right_token"] = queue.loc[1, "left_token"]
    path = _returned(ws, "review.csv")
    queue.to_csv(path, index=False)
    return path


def _accepted_review(
    name: str, write: Callable[[pd.DataFrame, Path], None]
) -> Callable[[Workspace], None]:
    """A review file in another encoding or delimiter: read, two pairs decided."""

    def play(ws: Workspace) -> None:
        queue = _decided(ws, ["accept", "رفض"])
        path = _returned(ws, name)
        write(queue, path)
        result = _apply(ws, path)
        assert result.exit_code == 0, result.output
        assert "decided 2 pair(s): 1 accepted and 1 rejected" in result.stdout
        assert f"{len(queue) - 2} left undecided" in result.stdout
        decisions = _decisions(ws)
        assert decisions is not None
        assert sorted(decisions["decision"]) == ["accept", "reject"]
        pairs = {tuple(sorted(p)) for p in queue.loc[:1, ["left_token", "right_token"]].values}
        assert {tuple(p) for p in decisions[["left_token", "right_token"]].values} == pairs
        assert_terminal_safe(result)
        assert_no_leak(result, ws.out)

    return play


def _cp1256(queue: pd.DataFrame, path: Path) -> None:
    queue.to_csv(path, index=False, encoding="cp1256", errors="replace")


def _semicolons(queue: pd.DataFrame, path: Path) -> None:
    queue.to_csv(path, index=False, sep=";")


def _lock_held(ws: Workspace) -> None:
    path = _returned(ws, "review.csv")
    _decided(ws, ["accept"]).to_csv(path, index=False)
    before = ws.guarded()
    with run_lock(ws.out, MONTH):  # a run of November in progress
        result = _apply(ws, path)
    assert_clean_failure(
        result, 4, ["another benelink run holds", "month 2026-11"], before=before, workspace=ws
    )
    assert _decisions(ws) is None
    after = _apply(ws, path)  # once the run is over, the same file is recorded
    assert after.exit_code == 0, after.output
    assert_no_leak(after, ws.out)


def _excel_csv(encoding: str, sep: str = ",") -> Callable[[pd.DataFrame, Path], None]:
    """A CSV as a spreadsheet program saves it: CRLF lines, the given encoding and delimiter."""

    def write(queue: pd.DataFrame, path: Path) -> None:
        text = queue.to_csv(index=False, sep=sep, lineterminator="\r\n")
        path.write_bytes(text.encode(encoding, errors="replace"))

    return write


def _workbook_named_csv(ws: Workspace) -> Path:
    """The workbook benelink wrote, renamed review.csv."""
    source = ws.out / "restricted" / "review" / f"month={REVIEWED}" / "review.xlsx"
    path = _returned(ws, "review.csv")
    path.write_bytes(source.read_bytes())
    return path


def _opendocument(name: str) -> Callable[[Workspace], Path]:
    """An OpenDocument spreadsheet (LibreOffice's own format): a zip whose first member,
    stored, is its mimetype."""

    def build(ws: Workspace) -> Path:
        path = _returned(ws, name)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
            )
            archive.writestr("content.xml", f"<table><cell>{ARABIC_NAME}</cell></table>")
        return path

    return build


def _old_xls(ws: Workspace) -> Path:
    path = _returned(ws, "review.xls")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    return path


def _csv_under_another_name(name: str) -> Callable[[Workspace], Path]:
    def build(ws: Workspace) -> Path:
        path = _returned(ws, name)
        _decided(ws, ["accept"]).to_csv(path, index=False)
        return path

    return build


def _typed_cells(column: str, value: str) -> Callable[[Workspace], Path]:
    """Two decided rows, the second with ``value`` in ``column``."""

    def build(ws: Workspace) -> Path:
        queue = _decided(ws, ["accept", "reject"])
        queue.loc[1, column] = value
        path = _returned(ws, "review.csv")
        queue.to_csv(path, index=False)
        return path

    return build


def _another_pairs_name(ws: Workspace) -> Path:
    """The reviewer cell holding the name of a record of another pair (pasted by mistake)."""
    queue = _decided(ws, ["accept", "reject"])
    queue.loc[1, "reviewer"] = queue.loc[0, "left_full_name"]
    path = _returned(ws, "review.csv")
    queue.to_csv(path, index=False)
    return path


def _records_who_and_keeps_the_file(ws: Workspace) -> None:
    """Every decision names its reviewer, day, applier, time and the kept copy."""
    queue = _decided(ws, ["accept", "not sure", "reject"])
    queue.loc[0, ["reviewer", "decided_on"]] = ["Rania", "28/11/2026"]
    path = _returned(ws, "review.csv")
    _excel_csv("utf-8-sig")(queue, path)
    result = _apply(ws, path)
    assert result.exit_code == 0, result.output
    assert "1 accepted and 1 rejected; 1 not sure and" in result.stdout
    decisions = _decisions(ws)
    assert decisions is not None and len(decisions) == 2
    row = decisions.set_index("decision")
    assert row.loc["accept", "reviewer"] == "Rania"
    assert row.loc["accept", "decided_on"] == "2026-11-28"
    assert row.loc["reject", "reviewer"] == os_user()
    assert set(decisions["applied_by"]) == {os_user()} and decisions["applied_at"].notna().all()
    kept = ws.out / decisions.loc[0, "file"]
    assert "restricted" in kept.relative_to(ws.out).parts
    assert kept.read_bytes() == path.read_bytes()
    assert decisions.loc[0, "file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert_no_leak(result, ws.out)


def _only_not_sure(ws: Workspace) -> None:
    """Nothing decided: counted, nothing recorded, no copy kept."""
    path = _returned(ws, "review.csv")
    _decided(ws, ["not sure", "غير متأكد"]).to_csv(path, index=False)
    result = _apply(ws, path)
    assert result.exit_code == 0, result.output
    assert "decided 0 pair(s)" in result.stdout and "2 not sure" in result.stdout
    assert "nothing was recorded" in result.stdout
    assert _decisions(ws) is None
    assert not (ws.out / "restricted" / "applied").exists()
    assert_no_leak(result, ws.out)


# --- a re-run of the reviewed month ----------------------------------------------------------


def _on_the_sample(ws: Workspace) -> Workspace:
    """The workspace with a configuration reading the committed sample (October included)."""
    return dataclasses.replace(ws, config=config_for(SAMPLE, ws.out, ws.root / "sample.toml"))


def _type_into_workbook(ws: Workspace, cells: dict[int, dict[str, str]]) -> list[tuple[str, str]]:
    """Type into October's review.xlsx as a reviewer would; the pairs typed on."""
    path = ws.out / "restricted" / "review" / f"month={REVIEWED}" / "review.xlsx"
    book = load_workbook(path)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    pairs = []
    for row, typed in cells.items():
        for name, value in typed.items():
            sheet.cell(row, header.index(name) + 1, value)
        tokens = (header.index("left_token") + 1, header.index("right_token") + 1)
        pairs.append((str(sheet.cell(row, tokens[0]).value), str(sheet.cell(row, tokens[1]).value)))
    book.save(path)
    return pairs


def _rerun_carries_typed(ws: Workspace) -> None:
    sample = _on_the_sample(ws)
    pairs = _type_into_workbook(
        sample, {2: {"decision": "رفض", "reviewer": "Omar"}, 4: {"note": "same family book"}}
    )
    result = sample.run(REVIEWED)
    assert result.exit_code == 0, result.output
    folder = ws.out / "restricted" / "review" / f"month={REVIEWED}"
    queue = pd.read_csv(folder / "review.csv", dtype=str, keep_default_na=False)
    by_pair = queue.set_index(["left_token", "right_token"])
    assert by_pair.loc[pairs[0], ["decision", "reviewer"]].tolist() == ["رفض", "Omar"]
    assert by_pair.loc[pairs[1], "note"] == "same family book"
    report = json.loads(document(ws.out, REVIEWED, "report.json").read_text())
    assert report["review"]["carried_over"] == 2
    # typed into the new workbook too: applying it records the carried decision
    applied = _apply(sample, folder / "review.xlsx")
    assert applied.exit_code == 0, applied.output
    assert "decided 1 pair(s): 0 accepted and 1 rejected" in applied.stdout
    assert_no_leak(result, ws.out)


def _rerun_with_unreadable_typed_file(ws: Workspace) -> None:
    """A changed review file that cannot be read stops the re-run, naming it."""
    sample = _on_the_sample(ws)
    path = ws.out / "restricted" / "review" / f"month={REVIEWED}" / "review.xlsx"
    path.write_bytes(path.read_bytes()[:2000])  # cut short, as a failed save leaves it
    before = sample.guarded()
    result = sample.run(REVIEWED)
    assert_clean_failure(
        result,
        2,
        ["review.xlsx", "changed since the last run", "restore it"],
        before=before,
        workspace=sample,
    )
    assert_no_leak(result, ws.out)


def _rerun_with_two_files_disagreeing(ws: Workspace) -> None:
    """The workbook accepts a pair the CSV rejects: refused, both files named."""
    sample = _on_the_sample(ws)
    (pair,) = _type_into_workbook(sample, {2: {"decision": "accept"}})
    csv = ws.out / "restricted" / "review" / f"month={REVIEWED}" / "review.csv"
    queue = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    at = (queue["left_token"] == pair[0]) & (queue["right_token"] == pair[1])
    queue.loc[at, "decision"] = "reject"
    queue.to_csv(csv, index=False)
    before = sample.guarded()
    result = sample.run(REVIEWED)
    assert_clean_failure(
        result,
        2,
        ["review.csv and", "review.xlsx", "decided differently"],
        before=before,
        workspace=sample,
    )


@dataclass(frozen=True)
class Case:
    name: str
    play: Callable[[Workspace], None]


CASES: list[Case] = [
    Case("review_csv_named_xlsx", _refused_review(_csv_named_xlsx, "text (CSV)", ".xlsx")),
    Case(
        "review_pdf_named_xlsx",
        _refused_review(_bytes_file("review.xlsx", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), "PDF"),
    ),
    Case(
        "review_random_bytes",
        _refused_review(_bytes_file("review.csv", random.Random(7).randbytes(4096)), "review.csv"),
    ),
    Case("review_empty_file", _refused_review(_bytes_file("review.xlsx", b""), "empty")),
    Case("review_zip_not_a_workbook", _refused_review(_zip_not_a_workbook, "not a readable .xlsx")),
    Case("review_windows_1256_csv", _accepted_review("review.csv", _cp1256)),
    Case("review_semicolon_csv", _accepted_review("review.csv", _semicolons)),
    Case("review_decision_as_formula", _refused_review(_formula_decision, "formula", "row(s) 3")),
    Case(
        "review_unknown_tokens",
        _refused_review(_unknown_tokens, "no run of this output folder", "row(s) 3, 4"),
    ),
    Case(
        "review_same_token_twice",
        _refused_review(_same_token_twice, "same record token", "row(s) 3"),
    ),
    Case(
        "review_undocumented_word",
        _refused_review(
            _word_file(NAME),
            "accept, reject or not sure (in Arabic قبول, رفض or غير متأكد)",
            "row(s) 3",
        ),
    ),
    Case("review_while_a_run_holds_the_lock", _lock_held),
    Case("review_workbook_named_csv", _refused_review(_workbook_named_csv, "not CSV text")),
    Case(
        "review_opendocument_spreadsheet",
        _refused_review(_opendocument("review.ods"), "OpenDocument", "save it as .xlsx"),
    ),
    Case(
        "review_opendocument_named_xlsx",
        _refused_review(_opendocument("review.xlsx"), "OpenDocument", "not an .xlsx"),
    ),
    Case("review_old_excel_xls", _refused_review(_old_xls, "97-2003", "save it as .xlsx")),
    Case(
        "review_csv_named_numbers",
        _refused_review(_csv_under_another_name("review.numbers"), "a .numbers file"),
    ),
    Case("review_excel_utf8_bom_crlf", _accepted_review("review.csv", _excel_csv("utf-8-sig"))),
    Case(
        "review_arabic_windows_semicolons",
        _accepted_review("review.csv", _excel_csv("cp1256", ";")),
    ),
    Case("review_excel_unicode_text", _accepted_review("review.txt", _excel_csv("utf-16", "\t"))),
    Case("review_csv_saved_as_txt", _accepted_review("review.txt", _excel_csv("utf-8"))),
    Case(
        "review_formula_as_reviewer",
        _refused_review(_typed_cells("reviewer", '=HYPERLINK("http://x")'), "reviewer", "row(s) 3"),
    ),
    Case(
        "review_phone_as_reviewer",
        _refused_review(_typed_cells("reviewer", PHONE), "reviewer", "row(s) 3"),
    ),
    Case(
        "review_planted_name_respaced_as_reviewer",
        _refused_review(
            _typed_cells("reviewer", "  " + ARABIC_NAME.replace(" ", "  ")), "reviewer", "row(s) 3"
        ),
    ),
    Case(
        "review_another_pairs_name_as_reviewer",
        _refused_review(_another_pairs_name, "a name of the file's records", "row(s) 3"),
    ),
    Case(
        "review_decided_on_not_a_date",
        _refused_review(_typed_cells("decided_on", "31/02/2026"), "decided_on", "row(s) 3"),
    ),
    Case(
        "review_formula_as_token",
        _refused_review(_typed_cells("left_token", "=A1"), "formula", "row(s) 3"),
    ),
    Case("review_records_reviewer_time_and_a_copy", _records_who_and_keeps_the_file),
    Case("review_only_not_sure", _only_not_sure),
    Case("review_rerun_carries_typed_decisions", _rerun_carries_typed),
    Case("review_rerun_unreadable_typed_workbook", _rerun_with_unreadable_typed_file),
    Case("review_rerun_two_files_disagree", _rerun_with_two_files_disagreeing),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_review_file(case: Case, tmp_path: Path, october: Path) -> None:
    case.play(Workspace.create(tmp_path, october))
