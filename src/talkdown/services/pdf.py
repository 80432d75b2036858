"""HTML to PDF with WeasyPrint, for the after-action report the CLI writes and the console serves.

Why one place: both faces need the same guard and the same rule that WeasyPrint fetches nothing but the page's
own data URIs (the charts). No base URL stops relative links only: WeasyPrint's default fetcher still read any
absolute ``file://`` or ``http://`` URL a page held, so the fetcher itself refuses every other scheme. WeasyPrint
and Debian's pango libraries are an install step a command post may have skipped: TD701 names the [report] extra
when WeasyPrint is missing, TD740 the Debian packages when pango is. WeasyPrint is imported on first use, never at
start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
