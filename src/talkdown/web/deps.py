"""Request dependencies: the application, the signed-in user (with the CSRF check) and the incident.

Why the CSRF check lives in ``current_user``: every route that changes anything needs a user, so putting
the check there makes it impossible to add a state-changing endpoint that forgets it. The token comes from
the ``X-CSRF-Token`` header (HTMX and API clients) or the ``csrf_token`` form field (plain forms), and must
equal the one stored with the session; the session cookie is also ``SameSite=Strict``.

Why permissions are checked before the incident is looked up: a user who may not read must not learn
which incident ids exist from the difference between 403 and 404.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from talkdown.errors import TalkdownError
from talkdown.services import accounts
from talkdown.services.accounts import Permission, SignedIn
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App

SESSION_COOKIE = "td_session"
PRE_CSRF_COOKIE = "td_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_app(request: Request) -> App:
    app: App = request.app.state.td
    return app


AppDep = Annotated[App, Depends(get_app)]


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


async def submitted_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it; the endpoint's Form() fields read the same parse
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def current_user(request: Request, app: AppDep) -> SignedIn:
    """The session's user (TD151 if none, TD155 if it ended idle); for a state-changing method also the CSRF
    check (TD152). The request counts as the user's activity (``TALKDOWN_SESSION_IDLE_MINUTES``)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    user = await run_in_threadpool(accounts.find_session, app, token) if token else None
    if user is None:
        raise await run_in_threadpool(accounts.signed_out, app, token)
    if request.method not in SAFE_METHODS:
        sent = await submitted_csrf(request)
        if not sent or not secrets.compare_digest(sent.encode(), user.csrf_token.encode()):
            await run_in_threadpool(audit_refusal, request, app, user, outcome="csrf")
            raise TalkdownError("TD152")
    return user


CurrentUser = Annotated[SignedIn, Depends(current_user)]


def audit_refusal(request: Request, app: App, user: SignedIn, *, outcome: str = "denied", detail: str = "") -> None:
    """The audit row of a signed-in user's refused request: a failed CSRF check, a role without the permission, or
    a refusal that depends on whose record it is (another trainee's debrief)."""
    accounts.audit(
        app,
        actor=user.actor,
        action="denied",
        outcome=outcome,
        target=f"{request.method} {request.url.path}",
        client=client_of(request),
        detail=detail,
    )


def allow(permission: Permission) -> Callable[[Request, SignedIn, App], Awaitable[SignedIn]]:
    """A dependency that yields the user if their role grants ``permission``; denials are audited."""

    async def check(request: Request, user: CurrentUser, app: AppDep) -> SignedIn:
        if not user.may(permission):
            await run_in_threadpool(audit_refusal, request, app, user, detail=permission.name)
        accounts.require(user, permission)
        return user

    check.__name__ = f"allow_{permission.name.lower()}"
    return check


Reader = Annotated[SignedIn, Depends(allow(Permission.READ))]
Opener = Annotated[SignedIn, Depends(allow(Permission.OPEN_INCIDENT))]
Exporter = Annotated[SignedIn, Depends(allow(Permission.EXPORT))]
Admin = Annotated[SignedIn, Depends(allow(Permission.MANAGE_USERS))]
Auditor = Annotated[SignedIn, Depends(allow(Permission.READ_AUDIT))]
Trainer = Annotated[SignedIn, Depends(allow(Permission.TRAIN))]
Instructor = Annotated[SignedIn, Depends(allow(Permission.INSTRUCT))]


def current_incident(incident_id: str, app: AppDep) -> str:
    """The full incident id for an id or unique prefix in the path (TD201/TD203 otherwise)."""
    return resolve_incident_id(app, incident_id[:64])


CurrentIncident = Annotated[str, Depends(current_incident)]
