"""HTML to PDF with WeasyPrint, for the after-action report the CLI writes and the console serves.

Why one place: both faces need the same guard and the same rule that WeasyPrint fetches nothing but the page's
own data URIs (the charts). No base URL stops relative links only: WeasyPrint's default fetcher still read any
absolute ``file://`` or ``http://`` URL a page held, so the fetcher itself refuses every other scheme. WeasyPrint
and Debian's pango libraries are an install step a command post may have skipped: TD701 names the [report] extra
when WeasyPrint is missing, TD740 the Debian packages when pango is. WeasyPrint is imported on first use, never at
start-up.

A character no installed font covers (Chinese, say, on a laptop with only the DejaVu fonts) prints as an empty box:
the subject's words in the report would be lost without a word. WeasyPrint logs each such character; ``render_pdf``
collects them and, if there are any, renders the page again with a note at its top that names them, says the log
keeps the text, and which font package to install. The CLI also says it on stderr.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talkdown.errors import TalkdownError

MISSING_GLYPH = ".notdef glyph rendered"
"""The start of the warning WeasyPrint (52 to 70 at least) logs for each character no font has."""
SHOWN = 12
"""Characters the note names; the rest are counted."""
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Pdf:
    data: bytes
    unprintable: tuple[str, ...]
    """Characters of the page that no installed font has, in order of first use (printed as boxes)."""


def html_to_pdf(page: str, *, css_files: Sequence[Path] = (), css: Sequence[str] = ()) -> bytes:
    """``page`` as PDF, with the stylesheets given as files and as text, after any the page holds."""
    return render_pdf(page, css_files=css_files, css=css).data


def render_pdf(page: str, *, css_files: Sequence[Path] = (), css: Sequence[str] = ()) -> Pdf:
    """``page`` as PDF, noting at its top any characters it prints as boxes (see the module docstring)."""
    with _missing_glyphs() as missing:
        data = _write(page, css_files, css)
    if not missing:
        return Pdf(data, ())
    unprintable = tuple(dict.fromkeys(missing))
    return Pdf(_write(_with_note(page, unprintable), css_files, css), unprintable)


def font_note(unprintable: Sequence[str]) -> str:
    """What a reader of a PDF with boxes in it needs to know, in plain text (the page's note and the CLI's line)."""
    shown = ", ".join(f"U+{ord(c):04X}" for c in unprintable[:SHOWN])
    more = f" and {len(unprintable) - SHOWN} more" if len(unprintable) > SHOWN else ""
    return (
        f"{len(unprintable)} character(s) have no font on this computer and print as empty boxes ({shown}{more}). "
        "The log keeps the text as it was typed. Install a font that covers them (on Debian: fonts-noto-cjk for "
        "Chinese, Japanese and Korean; fonts-noto for most other scripts) and export the report again."
    )


def _with_note(page: str, unprintable: Sequence[str]) -> str:
    note = f'<p style="border:1px solid #b00;padding:4px;color:#b00">{html.escape(font_note(unprintable))}</p>'
    body = _BODY.search(page)
    return page[: body.end()] + note + page[body.end() :] if body else note + page


@contextmanager
def _missing_glyphs() -> Iterator[list[str]]:
    """The characters WeasyPrint reports missing on this thread while the block runs (a web server renders two
    reports at once on two threads; each keeps its own)."""
    found: list[str] = []
    me = threading.get_ident()

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            args = record.args
            if record.thread == me and str(record.msg).startswith(MISSING_GLYPH) and isinstance(args, tuple) and args:
                found.append(str(args[0]))

    logger = logging.getLogger("weasyprint")
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def _write(page: str, css_files: Sequence[Path], css: Sequence[str]) -> bytes:
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except ImportError as exc:  # not installed: the extra pyproject declares for it, at its pinned version
        raise TalkdownError("TD701", feature="PDF output", extra="report") from exc
    except OSError as exc:  # installed, but Debian's pango is missing, which pip cannot install
        raise TalkdownError(
            "TD740",
            feature="PDF reports",
            package="weasyprint",
            hint="(and on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)",
        ) from exc
    sheets = [CSS(filename=str(path)) for path in css_files] + [CSS(string=text) for text in css]
    fetcher = _data_uris_only()
    pdf: bytes = HTML(string=page, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=sheets)
    return pdf


def _data_uris_only() -> Any:  # untyped in WeasyPrint, whose fetcher changed shape between releases
    """A URL fetcher that serves ``data:`` URIs and refuses everything else (WeasyPrint logs a warning, draws nothing).

    Our stylesheets are given as files and strings, not fetched, so nothing the report needs is refused.
    """
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # newer WeasyPrint (70 here): a fetcher object with an allow-list of schemes
        return urls.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str) -> Any:  # older WeasyPrint: a function; an exception is a warning, as for a missing file
        if not url.startswith("data:"):
            raise ValueError(f"talkdown's PDFs fetch nothing: {url[:80]}")
        return urls.default_url_fetcher(url)

    return fetch
