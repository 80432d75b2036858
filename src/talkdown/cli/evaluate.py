"""``talkdown eval`` and ``talkdown analyze``: the CLI edges of the evaluation contract and of one-off analysis.

Registered by ``cli/main.py`` (``app.command("eval")(eval_command)``, ``app.command("analyze")(analyze_command)``),
which also turns a ``TalkdownError`` into one red line and its exit code. Here: parse, call the service,
render. Machine output (``--json``) goes to stdout alone; progress and notes go to stderr, so
``talkdown eval f.jsonl --json > scores.json`` stays valid JSON.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from talkdown.cli.progress import stderr_bar
from talkdown.cli.state import STATE, iso_time, json_option, stdout_is_utf8
from talkdown.domain.clock import SystemClock
from talkdown.errors import TalkdownError
from talkdown.services.evaluate import (
    WINDOW,
    EvalReport,
    TextAnalysis,
    analyze_text,
    conversation_files,
    evaluate_files,
    read_context,
)

STDIN = Path("/dev/stdin")
"""What ``talkdown eval -`` reads: the services read files by path, and a pipe is read as one already."""


class AsSide(StrEnum):
    SUBJECT = "subject"
    NEGOTIATOR = "negotiator"
    PARTY = "party"


class _RichProgress:
    """The services ``Progress`` port drawn as a Rich bar on stderr (bytes of the input files scored so far)."""

    def __init__(self, console: Console) -> None:
        self._bar = stderr_bar(console, TextColumn("scoring"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
        self._task = self._bar.add_task("eval", total=None)

    def __enter__(self) -> _RichProgress:
        self._bar.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self._bar.stop()

    def start(self, total: int | None) -> None:
        self._bar.update(self._task, total=total)  # None (a pipe among the inputs): Rich's pulsing bar

    def advance(self, n: int) -> None:
        self._bar.advance(self._task, n)


def eval_command(
    files: list[Path] = typer.Argument(
        ...,
        help="Conversation JSONL files (the ../shared/data format; .jsonl.gz too), folders of them, quoted globs,"
        " or - for standard input.",
    ),
    json_out: bool = json_option("Print one JSON object on stdout instead of tables."),
    window: int = typer.Option(WINDOW, "--window", min=0, help="Earlier turns given to each turn as context."),
) -> None:
    """Score talkdown's labels against labelled conversation files: per family n, macro-F1 and per-label P/R/F1."""
    err = Console(stderr=True)
    # '-' as Unix tools read it (and `analyze -`): it was "-: cannot read it (No such file or directory)"
    files = [STDIN if str(f) == "-" else f for f in files]
    with _RichProgress(err) as progress:
        settings = STATE.settings()
        report = evaluate_files(
            conversation_files(files),
            progress=progress,
            window=window,
            max_unpacked_mb=settings.max_unpacked_mb,
            max_line_mb=settings.max_line_mb,
        )
    if report.skipped:
        # markup=False: the names come from the file, and one such as '[/]' raised MarkupError (an internal error)
        names = ", ".join(report.skipped)
        err.print(f"not scored (talkdown does not predict them): {names}", style="dim", markup=False, highlight=False)
    if not report.families:  # with --json the user saw only '{"families": {}}', exit 0, and no reason
        why = "the files hold no conversation" if not report.conversations else "no turn carries a family it scores"
        err.print(f"nothing was scored: {why}", style="yellow")
    if json_out:
        typer.echo(json.dumps(report.to_json(), sort_keys=False))
        return
    _render_report(report, Console())


