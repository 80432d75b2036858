"""Errors as ``application/problem+json`` (CONVENTIONS §8), an alert fragment for HTMX requests, or a page.

A person who opens a wrong incident link or submits a plain form with a bad value in the browser gets an
HTML page with the code and message, not a JSON document; the API answers problem+json to everyone.

Why a few codes get their own HTTP status: the families map to 422/404/409/500, but a browser and an API
client must be able to tell "sign in" (401), "not allowed" (403) and "slow down" (429) apart without reading
the code. A browser asking for a page while signed out is sent to the sign-in page instead.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from talkdown.domain.text import NOTHING_SAVED, too_long
from talkdown.errors import TalkdownError

log = logging.getLogger(__name__)

STATUS_OVERRIDES = {
    "TD111": 413,
    "TD112": 400,
    "TD150": 401,
    "TD151": 401,
    "TD155": 401,
    "TD152": 403,
    "TD350": 403,
    "TD450": 429,
    "TD604": 503,
    "TD609": 503,
}
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    413: "Request too large",
    429: "Too many attempts",
    503: "Database unavailable",
}
PROBLEM = "application/problem+json"
# What the console says for a code whose message names the server's insides. TD604 (TD503, TD609) names the database (a
# PostgreSQL host, port and name, or the SQLite file's path) and the driver's error, which repeats them: the
# server's log gets all of it, a caller only what happened and what to do. Why not the whole message to a
# signed-in admin: knowing who is signed in takes the database that has just stopped answering.
PUBLIC_DETAIL = {
    "TD604": "The database did not answer. If you were saving anything, it was not saved; retry in a moment. If it "
    "goes on, tell whoever runs the console: its log says which database and why.",
    "TD503": "The database is damaged. If you were saving anything, it was not saved. Tell whoever runs the console "
    "at once: its log says which database and why, and the file must be preserved as it is and the latest backup "
    "restored.",
    "TD609": "The database stopped answering while this entry was being saved, and cannot say whether it was. "
    "Once it answers, look at the board before entering it again.",
}


# Where the console shows what a "not found" message's CLI hint ("See 'talkdown incident list'.") lists: the
# console's users may have no terminal on the server, and a command there names nothing they can open.
CONSOLE_HINT = {
    "TD201": "See the incident list (/incidents).",
    "TD202": "See the incident's board (/incidents/{incident_id}).",
    "TD220": "See the case library (/cases).",
    "TD232": "See the training sessions (/training).",
    "TD240": "See the incident's board (/incidents/{incident_id}).",
    "TD250": "See the accounts (/accounts).",
}
_CLI_HINT = re.compile(r" See 'talkdown [^']*'\.$")


def console_detail(exc: TalkdownError) -> str:
    """The message as the console gives it: the database's insides left out (``PUBLIC_DETAIL``), and a CLI hint
    replaced by the page that shows the same list (``CONSOLE_HINT``)."""
    if exc.code in PUBLIC_DETAIL:
        return PUBLIC_DETAIL[exc.code]
    hint = CONSOLE_HINT.get(exc.code)
    if hint is None:
        return exc.message
    shown = " " + hint.format(incident_id=exc.fields.get("incident_id", ""))
    return _CLI_HINT.sub(lambda _: shown, exc.message)


def status_of(exc: TalkdownError) -> int:
    return STATUS_OVERRIDES.get(exc.code, exc.http_status)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _wants_page(request: Request) -> bool:
    return request.method == "GET" and _is_browser_page(request)


def _is_browser_page(request: Request) -> bool:
    """A page or plain form a person opened in the browser: they get an HTML page, not JSON to decipher.

    The JSON API (``/api/...``) answers problem+json whatever the client accepts, so scripts see one format.
    """
    return (
        "text/html" in request.headers.get("accept", "")
        and not _is_htmx(request)
        and not request.url.path.startswith("/api/")
    )


def _phrase(status: int, fallback: str) -> str:
    """The status's reason phrase ("Not Found"), or ``fallback`` for a status HTTP does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return fallback


