"""Review files on disk: the restricted queue out, the reviewer's file back in.

The queue holds raw names, so it goes only under ``<out>/restricted/``, created
readable by its owner alone (0700). review.xlsx is laid out for a reviewer
(``io.review_workbook``); review.csv holds the same rows for scripts and other
spreadsheet programs, its cells that start with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return prefixed with an apostrophe (``io.cells.defuse``), so a
name crafted as a formula is shown, never executed.

Beside them, ``written.json`` keeps the two files' checksums as written: a
re-run of the month reads back only a file a reviewer has changed
(``read_typed_reviews``), to carry what was typed into the new queue.

The file that comes back is read for what it is, not for what its name says
(``read_review_file``), and its decisions are only checked against the record
tokens the output folder's runs wrote (``known_tokens``); what counts as a
decision is ``pipelines.review.parse_decisions``'s to say. ``review apply``
keeps a copy of every file it records (``keep_reviewed_file``), and the
decision store keeps, with every decision, who made it, when, and that copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from openpyxl import load_workbook

from benelink.errors import UnreadableFileError, UsageError
from benelink.io import state
from benelink.io.cells import defused
from benelink.io.layout import OutputLayout
from benelink.io.read import cell_text, decode, sniff_delimiter
from benelink.io.review_workbook import WorkbookFacts, write_review_workbook
from benelink.io.snapshot import REVIEW_ORDER, damaged
from benelink.io.staging import PRIVATE_DIR, PRIVATE_FILE, StagedWrites, make_dirs
from benelink.schemas.columns import DECISION_COLUMNS, DECISION_KEY_COLUMNS
from benelink.schemas.review import TypedReview, settling_pairs

_DECISIONS_FIX = (
    "record the decisions again with `benelink review apply` and the reviewed files "
    "(deleting it loses every reviewer decision)"
)

REVIEW_FILES: Final = ("review.xlsx", "review.csv")
WRITTEN: Final = "written.json"  # the review files' checksums as the run wrote them
_RETURN: Final = (
    "return the review.xlsx or review.csv benelink wrote, with the decision column filled"
)
_SAVE_AS: Final = "save it as .xlsx (Excel Workbook) or as CSV and apply that file"
# names a CSV file is saved under; any other name that is not a workbook is refused
_TEXT_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv", ""})
# leading bytes -> what the file is
_SIGNATURES: Final = (
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"%PDF", "pdf"),
    (b"PAR1", "parquet"),
)
# control characters no CSV text holds (tab, line feed and carriage return are text)
_BINARY_CONTROLS: Final = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))
_KINDS: Final = {
    "xlsx": "an Excel .xlsx workbook (or another zip archive)",
    "ods": "an OpenDocument (.ods) spreadsheet",
    "xls": "an old Excel 97-2003 .xls workbook",
    "pdf": "a PDF document",
    "parquet": "a Parquet file",
    "binary": "binary data",
    "text": "a text (CSV) file",
}


def restricted_reviews(out_dir: Path) -> Path:
    """``restricted/review/``, each level created (or tightened) to mode 0700."""
    layout = OutputLayout(out_dir)
    for folder in (layout.restricted, layout.reviews):
        make_dirs(folder, PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)
    return layout.reviews


def review_dir(out_dir: Path, month: str) -> Path:
    """Where ``month``'s review queue is written."""
    return OutputLayout(out_dir).review(month)


def stage_review_queue(
    staged: StagedWrites, out_dir: Path, month: str, queue: pd.DataFrame
) -> Path:
    """review.xlsx, review.csv and their checksums for ``month`` in a staged folder that
    ``staged.commit()`` moves into place; returns the final folder."""
    restricted_reviews(out_dir)
    folder = staged.folder(review_dir(out_dir, month), order=REVIEW_ORDER, mode=PRIVATE_DIR)
    safe = queue.assign(**{str(c): defused(queue[c]) for c in queue.columns})
    safe.to_csv(folder / "review.csv", index=False, lineterminator="\n", encoding="utf-8-sig")
    facts = WorkbookFacts(month, len(queue), settling_pairs(queue))
    write_review_workbook(folder / "review.xlsx", queue, facts)
    written = {name: _sha256(folder / name) for name in REVIEW_FILES}
    (folder / WRITTEN).write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    staged.seal(folder, PRIVATE_FILE)
    return review_dir(out_dir, month)


def write_review_queue(out_dir: Path, month: str, queue: pd.DataFrame) -> Path:
    """The review queue written on its own (``stage_review_queue`` committed at once)."""
    with StagedWrites() as staged:
        folder = stage_review_queue(staged, out_dir, month, queue)
        staged.commit()
    return folder


