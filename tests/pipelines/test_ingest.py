"""Ingest: native headers mapped to canonical columns, files loaded into SourceFiles."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from benelink.config.model import BenelinkConfig, RunSettings, SourceSettings
from benelink.errors import ConfigError, MissingColumnsError, UnreadableFileError
from benelink.pipelines.ingest import check_month_files, load_source, map_columns

NAF = SourceSettings(
    file="naf.csv",
    kind="naf",
    columns={
        "source_record_id": "رقم السجل",
        "national_number": "الرقم الوطني",
        "first_name": "الاسم الأول",
        "family_name": "اسم العائلة",
    },
)
UNHCR = SourceSettings(
    file="unhcr.csv",
    kind="unhcr",
    columns={
        "source_record_id": "Individual ID",
        "unhcr_individual_id": "Individual ID",
        "first_name": "Given Name",
        "sex": "Sex",
    },
)


def _raw(columns: dict[str, list[str]], first_row: int = 2) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=pd.RangeIndex(first_row, first_row + n), dtype=object)


def test_map_columns_renames_trims_and_blanks_to_na() -> None:
    raw = _raw(
        {
            "الرقم الوطني": ["0123456789 ", " 9876543210", ""],
            "رقم السجل": ["1", "2", "3"],
            "الاسم الأول": ["محمد", "  ", "علي"],
            "اسم العائلة": ["العلي", "الخطيب", "\u00a0الزعبي"],
            "unused": ["x", "y", "z"],
        },
        first_row=4,
    )
    frame = map_columns(raw, "naf", NAF, "naf.csv")
    assert list(frame.columns) == [
        "source",
        "row_number",
        "source_record_id",
        "first_name",
        "family_name",
        "national_number",
    ]
    assert frame["source"].tolist() == ["naf"] * 3
    assert frame["row_number"].tolist() == [4, 5, 6]
    assert frame["row_number"].dtype == "int64"
    assert frame["national_number"].tolist()[:2] == ["0123456789", "9876543210"]
    assert frame["national_number"].isna().tolist() == [False, False, True]
    assert frame["first_name"].isna().tolist() == [False, True, False]
    assert frame["family_name"].tolist()[2] == "الزعبي"
    for column in frame.columns.drop("row_number"):
        assert frame[column].dtype == "string"
    assert raw.loc[4, "الرقم الوطني"] == "0123456789 "  # the argument is not mutated


def test_one_native_column_feeds_two_canonical_ones() -> None:
    raw = _raw({"Individual ID": ["945-00012345"], "Given Name": ["Ahmad"], "Sex": ["M"]})
    frame = map_columns(raw, "unhcr", UNHCR, "unhcr.csv")
    assert frame["source_record_id"].tolist() == frame["unhcr_individual_id"].tolist()


def test_headers_match_after_bom_whitespace_nfc_and_case() -> None:
    decomposed_arabic = unicodedata.normalize("NFD", "الاسم الأول")  # hamza split off
    assert decomposed_arabic != "الاسم الأول"
    raw = _raw(
        {
            "\ufeffرقم السجل ": ["1"],
            " الرقم  الوطني": ["0123456789"],
            decomposed_arabic: ["محمد"],
            "اسم العائلة": ["العلي"],
        }
    )
    assert map_columns(raw, "naf", NAF, "naf.csv")["first_name"].tolist() == ["محمد"]
    latin = _raw({"individual id": ["945-1"], "GIVEN NAME": ["A"], "sex": ["F"]})
    assert map_columns(latin, "unhcr", UNHCR, "unhcr.csv")["sex"].tolist() == ["F"]


def test_missing_column_names_file_column_suggestion_and_config() -> None:
    raw = _raw({"Individual ID": ["945-1"], "Given Names": ["Ahmad Ali"], "Gender": ["M"]})
    with pytest.raises(MissingColumnsError) as caught:
        map_columns(raw, "unhcr", UNHCR, "unhcr.csv", config_label="benelink.toml")
    message = str(caught.value)
    assert message.startswith("unhcr.csv: column(s) 'Given Name' (closest: 'Given Names')")
    assert "'Sex'" in message
    assert "[sources.unhcr.columns] map in benelink.toml" in message
    assert "Ahmad" not in message and "945-1" not in message
    assert "\n" not in message


def test_no_kind_requires_an_identifier_column() -> None:
    """A NAF list without national numbers, a UNHCR extract without individual ids: the
    configuration maps what the file has and the records are linked on it."""
    naf = SourceSettings(
        file="naf.csv", kind="naf", columns={"source_record_id": "id", "first_name": "n"}
    )
    assert map_columns(_raw({"id": ["1"], "n": ["x"]}), "naf", naf, "naf.csv")[
        "first_name"
    ].tolist() == ["x"]
    unhcr = SourceSettings(
        file="u.csv",
        kind="unhcr",
        columns={"source_record_id": "id", "unhcr_case_id": "c", "full_name": "n"},
    )
    frame = map_columns(
        _raw({"id": ["1"], "c": ["945-12C00456"], "n": ["A B"]}), "u", unhcr, "u.csv"
    )
    assert "unhcr_individual_id" not in frame.columns


def test_an_identifier_without_a_name_column_is_enough() -> None:
    ids_only = SourceSettings(
        file="j.csv",
        kind="jobseekers",
        columns={"source_record_id": "id", "national_number": "nn", "employment_status": "st"},
    )
    frame = map_columns(
        _raw({"id": ["1"], "nn": ["9871234567"], "st": ["employed"]}), "j", ids_only, "j.csv"
    )
    assert frame["national_number"].tolist() == ["9871234567"]


def test_a_source_must_map_a_name_or_an_individual_id() -> None:
    nameless = SourceSettings(
        file="j.csv",
        kind="jobseekers",
        columns={"source_record_id": "id", "unhcr_case_id": "c", "phone": "p"},
    )
    with pytest.raises(ConfigError) as caught:
        map_columns(
            _raw({"id": ["1"], "c": ["945-12C00456"], "p": ["0791234567"]}),
            "jobs",
            nameless,
            "j.csv",
        )
    message = str(caught.value)
    assert message.startswith("[sources.jobs.columns] in the configuration must map a name")
    assert "full_name" in message and "national_number" in message and "\n" not in message


def test_load_source_reads_maps_and_fingerprints(tmp_path: Path) -> None:
    data = "رقم السجل,الرقم الوطني,الاسم الأول,اسم العائلة\n1,0123456789,محمد,العلي\n2,,فاطمة,\n"
    encoded = data.encode("cp1256")
    (tmp_path / "naf.csv").write_bytes(encoded)
    source = load_source("naf", NAF, tmp_path)
    assert (source.name, source.kind, source.n_rows) == ("naf", "naf", 2)
    assert source.path == tmp_path / "naf.csv"
    assert source.sha256 == hashlib.sha256(encoded).hexdigest()
    assert source.frame["national_number"].tolist()[0] == "0123456789"
    assert source.frame["row_number"].tolist() == [2, 3]


def test_load_source_header_only_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "naf.csv").write_text("رقم السجل,الرقم الوطني,الاسم الأول,اسم العائلة\n")
    with pytest.raises(UnreadableFileError, match=r"naf\.csv: has no data rows"):
        load_source("naf", NAF, tmp_path)


def test_check_month_files_lists_every_missing_file(tmp_path: Path) -> None:
    (tmp_path / "2026-11").mkdir()
    (tmp_path / "2026-11" / "unhcr.csv").write_text("x")
    cfg = BenelinkConfig(
        run=RunSettings(incoming=str(tmp_path / "{month}")),
        sources={
            "naf": NAF,
            "unhcr": UNHCR,
            "jobs": NAF.model_copy(update={"file": "jobseekers.xlsx"}),
        },
    )
    assert check_month_files(cfg, "2026-11") == ["naf.csv", "jobseekers.xlsx"]
    assert check_month_files(cfg, "2026-12") == ["naf.csv", "unhcr.csv", "jobseekers.xlsx"]


def test_rows_of_several_sheets_carry_their_sheet() -> None:
    raw = _raw({"رقم السجل": ["1", "2"], "الرقم الوطني": ["9871234567", "9871234568"]})
    raw.index = pd.MultiIndex.from_tuples([("Jan", 2), ("Feb", 2)], names=["sheet", "row_number"])
    raw["الاسم الأول"] = ["a", "b"]
    raw["اسم العائلة"] = ["c", "d"]
    frame = map_columns(raw, "naf", NAF, "naf.xlsx")
    assert frame["row_number"].tolist() == [2, 2]
    assert frame["row_number"].dtype == "int64"
    assert frame["sheet"].tolist() == ["Jan", "Feb"]
    single = map_columns(raw.reset_index(level="sheet", drop=True), "naf", NAF, "naf.xlsx")
    assert "sheet" not in single.columns
