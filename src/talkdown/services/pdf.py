"""HTML to PDF with WeasyPrint, for the after-action report the CLI writes and the console serves.

Why one place: both faces need the same guard and the same rule that WeasyPrint fetches nothing (no base URL;
charts are data URIs). WeasyPrint and Debian's pango libraries are an install step a command post may have
skipped: TD701 names the [report] extra when WeasyPrint is missing, TD740 the Debian packages when pango is.
WeasyPrint is imported on first use, never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from talkdown.errors import TalkdownError


def html_to_pdf(page: str, *, css_files: Sequence[Path] = (), css: Sequence[str] = ()) -> bytes:
    """``page`` as PDF, with the stylesheets given as files and as text, after any the page holds."""
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except ImportError as exc:  # not installed: the extra pyproject declares for it, at its pinned version
        raise TalkdownError("TD701", feature="PDF output", extra="report") from exc
    except OSError as exc:  # installed, but Debian's pango is missing, which pip cannot install
        raise TalkdownError(
            "TD740",
            feature="PDF reports",
            package="weasyprint",
            hint=" (and on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)",
        ) from exc
    sheets = [CSS(filename=str(path)) for path in css_files] + [CSS(string=text) for text in css]
    pdf: bytes = HTML(string=page, base_url=None).write_pdf(stylesheets=sheets)
    return pdf
