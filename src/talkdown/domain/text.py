"""Text that cannot be written as UTF-8: lone surrogates.

Why: Python turns bytes it cannot decode into lone surrogates (a command-line argument typed in another
encoding arrives as ``'\\udcff'``), and JSON may spell one as an escape (``"\\udcff"``). Such a string is not
Unicode text: the tokenizers, SQLite, Parquet and every UTF-8 writer refuse it, far from where it came in.
The edges find it first (``first_surrogate``) and say where; analysis, which must never fail on a line,
reads it with U+FFFD in its place (``readable``).

Also ``counted``: a number with its noun, as every sentence the user reads says it.
"""

from __future__ import annotations

import re

from talkdown.errors import TalkdownError

_SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text``, or None when it is Unicode text."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.start() if found else None


def readable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD: one code point for one, so offsets into the
    original (evidence spans) still point at the same characters."""
    return text if first_surrogate(text) is None else _SURROGATE.sub("\ufffd", text)


def require_text(value: str, *, what: str) -> str:
    """``value`` unchanged, or TD105 when a required text holds only white space (or nothing).

    Why here and not in the event models: the console's and the API's forms refuse such text (web/schemas.py),
    but the CLI and other callers reached the services with it, recording an incident titled "   " or a
    hostage with no alias. Tightening the events instead would make old logs that hold one fail to load.
    ``what`` names the field as the API does, so both faces say the same thing.
    """
    if not value.strip():
        raise TalkdownError("TD105", value=value, what=what, problem="must not be blank")
    return value


def counted(n: int, noun: str) -> str:
    """ "1 exchange", "3 exchanges": the debriefs, the sign-in page and the training CLI each spelled this."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
