"""Accounts of the web console: users, sessions, login attempts and the audit log.

Why a store of its own beside the events: accounts are not facts about an incident and must not enter
its hash chain, yet who signed in, who was refused and who exported what must be kept like evidence, so
``login_attempts`` and ``audit_log`` are append-only (triggers from migration 0003). Times are stored in
the log's fixed-width UTC spelling, so comparing the strings compares the instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, delete, literal, select, update
from sqlalchemy.exc import IntegrityError

from talkdown.domain.log import format_time
from talkdown.errors import TalkdownError
from talkdown.store.tables import audit_log, login_attempts, sessions, users


@dataclass(frozen=True)
class UserRow:
    username: str
    password_hash: str
    role: str
    created_at: datetime
    disabled: bool


@dataclass(frozen=True)
class SessionRow:
    token_hash: str
    username: str
    csrf_token: str
    expires_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class AttemptRow:
    at: datetime
    ok: bool


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    outcome: str
    target: str
    client: str
    detail: str


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class AccountStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _reader(self) -> Engine:
        return self.engine.execution_options(read_only=True)

    def add_user(self, *, username: str, password_hash: str, role: str, at: datetime) -> None:
        row = {"username": username, "password_hash": password_hash, "role": role, "created_at": format_time(at)}
        try:
            with self.engine.begin() as conn:
                conn.execute(users.insert(), [{**row, "disabled": False}])
        except IntegrityError as exc:
            raise TalkdownError("TD451", username=username) from exc

    def find_user(self, username: str) -> UserRow | None:
        with self._reader().connect() as conn:
            r = conn.execute(select(users).where(users.c.username == username)).first()
        if r is None:
            return None
        return UserRow(r.username, r.password_hash, r.role, _parse(r.created_at), bool(r.disabled))

    def list_users(self) -> list[UserRow]:
        with self._reader().connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).all()
        return [UserRow(r.username, r.password_hash, r.role, _parse(r.created_at), bool(r.disabled)) for r in rows]

    def update_user(self, username: str, **values: str | bool) -> bool:
        """Set ``password_hash`` (a new password), ``role`` or ``disabled``; False when there is no such account."""
        with self.engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.username == username).values(**values))
        return done.rowcount == 1

    def rehash(self, username: str, *, old: str, new: str) -> bool:
        """Replace the account's password hash ``old`` by ``new`` (the same password hashed with the current argon2
        parameters); False when ``old`` is no longer the account's. Why conditional: a sign-in re-hashes the
        password it checked, and a reset made meanwhile must not be undone by it."""
        query = update(users).where(users.c.username == username, users.c.password_hash == old)
        with self.engine.begin() as conn:
            done = conn.execute(query.values(password_hash=new))
        return done.rowcount == 1

    def revoke_sessions_of(self, username: str, *, reason: str) -> int:
        """End every open session of an account, for ``reason`` ("reset": its password; "disabled"); returns how
        many."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(sessions)
                .where(and_(sessions.c.username == username, sessions.c.revoked.is_(False)))
                .values(revoked=True, ended=reason)
            )
        return done.rowcount

    def add_session(
        self,
        *,
        token_hash: str,
        username: str,
        csrf_token: str,
        created_at: datetime,
        expires_at: datetime,
        password_hash: str,
    ) -> bool:
        """Open a session for an account that still has ``password_hash`` (the one the sign-in checked) and is
        enabled; False, and no session, when it has not.

        Why one conditional statement: a reset or a disable ends the account's open sessions, and one that came
        while the sign-in was checking the password found none to end, so the session stored after it signed
        in with the old password (and came back when a disabled account was enabled again). The check and the
        insert are one statement: SQLite runs writes one at a time, and PostgreSQL's ``FOR SHARE`` on the account
        row makes a reset's update wait for this insert (whose session it then ends), or this insert wait for the
        reset and find its hash gone.
        """
        row = {
            "token_hash": token_hash,
            "username": username,
            "csrf_token": csrf_token,
            "created_at": format_time(created_at),
            "expires_at": format_time(expires_at),
            "revoked": False,
            "last_seen_at": format_time(created_at),
            "ended": "",
        }
        still = (
            select(*(literal(value, sessions.c[name].type).label(name) for name, value in row.items()))
            .where(users.c.username == username, users.c.password_hash == password_hash, users.c.disabled.is_(False))
            .with_for_update(read=True)
        )
        stored = select(sessions.c.token_hash).where(sessions.c.token_hash == token_hash)
        with self.engine.begin() as conn:
            conn.execute(sessions.insert().from_select(list(row), still))
            return conn.execute(stored).first() is not None  # the driver's rowcount of INSERT ... SELECT is -1 on PG

    def find_session(self, token_hash: str, *, now: datetime, idle_since: datetime) -> SessionRow | None:
        """A live session: not revoked, not expired, used after ``idle_since``, and its user still enabled."""
        query = (
            select(
                sessions.c.token_hash,
                sessions.c.username,
                sessions.c.csrf_token,
                sessions.c.expires_at,
                sessions.c.last_seen_at,
            )
            .join(users, users.c.username == sessions.c.username)
            .where(
                and_(
                    sessions.c.token_hash == token_hash,
                    sessions.c.revoked.is_(False),
                    sessions.c.expires_at > format_time(now),
                    sessions.c.last_seen_at > format_time(idle_since),
                    users.c.disabled.is_(False),
                )
            )
        )
        with self._reader().connect() as conn:
            r = conn.execute(query).first()
        if r is None:
            return None
        return SessionRow(r.token_hash, r.username, r.csrf_token, _parse(r.expires_at), _parse(r.last_seen_at))

    def touch_session(self, token_hash: str, *, at: datetime, unless_after: datetime) -> None:
        """Record that the session was used at ``at``, unless that was already recorded after ``unless_after``:
        one write a minute per session at most, not one per request (each write waits for SQLite's lock)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(sessions)
                .where(and_(sessions.c.token_hash == token_hash, sessions.c.last_seen_at <= format_time(unless_after)))
                .values(last_seen_at=format_time(at))
            )

    def end_idle_session(self, token_hash: str, *, now: datetime, idle_since: datetime) -> str | None:
        """End the session if it is open, unexpired and unused since ``idle_since``; the account's name when this
        call ended it, else None (so two requests arriving together end it, and audit it, once).

        Asked for every cookie that signs nobody in, so it reads first and takes a write transaction (SQLite's
        write lock) only for a session there is to end: a made-up cookie, sent by anyone who can reach the
        console, took the lock the team's entries need at each request. The update repeats the condition, so a
        session used or ended between the read and the write is left as it is."""
        idle = and_(
            sessions.c.token_hash == token_hash,
            sessions.c.revoked.is_(False),
            sessions.c.expires_at > format_time(now),
            sessions.c.last_seen_at <= format_time(idle_since),
        )
        with self._reader().connect() as conn:
            name = conn.execute(select(sessions.c.username).where(idle)).scalar()
        if name is None:
            return None
        with self.engine.begin() as conn:
            done = conn.execute(update(sessions).where(idle).values(revoked=True, ended="idle"))
        return str(name) if done.rowcount == 1 else None

    def revoke_session(self, token_hash: str) -> None:
        """Sign the session out; one already ended keeps the reason it ended for."""
        open_one = and_(sessions.c.token_hash == token_hash, sessions.c.revoked.is_(False))
        with self.engine.begin() as conn:
            conn.execute(update(sessions).where(open_one).values(revoked=True, ended="signed_out"))

    def session_end(self, token_hash: str, *, now: datetime) -> str:
        """Why the session no longer signs anyone in: how it was ended ("idle", "signed_out", "reset": its password,
        "disabled": its account; "revoked" when that was not kept), else "disabled" (its account), "expired", or ""
        (still open, or no such session)."""
        query = (
            select(sessions.c.revoked, sessions.c.ended, sessions.c.expires_at, users.c.disabled)
            .outerjoin(users, users.c.username == sessions.c.username)
            .where(sessions.c.token_hash == token_hash)
        )
        with self._reader().connect() as conn:
            r = conn.execute(query).first()
        if r is None:
            return ""
        if r.revoked:
            return str(r.ended or "revoked")
        if r.disabled is None or r.disabled:
            return "disabled"
        return "expired" if r.expires_at <= format_time(now) else ""

    def purge_sessions(self, *, expired_before: datetime, limit: int) -> int:
        """Delete at most ``limit`` sessions whose lifetime ran out before ``expired_before``; returns how many.

        By expiry alone: every session has ended by then (signed out, idle, reset or not), and the table keeps no
        time of revocation. The audit log, append-only, is untouched. Bounded by a sub-select, as SQLite is not
        built with ``DELETE ... LIMIT``; two consoles purging at once delete each row once (the other finds none).
        """
        old = select(sessions.c.token_hash).where(sessions.c.expires_at < format_time(expired_before)).limit(limit)
        with self.engine.begin() as conn:
            done = conn.execute(delete(sessions).where(sessions.c.token_hash.in_(old.scalar_subquery())))
        return done.rowcount

    def add_attempt(self, *, username: str, client: str, at: datetime, ok: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                login_attempts.insert(), [{"username": username, "client": client, "at": format_time(at), "ok": ok}]
            )

    def attempts_since(
        self, *, since: datetime, username: str | None = None, client: str | None = None
    ) -> list[AttemptRow]:
        """Sign-in attempts after ``since`` for one user name or one client address, oldest first."""
        query = select(login_attempts.c.at, login_attempts.c.ok).where(login_attempts.c.at > format_time(since))
        if username is not None:
            query = query.where(login_attempts.c.username == username)
        if client is not None:
            query = query.where(login_attempts.c.client == client)
        with self._reader().connect() as conn:
            rows = conn.execute(query.order_by(login_attempts.c.id)).all()
        return [AttemptRow(_parse(r.at), bool(r.ok)) for r in rows]

    def add_audit(
        self, *, at: datetime, actor: str, action: str, outcome: str, target: str, client: str, detail: str
    ) -> None:
        row = {
            "at": format_time(at),
            "actor": actor[:200],
            "action": action[:64],
            "outcome": outcome[:16],
            "target": target[:200],
            "client": client[:64],
            "detail": detail,
        }
        with self.engine.begin() as conn:
            conn.execute(audit_log.insert(), [row])

    def last_audit_at(self, *, action: str, outcome: str, client: str) -> datetime | None:
        """When the newest audit row of this action, outcome and client address was written, or None.

        Read newest first by id: the row sought is usually among the last few, since it is asked for only while a
        flood of the same rows is being held back (``services.accounts.sign_in``)."""
        query = (
            select(audit_log.c.at)
            .where(
                and_(audit_log.c.action == action, audit_log.c.outcome == outcome, audit_log.c.client == client[:64])
            )
            .order_by(audit_log.c.id.desc())
            .limit(1)
        )
        with self._reader().connect() as conn:
            found = conn.execute(query).scalar()
        return None if found is None else _parse(found)

    def list_audit(
        self, *, after_id: int = 0, limit: int = 500, actions: Sequence[str] = (), newest_first: bool = False
    ) -> list[AuditRow]:
        query = select(audit_log).where(audit_log.c.id > after_id)
        if actions:
            query = query.where(audit_log.c.action.in_(list(actions)))
        order = audit_log.c.id.desc() if newest_first else audit_log.c.id
        with self._reader().connect() as conn:
            rows = conn.execute(query.order_by(order).limit(limit)).all()
        return [AuditRow(r.id, _parse(r.at), r.actor, r.action, r.outcome, r.target, r.client, r.detail) for r in rows]
