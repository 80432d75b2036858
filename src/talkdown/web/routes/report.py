"""The after-action report in the console: the same ``Report`` read model as ``talkdown report``.

Why a page of its own: the CLI's HTML is one self-contained file with inline CSS, which the console's
Content-Security-Policy refuses; here the page links ``static/report.css`` and the PDF is that page's body
rendered by WeasyPrint with the same stylesheet. The body itself (``incidents/_report_body.html``) is one
template, which ``talkdown report`` renders too.
Both are exports of the record, so they need the export permission and are written to the audit log.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from talkdown.services import accounts
from talkdown.services.pdf import html_to_pdf
from talkdown.services.report import build_report_for
from talkdown.web.deps import AppDep, CurrentIncident, Exporter, client_of
from talkdown.web.rendering import HERE
from talkdown.web.routes.pages import _page

router = APIRouter(include_in_schema=False)


def _pdf(page: str, incident_id: str) -> bytes:
    """The page as PDF with the console's report stylesheet and the incident in every page's footer."""
    footer = re.sub(r"[^A-Za-z0-9_.:-]", "", incident_id)  # goes into a CSS string
    page_css = (
        f'@page {{ @bottom-left {{ content: "talkdown after-action report · {footer}"; '
        "font-size: 7pt; color: #666; } }"
    )
    return html_to_pdf(page, css_files=[HERE / "static" / "report.css"], css=[page_css])


@router.get("/incidents/{incident_id}/report")
def report_page(request: Request, app: AppDep, user: Exporter, incident_id: CurrentIncident) -> Response:
    built = build_report_for(app, incident_id, user=user)
    accounts.audit(
        app, actor=user.actor, action="export", target=incident_id, client=client_of(request), detail="report"
    )
    return _page(request, "incidents/report.html", user, r=built, s=built.state)


@router.get("/incidents/{incident_id}/report.pdf")
def report_pdf(request: Request, app: AppDep, user: Exporter, incident_id: CurrentIncident) -> Response:
    built = build_report_for(app, incident_id, user=user)
    page = request.app.state.templates.env.get_template("incidents/report_pdf.html").render(r=built, s=built.state)
    pdf = _pdf(page, incident_id)
    accounts.audit(
        app, actor=user.actor, action="export", target=incident_id, client=client_of(request), detail="report.pdf"
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{incident_id}.report.pdf"',
            "Cache-Control": "no-store",
        },
    )
