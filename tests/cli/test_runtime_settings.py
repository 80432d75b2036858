"""The CLI hands the analysers their process settings (``TALKDOWN_EXTRA_MODELS``, ``TALKDOWN_ENCODER_THREADS``);
a wrong value is a one-line error naming the variable, never a traceback; study chunks carry the settings to
workers that never ran the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talkdown.analysis.runtime import Runtime, configure, current
from talkdown.cli.main import app
from talkdown.errors import TalkdownError
from talkdown.services._corpus_rows import Chunk, analyze_chunk, pipeline
from talkdown.services.formats import Transcript, TranscriptTurn
from tests.cli.in_process import talkdown

RUNNER = CliRunner()


@pytest.fixture(autouse=True)
def _restore_runtime() -> Iterator[None]:
    before = current()
    yield
    configure(before)


def test_the_cli_configures_the_analysers_from_the_environment(tmp_path: Path) -> None:
    env = {"TALKDOWN_EXTRA_MODELS": str(tmp_path), "TALKDOWN_ENCODER_THREADS": "1", "TALKDOWN_DATA_DIR": str(tmp_path)}
    result = RUNNER.invoke(app, ["analyze", "Put the gun down.", "--as", "negotiator", "--fast", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert current() == Runtime(extra_models=tmp_path, encoder_threads=1)
    assert current().threads() == 1


@pytest.mark.parametrize("value", ["0", "many"])
def test_a_wrong_thread_count_is_a_clear_error(tmp_path: Path, value: str) -> None:
    env = {"TALKDOWN_ENCODER_THREADS": value, "TALKDOWN_DATA_DIR": str(tmp_path)}
    result = RUNNER.invoke(app, ["analyze", "hello", "--as", "subject", "--fast"], env=env)
    assert isinstance(result.exception, TalkdownError)
    assert result.exception.code == "TD105"
    assert "TALKDOWN_ENCODER_THREADS" in result.exception.message and value in result.exception.message


def test_a_chunk_configures_the_worker_that_runs_it_and_its_pipeline_follows(tmp_path: Path) -> None:
    configure(Runtime())
    default = pipeline()
    turns = (TranscriptTurn(speaker="n", role="negotiator", text="What happened tonight?"),)
    chunk = Chunk("00000-000000", "x.jsonl", 0, (Transcript(turns=turns, external_id="c"),), ("talkdown_skill",),
                  runtime=Runtime(extra_models=tmp_path, encoder_threads=1))  # fmt: skip
    analyze_chunk(chunk)
    assert current() == chunk.runtime
    assert pipeline() is not default  # rebuilt: the extra-models folder is read when a pipeline is built


@pytest.mark.parametrize("value", ["", "user:" + "x" * 200])
def test_an_actor_no_log_can_hold_is_a_clear_error_before_anything_is_recorded(tmp_path: Path, value: str) -> None:
    """Every event carries the actor (1-200 characters); an empty TALKDOWN_ACTOR was an internal error at the
    first entry, after the incident had been looked up, instead of a line naming the variable."""
    env = {"TALKDOWN_ACTOR": value, "TALKDOWN_DATA_DIR": str(tmp_path)}
    result = RUNNER.invoke(app, ["incident", "new", "Elm St"], env=env)
    assert isinstance(result.exception, TalkdownError), result.output
    assert result.exception.code == "TD105" and "TALKDOWN_ACTOR" in result.exception.message
    assert not (tmp_path / "talkdown.db").exists()


@pytest.mark.parametrize("variable", ["TALKDOWN_DATA_DIR", "TALKDOWN_CHECKPOINT_DIR", "TALKDOWN_EXTRA_MODELS"])
def test_a_folder_variable_set_to_nothing_is_refused_instead_of_meaning_here(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `TALKDOWN_DATA_DIR=` read as Path(""): the database (or its checkpoints) went into whatever folder the
    # command was started from, and the next command, started elsewhere, found another, empty database.
    monkeypatch.chdir(tmp_path)
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None, variable: ""}
    ran = talkdown("init", env=env)
    assert ran.returncode == 3 and ran.stderr.startswith("error[TD105]"), ran.stderr
    assert variable in ran.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
