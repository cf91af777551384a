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


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample queue's review.xlsx and LibreOffice's PDF of it."""
    soffice = _tool("soffice")
    _tool("pdftotext")
    root = tmp_path_factory.mktemp("spreadsheet")
    folder = write_review_queue(root / "out", "2026-11", sample_queue())
    workbook = folder / "review.xlsx"
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = root / "review.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr[-2000:]
    return workbook, pdf


def test_the_first_page_shows_the_pair_and_both_names(rendered: tuple[Path, Path]) -> None:
    _, pdf = rendered
    words = _words(pdf, 1)
    texts = {w.text for w in words}
    assert {"RESTRICTED:", "pair", "decision", "probability", "left_full_name"} <= texts
    assert "right_full_name" in texts
    assert "52.0%" in texts  # the probability as a percentage


def test_a_long_arabic_name_is_whole_inside_its_column(rendered: tuple[Path, Path]) -> None:
    _, pdf = rendered
    words = _words(pdf, 1)
    header = {w.text: w for w in words}
    start, end = header["left_full_name"].x0, header["right_full_name"].x0
    first_row = min(w.y0 for w in words if w.y0 > header["pair"].y0 + 2)
    in_cell = [w for w in words if abs(w.y0 - first_row) < 3 and start + 2 < w.x1 and w.x0 < end]
    # every word of the name is drawn, none crosses into the next column, and it hugs the
    # right edge (Arabic is right-aligned); LibreOffice draws Arabic words in visual order
    assert len(in_cell) == len(LONG_ARABIC.split()), [w.text for w in in_cell]
    assert min(w.x0 for w in in_cell) >= start - 2
    assert max(w.x1 for w in in_cell) <= end
    assert end - max(w.x1 for w in in_cell) < 12
    assert min(w.x0 for w in in_cell) - start > 6  # room to spare on the left


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
