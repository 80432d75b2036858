"""What `talkdown import` tells the user to settle after an import, as a person and a script read it (in-process:
``tests/cli/in_process.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.in_process import talkdown

pytestmark = pytest.mark.integration


def test_import_names_speakers_left_without_a_role_and_map_names_nobody_said(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text("NEG: Hello.\nSUBJECT: Go away.\nSUBJECT: Now.\n", encoding="utf-8")
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    args = ["import", str(path), "--map", "NEG=primary", "--map", "Subject=subject"]
    shown = talkdown(*args, env=env)
    assert shown.returncode == 0, shown.stderr
    [incident_id] = shown.stdout.split()  # the ids alone on stdout: scripts read them
    err = " ".join(shown.stderr.split())
    assert "No role for: SUBJECT (2 lines)" in err and "no skill or cue analysis" in err
    assert '--map "SUBJECT=subject"' in err and "--map names nobody in the file: Subject." in err
    scripted = talkdown(*args, "--json", env=env)
    out = json.loads(scripted.stdout)
    assert out["speakers_without_role"] == {"SUBJECT": 2} and out["unused_map"] == ["Subject"]
    assert len(out["incident_ids"]) == 1 and out["incident_ids"] != [incident_id]
    mapped = talkdown(*args[:4], "--map", "SUBJECT=subject", env=env)
    assert mapped.returncode == 0 and mapped.stderr == "" and len(mapped.stdout.split()) == 1  # nothing to settle


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["import", "{txt}", "--map-file", "{deep}"], "TD108"),
        (["cases", "import", "{deep}"], "TD120"),
        (["train", "run", "{deep}"], "TD131"),
        (["advise", "show", "ffffffffffff", "--policy", "{deep}"], "TD642"),
    ],
    ids=["speaker-map", "case-file", "scenario", "policy"],
)
def test_a_yaml_file_nested_too_deeply_is_a_coded_error_not_a_crash(
    tmp_path: Path, command: list[str], code: str
) -> None:
    # A crafted '[[[[...' file (an agency's case file, a scenario or a policy passed around) ran PyYAML's composer
    # out of stack: "internal error: RecursionError" instead of the file's own error naming it.
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    txt = tmp_path / "call.txt"
    txt.write_text("NEG: Hello.\n", encoding="utf-8")
    args = [a.format(deep=deep, txt=txt) for a in command]
    ran = talkdown(*args, env={"TALKDOWN_DATA_DIR": str(tmp_path / "data")}, stdin="")
    err = " ".join(ran.stderr.split())
    assert ran.returncode != 0 and f"error[{code}]" in err and "nested too deeply" in err, err
    assert "internal error" not in err


def test_a_speaker_with_one_line_left_without_a_role_is_said_in_the_singular(tmp_path: Path) -> None:
    # "No role for: SUBJECT (2 lines), UNKNOWN (1 lines)" after importing the README's own kind of file.
    path = tmp_path / "call.txt"
    path.write_text("NEG: Hello.\nSUBJECT: Go away.\n", encoding="utf-8")
    shown = talkdown("import", str(path), "--map", "NEG=primary", env={"TALKDOWN_DATA_DIR": str(tmp_path / "data")})
    assert shown.returncode == 0, shown.stderr
    assert "No role for: SUBJECT (1 line)." in " ".join(shown.stderr.split())
