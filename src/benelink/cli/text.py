"""Text from files, configuration and state, made safe to show on a terminal.

Partner files, configurations and snapshots hold text benelink did not write:
a header, an officer's name, a source or file name. Printed as it is, such
text can do two kinds of harm. ``rich`` reads ``[bold]`` or ``[/]`` in a
string as console markup, so a value that looks like markup changes the output
or stops the command with a ``MarkupError``; and a terminal obeys the escape
sequences in what it is sent, so a header such as ``"\\x1b]0;pwned\\x07Name"``
retitles the officer's window, and others rewrite lines already on the screen
or, on some terminals, answer back as typed input.

Every value that does not come from benelink's own code is shown through this
module: ``clean`` removes what a terminal would act on, ``plain`` makes a rich
``Text`` that is never parsed as markup, and ``markup`` fills benelink's own
styled templates with such values. ``clean`` is also what the error line of
``benelink.cli.app.guarded`` should go through.
"""

from __future__ import annotations

import re
from typing import Final

from rich.markup import escape
from rich.text import Text

__all__ = ["clean", "markup", "plain"]

# Escape sequences whole (so their parameters do not stay behind as text): CSI, the string
# sequences OSC / DCS / SOS / PM / APC up to their terminator, the short ESC sequences, and
# the same introduced by their 8-bit C1 forms.
_SEQUENCES: Final = re.compile(
    r"""
      (?:\x1b\[|\x9b) [0-?]* [\ -/]* [@-~]?                 # CSI: parameters, final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])               # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]* (?:\x07|\x9c|\x1b\\)?               # ... up to BEL or ST
    | \x1b [\ -/]* [0-~]?                                   # any other ESC sequence
    """,
    re.VERBOSE,
)
# Line breaks and tabs become spaces, so a value stays on its line and words stay apart.
_BREAKS: Final = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]+")
# What is left of C0 and C1 controls and DEL, and the bidirectional embeddings, overrides
# and isolates that make text read in another order than it is stored.
_CONTROLS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """``value`` as text a terminal shows and never acts on.

    Escape sequences are removed whole, line breaks and tabs become single
    spaces, and every other control character and bidirectional override is
    removed. Everything else — Arabic, emoji, brackets — is kept as written.
    """
    text = value if isinstance(value, str) else str(value)
    text = _SEQUENCES.sub("", text)
    return _CONTROLS.sub("", _BREAKS.sub(" ", text))


def plain(value: object, style: str = "") -> Text:
    """``value`` cleaned, as a rich ``Text`` that is shown as written, never read as markup."""
    return Text(clean(value), style=style)


def markup(template: str, **values: object) -> Text:
    """benelink's own console markup, ``template``, with ``values`` put in as plain text.

    ``markup("snapshot: [bold]{path}[/]", path=folder)`` styles the words the
    template styles; ``[/]`` or ``:smile:`` inside ``folder`` stay as written.
    """
    safe = {name: escape(clean(value)) for name, value in values.items()}
    return Text.from_markup(template.format(**safe), emoji=False)
