"""``talkdown study analyze|report|export-convokit|import-convokit``: STUDY at the command line.

Exit codes of ``study analyze`` (docs/study.md): 0 every file analysed; 3 some files failed (each is
printed with its code, the rest were analysed and written); 130 interrupted (the output holds what was
finished; ``--resume`` continues). Progress and notes go to stderr so ``--json`` stays clean on stdout.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from talkdown.cli.progress import stderr_bar
from talkdown.cli.state import FORCE_OPTION, JSON_OPTION, STATE, echo_json
from talkdown.domain.enums import IncidentType
from talkdown.domain.text import counted
from talkdown.errors import TalkdownError
from talkdown.services import convokit_io

if TYPE_CHECKING:
    from talkdown.services.analyze_corpus import StudyRun


def _study_services() -> ModuleType:
    """The study services load pyarrow; imported on use so other commands start fast without the extra."""
    try:
        return importlib.import_module("talkdown.services.analyze_corpus")
    except ImportError as exc:
        raise TalkdownError("TD701", feature="Bulk analysis", extra="study") from exc


app = typer.Typer(no_args_is_help=True)
err = Console(stderr=True)
EXIT_SOME_FAILED = 3
EXIT_INTERRUPTED = 130


class _RichProgress:
    """The services ``Progress`` port as a Rich bar: utterances done, rate, time elapsed and time left. Each time
    is named after it: "0:00:02 left 0:00:00" (the elapsed time, then the word, then the estimate) read as two
    seconds left on a finished run."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self._bar = stderr_bar(
            console,
            TextColumn("analysing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("elapsed,"),
            TimeRemainingColumn(),
            TextColumn("left"),
            enabled=enabled,
        )
        self._task = self._bar.add_task("study", total=None, rate="")

    def __enter__(self) -> _RichProgress:
        self._bar.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self._bar.stop()

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)

    def advance(self, n: int) -> None:
        self._bar.advance(self._task, n)
        speed = self._bar.tasks[0].speed
        self._bar.update(self._task, rate=f"{speed:,.0f} utt/s" if speed else "")


def _speakers(negotiators: list[str], subjects: list[str]) -> dict[str, str]:
    """Each named speaker's side. A name on both sides (as the transcript matches names: case and surrounding
    spaces ignored) is TD105: one side silently won, so a pasted "--negotiator Sam --subject sam" scored the
    subject's turns as listening skills, or the negotiator's not at all, and the study looked complete."""
    sides = {n.strip().lower(): n for n in negotiators}
    both = next((s for s in subjects if s.strip().lower() in sides), None)
    if both is not None:
        problem = f"'{sides[both.strip().lower()]}' is named with --negotiator too; a speaker has one side"
        raise TalkdownError("TD105", value=both, what="--subject", problem=problem)
    return {**{n: "negotiator" for n in negotiators}, **{s: "subject" for s in subjects}}


