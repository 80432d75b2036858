"""A console session ends after ``TALKDOWN_SESSION_IDLE_MINUTES`` without activity, and the console says so.

A console left signed in on a shared command-post laptop stayed usable for the session's 14 hours. The clock is a
``FixedClock`` the test moves; the server, database and browser-facing answers are real.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from talkdown.domain.clock import FixedClock
from talkdown.services import accounts, incidents
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app
from talkdown.web.config import WebConfig
from tests.web.conftest import PASSWORD, seed_incident, sign_in
from tests.web.server import running, sse_messages

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 14, 19, 42, tzinfo=UTC)


def _console(tmp_path: Path) -> tuple[App, FixedClock]:
    clock = FixedClock(START)
    settings = Settings(data_dir=tmp_path / "data", checkpoint_dir=tmp_path / "cp", actor="user:test")
    td = build_app(settings, clock=clock)
    accounts.add_user(td, username="lead", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    return td, clock


def _idle_ends(td: App) -> list[tuple[str, str]]:
    return [(r.actor, r.detail) for r in accounts.list_audit(td) if (r.action, r.outcome) == ("logout", "idle")]


def test_a_page_opened_after_the_idle_minutes_goes_to_sign_in_saying_why(tmp_path: Path) -> None:
    td, clock = _console(tmp_path)
    client = TestClient(create_app(td))
    sign_in(client, "lead")
    clock.advance(timedelta(minutes=31))
    page = client.get("/incidents", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/incidents&ended=idle")
    login = client.get(page.headers["location"])
    assert "Signed out after 30 minutes without activity." in login.text
    api = client.get("/api/session")
    assert (api.status_code, api.json()["code"]) == (401, "TD155")
    assert "Signed out after 30 minutes without activity" in api.json()["detail"]
    assert _idle_ends(td) == [("user:lead", "idle=30m")]
    assert "Signed out after" not in client.get("/login").text  # only when sent there by the idle end
    td.store.engine.dispose()


def _until(condition: Callable[[], bool]) -> None:
    deadline, tick = time.monotonic() + 10, threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "the board did not check its session"
        tick.wait(0.02)


def _within(lines: Iterator[str], *, seconds: float) -> Iterator[str]:
    """The stream's lines, failing the test if it has not ended after ``seconds`` (its pings never time out)."""
    deadline = time.monotonic() + seconds
    for line in lines:
        assert time.monotonic() < deadline, "the stream did not end: the session was kept open"
        yield line


def _pings(lines: Iterator[str], count: int) -> None:
    """Read the stream until ``count`` keep-alive comments: it sends one each time it waited ``session_check_s``
    for a message, and checks the session between them."""
    for line in lines:
        if line == ": ping":
            count -= 1
            if count == 0:
                return


def test_a_board_of_an_open_incident_keeps_its_session_and_a_closed_ones_does_not(tmp_path: Path) -> None:
    td, clock = _console(tmp_path)
    incident = seed_incident(td)
    quick = WebConfig(session_check_s=0.05)
    with running(create_app(td, config=quick)) as url, httpx.Client(base_url=url, timeout=10) as client:
        client.post("/api/session", json={"username": "lead", "password": PASSWORD}).raise_for_status()
        digest = hashlib.sha256(client.cookies["td_session"].encode()).hexdigest()

        def last_seen() -> datetime | None:
            row = td.accounts.find_session(digest, now=clock.now(), idle_since=START - timedelta(days=1))
            return None if row is None else row.last_seen_at

        with client.stream("GET", f"/incidents/{incident}/stream") as stream:
            lines = stream.iter_lines()
            assert next(line for line in lines if line.startswith(": ")) == ": live"
            for _ in range(3):  # 75 minutes with the board open and nobody clicking
                clock.advance(timedelta(minutes=25))
                _until(lambda: last_seen() == clock.now())  # the board's check counted as activity
            assert _idle_ends(td) == []
            incidents.close_incident(td, incident, outcome="surrender")  # from the terminal: no one's request
            clock.advance(timedelta(minutes=25))
            _pings(lines, 5)  # the board checks its session between pings: here without counting as activity
            clock.advance(timedelta(minutes=6))  # 31 minutes since the last check of the open incident
            messages = list(sse_messages(_within(lines, seconds=10)))  # until the server ends the stream
        banner = messages[-1][1]
        assert "Signed out after 30 minutes without activity" in banner, banner
        assert f'href="/login?next=/incidents/{incident}&amp;ended=idle"' in banner
        assert _idle_ends(td) == [("user:lead", "idle=30m")]
        again = client.get("/api/session")
    assert (again.status_code, again.json()["code"]) == (401, "TD155")
    td.store.engine.dispose()


