"""Engines for the two supported backends, with the durability settings the log needs.

SQLite: WAL (readers never block the writer), ``synchronous=FULL`` (a commit survives power loss),
foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE`` so two processes appending to one incident
serialise on the write lock instead of both reading the same head. PostgreSQL: psycopg 3; concurrent
appends collide on the (incident_id, seq) primary key and the service retries.

Every engine answers a database that stops answering with TD604 (``unreachable``), raised in place of the
driver's error by SQLAlchemy's ``handle_error`` hook, so the layers above catch talkdown's own error and
never import SQLAlchemy (an import-linter contract keeps it inside ``store``).
"""

from __future__ import annotations

import os
import re
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from talkdown.errors import TalkdownError


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def build_engine(url: str) -> Engine:
    """Create an engine for ``url``; PostgreSQL URLs are steered to the psycopg 3 driver."""
    engine = _create(url)
    event.listen(engine, "handle_error", _Unreachable(url))
    return engine


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        problem = "not a database URL (e.g. sqlite:////path/talkdown.db or postgresql://user@host/db)"
        raise TalkdownError("TD601", url=_masked(url), problem=problem) from exc
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("postgresql"):
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise TalkdownError("TD701", feature="PostgreSQL", extra="postgres") from exc
    if parsed.drivername.startswith("sqlite"):
        engine = create_engine(parsed, connect_args={"timeout": 30, "isolation_level": None})
        watch = _SqliteFile(parsed.database, url)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "connect", watch.opened)
        event.listen(engine, "begin", watch.check)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    raise TalkdownError("TD601", url=shown_url(url), problem="unsupported database")


def shown_url(url: str) -> str:
    """A database URL fit to print or log: the password, if any, as ``***``."""
    return make_url(url).render_as_string(hide_password=True)


def _masked(url: str) -> str:
    """A URL SQLAlchemy cannot read, fit to print: whatever sits between the first ':' after the user name and the
    '@' is taken for a password and shown as ``***`` (``shown_url`` needs a URL it can parse)."""
    return _PASSWORD.sub(r"\1***@", url, count=1)


_PASSWORD = re.compile(r"^((?:[^:/@]*://)?[^:/@]*:)[^@]*@")


def driver_problem(exc: DBAPIError) -> str:
    """The driver's first line for an error message (its later lines repeat the SQL, which says nothing to a user)."""
    first = str(exc.orig or exc).strip().splitlines()
    return first[0] if first else type(exc).__name__


def unreachable(exc: OperationalError, url: str) -> TalkdownError:
    """TD604 for a database that refused the connection or the transaction (PostgreSQL down or restarted, a
    SQLite file that cannot be opened, written or locked past the busy timeout): the driver's first line,
    never the password. Why a code of its own: during an incident "nothing was saved, retry" is what the
    team must read, where an uncaught driver error said "internal error"."""
    return TalkdownError("TD604", url=shown_url(url), problem=driver_problem(exc))


class _Unreachable:
    """``handle_error`` hook: TD604 in place of a driver's ``OperationalError``, the driver's error as its cause.

    The pool's pre-ping is left alone: its failure on a connection the server ended (a PostgreSQL restart
    between two requests) is how SQLAlchemy knows to open a new one, which it does without any error.
    Other errors (``IntegrityError``: a seq another writer took) stay SQLAlchemy's, for the store to handle.
    """

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, ctx: ExceptionContext) -> None:
        driver = ctx.sqlalchemy_exception
        if not ctx.is_pre_ping and isinstance(driver, DBAPIError) and is_corrupt(ctx.original_exception):
            raise TalkdownError("TD503", url=shown_url(self.url), problem=driver_problem(driver))
        if ctx.is_pre_ping or not isinstance(ctx.sqlalchemy_exception, OperationalError):
            return
        raise unreachable(ctx.sqlalchemy_exception, self.url)


_SQLITE_CORRUPT = 11  # the primary result code; extended codes (SQLITE_CORRUPT_INDEX, ...) keep it in the low byte
_PG_CORRUPT = frozenset({"XX001", "XX002"})  # data_corrupted, index_corrupted


def is_corrupt(orig: BaseException | None) -> bool:
    """Whether the driver reports a damaged database: SQLite's SQLITE_CORRUPT ("database disk image is malformed":
    a bad sector, a torn copy, bytes changed in the file) or PostgreSQL's data or index corruption.

    Why its own code (TD503) and not the internal error it was: the team must hear that the record itself is
    damaged, preserve the file and restore a backup, where "internal error" reads as a bug to report."""
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == _SQLITE_CORRUPT:
        return True
    return getattr(orig, "sqlstate", None) in _PG_CORRUPT


_OPENED_FILE = "talkdown_opened_file"


class _SqliteFile:
    """TD604 before any transaction on a connection whose database file was deleted or replaced since it opened it.

    Why: a process keeps its SQLite connections open (``talkdown serve`` for hours), and SQLite in WAL mode goes
    on committing into a file that was deleted (or renamed over, e.g. a backup restored in its place) without a
    word: the console acknowledged every entry while it went into a file no other process, and no restart, would
    ever see again. One ``stat`` per transaction compares the path's file with the one the connection opened;
    the connection is kept, not closed, so a deleted file's contents stay readable from the running process
    (``/proc/PID/fd``) until it is stopped.
    """

    def __init__(self, database: str | None, url: str) -> None:
        path = (database or "").removeprefix("file:")
        self.path = "" if path in {"", ":memory:"} or "mode=memory" in url else os.path.abspath(path)
        self.url = url

    def opened(self, _dbapi_conn: Any, record: Any) -> None:
        if self.path:
            record.info[_OPENED_FILE] = _file_identity(self.path)

    def check(self, conn: Any) -> None:
        opened = conn.connection.info.get(_OPENED_FILE)
        if opened is None or _file_identity(self.path) == opened:
            return
        problem = "its file was deleted or replaced after this process opened it; restart talkdown"
        raise TalkdownError("TD604", url=shown_url(self.url), problem=problem)


def _file_identity(path: str) -> tuple[int, int] | None:
    """The (device, inode) of the file at ``path``, None when there is none."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # pysqlite's own transaction handling is off (isolation_level=None); we begin explicitly so a writer
    # takes the write lock before it reads the head. Readers (execution option read_only) begin deferred
    # and never wait for writers under WAL.
    if conn.get_execution_options().get("read_only"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
