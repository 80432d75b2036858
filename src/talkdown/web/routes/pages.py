"""The console's pages: incident list and creation, the incident board, the first-responder quick guide.

Pages are rendered from the same partials the live stream pushes, so a board opened now and a board that
has been open for hours show the same thing. Controls a role may not use are left out of the page; the
server refuses them anyway (the permission check is on the route, not in the template).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.state import IncidentState, Party
from talkdown.services import accounts, incidents, live
from talkdown.services.accounts import Permission, SignedIn
from talkdown.web.deps import AppDep, CurrentIncident, CurrentUser, Opener, Reader
from talkdown.web.schemas import IncidentIn

router = APIRouter(include_in_schema=False)
_TEAM_ROLES = {r for r in Role if r not in {Role.SUBJECT, Role.HOSTAGE, Role.UNKNOWN, Role.INTERMEDIARY}}


def _page(
    request: Request, name: str, user: SignedIn, *, withheld: frozenset[Permission] = frozenset(), **context: Any
) -> Response:
    """Render a page; ``withheld`` are permissions whose controls the page leaves out though the role has them."""
    templates = request.app.state.templates
    flags = {p.name.lower(): user.may(p) and p not in withheld for p in Permission}
    response: Response = templates.TemplateResponse(
        request, name, {"user": user, "csrf": user.csrf_token, "can": flags, **context}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def team(state: IncidentState) -> list[Party]:
    return [p for p in state.parties.values() if p.role in _TEAM_ROLES]


@router.get("/")
def home(user: CurrentUser) -> Response:
    del user
    return RedirectResponse("/incidents", status_code=303)


@router.get("/incidents")
def incident_list(request: Request, app: AppDep, user: Reader) -> Response:
    rows = sorted(incidents.list_incidents(app, status=True), key=lambda r: r.opened_at, reverse=True)
    return _page(request, "incidents/list.html", user, incidents=rows, types=list(IncidentType))


@router.post("/incidents")
def incident_create(request: Request, app: AppDep, user: Opener, body: Annotated[IncidentIn, Form()]) -> Response:
    incident_id = incidents.open_incident(
        accounts.acting_as(app, user),
        title=body.title,
        incident_type=body.incident_type,
        location=body.location,
        description=body.description,
    )
    del request
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.get("/incidents/{incident_id}")
def board(request: Request, app: AppDep, user: Reader, incident_id: CurrentIncident) -> Response:
    view = live.board_view(app, incident_id)
    return _page(
        request,
        "incidents/board.html",
        user,
        withheld=accounts.REFUSED_ON_A_SIMULATED_SESSION if view.notes_only else frozenset(),
        board=view,
        team=team(view.state),
    )


@router.get("/guide")
def guide(request: Request, user: Reader) -> Response:
    return _page(request, "guide/first_responder.html", user)
