"""``talkdown eval`` / ``talkdown analyze`` through Typer, with a local app registering only these commands.

Uses the default pipeline and the shipped emotion model, so it is marked integration. The texts are
written for this test.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from talkdown.analysis.base import Turn
from talkdown.analysis.pipeline import AnalyzerInfo
from talkdown.cli.evaluate import _render_analysis, analyze_command, eval_command
from talkdown.errors import TalkdownError
from talkdown.services.evaluate import TextAnalysis

pytestmark = pytest.mark.integration

app = typer.Typer()
app.command("eval")(eval_command)
app.command("analyze")(analyze_command)
RUNNER = CliRunner()


def _conv(cid: str, text: str, ekman: list[str]) -> str:
    turn = {"idx": 0, "speaker": "redditor", "role": "subject", "text": text, "labels": {"ekman": ekman}}
    return json.dumps({"id": cid, "source": "test", "split": "dev", "meta": {}, "turns": [turn]})


@pytest.fixture
def ekman_file(tmp_path: Path) -> Path:
    path = tmp_path / "emotions.jsonl"
    lines = [
        _conv("a", "I am so furious with you, you ruined everything!", ["anger"]),
        _conv("b", "Thank you so much, this is wonderful news", ["joy"]),
        _conv("c", "The parking lot is behind the building.", ["neutral"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_json_prints_one_object_of_the_contract_shape_and_exits_0(ekman_file: Path) -> None:
    result = RUNNER.invoke(app, ["eval", str(ekman_file), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["families"]
    assert doc["families"]["ekman"]["n"] == 3
    assert set(doc["families"]["ekman"]["labels"]["anger"]) == {"precision", "recall", "f1", "support"}


def test_eval_twice_gives_identical_json(ekman_file: Path) -> None:
    first = RUNNER.invoke(app, ["eval", str(ekman_file), "--json"]).stdout
    assert first == RUNNER.invoke(app, ["eval", str(ekman_file), "--json"]).stdout


def test_eval_table_names_the_family(ekman_file: Path) -> None:
    result = RUNNER.invoke(app, ["eval", str(ekman_file)])
    assert result.exit_code == 0
    assert "ekman" in result.stdout and "macro-F1" in result.stdout


def test_eval_names_families_it_cannot_score_as_written_even_when_they_look_like_markup(tmp_path: Path) -> None:
    # The note on stderr went through Rich markup: a family named '[/]' in the file ended the run with an
    # internal error (MarkupError) instead of the scores.
    turn = {"idx": 0, "speaker": "s", "role": "subject", "text": "Thanks!", "labels": {"[/]": ["x"], "ekman": ["joy"]}}
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"id": "a", "source": "t", "split": "dev", "meta": {}, "turns": [turn]}) + "\n")
    result = RUNNER.invoke(app, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["families"]["ekman"]["n"] == 1
    assert "not scored (talkdown does not predict them): [/]" in result.stderr


def test_eval_malformed_line_raises_a_coded_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_conv("a", "fine", ["neutral"]) + "\n{oops\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["eval", str(path), "--json"])
    assert isinstance(result.exception, TalkdownError)  # cli/main.py turns it into a red line + exit 3
    assert result.exception.code == "TD101"
    assert result.exception.fields["line"] == 2


def test_analyze_json_lists_labels_with_evidence_and_the_models_in_use() -> None:
    result = RUNNER.invoke(app, ["analyze", "I hate you, you ruined everything", "--as", "subject", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    anger = [a for a in doc["annotations"] if a["family"] == "ekman" and a["label"] == "anger"]
    assert anger and anger[0]["evidence"]
    emotion = [a for a in doc["analyzers"] if a["name"] == "emotion"]
    assert emotion[0]["kind"] == "model" and emotion[0]["models"]


def test_analyze_reads_earlier_turns_from_a_context_file(tmp_path: Path) -> None:
    ctx = tmp_path / "ctx.txt"
    ctx.write_text("subject: nobody ever listens to me\nnegotiator: I'm listening\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["analyze", "Nobody listens?", "--as", "negotiator", "--context", str(ctx)])
    assert result.exit_code == 0, result.output
    assert "analysers in use" in result.stdout


def test_a_context_file_saved_with_a_byte_order_mark_keeps_its_first_turn(tmp_path: Path) -> None:
    # With the BOM read as text, the first line's role was "\ufeffsubject": that turn was dropped unseen, and
    # the mirror of it went unnoticed.
    labels = []
    for name, bom in (("plain.txt", b""), ("bom.txt", b"\xef\xbb\xbf")):
        ctx = tmp_path / name
        ctx.write_bytes(bom + b"subject: nobody ever listens to me\r\n")
        result = RUNNER.invoke(app, ["analyze", "Nobody ever listens?", "--as", "negotiator", "--context", str(ctx),
                                     "--json", "--fast"])  # fmt: skip
        assert result.exit_code == 0, result.output
        labels.append([a["label"] for a in json.loads(result.stdout)["annotations"] if a["family"] == "talkdown_skill"])
    assert labels[0] == labels[1] == ["mirroring"]


def test_analyze_dash_reads_the_utterance_from_standard_input() -> None:
    piped = RUNNER.invoke(app, ["analyze", "-", "--json", "--fast"], input=b"I will kill myself.\r\n")
    assert piped.exit_code == 0, piped.output
    doc = json.loads(piped.stdout)
    assert doc["text"] == "I will kill myself." and "suicide_cue" in {a["label"] for a in doc["annotations"]}
    latin1 = RUNNER.invoke(app, ["analyze", "-", "--fast"], input="caf\u00e9".encode("latin-1"))
    assert isinstance(latin1.exception, TalkdownError) and latin1.exception.code == "TD103"


def test_analyze_reads_a_deadlines_clock_time_against_when_it_was_said() -> None:
    text = "If the cops come in I'll shoot her. You have until 6pm to get me a car."
    result = RUNNER.invoke(app, ["analyze", text, "--json", "--at", "2026-11-27T14:00+01:00", "--fast"])
    assert result.exit_code == 0, result.output
    cues = {a["label"]: a["detail"] for a in json.loads(result.stdout)["annotations"] if a["family"] == "talkdown_cue"}
    assert cues["deadline"]["due_at"] == "2026-11-27T17:00:00+00:00"  # 18:00 at +01:00
    assert cues["demand"]["item"] == "a car" and cues["threat"]["target"] == "hostage"


def test_analyze_without_at_reads_the_deadline_against_now() -> None:
    result = RUNNER.invoke(app, ["analyze", "You have until 6pm to get me a car.", "--json", "--fast"])
    deadline = next(a for a in json.loads(result.stdout)["annotations"] if a["label"] == "deadline")
    assert deadline["detail"]["due_at"] is not None


def test_analyze_refuses_a_time_without_its_zone() -> None:
    result = RUNNER.invoke(app, ["analyze", "by six", "--at", "2026-11-27T14:00"])
    assert isinstance(result.exception, TalkdownError) and "time zone" in str(result.exception)


def test_analyze_refuses_a_text_and_an_incident_together_rather_than_drop_the_text() -> None:
    # The text was ignored without a word and the incident's log annotated instead.
    result = RUNNER.invoke(app, ["analyze", "I have a gun", "--incident", "7f3c", "--json"])
    assert isinstance(result.exception, TalkdownError)
    assert (result.exception.code, result.exception.fields["value"]) == ("TD105", "I have a gun")


def test_eval_says_on_stderr_why_nothing_was_scored(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    unscored = tmp_path / "casino.jsonl"
    turn = {"idx": 0, "speaker": "a", "role": "party", "text": "Hello!", "labels": {"casino_strategy": ["small-talk"]}}
    unscored.write_text(json.dumps({"id": "c", "source": "casino", "split": "dev", "meta": {}, "turns": [turn]}) + "\n")
    for path, why in ((empty, "the files hold no conversation"), (unscored, "no turn carries a family it scores")):
        result = RUNNER.invoke(app, ["eval", str(path), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"families": {}}
        assert f"nothing was scored: {why}" in result.stderr


@pytest.mark.slow
def test_analyze_writes_emoji_to_a_stdout_that_is_not_utf8(tmp_path: Path) -> None:
    # Redirected on Windows, stdout has the ANSI code page: "😀" ended in an internal error (UnicodeEncodeError)
    # in both the JSON and the table. The JSON now escapes it (still the same text); the table shows '?'.
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "cp1252"}
    text = "I'm done \U0001f600 caf\u00e9"
    base = [sys.executable, "-m", "talkdown", "analyze", text, "--as", "subject", "--fast"]
    as_json = subprocess.run([*base, "--json"], env=env, capture_output=True, timeout=120)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["text"] == text
    table = subprocess.run(base, env=env, capture_output=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "I'm done ? café".encode("cp1252") in table.stdout


def test_the_analysers_table_shows_a_models_folder_as_written(tmp_path: Path) -> None:
    # The model's place comes from TALKDOWN_EXTRA_MODELS; read as Rich markup, '[v2]' vanished from the table
    # and '[/]' raised MarkupError (an internal error instead of the analysis).
    place = "/srv/[v2]/[/]esconv-strategy.onnx"
    info = AnalyzerInfo(name="strategy", version="1", kind="model", requires=(), produces=(), models=(place,))
    shown = io.StringIO()
    result = TextAnalysis(turn=Turn(text="ok", side="negotiator"), annotations=(), analyzers=(info,))
    _render_analysis(result, Console(file=shown, width=200))
    assert place in shown.getvalue()


def test_the_labels_table_shows_what_each_label_carries_so_two_demands_are_told_apart() -> None:
    # Two demands in one line showed as two identical rows: the items were only in --json.
    result = RUNNER.invoke(
        app,
        ["analyze", "I want cigarettes and food. And I want a car.", "--as", "subject", "--fast"],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "item: cigarettes and food" in result.stdout and "item: a car" in result.stdout


@pytest.mark.slow
def test_eval_dash_reads_the_conversations_from_standard_input(ekman_file: Path, tmp_path: Path) -> None:
    # As `analyze -` does: `zcat dev.jsonl.gz | talkdown eval -` was "-: cannot read it (No such file or directory)".
    env = {**os.environ, "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    piped = subprocess.run(
        [sys.executable, "-m", "talkdown", "eval", "-", "--json"],
        input=ekman_file.read_bytes(),
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout) == json.loads(RUNNER.invoke(app, ["eval", str(ekman_file), "--json"]).stdout)


@pytest.mark.parametrize(
    "option", [["--fast"], ["--as", "negotiator"], ["--context", "earlier.txt"], ["--at", "2026-11-27T20:00Z"]]
)
def test_analyze_refuses_options_of_one_utterance_with_an_incident_rather_than_drop_them(option: list[str]) -> None:
    # They were ignored without a word: `--incident ID --fast` on an old laptop still loaded every model, and
    # --context, --as and --at changed nothing the user saw.
    result = RUNNER.invoke(app, ["analyze", "--incident", "7f3c", *option])
    assert isinstance(result.exception, TalkdownError)
    assert (result.exception.code, result.exception.fields["value"]) == ("TD105", option[0])


def test_eval_table_says_a_family_of_only_right_negatives_was_all_right_not_an_empty_table(tmp_path: Path) -> None:
    # Its macro-F1 is 0.0 by the contract (no label to average); the table showed "macro-F1 0.000" over an empty
    # table, which reads as a failure of the analyser.
    turn = {"idx": 0, "speaker": "s", "role": "subject", "text": "The parking lot is behind the building.",
            "labels": {"talkdown_cue": []}}  # fmt: skip
    path = tmp_path / "negatives.jsonl"
    path.write_text(json.dumps({"id": "n", "source": "t", "split": "dev", "meta": {}, "turns": [turn]}) + "\n")
    result = RUNNER.invoke(app, ["eval", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "talkdown_cue: n=1  macro-F1 0.000: only labelled negatives and no label predicted" in result.stdout
    assert "┏" not in result.stdout  # no empty table under it
