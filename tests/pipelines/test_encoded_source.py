"""`benelink encode` round trip, the encoded file's privacy, and how a run reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import benelink.cli.encode  # noqa: F401  (registers the command until cli/__init__ does)
from benelink.anonymize.encode import ENCODED_COLUMNS, SKELETON_COLUMNS
from benelink.anonymize.keys import key_fingerprint, parse_key
from benelink.anonymize.tokens import pseudonymize
from benelink.cli import app
from benelink.config.load import load_config
from benelink.config.model import LinkageSettings, SourceSettings
from benelink.errors import ConfigError, KeyError_, UnreadableFileError
from benelink.io.encoded import METADATA_KEY, read_encoded, to_table
from benelink.linkage.evaluate import pairwise_quality
from benelink.linkage.link import link_records
from benelink.pipelines.encoded import link_inputs, load_encoded_source
from benelink.pipelines.ingest import SourceFile, load_source
from benelink.pipelines.standardize import standardize
from benelink.pipelines.validate import validate_source
from benelink.standardize.identifiers import record_id_column
from tests.helpers import SAMPLE, TEST_KEY, config_for

pytestmark = pytest.mark.cli  # runs benelink through its command line

MONTH = "2026-11"
KEY = parse_key(TEST_KEY, "test key")
ENCODED = SourceSettings(file="naf.encoded.parquet", kind="naf", format="encoded")


@pytest.fixture(scope="module")
def encoded_naf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The committed sample's NAF file encoded through the CLI: (config, encoded file)."""
    root = tmp_path_factory.mktemp("encode")
    config = config_for(SAMPLE, root / "out", root / "partner.toml")
    target = root / MONTH / "naf.encoded.parquet"
    result = CliRunner().invoke(
        app,
        [
            "encode",
            "--config",
            str(config),
            "--source",
            "naf",
            "--month",
            MONTH,
            "--out",
            str(target),
        ],
        env={"BENELINK_KEY": TEST_KEY},
    )
    assert result.exit_code == 0, result.output
    assert "naf" in result.output and key_fingerprint(KEY) in result.output
    return config, target


def _raw_naf(config: Path) -> pd.DataFrame:
    return _naf_file(config).frame


def test_encoded_file_schema_version_and_fingerprint(encoded_naf: tuple[Path, Path]) -> None:
    _, path = encoded_naf
    schema = pq.read_schema(path)
    assert tuple(schema.names) == ENCODED_COLUMNS
    meta = json.loads(schema.metadata[METADATA_KEY])
    assert meta["encoding_version"] == 2
    assert meta["key_fingerprint"] == key_fingerprint(KEY)
    assert (meta["source"], meta["kind"], meta["month"]) == ("naf", "naf", MONTH)
    assert all(f.metadata and f.metadata.get(b"description") for f in schema)


def _raw_values(raw: pd.DataFrame) -> set[str]:
    """Every personal value of the raw file, plus every 3-letter piece of every name word."""
    values: set[str] = set()
    for column in ("national_number", "phone", "date_of_birth", "source_record_id"):
        values |= {v for v in raw[column].dropna().astype(str) if len(v) >= 4}
    for column in ("first_name", "father_name", "grandfather_name", "family_name"):
        for name in raw[column].dropna().astype(str):
            for word in re.split(r"\s+", name):
                values |= {word[i : i + 3] for i in range(len(word) - 2)}
    return values


def test_no_raw_value_in_the_encoded_file(encoded_naf: tuple[Path, Path], tmp_path: Path) -> None:
    config, path = encoded_naf
    raw = _raw_naf(config)
    frame, meta = read_encoded(path, path.name)
    # uncompressed copy, so a raw string would show in the bytes as it is
    plain = tmp_path / "plain.parquet"
    pq.write_table(to_table(frame, meta), plain, compression="none")
    text = plain.read_bytes().decode("utf-8", errors="ignore")
    cells = " ".join(str(v) for v in frame.drop(columns=list(frame.filter(like="_bloom"))).stack())
    metadata = json.dumps(meta, ensure_ascii=False)
    values = _raw_values(raw)
    found = [v for v in values if v in text or v in cells or v in metadata]
    assert len(raw) > 100 and len(values) > 500 and found == []


