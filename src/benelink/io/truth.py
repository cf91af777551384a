"""Reading a truth file: which partner records belong to the same person.

A truth file (``source, source_record_id, person_id``) comes with generated data
or from a clerical study; ``benelink evaluate`` scores a snapshot against it.
It names records by the partners' own ids, so it is read here and nowhere
else, and every read is audited (``io.runlog.audit``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from benelink.errors import UnreadableFileError

TRUTH_COLUMNS: Final = ("source", "source_record_id", "person_id")


def read_truth(path: Path) -> pd.DataFrame:
    """The truth file as strings; one line naming the file when it cannot be used."""
    try:
        truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(f"{path}: cannot be read as CSV ({type(exc).__name__})") from None
    missing = [c for c in TRUTH_COLUMNS if c not in truth.columns]
    if missing:
        raise UnreadableFileError(f"{path}: missing column(s) {', '.join(missing)}")
    return truth
