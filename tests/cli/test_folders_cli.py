"""A data or checkpoint folder that cannot be used: one coded line before anything is saved, never a traceback
(in-process: ``tests/cli/in_process.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talkdown.cli import main
from tests.cli.in_process import talkdown

pytestmark = pytest.mark.integration


def test_a_data_folder_that_is_a_file_is_td607_naming_the_setting(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    ran = talkdown("incident", "list", env={"TALKDOWN_DATA_DIR": str(tmp_path / "data")})
    assert ran.returncode == 8 and "Traceback" not in ran.stderr
    said = " ".join(ran.stderr.split())
    assert "error[TD607]" in said and "it is a file, not a folder" in said and "TALKDOWN_DATA_DIR" in said


def test_a_checkpoint_folder_that_cannot_be_used_keeps_the_incident_from_being_half_made(tmp_path: Path) -> None:
    (tmp_path / "cp").write_text("not a folder")
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_CHECKPOINT_DIR": str(tmp_path / "cp")}
    ran = talkdown("incident", "new", "Bank siege", "--json", env=env)
    assert ran.returncode == 8 and json.loads(ran.stdout)["code"] == "TD607"
    assert "TALKDOWN_CHECKPOINT_DIR" in " ".join(ran.stderr.split())
    listed = talkdown("incident", "list", "--json", env=env)
    assert json.loads(listed.stdout) == []  # nothing recorded, so a retry after the fix makes no duplicate


def test_an_internal_error_whose_log_cannot_be_written_is_said_without_a_second_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").write_text("not a folder")
    monkeypatch.setenv("TALKDOWN_DATA_DIR", str(tmp_path / "data"))
    main.STATE.reset()
    try:
        assert main._log_internal_error(RuntimeError("boom")) is None
    finally:
        main.STATE.reset()
