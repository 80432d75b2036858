"""Change notifications: PostgreSQL announces committed appends and stored analysis; SQLite has none."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.events import IncidentOpened, PartyAdded, UtteranceLogged
from talkdown.services.wiring import App
from talkdown.store.engine import build_engine
from talkdown.store.notify import APPLICATION_NAME, Change, ChangeKind, Listener, parse

pytestmark = pytest.mark.integration
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


class Inbox:
    """What a subscriber heard, handed over from the listener's thread."""

    def __init__(self) -> None:
        self._changes: queue.Queue[Change] = queue.Queue()

    def __call__(self, change: Change) -> None:
        self._changes.put(change)

    def next(self) -> Change:
        return self._changes.get(timeout=10)

    def is_empty(self) -> bool:
        return self._changes.empty()

    def next_other_than_resync(self) -> Change:
        while (change := self.next()).kind is ChangeKind.RESYNC:
            pass
        return change


class Boom(Exception):
    pass


def _open(app: App, incident_id: str) -> None:
    opened = IncidentOpened(title="t", incident_type=IncidentType.BARRICADE)
    app.recorder.record(incident_id, [opened, PartyAdded(party_id="s", name="S", role=Role.SUBJECT)], actor="user:t")


def _say(app: App, incident_id: str, text: str) -> None:
    app.recorder.record(incident_id, [UtteranceLogged(speaker="s", text=text)], actor="user:test")


@pytest.fixture
def listener(app: App) -> Iterator[Listener]:
    """A listener of its own engine, as another process on the same database would have."""
    engine = build_engine(app.settings.resolved_database_url)
    other = Listener.for_engine(engine)
    assert other is not None
    yield other
    other.stop()
    engine.dispose()


def _listening(listener: Listener, *incident_ids: str) -> dict[str, Inbox]:
    """Subscribe one inbox per incident and return once LISTEN is in effect (the RESYNC says so)."""
    inboxes = {incident_id: Inbox() for incident_id in incident_ids}
    for incident_id, inbox in inboxes.items():
        listener.subscribe(incident_id, inbox)
    for incident_id, inbox in inboxes.items():
        assert inbox.next() == Change(ChangeKind.RESYNC, incident_id)
    return inboxes


def test_only_postgresql_has_a_listener(app: App) -> None:
    found = Listener.for_engine(app.store.engine)
    assert (found is None) == (app.store.engine.dialect.name == "sqlite")
    assert (app.listener is None) == (found is None)


@postgresql_only
def test_a_committed_append_is_announced_with_its_incident_and_last_seq(app: App, listener: Listener) -> None:
    inboxes = _listening(listener, "inc1", "inc2")
    _open(app, "inc1")
    assert inboxes["inc1"].next() == Change(ChangeKind.APPENDED, "inc1", 2)
    _say(app, "inc1", "Back off.")
    assert inboxes["inc1"].next() == Change(ChangeKind.APPENDED, "inc1", 3)
    _open(app, "inc2")
    assert inboxes["inc2"].next() == Change(ChangeKind.APPENDED, "inc2", 2)


@postgresql_only
def test_an_append_is_announced_only_when_its_transaction_commits(app: App, listener: Listener) -> None:
    inbox = Inbox()  # one inbox for both incidents: it shows the order notifications arrive in
    listener.subscribe("inc1", inbox)
    listener.subscribe("inc2", inbox)
    assert {inbox.next(), inbox.next()} == {Change(ChangeKind.RESYNC, "inc1"), Change(ChangeKind.RESYNC, "inc2")}
    _open(app, "inc1")
    assert inbox.next().seq == 2
    head = app.store.load("inc1")[-1].hash
    with app.store.writing("inc1") as tx:
        tx.append(
            [UtteranceLogged(speaker="s", text="open")], after_seq=2, after_hash=head, actor="a", at=app.clock.now()
        )
        _open(app, "inc2")  # another writer commits while inc1's transaction is still open
        assert inbox.next() == Change(ChangeKind.APPENDED, "inc2", 2)
    assert inbox.next() == Change(ChangeKind.APPENDED, "inc1", 3)


