"""A folder talkdown writes in (the data folder, the checkpoints), made or refused with TD607 before anything is
saved: a path naming a file, or a folder this account may not write in, otherwise surfaced as an internal
error after part of the work was done."""

from __future__ import annotations

import os
from pathlib import Path

from talkdown.errors import TalkdownError


def make_folder(path: Path, *, setting: str, mode: int = 0o777) -> None:
    """Create ``path`` (and its parents) if needed; TD607 naming ``setting`` (what moves it) when it cannot be
    used. ``mode`` applies to a folder made here only: one someone chose and made is left as they made it."""
    if path.exists() and not path.is_dir():
        problem = "it is a file, not a folder"
    else:
        try:
            path.mkdir(mode=mode, parents=True, exist_ok=True)
        except OSError as exc:
            problem = exc.strerror or str(exc)
        else:
            if os.access(path, os.W_OK | os.X_OK):
                return
            problem = "this account may not write in it"
    raise TalkdownError("TD607", folder=str(path), problem=problem, setting=setting)