def _render_report(report: EvalReport, out: Console) -> None:
    out.print(f"{report.conversations} conversations, {report.turns} turns")
    for family, fam in report.families.items():
        if not fam.labels:  # an empty table under "macro-F1 0.000" read as a failure, not as every turn right
            out.print(
                f"{family}: n={fam.n}  macro-F1 {fam.macro_f1:.3f}: only labelled negatives and no label predicted"
                " (every turn right; macro-F1 has no label to average)"
            )
            continue
        table = Table(title=f"{family}: n={fam.n}  macro-F1 {fam.macro_f1:.3f}", title_justify="left")
        for col in ("label", "precision", "recall", "F1", "support"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for label, s in fam.labels.items():
            table.add_row(label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
        out.print(table)


def analyze_command(
    text: str | None = typer.Argument(
        None, help="The utterance to analyse; - reads it from standard input (or use --incident)."
    ),
    as_: AsSide | None = typer.Option(None, "--as", help="Who said it (default: subject)."),
    context: Path | None = typer.Option(
        None,
        "--context",
        help="Earlier turns: a text file (one per line, optional 'subject:' prefix) or a conversation file"
        " (.jsonl/.ndjson, .gz too; its last conversation).",
    ),
    json_out: bool = json_option("Print one JSON object on stdout."),
    incident: str | None = typer.Option(None, "--incident", help="Annotate every utterance of an incident."),
    fast: bool = typer.Option(False, "--fast", help="Rules only: no learned models (very old laptops)."),
    at: str | None = typer.Option(
        None,
        "--at",
        help="When it was said, ISO 8601 with zone (default: now, in TALKDOWN_TIMEZONE or this computer's).",
    ),
) -> None:
    """Analyse one utterance: labels with their evidence highlighted, and which analysers and models ran.

    A deadline's clock time ("by six") is read against --at, so its absolute time (due_at) is in the output."""
    if incident is not None:
        if text is not None:  # the text was dropped unread: the user saw the incident's lines, not theirs
            raise TalkdownError(
                "TD105", value=text, what="utterance here", problem="give the text or --incident ID, not both"
            )
        # these describe one utterance: with --incident they were dropped without a word (--fast still loaded
        # every model; the stored results must be the full pipeline's anyway, keyed by analyser version)
        given = {"--as": as_ is not None, "--context": context is not None, "--fast": fast, "--at": at is not None}
        if dropped := [name for name, on in given.items() if on]:
            raise TalkdownError(
                "TD105",
                value=" ".join(dropped),
                what="option with --incident",
                problem="--as, --context, --fast and --at describe one utterance; an incident's lines carry their own"
                " speakers and times, and are analysed by the full pipeline",
            )
        _analyze_incident(incident, json_out=json_out)
        return
    if text is None:
        raise TalkdownError("TD105", value="", what="utterance", problem="give the text, or --incident ID")
    if text == "-":  # as Unix tools read it: `pbpaste | talkdown analyze -`; one utterance, however many lines
        from talkdown.services.formats.decoding import decode  # here: the formats are not a one-liner's cost

        text = decode(sys.stdin.buffer.read(), file="standard input").rstrip("\n")
    limits = STATE.settings()
    window = (
        read_context(context, max_unpacked_mb=limits.max_unpacked_mb, max_line_mb=limits.max_line_mb)
        if context is not None
        else ()
    )
    # on the team's wall clock (TALKDOWN_TIMEZONE, else this computer's): "6pm" as the user means it
    said = iso_time(at) if at is not None else SystemClock().now().astimezone(STATE.settings().display_zone)
    side = as_ or AsSide.SUBJECT
    result = analyze_text(text, side=side.value, window=window, fast=fast, at=said)
    if json_out:
        doc = {
            "text": text,
            "side": side.value,
            "annotations": [a.model_dump(mode="json") for a in result.annotations],
            "analyzers": [asdict(info) for info in result.analyzers],
        }
        _echo_json(doc)
        return
    _render_analysis(result, Console())


def _echo_json(doc: dict[str, Any]) -> None:
    """One JSON object on one line (``echo_json`` indents), escaped where stdout is not UTF-8 (``stdout_is_utf8``)."""
    typer.echo(json.dumps(doc, ensure_ascii=not stdout_is_utf8()))


def _render_analysis(result: TextAnalysis, out: Console) -> None:
    table = Table(title=f"{result.turn.side}: labels and evidence", title_justify="left")
    for col in ("family", "label", "score", "evidence"):
        table.add_column(col, justify="right" if col == "score" else "left")
    for ann in result.annotations:
        shown = Text(result.turn.text)
        for span in ann.evidence:
            shown.stylize("bold black on yellow", span.start, span.end)
        style = "red" if ann.family == "analysis_failed" else ""
        label = Text(ann.label + (" (low confidence)" if ann.low_confidence else ""), style=style)
        if details := _details(ann.detail):
            label.append("\n" + details, style="dim")
        table.add_row(ann.family, label, f"{ann.score:.2f}", shown if ann.evidence else Text("-"))
    if not result.annotations:
        table.add_row("-", "no labels", "", "")
    out.print(table)
    models = Table(title="analysers in use", title_justify="left")
    for col in ("analyser", "kind", "version", "models"):
        models.add_column(col)
    for info in result.analyzers:
        # Text, not markup: a model's place is the user's folder (TALKDOWN_EXTRA_MODELS), and '[x]' in it vanished
        # from the table while '[/]' ended the command with MarkupError
        models.add_row(info.name, info.kind, info.version, Text("\n".join(info.models) or "-"))
    out.print(models)


def _details(detail: dict[str, Any]) -> str:
    """What a label carries beyond its name ("item: a car", "due_at: …"), one per line, under the label: two demands
    in one line showed as two identical rows. Left out: a strategy's per-class probabilities (``p:…``, in --json),
    a doctrine id list that only repeats the id, and empty values."""
    shown = {
        k: v
        for k, v in detail.items()
        if not k.startswith("p:") and v not in (None, "", 0, False)
        and not (k == "doctrine_ids" and v == detail.get("doctrine_id"))
    }  # fmt: skip
    return "\n".join(f"{k}: {v}" for k, v in shown.items())


def _analyze_incident(ref: str, *, json_out: bool) -> None:
    """Annotate an incident's log (results stored beside it) and show each utterance with its labels."""
    from talkdown.cli.state import STATE
    from talkdown.services import annotate, incidents

    app = STATE.app()
    with stderr_bar(
        Console(stderr=True), TextColumn("analysing"), BarColumn(), TextColumn("{task.completed}/{task.total}")
    ) as bar:
        task = bar.add_task("analyse", total=None)
        results = annotate.annotate_incident(
            app, ref, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    state = incidents.get_incident(app, ref)
    infos = annotate.live_pipeline().describe()
    if json_out:
        doc = {
            "incident_id": state.incident_id,
            "utterances": [
                {
                    "seq": u.seq,
                    "speaker": state.parties[u.speaker].name if u.speaker in state.parties else u.speaker,
                    "text": u.text,
                    "annotations": [a.model_dump(mode="json") for a in results.get(u.seq, [])],
                }
                for u in state.utterances
            ],
            "analyzers": [asdict(info) for info in infos],
        }
        _echo_json(doc)
        return
    out = Console()
    table = Table(
        "seq", "speaker", "utterance (evidence highlighted)", "labels", title=Text(state.title), title_justify="left"
    )
    for u in state.utterances:
        found = [a for a in results.get(u.seq, []) if a.evidence and not a.low_confidence]
        shown = Text(u.text)
        for ann in found:
            for span in ann.evidence:
                shown.stylize("bold black on yellow", span.start, span.end)
        # A demand names its item ("talkdown_cue:demand (a car)"): a line may hold several. Text, not markup: the
        # item is the subject's words.
        labels = ", ".join(
            sorted({f"{a.family}:{a.label}" + (f" ({a.detail['item']})" if "item" in a.detail else "") for a in found})
        )
        speaker = state.parties[u.speaker].name if u.speaker in state.parties else u.speaker
        table.add_row(str(u.seq), Text(speaker), shown, Text(labels or "-"))
    out.print(table)
    out.print("analysers: " + ", ".join(f"{i.name} {i.version} ({i.kind})" for i in infos))
