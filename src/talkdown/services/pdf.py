"""HTML to PDF with WeasyPrint, for the after-action report the CLI writes and the console serves.

Why one place: both faces need the same guard (WeasyPrint and Debian's pango libraries are an install step a
command post may have skipped, said as TD740 with the packages to install) and the same rule that WeasyPrint
fetches nothing (no base URL; charts are data URIs). WeasyPrint is imported on first use, never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from talkdown.errors import TalkdownError


def html_to_pdf(page: str, *, css_files: Sequence[Path] = (), css: Sequence[str] = ()) -> bytes:
    """``page`` as PDF, with the stylesheets given as files and as text, after any the page holds."""
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except (ImportError, OSError) as exc:
        raise TalkdownError(
            "TD740",
            feature="PDF reports",
            package="weasyprint",
            hint=" (and on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)",
        ) from exc
    sheets = [CSS(filename=str(path)) for path in css_files] + [CSS(string=text) for text in css]
    pdf: bytes = HTML(string=page, base_url=None).write_pdf(stylesheets=sheets)
    return pdf
