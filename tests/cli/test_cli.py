"""The talkdown command as a user runs it: real database files, exit codes, what it prints.

Most tests run the command in-process (``tests/cli/in_process.py``): the real entry point, without 1-3 s of
imports per command. Real processes remain where the process is the point: ``serve``, bytes in argv, a cold start's
imports, the process's local time zone, and one command of each group run as
``python -m talkdown`` (``test_python_m_talkdown_runs_a_command_of_each_group``)."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import pty
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.cli.in_process import Ran, talkdown
from tests.store.damage import damage_the_events_table

pytestmark = pytest.mark.integration  # 'slow' only on the tests that start real processes (below)


@pytest.fixture
def td(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The talkdown command, in-process, on this test's SQLite file, as user:scribe."""
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_ACTOR": "user:scribe", "TALKDOWN_DATABASE_URL": None}

    def run(*args: str, ok: bool = True) -> Ran:
        ran = talkdown(*args, env=env)
        if ok:
            assert ran.returncode == 0, ran.stderr
        return ran

    run.env = env  # type: ignore[attr-defined]
    return run


def test_a_scribe_records_an_incident_and_the_board_and_verify_show_it(td) -> None:  # type: ignore[no-untyped-def]
    incident = td("incident", "new", "Elm St barricade", "--type", "barricade").stdout.strip()
    td("party", incident, "Dana", "--role", "primary")
    td("say", incident, "Curtis", "You have until nine or he gets hurt", "--role", "subject")
    td("say", incident, "Dana", "You sound angry about tonight.")
    td("demand", "add", incident, "his ex at the door", "--non-negotiable", "--category", "person")
    td("deadline", "set", incident, "or he gets hurt", "--in", "45m")
    td("hostage", "add", incident, "Owen", "--condition", "distressed", "--medical", "asthma")
    td("intel", incident, "Bought a shotgun last year", "--source", "gun shop", "--grade", "b2")
    td("note", incident, "Tactical in position", "--action")
    board = json.loads(td("incident", "show", incident[:5], "--json").stdout)
    assert [u["speaker_name"] for u in board["utterances"]] == ["Curtis", "Dana"]
    assert board["demands"][0]["negotiable"] is False
    assert 0 < board["deadlines"][0]["seconds_left"] <= 45 * 60
    assert board["hostages"][0]["medical_needs"] == "asthma"
    assert board["intel"][0]["grade"] == "B2"
    text = td("incident", "show", incident).stdout
    assert "You sound angry about tonight." in text and "Deadlines" in text
    verified = json.loads(td("verify", incident, "--json").stdout)
    assert verified["ok"] is True and verified["events"] == 10
    assert json.loads(td("head", incident, "--json").stdout)["seq"] == 10
    listed = json.loads(td("incident", "list", "--json").stdout)
    assert [i["incident_id"] for i in listed] == [incident]
    td("incident", "close", incident, "--outcome", "negotiated_surrender")
    assert [r["status"] for r in json.loads(td("incident", "list", "--json").stdout)] == ["closed"]


def test_the_empty_incident_list_says_how_to_open_one_except_in_json(tmp_path: Path) -> None:
    # A fresh data folder printed an empty table and nothing else: a first-time user had no next step.
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    shown = talkdown("incident", "list", env=env)
    assert shown.returncode == 0 and "'talkdown incident new TITLE'" in shown.stdout
    assert "'talkdown demo'" in shown.stdout
    assert json.loads(talkdown("incident", "list", "--json", env=env).stdout) == []  # scripts read JSON only
    talkdown("incident", "new", "Elm St", env=env)
    assert "talkdown incident new" not in talkdown("incident", "list", env=env).stdout


def test_the_board_shows_the_diplomatic_track_where_it_is_used(td) -> None:  # type: ignore[no-untyped-def]
    # Stakeholders, channels and statements fed the metrics but showed nowhere: not on the board, not in --json.
    incident = td("incident", "new", "Embassy", "--type", "diplomatic_state").stdout.strip()
    assert "Diplomatic track" not in td("incident", "show", incident).stdout  # no entry, no empty table
    td("diplomatic", "stakeholder", incident, "ICRC", "--kind", "intermediary", "--stance", "mediating")
    td("diplomatic", "channel", incident, "Geneva [b]talks[/b]", "--kind", "back_channel", "--with", "icrc")
    shown = talkdown("incident", "show", incident, env={**td.env, "COLUMNS": "200"}).stdout
    assert "Diplomatic track" in shown and "Stakeholder ICRC (intermediary, mediating)" in shown
    assert "Channel (back-channel): Geneva [b]talks[/b] (with ICRC)" in shown  # typed text shown as typed
    board = json.loads(td("incident", "show", incident, "--json").stdout)
    assert [(e["seq"], e["kind"]) for e in board["diplomatic"]] == [(2, "stakeholder_added"), (3, "channel_opened")]
    assert board["diplomatic"][1]["stakeholder_ids"] == [board["diplomatic"][0]["stakeholder_id"]]


def test_no_help_text_has_brackets_that_rich_would_swallow() -> None:
    # `train run --help` showed "compare with your earlier sessions ." : Rich read "[default: your account
    # name]" as a markup tag and dropped it.
    from typer.main import get_command

    from talkdown.cli.main import app

    def helps(command, path):  # type: ignore[no-untyped-def]
        yield path, command.help or ""
        for param in command.params:
            yield f"{path} {param.name}", getattr(param, "help", None) or ""
        for name, sub in getattr(command, "commands", {}).items():
            yield from helps(sub, f"{path} {name}")

    texts = list(helps(get_command(app), "talkdown"))
    assert len(texts) > 100
    assert [(where, text) for where, text in texts if "[" in text.replace("\\[", "")] == []


def test_typed_text_that_looks_like_rich_markup_is_shown_as_typed(td) -> None:  # type: ignore[no-untyped-def]
    # "[/]" in a subject's words crashed the board, the list, advice and analysis with MarkupError; "[red]" restyled.
    incident = td("incident", "new", "Siege [/] at [red]Main", "--type", "barricade").stdout.strip()
    td("say", incident, "Mo [/]", "you think I care [/] about [bold]that, I'll shoot her", "--role", "subject")
    td("demand", "add", incident, "a [/] car", "--non-negotiable")
    td("hostage", "add", incident, "Ann [/]", "--medical", "insulin [/]")
    td("intel", incident, "a [/] shotgun", "--source", "neighbour [/]")
    td("deadline", "set", incident, "by [/] nine", "--in", "30m")
    board = td("incident", "show", incident).stdout
    for typed in ("[/] about [bold]that", "Mo [/]", "a [/] car", "Ann [/]", "insulin [/]", "neighbour [/]", "by [/]"):
        assert typed in board, typed
    assert "[red]Main" in td("incident", "list").stdout  # the table wraps the title
    assert "a [/] car" in td("advise", incident).stdout
    assert "[bold]that" in td("analyze", "--incident", incident).stdout


