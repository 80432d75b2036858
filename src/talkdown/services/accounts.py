"""Accounts of the web console: who may sign in, as which role, what each role may do, and the audit trail.

Why the permission table lives here and not in the web layer: which team member may write what into the
record is a rule of the workbench, and the CLI, the API and the pages must all apply the same one. The
roles follow the team of ``doctrine/incident-types.md`` ("Team roles"): the scribe records, intelligence
adds intel, negotiators and the team leader act on advice, and an observer only reads. An ``admin`` runs
the installation (accounts, audit, exports) but does not write into an incident's record: who writes the
record is a team role, not an IT one. The instructor runs training sessions and may do what the team does.

Sign-in throttling counts failures per account and address, and per address, in a sliding window, so guessing a
password is slow without letting a stranger lock an account: the pause grows from 30 s and is capped at the window,
and it holds only for the address the failures came from (:func:`_pause`).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from talkdown.domain.text import counted
from talkdown.errors import TalkdownError
from talkdown.services.wiring import App
from talkdown.store.accounts import AuditRow


class AccountRole(StrEnum):
    """A console account's role; not a ``Party`` role (a scribe account may record any party's words)."""

    ADMIN = "admin"
    TEAM_LEADER = "team_leader"
    NEGOTIATOR = "negotiator"
    SCRIBE = "scribe"
    INTELLIGENCE = "intelligence"
    OBSERVER = "observer"
    INSTRUCTOR = "instructor"


class Permission(StrEnum):
    READ = "read incidents"
    OPEN_INCIDENT = "open incidents"
    CLOSE_INCIDENT = "close or reopen incidents"
    LOG_UTTERANCE = "log utterances"
    RECORD_ENTRY = "record demands, deadlines, promises, concessions, hostages, parties and the diplomatic track"
    ADD_INTEL = "add intelligence"
    ADD_NOTE = "add notes"
    DISMISS_ADVICE = "dismiss advice"
    EXPORT = "export an incident"
    MANAGE_USERS = "manage accounts"
    READ_AUDIT = "read the audit log"
    TRAIN = "run training sessions"
    INSTRUCT = "issue training injects and see the simulated subject's state"


_TEAM = frozenset(
    {
        Permission.READ,
        Permission.OPEN_INCIDENT,
        Permission.CLOSE_INCIDENT,
        Permission.LOG_UTTERANCE,
        Permission.RECORD_ENTRY,
        Permission.ADD_INTEL,
        Permission.ADD_NOTE,
        Permission.DISMISS_ADVICE,
        Permission.EXPORT,
        Permission.TRAIN,
    }
)

PERMISSIONS: dict[AccountRole, frozenset[Permission]] = {
    AccountRole.ADMIN: frozenset({Permission.READ, Permission.EXPORT, Permission.MANAGE_USERS, Permission.READ_AUDIT}),
    AccountRole.TEAM_LEADER: _TEAM,
    # Only an instructor steers the simulated subject: a trainee who could inject or read its gauges would be
    # scoring his own exercise.
    AccountRole.INSTRUCTOR: _TEAM | {Permission.INSTRUCT},
    AccountRole.NEGOTIATOR: frozenset(
        {
            Permission.READ,
            Permission.LOG_UTTERANCE,
            Permission.RECORD_ENTRY,
            Permission.ADD_NOTE,
            Permission.DISMISS_ADVICE,
            Permission.TRAIN,
        }
    ),
    AccountRole.SCRIBE: frozenset(
        {
            Permission.READ,
            Permission.OPEN_INCIDENT,
            Permission.LOG_UTTERANCE,
            Permission.RECORD_ENTRY,
            Permission.ADD_NOTE,
        }
    ),
    AccountRole.INTELLIGENCE: frozenset({Permission.READ, Permission.ADD_INTEL, Permission.ADD_NOTE}),
    AccountRole.OBSERVER: frozenset({Permission.READ}),
}

REFUSED_ON_A_SIMULATED_SESSION = frozenset(
    {
        Permission.CLOSE_INCIDENT,
        Permission.LOG_UTTERANCE,
        Permission.RECORD_ENTRY,
        Permission.ADD_INTEL,
        Permission.DISMISS_ADVICE,
    }
)
"""The permissions whose writes the log of a session run against the simulated subject refuses from everyone
(TD332, ``services.recorder``): all but a note. The board leaves their controls out on such a session, so that
it never offers what would be refused."""

SESSION_LIFETIME = timedelta(hours=14)  # longer than most incidents' durations (incident-types.md, base rates)
# How often a session's use is written down: the idle timeout is then exact to this, and a console's requests
# cost one write a minute per session instead of one each (a write waits for SQLite's lock, as appends do).
TOUCH_EVERY = timedelta(minutes=1)
# Sessions whose lifetime ran out longer ago than this are deleted, a few at each sign-in (``sign_in``). A session
# row is credential state, not evidence: the audit log keeps every sign-in and sign-out, and the event log who
# wrote what. 30 days keeps an ended session's reason (the board's banner, TD155) far longer than anyone acts on it.
SESSION_RETENTION = timedelta(days=30)
PURGE_BATCH = 200  # a sign-in deletes at most this many, so its cost stays bounded after a long gap
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_USER_FAILURES = 5
MAX_CLIENT_FAILURES = 20
FIRST_PAUSE = timedelta(seconds=30)
# A paused sign-in is audited at most this often per client address. A paused attempt costs no hash, so one machine
# sent ~100 a second, each a row kept for good in the append-only audit log and a write waiting on the lock the
# team's entries wait on. The failures that caused the pause are each audited, so who was guessed at stays known.
THROTTLE_AUDIT_EVERY = timedelta(minutes=1)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
# One password check at a time in this process. The pause is read before the password is verified and the failure
# recorded after, so guesses sent at once all found sign-in open (thirty parallel guesses were all verified, where
# five pause the account). Serialising also keeps argon2's 64 MiB per verification from multiplying by the
# server's thread pool. Rejected: a lock per account, which leaves the per-address limit open to parallel guesses
# at many names. A throttled attempt costs no hash, so a flood waits only behind the checks it is allowed.
_SIGN_IN = threading.Lock()
# Verified when the user name is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$Nvmhd9/5dBB6YFSCZzV/bg$ntCmitIQtn9ykw8Nz9ELgvX4sM1Qd+IFAQ4y7rXApMo"


@dataclass(frozen=True)
class SignedIn:
    """The user behind a request: their name, role, what they may do, and their session's CSRF token."""

    username: str
    role: AccountRole
    csrf_token: str

    @property
    def actor(self) -> str:
        return f"user:{self.username}"

    @property
    def permissions(self) -> frozenset[Permission]:
        return PERMISSIONS[self.role]

    def may(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie only; the database keeps its SHA-256
    user: SignedIn
    expires_at: datetime


def parse_role(value: str) -> AccountRole:
    try:
        return AccountRole(value.strip().lower().replace("-", "_"))
    except ValueError as exc:
        raise TalkdownError("TD153", value=value, choices=", ".join(r.value for r in AccountRole)) from exc


def _username(value: str) -> str:
    name = value.strip().lower()
    if not _USERNAME.match(name):
        raise TalkdownError("TD154", what="A user name", problem="1-64 letters, digits, '.', '_' or '-'")
    return name


def add_user(app: App, *, username: str, role: AccountRole, password: str, by: str = "system:cli") -> str:
    """Create an account; the password is kept only as an argon2id hash."""
    name = _username(username)
    hashed = _hasher.hash(_check_password(password))
    app.accounts.add_user(username=name, password_hash=hashed, role=role.value, at=app.clock.now())
    audit(app, actor=by, action="user.add", target=name, detail=f"role={role.value}")
    return name


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise TalkdownError("TD154", what="A password", problem=f"at least {MIN_PASSWORD} characters")
    return password


def _update(app: App, username: str, *, by: str, action: str, detail: str = "", **values: str | bool) -> str:
    name = _username(username)
    if not app.accounts.update_user(name, **values):
        raise TalkdownError("TD250", username=name)
    audit(app, actor=by, action=action, target=name, detail=detail)
    return name


def set_disabled(app: App, username: str, *, disabled: bool, by: str = "system:cli") -> str:
    """Disable an account (someone left the team, a laptop was lost) or enable it again. A disabled account
    cannot sign in and its open sessions end: revoked, so that enabling it again does not bring back the session
    of the laptop that was lost."""
    name = _update(app, username, by=by, action="user.disable" if disabled else "user.enable", disabled=disabled)
    if disabled:
        app.accounts.revoke_sessions_of(name, reason="disabled")
    return name


def set_role(app: App, username: str, role: AccountRole, *, by: str = "system:cli") -> str:
    """Change an account's role; it applies from the account's next request (sessions read the role each time)."""
    return _update(app, username, by=by, action="user.role", detail=f"role={role.value}", role=role.value)


def reset_password(app: App, username: str, password: str, *, by: str = "system:cli") -> tuple[str, int]:
    """Set a new password and end the account's open sessions (whoever knew the old one is signed out);
    returns the account name and how many sessions ended."""
    name = _update(app, username, by=by, action="user.password", password_hash=_hasher.hash(_check_password(password)))
    return name, app.accounts.revoke_sessions_of(name, reason="reset")


def change_user(
    app: App,
    username: str,
    *,
    by: SignedIn,
    role: AccountRole | None = None,
    disabled: bool | None = None,
    password: str | None = None,
) -> tuple[str, AccountRole, bool]:
    """What an admin changes from the console, in one call: the account as it is now. An admin may not disable
    or demote their own account there (TD351), so the console always keeps one; the terminal still can."""
    name = _username(username)
    if name == by.username and (disabled or role not in (None, AccountRole.ADMIN)):
        raise TalkdownError("TD351", action="disable or demote")
    if password is not None:
        _check_password(password)  # before any change: a refused password leaves the account as it was
    if role is not None:
        set_role(app, name, role, by=by.actor)
    if disabled is not None:
        set_disabled(app, name, disabled=disabled, by=by.actor)
    if password is not None:
        reset_password(app, name, password, by=by.actor)
    found = app.accounts.find_user(name)
    if found is None:
        raise TalkdownError("TD250", username=name)
    return found.username, AccountRole(found.role), found.disabled


def list_users(app: App) -> list[tuple[str, AccountRole, bool]]:
    return [(u.username, AccountRole(u.role), u.disabled) for u in app.accounts.list_users()]


def _pause(app: App, *, username: str, client: str, now: datetime) -> int:
    """Seconds the caller must wait before another try; 0 when sign-in is open.

    An account's failures in a row pause it for the address they came from only. Why not for every address: keyed
    on the name alone, anyone on the LAN could keep the team leader out during an incident by typing a wrong
    password under her name once each pause ran out. Guessing from one address stays as slow as before; from many,
    each address gets its own five tries and then its own pause, and any address its ``MAX_CLIENT_FAILURES``.
    """
    since = now - THROTTLE_WINDOW
    wait = timedelta(0)
    user_attempts = app.accounts.attempts_since(since=since, username=username, client=client)
    failures: list[datetime] = []
    for attempt in user_attempts:
        failures = [] if attempt.ok else [*failures, attempt.at]
    if len(failures) >= MAX_USER_FAILURES:
        pause = min(FIRST_PAUSE * 2 ** (len(failures) - MAX_USER_FAILURES), THROTTLE_WINDOW)
        wait = max(wait, failures[-1] + pause - now)
    client_failures = [a.at for a in app.accounts.attempts_since(since=since, client=client) if not a.ok]
    if len(client_failures) >= MAX_CLIENT_FAILURES:
        wait = max(wait, client_failures[-MAX_CLIENT_FAILURES] + THROTTLE_WINDOW - now)
    return max(0, int(wait.total_seconds() + 0.999))


UNKNOWN_ACTOR = "user:(no such account)"
"""The audit log's actor for a sign-in under a name no account has (no user name can be written so)."""


def _throttle_key(name: str, exists: bool) -> str:
    """The name a sign-in attempt is counted under: the account's own, or for a name no account has, a short
    digest of it (``?`` and 4 hex digits).

    Why: people type their password into the name box, and that name was written as it came (the attempts
    table, and the audit log's actor for everyone with the audit page to read). A digest this short (65,536
    values) holds nothing of a password, yet keeps an unknown name paused after its failures just as a real
    one is, so the pause does not tell which names have accounts. No account name starts with ``?``.
    """
    if exists:
        return name
    return "?" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:4]


