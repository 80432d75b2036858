"""Two console processes on one PostgreSQL database: what one logs reaches the other's boards by NOTIFY.

Each "process" is an ``App`` of its own (own engine, own listener) behind its own server. The watching
console polls only every 30 s here, so a line that arrives within the client's 10 s read timeout came
through LISTEN/NOTIFY, not through a poll.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from talkdown.services import accounts, entries, live
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.store.notify import Change, ChangeKind, Listener
from talkdown.web.app import create_app
from talkdown.web.config import WebConfig
from tests.web.conftest import PASSWORD, seed_incident
from tests.web.server import running, sse_messages

pytestmark = pytest.mark.integration
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
SLOW_POLLS = WebConfig(poll_interval_s=30.0, safety_poll_s=30.0, advice_refresh_s=60.0, analysis_worker=False)


@dataclass
class Pair:
    writer: App  # the other process: logs lines, stores analysis
    watcher: App  # the process whose board is open
    incident_id: str


def _process(root: Path, database_url: str) -> App:
    return build_app(Settings(data_dir=root / "data", database_url=database_url, checkpoint_dir=root / "cp"))


@pytest.fixture
def pair(tmp_path: Path, database_url: str) -> Iterator[Pair]:
    writer, watcher = _process(tmp_path / "a", database_url), _process(tmp_path / "b", database_url)
    accounts.add_user(writer, username="tl", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    yield Pair(writer, watcher, seed_incident(writer))
    for app in (writer, watcher):
        if app.listener is not None:
            app.listener.stop()
        app.store.engine.dispose()


def _listening(listener: Listener | None, incident_id: str) -> None:
    """Start the watcher's listener and return once LISTEN is in effect, so no commit can slip past it."""
    assert listener is not None
    heard: queue.Queue[Change] = queue.Queue()
    listener.subscribe(incident_id, heard.put)
    assert heard.get(timeout=10) == Change(ChangeKind.RESYNC, incident_id)


@pytest.fixture
def stream(pair: Pair) -> Iterator[Iterator[tuple[str | None, str]]]:
    with _watching(pair, SLOW_POLLS) as messages:
        yield messages


@contextmanager
def _watching(pair: Pair, config: WebConfig) -> Iterator[Iterator[tuple[str | None, str]]]:
    """The watcher's SSE messages for the incident as (id, data), from its head on, once its tail has read.

    The tail's first read renders the panels; waiting for them means a line logged afterwards can only
    reach the board through a notification (or the next poll).
    """
    _listening(pair.watcher.listener, pair.incident_id)
    head = live.head_seq(pair.watcher, pair.incident_id)
    with (
        running(create_app(pair.watcher, config=config)) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        body = client.post("/api/session", json={"username": "tl", "password": PASSWORD}).json()
        client.headers["X-CSRF-Token"] = body["csrf_token"]
        with client.stream("GET", f"/incidents/{pair.incident_id}/stream?after={head}") as response:
            assert response.status_code == 200
            messages = sse_messages(response.iter_lines())
            ident, panels = next(messages)
            assert ident is None and 'id="panel-advice"' in panels, panels[:200]
            yield messages


def _next_line(stream: Iterator[tuple[str | None, str]]) -> tuple[str, str]:
    """The next message carrying logged lines (it has an id), skipping panel refreshes (they have none)."""
    for ident, html in stream:
        if ident is not None:
            return ident, html
    raise AssertionError("the stream ended")


@postgresql_only
def test_a_line_logged_by_another_process_reaches_the_board_without_waiting_for_a_poll(
    pair: Pair, stream: Iterator[tuple[str | None, str]]
) -> None:
    seq = entries.say(pair.writer, pair.incident_id, speaker="subj", text="Nobody calls me back.")
    ident, html = _next_line(stream)  # a 30 s poll would trip the client's 10 s read timeout first
    assert ident == str(seq)
    assert f'id="u-{seq}"' in html and "Nobody calls me back." in html


@postgresql_only
def test_analysis_stored_by_another_process_pushes_the_chips_without_waiting_for_a_poll(
    pair: Pair, stream: Iterator[tuple[str | None, str]]
) -> None:
    seq = entries.say(pair.writer, pair.incident_id, speaker="subj", text="You got 10 minutes, then I shoot him.")
    assert _next_line(stream)[0] == str(seq)
    ident, panels = next(stream)  # the panels owed for the new line; after them the tail has no reason to read
    assert ident is None and f'id="u-{seq}"' not in panels
    assert live.analyse_pending(pair.writer, pair.incident_id) >= 1  # as the writer's analysis worker would
    ident, html = next(stream)
    assert ident is None
    assert f'id="u-{seq}"' in html and "chip-threat" in html


@postgresql_only
def test_a_line_whose_notification_was_missed_still_reaches_the_board_by_the_safety_poll(pair: Pair) -> None:
    config = WebConfig(poll_interval_s=30.0, safety_poll_s=0.2, advice_refresh_s=60.0, analysis_worker=False)
    with _watching(pair, config) as messages:
        assert pair.watcher.listener is not None
        pair.watcher.listener.stop()  # as if the connection were down: this commit is never notified
        seq = entries.say(pair.writer, pair.incident_id, speaker="subj", text="Anyone there?")
        assert _next_line(messages)[0] == str(seq)


@postgresql_only
def test_the_listener_stops_with_the_app(pair: Pair) -> None:
    _listening(pair.watcher.listener, pair.incident_id)
    assert pair.watcher.listener is not None and pair.watcher.listener.is_running
    with TestClient(create_app(pair.watcher, config=SLOW_POLLS)):
        pass
    assert not pair.watcher.listener.is_running


def test_only_a_postgresql_console_listens_for_changes(app: App) -> None:
    hub = create_app(app, config=SLOW_POLLS).state.hub
    assert (hub.feed is None) == (app.store.engine.dialect.name == "sqlite")
