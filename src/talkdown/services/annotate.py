"""Analyse an incident's utterances and keep the results beside the log.

Why stored rather than recomputed on every view: the team and a later court see what the analysis said
at the time and with which analyser version; a new version adds its own rows beside the old ones. The
pipeline is built once per process (it loads models) and runs with ``on_error="record"``, so a failing
analyser leaves an ``analysis_failed`` record and the utterance, already committed, is untouched.

A failure record is not the line's last word: a model that could not run once (a file being copied in, memory
short) may run the next time, so ``talkdown analyze --incident`` and the console's worker analyse such a line
again (:func:`failed_lines`). Its rows stay (nothing is deleted); the analyser's new rows beside them say the retry
worked, and readers leave the failure out then (:func:`settled`). A retry that works but finds no label on the line
(most lines carry no cue) leaves a ``RETRIED_FAMILY`` row saying so, which readers never show (:func:`analyse_line`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import tzinfo

from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.pipeline import FAILED_FAMILY, Pipeline
from talkdown.analysis.registry import default_pipeline
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import Role
from talkdown.domain.state import IncidentState, Utterance
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App

WINDOW = 12
RETRIED_FAMILY = "analysis_retried"  # an analyser that failed on a line ran there again and gave no label
DONE_FAMILY = "analysis_done"  # the pipeline of ``pipeline_mark`` ran on the line (one row per line and pipeline)
PIPELINE = "pipeline"
_pipeline: Pipeline | None = None
_lock = threading.Lock()


def live_pipeline() -> Pipeline:
    global _pipeline  # one pipeline per process: models load once
    with _lock:
        if _pipeline is None:
            _pipeline = default_pipeline(on_error="record")
        return _pipeline


def side_of(state: IncidentState, utt: Utterance) -> Side:
    party = state.parties.get(utt.speaker)
    if party is None:
        return "unknown"
    if party.role.is_negotiator:
        return "negotiator"
    if party.role is Role.SUBJECT:
        return "subject"
    return "party" if party.role is not Role.UNKNOWN else "unknown"


def _turn(state: IncidentState, utt: Utterance) -> Turn:
    return Turn(text=utt.text, side=side_of(state, utt), at=utt.when, seq=utt.seq, speaker=utt.speaker)


def turns_of(state: IncidentState, zone: tzinfo | None) -> list[tuple[Turn, Context]]:
    """Each live (not retracted) utterance as the analysers see it, with a window of the turns before it.

    ``zone`` is the team's wall clock (``Settings.display_zone``: ``TALKDOWN_TIMEZONE``, else this computer's,
    ``None``). A clock time he says ("until nine") is read against the moment on that clock, as the boards show
    it and as a typed ``--at 9pm`` is read; against the UTC instant, "nine" was nine UTC.
    """
    turns: list[Turn] = []
    out: list[tuple[Turn, Context]] = []
    for utt in state.utterances:
        if utt.retracted:
            continue
        turn = _turn(state, utt)
        out.append((turn, Context(window=tuple(turns[-WINDOW:]), reference_time=utt.when.astimezone(zone))))
        turns.append(turn)
    return out


def basis(turn: Turn) -> str:
    """What a line's stored analysis was computed from: a digest of its side and text (``store/annotations.py``).

    A correction keeps the utterance's seq and changes its text; a role given to its speaker changes its side.
    Either gives a new basis, so the line is analysed again and its old rows stop being read as its analysis.
    """
    return hashlib.sha256(f"{turn.side}\x00{turn.text}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def bases(state: IncidentState, seqs: Collection[int] | None = None) -> dict[int, str]:
    """The current basis of every live utterance (or of those of ``seqs``), by seq."""
    return {
        utt.seq: basis(_turn(state, utt))
        for utt in state.utterances
        if not utt.retracted and (seqs is None or utt.seq in seqs)
    }


def current(found: dict[tuple[int, str], list[Annotation]], now: dict[int, str]) -> dict[int, list[Annotation]]:
    """Of the stored rows by (seq, basis), those of each line's current basis, by seq (failures retried since that
    worked left out, :func:`settled`)."""
    return {seq: settled(anns) for (seq, b), anns in found.items() if now.get(seq) == b}


def unsettled(anns: Collection[Annotation]) -> set[str]:
    """The analysers whose only rows on a line are failure records: the line's analysis is not complete."""
    failed = {a.analyzer for a in anns if a.family == FAILED_FAMILY}
    return failed - {a.analyzer for a in anns if a.family != FAILED_FAMILY} if failed else set()


def settled(anns: list[Annotation]) -> list[Annotation]:
    """A line's rows without the failure records of analysers that gave results on a later try, and without the
    ``RETRIED_FAMILY`` rows (no label of anyone's: they only settle a failure)."""
    if not any(a.family in (FAILED_FAMILY, RETRIED_FAMILY) for a in anns):
        return anns
    open_failures = unsettled(anns)
    return [
        a for a in anns if a.family != RETRIED_FAMILY and (a.family != FAILED_FAMILY or a.analyzer in open_failures)
    ]


def failed_lines(app: App, pipe: Pipeline, incident_id: str | None = None) -> dict[str, set[tuple[int, str]]]:
    """(seq, basis) of the lines where an analyser of ``pipe`` failed and has not since given a result, by incident
    (every incident when none is given): what a retry looks at."""
    return app.annotations.failed(versions(pipe), family=FAILED_FAMILY, incident_id=incident_id)


