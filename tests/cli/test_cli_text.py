"""Values from files shown on a terminal: never read as markup, never obeyed as escapes."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from benelink.cli.text import clean, markup, plain

# what clean() must leave out: C0 and C1 controls, DEL, bidi embeddings / overrides / isolates
FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(*renderables: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system="truecolor", force_terminal=True)
    console.print(*renderables)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return re.sub(r"\x1b\[[0-9;]*m", "", text)  # rich's own styling, not the value's


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\x1b]0;pwned\x07Name", "Name"),  # OSC: retitles the window
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink, ST-terminated
        ("\x1b[2J\x1b[1;31mred\x1b[0m", "red"),  # CSI: clears the screen, colours
        ("\x1bPq#0;2;0;0;0\x1b\\after", "after"),  # DCS (sixel)
        ("a\x9b31mb\x9d0;t\x9cc", "abc"),  # the 8-bit C1 forms
        ("tab\there\r\nnext", "tab here next"),  # breaks become one space
        ("bell\x07\x00nul\x7f", "bellnul"),
        ("abc\u202edcba\u2066x\u2069", "abcdcbax"),  # bidi override, isolate
        ("trailing\x1b", "trailing"),
        ("[/] [bold]x[/bold] :smile: محمد", "[/] [bold]x[/bold] :smile: محمد"),  # kept as written
    ],
)
def test_clean(value: str, expected: str) -> None:
    assert clean(value) == expected


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_clean_leaves_nothing_a_terminal_acts_on_and_is_idempotent(value: str) -> None:
    cleaned = clean(value)
    assert not FORBIDDEN.search(cleaned)
    assert clean(cleaned) == cleaned


def test_plain_text_is_shown_as_written_in_a_table_and_a_line() -> None:
    value = "[/]Rania [bold]Haddad[link=http://example.org] \x1b]0;t\x07"
    table = Table()
    table.add_column("officer")
    table.add_row(plain(value))
    shown = _shown(table, plain(value))
    assert shown.count("[/]Rania [bold]Haddad[link=http://example.org]") == 2
    assert "\x1b]" not in shown and "\x07" not in shown


def test_markup_styles_the_template_only() -> None:
    path = "/x/[/]y[bold]\\ :smile:"
    line = markup("snapshot: [bold]{path}[/] done", path=path)
    assert line.plain == f"snapshot: {path} done"
    assert [(s.start, s.end, str(s.style)) for s in line.spans] == [(10, 10 + len(path), "bold")]


def test_a_history_row_holding_markup_is_shown_as_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values read back from snapshots (officer, governorate) never reach rich as markup."""
    import pandas as pd
    from rich.console import Console

    from benelink.cli.people import render_history

    monkeypatch.setattr("benelink.cli.people.out", Console(width=200))
    frame = pd.DataFrame(
        {
            "month": ["2026-11"],
            "in_naf": [True],
            "in_unhcr": [False],
            "in_jobseekers": [True],
            "employment_status": ["[/]"],
            "officer": ["[/]Rania [bold]Haddad[link=http://x]"],
            "governorate": ["[bold]Amman[/]"],
            "n_records": [2],
        }
    )
    render_history("B-TEST", frame)
    shown = capsys.readouterr().out
    assert "[bold]Amman[/]" in shown and "[/]Rania" in shown
