"""PostgreSQL LISTEN/NOTIFY: writers announce commits, one listener per process fans them out.

Why: on PostgreSQL several console processes may serve one incident, and each of them used to poll the
log every 50 ms to learn what the others wrote. A writer now runs ``pg_notify`` inside the transaction
that inserts (the server delivers it only on commit, so a rolled-back append never announces anything),
and each process keeps one dedicated connection that LISTENs and wakes whoever follows that incident.

A notification is a hint, never the data: payloads carry ids and seqs only (``incident_id:last_seq`` on
``talkdown_events``, ``incident_id`` on ``talkdown_annotations``; at most 75 bytes, PostgreSQL allows
8000) and readers still read the store by seq. So when the connection drops and notifications may have
been missed, the listener reconnects with backoff and tells every subscriber to re-read
(:attr:`ChangeKind.RESYNC`). SQLite has no NOTIFY; there readers keep polling and nothing here runs.

Why a connection of its own, built from the engine's URL, rather than ``engine.raw_connection()``: a
LISTEN connection is held for the life of the process, so borrowing it from the pool would shrink the
pool by one for good, and the pool's reset, pre-ping and recycling would drop the LISTEN under us. The
URL is the one the engine connects with (same server, database, credentials and libpq options such as
``sslmode``), and libpq reads it directly. It holds the password, so it is never logged.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "talkdown_events"
ANNOTATIONS_CHANNEL = "talkdown_annotations"
APPLICATION_NAME = "talkdown-listener"  # how an operator (and a test) finds the listener in pg_stat_activity
# A silent connection is probed after 30 s, then every 10 s; three unanswered probes end it (~1 minute).
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 30, 10, 3

_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def notify_appended(conn: Connection, incident_id: str, seq: int) -> None:
    """Announce, inside the appending transaction, that ``incident_id`` now reaches ``seq`` (PostgreSQL only)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY, {"channel": EVENTS_CHANNEL, "payload": f"{incident_id}:{seq}"})


def notify_analysed(conn: Connection, incident_id: str) -> None:
    """Announce, inside the storing transaction, that analysis results of ``incident_id`` were stored."""
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY, {"channel": ANNOTATIONS_CHANNEL, "payload": incident_id})


class ChangeKind(StrEnum):
    APPENDED = "appended"
    ANALYSED = "analysed"
    RESYNC = "resync"  # the listener (re)connected: anything may have been missed, read the store again


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    incident_id: str
    seq: int | None = None  # the new head, for APPENDED only


Callback = Callable[[Change], None]


def parse(channel: str, payload: str) -> Change | None:
    """The change a notification announces; ``None`` for one we did not send (anyone may NOTIFY a channel).

    >>> parse("talkdown_events", "inc:7:42")
    Change(kind=<ChangeKind.APPENDED: 'appended'>, incident_id='inc:7', seq=42)
    >>> parse("talkdown_events", "42") is None
    True
    """
    if channel == ANNOTATIONS_CHANNEL and payload:
        return Change(ChangeKind.ANALYSED, payload)
    if channel == EVENTS_CHANNEL:
        incident_id, _, seq = payload.rpartition(":")
        if incident_id and seq.isdigit():
            return Change(ChangeKind.APPENDED, incident_id, int(seq))
    return None


class Subscription:
    """One subscriber's registration; :meth:`close` it when the subscriber goes away."""

    def __init__(self, listener: Listener, incident_id: str, token: int) -> None:
        self._listener = listener
        self.incident_id = incident_id
        self._token = token

    def close(self) -> None:
        self._listener._unsubscribe(self.incident_id, self._token)