def test_a_run_reads_the_file_and_links_it_with_the_clear_sources(
    encoded_naf: tuple[Path, Path],
) -> None:
    config, path = encoded_naf
    cfg = load_config(config)
    naf = load_encoded_source("naf", ENCODED, path.parent, key_fingerprint(KEY), MONTH)
    clear = []
    for name in ("unhcr", "jobseekers"):
        settings = cfg.sources[name]
        loaded = load_source(name, settings, cfg.incoming_dir(MONTH))
        clear.append(standardize(validate_source(loaded).valid, settings.kind))
    records_clear = pseudonymize(pd.concat(clear, ignore_index=True), KEY)
    inputs = link_inputs(records_clear, [naf.records], KEY)
    assert len(inputs.records) == len(inputs.outputs) == len(records_clear) + naf.n_rows
    assert inputs.outputs["record_token"].tolist() == inputs.records["record_token"].tolist()
    encoded_rows = inputs.outputs["source"] == "naf"
    assert inputs.outputs.loc[encoded_rows, "birth_year"].isna().all()
    assert inputs.outputs.loc[encoded_rows, "national_number_token"].notna().any()

    result = link_records(inputs.records, LinkageSettings(), form=inputs.form)
    truth = pd.read_csv(SAMPLE / "truth.csv", dtype=str).rename(
        columns={"source_record_id": "record_key"}
    )
    # standardised records carry the normalised record id; the truth file has the typed one
    truth["record_key"] = record_id_column(truth["record_key"]).astype(str)
    # the truth is keyed on the partner's record ids, which only the partner can map to tokens
    naf_clear = pseudonymize(standardize(validate_source(_naf_file(config)).valid, "naf"), KEY)
    id_of = dict(zip(naf_clear["record_token"], naf_clear["source_record_id"], strict=True))
    clear_ids = records_clear["source_record_id"].astype(str).tolist()
    keys = clear_ids + [id_of[t] for t in naf.records["record_token"]]
    predicted = pd.DataFrame(
        {
            "source": inputs.records["source"].astype(str),
            "record_key": keys,
            "cluster": result.cluster,
        }
    )
    # kept only: the truth file names the records of both months, these are November's
    quality = pairwise_quality(predicted, truth).kept_only
    assert quality is not None
    # measured on the sample: all clear F1 0.998; NAF encoded, the rest clear: see docs/encoding.md
    assert quality.f1 >= 0.99
    assert quality.by_source_pair["naf~unhcr"]["recall"] >= 0.97


def _naf_file(config: Path) -> SourceFile:
    cfg = load_config(config)
    return load_source("naf", cfg.sources["naf"], cfg.incoming_dir(MONTH))


def test_a_file_under_another_key_is_refused(encoded_naf: tuple[Path, Path]) -> None:
    _, path = encoded_naf
    with pytest.raises(KeyError_, match="fingerprint"):
        load_encoded_source("naf", ENCODED, path.parent, "0" * 16, MONTH)


def test_a_file_of_another_source_or_month_is_refused(encoded_naf: tuple[Path, Path]) -> None:
    _, path = encoded_naf
    with pytest.raises(ConfigError, match="--source other"):
        load_encoded_source("other", ENCODED, path.parent, key_fingerprint(KEY), MONTH)
    with pytest.raises(UnreadableFileError, match="2026-10"):
        load_encoded_source("naf", ENCODED, path.parent, key_fingerprint(KEY), "2026-10")


def test_a_plain_parquet_file_is_not_an_encoded_file(tmp_path: Path) -> None:
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "naf.encoded.parquet")
    with pytest.raises(UnreadableFileError, match="not a benelink encoded file"):
        load_encoded_source("naf", ENCODED, tmp_path, key_fingerprint(KEY))


