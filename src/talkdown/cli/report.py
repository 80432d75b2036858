"""The after-action report as HTML (Jinja2, autoescaped) and PDF (WeasyPrint), both offline.

Why here: Jinja2 and WeasyPrint are presentation libraries, kept out of services by the import contracts;
the ``Report`` read model comes from ``services/report.py``. The HTML is self-contained (inline CSS, charts
as data URIs), so WeasyPrint never fetches anything and the fonts it uses (DejaVu, installed with the
system) are embedded in the PDF.
"""

from __future__ import annotations

from importlib import resources

import jinja2

from talkdown.errors import TalkdownError
from talkdown.services.report import Report


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: resources.files("talkdown.cli").joinpath("templates", name).read_text(encoding="utf-8")
    )
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["hm"] = lambda dt: dt.strftime("%H:%M:%S") if dt is not None else ""
    env.filters["day"] = lambda dt: dt.strftime("%Y-%m-%d %H:%M UTC") if dt is not None else ""
    return env


def render_html(report: Report) -> str:
    """The report page; every value is escaped, charts are trusted data URIs made by talkdown."""
    return _environment().get_template("report.html").render(r=report, s=report.state)


def pdf_bytes(page: str) -> bytes:
    """Render the HTML to PDF with WeasyPrint (needs Debian's pango libraries; TD740 if missing)."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except (ImportError, OSError) as exc:
        raise TalkdownError(
            "TD740",
            feature="PDF reports",
            package="weasyprint",
            hint=" (and on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)",
        ) from exc
    pdf: bytes = HTML(string=page, base_url=None).write_pdf()
    return pdf
