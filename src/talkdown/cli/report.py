"""The after-action report as HTML (Jinja2, autoescaped), offline; ``services/pdf.py`` makes its PDF.

Why here: Jinja2 is a presentation library, kept out of services by the import contracts; the ``Report`` read
model comes from ``services/report.py``. The HTML is self-contained (inline CSS around the console's report
body, charts as data URIs), so WeasyPrint never fetches anything and the fonts it uses (DejaVu, installed with
the system) are embedded in the PDF.
"""

from __future__ import annotations

from importlib import resources

import jinja2
from markupsafe import Markup

from talkdown.domain.text import breakable_html
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
    # No time filters: the report formats its own times on its own clock (``Report.clock``/``day``), so this page,
    # the console's and their PDFs cannot disagree about the zone.
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_template), autoescape=True, undefined=jinja2.StrictUndefined)
    # Logged text in a table cell gets break opportunities (``domain.text.breakable_html``): a 30,000-character
    # line with no space added some 20 s to the PDF, WeasyPrint breaking it by overflow-wrap alone.
    env.filters["breakable"] = lambda v: Markup(breakable_html(str(v)))  # noqa: S704  # escaped, then <wbr>
    return env


def render_html(report: Report) -> str:
    """The report page; every value is escaped, charts are trusted data URIs made by talkdown."""
    return _environment().get_template("report.html").render(r=report, s=report.state)
