"""The live stream over a real server: pushes by seq, honours Last-Event-ID, sees other writers' entries."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.analysis.pipeline import Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.turn_model import MODEL_FILE
from talkdown.domain.enums import IncidentType, Role
from talkdown.services import accounts, annotate, entries, incidents, live
from talkdown.services.accounts import AccountRole as R
from talkdown.web import sse
from talkdown.web.app import create_app
from talkdown.web.config import WebConfig
from tests.web.conftest import PASSWORD, Console
from tests.web.server import running, sse_messages

pytestmark = pytest.mark.integration


def _events(lines: Iterator[str], count: int, *, logged_only: bool = False) -> list[tuple[str | None, str]]:
    """The next ``count`` SSE messages carrying data, as (id, data).

    ``logged_only`` skips id-less messages: chip refreshes for lines analysed in the background, which may
    arrive at any moment after an earlier line was logged.
    """
    out: list[tuple[str | None, str]] = []
    for ident, data in sse_messages(lines):
        if not (logged_only and ident is None):
            out.append((ident, data))
            if len(out) == count:
                return out
    return out


@pytest.fixture(scope="module")
def web(console: Console) -> FastAPI:
    return create_app(console.app)


@pytest.fixture(scope="module")
def base_url(web: FastAPI) -> Iterator[str]:
    with running(web) as url:
        yield url


@contextmanager
def _client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        body = client.post("/api/session", json={"username": "team_leader", "password": PASSWORD}).json()
        client.headers["X-CSRF-Token"] = body["csrf_token"]
        yield client


def test_an_entry_from_another_writer_is_pushed_with_its_seq_as_id(console: Console, base_url: str) -> None:
    head = entries.say(console.app, console.incident_id, speaker="subj", text="Still here.")
    with (
        _client(base_url) as client,
        client.stream("GET", f"/incidents/{console.incident_id}/stream?after={head}") as s,
    ):
        seq = entries.say(console.app, console.incident_id, speaker="subj", text="Nobody calls me back.")  # CLI-like
        ((ident, html),) = _events(s.iter_lines(), 1, logged_only=True)
    assert ident == str(seq)
    assert f'id="u-{seq}"' in html and "Nobody calls me back." in html and 'hx-swap-oob="beforeend:#log"' in html


def test_a_reconnect_with_last_event_id_gets_exactly_what_it_missed(console: Console, base_url: str) -> None:
    first = entries.say(console.app, console.incident_id, speaker="subj", text="One.")
    second = entries.say(console.app, console.incident_id, speaker="subj", text="Two.")
    third = entries.say(console.app, console.incident_id, speaker="subj", text="Three.")
    with (
        _client(base_url) as client,
        client.stream(
            "GET",
            f"/incidents/{console.incident_id}/stream?after=0",
            headers={"Last-Event-ID": str(first)},
        ) as s,
    ):
        ((ident, html),) = _events(s.iter_lines(), 1, logged_only=True)
    assert ident == str(third)
    assert f'id="u-{second}"' in html and f'id="u-{third}"' in html and f'id="u-{first}"' not in html


def test_a_line_is_pushed_again_with_its_chips_once_analysed(console: Console, base_url: str) -> None:
    head = entries.say(console.app, console.incident_id, speaker="subj", text="Quiet.")
    with (
        _client(base_url) as client,
        client.stream("GET", f"/incidents/{console.incident_id}/stream?after={head}") as s,
    ):
        lines = s.iter_lines()
        posted = client.post(
            f"/api/incidents/{console.incident_id}/utterances",
            json={"speaker": "subj", "text": "You got 10 minutes, then I shoot him."},
        )
        seq = posted.json()["seq"]
        seen = []
        while not any(f'id="u-{seq}"' in h and "chip-threat" in h for _, h in seen) and len(seen) < 6:
            seen += _events(lines, 1)
    chips = [html for _, html in seen if f'id="u-{seq}"' in html and "chip-threat" in html]
    assert chips, [h[:200] for _, h in seen]
    assert '<mark class="ev ev-talkdown_cue"' in chips[0]


def test_a_line_logged_before_the_board_connected_gets_its_chips_when_analysed(console: Console, base_url: str) -> None:
    """A console restarted while the CLI logged a line: the board reconnects to a new tail, which had never seen
    the line arrive, so its analysis (the worker's first sweep) was never pushed and it stayed without chips."""
    incident_id = incidents.open_incident(
        console.app, title="Quay Road, console restarted", incident_type=IncidentType.BARRICADE
    )
    entries.add_party(console.app, incident_id, name="Sam", role=Role.SUBJECT)
    seq = entries.say(console.app, incident_id, speaker="Sam", text="You got 10 minutes, then I shoot him.")
    with _client(base_url) as client, client.stream("GET", f"/incidents/{incident_id}/stream?after={seq}") as s:
        lines = s.iter_lines()
        seen = _events(lines, 1)  # the panels, as the tail starts
        assert live.analyse_pending(console.app, incident_id) == 1  # the worker's sweep
        while not any(f'id="u-{seq}"' in h for _, h in seen) and len(seen) < 4:
            seen += _events(lines, 1)
    chips = [html for _, html in seen if f'id="u-{seq}"' in html]
    assert chips and "chip-threat" in chips[0], [h[:200] for _, h in seen]


def test_an_observer_may_watch_the_stream(console: Console, base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        client.post("/api/session", json={"username": R.OBSERVER.value, "password": PASSWORD})
        with client.stream("GET", f"/incidents/{console.incident_id}/stream?after=0") as s:
            assert s.status_code == 200
            assert s.headers["content-type"].startswith("text/event-stream")


def test_boards_that_open_together_share_one_tail(console: Console, base_url: str, web: FastAPI) -> None:
    """Twenty boards connecting at the same moment (a restart, a team arriving) must not start twenty tails."""

    async def open_boards(cookies: httpx.Cookies) -> int:
        async def board(client: httpx.AsyncClient, live: asyncio.Event) -> None:
            async with client.stream("GET", f"/incidents/{console.incident_id}/stream?after=0") as s:
                async for line in s.aiter_lines():
                    if line.startswith(": live"):
                        break
                live.set()
                await asyncio.Event().wait()  # the stream stays open until cancelled

        async with httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=10) as client:
            opened = [asyncio.Event() for _ in range(20)]
            tasks = [asyncio.create_task(board(client, live)) for live in opened]
            await asyncio.wait_for(asyncio.gather(*(live.wait() for live in opened)), 20)
            count: int = web.state.hub.tail_count()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return count

    # In a thread of its own: Playwright's sync API may have left an event loop running in this one.
    with _client(base_url) as client, ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, open_boards(client.cookies)).result(timeout=60) == 1


