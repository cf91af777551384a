"""``python -m benelink`` runs the command line."""

from benelink.cli import app

if __name__ == "__main__":  # worker processes import this module again: they must not run it
    app(prog_name="benelink")