def test_user_mistakes_print_one_red_line_with_a_code_and_exit_by_family(td) -> None:  # type: ignore[no-untyped-def]
    missing = td("incident", "show", "nope", ok=False)
    assert missing.returncode == 4
    assert missing.stderr.startswith("error[TD201]") and "Traceback" not in missing.stderr
    incident = td("incident", "new", "t").stdout.strip()
    bad_grade = td("intel", incident, "x", "--source", "y", "--grade", "Z9", ok=False)
    assert bad_grade.returncode == 3 and "TD105" in bad_grade.stderr
    td("incident", "close", incident, "--outcome", "negotiated_surrender")
    closed = td("note", incident, "late note", ok=False)
    assert closed.returncode == 5 and "TD301" in closed.stderr
    usage = td("incident", "show", ok=False)
    assert usage.returncode == 2


def test_an_internal_error_is_logged_to_its_own_data_folder_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The log file's handler stayed on the 'talkdown' logger after the command: a later internal error in the same
    # process (the tests, a tool calling cli.main.run) was written into the earlier command's data folder too.
    from talkdown.cli.main import _log_internal_error
    from talkdown.cli.state import STATE

    for name in ("first", "second"):
        monkeypatch.setenv("TALKDOWN_DATA_DIR", str(tmp_path / name))
        STATE.reset()
        assert _log_internal_error(RuntimeError(f"{name} bug")) == str(tmp_path / name / "talkdown.log")
    STATE.reset()
    logs = [(tmp_path / name / "talkdown.log").read_text(encoding="utf-8") for name in ("first", "second")]
    assert ["second bug" in log for log in logs] == [False, True], logs


def test_an_internal_errors_line_names_a_data_folder_with_brackets_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The line was Rich markup with the log's path in it: a folder named "[red]Sam[/red]" lost its brackets (the
    # user was sent to a path that does not exist), and one whose path holds "[/]" ended the error handler itself
    # in a MarkupError traceback; a long path was also wrapped at 80 columns, a line break in the middle of it.
    from talkdown.cli.main import _internal_error
    from talkdown.cli.state import STATE

    for folder in ("[red]Sam[/red]", "ops [/] 2024"):
        data = tmp_path / folder / "data"
        monkeypatch.setenv("TALKDOWN_DATA_DIR", str(data))
        STATE.reset()
        with pytest.raises(SystemExit) as done:
            _internal_error(RuntimeError("bug"))
        said = capsys.readouterr().err
        assert done.value.code == 1
        log = data / "talkdown.log"
        assert said == f"internal error: RuntimeError. Details in {log} (or rerun with --debug).\n"
    STATE.reset()


@pytest.mark.slow
def test_an_argument_typed_in_another_encoding_is_refused_with_its_bytes_shown(tmp_path: Path) -> None:
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    argv: list[str | bytes] = [sys.executable, "-m", "talkdown", "incident", "new", b"Caf\xe9 siege"]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3 and proc.stderr.startswith("error[TD109]")
    assert "Argument 3 ('Caf\\xe9 siege')" in proc.stderr and "byte 0xe9" in proc.stderr


def test_a_database_that_does_not_answer_is_td604_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"),
           "TALKDOWN_DATABASE_URL": f"postgresql://team:s3cret@127.0.0.1:{port}/talkdown"}  # fmt: skip
    proc = talkdown("incident", "list", env=env)
    assert proc.returncode == 8 and proc.stderr.startswith("error[TD604]"), proc.stderr
    assert f"team:***@127.0.0.1:{port}" in proc.stderr and "s3cret" not in proc.stderr
    # A command that only reads saved nothing to begin with: "Nothing was saved" read as if something were lost.
    said = " ".join(proc.stderr.split())
    assert "Nothing was saved" not in said and "If this command was saving anything, it was not saved" in said
    assert said.rstrip().endswith("then run the command again.")


def test_a_damaged_database_is_td503_and_a_command_that_only_reads_is_not_told_nothing_was_saved(
    td,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    incident = td("incident", "new", "Elm St barricade").stdout.strip()
    damage_the_events_table(tmp_path / "data" / "talkdown.db")
    for args in (("incident", "show", incident), ("say", incident, "Curtis", "hello", "--role", "subject")):
        ran = td(*args, ok=False)
        assert ran.returncode == 7 and ran.stderr.startswith("error[TD503]"), (args, ran.stderr)
        said = " ".join(ran.stderr.split())
        # 'incident show' saved nothing to begin with: "Nothing was saved" read as if something were lost.
        assert "Nothing was saved" not in said and "If this command was saving anything, it was not saved" in said
        assert "Preserve the file as it is" in said


def test_a_write_the_database_refuses_part_way_is_td604_and_leaves_the_log_whole(tmp_path: Path) -> None:
    # The database opens (read-only, as on a read-only mount) and refuses the write that follows.
    def td(*args: str, url: str | None = None) -> Ran:
        return talkdown(*args, env={"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": url})

    incident = td("incident", "new", "mount").stdout.strip()
    read_only = f"sqlite:///file:{tmp_path / 'data' / 'talkdown.db'}?mode=ro&uri=true"
    refused = td("say", incident, "Curtis", "hello", "--role", "subject", url=read_only)
    assert refused.returncode == 8 and refused.stderr.startswith("error[TD604]"), refused.stderr
    assert "readonly database" in refused.stderr
    assert json.loads(td("verify", incident, "--json").stdout)["events"] == 1


@pytest.mark.slow
def test_serve_on_a_port_in_use_says_so_before_starting(tmp_path: Path) -> None:
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "talkdown", "serve", "--port", str(port)], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 8 and proc.stderr.startswith("error[TD605]"), proc.stderr
    assert f"127.0.0.1:{port}" in proc.stderr and proc.stdout == ""  # no console address for a console not started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_on_the_network_refuses_the_demo_account_while_it_has_the_published_password(tmp_path: Path) -> None:
    # `make run` (serve --demo) leaves a team leader demo / talkdown-demo in the database; a later
    # `serve --lan` served it to the whole network, where anyone could sign in with the README's password.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)

    def td(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "talkdown", *args], env=env, input=stdin,
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    for flag in ("--demo", "--fresh-demo"):
        fresh = td("serve", "--lan", flag, "--port", str(_free_port()))
        assert fresh.returncode == 8 and fresh.stderr.startswith("error[TD606]"), (flag, fresh.stderr)
    added = td("user", "add", "demo", "--role", "team_leader", "--password-stdin", stdin="talkdown-demo\n")
    assert added.returncode == 0, added.stderr
    left_over = td("serve", "--lan", "--port", str(_free_port()))
    assert left_over.returncode == 8 and left_over.stderr.startswith("error[TD606]"), left_over.stderr
    assert "talkdown user password demo" in left_over.stderr and left_over.stdout == ""
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    listed = talkdown("user", "list", "--json", env=same_data)
    assert listed.stdout.count('"demo"') == 1  # nothing was created or loaded