def test_a_carriage_return_in_a_line_cannot_forge_an_sse_field(console: Console, base_url: str) -> None:
    head = entries.say(console.app, console.incident_id, speaker="subj", text="Before.")
    with (
        _client(base_url) as client,
        client.stream("GET", f"/incidents/{console.incident_id}/stream?after={head}") as s,
    ):
        seq = entries.say(console.app, console.incident_id, speaker="subj", text="Hi\rid: 999999\revent: x")
        ((ident, html),) = _events(s.iter_lines(), 1, logged_only=True)
    assert ident == str(seq)  # the text's "id:" stayed data, in the message for its own line
    assert f'id="u-{seq}"' in html and "id: 999999" in html


def test_an_idle_stream_sends_keepalive_comments(
    console: Console, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sse, "KEEPALIVE_S", 0.2)
    head = entries.say(console.app, console.incident_id, speaker="subj", text="Quiet now.")
    with (
        _client(base_url) as client,
        client.stream("GET", f"/incidents/{console.incident_id}/stream?after={head}") as s,
    ):
        lines = s.iter_lines()
        assert next(line for line in lines if line.startswith(": ")) == ": live"
        assert next(line for line in lines if line.startswith(": ")) == ": ping"


def test_an_entry_posted_to_this_console_is_pushed_without_waiting_for_the_poll(console: Console) -> None:
    slow = WebConfig(poll_interval_s=60.0)  # a poll would come far too late for the client's 10 s timeout
    with running(create_app(console.app, config=slow)) as url, _client(url) as client:
        head = entries.say(console.app, console.incident_id, speaker="subj", text="Waiting.")
        with client.stream("GET", f"/incidents/{console.incident_id}/stream?after={head}") as s:
            lines = s.iter_lines()
            assert next(line for line in lines if line.startswith(": ")) == ": live"
            posted = client.post(
                f"/api/incidents/{console.incident_id}/utterances", json={"speaker": "subj", "text": "Now."}
            )
            ((ident, html),) = _events(lines, 1, logged_only=True)
    assert ident == str(posted.json()["seq"]) and "Now." in html


