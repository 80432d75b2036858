"""The event store: append and read envelopes; the database never sees an UPDATE or DELETE.

Concurrency: an append names the head it was decided against. If another writer got there first the
append raises :class:`StaleHead` and the service reloads, decides again and retries. On SQLite the write
lock is taken before the head is read (``BEGIN IMMEDIATE``); on PostgreSQL two writers that read the same
head collide on the (incident_id, seq) primary key, and the loser gets ``StaleHead`` too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from talkdown.domain.events import AnyEvent
from talkdown.domain.log import GENESIS_HASH, Envelope, chain, envelope_bytes, format_time, parse_body
from talkdown.errors import TalkdownError
from talkdown.gcpause import gc_paused
from talkdown.store.checkpoints import Checkpoint, CheckpointFile
from talkdown.store.notify import notify_appended
from talkdown.store.tables import events

# Columns that repeat a field of the hashed body (for queries and for people reading the table).
COPIED_COLUMNS = ("at", "actor", "kind", "prev_hash")


class StaleHead(Exception):
    """Another writer appended after the head this append was decided against."""


@dataclass(frozen=True)
class StoredRow:
    """An event row as stored, before parsing: what ``verify`` must check byte for byte.

    ``columns`` holds the row's copies of fields the hashed body also holds (``at``, ``actor``, ``kind``,
    ``prev_hash``), read only by ``verify``: the app reads the body, but an auditor reading the table reads
    these, so a copy that no longer matches the body is tampering too.
    """

    incident_id: str
    seq: int
    body: str
    hash: str
    columns: tuple[tuple[str, str], ...] = ()

    def differing_column(self, env: Envelope) -> tuple[str, str, str] | None:
        """The first copied column that differs from what the body ``env`` was parsed from would store:
        ``(column, stored, expected)``, or None when they agree."""
        expected = _row(env)
        for name, stored in self.columns:
            if stored != expected[name]:
                return name, stored, str(expected[name])
        return None


class WriteTx:
    """The inside of :meth:`EventStore.writing`: read what others appended, then append after it."""

    def __init__(self, conn: Connection, incident_id: str) -> None:
        self.conn = conn
        self.incident_id = incident_id
        self.appended: list[Envelope] = []

    def load_after(self, seq: int) -> list[Envelope]:
        query = (
            select(events.c.incident_id, events.c.seq, events.c.body, events.c.hash)
            .where(events.c.incident_id == self.incident_id, events.c.seq > seq)
            .order_by(events.c.seq)
        )
        return [_parse(StoredRow(i, q, b, h)) for i, q, b, h in self.conn.execute(query)]

    def append(
        self, new_events: Sequence[AnyEvent], *, after_seq: int, after_hash: str, actor: str, at: datetime
    ) -> list[Envelope]:
        envelopes = chain(
            new_events,
            incident_id=self.incident_id,
            after_seq=after_seq,
            after_hash=after_hash or GENESIS_HASH,
            at=at,
            actor=actor,
        )
        if not envelopes:
            return []
        head = self.conn.execute(
            select(events.c.seq).where(events.c.incident_id == self.incident_id).order_by(events.c.seq.desc()).limit(1)
        ).first()
        if (head[0] if head else 0) != after_seq:
            raise StaleHead()
        self.conn.execute(events.insert(), [_row(env) for env in envelopes])
        self.appended.extend(envelopes)
        return envelopes


class EventStore:
    def __init__(self, engine: Engine, checkpoints: CheckpointFile) -> None:
        self.engine = engine
        self.checkpoints = checkpoints

    def _reader(self) -> Engine:
        return self.engine.execution_options(read_only=True)

    @contextmanager
    def writing(self, incident_id: str) -> Iterator[WriteTx]:
        """One write transaction on one incident, holding its write lock until commit.

        SQLite takes the database write lock at ``BEGIN IMMEDIATE``; PostgreSQL takes a transaction-scoped
        advisory lock on the incident. Catching up, deciding and inserting inside it means concurrent
        writers queue instead of racing (a tight-looping writer could otherwise starve another). The head
        checkpoint is written after the commit, never before. On PostgreSQL the new head is announced with
        NOTIFY in the same transaction, once for all its appends: the server delivers it only on commit.

        A connection lost during the COMMIT itself (TD604 then) leaves the outcome unknown to the driver: the server
        may have committed before the answer was lost. The store then asks the database with a new connection, so
        that what the team is told is true (:meth:`_settle_lost_commit`).
        """
        self.checkpoints.ready()
        committing = False
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:i, 0))"), {"i": incident_id})
                tx = WriteTx(conn, incident_id)
                yield tx
                if tx.appended:
                    notify_appended(conn, incident_id, tx.appended[-1].seq)
                committing = True
        except IntegrityError as exc:
            raise StaleHead() from exc
        except TalkdownError as exc:
            if not (committing and tx.appended and exc.code == "TD604"):
                raise
            self._settle_lost_commit(tx.appended[-1], exc)
        if tx.appended:
            last = tx.appended[-1]
            self.checkpoints.record(Checkpoint(incident_id, last.seq, last.hash, format_time(last.at)))

    def _settle_lost_commit(self, last: Envelope, lost: TalkdownError) -> None:
        """Return if the commit whose answer was lost did land (the last event is stored with its hash); otherwise
        raise: the TD604 ``lost`` when it is not there (nothing was saved, as it says), or TD609 when the database
        cannot be asked, because it does not answer (TD604) or is damaged (TD503): the entry may or may not be in
        the log, and entering it again could log it twice.

        Why a COMMIT that the database itself answered with an error (TD503 for a damaged page, say) is not checked:
        an error answer means the transaction was rolled back, on SQLite and on PostgreSQL, so its "it was not
        saved" is true; only a lost answer leaves the outcome open.

        Why: the scribe acts on the answer. Told "nothing was saved" about a line the server had committed, they
        enter it again and the record holds it twice; told it was saved when it was not, they lose it.
        """
        query = select(events.c.hash).where(events.c.incident_id == last.incident_id, events.c.seq == last.seq)
        try:
            with self._reader().connect() as conn:
                stored = conn.execute(query).scalar()
        except TalkdownError as exc:
            # A damaged file (TD503) cannot be asked either: its "it was not saved" would be a guess, so the answer
            # is TD609's "cannot say" too, caused by the damage, which the server's log then shows.
            if exc.code not in ("TD604", "TD503"):
                raise
            raise TalkdownError("TD609", url=lost.fields.get("url"), incident_id=last.incident_id, seq=last.seq) from (
                lost if exc.code == "TD604" else exc
            )
        if stored != last.hash:
            raise lost

    def append(
        self,
        incident_id: str,
        new_events: Sequence[AnyEvent],
        *,
        after_seq: int,
        after_hash: str,
        actor: str,
        at: datetime,
    ) -> list[Envelope]:
        """Append events after the given head in a transaction of their own; returns them once committed."""
        with self.writing(incident_id) as tx:
            return tx.append(new_events, after_seq=after_seq, after_hash=after_hash, actor=actor, at=at)

    def load(self, incident_id: str, *, after_seq: int = 0) -> list[Envelope]:
        """Parsed envelopes in seq order; a body that no longer parses is an integrity error. Read with the cyclic GC
        paused (``talkdown.gcpause``): the collections it made during a long load found nothing to free."""
        with gc_paused():
            return [_parse(row) for row in self.load_rows(incident_id, after_seq=after_seq)]

    def load_rows(self, incident_id: str, *, after_seq: int = 0) -> list[StoredRow]:
        copies = [events.c[name] for name in COPIED_COLUMNS]
        query = (
            select(events.c.seq, events.c.body, events.c.hash, *copies)
            .where(events.c.incident_id == incident_id, events.c.seq > after_seq)
            .order_by(events.c.seq)
        )
        with self._reader().connect() as conn:
            return [
                StoredRow(incident_id, seq, body, hash_, tuple(zip(COPIED_COLUMNS, values, strict=True)))
                for seq, body, hash_, *values in conn.execute(query)
            ]

    def head_seq(self, incident_id: str) -> int:
        """The last seq stored for an incident (0 when none), without reading the log."""
        query = select(func.max(events.c.seq)).where(events.c.incident_id == incident_id)
        with self._reader().connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def incident_ids(self, *, prefix: str = "") -> list[str]:
        query = select(events.c.incident_id).where(events.c.seq == 1).order_by(events.c.incident_id)
        if prefix:
            query = query.where(events.c.incident_id.startswith(prefix, autoescape=True))
        with self._reader().connect() as conn:
            return [r.incident_id for r in conn.execute(query)]

    def traced_incident_ids(self, *, prefix: str = "") -> list[str]:
        """Ids with any row left or a checkpoint file: what ``verify`` must still find when the opening event,
        or the whole log, was deleted (``incident_ids`` looks only at seq 1, so it loses both)."""
        query = select(events.c.incident_id).distinct()
        if prefix:
            query = query.where(events.c.incident_id.startswith(prefix, autoescape=True))
        with self._reader().connect() as conn:
            logged = {r.incident_id for r in conn.execute(query)}
        return sorted(logged | set(self.checkpoints.incident_ids(prefix=prefix)))

    def openings(self) -> list[tuple[Envelope, int]]:
        """Each incident's first event with its current head seq: enough for an incident list."""
        heads = (
            select(events.c.incident_id, func.max(events.c.seq).label("head")).group_by(events.c.incident_id).subquery()
        )
        query = (
            select(events.c.incident_id, events.c.seq, events.c.body, events.c.hash, heads.c.head)
            .join(heads, heads.c.incident_id == events.c.incident_id)
            .where(events.c.seq == 1)
            .order_by(events.c.at)
        )
        with self._reader().connect() as conn:
            rows = list(conn.execute(query))
        return [(_parse(StoredRow(r.incident_id, r.seq, r.body, r.hash)), int(r.head)) for r in rows]

    def closed(self) -> set[str]:
        """The incidents whose latest close or reopen is a close: an incident list shows which are still open
        without folding every log (the two kinds are rare, so every one of them is read)."""
        query = (
            select(events.c.incident_id, events.c.kind)
            .where(events.c.kind.in_(("incident_closed", "incident_reopened")))
            .order_by(events.c.incident_id, events.c.seq)
        )
        with self._reader().connect() as conn:
            latest = {r.incident_id: r.kind for r in conn.execute(query)}
        return {incident for incident, kind in latest.items() if kind == "incident_closed"}

    def import_envelopes(self, envelopes: Sequence[Envelope]) -> None:
        """Store an already-sealed log (a restored export) in one transaction; never over an existing one."""
        if not envelopes:
            return
        incident_id = envelopes[0].incident_id
        self.checkpoints.ready()
        try:
            with self.engine.begin() as conn:
                exists = conn.execute(select(events.c.seq).where(events.c.incident_id == incident_id).limit(1)).first()
                if exists:
                    raise TalkdownError("TD303", incident_id=incident_id)
                conn.execute(events.insert(), [_row(env) for env in envelopes])
                notify_appended(conn, incident_id, envelopes[-1].seq)
        except IntegrityError as exc:
            raise TalkdownError("TD303", incident_id=incident_id) from exc
        last = envelopes[-1]
        self.checkpoints.record(Checkpoint(incident_id, last.seq, last.hash, format_time(last.at)))

    def latest_checkpoint(self, incident_id: str) -> Checkpoint | None:
        return self.checkpoints.latest(incident_id)


def _parse(row: StoredRow) -> Envelope:
    try:
        return parse_body(row.body, row.hash)
    except ValueError as exc:
        problem = f"is unreadable ({exc})"
        raise TalkdownError("TD501", incident_id=row.incident_id, seq=row.seq, problem=problem) from exc


def _row(env: Envelope) -> dict[str, object]:
    return {
        "incident_id": env.incident_id,
        "seq": env.seq,
        "at": format_time(env.at),
        "actor": env.actor,
        "kind": env.kind,
        "body": envelope_bytes(env).decode("utf-8"),
        "prev_hash": env.prev_hash,
        "hash": env.hash,
    }
