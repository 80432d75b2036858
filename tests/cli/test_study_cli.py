"""``talkdown study ...`` and ``talkdown cases ...`` through Typer, on a local app holding only these sub-apps.

Texts are written for these tests. The exit code of ``study analyze`` says whether some files failed.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from talkdown.cli import cases, study
from talkdown.cli.state import STATE
from tests.cli.in_process import talkdown

pytestmark = pytest.mark.integration

app = typer.Typer()
app.add_typer(study.app, name="study")
app.add_typer(cases.app, name="cases")
RUNNER = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TALKDOWN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TALKDOWN_DATABASE_URL", raising=False)
    STATE.reset()
    yield tmp_path / "data"
    STATE.reset()


def _conversation(cid: str) -> str:
    turns = [
        {"idx": 0, "speaker": "neg", "role": "negotiator", "text": "What happened tonight?", "labels": {}},
        {"idx": 1, "speaker": "sub", "role": "subject", "text": "If you come in I will shoot.", "labels": {}},
    ]
    return json.dumps({"id": cid, "source": "t", "split": "dev", "meta": {}, "turns": turns})


def test_analyze_exits_3_when_a_file_failed_and_report_escapes_what_the_data_says(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.jsonl").write_text(_conversation("<script>alert(1)</script>") + "\n", encoding="utf-8")
    (tmp_path / "in" / "bad.jsonl").write_text("{nope\n", encoding="utf-8")
    out = tmp_path / "r.parquet"
    result = RUNNER.invoke(app, ["study", "analyze", str(tmp_path / "in"), "--out", str(out), "-w", "1", "--json"])
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    assert doc["utterances"] == 2 and doc["failures"][0]["code"] == "TD101"
    shown = RUNNER.invoke(app, ["study", "analyze", str(tmp_path / "in"), "--out", str(tmp_path / "o.parquet")])
    said = " ".join(shown.stderr.split())
    assert shown.exit_code == 3 and "Fix the skipped files, then run the same command with --resume" in said
    html_path = tmp_path / "report.html"
    result = RUNNER.invoke(app, ["study", "report", str(out), "--out", str(html_path)])
    assert result.exit_code == 0, result.output
    page = html_path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page and "open_question" in page


def test_the_third_of_five_files_failing_on_line_7_is_named_first_the_rest_analysed_and_the_exit_3(
    tmp_path: Path,
) -> None:
    # What a user sees when one input of five has a malformed line 7: the file and its line, first on stderr (a
    # progress bar's empty line came before it), the line alone named (json's "line 1 column 2 (char 1)" too),
    # the other four analysed and written, --json saying the same, the exit code 3, and --resume once it is fixed.
    names = ["a", "b", "bad", "d", "e"]
    for name in names:
        lines = [_conversation(f"{name}-{n}") for n in range(10)]
        if name == "bad":
            lines[6] = "{oops" + lines[6][1:]
        (tmp_path / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = [str(tmp_path / f"{name}.jsonl") for name in names]
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    out = tmp_path / "x.parquet"
    bad = tmp_path / "bad.jsonl"
    said = f"{bad} line 7: not valid JSON (Expecting property name enclosed in double quotes, column 2)"
    shown = talkdown("study", "analyze", *files, "--out", str(out), "-w", "1", "--fast", env=env)
    assert shown.returncode == 3
    first, done, advice = shown.stderr.splitlines()  # one line each, however long the paths
    assert first.startswith(f"skipped[TD101]: {said}. Fix the line"), shown.stderr
    both = f"{out} and {tmp_path / 'x.conversations.parquet'}"
    assert done == f"done: 80 utterances, 40 conversations from 4 of 5 files -> {both}", shown.stderr
    assert advice.startswith("Fix the skipped files, then run the same command with --resume")
    rows = pd.read_parquet(out)
    assert sorted({Path(f).stem for f in rows.file}) == ["a", "b", "d", "e"] and len(rows) == 80
    as_json = talkdown("study", "analyze", *files, "--out", str(tmp_path / "y.parquet"), "-w", "1", "--fast", "--json",
                       env=env)  # fmt: skip
    assert as_json.returncode == 3 and as_json.stderr == ""
    doc = json.loads(as_json.stdout)
    assert (doc["files"], doc["files_done"], doc["utterances"], doc["interrupted"]) == (5, 4, 80, False)
    [failure] = doc["failures"]
    assert failure["file"] == str(bad) and failure["code"] == "TD101" and failure["line"] == 7
    assert failure["message"] == first.removeprefix("skipped[TD101]: ")
    bad.write_text("\n".join(_conversation(f"bad-{n}") for n in range(10)) + "\n", encoding="utf-8")
    resumed = talkdown("study", "analyze", *files, "--out", str(out), "-w", "1", "--fast", "--resume", env=env)
    assert resumed.returncode == 0 and resumed.stderr.startswith("done: 100 utterances, 50 conversations from 5 of 5")


def test_json_gives_each_failure_its_file_line_and_code_as_fields_not_only_inside_the_message(tmp_path: Path) -> None:
    # A script reading --json had the line only inside the message ("... bad.jsonl line 2: not valid JSON ..."), so it
    # parsed prose, where 'talkdown eval --json' on the same file gives "line": 2. Three ways a file fails: a line that
    # is not JSON (found by the client while counting), a line that is JSON but not a conversation (found by the
    # worker), and a whole file that cannot be read (no line: null).
    good, inputs = _conversation("ok"), tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-not-json.jsonl").write_text(f"{good}\n{{oops\n{good}\n", encoding="utf-8")
    missing = json.dumps({"id": "x", "turns": []})
    (inputs / "b-not-a-conversation.jsonl").write_text(f"{good}\n{good}\n{missing}\n", encoding="utf-8")
    (inputs / "c-latin1.txt").write_bytes("NEG: José, can you hear me?\n".encode("cp1252"))
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    ran = talkdown("study", "analyze", str(inputs), "--out", str(tmp_path / "r.parquet"), "-w", "1", "--fast",
                   "--json", env=env)  # fmt: skip
    assert ran.returncode == 3 and ran.stderr == ""
    not_json, not_conversation, latin1 = json.loads(ran.stdout)["failures"]
    assert {key: not_json[key] for key in ("file", "line", "code")} == {
        "file": str(inputs / "a-not-json.jsonl"),
        "line": 2,
        "code": "TD101",
    }
    assert not_json["message"].startswith(f"{inputs / 'a-not-json.jsonl'} line 2: not valid JSON")  # as it was
    assert not_json["problem"].startswith("not valid JSON")  # the error's other fields, as in its error JSON
    assert (not_conversation["line"], not_conversation["code"]) == (3, "TD101")
    assert "exactly the keys" in not_conversation["problem"]
    assert (latin1["file"], latin1["line"], latin1["code"]) == (str(inputs / "c-latin1.txt"), None, "TD103")
    assert latin1["guess"] in latin1["message"]
    assert list(not_json)[:4] == list(latin1)[:4] == ["file", "line", "code", "message"]


def test_the_progress_bar_names_the_elapsed_time_and_the_time_left_each_after_its_own_figure() -> None:
    # It drew "0:00:02 left 0:00:00": the elapsed time stood before "left", the estimate after it.
    with study._RichProgress(Console(file=io.StringIO(), force_terminal=True), enabled=True) as progress:
        progress.start(3000)
        progress.advance(1000)
        shown = Console(file=io.StringIO(), width=120, record=True)
        shown.print(progress._bar.make_tasks_table(progress._bar.tasks))
    line = shown.export_text().strip()
    assert re.search(r"1000/3000 .* \d:\d\d:\d\d elapsed, (?:\d:\d\d:\d\d|-:--:--) left$", line), line


def test_analyze_exits_0_when_everything_was_analysed(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(_conversation("a") + "\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(tmp_path / "r.parquet"), "-w", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.conversations.parquet").is_file()


def test_report_on_a_file_that_is_not_results_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.parquet"
    path.write_text("hello", encoding="utf-8")
    result = RUNNER.invoke(app, ["study", "report", str(path)])
    assert getattr(result.exception, "code", None) == "TD123"


@pytest.mark.parametrize(("given", "why"), [("calls.jsonl", "No such file"), ("in/night.txt", "No such file"),
                                            ("in", "Is a directory")])  # fmt: skip
def test_export_convokit_of_a_file_that_cannot_be_read_is_td107_not_no_such_incident(
    tmp_path: Path, given: str, why: str
) -> None:
    # A mistyped file name was looked up as an incident: "TD201 No incident 'calls.jsonl'".
    (tmp_path / "in").mkdir()
    result = RUNNER.invoke(app, ["study", "export-convokit", str(tmp_path / given), str(tmp_path / "ck")])
    assert getattr(result.exception, "code", None) == "TD107" and why in str(result.exception)


def test_export_convokit_from_a_file_prints_counts(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(_conversation("a") + "\n" + _conversation("b") + "\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["study", "export-convokit", str(path), str(tmp_path / "ck"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["conversations"] == 2
    result = RUNNER.invoke(
        app, ["study", "import-convokit", str(tmp_path / "ck"), "--jsonl", str(tmp_path / "b.jsonl")]
    )
    assert result.exit_code == 0 and len((tmp_path / "b.jsonl").read_text().splitlines()) == 2


def test_export_convokit_into_a_folder_that_is_not_empty_is_refused_unless_forced(tmp_path: Path) -> None:
    # A second export into the folder of the first replaced that corpus without a word: the earlier study was lost.
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(_conversation("a") + "\n" + _conversation("b") + "\n", encoding="utf-8")
    second.write_text(_conversation("c") + "\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    assert RUNNER.invoke(app, ["study", "export-convokit", str(first), str(tmp_path / "empty")]).exit_code == 0
    ck = tmp_path / "ck"
    assert RUNNER.invoke(app, ["study", "export-convokit", str(first), str(ck)]).exit_code == 0
    earlier = (ck / "utterances.jsonl").read_bytes()
    refused = RUNNER.invoke(app, ["study", "export-convokit", str(second), str(ck)])
    assert getattr(refused.exception, "code", None) == "TD110", refused.output
    said = str(refused.exception)
    assert str(ck) in said and "utterances.jsonl" in said and "--force" in said
    assert (ck / "utterances.jsonl").read_bytes() == earlier
    forced = RUNNER.invoke(app, ["study", "export-convokit", str(second), str(ck), "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["conversations"] == 1
    assert len((ck / "utterances.jsonl").read_text().splitlines()) == 2


def test_study_report_and_import_convokit_jsonl_never_replace_a_file_unless_forced(tmp_path: Path) -> None:
    # Both wrote over an existing file without a word, where export-convokit refused a folder that held files.
    path = tmp_path / "ok.jsonl"
    path.write_text(_conversation("a") + "\n", encoding="utf-8")
    results = tmp_path / "r.parquet"
    assert (
        RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(results), "-w", "1", "--fast"]).exit_code == 0
    )
    assert RUNNER.invoke(app, ["study", "export-convokit", str(path), str(tmp_path / "ck")]).exit_code == 0
    commands = {
        "report.html": ["study", "report", str(results), "--out"],
        "back.jsonl": ["study", "import-convokit", str(tmp_path / "ck"), "--jsonl"],
    }
    for name, command in commands.items():
        out = tmp_path / name
        out.write_text("an earlier file", encoding="utf-8")
        refused = RUNNER.invoke(app, [*command, str(out)])
        assert getattr(refused.exception, "code", None) == "TD110", (name, refused.output)
        assert "add --force to replace it" in str(refused.exception)
        assert out.read_text(encoding="utf-8") == "an earlier file"
        forced = RUNNER.invoke(app, [*command, str(out), "--force"])
        assert forced.exit_code == 0, (name, forced.output)
        assert out.read_text(encoding="utf-8") != "an earlier file"


def test_the_study_summaries_say_one_conversation_not_one_conversations(tmp_path: Path) -> None:
    # "ck: 1 conversations, 2 utterances", "done: 2 utterances, 1 conversations from 1 of 1 files".
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(_conversation("a") + "\n", encoding="utf-8")
    two.write_text(_conversation("a") + "\n" + _conversation("b") + "\n", encoding="utf-8")
    said = [RUNNER.invoke(app, ["study", "export-convokit", str(f), str(tmp_path / f.stem)]).stdout for f in (one, two)]
    assert said == [
        f"{tmp_path / 'one'}: 1 conversation, 2 utterances\n",
        f"{tmp_path / 'two'}: 2 conversations, 4 utterances\n",
    ]
    done = RUNNER.invoke(app, ["study", "analyze", str(one), "--out", str(tmp_path / "r.parquet"), "-w", "1", "--fast"])
    assert " ".join(done.stderr.split()).startswith("done: 2 utterances, 1 conversation from 1 of 1 file -> ")


def test_cases_like_describe_json_lists_neighbours_with_reasons_outcome_and_lessons() -> None:
    result = RUNNER.invoke(
        app, ["cases", "like", "--describe", "prison riot, inmates hold two guards hostage", "-k", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["situation"]["incident_type"] == "prison"
    first = doc["neighbours"][0]
    assert first["matches"][0]["feature"] == "type" and first["lessons"] and "outcome" in first


def test_cases_import_then_show_marks_the_agency_origin(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text("- id: county-2020\n  name: County barricade\n  type: barricade\n", encoding="utf-8")
    assert RUNNER.invoke(app, ["cases", "import", str(path)]).exit_code == 0
    shown = json.loads(RUNNER.invoke(app, ["cases", "show", "county-2020", "--json"]).stdout)
    assert shown["origin"] == "user" and shown["type"] == "barricade"
    listed = json.loads(RUNNER.invoke(app, ["cases", "list", "--type", "barricade", "--json"]).stdout)
    assert "county-2020" in [c["id"] for c in listed] and "waco-1993" in [c["id"] for c in listed]


def test_cases_import_of_another_file_with_the_same_name_says_which_cases_it_removed(tmp_path: Path) -> None:
    # Two regions' files, both cases.yaml: the second replaced the first with only "imported 1 case(s)" said,
    # and the north's case was gone from the library without a word.
    for region, case in (("north", "north-2019"), ("south", "south-2021")):
        (tmp_path / region).mkdir()
        (tmp_path / region / "cases.yaml").write_text(f"- {{id: {case}, name: X, type: prison}}\n", encoding="utf-8")
    assert RUNNER.invoke(app, ["cases", "import", str(tmp_path / "north" / "cases.yaml")]).exit_code == 0
    south = RUNNER.invoke(app, ["cases", "import", str(tmp_path / "south" / "cases.yaml")], env={"COLUMNS": "200"})
    assert south.exit_code == 0, south.output
    assert "replaced the earlier cases.yaml" in south.stdout and "north-2019" in south.stdout
    again = RUNNER.invoke(app, ["cases", "import", str(tmp_path / "south" / "cases.yaml"), "--json"])
    assert json.loads(again.stdout) == {"imported": ["south-2021"], "removed": []}


def test_cases_import_counts_one_case_and_several_in_words_not_case_s(tmp_path: Path) -> None:
    # "imported 1 case(s)", "1 of its case(s) are no longer in your library": one case is one case.
    def cases(*ids: str) -> str:
        return "".join(f"- {{id: {case}, name: X, type: prison}}\n" for case in ids)

    for region, ids in (("east", ("east-1", "east-2")), ("west", ("west-1",)), ("north", ("north-1", "north-2"))):
        (tmp_path / region).mkdir()
        (tmp_path / region / "cases.yaml").write_text(cases(*ids), encoding="utf-8")
    said = [
        " ".join(RUNNER.invoke(app, ["cases", "import", str(tmp_path / region / "cases.yaml")]).stdout.split())
        for region in ("east", "west", "north")
    ]
    assert said[0] == "imported 2 cases: east-1, east-2"
    assert said[1] == (
        "imported 1 case: west-1 replaced the earlier cases.yaml: 2 of its cases are no longer in your library: "
        "east-1, east-2"
    )
    assert said[2].endswith("1 of its cases is no longer in your library: west-1")


def test_cases_search_finds_by_place() -> None:
    result = RUNNER.invoke(app, ["cases", "search", "Stockholm", "--json"])
    assert [c["id"] for c in json.loads(result.stdout)] == ["norrmalmstorg-1973"]


def test_analyze_fast_runs_the_rules_alone_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(_conversation("a") + "\n", encoding="utf-8")
    out = tmp_path / "r.parquet"
    result = RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(out), "-w", "1", "--fast", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["fast"] is True and doc["utterances"] == 2


def test_case_text_with_square_brackets_prints_as_written_in_every_cases_command(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(
        "- id: elm-2024\n  name: 'Elm [/] St'\n  type: barricade\n  hostages: 1\n"
        "  place: {country: US, city: '[red]Springfield', site: null}\n"
        "  demands: ['a car [now]']\n  lessons: ['Keep [b]talking']\n",
        encoding="utf-8",
    )
    assert RUNNER.invoke(app, ["cases", "import", str(path)]).exit_code == 0
    shown = RUNNER.invoke(app, ["cases", "show", "elm-2024"])
    assert shown.exit_code == 0, shown.output
    assert "Elm [/] St" in shown.stdout and "[red]Springfield" in shown.stdout and "Keep [b]talking" in shown.stdout
    listed = RUNNER.invoke(app, ["cases", "list", "--type", "barricade"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "Elm [/] St [agency]" in listed.stdout  # the agency marker, which Rich used to swallow as a tag
    like = RUNNER.invoke(app, ["cases", "like", "--describe", "barricade, one hostage, wants a car", "-k", "50"])
    assert like.exit_code == 0, like.output
    assert "Elm [/] St" in like.stdout and "lesson: Keep [b]talking" in like.stdout
    searched = RUNNER.invoke(app, ["cases", "search", "[/] Elm"])
    assert searched.exit_code == 0, searched.output
    assert "Cases matching '[/] Elm' (1)" in searched.stdout


def test_an_output_path_the_os_refuses_is_td124_in_every_study_command(tmp_path: Path) -> None:
    # A file where a folder should be refuses a write for root too. Each of these was "internal error".
    transcript = tmp_path / "ok.jsonl"
    transcript.write_text(_conversation("a") + "\n", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    results = tmp_path / "r.parquet"
    assert RUNNER.invoke(app, ["study", "analyze", str(transcript), "--out", str(results), "-w", "1"]).exit_code == 0
    RUNNER.invoke(app, ["study", "export-convokit", str(transcript), str(tmp_path / "ck")])
    commands = [
        ["study", "analyze", str(transcript), "--out", str(blocker / "r.parquet"), "-w", "1"],
        ["study", "report", str(results), "--out", str(blocker / "report.html")],
        ["study", "export-convokit", str(transcript), str(blocker / "ck")],
        ["study", "import-convokit", str(tmp_path / "ck"), "--jsonl", str(blocker / "b.jsonl")],
    ]
    for args in commands:
        result = RUNNER.invoke(app, args)
        assert getattr(result.exception, "code", None) == "TD110", (args, result.exception)
    assert not (tmp_path / "a-file" / "r.parquet.parts").exists()


def test_analyze_to_a_folder_says_it_is_a_folder_not_that_it_holds_results(tmp_path: Path) -> None:
    transcript = tmp_path / "ok.jsonl"
    transcript.write_text(_conversation("a") + "\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    result = RUNNER.invoke(app, ["study", "analyze", str(transcript), "--out", str(tmp_path / "out"), "-w", "1"])
    assert getattr(result.exception, "code", None) == "TD110"  # was TD322 "already holds study results"
    assert "it is a folder" in str(result.exception)


def test_the_encoding_td103_advises_is_an_option_of_analyze(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("NEG: José, can you hear me?\nSUBJECT: Leave me alone.\n".encode("cp1252"))
    out = tmp_path / "r.parquet"
    first = RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(out), "-w", "1", "--json"])
    [failure] = json.loads(first.stdout)["failures"]
    assert failure["code"] == "TD103" and "--encoding" in failure["message"]
    utf8 = tmp_path / "new.txt"
    utf8.write_text("NEG: Renée is here.\n", encoding="utf-8")
    # The advice, taken with --resume as the summary says: the option did not exist ("No such option: --encoding").
    again = ["study", "analyze", str(path), "--out", str(out), "-w", "1", "--resume", "--encoding", "cp1252"]
    result = RUNNER.invoke(app, again)
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out).text.tolist()[0] == "José, can you hear me?"
    # A mixed corpus: UTF-8 files stay UTF-8 (read as cp1252, "é" would become "Ã©").
    both = ["study", "analyze", str(path), str(utf8), "--out", str(tmp_path / "r2.parquet"), "--encoding", "cp1252"]
    assert RUNNER.invoke(app, [*both, "-w", "1"]).exit_code == 0
    assert pd.read_parquet(tmp_path / "r2.parquet").text.tolist()[-1] == "Renée is here."
    bad = RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(tmp_path / "r3.parquet"), "--encoding", "x"])
    assert getattr(bad.exception, "code", None) == "TD105"


def test_report_on_the_csv_or_conversation_table_says_which_file_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(_conversation("a") + "\n", encoding="utf-8")
    RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(tmp_path / "r.csv"), "--csv", "-w", "1"])
    RUNNER.invoke(app, ["study", "analyze", str(path), "--out", str(tmp_path / "r.parquet"), "-w", "1"])
    csv = RUNNER.invoke(app, ["study", "report", str(tmp_path / "r.csv")])
    assert getattr(csv.exception, "code", None) == "TD123"
    assert "without --csv" in str(csv.exception)  # was "Parquet magic bytes not found in footer"
    table = RUNNER.invoke(app, ["study", "report", str(tmp_path / "r.conversations.parquet")])
    assert getattr(table.exception, "code", None) == "TD123"
    assert "give r.parquet" in str(table.exception)  # was "column 'turn' is missing"


def test_cases_show_gives_deaths_duration_and_concessions_as_the_library_records_them() -> None:
    # "Show one case in full" left out who died, how long it ran and what was conceded (the web page had some).
    result = RUNNER.invoke(app, ["cases", "show", "attica-1971"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "deaths: hostages 10, subjects 33, officers 0; others not stated. 43 dead in total" in result.stdout
    assert "duration: 97 h" in result.stdout and "channel: intermediary" in result.stdout
    assert "Concessions\n  - The state accepted most of the demands, but not full amnesty" in result.stdout


def test_cases_like_says_which_demands_it_read_not_just_the_sentence() -> None:
    # "demands" held the whole description, so --json did not show what was read from it.
    said = "bank robbery gone wrong, three hostages, wants a car and money"
    doc = json.loads(RUNNER.invoke(app, ["cases", "like", "--describe", said, "--json"]).stdout)
    assert doc["situation"]["demand_kinds"] == ["money", "transport"]
    shown = RUNNER.invoke(app, ["cases", "like", "--describe", said, "-k", "1"], env={"COLUMNS": "200"})
    assert "demands for money, transport" in shown.stdout.splitlines()[0]


def test_cases_like_says_when_no_case_in_the_library_is_of_the_type_it_read() -> None:
    said = "a man on a bridge threatening to jump, his wife left him"
    doc = json.loads(RUNNER.invoke(app, ["cases", "like", "--describe", said, "--json"]).stdout)
    assert doc["situation"]["incident_type"] == "suicide_intervention" and doc["type_missing"] == "suicide_intervention"
    shown = RUNNER.invoke(app, ["cases", "like", "--describe", said, "-k", "1"], env={"COLUMNS": "300"})
    assert "The library holds no suicide intervention case" in shown.stdout
    bank = RUNNER.invoke(app, ["cases", "like", "--describe", "bank robbery, three hostages", "--json"]).stdout
    assert json.loads(bank)["type_missing"] is None


def test_negotiator_and_subject_names_match_the_transcript_in_any_case(tmp_path: Path) -> None:
    # "--negotiator Dana" left the scribe's "DANA:" unknown (only an all-lower-case name was looked up both ways).
    path = tmp_path / "call.txt"
    path.write_text("DANA: Mark, are you hurt?\nMark: Stay back.\n", encoding="utf-8")
    out = tmp_path / "r.parquet"
    args = ["study", "analyze", str(path), "--out", str(out), "-w", "1", "--fast", "--negotiator", "Dana"]
    result = RUNNER.invoke(app, [*args, "--subject", "MARK"])
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out).side.tolist() == ["negotiator", "subject"]


@pytest.mark.parametrize(("negotiator", "subject"), [("Sam", "Sam"), ("Sam", " SAM")])
def test_a_name_given_both_sides_is_refused_not_silently_one_of_them(
    tmp_path: Path, negotiator: str, subject: str
) -> None:
    # One side won without a word, so the study looked complete with one speaker's turns scored as the other's.
    path = tmp_path / "call.txt"
    path.write_text("Sam: Are you hurt?\nMark: Stay back.\n", encoding="utf-8")
    out = tmp_path / "r.parquet"
    args = ["study", "analyze", str(path), "--out", str(out), "-w", "1", "--fast", "--negotiator", negotiator]
    result = RUNNER.invoke(app, [*args, "--subject", subject])
    assert getattr(result.exception, "code", None) == "TD105" and "one side" in str(result.exception)
    assert not out.exists() and not (tmp_path / "r.parquet.parts").exists()


def test_cases_like_says_how_strongly_each_reason_matches_as_json_does() -> None:
    # "because: ... hostages held: 12 (query 3)" read as a match while --json gave that feature 0.5: every reason
    # now carries its similarity and "full" or "partial", the same numbers as --json.
    said = ["cases", "like", "--describe", "bank robbery gone wrong, three hostages, wants a car and money", "-k", "3"]
    doc = json.loads(RUNNER.invoke(app, [*said, "--json"]).stdout)
    shown = RUNNER.invoke(app, said, env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    lines = [line.strip() for line in shown.stdout.splitlines()]
    brooklyn = next(n for n in doc["neighbours"] if n["case_id"] == "brooklyn-1973")
    hostages = next(m for m in brooklyn["matches"] if m["feature"] == "hostages")
    assert (hostages["similarity"], hostages["reason"]) == (0.5, "hostages held: 12 (query 3)")
    assert "0.50 partial  hostages held: 12 (query 3)" in lines
    for n in doc["neighbours"]:
        for m in n["matches"]:
            strength = "full" if m["similarity"] == 1 else "partial"
            said_so = f"{m['similarity']:.2f} {strength:<7}  {m['reason']}"
            assert any(line.startswith(said_so) for line in lines), (n["case_id"], m)


def test_cases_like_and_show_mark_an_agency_case_in_the_text_output(tmp_path: Path, data_dir: Path) -> None:
    # Only the list table and --json said "agency": like and show printed an imported case exactly as a shipped
    # historical one, so a team could not tell its own write-up from the library's.
    path = tmp_path / "ours.yaml"
    path.write_text(
        "- id: county-2020\n  name: County bank siege\n  type: criminal_interrupted\n  type_tags: [hostage]\n"
        "  hostages: 3\n  demands: ['A car', 'Money']\n",
        encoding="utf-8",
    )
    assert RUNNER.invoke(app, ["cases", "import", str(path)]).exit_code == 0
    said = ["cases", "like", "--describe", "bank robbery gone wrong, three hostages, wants a car and money"]
    like = RUNNER.invoke(app, [*said, "-k", "3"], env={"COLUMNS": "200"})
    assert like.exit_code == 0, like.output
    assert "County bank siege (county-2020) [agency] similarity" in like.stdout
    assert "(norrmalmstorg-1973) similarity" in like.stdout  # a shipped case carries no marker
    shown = RUNNER.invoke(app, ["cases", "show", "county-2020"], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "County bank siege (county-2020, year unknown) [agency]" in shown.stdout
    assert f"agency case, imported from {data_dir / 'cases' / 'ours.yaml'}" in shown.stdout
    shipped = RUNNER.invoke(app, ["cases", "show", "norrmalmstorg-1973"], env={"COLUMNS": "300"})
    assert "agency" not in shipped.stdout


def test_cases_like_and_show_say_when_a_reason_or_the_outcome_rests_on_doubtful_sources() -> None:
    # cases.yaml lists under "uncertain" what its sources leave in doubt (a hostage range is stored as its lower
    # bound), but like gave "hostages held: 50 (query 50)" and "outcome: escape" as plain facts; only show's last
    # line said so, far from the figures.
    said = ["cases", "like", "--describe", "train hijacked by a group, fifty passengers held", "-k", "1"]
    doc = json.loads(RUNNER.invoke(app, [*said, "--json"]).stdout)
    wijster = doc["neighbours"][0]
    assert wijster["case_id"] == "wijster-train-1975"
    assert {m["feature"]: m["uncertain"] for m in wijster["matches"]}["hostages"] is True
    assert {m["feature"]: m["uncertain"] for m in wijster["matches"]}["type"] is False
    shown = RUNNER.invoke(app, said, env={"COLUMNS": "200"})
    lines = [line.strip() for line in shown.stdout.splitlines()]
    assert "1.00 full     hostages held: 50 (query 50)  (uncertain in the sources)" in lines
    assert "1.00 full     same type: hijacking" in lines
    kidnap = ["cases", "like", "--describe", "kidnapped for ransom by a terrorist group, one hostage", "-k", "1"]
    shown = RUNNER.invoke(app, kidnap, env={"COLUMNS": "200"})
    assert "(schilling-kidnapping-2000)" in shown.stdout
    assert "outcome: escape (uncertain in the sources). Freed or escaped" in shown.stdout
    case = RUNNER.invoke(app, ["cases", "show", "schilling-kidnapping-2000"], env={"COLUMNS": "200"})
    assert "outcome: escape (uncertain in the sources). Freed or escaped" in case.stdout
    sure = RUNNER.invoke(app, ["cases", "show", "getty-kidnapping-1973"], env={"COLUMNS": "200"})
    assert "outcome: negotiated release. Released alive" in sure.stdout


def test_cases_like_read_as_line_gives_every_feature_it_compared() -> None:
    # "Read as" left out the type tags, the duration and the channel that --json gives and the reasons compare:
    # "duration about 34 h" matched a 48 h the team never saw it read from "for two days".
    said = "man barricaded at home with his wife for two days, talking by phone, threatens suicide"
    doc = json.loads(RUNNER.invoke(app, ["cases", "like", "--describe", said, "--json"]).stdout)["situation"]
    assert (doc["duration_hours"], doc["channels"]) == (48.0, ["phone"])
    shown = RUNNER.invoke(app, ["cases", "like", "--describe", said, "-k", "1"], env={"COLUMNS": "300"})
    assert shown.stdout.splitlines()[0] == (
        "Read as: type domestic (also barricade, suicide intervention); typology domestic, suicidal; hostages ?; "
        "demands none read; duration 48 h; channel phone"
    )


def test_cases_like_read_as_line_says_hostages_are_held_when_their_number_is_not_given() -> None:
    # The README's "bank robbery, tellers held" read "hostages ?", as if nobody were held.
    shown = RUNNER.invoke(app, ["cases", "like", "--describe", "bank robbery, tellers held"], env={"COLUMNS": "300"})
    assert shown.stdout.splitlines()[0].startswith(
        "Read as: type criminal_interrupted (also hostage); typology criminal; hostages held, number ?; "
    )


def test_cases_list_and_search_mark_a_figure_the_sources_leave_in_doubt() -> None:
    # The table gave wijster's 50 hostages (the lower bound of a range) and schilling's "escape" ("freed or
    # escaped") as surely as getty's; cases.yaml lists them under "uncertain".
    listed = RUNNER.invoke(app, ["cases", "list", "--type", "kidnap_for_ransom"], env={"COLUMNS": "200"})
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in listed.stdout.splitlines() if line[:1] == "│"]
    rows = {row[0]: row for row in cells}
    assert rows["schilling-kidnapping-2000"][3:6] == ["1", "5400?", "escape?"]
    assert rows["getty-kidnapping-1973"][3:6] == ["1", "3800", "negotiated release"]
    assert "? after a value: uncertain in the sources" in listed.stdout
    searched = RUNNER.invoke(app, ["cases", "search", "Wijster"], env={"COLUMNS": "200"})
    assert "│ 50?      │ 288?  │" in searched.stdout
    sure = RUNNER.invoke(app, ["cases", "search", "Getty"], env={"COLUMNS": "200"})
    assert "uncertain in the sources" not in sure.stdout


def test_cases_like_says_the_neighbours_outcomes_are_a_famous_case_sample_not_a_forecast() -> None:
    # Only "cases list" carried the caveat; "like", where a team reads the neighbours' endings next to its own
    # incident, did not (19 of 41 library cases end in tactical resolution, against 65-72% surrenders in surveys).
    said = ["cases", "like", "--describe", "bank robbery gone wrong, three hostages, wants a car and money", "-k", "3"]
    shown = RUNNER.invoke(app, said, env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[-1] == (
        "A small, famous-case sample: most real incidents end in negotiated surrender. "
        "Similar cases illustrate; their outcomes do not predict this one's."
    )


def test_cases_like_with_no_query_says_what_to_give_not_not_both() -> None:
    # "cases like" alone was told "give an incident or --describe, not both", though it had given neither.
    neither = RUNNER.invoke(app, ["cases", "like"])
    assert getattr(neither.exception, "code", None) == "TD105"
    assert 'give an incident id, or --describe "what is happening"' in str(neither.exception)
    assert "not both" not in str(neither.exception)
    both = RUNNER.invoke(app, ["cases", "like", "4a5ad9", "--describe", "a barricade"])
    assert getattr(both.exception, "code", None) == "TD105"
    assert "'4a5ad9' is not a valid query: give an incident id or --describe, not both" in str(both.exception)


def test_cases_show_says_when_no_negotiation_took_place() -> None:
    # channel: [] means "no negotiation took place" (cases.yaml header), but show printed no channel line at all,
    # exactly as for a case whose channel was not recorded (null); a note replaced the channel instead of adding.
    amenas = RUNNER.invoke(app, ["cases", "show", "in-amenas-2013"], env={"COLUMNS": "200"})
    assert "channel: none: no negotiation took place" in amenas.stdout
    unrecorded = RUNNER.invoke(app, ["cases", "show", "munich-1972"], env={"COLUMNS": "200"})
    assert "channel:" not in unrecorded.stdout
    midland = RUNNER.invoke(app, ["cases", "show", "midland-city-2013"], env={"COLUMNS": "200"})
    assert "channel: other (Voice contact through a PVC ventilation pipe)" in midland.stdout


def test_cases_show_names_the_primary_type_before_its_tags() -> None:
    # "type hostage, mass_hostage, terrorist" (sorted together) hid which one is the case's type, the one the list
    # shows and "same type" in cases like compares.
    shown = RUNNER.invoke(app, ["cases", "show", "in-amenas-2013"], env={"COLUMNS": "200"})
    assert "type mass_hostage (also hostage, terrorist); hostages 800" in shown.stdout
    alone = RUNNER.invoke(app, ["cases", "show", "kiritsis-1977"], env={"COLUMNS": "200"})
    assert "type hostage; hostages 1" in alone.stdout


def test_cases_show_of_a_sparse_agency_case_says_what_is_not_stated(tmp_path: Path) -> None:
    # An agency case with only id, name and type printed an empty line for its place and a bare "Sources: ".
    path = tmp_path / "ours.yaml"
    path.write_text("- id: county-2020\n  name: County barricade\n  type: barricade\n", encoding="utf-8")
    assert RUNNER.invoke(app, ["cases", "import", str(path)]).exit_code == 0
    lines = RUNNER.invoke(app, ["cases", "show", "county-2020"], env={"COLUMNS": "300"}).stdout.splitlines()
    assert lines[2:4] == ["place not stated", "type barricade; hostages ?"]
    assert lines[-1] == "Sources: none given"


def test_cases_show_gives_the_dates_and_the_subjects_typology() -> None:
    # show left out the start and end dates and the subjects' typology, which "subject typology" in cases like
    # gives as a reason: a team could not check that reason against the case.
    shown = RUNNER.invoke(app, ["cases", "show", "norrmalmstorg-1973"], env={"COLUMNS": "200"})
    assert "dates: 1973-08-23 to 1973-08-28\n" in shown.stdout
    assert "subjects: 1; motive: Money and freedom; typology: criminal\n" in shown.stdout


def test_cases_show_marks_each_uncertain_figure_where_it_is_given() -> None:
    # Only the last line ("Uncertain in the sources: hostages") said that wijster's 50 is the lower bound of a
    # range; the figure itself, near the top, read as sure as any other.
    wijster = RUNNER.invoke(app, ["cases", "show", "wijster-train-1975"], env={"COLUMNS": "200"}).stdout
    assert "; hostages 50 (uncertain in the sources)\n" in wijster
    assert "duration: 288 h (uncertain in the sources)\n" in wijster
    schilling = RUNNER.invoke(app, ["cases", "show", "schilling-kidnapping-2000"], env={"COLUMNS": "200"}).stdout
    assert "dates: 2000-08-28 to 2001-04-12 (uncertain in the sources)\n" in schilling
    getty = RUNNER.invoke(app, ["cases", "show", "getty-kidnapping-1973"], env={"COLUMNS": "200"}).stdout
    assert "; hostages 1\n" in getty and "duration: 3800 h\n" in getty
    lauro = RUNNER.invoke(app, ["cases", "show", "achille-lauro-1985"], env={"COLUMNS": "200"}).stdout
    assert "; hostages ?\n" in lauro  # unknown, not "uncertain"


def test_cases_show_marks_uncertain_demands_concessions_and_key_events_at_their_heading() -> None:
    iran = RUNNER.invoke(app, ["cases", "show", "iran-hostage-crisis-1979"], env={"COLUMNS": "200"}).stdout
    assert "\nDemands (uncertain in the sources)\n" in iran and "\nConcessions (uncertain in the sources)\n" in iran
    assert "\nKey events\n" in iran and "\nLessons\n" in iran
    munich = RUNNER.invoke(app, ["cases", "show", "munich-1972"], env={"COLUMNS": "200"}).stdout
    assert "\nKey events (uncertain in the sources)\n" in munich
