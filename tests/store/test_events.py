"""Store contract, run identically on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.events import AnyEvent, IncidentOpened, PartyAdded, UtteranceLogged
from talkdown.domain.log import GENESIS_HASH, verify
from talkdown.domain.state import replay
from talkdown.errors import TalkdownError
from talkdown.services.wiring import App
from talkdown.store.events import StaleHead
from tests.strategies import event_sequences

pytestmark = pytest.mark.integration


def _open(app: App) -> str:
    app.recorder.record(
        "inc1",
        [
            IncidentOpened(title="t", incident_type=IncidentType.BARRICADE),
            PartyAdded(party_id="s", name="S", role=Role.SUBJECT),
        ],
        actor="user:test",
    )
    return "inc1"


def test_appended_events_read_back_identical_with_gapless_seqs(app: App) -> None:
    _open(app)
    for i in range(5):
        app.recorder.record("inc1", [UtteranceLogged(speaker="s", text=f"line {i} — ünïcode ✓")], actor="user:test")
    envs = app.store.load("inc1")
    assert [e.seq for e in envs] == list(range(1, 8))
    assert envs[-1].payload == UtteranceLogged(speaker="s", text="line 4 — ünïcode ✓")
    assert verify(envs).ok


def test_an_append_against_an_old_head_is_refused_as_stale(app: App) -> None:
    _open(app)
    with pytest.raises(StaleHead):
        app.store.append(
            "inc1",
            [UtteranceLogged(speaker="s", text="late")],
            after_seq=0,
            after_hash=GENESIS_HASH,
            actor="user:test",
            at=app.clock.now(),
        )
    assert [e.seq for e in app.store.load("inc1")] == [1, 2]


@pytest.mark.parametrize("statement", ["UPDATE events SET actor = 'user:mallory'", "DELETE FROM events"])
def test_the_database_refuses_update_and_delete_of_events(app: App, statement: str) -> None:
    _open(app)
    with pytest.raises(DBAPIError, match="append-only"), app.store.engine.begin() as conn:
        conn.execute(text(statement))
    assert len(app.store.load("inc1")) == 2


def test_incident_ids_match_by_prefix_with_wildcards_escaped(app: App) -> None:
    _open(app)
    assert app.store.incident_ids(prefix="inc") == ["inc1"]
    assert app.store.incident_ids(prefix="in%") == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event_sequences(max_size=15))
def test_any_valid_sequence_replays_to_the_same_state_after_a_store_round_trip(
    sqlite_app: App, events: list[AnyEvent]
) -> None:
    incident_id = f"h{uuid.uuid4().hex[:10]}"
    written = sqlite_app.recorder.record(incident_id, events, actor="user:test")
    read = sqlite_app.store.load(incident_id)
    assert read == written
    assert replay(read) == replay(written)
    assert verify(read, incident_id=incident_id).ok


def test_head_seq_is_the_last_stored_seq_and_zero_for_an_unknown_incident(app: App) -> None:
    _open(app)
    app.recorder.record("inc1", [UtteranceLogged(speaker="s", text="one")], actor="user:test")
    assert app.store.head_seq("inc1") == 3
    assert app.store.head_seq("nope") == 0


def test_a_checkpoint_folder_that_cannot_be_used_refuses_the_entry_before_anything_is_committed(app: App) -> None:
    _open(app)
    folder = app.store.checkpoints.directory
    shutil.rmtree(folder)
    folder.write_text("a file where the checkpoints go")
    app.store.checkpoints._ready = False  # a new process: the folder is checked before its first write
    with pytest.raises(TalkdownError) as err:
        app.recorder.record("inc1", [UtteranceLogged(speaker="s", text="not kept")], actor="user:test")
    assert err.value.code == "TD607" and "TALKDOWN_CHECKPOINT_DIR" in err.value.message
    assert [e.seq for e in app.store.load("inc1")] == [1, 2]


def test_a_checkpoint_lost_after_the_commit_is_logged_and_the_entry_stands(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    _open(app)  # the folder was checked and used
    folder = app.store.checkpoints.directory
    shutil.rmtree(folder)
    folder.write_text("the disk changed under us")
    app.recorder.record("inc1", [UtteranceLogged(speaker="s", text="kept")], actor="user:test")  # no error: saved
    assert [e.seq for e in app.store.load("inc1")] == [1, 2, 3]
    assert "checkpoint seq 3 of incident inc1 not written" in caplog.text
    with pytest.raises(TalkdownError) as err:  # and the next entry is checked again before it is committed
        app.recorder.record("inc1", [UtteranceLogged(speaker="s", text="not kept")], actor="user:test")
    assert err.value.code == "TD607"
