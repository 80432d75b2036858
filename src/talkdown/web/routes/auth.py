"""Sign-in and sign-out (page and API), accounts and the audit log for admins.

Why a separate login CSRF cookie: before sign-in there is no session to hold a CSRF token, so the login
form uses a double-submit token (cookie plus hidden field) to stop another site signing a user in as
someone else.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from talkdown.errors import TalkdownError
from talkdown.services import accounts
from talkdown.web.config import WebConfig
from talkdown.web.deps import (
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    Admin,
    AppDep,
    Auditor,
    CurrentUser,
    client_of,
)
from talkdown.web.schemas import AuditOut, LoginIn, SessionOut, UserChange, UserIn, UserOut

router = APIRouter()


def _is_https(request: Request) -> bool:
    """Whether this request reached the console over HTTPS: ``Secure`` cookies then, so they never go out in clear.

    Why per request and not only from ``--tls-cert``: behind a reverse proxy that ends TLS the console itself
    serves plain HTTP, and uvicorn sets the scheme to https from ``X-Forwarded-Proto`` only when the sender
    is a proxy named in ``TALKDOWN_TRUSTED_PROXIES``; anyone else claiming the header leaves it http.
    """
    config: WebConfig = request.app.state.config
    return config.secure_cookies or request.url.scheme == "https"


def _session_cookie(request: Request, response: Response, session: accounts.NewSession) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
        path="/",
    )


def _safe_next(value: str) -> str:
    """Only a path on this site: never an absolute or protocol-relative URL (open redirect)."""
    return value if value.startswith("/") and not value.startswith(("//", "/\\")) else "/incidents"


def _session_out(user: accounts.SignedIn) -> SessionOut:
    return SessionOut(
        username=user.username,
        role=user.role,
        permissions=sorted(p.name.lower() for p in user.permissions),
        csrf_token=user.csrf_token,
    )


@router.get("/login", include_in_schema=False)
def login_page(request: Request, app: AppDep, next: str = "/incidents", ended: str = "") -> Response:
    """The sign-in form; ``ended=idle`` (where a page whose session ended idle is sent) says why it is shown."""
    token = secrets.token_urlsafe(24)
    templates = request.app.state.templates
    idle = accounts.idle_wording(app) if ended == "idle" else ""
    response: Response = templates.TemplateResponse(
        request, "auth/login.html", {"csrf": token, "next": _safe_next(next), "user": None, "idle": idle}
    )
    response.set_cookie(PRE_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_is_https(request), path="/")
    return response


@router.post("/login", include_in_schema=False)
async def login_form(
    request: Request,
    app: AppDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/incidents",
) -> Response:
    expected = request.cookies.get(PRE_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected.encode(), csrf_token.encode()):
        raise TalkdownError("TD152")
    client = client_of(request)
    try:
        session = await run_in_threadpool(
            lambda: accounts.sign_in(app, username=username, password=password, client=client)
        )
    except TalkdownError as exc:
        if exc.code not in {"TD150", "TD450"}:
            raise
        templates = request.app.state.templates
        status = 429 if exc.code == "TD450" else 401
        page: Response = templates.TemplateResponse(
            request,
            "auth/login.html",
            {"csrf": expected, "next": _safe_next(next), "error": exc.message, "code": exc.code, "user": None},
            status_code=status,
        )
        if exc.code == "TD450":  # as the API's 429 says it (problems.coded_problem)
            page.headers["Retry-After"] = str(exc.fields.get("seconds", 60))
        return page
    response = RedirectResponse(_safe_next(next), status_code=303)
    _session_cookie(request, response, session)
    response.delete_cookie(PRE_CSRF_COOKIE, path="/")
    return response


@router.post("/logout", include_in_schema=False)
async def logout_form(request: Request, app: AppDep, user: CurrentUser) -> Response:
    del user  # the dependency has checked the session and the CSRF token
    token = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(lambda: accounts.sign_out(app, token, client=client_of(request)))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/api/session", tags=["session"], status_code=201, responses={401: {}, 429: {}})
async def api_login(request: Request, response: Response, app: AppDep, body: LoginIn) -> SessionOut:
    """Sign in; the session cookie is set and the CSRF token to send as ``X-CSRF-Token`` is returned."""
    client = client_of(request)
    session = await run_in_threadpool(
        lambda: accounts.sign_in(app, username=body.username, password=body.password, client=client)
    )
    _session_cookie(request, response, session)
    return _session_out(session.user)


@router.get("/api/session", tags=["session"], responses={401: {}})
def api_me(user: CurrentUser) -> SessionOut:
    return _session_out(user)


@router.delete("/api/session", tags=["session"], status_code=204, responses={401: {}, 403: {}})
def api_logout(request: Request, app: AppDep, user: CurrentUser) -> Response:
    del user
    accounts.sign_out(app, request.cookies.get(SESSION_COOKIE, ""), client=client_of(request))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/users", tags=["accounts"], responses={401: {}, 403: {}})
def api_users(app: AppDep, user: Admin) -> list[UserOut]:
    del user
    return [UserOut(username=n, role=r, disabled=d) for n, r, d in accounts.list_users(app)]


@router.post("/api/users", tags=["accounts"], status_code=201, responses={401: {}, 403: {}, 409: {}})
def api_add_user(app: AppDep, user: Admin, body: UserIn) -> UserOut:
    name = accounts.add_user(app, username=body.username, role=body.role, password=body.password, by=user.actor)
    return UserOut(username=name, role=body.role, disabled=False)


@router.patch("/api/users/{username}", tags=["accounts"], responses={401: {}, 403: {}, 404: {}, 409: {}})
def api_change_user(
    app: AppDep, user: Admin, username: Annotated[str, Path(max_length=64)], body: UserChange
) -> UserOut:
    """Disable or enable an account, change its role, or reset its password (which ends its open sessions)."""
    name, role, disabled = accounts.change_user(
        app, username, by=user, role=body.role, disabled=body.disabled, password=body.password
    )
    return UserOut(username=name, role=role, disabled=disabled)


@router.get("/api/audit", tags=["accounts"], responses={401: {}, 403: {}})
def api_audit(app: AppDep, user: Auditor, after_id: int = 0, limit: int = 200) -> list[AuditOut]:
    del user
    rows = accounts.list_audit(app, after_id=max(0, min(after_id, 2**62)), limit=max(1, min(limit, 1000)))
    return [AuditOut(**vars(r)) for r in rows]
