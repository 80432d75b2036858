"""``talkdown train`` as a trainee uses it: a scripted session end to end, and the interactive chat under tmux.

Commands run in-process (``tests/cli/in_process.py``) but where the process is the point: the chat in a real
terminal (tmux), bytes a real stdin cannot decode, and a debrief PDF on a laptop without pango (an import hook in a
fresh interpreter); these keep ``python -m talkdown train`` covered end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli.in_process import Ran, talkdown

pytestmark = pytest.mark.integration  # 'slow' only on the tests that start real processes (below)

DOCTRINE_SCRIPT = """\
My name is Sam. I'm here and I'm listening. What's going on for you right now?
Sounds like you're exhausted from carrying all of this on your own.
Tell me more about that.
Who matters most to you?
It sounds like you feel nobody has been listening to you.
/inject media_helicopter
Let me see if I've got this: you lost the shop, and you feel you've let everyone down. Is that right?
What's kept you going until now?
Tell me about your grandson.
I'm hearing a lot of hurt underneath the anger.
Calm down, it's not that bad.
What would you want tomorrow to look like?
It sounds like part of you wants to be there for Danny on Saturday.
How do we get you back over safely, on your own terms?
You sound cold and tired.
What would it take for you to climb back over, on your own terms?
"""


Env = dict[str, str | None]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    """The trainee's environment over this process's (None unsets a variable)."""
    return {
        "TALKDOWN_DATA_DIR": str(tmp_path / "data"),
        "TALKDOWN_ACTOR": "user:trainee",
        "TALKDOWN_DATABASE_URL": None,
        "TALKDOWN_TRAIN_LLM_URL": None,
    }


def _process_env(env: Env) -> dict[str, str]:
    """``env`` as the whole environment of a real subprocess."""
    environ = {**os.environ, **{k: v for k, v in env.items() if v is not None}}
    return {k: v for k, v in environ.items() if env.get(k, "") is not None}


def _td(env: Env, *args: str, stdin: str | None = None) -> Ran:
    ran = talkdown(*args, env=env, stdin=stdin)
    assert ran.returncode == 0, ran.stderr
    return ran


def _tried(env: Env, *args: str, stdin: str | None = None) -> Ran:
    """``talkdown ARGS`` in-process, whatever its exit code."""
    return talkdown(*args, env=env, stdin=stdin)


def test_a_scripted_session_resolves_and_its_debrief_names_the_slip(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text(DOCTRINE_SCRIPT, encoding="utf-8")
    run = json.loads(_td(env, "train", "run", "bridge", "--seed", "3", "--script", str(script), "--json").stdout)
    assert run["outcome"] == "resolved"
    assert run["final_state"]["stage"] == "behavioral_change"
    assert any(e.get("inject") == "media_helicopter" for e in run["transcript"])
    assert "coming back over" in run["transcript"][-1]["text"]
    windows = tmp_path / "lines-windows.txt"  # the same lines as Notepad saves them: a BOM and CRLF line ends
    windows.write_bytes(b"\xef\xbb\xbf" + DOCTRINE_SCRIPT.replace("\n", "\r\n").encode())
    again = json.loads(_td(env, "train", "run", "bridge", "--seed", "3", "--script", str(windows), "--json").stdout)
    assert [e.get("text") for e in again["transcript"]] == [e.get("text") for e in run["transcript"]]
    debrief = json.loads(_td(env, "train", "debrief", again["session_id"], "--json").stdout)
    assert debrief["outcome"] == "resolved"
    assert [(a["line"], a["doctrine_id"]) for a in debrief["avoid"]] == [
        ("Calm down, it's not that bad.", "minimizing")
    ]
    assert [s["session_id"] for s in debrief["earlier"]] == [run["session_id"]]
    html = tmp_path / "d.html"
    _td(env, "train", "debrief", run["session_id"], "--html", str(html))
    assert "Outcome: resolved" in html.read_text(encoding="utf-8")
    first = html.read_text(encoding="utf-8")
    again_html = _tried(env, "train", "debrief", again["session_id"], "--html", str(html))  # replaced silently, before
    assert again_html.returncode == 3 and "TD110" in again_html.stderr and "--force" in again_html.stderr
    assert html.read_text(encoding="utf-8") == first
    _td(env, "train", "debrief", again["session_id"], "--html", str(html), "--force")
    assert html.read_text(encoding="utf-8") != first


def test_train_list_shows_every_shipped_scenario(env: Env) -> None:
    listed = json.loads(_td(env, "train", "list", "--json").stdout)
    assert len(listed) >= 9 and {"bridge", "embassy_siege", "teenager"} <= {s["scenario_id"] for s in listed}


@pytest.mark.slow
def test_a_typed_line_the_terminal_could_not_read_is_refused_and_the_session_goes_on(env: Env) -> None:
    typed = b"My name is Sam \xff.\nMy name is Sam. What's going on for you right now?\n/quit\n"
    proc = subprocess.run(
        [sys.executable, "-m", "talkdown", "train", "run", "bridge", "--seed", "3"],
        input=typed,
        env=_process_env(env),
        capture_output=True,
        timeout=120,
        check=False,
    )
    out = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, proc.stderr
    assert "could not be read as UTF-8" in out and out.count("Subject:") >= 2  # refused, then answered


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")
@pytest.mark.slow
def test_the_interactive_chat_plays_a_whole_scenario_in_a_terminal(env: Env) -> None:
    with _tmux_chat(env, "train run bridge --seed 3 --trainee Alex") as session:
        _wait_for(session, "Subject:")
        for line in DOCTRINE_SCRIPT.splitlines():
            _type(session, line)
            marker = "logged at seq" if line.startswith("/inject") else None
            _wait_for(session, marker or line[-20:])
        screen = _wait_for(session, "Full debrief")
        assert "Outcome: resolved" in screen
        assert "minimizing" in screen and "worst day of your life" in screen


@contextmanager
def _tmux_chat(env: Env, args: str, *, exit_code: bool = False) -> Iterator[str]:
    """``talkdown ARGS`` in a detached 200x50 tmux pane (a real terminal); yields the tmux session, killed after.
    With ``exit_code`` the pane prints ``exit=N`` when talkdown ends."""
    session = f"td-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m talkdown {args}{'; echo exit=$?' if exit_code else ''}; sleep 30"
    tmux_env = [arg for k in ("TALKDOWN_DATA_DIR", "TALKDOWN_ACTOR") for arg in ("-e", f"{k}={env[k]}")]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50", *tmux_env, command], check=True
    )
    try:
        yield session
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def _type(session: str, line: str) -> None:
    """Type ``line`` into the pane and press Enter."""
    subprocess.run(["tmux", "send-keys", "-t", session, "-l", line], check=True)
    subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)


def _wait_for(session: str, text: str, timeout_s: float = 30.0) -> str:
    """Poll the tmux pane until ``text`` appears (a bounded wait on output, not a sleep in place of a check)."""
    deadline = time.monotonic() + timeout_s
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run(
            ["tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", session],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} did not appear; screen was:\n{screen}")


def test_a_mistyped_command_is_not_said_to_the_subject_and_a_script_with_one_starts_nothing(
    env: Env, tmp_path: Path
) -> None:
    typed = "/help\nMy name is Sam. What's going on for you right now?\n/state\n/quit\n"
    proc = _tried(env, "train", "run", "bridge", "--seed", "3", stdin=typed)
    out = proc.stdout
    assert proc.returncode == 0 and "Commands: /inject ID, /state, /quit" in out
    session = out.rsplit("talkdown train debrief ", 1)[1].split()[0]
    said = [json.loads(_td(env, "export", session, "--format", "jsonl").stdout)["turns"][i]["text"] for i in (1, 2)]
    assert said[0].startswith("My name is Sam") and not any(t.startswith("/") for t in said)
    script = tmp_path / "lines.txt"
    script.write_text("My name is Sam.\n/hlep\n", encoding="utf-8")
    refused = _tried(env, "train", "run", "bridge", "--script", str(script))
    assert refused.returncode == 3 and "line 2: unknown command '/hlep'" in refused.stderr
    assert [i["incident_id"] for i in json.loads(_td(env, "incident", "list", "--json").stdout)] == [session]


def test_lines_with_square_brackets_are_shown_as_typed_in_the_run_and_the_debrief(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"  # a trainee's stage direction, and text Rich would read as markup
    script.write_text("Calm down [/] it's not that bad.\nI hear you [sighs], [red]really[/red].\n", encoding="utf-8")
    run = _td(env, "train", "run", "bridge", "--script", str(script))  # MarkupError, exit 1, before the fix
    assert "Calm down [/] it's not that bad." in run.stdout and "[sighs], [red]really[/red]." in run.stdout
    session = run.stdout.rsplit("talkdown train debrief ", 1)[1].split()[0]
    debrief = _td(env, "train", "debrief", session)
    assert "Calm down [/]" in debrief.stdout and "minimizing" in debrief.stdout
    chat = _td(env, "train", "run", "bridge", "--trainee", "[b]Al[/b]", stdin="/inject [/]\n/quit\n")
    assert "no inject '[/]'" in chat.stdout
    named = chat.stdout.rsplit("talkdown train debrief ", 1)[1].split()[0]
    assert "trainee [b]Al[/b]" in _td(env, "train", "debrief", named).stdout


def test_a_script_naming_an_inject_the_scenario_lacks_is_refused_before_a_session_starts(
    env: Env, tmp_path: Path
) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("My name is Sam.\n\n/inject wife_arives\nWhat's going on?\n", encoding="utf-8")
    refused = _tried(env, "train", "run", "bridge", "--script", str(script), "--json")
    assert refused.returncode == 3 and refused.stderr.startswith("error[TD101]"), refused.stderr
    assert "line 3: scenario bridge has no inject 'wife_arives'" in refused.stderr and "wife_arrives" in refused.stderr
    assert json.loads(_td(env, "incident", "list", "--json").stdout) == []  # was a half-played session, exit 4


def test_a_script_issuing_an_inject_twice_before_he_replies_is_refused_before_a_session_starts(
    env: Env, tmp_path: Path
) -> None:
    script = tmp_path / "lines.txt"  # the first reply quoted 'Is that Carol? ...' twice and shifted him twice
    script.write_text("/inject wife_arrives\n/state\n/inject wife_arrives\nWhat's going on?\n", encoding="utf-8")
    refused = _tried(env, "train", "run", "bridge", "--script", str(script), "--json")
    assert refused.returncode == 3 and refused.stderr.startswith("error[TD101]"), refused.stderr
    assert "line 3: inject 'wife_arrives' is issued again with no line said since line 1" in refused.stderr
    assert json.loads(_td(env, "incident", "list", "--json").stdout) == []
    script.write_text("/inject wife_arrives\nWhat's going on?\n/inject wife_arrives\nI'm here.\n", encoding="utf-8")
    played = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    assert [e["inject"] for e in played["transcript"] if "inject" in e] == ["wife_arrives", "wife_arrives"]


def test_the_debrief_of_a_session_with_no_line_scores_nothing(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("# the trainee froze\n", encoding="utf-8")
    run = _td(env, "train", "run", "bridge", "--script", str(script))
    said = " ".join(run.stdout.split())  # Rich wraps at the terminal's width
    assert "No line was said to him, so nothing is scored." in said  # 'skill in 0% of your turns', before
    session = run.stdout.rsplit("talkdown train debrief ", 1)[1].split()[0]
    _td(env, "train", "end", session, "--reason", "class over")
    debrief = " ".join(_td(env, "train", "debrief", session).stdout.split())
    assert "No line was said to him" in debrief and "0%" not in debrief


def test_the_terminal_debrief_lists_the_injects(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("/inject wife_arrives\nTell me what happened.\n", encoding="utf-8")
    played = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    debrief = " ".join(_td(env, "train", "debrief", played["session_id"]).stdout.split())
    assert (
        "Inject at seq 5: wife_arrives (His wife arrives at the cordon); in his reply to your line at seq 6." in debrief
    )
    assert re.search(r"trainee trainee · opened \d{4}-\d\d-\d\d \d\d:\d\d \w+ · 1 exchange Outcome", debrief), debrief


def test_a_script_that_outlasts_the_session_says_how_many_lines_were_not_said(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    hostile = "Come down right now or we will come and get you, you idiot.\n"
    script.write_text(hostile * 6 + "/state\nSounds like you're upset.\n", encoding="utf-8")
    played = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    said = [e["text"] for e in played["transcript"] if e.get("speaker") == "trainee"]
    assert played["outcome"] == "failed" and played["not_said"] == 7 - len(said) > 0  # dropped silently, before
    run = " ".join(_td(env, "train", "run", "bridge", "--script", str(script)).stdout.split())
    assert f"The session ended; {7 - len(said)} lines of the script after that were not said." in run


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")
@pytest.mark.slow
def test_ctrl_c_in_the_chat_ends_it_like_quit_with_the_way_to_the_debrief(env: Env) -> None:
    with _tmux_chat(env, "train run bridge --seed 3", exit_code=True) as session:
        _wait_for(session, "You:")
        _type(session, "Sounds like you feel let down.")
        _wait_for(session, "machine shop")
        subprocess.run(["tmux", "send-keys", "-t", session, "C-c"], check=True)
        screen = _wait_for(session, "exit=")  # a bare exit 130 and no word of the session, before
        assert "Interrupted." in screen and "exit=0" in screen
        debrief_id = screen.rsplit("talkdown train debrief ", 1)[1].split()[0]
    debrief = json.loads(_td(env, "train", "debrief", debrief_id, "--json").stdout)
    assert debrief["turns"] == 1 and debrief["skills"].get("emotion_labeling") == 1


def test_an_llm_url_the_realizer_cannot_use_is_refused_before_a_session_starts(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("My name is Sam.\n", encoding="utf-8")
    refused = _tried(env, "train", "run", "bridge", "--script", str(script), "--llm-url", "ftp://llm.local")
    assert refused.returncode == 8 and refused.stderr.startswith("error[TD630]"), refused.stderr
    assert json.loads(_td(env, "incident", "list", "--json").stdout) == []  # a session with only his opening, before


def test_a_line_over_the_length_limit_is_refused_by_line_in_a_script_and_the_chat_goes_on(
    env: Env, tmp_path: Path
) -> None:
    huge = "I hear you. " * 9000  # 108,000 characters: over the 10,000 a line may have (LONG_TEXT_MAX)
    script = tmp_path / "lines.txt"
    script.write_text(f"My name is Sam.\n{huge}\n", encoding="utf-8")
    refused = _tried(env, "train", "run", "bridge", "--script", str(script))
    stripped = "line 2: the line is 107,999 characters long"  # the line's last space is stripped
    assert refused.returncode == 3 and stripped in refused.stderr, refused.stderr
    assert json.loads(_td(env, "incident", "list", "--json").stdout) == []  # was: ValidationError, exit 1
    typed = f"{huge}\nMy name is Sam. What's going on for you right now?\n/quit\n"
    chat = _tried(env, "train", "run", "bridge", "--seed", "3", stdin=typed)
    out = chat.stdout
    assert chat.returncode == 0 and "a line may have up to 10,000" in out and out.count("Subject:") >= 2, chat.stderr


def test_a_script_with_no_line_said_reports_the_same_outcome_as_the_debrief(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("# the instructor's warm-up: only an inject\n/inject wife_arrives\n/state\n", encoding="utf-8")
    run = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    debrief = json.loads(_td(env, "train", "debrief", run["session_id"], "--json").stdout)
    assert run["outcome"] == debrief["outcome"] == "not started"  # the run said 'in progress'
    assert run["final_state"] is None and run["transcript"][-1]["state"]["turn"] == 0


def test_train_list_shows_every_scenario_and_inject_id_whole_in_an_80_column_terminal(env: Env) -> None:
    listed = json.loads(_td(env, "train", "list", "--json").stdout)
    table = _td({**env, "COLUMNS": "80"}, "train", "list").stdout
    cells = {cell.strip() for row in table.splitlines() for cell in row.split("│")}
    ids = {s["scenario_id"] for s in listed} | {i for s in listed for i in s["injects"]}
    assert ids <= cells, sorted(ids - cells)  # 'domestic_barrica…', 'medical_emergenc…' before


BANK_SCRIPT = """\
My name is Sam. I'm here and I'm listening. What's going on in there?
Sounds like this went really wrong, really fast.
That's not something I can decide, but I'll pass it up to the people who decide.
It sounds like you're scared about what happens next.
You sound exhausted.
Tell me more about that.
So what I'm hearing is that this was supposed to be quick and now you're stuck, and you're worried about going \
back inside. Is that right?
I can get water in. In return, could Mr. Okafor come out? He needs his pills.
Come down right now or we will come and get you.
"""


def test_the_terminal_debrief_shows_the_stairway_the_release_and_whole_behaviour_ids(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text(BANK_SCRIPT, encoding="utf-8")
    run = json.loads(_td(env, "train", "run", "bank_robbery", "--seed", "2", "--script", str(script), "--json").stdout)
    debrief = json.loads(_td(env, "train", "debrief", run["session_id"], "--json").stdout)
    assert debrief["releases"] == ["Mr. Okafor"]
    text = _td({**env, "COLUMNS": "80"}, "train", "debrief", run["session_id"]).stdout
    assert "Released: Mr. Okafor" in text  # in the JSON and HTML only, before
    assert f"{debrief['stairway'][-1][0]} {debrief['stairway'][-1][1]}" in text  # the step after each line
    third_line = debrief["stairway"][2][0]  # he set the deadline in his reply to it ('Seq 14: he set', before)
    assert re.match(
        rf"After your line at seq {third_line}, he set a deadline, due in \d+ more exchanges: ", debrief["deadlines"][0]
    )
    flagged = {a["doctrine_id"] for a in debrief["avoid"]}
    cells = "".join(row.split("│")[3].strip() for row in text.splitlines() if row.count("│") == 5)
    assert all(doctrine_id in cells for doctrine_id in flagged), (flagged, cells)  # not 'premature_problem_so…'


def test_json_without_a_script_is_a_usage_error_not_a_silent_chat(env: Env) -> None:
    piped = _tried(env, "train", "run", "bridge", "--json", stdin="Hi.\n")
    assert piped.returncode == 2 and "--json needs --script" in piped.stderr, piped.stdout  # a chat on stdout, before
    assert json.loads(_td(env, "incident", "list", "--json").stdout) == []


def _chat(env: Env, *args: str, typed: str) -> str:
    proc = _tried(env, *args, stdin=typed)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_quit_session_is_resumed_with_train_resume_and_never_written_by_say(env: Env) -> None:
    first = _chat(env, "train", "run", "bridge", "--seed", "3", typed="Sounds like you feel let down.\n/quit\n")
    session = first.rsplit("talkdown train resume ", 1)[1].split()[0]  # the way back, printed on quitting
    said = _tried(env, "say", session, "trainee", "Tell me more.")
    assert said.returncode == 5 and said.stderr.startswith("error[TD332]"), said.stderr  # 'seq 5', exit 0, before
    assert f"talkdown train resume {session}" in said.stderr
    again = _chat(env, "train", "resume", session, typed="What's going on for you tonight?\n/quit\n")
    assert "Sounds like you feel let down." in again and "(resumed)" in again  # the thread so far, recapped
    debrief = json.loads(_td(env, "train", "debrief", session, "--json").stdout)
    assert debrief["turns"] == 2 and [s for _, s in debrief["stairway"]] == ["active_listening"] * 2


def test_the_debrief_writes_both_the_html_and_the_pdf_when_both_are_named(env: Env, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    script = tmp_path / "lines.txt"
    script.write_text("Sounds like you feel let down.\n", encoding="utf-8")
    run = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    html, pdf = tmp_path / "d.html", tmp_path / "d.pdf"
    _td(env, "train", "debrief", run["session_id"], "--html", str(html), "--pdf", str(pdf))
    assert "Training debrief" in html.read_text(encoding="utf-8")
    assert pdf.read_bytes().startswith(b"%PDF-")  # only the HTML was written, exit 0, before
    both = _tried(env, "train", "debrief", run["session_id"], "--json", "--html", str(html))
    assert both.returncode == 2 and "--json prints the debrief" in both.stderr  # JSON silently dropped, before


def test_sessions_run_without_a_trainee_name_are_compared_only_with_the_same_accounts(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("Sounds like you feel let down.\n", encoding="utf-8")
    ids = []
    for actor in ("user:alex", "user:bo", "user:alex"):
        run = _td({**env, "TALKDOWN_ACTOR": actor}, "train", "run", "bridge", "--script", str(script), "--json")
        ids.append(json.loads(run.stdout)["session_id"])
    last = json.loads(_td(env, "train", "debrief", ids[2], "--json").stdout)
    assert last["trainee"] == "alex" and [s["session_id"] for s in last["earlier"]] == [ids[0]]  # all 'Trainee'


def test_train_sessions_lists_each_session_to_resume_or_debrief(env: Env, tmp_path: Path) -> None:
    assert "No training sessions yet" in _td(env, "train", "sessions").stdout
    script = tmp_path / "lines.txt"
    script.write_text("Sounds like you feel let down.\n", encoding="utf-8")
    run = json.loads(_td(env, "train", "run", "bridge", "--trainee", "Alex", "--script", str(script), "--json").stdout)
    listed = json.loads(_td(env, "train", "sessions", "--json").stdout)
    assert [(s["session_id"], s["trainee"], s["status"]) for s in listed] == [(run["session_id"], "Alex", "running")]
    assert run["session_id"] in _td({**env, "COLUMNS": "80"}, "train", "sessions").stdout  # whole, never cut
    # On the team's clock, as the README says the terminal's tables are ('2026-… 19:42 UTC' before).
    zoned = {**env, "TALKDOWN_TIMEZONE": "Asia/Kolkata", "COLUMNS": "200"}
    opened = datetime.fromisoformat(listed[0]["opened_at"]).astimezone(ZoneInfo("Asia/Kolkata"))
    table = _td(zoned, "train", "sessions").stdout
    assert f"{opened:%Y-%m-%d %H:%M} IST" in table and "UTC" not in table
    again = _td(env, "train", "run", "bridge", "--trainee", "Alex", "--script", str(script), "--json").stdout
    debrief = _td(zoned, "train", "debrief", json.loads(again)["session_id"]).stdout
    assert f"Earlier: {opened:%Y-%m-%d %H:%M} IST bridge" in debrief  # the ISO UTC string before


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")
@pytest.mark.slow
def test_a_session_ended_by_the_instructor_ends_the_chat_with_its_summary(env: Env) -> None:
    with _tmux_chat(env, "train run bridge --seed 3", exit_code=True) as session:
        screen = _wait_for(session, "You:")
        session_id = screen.split("session ", 1)[1].split()[0]
        _td(env, "train", "end", session_id, "--reason", "class over")  # the instructor, from his terminal
        _type(session, "Sounds like you feel let down.")
        screen = _wait_for(session, "exit=")
    assert "exit=0" in screen and "ended meanwhile" in screen  # error[TD331], exit 5 and no summary, before
    assert "Outcome: unresolved. The session was stopped after 0 exchanges: class over." in screen


NO_PANGO = """\
import sys