def sign_in(app: App, *, username: str, password: str, client: str) -> NewSession:
    """Check a password (throttled), open a session and audit the outcome.

    Raises TD450 while paused and TD150 for a wrong name or password (the same error for both, so the
    answer does not reveal which accounts exist).
    """
    name = username.strip().lower()[:64]
    with _SIGN_IN:
        now = app.clock.now()
        user = app.accounts.find_user(name)
        key = _throttle_key(name, exists=user is not None)
        actor = f"user:{name}" if user is not None else UNKNOWN_ACTOR  # never a password typed as the name
        wait = _pause(app, username=key, client=client, now=now)
        if wait:
            last = app.accounts.last_audit_at(action="login", outcome="throttled", client=client)
            if last is None or now - last >= THROTTLE_AUDIT_EVERY:
                detail = f"wait={wait}s; more paused attempts from this address within a minute are not written"
                audit(app, actor=actor, action="login", outcome="throttled", client=client, detail=detail)
            raise TalkdownError("TD450", seconds=wait)
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if user is None or user.disabled or not ok:
            app.accounts.add_attempt(username=key, client=client, at=now, ok=False)
            audit(app, actor=actor, action="login", outcome="failed", client=client)
            raise TalkdownError("TD150", limit=MAX_USER_FAILURES)
        checked = user.password_hash
        if _hasher.check_needs_rehash(checked):
            rehashed = _hasher.hash(password)
            if app.accounts.rehash(name, old=checked, new=rehashed):
                checked = rehashed
        app.accounts.add_attempt(username=name, client=client, at=now, ok=True)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + SESSION_LIFETIME
    # Only while the account still has the password just checked and is enabled (``AccountStore.add_session``):
    # a reset or disable during the check must not leave a session of the old password behind it.
    if not app.accounts.add_session(
        token_hash=_digest(token),
        username=name,
        csrf_token=csrf,
        created_at=now,
        expires_at=expires,
        password_hash=checked,
    ):
        detail = "the password was reset or the account disabled while the sign-in checked it"
        audit(app, actor=f"user:{name}", action="login", outcome="failed", client=client, detail=detail)
        raise TalkdownError("TD150", limit=MAX_USER_FAILURES)
    app.accounts.purge_sessions(expired_before=now - SESSION_RETENTION, limit=PURGE_BATCH)
    audit(app, actor=f"user:{name}", action="login", client=client)
    return NewSession(token, SignedIn(name, AccountRole(user.role), csrf), expires)