def test_a_board_stops_receiving_when_its_session_ends(console: Console) -> None:
    quick = WebConfig(session_check_s=0.2)
    with running(create_app(console.app, config=quick)) as url, _client(url) as client:
        head = entries.say(console.app, console.incident_id, speaker="subj", text="Still here.")
        with client.stream("GET", f"/incidents/{console.incident_id}/stream?after={head}") as s:
            lines = s.iter_lines()
            assert next(line for line in lines if line.startswith(": ")) == ": live"
            accounts.sign_out(console.app, client.cookies["td_session"])
            messages = list(sse_messages(lines))  # until the server ends the stream (else the 10 s timeout)
        ident, html = messages[-1]  # panel refreshes may come first; the last word is the sign-out
        assert ident is None and "Signed out" in html and 'id="live"' in html  # replaces the stream's element
        again = client.get(f"/incidents/{console.incident_id}/stream?after={head}")
        assert again.status_code == 401


@pytest.mark.parametrize("sent", ["99999999999999999999", "²"], ids=["past-a-database-integer", "superscript-two"])
def test_a_last_event_id_that_is_not_one_of_ours_is_ignored(console: Console, base_url: str, sent: str) -> None:
    # The header was taken whenever str.isdigit() said so: twenty digits passed its 20-character limit and reached
    # the catch-up query as an integer SQLite cannot hold ("internal error", a traceback in the log, the stream cut
    # at once), and isdigit() is true of any script's digits. The ids the stream sends are seqs in ASCII digits;
    # anything else is ignored, as a non-number always was, and the board resumes after ``after``.
    head = entries.say(console.app, console.incident_id, speaker="subj", text="Hello?")
    with (
        _client(base_url) as client,
        client.stream(
            "GET",
            f"/incidents/{console.incident_id}/stream?after={head}",
            headers={"Last-Event-ID": sent.encode("latin-1")},  # as a header carries it
        ) as s,
    ):
        assert s.status_code == 200
        lines = s.iter_lines()
        before_live = []
        for line in lines:
            if line == ": live":
                break
            before_live.append(line)
        assert not [line for line in before_live if line.startswith(("id:", "data:"))]  # nothing replayed
        seq = entries.say(console.app, console.incident_id, speaker="subj", text="Are you there?")
        ((ident, _html),) = _events(lines, 1, logged_only=True)
    assert ident == str(seq)


def test_a_line_whose_analyser_failed_is_pushed_again_with_its_chips_once_a_retry_works(
    console: Console, tmp_path: Path
) -> None:
    """The worker retries a line where an analyser could not run (its model file not there yet); the boards already
    showed the line without that analyser's chips, and showed it so until they were reloaded."""
    models = tmp_path / "models"
    shutil.copytree(PACKAGED_MODELS, models, ignore=shutil.ignore_patterns(MODEL_FILE))  # the graph not there yet
    skills = Pipeline((SkillAnalyzer(model_dir=models),), on_error="record")
    incident_id = incidents.open_incident(console.app, title="Quay Road", incident_type=IncidentType.BARRICADE)
    entries.add_party(console.app, incident_id, name="Dana", role=Role.PRIMARY)
    seq = entries.say(console.app, incident_id, speaker="Dana", text="You sound really angry about how tonight went.")
    fast = WebConfig(analysis_worker=False, advice_refresh_s=0.2)  # no worker: this test plays its part
    with (
        running(create_app(console.app, config=fast)) as url,
        _client(url) as client,
        client.stream("GET", f"/incidents/{incident_id}/stream?after={seq}") as s,
    ):
        lines = s.iter_lines()
        seen = _events(lines, 1)  # the panels, as the tail starts
        live.analyse_pending(console.app, incident_id, pipeline=skills)  # the model cannot run: a failure record
        while not any(f'id="u-{seq}"' in h for _, h in seen) and len(seen) < 6:
            seen += _events(lines, 1)
        assert not any("chip-emotion_labeling" in h for _, h in seen)
        shutil.copy(PACKAGED_MODELS / MODEL_FILE, models / MODEL_FILE)
        retry = annotate.failed_lines(console.app, skills, incident_id)[incident_id]
        live.analyse_pending(console.app, incident_id, retry=retry, pipeline=skills)  # the worker's retry
        while not any(f'id="u-{seq}"' in h and "chip-emotion_labeling" in h for _, h in seen) and len(seen) < 20:
            seen += _events(lines, 1)
    assert any(f'id="u-{seq}"' in h and "chip-emotion_labeling" in h for _, h in seen), [h[:120] for _, h in seen]