def test_the_clear_text_warning_behind_a_trusted_proxy_names_the_direct_callers_not_certificates() -> None:
    # Behind a TLS proxy (TALKDOWN_TRUSTED_PROXIES) "use --tls-cert/--tls-key" was the only advice; the risk is
    # a caller reaching the port past the proxy.
    from talkdown.cli.web import clear_text_warning

    behind = clear_text_warning(["10.0.0.2"], 8080)
    assert "port 8080 directly" in behind and "10.0.0.2" in behind and "firewall" in behind
    alone = clear_text_warning([], 8080)
    assert "cross it in clear" in alone and "TALKDOWN_TRUSTED_PROXIES" in alone and "directly" not in alone


@pytest.mark.slow
def test_a_reader_that_goes_away_is_not_an_internal_error(tmp_path: Path) -> None:
    # `talkdown cases list --json | true` exited 1, the code kept for internal errors; now what a shell shows
    # for a program ended by SIGPIPE, and nothing on stderr.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "talkdown", "cases", "list", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command has written anything: it starts in about a second
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""


@pytest.mark.slow
def test_a_stdout_that_is_not_utf8_gets_escaped_json_and_tables_with_question_marks(tmp_path: Path) -> None:
    # Redirected on Windows, stdout is cp1252: "😀" in a title ended `incident list` and every --json command
    # in an internal error (only `analyze` had been mended).
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "cp1252"}
    env.pop("TALKDOWN_DATABASE_URL", None)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    incident = talkdown("incident", "new", "Caf\u00e9 \U0001f600 \u041f\u0440\u0438", env=same_data).stdout.strip()
    shown = subprocess.run([sys.executable, "-m", "talkdown", "incident", "show", incident, "--json"], env=env,
                           capture_output=True, timeout=60)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert b'"title": "Caf\\u00e9 \\ud83d\\ude00 \\u041f\\u0440\\u0438"' in shown.stdout
    assert json.loads(shown.stdout)["title"] == "Caf\u00e9 \U0001f600 \u041f\u0440\u0438"
    listed = subprocess.run([sys.executable, "-m", "talkdown", "incident", "list"], env={**env, "COLUMNS": "200"},
                            capture_output=True, timeout=60)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "Caf\u00e9 ? ???".encode("cp1252") in listed.stdout


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_an_error_whose_json_cannot_be_written_says_the_error_once(tmp_path: Path) -> None:
    # `--json > file` on a full disk: the error's JSON on stdout failed too, and a second traceback followed.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    with open("/dev/full", "w") as full:
        ran = subprocess.run([sys.executable, "-m", "talkdown", "incident", "show", "nope", "--json"], env=env,
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    assert ran.returncode == 4 and ran.stderr.startswith("error[TD201]")
    assert "Traceback" not in ran.stderr, ran.stderr


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_output_onto_a_full_disk_is_a_coded_error_not_an_internal_one(tmp_path: Path) -> None:
    # `incident list --json > /dev/full` said "internal error: OSError" and exited 1, the code kept for bugs. A
    # short output (an id) fails only at the last flush, where the interpreter said "Exception ignored" (exit 120).
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    talkdown("incident", "new", "Elm St", env=same_data)
    said = "error[TD113]: Could not write the output: No space left on device. Anything the command recorded is"
    for args in (("incident", "list", "--json"), ("incident", "list"), ("incident", "new", "Oak Ave")):
        with open("/dev/full", "w") as full:
            ran = subprocess.run([sys.executable, "-m", "talkdown", *args], env=env,
                                 stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
        assert ran.returncode == 3, (args, ran.stderr)
        assert ran.stderr.startswith(said), (args, ran.stderr)
        assert "Traceback" not in ran.stderr and "Exception ignored" not in ran.stderr, ran.stderr
    listed = json.loads(talkdown("incident", "list", "--json", env=same_data).stdout)
    assert [i["title"] for i in listed] == ["Elm St", "Oak Ave"]  # what it recorded is kept, as it says


@pytest.mark.slow
def test_stopping_the_console_with_a_board_open_ends_within_seconds(tmp_path: Path) -> None:
    # An open board's live stream never ends by itself, and Ctrl-C on `talkdown serve` waited for it forever
    # ("Waiting for background tasks to complete").
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    added = talkdown("user", "add", "dana", "--role", "scribe", "--password-stdin", env=same_data,
                     stdin="long-enough-password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    incident = talkdown("incident", "new", "Elm St", env=same_data).stdout.strip()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "talkdown", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/login", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the console did not start"
                time.sleep(0.2)
        signed = client.post("/api/session", json={"username": "dana", "password": "long-enough-password"})
        assert signed.status_code == 201, signed.text
        opened = threading.Event()

        def board() -> None:
            with contextlib.suppress(httpx.HTTPError), client.stream("GET", f"/incidents/{incident}/stream",
                                                                     timeout=None) as stream:  # fmt: skip
                opened.set()
                for _ in stream.iter_bytes():
                    pass

        threading.Thread(target=board, daemon=True).start()
        assert opened.wait(timeout=30)
        time.sleep(0.5)
        stopping = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        assert time.monotonic() - stopping < 20
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@contextmanager
def _console(
    env: dict[str, str], host: str = "127.0.0.1", *, said: list[str] | None = None, flags: tuple[str, ...] = ()
) -> Iterator[str]:
    """A real ``talkdown serve`` on a free port, once it answers; yields its base URL and stops it after. With
    ``said``, what it wrote on stderr is appended there once it has stopped."""
    port = _free_port()
    stderr = subprocess.DEVNULL if said is None else subprocess.PIPE
    proc = subprocess.Popen([sys.executable, "-m", "talkdown", "serve", "--host", host, "--port", str(port), *flags],
                            env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)  # fmt: skip
    try:
        base = f"http://{host}:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the console did not start"
                with pytest.raises(subprocess.TimeoutExpired):  # still starting, not exited
                    proc.wait(timeout=0.2)
        yield base
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
        if said is not None:
            said.append(err)


@pytest.mark.slow
def test_serve_policy_reaches_the_consoles_advice_and_overrides_the_setting(tmp_path: Path) -> None:
    # The console process builds its app again from TALKDOWN_* (create_app_from_env): `serve --policy` must travel
    # there, or the boards would follow the setting (or the defaults) while serve had checked another file.
    setting, option = tmp_path / "setting.yaml", tmp_path / "option.yaml"
    setting.write_text("agency: From the setting\n", encoding="utf-8")
    option.write_text("agency: From the option\nno_concessions: true\n", encoding="utf-8")
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_POLICY_FILE": str(setting)}
    env.pop("TALKDOWN_DATABASE_URL", None)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    added = talkdown("user", "add", "dana", "--role", "observer", "--password-stdin", env=same_data,
                     stdin="long-enough-password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    incident = talkdown("incident", "new", "Bank", env=same_data).stdout.strip()
    for flags, agency in (((), "From the setting"), (("--policy", str(option)), "From the option")):
        with _console(env, flags=flags) as base, httpx.Client(base_url=base) as client:
            signed = client.post("/api/session", json={"username": "dana", "password": "long-enough-password"})
            assert signed.status_code == 201, signed.text
            assert client.get(f"/api/incidents/{incident}/advice").json()["policy"] == agency
            assert f"Policy: {agency}" in client.get(f"/incidents/{incident}").text


@pytest.mark.slow
def test_serve_on_localhost_answers_only_requests_addressed_to_this_computer(tmp_path: Path) -> None:
    # A page whose name is re-resolved to 127.0.0.1 (DNS rebinding) reached the console as its own origin:
    # sign-in and its throttle (a pause for 127.0.0.1 locks out everyone on the laptop) were open to it.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    with _console(env) as base:
        port = int(base.rsplit(":", 1)[1])
        ok = [httpx.get(f"{base}/login", headers={"host": h}).status_code for h in ("localhost:1", "[::1]:1")]
        rebound = httpx.post(
            f"{base}/api/session", json={"username": "a", "password": "b"}, headers={"host": f"evil.example:{port}"}
        )
    assert ok == [200, 200]
    assert (rebound.status_code, rebound.json()["code"]) == (400, "TD112")


@pytest.mark.slow
def test_serve_on_another_loopback_address_is_a_local_console_not_a_lan_one(tmp_path: Path) -> None:
    # Debian resolves the laptop's own name to 127.0.1.1: served there, the console was taken for a LAN one, so the
    # DNS-rebinding guard was off and any Host was answered (and the demo refused, with a clear-text warning).
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    with _console(env, host="127.0.1.1") as base:
        port = int(base.rsplit(":", 1)[1])
        own = httpx.get(f"{base}/login").status_code
        rebound = httpx.get(f"{base}/login", headers={"host": f"evil.example:{port}"})
    assert own == 200
    assert (rebound.status_code, rebound.json()["code"]) == (400, "TD112")


def _serve_until_it_answers(env: dict[str, str]) -> str:
    """Start ``talkdown serve``, wait until it answers, stop it; returns what it said on stderr."""
    said: list[str] = []
    with _console(env, said=said):
        pass
    return said[0]


@pytest.mark.slow
def test_serve_on_a_fresh_machine_says_how_to_make_the_first_account(tmp_path: Path) -> None:
    # A first `talkdown serve` opened a sign-in page nobody could pass, and nothing said that accounts are made
    # with `talkdown user add`.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    assert "'talkdown user add NAME --role admin'" in _serve_until_it_answers(env)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    added = talkdown("user", "add", "dana", "--role", "admin", "--password-stdin", env=same_data,
                     stdin="long-enough-password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "talkdown user add" not in _serve_until_it_answers(env)


def _serve_demo_once(env: dict[str, str], *flags: str) -> tuple[list[str], str]:
    """Start ``talkdown serve`` as ``make run`` does, read what it prints up to the login line, then stop it;
    returns those lines and everything said on stderr."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [sys.executable, "-m", "talkdown", "serve", "--port", str(port), *flags]
    proc = subprocess.Popen(
        args, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(3)]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    return lines, err


@pytest.mark.slow
def test_serve_demo_reuses_the_open_demo_at_each_start_and_fresh_demo_adds_one(tmp_path: Path) -> None:
    # Every `make run` recorded another copy of the demo incident, so the list filled with identical demos.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)
    first, said_first = _serve_demo_once(env, "--demo")
    second, said_second = _serve_demo_once(env, "--demo")
    assert first[0].endswith("(new)") and first[2] == "demo login: demo / talkdown-demo"
    assert "analysing the new demo incident's lines" in said_first  # seconds of work: said before it starts
    assert "analysing" not in said_second
    demo_id = first[0].split()[2]
    assert second[0].startswith(f"demo incident: {demo_id} (the open demo, reused;")
    assert f"/incidents/{demo_id}" in second[1]
    fresh, _ = _serve_demo_once(env, "--fresh-demo")
    assert fresh[0].endswith("(new)") and fresh[0].split()[2] != demo_id
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    listed = talkdown("incident", "list", "--json", env=same_data)
    assert len(json.loads(listed.stdout)) == 2


def test_demo_prints_the_new_incident_id_and_it_verifies(td) -> None:  # type: ignore[no-untyped-def]
    incident = td("demo").stdout.strip()
    assert json.loads(td("verify", incident, "--json").stdout)["ok"] is True
    assert json.loads(td("init", "--json").stdout)["database"].endswith("data/talkdown.db")


@pytest.mark.slow
def test_python_m_talkdown_runs_a_command_of_each_group(tmp_path: Path) -> None:
    """The other tests run commands in-process; this one runs a command of each group as users do, in a fresh
    ``python -m talkdown``, so an import that only works because an earlier test loaded the module still fails.
    (serve, user, analyze and train have their own process tests.)"""
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    env.pop("TALKDOWN_DATABASE_URL", None)

    def td(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "talkdown", *args], env=env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
        assert proc.returncode == 0, (args, proc.stderr)
        return proc

    demo = td("demo").stdout.strip()
    assert isinstance(json.loads(td("advise", "show", demo, "--json").stdout)["advice"], list)  # closed: none due
    td("report", demo, "--html", str(tmp_path / "report.html"))
    assert demo in (tmp_path / "report.html").read_text(encoding="utf-8")
    incident = json.loads(td("incident", "new", "Embassy", "--type", "diplomatic_state", "--json").stdout)
    said = json.loads(td("say", incident["incident_id"], "Curtis", "Stay back.", "--role", "subject", "--json").stdout)
    un = json.loads(
        td("diplomatic", "stakeholder", incident["incident_id"], "UN", "--kind", "intermediary", "--json").stdout
    )
    assert un["seq"] == said["seq"] + 1
    assert json.loads(td("cases", "list", "--json").stdout)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "call.txt").write_text("NEG: What happened tonight?\nSUB: Stay back.\n", encoding="utf-8")
    study = td("study", "analyze", str(tmp_path / "in"), "--out", str(tmp_path / "r.parquet"), "-w", "1", "--json")
    assert json.loads(study.stdout)["utterances"] == 2


def test_entry_commands_print_what_they_recorded_as_json_for_scripts(td) -> None:  # type: ignore[no-untyped-def]
    incident = json.loads(td("incident", "new", "scripted", "--json").stdout)["incident_id"]
    said = json.loads(td("say", incident, "Curtis", "I want a car.", "--role", "subject", "--json").stdout)
    party = json.loads(td("party", incident, "Dana", "--role", "primary_negotiator", "--json").stdout)
    demand = json.loads(td("demand", "add", incident, "a car", "--from-seq", str(said["seq"]), "--json").stdout)
    closed = json.loads(td("incident", "close", incident, "--outcome", "negotiated_surrender", "--json").stdout)
    assert set(said) == {"seq"} and set(party) == set(demand) == {"id", "seq"}  # README: the seq, and any new id
    events = json.loads(td("verify", incident, "--json").stdout)["events"]
    assert said["seq"] < party["seq"] < demand["seq"] < closed["seq"] == events
    board = json.loads(td("incident", "show", incident, "--json").stdout)
    assert demand["id"] in json.dumps(board) and party["id"] in json.dumps(board)


def test_an_events_export_verifies_as_a_file_and_a_changed_byte_fails(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    incident = td("demo").stdout.strip()
    out = tmp_path / "demo.events.json"
    td("export", incident, "--format", "events", "-o", str(out))
    assert json.loads(td("verify", "--file", str(out), "--json").stdout)["ok"] is True
    opened_on_windows = tmp_path / "saved-again.events.json"  # an editor's "save" adds a BOM: not a change
    opened_on_windows.write_bytes(b"\xef\xbb\xbf" + out.read_bytes())
    assert json.loads(td("verify", "--file", str(opened_on_windows), "--json").stdout)["ok"] is True
    raw = bytearray(out.read_bytes())
    pos = raw.index(b"Curtis")
    raw[pos] = ord("K")
    out.write_bytes(bytes(raw))
    failed = td("verify", "--file", str(out), ok=False)
    assert failed.returncode == 7 and "TD501" in failed.stderr


def test_analyze_incident_stores_labels_with_evidence_for_each_utterance(td) -> None:  # type: ignore[no-untyped-def]
    incident = td("incident", "new", "t", "--type", "hostage").stdout.strip()
    td("say", incident, "Curtis", "If you come in here I'll shoot him.", "--role", "subject")
    td("say", incident, "Dana", "You sound scared about what happens next.", "--role", "primary")
    doc = json.loads(td("analyze", "--incident", incident, "--json").stdout)
    by_seq = {u["seq"]: {(a["family"], a["label"]) for a in u["annotations"]} for u in doc["utterances"]}
    assert ("talkdown_cue", "threat") in by_seq[3]
    assert ("talkdown_skill", "emotion_labeling") in by_seq[5]
    assert {a["name"] for a in doc["analyzers"]} >= {"skills", "cues", "emotion"}


@pytest.mark.slow
def test_analyze_loads_neither_the_store_nor_the_other_commands(tmp_path: Path) -> None:
    """The cold-start target is measured on `talkdown analyze "..."`: it must not pay for the store (SQLAlchemy,
    Alembic), the web console or the report stack, which the other commands import."""
    probe = (
        "import sys\n"
        "sys.argv = ['talkdown', 'analyze', 'I will shoot him if you come in', '--as', 'subject', '--json']\n"
        "from talkdown.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "heavy = ('sqlalchemy', 'alembic', 'talkdown.services.wiring', 'talkdown.cli.web',\n"
        "         'talkdown.services.report')\n"
        "print('LOADED', [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert '"label": "threat"' in proc.stdout  # the command ran and found the threat
    assert "LOADED []" in proc.stderr


def test_user_commands_manage_an_account_from_the_terminal(tmp_path: Path) -> None:
    def td(*args: str, stdin: str = "") -> Ran:
        env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
        return talkdown("user", *args, env=env, stdin=stdin)

    assert td("add", "lee", "--role", "scribe", "--password-stdin", stdin="correct horse battery\n").returncode == 0
    assert json.loads(td("role", "LEE", "observer", "--json").stdout)["change"] == "now observer"
    assert td("disable", "lee").stdout.strip() == "lee: disabled"
    reset = json.loads(td("password", "lee", "--password-stdin", "--json", stdin="a new long password\n").stdout)
    assert reset == {"username": "lee", "change": "password set; 0 open sessions ended", "sessions_ended": 0}
    assert json.loads(td("list", "--json").stdout) == [{"username": "lee", "role": "observer", "disabled": True}]
    missing = td("enable", "nobody")
    assert missing.returncode == 4 and missing.stderr.startswith("error[TD250]")


def test_a_password_prompt_that_meets_the_end_of_input_is_td156_naming_password_stdin(tmp_path: Path) -> None:
    # With stdin closed (a script, < /dev/null) the prompt met end of input and Click said only "Aborted." (exit 1).
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    prompted = talkdown("user", "add", "lee", "--role", "scribe", env=env, stdin="")
    assert prompted.returncode == 3 and prompted.stderr.startswith("error[TD156]"), prompted.stderr
    said = " ".join(prompted.stderr.split())
    assert "No password was given: standard input ended at the password prompt" in said
    assert "| talkdown user add lee --role scribe --password-stdin" in said and "Aborted" not in said
    half = talkdown("user", "add", "lee", "--role", "scribe", env=env, stdin="correct horse battery\n")  # no repeat
    assert half.stderr.startswith("error[TD156]"), half.stderr
    piped = talkdown("user", "password", "lee", "--password-stdin", env=env, stdin="")
    assert piped.returncode == 3 and "standard input was empty" in piped.stderr, piped.stderr
    assert "| talkdown user password lee --password-stdin" in " ".join(piped.stderr.split())
    assert json.loads(talkdown("user", "list", "--json", env=env).stdout) == []  # nothing was added


def test_the_terminal_board_shows_times_in_talkdown_timezone(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    incident = td("demo").stdout.strip()
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    shown = talkdown("incident", "show", incident, env={**env, "TALKDOWN_TIMEZONE": "Asia/Kolkata"})
    assert shown.returncode == 0 and "times IST" in shown.stdout and " IST " in shown.stdout
    bad = talkdown("incident", "list", env={**env, "TALKDOWN_TIMEZONE": "Mars/Base"})
    assert bad.returncode == 3 and "TALKDOWN_TIMEZONE" in bad.stderr


def test_an_error_quoting_square_brackets_prints_them_instead_of_a_traceback(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Rich read the quoted "[/]" as a closing tag: MarkupError, a Python traceback and exit 1 instead of TD220.
    shown = td("cases", "show", "[/]", ok=False)
    assert shown.returncode == 4 and "error[TD220]: No case '[/]'" in shown.stderr
    # An opening tag was swallowed instead: the case id pattern lost its "[a-z0-9]" classes.
    (tmp_path / "ours.yaml").write_text("- id: Bad Id\n  name: x\n  type: barricade\n", encoding="utf-8")
    refused = td("cases", "import", str(tmp_path / "ours.yaml"), ok=False)
    assert refused.returncode == 3 and "[a-z0-9][a-z0-9-]{0,79}" in " ".join(refused.stderr.split())
    # study analyze names a skipped file as it is called, "[red]" and all.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "[red]night.txt").write_bytes(b"NEG: hi\x00")
    run = td("study", "analyze", str(tmp_path / "in"), "--out", str(tmp_path / "r.parquet"), "-w", "1", "--fast",
             ok=False)  # fmt: skip
    assert run.returncode == 3 and "[red]night.txt" in run.stderr


def test_verify_head_and_show_with_json_print_one_json_error_on_stdout_and_keep_the_exit_code(  # type: ignore[no-untyped-def]
    td, tmp_path: Path
) -> None:
    # A script reads stdout with a JSON parser: a broken chain printed nothing there, only the stderr line.
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    td("say", incident, "Curtis", "Stay back", "--role", "subject")
    with sqlite3.connect(tmp_path / "data" / "talkdown.db") as db:  # as someone with raw database access
        db.execute("DROP TRIGGER events_no_update")
        db.execute("UPDATE events SET actor = 'user:mallory' WHERE incident_id = ? AND seq = 2", (incident,))
    for command in ("verify", "head"):
        failed = td(command, incident, "--json", ok=False)
        assert failed.returncode == 7 and "TD501" in failed.stderr
        doc = json.loads(failed.stdout)
        assert (doc["ok"], doc["code"], doc["seq"], doc["column"]) == (False, "TD501", 2, "actor")
        assert doc["incident_id"] == incident and "actor" in doc["problem"]
    missing = td("incident", "show", "zz-none", "--json", ok=False)
    assert missing.returncode == 4
    assert json.loads(missing.stdout)["code"] == "TD201"
    plain = td("verify", incident, ok=False)  # without --json stdout stays empty: the error is on stderr
    assert (plain.returncode, plain.stdout) == (7, "")


BLANK_TEXT_COMMANDS = [
    ("incident", "new", " \t "),
    ("say", "{inc}", "Curtis", "   ", "--role", "subject"),
    ("say", "{inc}", "  ", "Hello", "--role", "subject"),
    ("party", "{inc}", "  ", "--role", "primary"),
    ("demand", "add", "{inc}", "  "),
    ("promise", "make", "{inc}", " "),
    ("concession", "grant", "{inc}", "\t"),
    ("hostage", "add", "{inc}", "  "),
    ("intel", "{inc}", "  ", "--source", "neighbour"),
    ("intel", "{inc}", "Owns a rifle", "--source", " "),
    ("note", "{inc}", "   "),
    ("correct", "{inc}", "3", "text", "  ", "--reason", "misheard"),
    ("retract", "{inc}", "3", "--reason", "  "),
    ("diplomatic", "stakeholder", "{inc}", "  ", "--kind", "government"),
    ("diplomatic", "media", "{inc}", " ", "Live coverage"),
]


@pytest.mark.slow
def test_a_required_text_of_spaces_only_is_refused_at_the_cli_as_in_the_console(td) -> None:  # type: ignore[no-untyped-def]
    # The console and the API refused these (TD105, "must not be blank"); the CLI recorded them.
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    td("say", incident, "Curtis", "Stay back", "--role", "subject")
    for args in BLANK_TEXT_COMMANDS:
        refused = td(*(a.format(inc=incident) for a in args), ok=False)
        assert refused.returncode == 3 and refused.stderr.startswith("error[TD105]"), (args, refused.stderr)
        assert "must not be blank" in refused.stderr, args
    assert json.loads(td("incident", "show", incident, "--json").stdout)["head"]["seq"] == 3  # nothing recorded
    assert len(json.loads(td("incident", "list", "--json").stdout)) == 1


def test_an_over_long_name_item_or_title_is_refused_naming_the_field_and_its_limit(td) -> None:  # type: ignore[no-untyped-def]
    # The CLI answered pydantic's words ("String should have at most 500 characters"), and 'incident new' an
    # "internal error: ValidationError" (exit 1); the console says how long the text is and the limit.
    long = "x" * 600
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    for args, what in [
        (("incident", "new", long), "a title"),
        (("party", incident, long), "a name"),
        (("demand", "add", incident, long), "an item"),
        (("hostage", "add", incident, long), "an alias"),
    ]:
        refused = td(*args, ok=False)
        assert (refused.returncode, refused.stdout) == (3, ""), (args, refused.stderr)
        field = what.split()[1]
        said = f"error[TD105]: '{'x' * 40}...' is not a valid {field}: it is 600 characters long; {what} may have "
        assert refused.stderr.startswith(said + "up to 500"), (args, refused.stderr)
        assert "String should have" not in refused.stderr
    assert json.loads(td("incident", "show", incident, "--json").stdout)["head"]["seq"] == 1  # nothing recorded
    assert len(json.loads(td("incident", "list", "--json").stdout)) == 1


def test_an_over_long_reason_or_medical_note_is_refused_at_the_cli_as_in_the_console(td) -> None:  # type: ignore[no-untyped-def]
    # The console and the API refused these over 500 characters (TD105); the CLI recorded them.
    long = "x" * 600
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    for args, what in [
        (("hostage", "add", incident, "Teller 1", "--medical", long), "a medical_needs"),
        (("promise", "make", incident, "water", "--for", long), "an in_exchange_for"),
        (("incident", "close", incident, "--outcome", "negotiated_surrender", "--reason", long), "a reason"),
    ]:
        refused = td(*args, ok=False)
        assert refused.returncode == 3, (args, refused.stderr)
        field = what.split()[1]
        assert f"is not a valid {field}: it is 600 characters long; {what} may have up to 500" in refused.stderr
    assert json.loads(td("incident", "show", incident, "--json").stdout)["head"]["seq"] == 1  # nothing recorded


def test_an_over_long_line_is_refused_at_the_cli_in_the_apis_words_saying_nothing_was_saved(td) -> None:  # type: ignore[no-untyped-def]
    # The API said "... may have up to 10,000. Nothing was saved: shorten it or split it"; the CLI, which refuses
    # before writing too, stopped at the limit, so the same refusal read two ways (tests/web/test_api.py: the API's).
    incident = td("incident", "new", "Elm St", "--type", "barricade").stdout.strip()
    refused = td("say", incident, "Curtis", "x" * 10_001, ok=False)
    assert (refused.returncode, refused.stdout) == (3, "")
    assert refused.stderr.strip() == (
        f"error[TD105]: '{'x' * 40}...' is not a valid text: it is 10,001 characters long; a text may have up to "
        "10,000. Nothing was saved: shorten it or split it."
    )
    assert json.loads(td("incident", "show", incident, "--json").stdout)["head"]["seq"] == 1  # nothing recorded


# Commands that write a file, serve, or migrate: they record no event, so no seq to print; and the interactive chat
# of a resumed session (``train run`` takes --json with --script). Every other command lists, shows or records
# something, and the README promises all of those a --json.
NO_JSON = {("export",), ("report",), ("serve",), ("db", "upgrade"), ("study", "report"), ("train", "resume")}


def test_every_command_that_lists_shows_or_records_takes_json() -> None:
    import typer

    from talkdown.cli.main import full_app

    def leaves(command: object, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], object]]:
        children = getattr(command, "commands", None)
        if children is None:
            return [(path, command)]
        return [leaf for name, child in sorted(children.items()) for leaf in leaves(child, (*path, name))]

    without = [
        " ".join(path)
        for path, command in leaves(typer.main.get_command(full_app()), ())
        if path not in NO_JSON and not any("--json" in p.opts for p in command.params)  # type: ignore[attr-defined]
    ]
    assert without == []


def test_diplomatic_entries_and_injects_print_their_seq_as_json(td) -> None:  # type: ignore[no-untyped-def]
    incident = json.loads(td("incident", "new", "Embassy", "--type", "diplomatic_state", "--json").stdout)[
        "incident_id"
    ]
    un = json.loads(td("diplomatic", "stakeholder", incident, "UN", "--kind", "intermediary", "--json").stdout)
    channel = json.loads(
        td("diplomatic", "channel", incident, "Geneva talks", "--kind", "multilateral", "--with", "UN", "--json").stdout
    )
    assert set(un) == set(channel) == {"id", "seq"} and un["seq"] < channel["seq"]
    session = td("train", "run", "bridge", "--script", os.devnull, "--json")
    session_id = json.loads(session.stdout)["session_id"]
    issued = json.loads(td("train", "inject", session_id, "media_helicopter", "--json").stdout)
    assert issued == {"seq": json.loads(td("verify", session_id, "--json").stdout)["events"]}


@pytest.mark.slow
def test_analyze_reads_a_spoken_clock_time_on_the_talkdown_timezone_wall_clock(tmp_path: Path) -> None:
    """'until nine' with no --at is read against now on TALKDOWN_TIMEZONE's clock, as the README says times are,
    not on this computer's (a UTC laptop read it as nine UTC: 3 or 4 pm in Chicago)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_TIMEZONE": "America/Chicago"}
    proc = subprocess.run(
        [sys.executable, "-m", "talkdown", "analyze", "You have until nine or he gets hurt.", "--fast", "--json"],
        env={**env, "TZ": "UTC"}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [due] = [a["detail"]["due_at"] for a in json.loads(proc.stdout)["annotations"] if a["label"] == "deadline"]
    on_the_wall = datetime.fromisoformat(due).astimezone(ZoneInfo("America/Chicago"))
    assert (on_the_wall.hour, on_the_wall.minute) in {(9, 0), (21, 0)}


def _audited_sign_in_client(tmp_path: Path, **settings: str) -> str:
    """Start ``talkdown serve``, send one failed sign-in that claims ``X-Forwarded-For: 6.6.6.6``, stop it, and
    return the client address the audit log recorded for it."""
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), **settings}
    env.pop("TALKDOWN_DATABASE_URL", None)
    env.pop("FORWARDED_ALLOW_IPS", None)  # uvicorn's own variable: the setting alone must decide
    with _console(env) as base:
        refused = httpx.post(f"{base}/api/session", json={"username": "nobody", "password": "wrong-password"},
                             headers={"X-Forwarded-For": "6.6.6.6"})  # fmt: skip
        assert refused.status_code == 401, refused.text
    with sqlite3.connect(tmp_path / "data" / "talkdown.db") as db:
        rows = db.execute("SELECT client FROM audit_log WHERE action = 'login' AND outcome = 'failed'").fetchall()
    assert len(rows) == 1, rows
    return str(rows[0][0])


@pytest.mark.slow
def test_serve_audits_the_real_peer_when_a_local_process_claims_another_address(tmp_path: Path) -> None:
    # uvicorn believed X-Forwarded-For from 127.0.0.1 by default: any process on the laptop could write any
    # address into the audit log and the sign-in throttle's per-address count.
    assert _audited_sign_in_client(tmp_path) == "127.0.0.1"


@pytest.mark.slow
def test_serve_believes_x_forwarded_for_from_a_proxy_the_operator_trusts(tmp_path: Path) -> None:
    assert _audited_sign_in_client(tmp_path, TALKDOWN_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1") == "6.6.6.6"


def _cookies_and_hsts_for_a_forwarded_https_request(tmp_path: Path, **settings: str) -> tuple[str, str, str | None]:
    """Start ``talkdown serve``, open the sign-in page and sign in with ``X-Forwarded-Proto: https``, stop it; return
    the sign-in page's CSRF cookie, the session cookie (as set, lower case) and the HSTS header of the sign-in."""
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), **settings}
    env.pop("TALKDOWN_DATABASE_URL", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    added = talkdown("user", "add", "dana", "--role", "scribe", "--password-stdin", env=same_data,
                     stdin="long-enough-password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    forwarded = {"X-Forwarded-Proto": "https"}
    with _console(env) as base:
        page = httpx.get(f"{base}/login", headers=forwarded)
        signed_in = httpx.post(f"{base}/api/session", json={"username": "dana", "password": "long-enough-password"},
                               headers=forwarded)  # fmt: skip
    assert (page.status_code, signed_in.status_code) == (200, 201), signed_in.text
    return (
        page.headers["set-cookie"].lower(),
        signed_in.headers["set-cookie"].lower(),
        signed_in.headers.get("strict-transport-security"),
    )


@pytest.mark.slow
def test_serve_behind_a_trusted_https_proxy_sets_secure_cookies_and_hsts(tmp_path: Path) -> None:
    # The proxy ends TLS and talks plain HTTP to the console: Secure and HSTS were decided from --tls-cert alone,
    # so the session cookie went out without Secure and a browser would send it over http:// too.
    trusted = {"TALKDOWN_TRUSTED_PROXIES": "127.0.0.1"}
    csrf, session, hsts = _cookies_and_hsts_for_a_forwarded_https_request(tmp_path, **trusted)
    assert "; secure" in csrf and "; secure" in session and "httponly" in session
    assert hsts is not None and hsts.startswith("max-age=")


@pytest.mark.slow
def test_serve_ignores_x_forwarded_proto_from_a_sender_it_does_not_trust(tmp_path: Path) -> None:
    for n, settings in enumerate(({}, {"TALKDOWN_TRUSTED_PROXIES": "10.0.0.0/8"})):
        csrf, session, hsts = _cookies_and_hsts_for_a_forwarded_https_request(tmp_path / str(n), **settings)
        assert "secure" not in csrf and "secure" not in session and hsts is None, settings


@pytest.mark.slow
def test_a_trusted_proxy_that_is_not_an_address_is_refused_naming_the_setting(tmp_path: Path) -> None:
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_TRUSTED_PROXIES": "127.0.0.1,proxy.lan"}
    proc = subprocess.run([sys.executable, "-m", "talkdown", "serve", "--port", str(_free_port())], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 3 and proc.stderr.startswith("error[TD105]"), proc.stderr
    assert "TALKDOWN_TRUSTED_PROXIES" in proc.stderr and "proxy.lan" in proc.stderr


@pytest.mark.parametrize("query", ["", "[/]"])
def test_cases_search_with_no_word_says_so_instead_of_an_empty_table(td, query: str) -> None:  # type: ignore[no-untyped-def]
    # 'cases search ""' printed "Cases matching '' (0)" and exited 0, as if no case in the library matched.
    ran = td("cases", "search", query, ok=False)
    assert ran.returncode == 3 and ran.stdout == "", ran.stdout
    assert f"error[TD105]: '{query}' is not a valid search: it has no word to look for" in ran.stderr
    assert "talkdown cases list" in ran.stderr
    as_json = td("cases", "search", query, "--json", ok=False)
    assert as_json.returncode == 3 and json.loads(as_json.stdout)["code"] == "TD105"  # not [], "nothing matched"


def test_cases_like_an_open_incident_says_its_duration_is_time_so_far_in_text_and_json(td) -> None:  # type: ignore[no-untyped-def]
    # --json gave an open incident's time so far as "duration_hours" with nothing to tell it from a closed one's
    # whole duration; the text line says "so far".
    incident = td("incident", "new", "Bank on Elm", "--type", "criminal_interrupted").stdout.strip()
    td("say", incident, "Curtis", "I want a car and money", "--role", "subject")
    situation = json.loads(td("cases", "like", incident, "--json").stdout)["situation"]
    assert situation["duration_so_far"] is True and situation["duration_hours"] < 1
    first = " ".join(td("cases", "like", incident, "-k", "1").stdout.split("\n\n")[0].split())  # Rich wraps at 80
    assert "demands for money, transport; duration under 0.1 h so far; channel phone" in first
    td("incident", "close", incident, "--outcome", "negotiated_surrender")
    closed = json.loads(td("cases", "like", incident, "--json").stdout)["situation"]
    assert closed["duration_so_far"] is False


def test_version_prints_the_release_pyproject_builds_without_reading_settings() -> None:
    # `talkdown --version` was "No such option" (exit 2): the first question of a support call had no answer
    # short of `pip show`. It must also answer when a setting is wrong, as that is when support is called.
    with (Path(__file__).resolve().parents[2] / "pyproject.toml").open("rb") as handle:
        release = tomllib.load(handle)["project"]["version"]
    ran = talkdown("--version", env={"TALKDOWN_DATA_DIR": "", "TALKDOWN_DATABASE_URL": None})
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, f"talkdown {release}\n", "")


def test_import_convokit_force_without_jsonl_is_refused_and_nothing_is_imported(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # --force replaces a --jsonl file; without --jsonl it was accepted and did nothing, so a user who meant to
    # replace an earlier conversion got a second set of incidents instead.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ran = td("study", "import-convokit", str(corpus), "--force", ok=False)
    assert ran.returncode == 3 and ran.stderr.startswith("error[TD105]: '--force' is not a valid option here"), (
        ran.stderr
    )
    assert json.loads(td("incident", "list", "--json").stdout) == []


def test_the_unpacked_size_limit_of_a_compressed_input_is_a_setting(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bomb = tmp_path / "dev.jsonl.gz"
    bomb.write_bytes(gzip.compress(bytes(50 * 2**20), compresslevel=9))  # a real gzip bomb, about 50 KB
    refused = talkdown("eval", str(bomb), env={**td.env, "TALKDOWN_MAX_UNPACKED_MB": "1"})
    assert refused.returncode == 3 and "error[TD114]" in refused.stderr, refused.stderr
    assert str(bomb) in refused.stderr and "TALKDOWN_MAX_UNPACKED_MB" in refused.stderr
    wrong = talkdown("eval", str(bomb), env={**td.env, "TALKDOWN_MAX_UNPACKED_MB": "0"})
    assert wrong.returncode == 3 and "TALKDOWN_MAX_UNPACKED_MB" in wrong.stderr  # TD105, before anything is read


def test_the_line_limit_of_a_conversation_file_is_a_setting(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # One JSON document of 3 MB, no line breaks: read whole before, now refused once 1 MB of it is read.
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps([{"turns": [{"role": "subject", "text": "x" * 100}] * 30_000}]), encoding="utf-8")
    refused = talkdown("eval", str(path), env={**td.env, "TALKDOWN_MAX_LINE_MB": "1"})
    assert refused.returncode == 3 and "error[TD115]" in refused.stderr, refused.stderr
    assert f"{path} line 1: longer than 1 MB" in refused.stderr and "TALKDOWN_MAX_LINE_MB" in refused.stderr
    read = talkdown("eval", str(path), env={**td.env, "TALKDOWN_MAX_LINE_MB": "4"})
    assert read.returncode == 3 and "error[TD101]" in read.stderr  # read whole, and then it is no conversation
    wrong = talkdown("eval", str(path), env={**td.env, "TALKDOWN_MAX_LINE_MB": "0"})
    assert wrong.returncode == 3 and "TALKDOWN_MAX_LINE_MB" in wrong.stderr  # TD105, before anything is read


def _conversation_line(text: str) -> str:
    turn = {"idx": 0, "speaker": "s", "role": "subject", "text": text, "labels": {"ekman": ["anger"]}}
    return json.dumps({"id": text[:8], "source": "test", "split": "dev", "meta": {}, "turns": [turn]})


def test_eval_prints_its_error_on_the_first_line_of_stderr(td, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The progress bar, stopped on a stderr that is no terminal, left an empty line: the error came second, where
    # `2> err.txt; head -1 err.txt` and scripts reading the first line did not find it.
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_conversation_line("I will not come out.") + "\n{oops\n", encoding="utf-8")
    failed = talkdown("eval", str(bad), env=td.env)
    assert failed.returncode == 3
    assert failed.stderr.splitlines()[0].startswith(f"error[TD101]: {bad} line 2: not valid JSON"), failed.stderr
    good = tmp_path / "good.jsonl"
    good.write_text(_conversation_line("I am so angry at all of you!") + "\n", encoding="utf-8")
    scored = talkdown("eval", str(good), "--json", env=td.env)
    assert scored.returncode == 0 and scored.stderr == "", scored.stderr  # nothing to say, not an empty line


def test_analyze_incident_leaves_no_empty_line_on_stderr(td) -> None:  # type: ignore[no-untyped-def]
    incident = td("incident", "new", "Elm St barricade", "--type", "barricade").stdout.strip()
    td("say", incident, "Curtis", "You have until nine or he gets hurt", "--role", "subject")
    ran = td("analyze", "--incident", incident)
    assert ran.stderr == "" and "until nine" in ran.stdout


@pytest.mark.slow
def test_eval_shows_its_progress_bar_on_a_terminal_and_clears_it_before_the_error(tmp_path: Path) -> None:
    # The bar is drawn only where stderr is a terminal; there it must still show (runs take minutes) and be gone
    # before the error line, which then starts the line the bar was on.
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_conversation_line("I will not come out.") + "\n{oops\n", encoding="utf-8")
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm", "COLUMNS": "100"}
    for name in ("TALKDOWN_DATABASE_URL", "TTY_INTERACTIVE", "NO_COLOR"):
        env.pop(name, None)
    main, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "talkdown", "eval", str(bad)], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=terminal)  # fmt: skip
    os.close(terminal)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the process has closed the terminal
        while chunk := os.read(main, 65536):
            shown += chunk
    os.close(main)
    assert proc.wait(timeout=120) == 3
    said = shown.decode("utf-8", "replace")
    assert "scoring" in said and "bytes" in said, said  # the bar was drawn
    before, _, error = said.rpartition("error[TD101]")
    assert re.search(r"\x1b\[2K(\x1b\[[0-9;]*m)*$", before) and "bad.jsonl line 2" in error, said  # erased, then said
