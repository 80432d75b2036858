"""init, head, verify and the other whole-log commands as an administrator runs them, on both backends.

In-process (``tests/cli/in_process.py``); ``test_cli.test_python_m_talkdown_runs_a_command_of_each_group`` runs
this group through a real ``python -m talkdown``."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from tests.cli.in_process import Ran, talkdown

pytestmark = pytest.mark.integration

Run = Callable[..., Ran]


@pytest.fixture
def td(tmp_path: Path, database_url: str) -> Run:
    """The talkdown command on this test's database (SQLite file or cloned PostgreSQL database), in-process."""
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": database_url}

    def run(*args: str, url: str | None = None, zone: str | None = None) -> Ran:
        run_env = env if url is None else {**env, "TALKDOWN_DATABASE_URL": url}
        return talkdown(*args, env={**run_env, "TALKDOWN_TIMEZONE": zone})

    return run


def test_init_never_prints_the_database_password(td: Run, database_url: str) -> None:
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        pytest.skip("a SQLite URL has no password")
    with_password = url.set(password="s3cret").render_as_string(hide_password=False)  # noqa: S106  # trust auth ignores it
    for args in (("init",), ("init", "--json"), ("db", "upgrade")):
        proc = td(*args, url=with_password)
        assert proc.returncode == 0, proc.stderr
        assert "s3cret" not in proc.stdout and ":***@" in proc.stdout
    shown = json.loads(td("init", "--json", url=with_password).stdout)["database"]
    assert shown == url.render_as_string(hide_password=False).replace("@", ":***@", 1)


