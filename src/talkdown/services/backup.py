"""Use case: back up the live database (``talkdown db backup FILE``) while the team keeps recording.

Why a command and not "copy the file": see ``store/backup.py`` (a plain copy of a live SQLite file misses what
is still in its write-ahead log). PostgreSQL has its own tools for this (``pg_dump``), which know its server;
talkdown names them instead of copying a server it does not own.
"""

from __future__ import annotations

from pathlib import Path

from talkdown.errors import TalkdownError
from talkdown.services.wiring import App
from talkdown.store.backup import BackupCopy, backup_sqlite
from talkdown.store.engine import is_sqlite


def backup_database(app: App, destination: Path) -> BackupCopy:
    """Copy the database to ``destination`` (a new file): TD608 on PostgreSQL, TD110 for a path it cannot use."""
    url = app.settings.resolved_database_url
    if not is_sqlite(url):
        raise TalkdownError("TD608", url=app.database_shown)
    return backup_sqlite(app.store.engine, destination)
