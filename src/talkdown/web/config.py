"""How one console process is served: cookie security and the live tail's polling interval."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebConfig:
    """Options of the serving process, not of the installation (those are ``Settings``).

    ``secure_cookies`` marks every cookie ``Secure`` and sends HSTS on every answer; ``talkdown serve`` sets it
    when given a certificate. Without it, a request that arrived as https (through a reverse proxy named in
    ``TALKDOWN_TRUSTED_PROXIES``, whose ``X-Forwarded-Proto`` uvicorn believes) still gets both.
    ``analysis_worker`` runs live
    analysis in a child process started with the app (its lifespan); off, or when the app runs without
    its lifespan (tests), each new line is analysed in the serving process after the response. The live
    tail reads the log every ``poll_interval_s`` on SQLite; on PostgreSQL it reads when notified and at
    least every ``safety_poll_s``, which bounds how late a line is when a notification was lost. An open
    board checks its session every ``session_check_s``: signed out, disabled, password reset or expired,
    its stream ends then rather than at the next page load. A request body over ``max_body_bytes`` is refused
    (413, TD111) before it is read: the largest entry the forms take is a few tens of kilobytes, and an
    unlimited body is read whole into memory, before sign-in for ``/login`` and ``/api/session``.
    ``local_only`` (``talkdown serve`` on a loopback address) answers only requests addressed to 127.0.0.1,
    localhost or [::1]: a web page whose name an attacker points at 127.0.0.1 (DNS rebinding) is then refused
    instead of reaching the console as if from this computer.
    """

    secure_cookies: bool = False
    poll_interval_s: float = 0.05
    safety_poll_s: float = 2.0
    advice_refresh_s: float = 15.0
    annotation_wait_s: float = 5.0
    analysis_worker: bool = True
    session_check_s: float = 15.0
    max_body_bytes: int = 1_048_576
    local_only: bool = False