def test_encoding_an_encoded_source_is_a_usage_error(tmp_path: Path) -> None:
    config = config_for(SAMPLE, tmp_path / "out", tmp_path / "c.toml")
    text = config.read_text(encoding="utf-8").replace(
        'file = "naf.xlsx"', 'file = "naf.encoded.parquet"\nformat = "encoded"'
    )
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["encode", "--config", str(config), "--source", "naf", "--month", MONTH, "--out", "x"],
        env={"BENELINK_KEY": TEST_KEY},
    )
    assert result.exit_code == 2 and "already encoded" in result.output


def _encoded_month(root: Path, encoded: Path) -> Path:
    """A month folder with the encoded NAF file and the clear UNHCR and job-seeker files,
    and a configuration declaring NAF encoded."""
    folder = root / "in" / MONTH
    folder.mkdir(parents=True)
    for name in ("unhcr.csv", "jobseekers.csv"):
        (folder / name).write_bytes((SAMPLE / MONTH / name).read_bytes())
    (folder / encoded.name).write_bytes(encoded.read_bytes())
    config = config_for(root / "in", root / "out", root / "c.toml")
    text = config.read_text(encoding="utf-8").replace(
        'file = "naf.xlsx"', 'file = "naf.encoded.parquet"\nformat = "encoded"'
    )
    config.write_text(text, encoding="utf-8")
    return config


def test_validate_checks_an_encoded_source_with_or_without_the_key(
    encoded_naf: tuple[Path, Path], tmp_path: Path
) -> None:
    from benelink.pipelines.check import check_month

    cfg = load_config(_encoded_month(tmp_path, encoded_naf[1]))
    with_key = {c.source: c for c in check_month(cfg, MONTH, key_fingerprint(KEY))}
    assert with_key["naf"].ok and with_key["naf"].note is None
    assert with_key["naf"].rows == len(pd.read_parquet(encoded_naf[1]))
    assert with_key["unhcr"].ok and with_key["unhcr"].rows > 0
    without = {c.source: c for c in check_month(cfg, MONTH)}
    assert without["naf"].ok and without["naf"].note == "key not checked"
    other = {c.source: c for c in check_month(cfg, MONTH, "0" * 16)}
    assert not other["naf"].ok and other["naf"].exit_code == 2
    assert "fingerprint" in (other["naf"].problem or "")
    late = {c.source: c for c in check_month(cfg, "2026-12")}
    assert late["naf"].exit_code == 3 and "missing" in (late["naf"].problem or "")
    assert not (tmp_path / "out").exists()


def test_damaged_encoding_metadata_is_an_unreadable_file(tmp_path: Path) -> None:
    import pyarrow as pa

    for meta in (b"{not json", b"[1, 2]"):
        table = pa.table({"a": [1]}).replace_schema_metadata({METADATA_KEY: meta})
        pq.write_table(table, tmp_path / "naf.encoded.parquet")
        with pytest.raises(UnreadableFileError, match="not a benelink encoded file"):
            load_encoded_source("naf", ENCODED, tmp_path, None)


def test_a_version_1_file_is_read_with_its_skeletons_missing(
    encoded_naf: tuple[Path, Path], tmp_path: Path
) -> None:
    """A partner's file written before the skeletons still links, on keys and names alone."""
    _, path = encoded_naf
    frame, meta = read_encoded(path, path.name)
    old = tmp_path / "v1.parquet"
    table = to_table(frame, {**meta, "encoding_version": 1})
    pq.write_table(table.drop_columns(list(SKELETON_COLUMNS)), old)
    again, _ = read_encoded(old, old.name)
    assert again[list(SKELETON_COLUMNS)].isna().all().all()
    assert again["first_key_bloom"].tolist() == frame["first_key_bloom"].tolist()