def _board_banner(url: str, username: str, incident: str, end: Callable[[str], object]) -> str:
    """Sign ``username`` in, open the incident's board stream, end the session with ``end(token)``, and return the
    banner the stream ends with."""
    with httpx.Client(base_url=url, timeout=10) as client:
        client.post("/api/session", json={"username": username, "password": PASSWORD}).raise_for_status()
        with client.stream("GET", f"/incidents/{incident}/stream") as stream:
            lines = stream.iter_lines()
            assert next(line for line in lines if line.startswith(": ")) == ": live"
            end(client.cookies["td_session"])
            messages = list(sse_messages(_within(lines, seconds=10)))
    return messages[-1][1]


def test_a_board_whose_session_ended_says_what_ended_it(tmp_path: Path) -> None:
    # The board said "Signed out or session ended" whatever happened, while the sign-in page named the idle end.
    td, clock = _console(tmp_path)
    incident = seed_incident(td)
    for name in ("dana", "eli", "fay", "gus"):
        accounts.add_user(td, username=name, role=AccountRole.SCRIBE, password=PASSWORD)
    quick = WebConfig(session_check_s=0.05)
    with running(create_app(td, config=quick)) as url:
        banners = {
            "signed out": _board_banner(url, "dana", incident, lambda token: accounts.sign_out(td, token)),
            "reset": _board_banner(url, "eli", incident, lambda _: accounts.reset_password(td, "eli", PASSWORD * 2)),
            "disabled": _board_banner(url, "fay", incident, lambda _: accounts.set_disabled(td, "fay", disabled=True)),
            "expired": _board_banner(url, "gus", incident, lambda _: clock.advance(timedelta(hours=15))),
        }
    assert "Signed out in another tab or window" in banners["signed out"]
    assert "password was changed" in banners["reset"]
    assert (
        "disabled by an administrator" in banners["disabled"] and "Sign in with another account" in banners["disabled"]
    )
    assert "a session lasts 14 hours at most" in banners["expired"]
    for banner in banners.values():
        assert "this board no longer updates" in banner.lower() and 'role="alert"' in banner
        assert f'href="/login?next=/incidents/{incident}"' in banner
    td.store.engine.dispose()


def test_a_board_that_cannot_reconnect_can_ask_why_its_session_ended(tmp_path: Path) -> None:
    # The browser hides a reconnecting stream's 401 from the page, so the board asks this route (board.js).
    td, clock = _console(tmp_path)
    incident = seed_incident(td)
    client = TestClient(create_app(td))
    sign_in(client, "lead")
    url = f"/incidents/{incident}/session-ended"
    assert client.get(url).status_code == 204  # still signed in: keep reconnecting
    clock.advance(timedelta(minutes=31))
    assert client.get(url).status_code == 200  # the check itself is not activity: the session ended idle
    ended = client.get(url)
    assert ended.headers["content-type"].startswith("text/html") and 'role="alert"' in ended.text
    assert "Signed out after 30 minutes without activity" in ended.text
    assert f'href="/login?next=/incidents/{incident}&amp;ended=idle"' in ended.text
    stranger = TestClient(create_app(td)).get("/incidents/%3Cb%3E/session-ended")
    assert stranger.status_code == 200 and "Signed out or session ended" in stranger.text
    assert "<b>" not in stranger.text  # the id is only echoed in the link, escaped
    td.store.engine.dispose()
