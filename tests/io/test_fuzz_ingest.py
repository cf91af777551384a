"""Fuzzing ingest and validate: arbitrary bytes and arbitrary frames never escape as an
uncaught exception, and no personal value reaches a message or a masked value."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benelink.anonymize.mask import MASKED_COLUMNS, shape
from benelink.config.model import SourceSettings
from benelink.errors import InputError, UsageError
from benelink.pipelines.ingest import SourceFile, load_source
from benelink.pipelines.validate import reject_limit_message, validate_source
from benelink.schemas.columns import CANONICAL_COLUMNS, PERSONAL_COLUMNS, ROW_NUMBER, SOURCE

COLUMNS = {
    "source_record_id": "id",
    "full_name": "name",
    "national_number": "nn",
    "phone": "phone",
    "date_of_birth": "dob",
    "sex": "sex",
}
# Letters, digits, spaces and hyphens: what a realistic personal value is made of.
REALISTIC = string.ascii_letters + string.digits + " -" + "محمدأحمعلي٠١٢٣"
CELL = st.text(alphabet=REALISTIC, min_size=4, max_size=12)
ANY_CELL = st.one_of(st.none(), st.text(max_size=30), CELL)


def _telling(value: str) -> bool:
    """A value no message template could hold by chance: messages and masks are written
    in lower-case English, so a value with a capital, a digit or an Arabic letter that
    shows up in one came from the data."""
    stripped = value.strip()
    return len(stripped) >= 4 and any(
        c.isupper() or c.isdigit() or "\u0600" <= c <= "\u06ff" for c in stripped
    )


def _leaks(values: list[str], text: str) -> list[str]:
    return [v for v in values if _telling(v) and v.strip() in text]


def _headers_and_rows(data: st.DataObject) -> tuple[list[str], list[list[str]]]:
    headers = data.draw(
        st.lists(st.sampled_from([*COLUMNS.values(), "x", "Name ", "ID"]), min_size=1, max_size=6)
    )
    rows = data.draw(st.lists(st.lists(CELL, min_size=1, max_size=7), max_size=6))
    return headers, rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=st.binary(max_size=600),
    suffix=st.sampled_from(["csv", "xlsx", "parquet"]),
    kind=st.sampled_from(["naf", "unhcr", "jobseekers"]),
)
def test_arbitrary_bytes_load_or_fail_cleanly(payload: bytes, suffix: str, kind: str) -> None:
    settings_ = SourceSettings(
        file=f"f.{suffix}",
        kind=kind,  # type: ignore[arg-type]
        columns=COLUMNS | {"unhcr_individual_id": "id"},
    )
    with TemporaryDirectory() as folder:
        (Path(folder) / f"f.{suffix}").write_bytes(payload)
        try:
            loaded = load_source("s", settings_, Path(folder))
        except (InputError, UsageError) as exc:
            message = str(exc)
            assert "\n" not in message
            assert message.startswith("f.") or message.startswith("[sources.")
            return
    validate_source(loaded, today=date(2026, 11, 30))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_with_personal_cells_never_quotes_them(data: st.DataObject, delimiter: str) -> None:
    headers, rows = _headers_and_rows(data)
    lines = [delimiter.join(headers), *(delimiter.join(r) for r in rows)]
    cells = [c for r in rows for c in r]
    settings_ = SourceSettings(file="f.csv", kind="jobseekers", columns=COLUMNS)
    with TemporaryDirectory() as folder:
        (Path(folder) / "f.csv").write_text("\n".join(lines), encoding="utf-8")
        try:
            loaded = load_source("s", settings_, Path(folder))
        except (InputError, UsageError) as exc:
            assert not _leaks(cells, str(exc)), str(exc)
            return
    checked = validate_source(loaded, today=date(2026, 11, 30))
    message = reject_limit_message(checked, 0.0, "f.csv")
    personal = [
        v
        for c in PERSONAL_COLUMNS & set(loaded.frame.columns)
        for v in loaded.frame[c].dropna().astype(str)
    ]
    assert not _leaks(personal, message)
    assert not _leaks(personal, " ".join(checked.rejects["masked_value"].astype(str)))


def _frame(columns: dict[str, list[str | None]], n: int) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            SOURCE: pd.Series(["s"] * n, dtype="string"),
            ROW_NUMBER: pd.Series(range(2, n + 2), dtype="int64"),
        }
    )
    return frame.assign(**{c: pd.Series(v, dtype="string") for c, v in columns.items()})


# Ingest guarantees only the record id of every kind (and a name or an individual id,
# ``ingest.IDENTIFYING_COLUMNS``); validation must cope with any other choice of columns.
KINDS = ("jobseekers", "naf", "unhcr")


@st.composite
def canonical_frames(draw: st.DrawFn) -> tuple[pd.DataFrame, str]:
    kind = draw(st.sampled_from(KINDS))
    n = draw(st.integers(min_value=0, max_value=8))
    chosen = draw(
        st.sets(st.sampled_from([c for c in CANONICAL_COLUMNS if c != "source_record_id"]))
    )
    columns = {
        c: draw(st.lists(ANY_CELL, min_size=n, max_size=n))
        for c in ["source_record_id", *sorted(chosen)]
    }
    return _frame(columns, n), kind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=canonical_frames())
def test_validate_never_raises_and_masks_every_personal_value(
    drawn: tuple[pd.DataFrame, str],
) -> None:
    frame, kind = drawn
    source = SourceFile(
        name="s",
        kind=kind,  # type: ignore[arg-type]
        path=Path("f.csv"),
        sha256="",
        n_rows=len(frame),
        frame=frame,
    )
    checked = validate_source(source, today=date(2026, 11, 30))
    assert checked.rejected_rows <= len(frame)
    assert len(checked.valid) == len(frame) - checked.rejected_rows
    by_row = frame.set_index(ROW_NUMBER)
    for row in checked.rejects.itertuples(index=False):
        if row.column in MASKED_COLUMNS:
            present = row.column in by_row.columns
            value = by_row.at[row.row_number, row.column] if present else None
            raw = None if pd.isna(value) else str(value)
            # a value of white space only may be shown as it is or as missing: both are safe
            allowed = (
                {shape(raw), shape(None)} if raw is not None and not raw.strip() else {shape(raw)}
            )
            assert row.masked_value in allowed
    message = reject_limit_message(checked, 0.0, "f.csv")
    personal = [
        str(v)
        for c in PERSONAL_COLUMNS & set(frame.columns)
        for v in frame[c].dropna()
        if set(str(v)) <= set(REALISTIC)
    ]
    assert not _leaks(personal, message)
    of_personal = checked.rejects["column"].isin(list(MASKED_COLUMNS))
    masked = " ".join(checked.rejects.loc[of_personal, "masked_value"].astype(str))
    assert not _leaks(personal, masked)