def test_a_sqlite_path_that_is_not_a_database_is_td601_not_an_internal_error(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("shopping list\n" * 200, encoding="utf-8")
    proc = talkdown("incident", "list", env={"TALKDOWN_DATA_DIR": str(tmp_path / "data"),
                                             "TALKDOWN_DATABASE_URL": f"sqlite:///{other}"})  # fmt: skip
    assert proc.returncode == 8 and proc.stderr.startswith("error[TD601]"), proc.stderr
    assert "not a database" in proc.stderr
    assert other.read_text(encoding="utf-8") == "shopping list\n" * 200  # left as it was


def test_the_json_board_gives_iso_times_that_match_the_incident_list(td: Run) -> None:
    incident = td("incident", "new", "Elm St").stdout.strip()
    assert td("say", incident, "Curtis", "You have until nine", "--role", "subject").returncode == 0
    assert td("deadline", "set", incident, "or else", "--in", "45m").returncode == 0
    hostage = json.loads(td("hostage", "add", incident, "Owen", "--json").stdout)["id"]
    assert td("hostage", "release", incident, hostage).returncode == 0
    board = json.loads(td("incident", "show", incident, "--json").stdout)
    times = [board["opened_at"], board["utterances"][0]["at"], board["deadlines"][0]["due_at"]]
    times.append(board["hostages"][0]["released_at"])
    for shown in times:
        assert "T" in shown and datetime.fromisoformat(shown).utcoffset() == timedelta(0), shown
    listed = json.loads(td("incident", "list", "--json").stdout)
    assert listed[0]["opened_at"] == board["opened_at"]


def test_deadline_at_a_clock_time_is_read_in_talkdown_timezone_and_shown_back(td: Run) -> None:
    incident = td("incident", "new", "Elm St").stdout.strip()
    chicago = td("deadline", "set", incident, "or he gets hurt", "--at", "9pm", "--json", zone="America/Chicago")
    assert chicago.returncode == 0, chicago.stderr
    assert chicago.stderr.startswith("due ") and re.search(r"21:00 C[SD]T", chicago.stderr), chicago.stderr
    kolkata = td("deadline", "set", incident, "second", "--at", "21:00", zone="Asia/Kolkata")
    assert kolkata.returncode == 0 and "21:00 IST" in kolkata.stderr, kolkata.stderr
    board = json.loads(td("incident", "show", incident, "--json").stdout)
    due = [datetime.fromisoformat(d["due_at"]) for d in board["deadlines"]]
    assert due[0].astimezone(ZoneInfo("America/Chicago")).strftime("%H:%M") == "21:00"
    assert due[1].astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M") == "21:00"
    opened = datetime.fromisoformat(board["opened_at"])
    assert all(timedelta(0) < d - opened <= timedelta(days=1) for d in due)  # the next 9 pm, not a past one
    naive_date = td("deadline", "set", incident, "x", "--at", "2026-11-27T21:00", zone="America/Chicago")
    assert naive_date.returncode == 3 and "give a time zone" in naive_date.stderr
    typo = td("deadline", "set", incident, "x", "--at", "9pm tmorow", zone="America/Chicago")
    assert typo.returncode == 3 and typo.stderr.startswith("error[TD105]")
    # A date already past (logged late, or a slip of the day) was recorded without a word: now a note on stderr
    past = td("deadline", "set", incident, "x", "--at", "2020-01-01T10:00Z", zone="America/Chicago")
    assert past.returncode == 0 and "note: due 2020-01-01 04:00 CST is already past" in past.stderr, past.stderr
    ahead = td("deadline", "set", incident, "x", "--at", "2099-01-01T10:00Z", zone="America/Chicago")
    assert ahead.returncode == 0 and ahead.stderr == ""


def test_an_export_or_report_to_a_path_that_cannot_be_written_is_td110(tmp_path: Path) -> None:
    def td(*args: str) -> Ran:
        return talkdown(*args, env={"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None})

    incident = td("incident", "new", "Elm St").stdout.strip()
    assert td("say", incident, "Curtis", "Stay back", "--role", "subject").returncode == 0
    missing = tmp_path / "no such folder" / "out.events.json"
    for args in (("export", incident, "--format", "events", "-o", str(missing)),
                 ("export", incident, "-o", str(tmp_path)),
                 ("report", incident, "--html", str(missing.with_suffix(".html")))):  # fmt: skip
        proc = td(*args)
        assert proc.returncode == 3 and proc.stderr.startswith("error[TD110]"), proc.stderr
        assert "internal error" not in proc.stderr
    assert not missing.parent.exists()


def test_party_without_role_leaves_an_existing_partys_role_alone(td: Run) -> None:
    incident = td("incident", "new", "Elm St").stdout.strip()
    added = json.loads(td("party", incident, "Det. Reyes", "--role", "primary", "--json").stdout)
    again = td("party", incident, "det. reyes", "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == {"id": added["id"]}  # nothing recorded
    board = json.loads(td("incident", "show", incident, "--json").stdout)
    assert board["parties"] == [{"party_id": added["id"], "name": "Det. Reyes", "role": "primary_negotiator"}]
    assert board["head"]["seq"] == 2
    assert json.loads(td("party", incident, "Curtis", "--json").stdout)["id"] != added["id"]
    roles = {p["name"]: p["role"] for p in json.loads(td("incident", "show", incident, "--json").stdout)["parties"]}
    assert roles == {"Det. Reyes": "primary_negotiator", "Curtis": "unknown"}


def test_an_unknown_role_for_a_party_is_td105_about_the_role_not_a_speaker_mapping(td: Run) -> None:
    incident = td("incident", "new", "Elm St").stdout.strip()
    for args in (("party", incident, "Curtis", "--role", "hostagetaker"),
                 ("say", incident, "Curtis", "Back off", "--role", "hostagetaker")):  # fmt: skip
        proc = td(*args)
        assert proc.returncode == 3 and proc.stderr.startswith("error[TD105]"), proc.stderr
        assert "'hostagetaker' is not a valid role" in proc.stderr and "--map" not in proc.stderr


def test_board_lines_zero_shows_no_exchange_and_one_shows_the_last(td: Run) -> None:
    incident = td("incident", "new", "Elm St").stdout.strip()
    assert td("say", incident, "Curtis", "First thing said", "--role", "subject").returncode == 0
    assert td("say", incident, "Curtis", "Second thing said").returncode == 0
    none = td("incident", "show", incident, "-n", "0").stdout
    assert "First thing said" not in none and "Second thing said" not in none and "2 in all" in none
    last = td("incident", "show", incident, "-n", "1").stdout
    assert "First thing said" not in last and "Second thing said" in last
    assert td("incident", "show", incident, "-n", "-1").returncode == 2


@pytest.mark.parametrize("url", ["postgresql://u:s3cret@db.local:port/talkdown", "u:s3cret@db.local/talkdown"])
def test_a_database_url_that_cannot_be_read_is_td601_and_never_shows_its_password(tmp_path: Path, url: str) -> None:
    # A port that is not a number was "internal error: ValueError"; a URL with no scheme was TD601 printing the
    # URL as typed, password and all, on a screen the whole command post can read.
    proc = talkdown("incident", "list", env={"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": url})
    assert proc.returncode == 8 and proc.stderr.startswith("error[TD601]"), proc.stderr
    assert "s3cret" not in proc.stderr and "u:***@db.local" in proc.stderr


def test_the_db_backup_command_prints_what_the_copy_holds(tmp_path: Path) -> None:
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    assert talkdown("incident", "new", "Elm St", env=env).returncode == 0
    ran = talkdown("db", "backup", str(tmp_path / "copy.db"), "--json", env=env)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["events"] == 1
    again = talkdown("db", "backup", str(tmp_path / "copy.db"), env=env)
    assert (again.returncode, "TD110" in again.stderr) == (3, True)


def _a_pid_no_process_has() -> int:
    """One above the system's largest process id: no process can have it (Linux reads it from /proc)."""
    limit = Path("/proc/sys/kernel/pid_max")
    pid = (int(limit.read_text()) if limit.exists() else 2**22) + 1
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    return pid


def test_db_backup_removes_the_partial_copies_a_killed_backup_left_and_says_so(tmp_path: Path) -> None:
    # A backup killed mid-copy never ran its clean-up: ".copy.db.partial-PID" (as large as the database) stayed
    # hidden beside the backups for good, and the next backup said nothing of it.
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    assert talkdown("incident", "new", "Elm St", env=env).returncode == 0
    dead = _a_pid_no_process_has()
    stale = [tmp_path / f".copy.db.partial-{dead}", tmp_path / f".copy.db.partial-{dead}-journal"]
    running = tmp_path / f".copy.db.partial-{os.getppid()}"  # another backup at work: not ours to remove
    for path in [*stale, running]:
        path.write_bytes(b"SQLite format 3\x00 half a copy")
    ran = talkdown("db", "backup", str(tmp_path / "copy.db"), env=env)
    assert ran.returncode == 0, ran.stderr
    assert [path.exists() for path in stale] == [False, False] and running.exists()
    assert f"removed {stale[0]}, a partial copy left by a backup that was stopped" in ran.stderr
    assert sqlite3.connect(tmp_path / "copy.db").execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_verify_names_the_whole_incident_id_when_given_a_prefix(td: Run) -> None:
    # "verified 2e27: 3 events" named what was typed: the line a team copies into its paper log must name the
    # incident itself, as `head` does.
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    shown = td("verify", incident[:4])
    assert shown.returncode == 0 and shown.stdout.startswith(f"verified {incident}:"), shown.stdout
    assert json.loads(td("verify", incident[:4], "--json").stdout)["target"] == incident


@pytest.mark.parametrize(("command", "options"), [("export", ("--format", "events", "-o")), ("report", ("--html",))])
def test_a_file_export_or_report_writes_is_never_replaced_unless_forced(
    tmp_path: Path, command: str, options: tuple[str, ...]
) -> None:
    # `export -o` and `report --html` replaced an existing file without a word (last week's report, an earlier
    # export), while `study export-convokit` and `db backup` refused: each now refuses one that holds something.
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    incident = talkdown("incident", "new", "Elm St", env=env).stdout.strip()
    out = tmp_path / "kept.out"
    out.write_text("an earlier file", encoding="utf-8")
    refused = talkdown(command, incident, *options, str(out), env=env)
    assert refused.returncode == 3 and refused.stderr.startswith("error[TD110]"), refused.stderr
    assert "add --force to replace it" in refused.stderr and out.read_text(encoding="utf-8") == "an earlier file"
    empty = tmp_path / "empty.out"  # as `mktemp` leaves it: nothing in it to lose
    empty.touch()
    assert talkdown(command, incident, *options, str(empty), env=env).returncode == 0
    forced = talkdown(command, incident, *options, str(out), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert out.read_text(encoding="utf-8") != "an earlier file"


def test_verify_and_head_look_the_incident_up_once(td: Run) -> None:
    # `verify PREFIX` resolved the prefix inside the check, then again to print the id: a second query per run.
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    lookups: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "LIKE" in statement and "events" in statement:  # the id (or prefix) looked up among the incidents
            lookups.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        for command in ("verify", "head"):
            lookups.clear()
            ran = td(command, incident[:4])
            assert ran.returncode == 0 and incident in ran.stdout, ran.stderr
            assert len(lookups) == 1, (command, lookups)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
