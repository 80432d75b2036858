"""The case library pages: the historical cases, one case with its lessons, and the cases like an incident.

Read-only, so every role that may read incidents may read the library (the same ``READ`` permission).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from talkdown.services import cases, incidents
from talkdown.web.deps import AppDep, CurrentIncident, Reader
from talkdown.web.routes.pages import _page

router = APIRouter(include_in_schema=False)


@router.get("/cases")
def case_list(request: Request, app: AppDep, user: Reader, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    rows = cases.search_cases(app, q) if cases.is_search(q) else cases.list_cases(app)
    return _page(request, "cases/list.html", user, cases=rows, q=q)


@router.get("/cases/{case_id}")
def case_detail(request: Request, app: AppDep, user: Reader, case_id: str) -> Response:
    return _page(request, "cases/detail.html", user, lc=cases.get_case(app, case_id[:200]))


@router.get("/incidents/{incident_id}/cases-like")
def cases_like(request: Request, app: AppDep, user: Reader, incident_id: CurrentIncident) -> Response:
    result = cases.like_cases(app, incident=incident_id)
    state = incidents.get_incident(app, incident_id)
    note = cases.type_missing_note(result.type_missing) if result.type_missing else None
    return _page(request, "cases/like.html", user, result=result, state=state, type_missing_note=note)
