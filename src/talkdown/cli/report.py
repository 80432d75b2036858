"""The after-action report as HTML (Jinja2, autoescaped) and PDF (WeasyPrint), both offline.

Why here: Jinja2 and WeasyPrint are presentation libraries, kept out of services by the import contracts;
the ``Report`` read model comes from ``services/report.py``. The HTML is self-contained (inline CSS around
the console's report body, charts as data URIs), so WeasyPrint never fetches anything and the fonts it uses
(DejaVu, installed with the system) are embedded in the PDF.
"""

from __future__ import annotations

from importlib import resources

import jinja2

from talkdown.errors import TalkdownError
from talkdown.services.report import Report


def _template(name: str) -> str | None:
    """The CLI's page, and the report's body from the console's templates (``incidents/_report_body.html``):
    one body for the file this command writes, the console's page and its PDF, so the three cannot drift."""
    for package in ("talkdown.cli", "talkdown.web"):
        path = resources.files(package).joinpath("templates", *name.split("/"))
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_template), autoescape=True, undefined=jinja2.StrictUndefined)
    # A record keeps UTC; the console's filters of the same names say the same.
    env.filters["utc_hm"] = lambda dt: dt.strftime("%H:%M:%S") if dt is not None else ""
    env.filters["utc_day"] = lambda dt: dt.strftime("%Y-%m-%d %H:%M UTC") if dt is not None else ""
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
