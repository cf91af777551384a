"""``python -m benelink`` runs the command line."""

from benelink.cli import app

app(prog_name="benelink")
