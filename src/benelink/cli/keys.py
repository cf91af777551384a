"""`benelink keygen` and `benelink rotate-key`."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from benelink.anonymize.keys import generate_key
from benelink.cli.app import ConfigOption, app, guarded, out, resolve_month
from benelink.cli.text import plain
from benelink.config.load import load_config
from benelink.errors import UsageError
from benelink.io.keys import load_key, write_key_file


@app.command("rotate-key", rich_help_panel="Keys")
def rotate_key_command(
    months: Annotated[
        str, typer.Option(help="Comma-separated months whose partner files are still at hand.")
    ],
    config: ConfigOption = Path("config/benelink.toml"),
    new_key_env: Annotated[
        str, typer.Option(help="Environment variable holding the new key.")
    ] = "BENELINK_NEW_KEY",
) -> None:
    """Change the secret key, re-keying the identity registry so ids carry on."""
    from benelink.anonymize.keys import parse_key
    from benelink.pipelines.rotate import rotate_key

    def action() -> Any:
        cfg = load_config(config)
        chosen = [resolve_month(m.strip(), datetime.now(UTC).date()) for m in months.split(",")]
        old_key = load_key(cfg.run, os.environ, cfg.path.parent)
        if new_key_env not in os.environ:
            raise UsageError(
                f"set {new_key_env} to the new key (create one with `benelink keygen`)"
            )
        new_key = parse_key(os.environ[new_key_env], f"environment variable {new_key_env}")
        return rotate_key(cfg, chosen, old_key, new_key)

    result = guarded(action)
    out.print(
        plain(
            f"registry re-keyed: {result.registry_files} file(s), key {result.old_fingerprint} → "
            f"{result.new_fingerprint}; newest registry: {result.rekeyed:,} records re-keyed, "
            f"{result.not_rekeyed:,} not found in the files of {months} (they will count as "
            "new if they return). From now on run with the new key."
        )
    )


@app.command(rich_help_panel="Keys")
def keygen(
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the new key file.")],
) -> None:
    """Write a new random 256-bit key to a file readable by its owner only (0600)."""

    guarded(lambda: write_key_file(out_path, generate_key()))
    out.print(
        plain(
            f"key written to {out_path} (mode 0600). "
            "Keep it safe: without it tokens cannot be recomputed."
        )
    )
