"""`benelink encode`: a partner turns its own extract into tokens and name encodings."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from benelink.cli.app import ConfigOption, MonthOption, app, guarded, out, resolve_month
from benelink.cli.text import plain
from benelink.config.load import load_config
from benelink.io.keys import load_key
from benelink.pipelines.encode import EncodeSummary, encode_month


@app.command(rich_help_panel="Partners")
def encode(
    source: Annotated[
        str, typer.Option(help="The source to encode, as named in the configuration (e.g. naf).")
    ],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the encoded file.")],
    config: ConfigOption = Path("config/benelink.toml"),
    month: MonthOption = "previous",
) -> None:
    """Encode one partner file with the shared key: tokens and keyed name encodings, no raw PII.

    The file is what `benelink run` reads for a source declared with
    format = "encoded" (docs/encoding.md).
    """

    def action() -> EncodeSummary:
        cfg = load_config(config)
        resolved = resolve_month(month, datetime.now(UTC).date())
        key = load_key(cfg.run, os.environ, cfg.path.parent)
        return encode_month(cfg, source, resolved, key, out_path)

    summary = guarded(action)
    out.print(
        plain(
            f"encoded {summary.records:,} of {summary.rows:,} rows of '{source}' "
            f"({summary.rejected_rows:,} rejected) to {summary.path} "
            f"under key {summary.key_fingerprint}"
        )
    )
