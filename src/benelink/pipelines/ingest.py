"""Ingest: a partner file on disk becomes a frame of canonical columns holding
the partner's raw strings.

``load_source`` is the only function here that touches the disk (through
``benelink.io.read``); ``map_columns`` is the pure half, so it can be tested on
3-row frames. Headers are matched forgivingly (trimmed, BOM removed, NFC,
case-folded) because officers retype Arabic headers by hand; a header that is
still missing stops the run with the closest header present, so the fix is
one edit away.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from benelink.arrow_text import ARROW_TEXT, trimmed_text
from benelink.config.model import BenelinkConfig, SourceSettings
from benelink.errors import ConfigError, MissingColumnsError
from benelink.io.read import OpenedFile, normal_header, open_file, parse_file, source_path
from benelink.schemas.columns import (
    CANONICAL_COLUMNS,
    INDIVIDUAL_ID_COLUMNS,
    NAME_COLUMNS,
    ROW_NUMBER,
    SHEET,
    SOURCE,
    SourceKind,
)

# A source must map its record id (``config.model`` checks that) and at least one of these:
# a name, or an identifier of one person; no other column is required of any kind (a NAF
# list need not carry national numbers, a UNHCR extract need not carry individual ids).
IDENTIFYING_COLUMNS: tuple[str, ...] = (*NAME_COLUMNS, *INDIVIDUAL_ID_COLUMNS)


@dataclass(frozen=True)
class SourceFile:
    """One partner file as read: raw strings under canonical column names."""

    name: str
    kind: SourceKind
    path: Path
    sha256: str
    n_rows: int
    frame: pd.DataFrame  # source, row_number, then mapped canonical columns (string[pyarrow])
    bad_rows: tuple[int, ...] = ()  # lines that could not be split into the header's columns


def check_month_files(cfg: BenelinkConfig, month: str) -> list[str]:
    """The configured files missing from ``month``'s folder, so all are named at once."""
    folder = cfg.incoming_dir(month)
    return [s.file for s in cfg.sources.values() if not (folder / s.file).is_file()]


def load_source(
    name: str,
    settings: SourceSettings,
    folder: Path,
    *,
    config_label: str = "the configuration",
) -> SourceFile:
    """Read ``settings.file`` from ``folder`` and map its columns to canonical ones."""
    opened = open_source(name, settings, folder, config_label=config_label)
    return parse_source(name, settings, opened, config_label=config_label)


def open_source(
    name: str,
    settings: SourceSettings,
    folder: Path,
    *,
    config_label: str = "the configuration",
) -> OpenedFile:
    """``settings.file`` of ``folder``, opened and checked (``io.read.open_file``)."""
    path = source_path(folder, settings.file, f"sources.{name}", config_label)
    return open_file(path, settings.file_format, label=settings.file)


def parse_source(
    name: str,
    settings: SourceSettings,
    opened: OpenedFile,
    *,
    config_label: str = "the configuration",
) -> SourceFile:
    """An opened source's rows, its columns mapped to canonical ones."""
    raw = parse_file(
        opened,
        expected_headers=set(settings.columns.values()),
        encoding=settings.encoding,
        delimiter=settings.delimiter,
        sheet=settings.sheet,
    )
    frame = map_columns(raw.frame, name, settings, settings.file, config_label=config_label)
    return SourceFile(
        name=name,
        kind=settings.kind,
        path=opened.path,
        sha256=raw.sha256,
        n_rows=len(frame) + len(raw.bad_rows),
        frame=frame,
        bad_rows=raw.bad_rows,
    )


def map_columns(
    raw: pd.DataFrame,
    name: str,
    settings: SourceSettings,
    file_label: str,
    *,
    config_label: str = "the configuration",
) -> pd.DataFrame:
    """Native headers -> canonical columns; values trimmed, blanks as <NA>, Arrow-backed.

    ``raw``'s index is the row number as the officer sees it (``io.read`` sets
    it). One native column may feed several canonical ones (UNHCR's
    "Individual ID" is both the record id and the individual id).
    """
    _check_mapping(name, settings, config_label)
    present: dict[str, str] = {}
    for header in raw.columns:
        present.setdefault(normal_header(str(header)), str(header))
    mapped = list(dict.fromkeys(settings.columns.values()))
    missing = [native for native in mapped if normal_header(native) not in present]
    if missing:
        raise MissingColumnsError(
            _missing_message(
                missing, list(present.values()), len(mapped), name, file_label, config_label
            )
        )
    several = isinstance(raw.index, pd.MultiIndex)  # (sheet, row): several sheets were read
    rows = raw.index.get_level_values(ROW_NUMBER) if several else raw.index
    columns: dict[str, pd.Series] = {
        SOURCE: pd.Series(name, index=raw.index, dtype=ARROW_TEXT),
        ROW_NUMBER: pd.Series(rows.to_numpy(dtype="int64"), index=raw.index),
    }
    if several:
        sheets = raw.index.get_level_values(SHEET).astype(str).to_numpy()
        columns[SHEET] = pd.Series(sheets, index=raw.index, dtype=ARROW_TEXT)
    cleaned: dict[str, pd.Series] = {}
    for canonical in CANONICAL_COLUMNS:
        native = settings.columns.get(canonical)
        if native is None:
            continue
        header = present[normal_header(native)]
        if header not in cleaned:
            cleaned[header] = trimmed_text(raw[header])
        columns[canonical] = cleaned[header]
    return pd.DataFrame(columns).reset_index(drop=True)


def _check_mapping(name: str, settings: SourceSettings, config_label: str) -> None:
    """A source must map something that names a person: a name or an individual id.

    Nothing else is required of any kind: the columns a source maps decide what it is
    linked on (``IDENTIFYING_COLUMNS``)."""
    if not any(c in settings.columns for c in IDENTIFYING_COLUMNS):
        raise ConfigError(
            f"[sources.{name}.columns] in {config_label} must map a name (full_name, or "
            f"first_name ... family_name) or an individual id (national_number, "
            f"unhcr_individual_id) for a {settings.kind} source"
        )


def _missing_message(
    missing: list[str],
    present: list[str],
    n_mapped: int,
    name: str,
    file_label: str,
    config_label: str,
) -> str:
    """Names the closest header present, but only when the header row was found at all.

    A file without its header row has a data row where the header should be;
    quoting its "closest" cell would print a person's name or number.
    """
    where = f"the [sources.{name}.columns] map in {config_label}"
    if len(missing) == n_mapped:
        shown = ", ".join(f"'{m}'" for m in missing[:3]) + (", ..." if len(missing) > 3 else "")
        return (
            f"{file_label}: none of the {n_mapped} configured headers ({shown}) is in the "
            f"file: its header row is missing or it is another file; add the header row, "
            f"or fix {where}"
        )
    parts = []
    for native in missing:
        hit = process.extractOne(
            native, present, scorer=fuzz.WRatio, processor=normal_header, score_cutoff=50
        )
        parts.append(f"'{native}'" + (f" (closest: '{hit[0]}')" if hit else ""))
    return (
        f"{file_label}: column(s) {', '.join(parts)} not found; fix the header in the file "
        f"or {where}"
    )