def unanalysed(
    app: App, state: IncidentState, pipe: Pipeline, *, retry: Collection[tuple[int, str]] = ()
) -> list[tuple[int, str, Turn, Context]]:
    """(seq, basis, turn, context) of each live line with no stored rows of these analysers on its current basis,
    and of the lines keyed (seq, basis) in ``retry`` (an analyser failed there): what the console's worker and
    ``annotate_incident`` analyse next. A retried line's rows that were already stored are stored again as
    no-ops (the table's key), so only what failed before adds rows."""
    done = app.annotations.analysed(state.incident_id, pipeline_mark(versions(pipe))) - set(retry)
    out = []
    for turn, ctx in turns_of(state, app.settings.display_zone):
        assert turn.seq is not None  # noqa: S101  # turns_of always sets it
        key = (turn.seq, basis(turn))
        if key not in done:
            out.append((*key, turn, ctx))
    return out


def versions(pipeline: Pipeline) -> dict[str, str]:
    return {info.name: info.version for info in pipeline.describe()}


def pipeline_mark(versions: Mapping[str, str]) -> dict[str, str]:
    """The key of a line's ``DONE_FAMILY`` row: ``{"pipeline": digest of every analyser's name and version}``.

    Why a row of its own: a line was taken as analysed when it held any row of the current versions, and an
    analyser that finds nothing stores none. After an upgrade that changed some analysers (cues, avoid, skills)
    and not others (change talk, stairway), every line already analysed kept its unchanged analysers' rows, so the
    changed ones never ran on it: the board and ``analyze --incident`` lost every cue, avoid and skill label of the
    incidents logged before. The mark names the whole pipeline, so a line is analysed again once per new pipeline.
    """
    names = ";".join(f"{name}={version}" for name, version in sorted(versions.items()))
    return {PIPELINE: hashlib.sha256(names.encode("utf-8")).hexdigest()[:16]}


def done_row(wanted: Mapping[str, str]) -> Annotation:
    """The ``DONE_FAMILY`` row that says the pipeline of these analyser versions ran on a line (:func:`pipeline_mark`).

    Why built once per batch and handed to :func:`analyse_line`: the versions and the mark are fixed for a pipeline,
    and building them for every line (each analyser's ``describe`` and a digest) cost ~60 µs a line.
    """
    ((name, mark),) = pipeline_mark(wanted).items()
    return Annotation(
        analyzer=name, analyzer_version=mark, family=DONE_FAMILY, label="done", score=0.0, low_confidence=True
    )


def analyse_line(
    pipe: Pipeline,
    key: tuple[int, str],
    turn: Turn,
    ctx: Context,
    retry: Collection[tuple[int, str]],
    *,
    wanted: Mapping[str, str],
    done: Annotation,
) -> tuple[Annotation, ...]:
    """The line's analysis with its ``DONE_FAMILY`` row ``done``; on a line retried (``key`` in ``retry``), with a
    ``RETRIED_FAMILY`` row for each analyser of ``wanted`` (``versions(pipe)``) that now ran and gave no label.

    Why: only a stored row of the analyser's own says its failure was retried (``AnnotationStore.failed``), and
    an analyser that works and finds nothing stores none. Without the row, such a line stayed "failed": the
    worker analysed it again every ten minutes for as long as the incident was LIVE, every ``talkdown analyze
    --incident`` again, and the board kept showing the failure and watching the line. ``wanted`` and ``done``
    come from the caller, once per batch (:func:`analyse_lines`).
    """
    found = (*pipe.run(turn, ctx), done)
    if key not in retry:
        return found
    gave = {a.analyzer for a in found}
    return found + tuple(
        Annotation(
            analyzer=analyzer,
            analyzer_version=version,
            family=RETRIED_FAMILY,
            label=analyzer,
            score=0.0,
            low_confidence=True,
        )
        for analyzer, version in wanted.items()
        if analyzer not in gave
    )


def analyse_lines(
    pipe: Pipeline,
    todo: Sequence[tuple[int, str, Turn, Context]],
    retry: Collection[tuple[int, str]],
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, str, tuple[Annotation, ...]]]:
    """:func:`analyse_line` for each of ``todo`` (as :func:`unanalysed` gives it), ready for ``annotations.add``;
    the pipeline's versions and its mark are read once for the batch, not once a line."""
    wanted = versions(pipe)
    done = done_row(wanted)
    batch: list[tuple[int, str, tuple[Annotation, ...]]] = []
    for index, (seq, read_as, turn, ctx) in enumerate(todo, start=1):
        batch.append((seq, read_as, analyse_line(pipe, (seq, read_as), turn, ctx, retry, wanted=wanted, done=done)))
        if progress is not None:
            progress(index, len(todo))
    return batch


def annotate_incident(
    app: App,
    ref: str,
    *,
    pipeline: Pipeline | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, list[Annotation]]:
    """Analyse the utterances not yet analysed by this pipeline's versions, and again those where one of its
    analysers failed (once per run: the user asked); return all current results."""
    incident_id = resolve_incident_id(app, ref)
    pipe = pipeline or live_pipeline()
    wanted = versions(pipe)
    state = app.recorder.current(incident_id)
    retry = failed_lines(app, pipe, incident_id).get(incident_id, set())
    todo = unanalysed(app, state, pipe, retry=retry)
    app.annotations.add(incident_id, analyse_lines(pipe, todo, retry, progress))
    return current(app.annotations.list(incident_id, wanted), bases(state))
