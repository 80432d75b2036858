"""Engines for the two supported backends, with the durability settings the log needs.

SQLite: WAL (readers never block the writer), ``synchronous=FULL`` (a commit survives power loss),
foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE`` so two processes appending to one incident
serialise on the write lock instead of both reading the same head. PostgreSQL: psycopg 3; concurrent
appends collide on the (incident_id, seq) primary key and the service retries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from talkdown.errors import TalkdownError


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def build_engine(url: str) -> Engine:
    """Create an engine for ``url``; PostgreSQL URLs are steered to the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise TalkdownError("TD601", url=url, problem=str(exc)) from exc
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("postgresql"):
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise TalkdownError("TD701", feature="PostgreSQL", extra="postgres") from exc
    if parsed.drivername.startswith("sqlite"):
        engine = create_engine(parsed, connect_args={"timeout": 30, "isolation_level": None})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    raise TalkdownError("TD601", url=shown_url(url), problem="unsupported database")


def shown_url(url: str) -> str:
    """A database URL fit to print or log: the password, if any, as ``***``."""
    return make_url(url).render_as_string(hide_password=True)


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