def read_typed_reviews(out_dir: Path, month: str) -> list[TypedReview]:
    """The month's review files that a reviewer changed since the run wrote them.

    A file whose checksum is still the one ``written.json`` holds was not touched
    and is not read (a hundred-thousand-pair workbook takes a while to read). A
    changed file that cannot be read stops the run: what was typed in it would
    be lost.
    """
    folder = review_dir(out_dir, month)
    if not folder.is_dir():
        return []
    try:
        written = json.loads((folder / WRITTEN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        written = {}  # written by an older release, or removed: read what is there
    typed = []
    for name in REVIEW_FILES:
        path = folder / name
        if not path.is_file() or written.get(name) == _sha256(path):
            continue
        try:
            rows = read_review_file(path)
        except UnreadableFileError as exc:
            reason = str(exc).removeprefix(f"{path}: ").split(";")[0]
            raise UsageError(
                f"{path}: changed since the last run of {month} but cannot be read ({reason}), "
                "so what was typed in it cannot be carried into the new queue; restore it "
                "(or move it away to give up what was typed in it), then run the month again"
            ) from None
        typed.append(TypedReview(str(path), rows))
    return typed


def keep_reviewed_file(out_dir: Path, month: str, data: bytes, name: str, at: datetime) -> Path:
    """A copy of a review file ``review apply`` recorded, owner-only, under
    ``restricted/applied/month=<month>/``; returns its path."""
    folder = OutputLayout(out_dir).applied_reviews(month)
    for level in (OutputLayout(out_dir).restricted, folder.parent, folder):
        make_dirs(level, PRIVATE_DIR)
        os.chmod(level, PRIVATE_DIR)
    digest = hashlib.sha256(data).hexdigest()
    path = folder / f"{at.strftime('%Y%m%dT%H%M%SZ')}-{digest[:8]}-{Path(name).name}"
    staging = folder / f".{path.name}.{uuid.uuid4().hex[:8]}"
    descriptor = os.open(
        staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE
    )
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(staging, PRIVATE_FILE)
    staging.replace(path)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_review_file(path: Path, data: bytes | None = None) -> pd.DataFrame:
    """A returned review file as text, one row per row of the file after its header.

    The extension says what the file must be (``.xlsx``/``.xlsm``: a workbook;
    ``.csv``, ``.txt``, ``.tsv`` or none: CSV text) and the bytes must agree;
    anything else — a CSV renamed .xlsx, an .ods or .xls workbook, a PDF, a zip
    that is no workbook, binary junk, a name such as ``.numbers`` — is an
    ``UnreadableFileError`` naming what the file really is. CSV text is decoded
    and split as a partner file is (UTF-8, UTF-16, Windows-1256; comma,
    semicolon, tab or bar). A formula cell reads as its formula (``=...``), not
    its cached result, so ``parse_decisions`` can refuse decisions that are not
    typed words. Every row is kept, blank ones too, so the row numbers that
    messages give are the file's. ``data``: the file's bytes, when already read.
    """
    label = str(path)
    if data is None:
        data = read_review_bytes(path)
    if not data.strip():
        raise UnreadableFileError(f"{label}: the file is empty; {_RETURN}")
    suffix = path.suffix.lower()
    workbook = suffix in (".xlsx", ".xlsm")
    found = _what_it_is(data)
    if workbook and found != "xlsx":
        fixes = {"ods": _SAVE_AS, "xls": _SAVE_AS, "text": f"name it .csv, or {_RETURN}"}
        raise UnreadableFileError(
            f"{label}: is {_KINDS[found]}, not an .xlsx workbook as its name says; "
            f"{fixes.get(found, _RETURN)}"
        )
    if not workbook and found != "text":
        fix = _SAVE_AS if found in ("ods", "xls") else _RETURN
        named = "not CSV text as its name says" if suffix in _TEXT_SUFFIXES else "not CSV text"
        raise UnreadableFileError(f"{label}: is {_KINDS[found]}, {named}; {fix}")
    if not workbook and suffix not in _TEXT_SUFFIXES:
        raise UnreadableFileError(
            f"{label}: a {suffix} file is neither an .xlsx workbook nor CSV text; {_SAVE_AS}"
        )
    return _read_workbook(data, label) if workbook else _read_csv(data, label)


def read_review_bytes(path: Path) -> bytes:
    """A returned review file's bytes, or one line saying why they cannot be had."""
    if path.is_dir():
        raise UnreadableFileError(f"{path}: is a folder; give the path of the review file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(
            f"{path}: cannot be opened ({exc.strerror or type(exc).__name__}); {_RETURN}"
        ) from None


def _what_it_is(data: bytes) -> str:
    """The kind of file the bytes are: a signature, else text unless it holds binary."""
    kind = next((k for signature, k in _SIGNATURES if data.startswith(signature)), None)
    if kind == "xlsx" and data[30:38] == b"mimetype" and b"opendocument" in data[38:120]:
        return "ods"  # an OpenDocument file is a zip whose first member names its type
    if kind is not None:
        return kind
    sample = data[:4096]
    # NUL bytes mean binary data, unless in every other byte: UTF-16 text (decoded later)
    utf16 = max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4
    return "binary" if b"\x00" in sample and not utf16 else "text"


def _read_workbook(data: bytes, label: str) -> pd.DataFrame:
    """The review sheet (or the first sheet) as text; formula cells as their formula."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # a zip that is no workbook, or a damaged one: openpyxl says it many ways
        raise UnreadableFileError(
            f"{label}: is not a readable .xlsx workbook (a damaged file, or another kind "
            f"of zip archive); {_RETURN}"
        ) from None
    try:
        sheet = book["review"] if "review" in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()  # a wrong saved size must not cut rows off
        rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows()]
    except Exception:
        raise UnreadableFileError(
            f"{label}: its sheet cannot be read (a damaged workbook); {_RETURN}"
        ) from None
    finally:
        book.close()
    if not rows or not any(rows[0]):
        raise UnreadableFileError(f"{label}: the sheet has no header row; {_RETURN}")
    width = max(len(r) for r in rows)
    header = rows[0] + [""] * (width - len(rows[0]))
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype="string")


def _cell_text(cell: Any) -> str:
    """A cell as text; a formula (also an array formula) as ``=...``."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
        return text if text.startswith("=") else "=" + text
    return cell_text(value)


def _read_csv(data: bytes, label: str) -> pd.DataFrame:
    """CSV text in any encoding and delimiter a partner file may have."""
    text = decode(data, label).lstrip("\ufeff")
    controls = sum(text.count(c) for c in _BINARY_CONTROLS)
    if controls > len(text) // 100:  # a guessed encoding of binary junk
        raise UnreadableFileError(f"{label}: is {_KINDS['binary']}; {_RETURN}")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        raise UnreadableFileError(
            f"{label}: cannot be split into columns (broken quotes or delimiters); {_RETURN}"
        ) from None
    return frame.fillna("").astype("string")


def known_tokens(out_dir: Path, tokens: Collection[str]) -> frozenset[str]:
    """Those of ``tokens`` that a run of ``out_dir`` gave to a record.

    A record token is known when an identity registry (``state/identities-*``)
    or a snapshot's ``records.parquet`` holds it. The newest files come first
    and the search stops once every token is found, so the usual review file
    costs one read of the newest registry.
    """
    wanted = pa.array(sorted(set(tokens)), type=pa.string())
    found: set[str] = set()
    snapshots = OutputLayout(out_dir).snapshots
    files = [state.registry_path(out_dir, m) for m in reversed(state.registry_months(out_dir))]
    if snapshots.is_dir():
        files += sorted(snapshots.glob("records/month=*/records.parquet"), reverse=True)
        files += sorted(snapshots.glob("month=*/records.parquet"), reverse=True)  # release 0.1
    for file in files:
        if len(found) == len(wanted):
            break
        try:
            column = pq.read_table(file, columns=["record_token"]).column(0).combine_chunks()
        except (OSError, pa.ArrowException, KeyError):
            raise UsageError(
                f"{file}: cannot be read to check the review file's record tokens; "
                "restore it from a backup or re-run its month, then apply the review again"
            ) from None
        hits = pc.filter(wanted, pc.is_in(wanted, value_set=column.cast(pa.string())))
        found.update(hits.to_pylist())
    return frozenset(found)


def decisions_path(out_dir: Path) -> Path:
    return OutputLayout(out_dir).decisions


def read_decisions(out_dir: Path) -> pd.DataFrame | None:
    """Every reviewer decision recorded so far (record tokens only, and the audit trail),
    or None. A store written before the audit columns reads with them empty."""
    path = decisions_path(out_dir)
    if not path.is_file():
        return None
    try:
        decisions = pd.read_parquet(path)
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, exc, _DECISIONS_FIX) from None
    if not set(DECISION_KEY_COLUMNS) <= set(decisions.columns):
        raise damaged(path, ValueError("columns"), _DECISIONS_FIX)
    return decisions.reindex(columns=DECISION_COLUMNS)


def write_decisions(out_dir: Path, decisions: pd.DataFrame) -> Path:
    """Replace the decision store atomically; owner-only, as everything in ``state/``."""
    path = decisions_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}"
    table = pa.Table.from_pandas(
        decisions.reindex(columns=DECISION_COLUMNS).astype("string"), preserve_index=False
    )
    pq.write_table(table, staging, compression="zstd")
    os.chmod(staging, PRIVATE_FILE)
    staging.replace(path)
    return path
