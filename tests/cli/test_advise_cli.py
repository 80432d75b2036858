"""``talkdown advise``, ``advise dismiss``, ``metrics`` and ``report`` through Typer on a real database."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from talkdown.cli.advise import register
from talkdown.cli.state import STATE
from talkdown.domain.clock import FixedClock
from talkdown.errors import TalkdownError
from talkdown.services.demo import load_demo
from talkdown.services.incidents import close_incident
from talkdown.services.live import log_line
from talkdown.services.wiring import App
from tests.cli.in_process import talkdown

pytestmark = pytest.mark.integration

cli = typer.Typer()
register(cli)


@cli.callback()
def _root() -> None:
    """talkdown (test root)"""


RUNNER = CliRunner()


@pytest.fixture
def demo(sqlite_app: App, clock: FixedClock) -> Iterator[str]:
    STATE._app = sqlite_app
    incident = load_demo(sqlite_app, close=False)
    clock.advance(timedelta(hours=4, minutes=18))  # demo starts at the clock start; now = 00:00, after call 5
    yield incident
    STATE.reset()


def _code(args: list[str]) -> str:
    result = RUNNER.invoke(cli, args)
    assert isinstance(result.exception, TalkdownError), result.output
    return result.exception.code


def test_advise_prints_json_with_evidence_and_dismiss_logs_it_once(demo: str, tmp_path: Path) -> None:
    shown = RUNNER.invoke(cli, ["advise", demo, "--json"])
    assert shown.exit_code == 0, shown.output
    advice = json.loads(shown.output)["advice"]
    assert "influence_before_rapport:s236" in [a["advice_id"] for a in advice]
    assert all(a["trigger_seqs"] and a["doctrine_ref"] for a in advice)
    assert _code(["advise", "dismiss", demo, "nope:1", "--reason", "x"]) == "TD240"
    assert _code(["advise", "dismiss", demo, "influence_before_rapport:s236", "--reason", " "]) == "TD140"
    done = RUNNER.invoke(cli, ["advise", "dismiss", demo, "influence_before_rapport:s236", "--reason", "Exit plan"])
    assert done.exit_code == 0 and done.output.startswith("seq ")
    after = json.loads(RUNNER.invoke(cli, ["advise", demo, "--json"]).output)["advice"]
    assert "influence_before_rapport:s236" not in [a["advice_id"] for a in after]
    assert _code(["advise", "dismiss", demo, "influence_before_rapport:s236", "--reason", "again"]) == "TD340"
    # a reason over the console's limit was cut to 500 characters and logged as if whole; now refused (TD105)
    too_long = RUNNER.invoke(cli, ["advise", "dismiss", demo, "deadline_passed_quietly:x", "--reason", "r" * 501])
    assert isinstance(too_long.exception, TalkdownError) and too_long.exception.code == "TD105"
    assert "it is 501 characters long; a reason may have up to 500" in too_long.exception.message
    policy = tmp_path / "policy.yaml"
    policy.write_text("no_concesions: true\n", encoding="utf-8")
    bad = RUNNER.invoke(cli, ["advise", demo, "--policy", str(policy)])
    assert isinstance(bad.exception, TalkdownError) and bad.exception.code == "TD640"
    assert "did you mean 'no_concessions'" in bad.exception.message


def test_metrics_and_report_render_the_seven_metrics_and_a_self_contained_page(demo: str, tmp_path: Path) -> None:
    result = RUNNER.invoke(cli, ["metrics", demo, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["metrics"]) == 7 and data["metric_series"] and data["indicator_series"]
    text = RUNNER.invoke(cli, ["metrics", demo]).output
    assert "Hostage Well-being Index" in text and "Concession Level" in text
    assert [m["applies"] for m in data["metrics"]] == [True] * 4 + [False] * 3  # the demo is a barricade
    assert "left out" in text  # the table says why the diplomatic three are not in it
    out = tmp_path / "report.html"
    written = RUNNER.invoke(cli, ["report", demo, "--html", str(out)])
    assert written.exit_code == 0, written.output
    page = out.read_text(encoding="utf-8")
    assert "Advice given and what was done with it" in page and "http://" not in page and "https://" not in page


def test_a_pdf_report_with_characters_no_font_has_says_so_on_stderr(demo: str, sqlite_app: App, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    log_line(sqlite_app, demo, speaker="Curtis Mabry", text="\U0010fffd\U0010fffd, ok?")  # a script no font here draws
    out = tmp_path / "report.pdf"
    written = RUNNER.invoke(cli, ["report", demo, "--pdf", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_bytes().startswith(b"%PDF-") and written.stdout.strip() == f"wrote {out}"
    assert "warning: 1 character(s) have no font on this computer" in written.stderr and "U+10FFFD" in written.stderr


@pytest.mark.slow
def test_report_without_a_file_on_a_terminal_asks_for_one_and_goes_to_a_pipe_as_html(tmp_path: Path) -> None:
    # On a terminal the page (100 KB of HTML and base64 charts) scrolled past; redirected, it is the page.
    import os
    import pty
    import subprocess
    import sys

    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("TALKDOWN_DATABASE_URL", None)
    same_data = {"TALKDOWN_DATA_DIR": env["TALKDOWN_DATA_DIR"], "TALKDOWN_DATABASE_URL": None}
    incident = talkdown("incident", "new", "Elm St", env=same_data).stdout.strip()
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb", buffering=0) as terminal:
        proc = subprocess.run([sys.executable, "-m", "talkdown", "report", incident], env=env, stdout=follower,
                              stderr=subprocess.PIPE, text=True, timeout=120)  # fmt: skip
        os.close(follower)
        shown = b""
        try:
            while chunk := terminal.read(4096):
                shown += chunk
        except OSError:  # EIO once the terminal's other end is closed and read empty
            pass
    assert proc.returncode == 2 and "--html FILE" in proc.stderr and "> report.html" in proc.stderr
    assert b"<html" not in shown
    piped = talkdown("report", incident, env=same_data)  # stdout is no terminal here: the page, for a redirect
    assert piped.returncode == 0 and piped.stdout.startswith("<!DOCTYPE html>"), piped.stderr


def test_an_agency_name_that_looks_like_markup_is_shown_as_written(demo: str, tmp_path: Path) -> None:
    # The header printed the policy's agency name as Rich markup: "[/]" in it was an internal error (MarkupError).
    policy = tmp_path / "policy.yaml"
    policy.write_text('agency: "Team [/] A [red]B"\n', encoding="utf-8")
    shown = RUNNER.invoke(cli, ["advise", demo, "--policy", str(policy)])
    assert shown.exit_code == 0, shown.output
    assert "Team [/] A [red]B" in shown.output.splitlines()[0]


@pytest.mark.parametrize(("missing", "flag"), [("matplotlib", "--html"), ("weasyprint", "--pdf")])
def test_a_report_on_a_default_install_names_the_report_extra(
    missing: str, flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pip install talkdown` then the README's `talkdown report INC --pdf report.pdf` said TD740 'pip install
    # matplotlib', and once that was done TD740 'pip install weasyprint': never the [report] extra the README names.
    same_data = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    incident = talkdown("incident", "new", "Elm St", env=same_data).stdout.strip()
    monkeypatch.setitem(sys.modules, missing, None)  # what `import` meets when the package is not installed
    out = tmp_path / f"report{flag.replace('--', '.')}"
    ran = talkdown("report", incident, flag, str(out), env=same_data)
    assert ran.returncode == 9 and ran.stderr.startswith("error[TD701]"), ran.stderr
    assert "pip install 'talkdown[report]'" in ran.stderr and not out.exists()


def test_advise_on_a_closed_incident_says_it_is_closed_and_dismiss_is_td301(demo: str, sqlite_app: App) -> None:
    # A closed incident with advice in its log printed "No advice: nothing in the log calls for it." (false: the
    # advisor speaks only while an incident is open), --json had no way to tell the two apart, and a dismissal got
    # TD240 "has no current advice" pointing back at that empty list.
    assert json.loads(RUNNER.invoke(cli, ["advise", demo, "--json"]).output)["incident_open"] is True
    close_incident(sqlite_app, demo, outcome="negotiated_surrender")
    shown = RUNNER.invoke(cli, ["advise", demo])
    assert shown.exit_code == 0, shown.output
    assert "nothing in the log calls for it" not in shown.output
    assert f"incident {demo} is closed" in " ".join(shown.output.split())
    data = json.loads(RUNNER.invoke(cli, ["advise", demo, "--json"]).output)
    assert data["incident_open"] is False and data["advice"] == []
    assert _code(["advise", "dismiss", demo, "influence_before_rapport:s236", "--reason", "Closed"]) == "TD301"


def test_advise_dismiss_and_report_follow_the_policy_setting_and_a_commands_policy_overrides_it(
    tmp_path: Path,
) -> None:
    # TALKDOWN_POLICY_FILE is the installation's policy, the one the console's boards follow too: before it, only
    # `--policy` on each command gave the agency's advice, and the board always gave the defaults'.
    agency = tmp_path / "agency.yaml"
    agency.write_text("agency: Harrow Falls PD\nno_concessions: true\n", encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text("agency: Visiting team\n", encoding="utf-8")
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None, "TALKDOWN_POLICY_FILE": None}
    incident = talkdown("incident", "new", "Bank", env=env).stdout.strip()
    demand = json.loads(
        talkdown("demand", "add", incident, "a million", "--category", "money", "--json", env=env).stdout
    )
    with_policy = {**env, "TALKDOWN_POLICY_FILE": str(agency)}
    shown = json.loads(talkdown("advise", incident, "--json", env=with_policy).stdout)
    assert shown["policy"] == "Harrow Falls PD"
    barred = f"policy_bars_concession:{demand['id']}"
    assert barred in [a["advice_id"] for a in shown["advice"]]
    overridden = json.loads(talkdown("advise", incident, "--json", "--policy", str(other), env=with_policy).stdout)
    assert overridden["policy"] == "Visiting team" and barred not in [a["advice_id"] for a in overridden["advice"]]
    page = talkdown("report", incident, env=with_policy).stdout
    assert "Policy: Harrow Falls PD" in page and "Agency policy bars this concession" in page
    dismissed = talkdown("advise", "dismiss", incident, barred, "--reason", "Passed up the line", env=with_policy)
    assert dismissed.returncode == 0, dismissed.stderr


def test_a_missing_policy_setting_is_an_error_at_the_command_not_the_defaults(tmp_path: Path) -> None:
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None, "TALKDOWN_POLICY_FILE": None}
    incident = talkdown("incident", "new", "Bank", env=env).stdout.strip()
    missing = {**env, "TALKDOWN_POLICY_FILE": str(tmp_path / "gone.yaml")}
    ran = talkdown("advise", incident, env=missing)
    assert ran.stderr.startswith("error[TD643]") and "gone.yaml" in ran.stderr, ran.stderr
    assert "TALKDOWN_POLICY_FILE" in ran.stderr  # where the name came from, when no --policy was typed
    assert talkdown("incident", "show", incident, env=missing).returncode == 0  # logging never needs the policy
    empty = talkdown("advise", incident, env={**env, "TALKDOWN_POLICY_FILE": ""})
    assert empty.stderr.startswith("error[TD105]") and "TALKDOWN_POLICY_FILE" in empty.stderr, empty.stderr


def test_serve_with_a_missing_policy_refuses_to_start_with_its_code(tmp_path: Path) -> None:
    # Checked before uvicorn or the demo start: a console must not come up giving the defaults' advice.
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None, "TALKDOWN_POLICY_FILE": None}
    ran = talkdown("serve", "--port", "18931", "--policy", str(tmp_path / "gone.yaml"), env=env)
    assert ran.stderr.startswith("error[TD643]") and "gone.yaml" in ran.stderr, ran.stderr
    assert "console:" not in ran.stdout


def test_a_policy_file_that_names_no_agency_is_not_shown_as_the_defaults(demo: str, tmp_path: Path) -> None:
    # `advise` printed "(talkdown defaults (usual US/European doctrine))" under a file that set no_concessions but no
    # `agency`: the one line that says which policy is in force said the wrong one.
    policy = tmp_path / "harrow.yaml"
    policy.write_text("no_concessions: true\n", encoding="utf-8")
    shown = json.loads(RUNNER.invoke(cli, ["advise", demo, "--json", "--policy", str(policy)]).output)
    assert shown["policy"] == "policy file harrow.yaml (no agency named in it)"
    defaults = json.loads(RUNNER.invoke(cli, ["advise", demo, "--json"]).output)
    assert defaults["policy"] == "talkdown defaults (usual US/European doctrine)"
