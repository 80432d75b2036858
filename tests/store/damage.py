"""Damage a SQLite file the way a bad sector or a torn copy does, for the tests of what the team is told."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def damage_the_events_table(db: Path) -> None:
    """Flip the type byte of the events table's root page, as a bad sector or a torn copy would damage it."""
    with sqlite3.connect(db) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size)
        byte = f.read(1)[0]
        f.seek((root - 1) * page_size)
        f.write(bytes([byte ^ 0xFF]))