class NoPango:  # WeasyPrint installed, Debian's pango not: its import raises OSError, as on a bare laptop
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return None


sys.meta_path.insert(0, NoPango())
sys.argv = ["talkdown", *sys.argv[1:]]
from talkdown.cli.main import run

run()
"""


@pytest.mark.slow
def test_a_debrief_pdf_names_the_packages_to_install_like_the_report_does(env: Env, tmp_path: Path) -> None:
    """The debrief said TD701 'pip install talkdown[report]' when pango was missing, which installs nothing that
    helps; the report's guard (TD740) names the Debian packages. Both PDFs now go through that one guard."""
    session = json.loads(_td(env, "train", "run", "bridge", "--script", os.devnull, "--json").stdout)["session_id"]
    pdf = tmp_path / "debrief.pdf"
    proc = subprocess.run(
        [sys.executable, "-c", NO_PANGO, "train", "debrief", session, "--pdf", str(pdf)],
        env=_process_env(env), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 9 and proc.stderr.startswith("error[TD740]"), proc.stderr
    assert "libpango-1.0-0" in proc.stderr and not pdf.exists()
    pytest.importorskip("weasyprint")
    _td(env, "train", "debrief", session, "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_train_end_prints_its_seq_as_json(env: Env) -> None:
    session = json.loads(_td(env, "train", "run", "bridge", "--script", os.devnull, "--json").stdout)["session_id"]
    ended = json.loads(_td(env, "train", "end", session, "--reason", "class over", "--json").stdout)
    assert ended == {"seq": json.loads(_td(env, "verify", session, "--json").stdout)["events"]}


def test_a_wrong_session_id_points_at_train_sessions_not_the_incident_list(env: Env) -> None:
    """It said "No incident 'nosuch'. See 'talkdown incident list'", a list of live incidents, not of sessions."""
    for args in (("debrief", "nosuch"), ("end", "nosuch"), ("resume", "nosuch"), ("inject", "nosuch", "x")):
        ran = _tried(env, "train", *args)
        assert ran.returncode == 4, (args, ran.stderr)
        assert ran.stderr.startswith("error[TD232]: No training session 'nosuch'. See 'talkdown train sessions'.")


def test_train_end_refuses_a_reason_over_the_limit_as_the_console_does(env: Env) -> None:
    """A 501-character reason was cut to 500 and logged as if whole; the console's form refuses it (TD105)."""
    session = json.loads(_td(env, "train", "run", "bridge", "--script", os.devnull, "--json").stdout)["session_id"]
    refused = _tried(env, "train", "end", session, "--reason", "x" * 501)
    assert refused.returncode == 3, refused.stderr
    assert refused.stderr.startswith("error[TD105]") and "501 characters long" in refused.stderr
    assert "up to 500" in refused.stderr
    listed = json.loads(_td(env, "train", "sessions", "--json").stdout)
    assert [s["status"] for s in listed if s["session_id"] == session] == ["running"]  # nothing was recorded
    _td(env, "train", "end", session, "--reason", "y" * 500)
    debrief = _td(env, "train", "debrief", session, "--json").stdout
    assert "y" * 500 in debrief


def test_the_run_summary_and_the_debrief_name_the_lines_he_heard_as_a_repeat(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("Sounds like you're going through a lot.\n" * 7, encoding="utf-8")
    run = " ".join(_td(env, "train", "run", "teenager", "--script", str(script)).stdout.split())
    assert "6 of your lines repeated an earlier one nearly word for word (seq 7, 9, 11, 13, 15, 17)" in run
    session = run.rsplit("talkdown train debrief ", 1)[1].split()[0]
    debrief = " ".join(_td(env, "train", "debrief", session).stdout.split())
    assert "6 of your lines repeated an earlier one" in debrief  # '100%' and 'No behaviour to avoid' alone, before
    assert json.loads(_td(env, "train", "debrief", session, "--json").stdout)["repeated"] == [7, 9, 11, 13, 15, 17]


def test_a_scripts_injects_and_state_show_in_the_terminal_transcript_as_in_the_json(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text(
        "What's going on for you tonight?\n/inject wife_arrives\n/state\nTell me more.\n", encoding="utf-8"
    )
    run = " ".join(_td(env, "train", "run", "bridge", "--script", str(script)).stdout.split())
    # His "Is that Carol?" came with no sign of the inject, and /state printed nothing, before.
    assert "inject wife_arrives logged at seq 7 arousal" in run
    assert re.search(r"arousal [\d.]+ trust [\d.]+ hopelessness [\d.]+ face [\d.]+ stage \w+ turn 1 trainee:", run)


TRADE_FOR_THE_CUSTOMER = """\
My name is Sam, I'm with the police negotiation team. What's going on in there right now?
Sounds like this went really wrong really fast.
Left you standing there. Tell me more about that.
It sounds like you feel abandoned by the person who was supposed to have your back.
That's not something I can decide, but I'll pass it up to the people who decide.
Mm-hm. I'm listening.
What's been the hardest part of all this?
So what you're saying is you owe money to dangerous people and you felt you had no choice.
You sound really frightened about what happens next.
You've kept everyone safe so far, and that matters.
I'll push for the water. In return, could Mr. Okafor come out as a sign of good faith?
"""


def test_a_script_inject_about_a_hostage_freed_meanwhile_is_refused_and_the_script_goes_on(
    env: Env, tmp_path: Path
) -> None:
    """No check before the run can know a trade will free Mr. Okafor; his collapse inside, issued after, is
    refused (TD302) and the transcript says so, instead of the script stopping half-way with exit 5."""
    script = tmp_path / "lines.txt"
    script.write_text(
        TRADE_FOR_THE_CUSTOMER + "/inject medical_emergency\nTell me more about that.\n", encoding="utf-8"
    )
    played = json.loads(_td(env, "train", "run", "bank_robbery", "--script", str(script), "--json").stdout)
    refused = next(e for e in played["transcript"] if e.get("inject") == "medical_emergency")
    assert "seq" not in refused and "Mr. Okafor" in refused["refused"]
    assert played["transcript"][-2] == {"speaker": "trainee", "text": "Tell me more about that.", "seq": 35}
    run = " ".join(_td(env, "train", "run", "bank_robbery", "--script", str(script)).stdout.split())
    assert "inject medical_emergency refused:" in run


def test_the_terminal_debrief_says_why_each_behaviour_to_avoid_hurts(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("What's going on for you tonight?\nCalm down, it's not that bad.\n", encoding="utf-8")
    played = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    debrief = json.loads(_td(env, "train", "debrief", played["session_id"], "--json").stdout)
    (minimizing,) = [a for a in debrief["avoid"] if a["doctrine_id"] == "minimizing"]
    text = _td({**env, "COLUMNS": "250"}, "train", "debrief", played["session_id"]).stdout  # no cell wraps
    assert minimizing["why"] in text  # docs: the seq, the line, why, and a better line (why: JSON and HTML only)


def test_the_terminal_debrief_counts_each_earlier_sessions_behaviours_to_avoid(env: Env, tmp_path: Path) -> None:
    script = tmp_path / "lines.txt"
    script.write_text("What's going on for you tonight?\nCalm down, it's not that bad.\n", encoding="utf-8")
    first = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    flagged = len(json.loads(_td(env, "train", "debrief", first["session_id"], "--json").stdout)["avoid"])
    second = json.loads(_td(env, "train", "run", "bridge", "--script", str(script), "--json").stdout)
    debrief = " ".join(_td(env, "train", "debrief", second["session_id"]).stdout.split())
    noun = "behaviour" if flagged == 1 else "behaviours"
    assert f"listening 50% of 2 turns, {flagged} {noun} to avoid" in debrief  # the HTML and --json had the count


def test_the_terminal_and_json_debriefs_say_whether_the_trainee_asked_directly_about_suicide(
    env: Env, tmp_path: Path
) -> None:
    script = tmp_path / "lines.txt"  # seed 0: "They'd be better off. I've done the math" answers the fifth line
    script.write_text(
        "Hello?\nOkay.\nI see.\nRight.\nHmm.\nGo on.\nYou're not going to do anything silly, are you?\n",
        encoding="utf-8",
    )
    played = json.loads(_td(env, "train", "run", "bridge", "--seed", "0", "--script", str(script), "--json").stdout)
    debrief = json.loads(_td(env, "train", "debrief", played["session_id"], "--json").stdout)
    risk = debrief["suicide_risk"]
    assert risk["cue_line"] == "They'd be better off. I've done the math, believe me."
    assert risk["asked"] is None and risk["lines_after"] == 2
    assert [q["line"] for q in risk["hedged"]] == ["You're not going to do anything silly, are you?"]
    assert risk["better"] == "Are you thinking about killing yourself?"
    said = " ".join(_td(env, "train", "debrief", played["session_id"]).stdout.split())  # Rich wraps the lines
    assert f"Suicide risk His first suicide cue, at seq {risk['cue_seq']}: \"They'd be better off." in said
    assert "You never asked him directly about suicide in the 2 lines you said after it." in said
    assert 'Better, plainly: "Are you thinking about killing yourself?"' in said
