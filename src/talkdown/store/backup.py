"""A consistent copy of a live SQLite database, taken while the console and the CLI keep writing.

Why not ``cp talkdown.db``: in WAL mode the latest commits live in ``talkdown.db-wal`` until a checkpoint moves
them into the main file, and ``talkdown serve`` keeps its connections open, so a plain copy of the main file
taken during an incident held none of that day's entries (or a torn mix of pages). SQLite's online backup API
copies the database as one transaction sees it, WAL included, page by page; a writer that commits meanwhile
makes it start over, so the copy is always one consistent state. The copy is written beside its destination
under a temporary name, checked with ``PRAGMA integrity_check``, flushed to disk and only then renamed into
place, so a destination path never holds half a backup.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from talkdown.errors import TalkdownError
from talkdown.store.engine import is_corrupt

_COUNT = "SELECT count(DISTINCT incident_id), count(*) FROM events"


@dataclass(frozen=True)
class BackupCopy:
    """What the copy holds, read back from the copy itself."""

    path: Path
    incidents: int
    events: int
    size: int
    removed: tuple[Path, ...] = field(default=())
    """Partial copies a stopped backup to the same destination had left behind, removed before this one."""


def backup_sqlite(engine: Engine, destination: Path) -> BackupCopy:
    """Copy the SQLite database behind ``engine`` to ``destination`` (which must not exist yet).

    Raises TD110 for a destination that exists or cannot be written, TD503 when the copy shows the database itself
    is damaged (no backup is kept then: it would pass for a good one); the live database is only read.
    """
    if destination.exists():
        raise TalkdownError("TD110", file=str(destination), problem="it already exists; a backup never replaces a file")
    removed = remove_stale_partials(destination)
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        incidents, count = _copy(engine, partial)
        os.replace(partial, destination)
        _fsync(destination.parent)
    except OSError as exc:
        raise TalkdownError("TD110", file=str(destination), problem=exc.strerror or str(exc)) from exc
    except (_Damaged, sqlite3.Error) as exc:
        if isinstance(exc, sqlite3.Error) and not is_corrupt(exc):
            raise TalkdownError("TD110", file=str(destination), problem=str(exc)) from exc
        raise TalkdownError("TD503", url=engine.url.render_as_string(hide_password=True), problem=str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    size = destination.stat().st_size
    return BackupCopy(path=destination, incidents=incidents, events=count, size=size, removed=removed)


def remove_stale_partials(destination: Path) -> tuple[Path, ...]:
    """Remove the hidden partial copies (``.NAME.partial-PID``, and its ``-journal``) that a backup to
    ``destination`` left when it was killed, as long as process PID no longer runs; return what was removed.

    Why: the ``finally`` that removes a partial copy never runs for a backup killed (``kill -9``, a power cut,
    a closed laptop's shell), so each one left a hidden file as large as the database beside the backups,
    which nothing ever removed or mentioned. A partial whose process still runs is another backup at work
    (or a reused PID): it is left alone.
    """
    pattern = re.compile(rf"\.{re.escape(destination.name)}\.partial-(\d+)(?:-journal)?")
    removed = []
    try:
        found = sorted(destination.parent.iterdir())
    except OSError:
        return ()  # a folder that cannot be listed fails the backup itself, with its own message
    for path in found:
        match = pattern.fullmatch(path.name)
        if match is None or _running(int(match.group(1))):
            continue
        try:
            path.unlink()
        except OSError:
            continue  # not ours to remove (another account's): the backup goes on beside it
        removed.append(path)
    return tuple(removed)


def _running(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another account's process, or an id this system cannot check: assume it is at work
    return True


def _copy(engine: Engine, partial: Path) -> tuple[int, int]:
    """Run the online backup into ``partial``, check it, flush it to disk, and count the incidents and events
    the copy holds (read from the copy, so the report is about what was saved, not about the source)."""
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        if not isinstance(source, sqlite3.Connection):  # build_engine makes SQLite engines with pysqlite only
            raise TypeError(f"not a pysqlite connection: {type(source).__name__}")
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise _Damaged(f"a copy of it failed SQLite's integrity check ({verdict})")
            incidents, count = target.execute(_COUNT).fetchone()
        finally:
            target.close()
    finally:
        raw.close()
    _fsync(partial)
    return int(incidents), int(count)


class _Damaged(Exception):
    """The copy, taken page for page, fails SQLite's integrity check: the source is damaged, not the destination."""


def _fsync(path: Path) -> None:
    """Flush a file, or a folder after a rename into it (a power cut could otherwise leave no file under the
    name), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