def has_password(app: App, username: str, password: str) -> bool:
    """Whether an enabled account opens with ``password``, checked without signing in (no session, attempt or
    audit row): ``talkdown serve`` asks it of the demo account before serving on a network."""
    user = app.accounts.find_user(username.strip().lower())
    if user is None or user.disabled:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    """Only a digest of the session token is stored, so a copy of the database cannot be used to sign in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idle_limit(app: App) -> timedelta:
    return timedelta(minutes=app.settings.session_idle_minutes)


def idle_wording(app: App) -> str:
    """The idle limit as the sign-in page and TD155 say it: "30 minutes", "1 minute"."""
    minutes = app.settings.session_idle_minutes
    return counted(minutes, "minute")


def find_session(app: App, token: str, *, active: bool = True) -> SignedIn | None:
    """The session's user, or None. ``active``: this request is the user's activity, which keeps the session
    from ending idle (``TALKDOWN_SESSION_IDLE_MINUTES``); a board's periodic check of an incident that is closed
    passes False. A session found unused for that long is ended here, and its end audited once."""
    if not token or len(token) > 200:
        return None
    digest, now = _digest(token), app.clock.now()
    idle_since = now - idle_limit(app)
    row = app.accounts.find_session(digest, now=now, idle_since=idle_since)
    if row is None:
        name = app.accounts.end_idle_session(digest, now=now, idle_since=idle_since)
        if name is not None:
            minutes = app.settings.session_idle_minutes
            audit(app, actor=f"user:{name}", action="logout", outcome="idle", detail=f"idle={minutes}m")
        return None
    if active and row.last_seen_at <= now - TOUCH_EVERY:
        _touch(app, digest, now)
    user = app.accounts.find_user(row.username)
    if user is None:
        return None
    return SignedIn(row.username, AccountRole(user.role), row.csrf_token)


def _touch(app: App, digest: str, now: datetime) -> None:
    """Record the session's use. A database that refuses writes (a full disk, a read-only mount) must not cost the
    team the reading of its board: the request goes on, and the session's idle time runs from its last recorded
    use."""
    try:
        app.accounts.touch_session(digest, at=now, unless_after=now - TOUCH_EVERY)
    except TalkdownError as exc:
        if exc.code != "TD604":
            raise
        log.warning("session use not recorded: the database refused the write (%s)", exc.code)


class SessionEnd(StrEnum):
    """Why a session no longer signs anyone in, as an open board tells its user."""

    IDLE = "idle"
    SIGNED_OUT = "signed_out"
    RESET = "reset"  # the account's password was reset
    DISABLED = "disabled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def session_end(app: App, token: str) -> SessionEnd:
    """Why ``token``'s session has ended (call it once ``find_session`` found none): an open board names the
    reason, the sign-in page and TD155 name the idle one. UNKNOWN for a token never issued, or a session revoked
    before its reason was kept."""
    if not token or len(token) > 200:
        return SessionEnd.UNKNOWN
    found = app.accounts.session_end(_digest(token), now=app.clock.now())
    return SessionEnd(found) if found in {e.value for e in SessionEnd} else SessionEnd.UNKNOWN


def signed_out(app: App, token: str) -> TalkdownError:
    """Why a request has no session: TD155 when its session ended idle (so the sign-in page can say so), else
    TD151."""
    if session_end(app, token) is SessionEnd.IDLE:
        return TalkdownError("TD155", idle=idle_wording(app))
    return TalkdownError("TD151")


def sign_out(app: App, token: str, *, client: str = "") -> None:
    user = find_session(app, token)
    app.accounts.revoke_session(_digest(token))
    if user is not None:
        audit(app, actor=user.actor, action="logout", client=client)


def require(user: SignedIn, permission: Permission) -> None:
    """Raise TD350 unless the user's role grants the permission (callers audit the denial)."""
    if not user.may(permission):
        raise TalkdownError("TD350", role=user.role.value, action=permission.value)


def audit(
    app: App, *, actor: str, action: str, outcome: str = "ok", target: str = "", client: str = "", detail: str = ""
) -> None:
    app.accounts.add_audit(
        at=app.clock.now(), actor=actor, action=action, outcome=outcome, target=target, client=client, detail=detail
    )


def list_audit(app: App, *, after_id: int = 0, limit: int = 500) -> list[AuditRow]:
    return app.accounts.list_audit(after_id=after_id, limit=limit)


def recent_audit(app: App, *, limit: int = 50) -> list[AuditRow]:
    """The latest entries, newest first: what an admin scans for failed sign-ins, refusals and exports."""
    return app.accounts.list_audit(limit=limit, newest_first=True)


def acting_as(app: App, user: SignedIn) -> App:
    """The same application graph, recording as this user.

    Why a shallow copy: use cases take the actor from ``App.actor`` (one per CLI process), while the
    console serves many users at once; the copy shares the store, recorder cache and lock.
    """
    clone = copy.copy(app)
    clone.actor = user.actor
    return clone
