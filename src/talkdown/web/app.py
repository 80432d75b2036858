"""``create_app``: the console as a FastAPI application, built around one ``App`` per process.

Why no module-level app: each test and each ``talkdown serve`` builds its own on its own database
(CONVENTIONS §7). Security headers are set on every response: a strict Content-Security-Policy (all
scripts and styles are served by the app, none inline), no framing, no referrer, no sniffing. The
interactive OpenAPI pages are off because they load their assets from a CDN; ``/openapi.json`` stays.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from talkdown import __version__
from talkdown.errors import TalkdownError
from talkdown.services import live
from talkdown.services.analysis_worker import AnalysisWorker
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings, is_loopback
from talkdown.web import problems
from talkdown.web.config import WebConfig
from talkdown.web.rendering import HERE, Fragments, build_templates
from talkdown.web.routes import admin, api, auth, cases, commands, error_codes, pages, report, training
from talkdown.web.sse import Hub
from talkdown.web.sse import router as sse_router

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


HSTS = (b"strict-transport-security", b"max-age=31536000")
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Pure ASGI middleware: Starlette's ``BaseHTTPMiddleware`` would wrap every long-lived SSE stream.

    HSTS goes on every answer when ``hsts`` (served with ``--tls-cert``) and on any answer to a request that
    arrived as https: through a reverse proxy named in ``TALKDOWN_TRUSTED_PROXIES`` uvicorn has already set the
    scheme from ``X-Forwarded-Proto``, and from any other sender the header has not changed it.

    ``Cache-Control: no-store`` goes on every answer that sets no caching of its own, but the vendored assets
    under ``/static/``: the API's JSON, the exports and the audit log hold hostage names and the subject's
    words, and a browser kept them on the shared laptop's disk after sign-out (the pages already said
    no-store; the stream says no-cache).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [*self.headers, HSTS] if self.hsts or scope.get("scheme") == "https" else self.headers
        if not scope["path"].startswith("/static/"):
            headers = [*headers, NO_STORE]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Pure ASGI middleware: refuse a request body over ``limit`` bytes (413, TD111) before it is read whole.

    Starlette reads a JSON or urlencoded body into memory in one piece, and ``/login`` and ``/api/session``
    do so before anyone has signed in: a few large requests took a laptop's console to gigabytes. A declared
    ``Content-Length`` over the limit is answered at once, unread; a body sent without one is counted as it
    arrives and stopped when it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            request = Request(scope)
            coded = TalkdownError("TD111", limit=self.limit)
            await problems.coded_problem(request, request.app.state.templates, coded)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise problems.BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


def host_name(header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:8000`` is ``::1``.

    >>> host_name("LocalHost:8000"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('localhost', '::1', '127.0.0.1')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.split(":", 1)[0]


class LocalOnly:
    """Pure ASGI middleware: on a console bound to loopback, refuse requests addressed to any other name (TD112).

    Why: a page on any site can have its name re-resolved to 127.0.0.1 (DNS rebinding) and then talk to the
    console as its own origin: no session cookie reaches it, but sign-in, the login throttle (a pause for
    127.0.0.1 locks out everyone on this computer) and every public route do. The browser still sends that
    page's name as Host, so answering only the loopback names closes it. ``--lan`` consoles answer any name:
    their users reach them by an address or a name of the laptop.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if not is_loopback(host_name(raw)):
            request = Request(scope)
            coded = TalkdownError("TD112", host=raw[:100])
            await problems.coded_problem(request, request.app.state.templates, coded)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def start_analysis_worker(td: App, config: WebConfig) -> AnalysisWorker | None:
    """The live analysis worker for this console, or None: then lines are analysed in-process."""
    if not config.analysis_worker:
        return None
    worker = AnalysisWorker(td.settings)
    try:
        worker.start()
    except OSError:
        log.exception("could not start the analysis worker; analysing in the serving process")
        return None
    return worker


@asynccontextmanager
async def lifespan(web: FastAPI) -> AsyncIterator[None]:
    worker = start_analysis_worker(web.state.td, web.state.config)
    web.state.analysis_worker = worker
    await run_in_threadpool(live.warm_up)  # while the worker boots
    try:
        yield
    finally:
        web.state.analysis_worker = None
        if worker is not None:
            await run_in_threadpool(worker.stop)
        await run_in_threadpool(web.state.hub.close)  # PostgreSQL: the change listener's connection and thread


def create_app(source: Settings | App | None = None, *, config: WebConfig | None = None) -> FastAPI:
    """The console for ``source``: an already built ``App`` (tests, ``make run``) or settings to build one."""
    td = source if isinstance(source, App) else build_app(source)
    live.policy_name(td)  # a bad TALKDOWN_POLICY_FILE stops the console here, not on every board (TD640-TD643)
    config = config or WebConfig()
    templates = build_templates(td.settings.display_zone)
    web = FastAPI(
        title="talkdown console",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="LIVE console API: every write needs a session cookie and the X-CSRF-Token header.",
        lifespan=lifespan,
    )
    web.state.td = td
    web.state.config = config
    web.state.templates = templates
    web.state.hub = Hub(td, Fragments(templates), config)
    web.state.analysis_worker = None  # started by the lifespan; without it, lines are analysed in-process
    problems.install(web, templates)

    web.add_middleware(BodyLimit, limit=config.max_body_bytes)
    if config.local_only:
        web.add_middleware(LocalOnly)
    web.add_middleware(SecurityHeaders, hsts=config.secure_cookies)  # added last: outermost, so on every answer
    api_commands, page_commands = commands.build_routers()
    for router in (
        auth.router,
        api.router,
        api_commands,
        pages.router,
        report.router,
        page_commands,
        cases.router,
        training.router,
        admin.router,
        error_codes.router,
        sse_router,
    ):
        web.include_router(router)
    web.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return web


TLS_ENV = "TALKDOWN_WEB_TLS"
LOCAL_ENV = "TALKDOWN_WEB_LOCAL"


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn (``talkdown.web.app:create_app_from_env``, ``factory=True``): what ``talkdown serve`` runs.

    Why a factory named by string: the CLI and the web layer are sibling edges that never import each
    other (CONVENTIONS §3); the CLI hands uvicorn this name and the settings travel in ``TALKDOWN_*``.
    """
    config = WebConfig(secure_cookies=os.environ.get(TLS_ENV) == "1", local_only=os.environ.get(LOCAL_ENV) == "1")
    return create_app(Settings(), config=config)