@app.command("analyze")
def analyze(
    inputs: list[str] = typer.Argument(..., help="Transcript files, folders or quoted globs, in any import format."),
    out: Path = typer.Option(..., "--out", "-o", help="Per-utterance results (.parquet, or .csv with --csv)."),
    csv: bool = typer.Option(False, "--csv", help="Write CSV instead of Parquet (label lists become a|b cells)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted or partly failed run."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, help="Local processes (default: all cores)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786."),
    negotiator: list[str] = typer.Option([], "--negotiator", help="Speaker name on the negotiator side (repeat)."),
    subject: list[str] = typer.Option([], "--subject", help="Speaker name on the subject side (repeat)."),
    fast: bool = typer.Option(False, "--fast", help="Rules only: no learned models (old machines; much faster)."),
    encoding: str | None = typer.Option(None, "--encoding", help="Read non-UTF-8 inputs in this, e.g. cp1252."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Analyse every utterance of many transcripts; one row per utterance plus a per-conversation table."""
    with _RichProgress(err, enabled=not json_out) as progress:
        run = _study_services().analyze_corpus(
            inputs,
            out=out,
            csv=csv,
            resume=resume,
            workers=workers,
            scheduler=scheduler,
            speakers=_speakers(negotiator, subject),
            progress=progress,
            fast=fast,
            encoding=encoding,
            max_unpacked_mb=STATE.settings().max_unpacked_mb,
            max_line_mb=STATE.settings().max_line_mb,
        )
    if json_out:
        echo_json(_study_services().describe_run(run))
    else:
        _summarise(run)
    if run.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if run.failures:
        raise typer.Exit(EXIT_SOME_FAILED)


def _summarise(run: StudyRun) -> None:
    """The run on stderr, each sentence on one line (soft_wrap): wrapped at the console's width (80 columns when
    stderr is a file), the output's path was cut after "and " and a long one folded mid-name, in logs and in a
    terminal's copy alike."""
    for f in run.failures:
        err.print(f"[bold red]skipped[{f.code}]:[/] {escape(f.message)}", highlight=False, soft_wrap=True)
    state = "interrupted" if run.interrupted else "done"
    err.print(
        f"{state}: {counted(run.utterances, 'utterance')}, {counted(run.conversations, 'conversation')} from "
        f"{run.files_done} of {counted(run.files, 'file')} -> {escape(str(run.out))} and "
        f"{escape(str(run.conversations_out))}",
        highlight=False,
        soft_wrap=True,
    )
    if run.interrupted:
        err.print("Continue with the same command and --resume.", style="yellow", soft_wrap=True)
    elif run.failures:
        err.print("Fix the skipped files, then run the same command with --resume: only they are read again.",
                  style="yellow", soft_wrap=True)  # fmt: skip


@app.command("report")
def report(
    results: Path = typer.Argument(..., help="The .parquet file written by 'talkdown study analyze'."),
    out: Path = typer.Option(Path("study-report.html"), "--out", "-o", help="HTML file to write."),
    title: str = typer.Option("talkdown study report", "--title"),
    force: bool = FORCE_OPTION,
) -> None:
    """Write an HTML report: skill distribution, stairway timelines, cue rates per conversation."""
    _study_services()
    from talkdown.services.study_report import study_report

    data = study_report(results, out=out, title=title, force=force)
    typer.echo(f"{out} ({counted(data.utterances, 'utterance')}, {counted(data.conversations, 'conversation')})")


@app.command("export-convokit")
def export_convokit(
    source: str = typer.Argument(..., help="An incident id (or prefix), or a transcript file."),
    out_dir: Path = typer.Argument(..., help="Folder to write the ConvoKit corpus into (new or empty)."),
    force: bool = typer.Option(False, "--force", help="Replace the corpus files in a folder that is not empty."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Write a ConvoKit corpus folder (load it with convokit.Corpus(filename=OUT_DIR))."""
    path = Path(source)
    if convokit_io.names_a_file(source):  # a missing or unreadable file is TD107, not "no such incident"
        summary = convokit_io.export_convokit(out_dir, file=path, force=force)
    else:
        summary = convokit_io.export_convokit(out_dir, incident=source, app=STATE.app(), force=force)
    _corpus_summary(summary, json_out)


@app.command("import-convokit")
def import_convokit(
    folder: Path = typer.Argument(..., help="A ConvoKit corpus folder (utterances.jsonl, speakers.json, ...)."),
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Write talkdown JSONL instead of creating incidents."),
    incident_type: IncidentType = typer.Option(IncidentType.BARRICADE, "--type", help="Type of the incidents."),
    force: bool = typer.Option(False, "--force", help="Replace a --jsonl file that already exists."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Read a ConvoKit corpus: as STUDY incidents (default) or as a JSONL file for 'study analyze'."""
    if force and jsonl is None:  # new incidents never replace anything: a --force here was meant for a file
        problem = "it replaces an existing --jsonl file, and without --jsonl the corpus becomes new incidents"
        raise TalkdownError("TD105", value="--force", what="option here", problem=problem)
    if jsonl is not None:
        _corpus_summary(convokit_io.convert_convokit(folder, jsonl, force=force), json_out)
        return
    ids = convokit_io.import_convokit(STATE.app(), folder, incident_type=incident_type)
    if json_out:
        echo_json({"incident_ids": ids})
    else:
        typer.echo("\n".join(ids))


def _corpus_summary(summary: convokit_io.CorpusSummary, json_out: bool) -> None:
    doc = {
        "path": str(summary.folder),
        "conversations": summary.conversations,
        "utterances": summary.utterances,
        "speakers": summary.speakers,
    }
    if json_out:
        echo_json(doc)
    else:
        typer.echo(
            f"{summary.folder}: {counted(summary.conversations, 'conversation')}, "
            f"{counted(summary.utterances, 'utterance')}"
        )
