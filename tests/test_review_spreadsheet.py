"""review.xlsx as a reviewer meets it: opened in a real spreadsheet program and looked at.

LibreOffice Calc (headless) opens the workbook benelink wrote and prints it to PDF with
the workbook's own print set-up; poppler's pdftotext reads where each word landed on the
page and pdftoppm turns the first page into a picture. `make test` installs Debian's
libreoffice-calc and poppler-utils when they are missing (as root); where they cannot be
had the test is skipped locally but fails under CI.

What it checks is what a person would see: both sheets there, the headers and the
instructions in English and Arabic, and the long Arabic name whole inside its column —
right-aligned, not running into the next column, no word lost.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from benelink.io.review import write_review_queue
from tests.review_cases import LONG_ARABIC, sample_queue


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: `make test` installs it with apt-get")
        pytest.skip(f"{name} is not installed (make test installs it when run as root)")
    return found


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    text: str


def _words(pdf: Path, page: int) -> list[Word]:
    """Every word on one page of the PDF, with its box (pdftotext -bbox)."""
    html = subprocess.run(
        [_tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    boxes = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html
    )
    return [Word(float(a), float(b), float(c), t) for a, b, c, t in boxes]


def _convert(workbook: Path, to: str, folder: Path, profile: Path) -> Path:
    """LibreOffice's ``to`` (pdf, xlsx) of the workbook, written into ``folder``."""
    folder.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            _tool("soffice"),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = folder / f"{workbook.stem}.{to}"
    assert result.returncode == 0 and converted.is_file(), result.stderr[-2000:]
    return converted


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample queue's review.xlsx and LibreOffice's PDF of it."""
    _tool("soffice")
    _tool("pdftotext")
    root = tmp_path_factory.mktemp("spreadsheet")
    folder = write_review_queue(root / "out", "2026-11", sample_queue())
    workbook = folder / "review.xlsx"
    return workbook, _convert(workbook, "pdf", root, root / "profile")


@pytest.fixture(scope="module")
def full_size(rendered: tuple[Path, Path]) -> Path:
    """The PDF of the same workbook at 100 %, the zoom a reviewer opens it at (the page
    set-up prints at 75 %): only the print scale in the sheet's XML is changed."""
    workbook, pdf = rendered
    copy = pdf.parent / "zoom100" / "review.xlsx"
    copy.parent.mkdir()
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b'scale="75"') == 1
                data = data.replace(b'scale="75"', b'scale="100"')
            target.writestr(item, data)
    return _convert(copy, "pdf", copy.parent, pdf.parent / "profile")


@pytest.fixture(scope="module")
def resaved(rendered: tuple[Path, Path]) -> Path:
    """The workbook as LibreOffice understood it: opened and saved again as .xlsx."""
    workbook, pdf = rendered
    return _convert(workbook, "xlsx", pdf.parent / "resaved", pdf.parent / "profile")


def test_the_first_page_shows_the_pair_and_both_names(rendered: tuple[Path, Path]) -> None:
    _, pdf = rendered
    words = _words(pdf, 1)
    texts = {w.text for w in words}
    assert {"RESTRICTED:", "pair", "decision", "probability", "left_full_name"} <= texts
    assert "right_full_name" in texts
    assert "52.0%" in texts  # the probability as a percentage


def _name_cell(pdf: Path) -> tuple[list[Word], float, float]:
    """The words drawn in the first pair's left_full_name cell, and the cell's edges."""
    words = _words(pdf, 1)
    header = {w.text: w for w in words}
    start, end = header["left_full_name"].x0, header["right_full_name"].x0
    first_row = min(w.y0 for w in words if w.y0 > header["pair"].y0 + 2)
    in_cell = [w for w in words if abs(w.y0 - first_row) < 3 and start + 2 < w.x1 and w.x0 < end]
    return in_cell, start, end


@pytest.mark.parametrize("scale", ["as printed", "at 100 %"])
def test_a_long_arabic_name_is_whole_inside_its_column(
    scale: str, rendered: tuple[Path, Path], full_size: Path
) -> None:
    in_cell, start, end = _name_cell(rendered[1] if scale == "as printed" else full_size)
    # every word of the name is drawn, none crosses into the next column, and it hugs the
    # right edge (Arabic is right-aligned); LibreOffice draws Arabic words in visual order
    assert len(in_cell) == len(LONG_ARABIC.split()), [w.text for w in in_cell]
    assert min(w.x0 for w in in_cell) >= start - 2
    assert max(w.x1 for w in in_cell) <= end
    assert end - max(w.x1 for w in in_cell) < 12
    assert min(w.x0 for w in in_cell) - start > 6  # room to spare on the left


def test_libreoffice_keeps_the_sheets_widths_and_drop_downs(
    rendered: tuple[Path, Path], resaved: Path
) -> None:
    from openpyxl import load_workbook

    written, understood = load_workbook(rendered[0]), load_workbook(resaved)
    assert understood.sheetnames == ["review", "instructions"]
    sheet = understood["review"]
    header = [c.value for c in sheet[1]]
    assert header == [c.value for c in written["review"][1]]
    for letter, column in written["review"].column_dimensions.items():
        kept = sheet.column_dimensions[letter]
        assert abs(kept.width - column.width) < 0.1, letter
        assert bool(kept.hidden) == bool(column.hidden), letter
    # the headers Excel's default width (8.43) cut: "probabili", "left_sourc"
    for name in ("probability", "left_record", "left_full_name", "right_full_name"):
        letter = sheet.cell(1, header.index(name) + 1).column_letter
        assert sheet.column_dimensions[letter].width >= len(name) + 2, name
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    decision = sheet.cell(2, header.index("decision") + 1).column_letter
    drop_down = rules[f"{decision}2:{decision}4"]
    assert drop_down.type == "list" and not drop_down.showDropDown  # (False: the arrow shows)
    assert drop_down.formula1 == '"accept,reject,not sure,قبول,رفض,غير متأكد"'
    day = sheet.cell(2, header.index("decided_on") + 1).column_letter
    assert rules[f"{day}2:{day}4"].type == "date"
    help_sheet = understood["instructions"]
    assert help_sheet["A1"].value == "How to review these pairs"
    assert help_sheet["B1"].alignment.horizontal == "right"


def test_the_instructions_sheet_is_printed_in_english_and_arabic(
    rendered: tuple[Path, Path],
) -> None:
    _, pdf = rendered
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "How to review these pairs" in text
    # NFKC: the PDF may keep lam-alef as its ligature
    arabic = set(re.findall(r"[\u0600-\u06ff]+", unicodedata.normalize("NFKC", text)))
    # the Arabic title's words, in whichever order of letters the PDF keeps them (its last
    # word's lam-alef ligature comes out of the PDF in pieces)
    for word in ["كيفية", "مراجعة", "هذه"]:
        assert word in arabic or word[::-1] in arabic, word


def test_the_first_page_becomes_a_picture(rendered: tuple[Path, Path]) -> None:
    _, pdf = rendered
    prefix = pdf.with_name("page")
    subprocess.run(
        [_tool("pdftoppm"), "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        timeout=60,
    )
    picture = next(pdf.parent.glob("page*.png"))
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
    if os.environ.get("BENELINK_KEEP_PICTURES"):  # to look at it: a folder to copy it to
        shutil.copy(picture, Path(os.environ["BENELINK_KEEP_PICTURES"]) / "review-page-1.png")
