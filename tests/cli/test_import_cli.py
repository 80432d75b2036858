"""What `talkdown import` tells the user to settle after an import, as a person and a script read it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_import_names_speakers_left_without_a_role_and_map_names_nobody_said(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text("NEG: Hello.\nSUBJECT: Go away.\nSUBJECT: Now.\n", encoding="utf-8")
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    argv = [sys.executable, "-m", "talkdown", "import", str(path), "--map", "NEG=primary", "--map", "Subject=subject"]
    shown = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=True)
    [incident_id] = shown.stdout.split()  # the ids alone on stdout: scripts read them
    err = " ".join(shown.stderr.split())
    assert "No role for: SUBJECT (2 lines)" in err and "no skill or cue analysis" in err
    assert '--map "SUBJECT=subject"' in err and "--map names nobody in the file: Subject." in err
    scripted = subprocess.run([*argv, "--json"], env=env, capture_output=True, text=True, timeout=120, check=True)
    out = json.loads(scripted.stdout)
    assert out["speakers_without_role"] == {"SUBJECT": 2} and out["unused_map"] == ["Subject"]
    assert len(out["incident_ids"]) == 1 and out["incident_ids"] != [incident_id]
    both = [*argv[:7], "--map", "SUBJECT=subject"]
    mapped = subprocess.run(both, env=env, capture_output=True, text=True, timeout=120, check=True)
    assert mapped.stderr == "" and len(mapped.stdout.split()) == 1  # nothing to settle, nothing said