class Listener:
    """One LISTEN connection per process, in a daemon thread, fanning changes out by incident id.

    Started by the first :meth:`subscribe`, so a CLI command or a process that never opens a board holds no
    extra connection. Callbacks run on the listener's thread and must return at once (hand the change to
    your own loop or queue); one that raises is logged and the others still run. Every (re)connection ends
    with a RESYNC to every subscriber, the first one included: a subscriber registered before LISTEN took
    effect may have missed a commit, and re-reading the store is how it finds out.

    A half-open TCP connection (a router or firewall that dropped it silently) delivers nothing: TCP
    keepalives (libpq's ``keepalives_*``) make the operating system notice within about a minute, and the
    listener then reconnects and resyncs. Until then subscribers still re-read the store now and then (the
    live tail does, every 2 s), so lines are late, never lost.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        wait_s: float = 0.25,
        backoff_s: tuple[float, float] = (0.1, 5.0),
        connect_timeout_s: int = 5,
    ) -> None:
        self._conninfo = conninfo
        self.wait_s = wait_s  # how long one wait for notifications lasts: bounds how long stop() takes
        self.backoff_s = backoff_s
        self.connect_timeout_s = connect_timeout_s
        self._lock = threading.Lock()
        self._callbacks: dict[str, dict[int, Callback]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def __repr__(self) -> str:
        return f"<Listener running={self.is_running}>"  # never the conninfo: it holds the password

    @classmethod
    def for_engine(cls, engine: Engine) -> Listener | None:
        """A listener on the engine's database, or ``None`` when it is not PostgreSQL (SQLite has no NOTIFY)."""
        if engine.dialect.name != "postgresql":
            return None
        url = engine.url.set(drivername="postgresql")  # psycopg takes a libpq URI, not SQLAlchemy's +driver
        return cls(url.render_as_string(hide_password=False))

    @property
    def is_running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def subscribe(self, incident_id: str, callback: Callback) -> Subscription:
        with self._lock:
            token = next(self._tokens)
            self._callbacks.setdefault(incident_id, {})[token] = callback
            if self._thread is None or not self._thread.is_alive():
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, args=(self._stop,), name="talkdown-listener", daemon=True
                )
                self._thread.start()
        return Subscription(self, incident_id, token)

    def _unsubscribe(self, incident_id: str, token: int) -> None:
        with self._lock:
            callbacks = self._callbacks.get(incident_id, {})
            callbacks.pop(token, None)
            if not callbacks:
                self._callbacks.pop(incident_id, None)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Close the connection and end the thread; subscriptions stay, and the next subscribe starts again."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None:
            thread.join(timeout_s)

    def _run(self, stop: threading.Event) -> None:
        import psycopg  # the [postgres] extra: only a PostgreSQL engine ever gets here

        first, most = self.backoff_s
        delay = first
        while not stop.is_set():
            try:
                with self._connect() as conn:
                    delay = first
                    self._broadcast_resync()
                    while not stop.is_set():
                        for note in conn.notifies(timeout=self.wait_s):
                            self._dispatch(note.channel, note.payload)
            except psycopg.Error as exc:
                log.warning("listener connection failed or lost (%s); retrying in %.1f s", type(exc).__name__, delay)
                stop.wait(delay)
                delay = min(delay * 2, most)

    def _connect(self) -> psycopg.Connection[TupleRow]:
        import psycopg
        from psycopg import sql

        conn = psycopg.connect(
            self._conninfo,
            autocommit=True,  # LISTEN takes effect at once, and no transaction stays open for hours
            connect_timeout=self.connect_timeout_s,
            application_name=APPLICATION_NAME,
            keepalives=1,
            keepalives_idle=KEEPALIVE_IDLE_S,
            keepalives_interval=KEEPALIVE_INTERVAL_S,
            keepalives_count=KEEPALIVE_COUNT,
        )
        try:
            for channel in (EVENTS_CHANNEL, ANNOTATIONS_CHANNEL):
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        except psycopg.Error:
            conn.close()
            raise
        return conn

    def _callbacks_of(self, incident_id: str | None) -> list[tuple[str, Callback]]:
        with self._lock:
            if incident_id is None:
                return [(i, cb) for i, cbs in self._callbacks.items() for cb in cbs.values()]
            return [(incident_id, cb) for cb in self._callbacks.get(incident_id, {}).values()]

    def _dispatch(self, channel: str, payload: str) -> None:
        change = parse(channel, payload)
        if change is None:
            log.warning("ignored a notification on %s that talkdown did not send", channel)
            return
        for _, callback in self._callbacks_of(change.incident_id):
            self._call(callback, change)

    def _broadcast_resync(self) -> None:
        for incident_id, callback in self._callbacks_of(None):
            self._call(callback, Change(ChangeKind.RESYNC, incident_id))

    @staticmethod
    def _call(callback: Callback, change: Change) -> None:
        try:
            callback(change)
        except Exception:  # one subscriber's bug must not stop the others' notifications
            log.exception("a subscriber of incident %s failed on %s", change.incident_id, change.kind)
