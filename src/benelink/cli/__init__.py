"""The benelink command line: one module per command group, all on one Typer app.

``benelink.cli:app`` is the console entry point.
"""

# registration order is the order of `benelink --help`
from benelink.cli import run  # isort: skip
from benelink.cli import check, encode, keys, people, report, review, sample
from benelink.cli.app import app, resolve_month

__all__ = [
    "app",
    "check",
    "encode",
    "keys",
    "people",
    "report",
    "resolve_month",
    "review",
    "run",
    "sample",
]