def problem(
    request: Request,
    templates: Jinja2Templates,
    *,
    status: int,
    title: str,
    detail: str,
    code: str | None,
    extra: dict[str, Any] | None = None,
) -> Response:
    if _is_htmx(request):
        response = templates.TemplateResponse(
            request, "_alert.html", {"level": "error", "code": code, "message": detail}, status_code=status
        )
        response.headers["HX-Retarget"] = "#alerts"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    if _is_browser_page(request):
        page: Response = templates.TemplateResponse(
            request,
            "error.html",
            {"title": title, "detail": detail, "code": code, "user": None, "csrf": None, "can": None},
            status_code=status,
        )
        return page
    if code is None:  # RFC 9457 §4.2.1: about:blank's title is the status phrase; a title of our own is a detail
        phrase = _phrase(status, title)
        detail, title = detail or (title if title != phrase else ""), phrase
    body: dict[str, Any] = {
        "type": f"/docs/errors#{code}" if code else "about:blank",
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class BodyTooLarge(StarletteHTTPException):
    """A request body that passed its limit while it streamed in (it declared no length): raised from the
    body's ``receive``, where FastAPI re-raises an HTTPException as it is, and answered as TD111."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.coded = TalkdownError("TD111", limit=limit)


def coded_problem(request: Request, templates: Jinja2Templates, exc: TalkdownError) -> Response:
    """The answer to a coded error: its status, problem+json, an HTMX alert or an HTML page."""
    status = status_of(exc)
    if exc.code in PUBLIC_DETAIL:  # the database's name and the driver's error and traceback: to the log only
        log.error("database error on %s %s: %s", request.method, request.url.path, exc.message, exc_info=exc)
    elif status >= 500:
        log.error("request failed with %s on %s", exc.code, request.url.path)
    response = problem(
        request,
        templates,
        status=status,
        title=TITLES.get(status, exc.family.title),
        detail=console_detail(exc),
        code=exc.code,
    )
    if exc.code == "TD450":
        response.headers["Retry-After"] = str(exc.fields.get("seconds", 60))
    elif exc.code == "TD604":
        response.headers["Retry-After"] = "5"
    return response


SECRET_FIELDS = frozenset({"password"})
READS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that save nothing: a refusal of one does not say "Nothing was saved"."""
HIDDEN = "(not shown)"


def _takes_a_secret(request: Request) -> bool:
    """Whether the route's body holds a password (sign-in, an account added or reset), read from the route itself.

    Why: TD105 quotes what was refused, and for a whole body that is not one JSON object it quotes the body. A
    password repeated in the answer is on the screen of a shared command-post laptop and in any client's error
    log; a near miss (one character short) is nearly the password. Read from the route's declared fields, so a
    new route that takes a password is covered without a list to keep.
    """
    dependant = getattr(request.scope.get("route"), "dependant", None)
    for field in getattr(dependant, "body_params", ()):
        kind = field.field_info.annotation
        names = set(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else {field.name}
        if names & SECRET_FIELDS:
            return True
    return False


def _body_problem(error: Mapping[str, Any], body: Any) -> tuple[str, str, str] | None:
    """What, value and problem for a body that is not a JSON object at all, or None for a field's error.

    pydantic reports unreadable JSON at ``("body", <character>)``, so the message read "'' is not a valid 1:
    JSON decode error"; and a list, a string or no body at all read "'' is not a valid body: Field required".
    """
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        reason = str((error.get("ctx") or {}).get("error", "")) or "not JSON"
        at = f" at character {loc[1]}" if len(loc) > 1 else ""
        return "JSON body", text[:80], f"{reason}{at}; send one JSON object (see /openapi.json)"
    if loc == ("body",):
        shown = "" if body is None else body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        return "request body", shown[:80], "send one JSON object with the fields this route takes (see /openapi.json)"
    return None


UNPARSED_BODY = "There was an error parsing the body"
"""FastAPI's bare 400 for a body its JSON reader raised on with anything but a JSONDecodeError."""


def _unparsed_body(exc: StarletteHTTPException) -> TalkdownError | None:
    """TD105 for a body FastAPI could not parse (400, ``code: null``), or None for any other HTTP error.

    Why: a JSON body nested thousands of levels deep makes the JSON reader raise RecursionError (not a
    JSONDecodeError), and bytes that are not UTF-8 raise UnicodeDecodeError; FastAPI answered both with a bare
    400 and no talkdown code, where every other body that is not one JSON object gets TD105 (422).
    """
    if exc.status_code != 400 or exc.detail != UNPARSED_BODY:
        return None
    cause = exc.__cause__
    if isinstance(cause, RecursionError):
        reason = "it is nested too deeply to read"
    elif isinstance(cause, UnicodeDecodeError):
        reason = "it is not UTF-8 text"
    else:
        reason = "it could not be read"
    return TalkdownError(
        "TD105", value="", what="JSON body", problem=f"{reason}; send one JSON object (see /openapi.json)"
    )


def _too_long(text: str, what: str, ctx: Mapping[str, Any], *, writes: bool) -> str:
    """How long the refused text is, the limit, and (``writes``) that nothing was saved: pydantic's "String
    should have at most 5000 characters" did not say by how much, nor that the words were not logged. Worded as
    the CLI's ``require_short``. A read (a search of the case library, a stream's Last-Event-ID) saves nothing to
    begin with, so it is not told that nothing was saved."""
    limit = ctx.get("max_length")
    said = (
        too_long(len(text), what=what, limit=limit)
        if isinstance(limit, int)
        else f"it is {len(text):,} characters long"
    )
    return f"{said}. {NOTHING_SAVED}" if writes else said


def install(app: FastAPI, templates: Jinja2Templates) -> None:
    """One handler per exception kind; any other exception is a bug, logged and answered with a bare 500."""

    async def on_talkdown(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TalkdownError)  # noqa: S101  # registered for this type only
        if exc.code in {"TD151", "TD155"} and _wants_page(request):
            ended = "&ended=idle" if exc.code == "TD155" else ""  # the sign-in page says why
            return RedirectResponse(f"/login?next={quote(request.url.path)}{ended}", status_code=303)
        return coded_problem(request, templates, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)  # noqa: S101  # registered for this type only
        found = exc.errors()
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in found
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"][1:] or first["loc"]) or "request"
        raw = found[0].get("input") if found else None
        # The value that was refused, so "'pdf' is not a valid format" (a whole body or a missing field: '').
        value = str(raw)[:80] if isinstance(raw, str | int | float) else ""
        why = first["msg"]
        whole = _body_problem(found[0], exc.body) if found else None
        if whole is not None:
            where, value, why = whole
        elif found and found[0].get("type") == "string_too_long" and isinstance(raw, str):
            value, why = (
                raw[:40] + "...",
                _too_long(raw, where, found[0].get("ctx") or {}, writes=request.method not in READS),
            )
        secret_field = bool(first["loc"][-1:]) and first["loc"][-1] in SECRET_FIELDS
        if secret_field or (whole is not None and _takes_a_secret(request)):
            value = HIDDEN  # a password, or a whole body that holds one, is never repeated
        detail = TalkdownError("TD105", value=value, what=where, problem=why).message
        return problem(
            request, templates, status=422, title="Invalid input", detail=detail, code="TD105", extra={"errors": errors}
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)  # noqa: S101  # registered for this type only
        if isinstance(exc, BodyTooLarge):
            return coded_problem(request, templates, exc.coded)
        unparsed = _unparsed_body(exc)
        if unparsed is not None:
            return coded_problem(request, templates, unparsed)
        response = problem(request, templates, status=exc.status_code, title=str(exc.detail), detail="", code=None)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    async def on_bug(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(
            request,
            templates,
            status=500,
            title="Internal error",
            detail="An internal error occurred; it was logged. Nothing you sent was lost if it was acknowledged.",
            code=None,
        )

    app.add_exception_handler(TalkdownError, on_talkdown)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_bug)
