"""The ``benelink`` command and ``python -m benelink``.

Worker processes are started fresh ("spawn", ``benelink.processes``) and import the
script that started the run once more before they take any work. So this module
imports nothing at its top: were it the command line itself, every worker would
import all of it (about two seconds each at the start of the standardise stage)
to run one standardiser.
"""

from __future__ import annotations


def main() -> None:
    """Run the command line."""
    from benelink.cli import app

    app(prog_name="benelink")


if __name__ == "__main__":  # worker processes import this module again: they must not run it
    main()
