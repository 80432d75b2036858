"""The accounts page: an admin adds, disables, re-roles and resets console accounts without a terminal.

Why a page beside ``PATCH /api/users``: the person who runs the laptop in a command post may not be at ease in a
shell, and a lost device or a member who leaves must be shut out at once. The page's forms post with HTMX and
answer an alert, then reload the table; the rules (who may, never one's own way out) are the service's, shared
with the API (``services.accounts.change_user``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from talkdown.services import accounts
from talkdown.services.accounts import AccountRole
from talkdown.web.deps import Admin, AppDep
from talkdown.web.routes.pages import _page
from talkdown.web.schemas import UserChange, UserIn

router = APIRouter(include_in_schema=False)


@router.get("/accounts")
def accounts_page(request: Request, app: AppDep, user: Admin) -> Response:
    return _page(
        request,
        "accounts/list.html",
        user,
        users=accounts.list_users(app),
        roles=list(AccountRole),
        recent=accounts.recent_audit(app),
    )


@router.post("/accounts")
def account_add(request: Request, app: AppDep, user: Admin, body: Annotated[UserIn, Form()]) -> Response:
    name = accounts.add_user(app, username=body.username, role=body.role, password=body.password, by=user.actor)
    return _done(request, f"Account {name} added ({body.role.value}).")


@router.post("/accounts/{username}")
def account_change(
    request: Request,
    app: AppDep,
    user: Admin,
    username: Annotated[str, Path(max_length=64)],
    body: Annotated[UserChange, Form()],
) -> Response:
    name, now_role, now_disabled = accounts.change_user(
        app, username, by=user, role=body.role, disabled=body.disabled, password=body.password
    )
    said = "password reset, its sessions ended" if body.password else ("disabled" if now_disabled else now_role.value)
    return _done(request, f"Account {name}: {said}.")


def _done(request: Request, message: str) -> Response:
    """The alert, and a reload of the page so the table shows the change."""
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request, "_alert.html", {"level": "ok", "message": message, "code": None}
    )
    response.headers["HX-Refresh"] = "true"
    return response
