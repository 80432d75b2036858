"""How one console process is served: cookie security and the live tail's polling interval."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebConfig:
    """Options of the serving process, not of the installation (those are ``Settings``).

    ``secure_cookies`` must be on whenever the console is served over TLS, so the session cookie is never
    sent in clear; ``talkdown serve`` sets it when given a certificate.
    """

    secure_cookies: bool = False
    poll_interval_s: float = 0.05
    advice_refresh_s: float = 15.0
    annotation_wait_s: float = 5.0
