from __future__ import annotations

from benelink.schemas import outputs
from tests.helpers import REPO


def test_every_snapshot_column_is_documented_for_people() -> None:
    text = (REPO / "docs" / "outputs.md").read_text(encoding="utf-8")
    for table in (outputs.BENEFICIARIES, outputs.RECORDS, outputs.LINKS):
        for column, description in table.items():
            assert f"`{column}`" in text
            assert description in text
