"""Text that cannot be written as UTF-8: lone surrogates.

Why: Python turns bytes it cannot decode into lone surrogates (a command-line argument typed in another
encoding arrives as ``'\\udcff'``), and JSON may spell one as an escape (``"\\udcff"``). Such a string is not
Unicode text: the tokenizers, SQLite, Parquet and every UTF-8 writer refuse it, far from where it came in.
The edges find it first (``first_surrogate``) and say where; analysis, which must never fail on a line,
reads it with U+FFFD in its place (``readable``).

``is_blank``: the one test of a required text for "nothing written", which every face applies.

Also ``counted``: a number with its noun, as every sentence the user reads says it; and ``SHORT_TEXT_MAX``
with ``require_short``: the one limit on a one-line entry (a name, a title, a reason) that every face applies.
And ``breakable_html``: text escaped for a PDF's table cell, with break opportunities in runs with no space.
"""

from __future__ import annotations

import html
import re
import unicodedata

from talkdown.errors import TalkdownError

_SURROGATE = re.compile("[\ud800-\udfff]")
SHORT_TEXT_MAX = 500
"""The most characters a one-line entry (a name, a title, a reason) may have: the events' ``ShortText``, the
console's forms and the CLI's checks all read it here, so no face takes what another refuses."""
LONG_TEXT_MAX = 10_000
"""The most characters a line said (logged in LIVE or said by a trainee in TRAIN), a note or an intelligence
item may have, on every face. Why 10,000: the console's board took that much already, it is some twenty minutes
of speech (far more than one turn on the line), and a longer paste is a document to attach, not a line; the
training chat had 5,000 in the console and 100,000 at the terminal, for the same kind of text. The events keep
their 100,000 (``events.Text``) so that old logs and imported transcripts, whose monologues may be longer, load."""
DESCRIPTION_MAX = 5_000
"""The most characters an incident's description may have (the console's form and the CLI's ``--description``)."""


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


_DRAWS_NOTHING = frozenset({"Cc", "Cf", "Mn", "Me", "Mc", "Zs", "Zl", "Zp"})
"""Unicode categories whose characters show nothing on their own: controls, format characters (zero-width space
U+200B, joiners U+200C/D, word joiner U+2060, byte order mark U+FEFF, bidi marks), combining marks with no base
to sit on, and separators."""
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: letters (Lo) drawn as nothing


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: empty, or only white space and characters that draw nothing.

    Why not ``not text.strip()``: a line of zero-width spaces, a byte order mark or a lone combining mark
    passed that test, so an invisible "line" was logged, analysed and scored as said. A text with one visible
    character is not blank, whatever invisible characters surround it (they may belong to the script).
    """
    return all(ch.isspace() or ch in _FILLERS or unicodedata.category(ch) in _DRAWS_NOTHING for ch in text)


def require_text(value: str, *, what: str) -> str:
    """``value`` unchanged, or TD105 when a required text shows nothing (``is_blank``).

    Why here and not in the event models: the console's and the API's forms refuse such text (web/schemas.py),
    but the CLI and other callers reached the services with it, recording an incident titled "   " or a
    hostage with no alias. Tightening the events instead would make old logs that hold one fail to load.
    ``what`` names the field as the API does, so both faces say the same thing.
    """
    if is_blank(value):
        raise TalkdownError("TD105", value=value, what=what, problem="must not be blank")
    return value


def too_long(length: int, *, what: str, limit: int) -> str:
    """How long a refused text is and the field's limit, worded alike by the CLI (``require_short``) and the API
    (``web/problems.py``). Why the article: field names start with a vowel too ("a item", "a outlet" read wrong).

    >>> too_long(501, what="outlet", limit=500)
    'it is 501 characters long; an outlet may have up to 500'
    """
    article = "an" if what[:1].lower() in "aeio" else "a"
    return f"it is {length:,} characters long; {article} {what} may have up to {limit:,}"


NOTHING_SAVED = "Nothing was saved: shorten it or split it"
"""What a refused write of a too-long text adds to ``too_long``'s words, on the CLI (``require_short``) and the
API (``web/problems.py``) alike: the API said it and the CLI did not, though both refuse before writing."""


def too_long_unsaved(length: int, *, what: str, limit: int) -> str:
    """``too_long``'s words and that nothing was saved, for a text refused on its way to the log.

    >>> too_long_unsaved(501, what="outlet", limit=500)
    'it is 501 characters long; an outlet may have up to 500. Nothing was saved: shorten it or split it'
    """
    return f"{too_long(length, what=what, limit=limit)}. {NOTHING_SAVED}"


def require_short(value: str, *, what: str, limit: int = SHORT_TEXT_MAX) -> str:
    """``value`` unchanged, or TD105 naming its length and the limit when it is longer than ``limit``.

    Why refuse rather than cut: a reason cut at 500 characters reads as the whole reason in the record, and
    nobody is told the rest was lost; the console's form refuses it, so the CLI must too. Every caller checks a
    text it is about to save, before saving anything, so the refusal says nothing was saved, as the API's does.
    """
    if len(value) > limit:
        raise TalkdownError(
            "TD105", value=value[:40] + "...", what=what, problem=too_long_unsaved(len(value), what=what, limit=limit)
        )
    return value


def require_entry_text(value: str, *, what: str, limit: int = SHORT_TEXT_MAX) -> str:
    """``value`` unchanged, or TD105 when it is blank (``require_text``) or longer than ``limit``
    (``require_short``): a required, bounded text of an entry, checked before its event is built.

    Why one function: the diplomatic track's fields and the scribe's long texts (a line said, a note, an
    intelligence item, a correction) each composed the two checks by hand; the events cap these fields too, but a
    ``ValidationError`` from the event model reads as pydantic's words (or "internal error"), not these.
    """
    return require_short(require_text(value, what=what), what=what, limit=limit)


def counted(n: int, noun: str) -> str:
    """ "1 exchange", "3 exchanges": the debriefs, the sign-in page and the training CLI each spelled this."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


_UNBROKEN = re.compile(r"\S{20,}")
WBR_EVERY = 20  # characters of a run with no space between the break opportunities <wbr> adds


def breakable_html(text: str) -> str:
    """``text`` escaped as HTML, with a ``<wbr>`` every 20 characters of a run with no space.

    Why: WeasyPrint, finding no place to break a long run (a pasted document, a key held down, a language written
    without spaces), breaks it by ``overflow-wrap: anywhere`` at a cost that grows with the run's length: one
    30,000-character line added some 20 s to the after-action report's PDF, and a 4,000-character one made the
    debrief's table 60 times the page's width. ``<wbr>`` lets the line wrap there and adds no character (a copy of
    the text is unchanged). One function for the debrief and the report, the two PDFs with logged text in cells.

    >>> breakable_html("a <b> " + "x" * 45)
    'a &lt;b&gt; xxxxxxxxxxxxxxxxxxxx<wbr>xxxxxxxxxxxxxxxxxxxx<wbr>xxxxx'
    """
    out, last = [], 0
    for run in _UNBROKEN.finditer(text):
        out.append(html.escape(text[last : run.start()]))
        word = run[0]
        out.append("<wbr>".join(html.escape(word[i : i + WBR_EVERY]) for i in range(0, len(word), WBR_EVERY)))
        last = run.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
