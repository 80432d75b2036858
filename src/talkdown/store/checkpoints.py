"""Head checkpoints kept outside the database, so a deleted tail of the log shows up.

Why a separate file: whoever can delete rows can delete a checkpoint table in the same database too.
Each append records ``seq`` and ``hash`` of the new head as one JSON line (O_APPEND), and
``talkdown head`` prints it for the paper log. A checkpoint may lag the log (a crash between commit and
write), never lead it; a checkpoint ahead of the log means events were removed. No fsync: a checkpoint lost
to a power cut only lags (no false alarm), and an fsync here would double the scribe's append latency.

The folder is checked before a write transaction (``ready``), so a folder that cannot take checkpoints (a path
naming a file, no write permission) refuses the entry with TD607 before anything is committed. A write that
fails after the commit (a full disk) is logged, not raised: the entry is in the log, and an error then would
tell the scribe it was not, so they would enter it twice; the checkpoint only lags.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from talkdown.store.folders import make_folder

log = logging.getLogger(__name__)
_SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True)
class Checkpoint:
    incident_id: str
    seq: int
    hash: str
    at: str


class CheckpointFile:
    """One append-only JSON Lines file per incident under a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._ready = False

    def ready(self) -> None:
        """TD607 unless checkpoints can be written here; checked once per process while it succeeds."""
        if not self._ready:
            make_folder(self.directory, setting="TALKDOWN_CHECKPOINT_DIR")
            self._ready = True

    def _path(self, incident_id: str) -> Path:
        if not _SAFE.match(incident_id):
            raise ValueError(f"unsafe incident id for a file name: {incident_id!r}")
        return self.directory / f"{incident_id}.heads.jsonl"

    def record(self, cp: Checkpoint) -> None:
        """Append after a commit; a failure is logged (see the module docstring), never raised."""
        line = json.dumps({"incident_id": cp.incident_id, "seq": cp.seq, "hash": cp.hash, "at": cp.at}) + "\n"
        path = self._path(cp.incident_id)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode())
            finally:
                os.close(fd)
        except OSError as exc:
            self._ready = False  # ask again before the next write transaction
            log.error("checkpoint seq %d of incident %s not written to %s: %s", cp.seq, cp.incident_id, path, exc)

    def incident_ids(self, *, prefix: str = "") -> list[str]:
        """Every incident with a checkpoint file here, whose id starts with ``prefix``."""
        suffix = ".heads.jsonl"
        if not self.directory.is_dir():
            return []
        names = (p.name[: -len(suffix)] for p in self.directory.iterdir() if p.name.endswith(suffix))
        return sorted(n for n in names if n.startswith(prefix) and _SAFE.match(n))

    def latest(self, incident_id: str) -> Checkpoint | None:
        """The highest head ever recorded; a torn last line (crash mid-write) is ignored."""
        path = self._path(incident_id)
        if not path.exists():
            return None
        best: Checkpoint | None = None
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(raw)
                cp = Checkpoint(str(data["incident_id"]), int(data["seq"]), str(data["hash"]), str(data["at"]))
            except (ValueError, KeyError, TypeError):
                continue
            if best is None or cp.seq > best.seq:
                best = cp
        return best