@postgresql_only
def test_a_rolled_back_append_is_never_announced(app: App, listener: Listener) -> None:
    (inbox,) = _listening(listener, "inc1").values()
    _open(app, "inc1")
    assert inbox.next().seq == 2
    head = app.store.load("inc1")[-1].hash
    with pytest.raises(Boom), app.store.writing("inc1") as tx:
        lines = [UtteranceLogged(speaker="s", text="a"), UtteranceLogged(speaker="s", text="b")]
        tx.append(lines, after_seq=2, after_hash=head, actor="user:test", at=app.clock.now())
        raise Boom
    _say(app, "inc1", "committed")
    assert inbox.next() == Change(ChangeKind.APPENDED, "inc1", 3)  # not seq 4 of the rolled-back pair


@postgresql_only
def test_stored_analysis_is_announced_with_its_incident(app: App, listener: Listener) -> None:
    (inbox,) = _listening(listener, "inc1").values()
    _open(app, "inc1")
    _say(app, "inc1", "Back off.")
    assert [inbox.next().seq, inbox.next().seq] == [2, 3]
    found = Annotation(analyzer="cues", analyzer_version="1", family="talkdown_cue", label="threat", score=0.9)
    app.annotations.add("inc1", [(3, "basis", [found])])
    assert inbox.next() == Change(ChangeKind.ANALYSED, "inc1")


@postgresql_only
def test_a_dropped_listener_connection_reconnects_and_asks_subscribers_to_read_again(
    app: App, listener: Listener
) -> None:
    (inbox,) = _listening(listener, "inc1").values()
    terminate = text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE application_name = :name AND datname = current_database()"
    )
    with app.store.engine.begin() as conn:
        assert conn.execute(terminate, {"name": APPLICATION_NAME}).scalar() == 1
    assert inbox.next() == Change(ChangeKind.RESYNC, "inc1")
    _open(app, "inc1")
    assert inbox.next_other_than_resync() == Change(ChangeKind.APPENDED, "inc1", 2)


@postgresql_only
def test_a_stopped_listener_starts_again_on_the_next_subscription(app: App, listener: Listener) -> None:
    (first,) = _listening(listener, "inc1").values()
    listener.stop()
    assert not listener.is_running
    (second,) = _listening(listener, "inc2").values()
    assert first.next() == Change(ChangeKind.RESYNC, "inc1")  # still subscribed: told to read again
    _open(app, "inc2")
    assert second.next() == Change(ChangeKind.APPENDED, "inc2", 2)


@postgresql_only
def test_an_unsubscribed_callback_hears_nothing_more(app: App, listener: Listener) -> None:
    gone, kept = Inbox(), Inbox()
    subscription = listener.subscribe("inc1", gone)  # subscribed first, so it would be called before ``kept``
    listener.subscribe("inc1", kept)
    assert gone.next().kind is ChangeKind.RESYNC and kept.next().kind is ChangeKind.RESYNC
    subscription.close()
    _open(app, "inc1")
    assert kept.next().seq == 2
    assert gone.is_empty()


def test_a_notification_talkdown_did_not_send_is_ignored() -> None:
    assert parse("talkdown_events", "no-seq-here") is None
    assert parse("talkdown_events", ":7") is None
    assert parse("talkdown_annotations", "") is None
    assert parse("elsewhere", "inc1:7") is None
    assert parse("talkdown_events", "a:b:12") == Change(ChangeKind.APPENDED, "a:b", 12)


@postgresql_only
def test_the_listener_connection_probes_a_silent_peer_with_tcp_keepalives(listener: Listener) -> None:
    with listener._connect() as conn:  # the connection the thread would hold for hours
        params = conn.info.get_parameters()
    assert params["keepalives"] == "1"
    assert int(params["keepalives_idle"]) + int(params["keepalives_interval"]) * int(params["keepalives_count"]) <= 90
