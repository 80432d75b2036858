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

from talkdown.errors import TalkdownError
from talkdown.services import accounts
from talkdown.services.report import build_report
from talkdown.web.deps import AppDep, CurrentIncident, Exporter, client_of
from talkdown.web.rendering import HERE

router = APIRouter(include_in_schema=False)


def _pdf(page: str, incident_id: str) -> bytes:
    """The page as PDF; WeasyPrint fetches nothing (no base URL; charts are data URIs). TD740 if missing."""
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    except (ImportError, OSError) as exc:
        raise TalkdownError(
            "TD740",
            feature="PDF reports",
            package="weasyprint",
            hint=" (and on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)",
        ) from exc
    footer = re.sub(r"[^A-Za-z0-9_.:-]", "", incident_id)  # goes into a CSS string
    sheets = [
        CSS(filename=str(HERE / "static" / "report.css")),
        CSS(
            string=f'@page {{ @bottom-left {{ content: "talkdown after-action report · {footer}"; '
            "font-size: 7pt; color: #666; } }"
        ),
    ]
    pdf: bytes = HTML(string=page, base_url=None).write_pdf(stylesheets=sheets)
    return pdf


@router.get("/incidents/{incident_id}/report")
def report_page(request: Request, app: AppDep, user: Exporter, incident_id: CurrentIncident) -> Response:
    built = build_report(app, incident_id)
    accounts.audit(
        app, actor=user.actor, action="export", target=incident_id, client=client_of(request), detail="report"
    )
    flags = {p.name.lower(): user.may(p) for p in accounts.Permission}
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "incidents/report.html",
        {"user": user, "csrf": user.csrf_token, "can": flags, "r": built, "s": built.state},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/incidents/{incident_id}/report.pdf")
def report_pdf(request: Request, app: AppDep, user: Exporter, incident_id: CurrentIncident) -> Response:
    built = build_report(app, incident_id)
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
