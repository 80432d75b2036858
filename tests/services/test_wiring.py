"""Building the application graph: where the embedded database goes and how it is kept."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from talkdown.services.wiring import build_app
from talkdown.settings import Settings


@pytest.mark.integration
def test_the_data_folder_it_creates_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    # It holds the record, the intelligence and the password hashes; with the usual umask 022 it was 0755 and
    # the database 0644, so any account on the laptop could copy them.
    data = tmp_path / "home" / "data"
    app = build_app(Settings(data_dir=data))
    app.store.engine.dispose()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert (data / "talkdown.db").exists()


@pytest.mark.integration
def test_a_data_folder_that_exists_keeps_the_permissions_its_owner_gave_it(tmp_path: Path) -> None:
    data = tmp_path / "shared"
    data.mkdir(mode=0o750)
    data.chmod(0o750)
    app = build_app(Settings(data_dir=data))
    app.store.engine.dispose()
    assert stat.S_IMODE(data.stat().st_mode) == 0o750
