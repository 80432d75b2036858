"""Use cases of the LIVE console: the scribe's fast entry, marking entries from a line, and the board's tail.

Why these sit together: the console needs three things no CLI command needs. The scribe logs a line and
wants its analysis at once (LIVE commits the utterance, then analyses, then stores the annotations in a
second transaction, CONVENTIONS §6; the console analyses in a worker process, ``analysis_worker.py``).
The scribe marks a demand, deadline or promise *from* a logged line, reusing what the analysers found
in it (the deadline time a cue parsed). And every open board tails the log by seq, which works across
processes because the store, not a process, is the source of truth.
"""

from __future__ import annotations

import copy
import logging
import threading
import traceback
import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType

from talkdown.analysis.cues import ledger_item
from talkdown.analysis.pipeline import Pipeline
from talkdown.doctrine.advisor import ADVISOR_VERSION, Advice
from talkdown.doctrine.metrics import Metric, MetricPoint, current_metrics, shown_metrics
from talkdown.doctrine.release_model import ReleaseEstimate, fitted
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import Channel, DemandCategory, Role
from talkdown.domain.events import NOT_ENTRIES
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState, evolve
from talkdown.errors import TalkdownError
from talkdown.services.annotate import (
    analyse_lines,
    bases,
    failed_lines,
    live_pipeline,
    pipeline_mark,
    settled,
    unanalysed,
    unsettled,
    versions,
)
from talkdown.services.derived import (
    AdviceList,
    advice_now,
    policy_in_force,
    record_policy_in_force,
    seqs_to_ask,
)
from talkdown.services.entries import make_promise, parse_duration, record_demand, say, set_deadline
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.recorder import is_simulated_session
from talkdown.services.wiring import App
from talkdown.store.annotations import AnnotationStore
from talkdown.store.events import EventStore

log = logging.getLogger(__name__)

CUE_FAMILY = "talkdown_cue"
STAIRWAY_FAMILY = "stairway"
STAIRWAY = ("active_listening", "empathy", "rapport", "influence", "behavioral_change")


class Mark(StrEnum):
    """What the scribe can turn a logged line into."""

    DEMAND = "demand"
    DEADLINE = "deadline"
    PROMISE = "promise"


@dataclass(frozen=True)
class Marked:
    mark: Mark
    entity_id: str
    seq: int


def events_after(app: App, incident_id: str, seq: int) -> list[Envelope]:
    """The events after ``seq``: what a board that has seen up to ``seq`` is missing."""
    return app.store.load(incident_id, after_seq=seq)


def head_seq(app: App, incident_id: str) -> int:
    return app.store.head_seq(incident_id)


@cache
def _current_versions() -> Mapping[str, str]:
    """The live pipeline's analyser versions: fixed per process, like the pipeline, and the key of every read."""
    return MappingProxyType(versions(live_pipeline()))


# Per annotation store (so per App and database), per incident: the stored annotations of lines seen analysed, by
# (seq, basis).
_stored: weakref.WeakKeyDictionary[AnnotationStore, dict[str, dict[tuple[int, str], list[Annotation]]]] = (
    weakref.WeakKeyDictionary()
)
_stored_lock = threading.Lock()


def annotations_of(app: App, incident_id: str, seqs: list[int] | None = None) -> dict[int, list[Annotation]]:
    """Stored annotations of the current analyser versions on each line's current words and side, by utterance seq
    (never recomputed here).

    Each line's annotations are read from the store once per process and basis: rows of one analyser version
    are never updated or deleted, and a line's rows are committed together, so once a line has any for its
    basis, they are final; a correction gives the line a new basis, and so new rows. Re-reading every
    annotation of the incident on each board refresh (twice a second while lines arrive) was one of the largest
    costs left in the serving process once analysis moved to the worker (issue #6). The one case this misses:
    two processes that both analysed a line, one with an analyser failing, may store complementary rows; the
    later ones appear after a restart. A line whose cached rows hold a failure not yet settled (an analyser failed
    there, and the worker retries it) is read again each time, so the retry's results show without a restart.
    """
    versions_now = _current_versions()
    with _folds_lock:  # each line's current basis: a correction or a new role means new rows (store/annotations.py)
        now = bases(_caught_up(app, incident_id).state, None if seqs is None else set(seqs))
    # Which lines to look at: the given ones, or every line analysed on its current basis (one DISTINCT query).
    if seqs is None:
        done = app.annotations.analysed(incident_id, pipeline_mark(versions_now))
        wanted = {(seq, b) for seq, b in done if now.get(seq) == b}
    else:
        wanted = {(seq, now[seq]) for seq in seqs if seq in now}
    with _stored_lock:
        known = _stored.setdefault(app.annotations, {}).setdefault(incident_id, {})
        missing = sorted(wanted - known.keys())
    out: dict[tuple[int, str], list[Annotation]] = {}  # a line with an unsettled failure is read each time, never kept
    if missing:
        # Lines not analysed yet are asked for again next time; past a few hundred, one read of all is cheaper.
        asked = seqs_to_ask([seq for seq, _ in missing])
        found = app.annotations.list(incident_id, versions_now, seqs=asked)
        with _stored_lock:
            for key, anns in found.items():
                if unsettled(anns):
                    out[key] = settled(anns)
                else:
                    known.setdefault(key, settled(anns))
    with _stored_lock:
        out.update((key, known[key]) for key in wanted if key in known)
    return {seq: list(out[(seq, b)]) for seq, b in sorted(wanted) if (seq, b) in out}


@dataclass
class _Fold:
    """One incident's log folded in this process for the board's reads: its state, and a metric point per event.

    Why beside the recorder's cache: the recorder hands out deep copies of the whole state, and copying it
    for every new line the tail renders grew with the incident (issue #6); the board needs party names and
    a few lines from it, and the metric series, which also only grows.
    """

    state: IncidentState = field(default_factory=IncidentState)
    points: list[MetricPoint] = field(default_factory=list)


_folds: weakref.WeakKeyDictionary[EventStore, dict[str, _Fold]] = weakref.WeakKeyDictionary()
_folds_lock = threading.Lock()


def _caught_up(app: App, incident_id: str) -> _Fold:
    """The incident's fold, extended by the events after its head; the caller holds ``_folds_lock``.

    Each point is evaluated at its own event's time, with no look-ahead, so a point never changes once
    computed. The loop is ``doctrine.metrics.metric_series``'s own; a test checks both give the same series.
    """
    folds = _folds.setdefault(app.store, {})
    fold = folds.get(incident_id) or _Fold()
    for env in app.store.load(incident_id, after_seq=fold.state.head_seq):
        evolve(fold.state, env)
        if env.kind in NOT_ENTRIES:  # a recorded policy: no point, as in ``metric_series``
            continue
        metrics, _ = current_metrics(fold.state, env.at)
        fold.points.append(MetricPoint(env.seq, env.at.isoformat(), {m.id: m.value for m in metrics}))
    if fold.state.head_seq > 0:  # an unknown id is not remembered
        folds[incident_id] = fold
    return fold


def is_open(app: App, incident_id: str) -> bool:
    """Whether the incident is open now (its fold, read on, as the board's are): an open board's session check."""
    with _folds_lock:
        return _caught_up(app, incident_id).state.is_open


def metrics_over_time(app: App, incident_id: str) -> tuple[MetricPoint, ...]:
    """``doctrine.metrics.metric_series`` of the incident's log, kept per process and extended by new events.

    Why not call ``metric_series`` on the whole log: it replays the log and evaluates every metric after
    each event, and negotiation duration looks at every line, so each board refresh cost grew with the
    square of the incident's length; it was the largest cost in the serving process once analysis moved
    to the worker (issue #6).
    """
    with _folds_lock:
        return tuple(_caught_up(app, incident_id).points)


def analysed_seqs(app: App, incident_id: str, seqs: list[int]) -> set[int]:
    """Which of these utterances already have stored analysis from the current analyser versions.

    Asks the store about these lines only, through :func:`annotations_of`: the board's tail asks on every
    poll while a line waits for its analysis, and a query over all the incident's annotations made each
    poll cost grow with the incident (issue #6). The answer's annotations are then cached for rendering.
    """
    return set(annotations_of(app, incident_id, seqs))


def unsettled_seqs(app: App, incident_id: str, seqs: list[int]) -> set[int]:
    """Of these analysed lines, those where an analyser failed and has given nothing since: the console's worker
    retries them (``analysis_worker.py``), so a board watches them to show the result when it comes."""
    return {seq for seq, anns in annotations_of(app, incident_id, seqs).items() if unsettled(anns)}


def unanalysed_seqs(app: App, incident_id: str, *, newest: int = 200) -> list[int]:
    """The newest ``newest`` lines of the incident with no stored analysis from the current analyser versions.

    What a board's tail starting on an incident must still wait for: lines logged while no console ran (the
    CLI during a restart) or analysed after the board was rendered show without chips until their analysis
    is pushed, and a new tail had never seen them arrive.
    """
    seqs = [u.seq for u in app.recorder.current(incident_id).utterances][-newest:]
    done = analysed_seqs(app, incident_id, seqs)
    return [seq for seq in seqs if seq not in done]


def lines_view(
    app: App, incident_id: str, seqs: list[int] | None = None
) -> tuple[IncidentState, dict[int, list[Annotation]]]:
    """What rendering exchange-log lines needs: the incident's id, parties and those lines, and their annotations.

    The state holds nothing else (no ledger, no other lines): the live tail renders every new line, and
    copying the whole state or reading the whole incident's annotations each time made the cost grow with
    the incident.
    """
    wanted = None if seqs is None else set(seqs)
    with _folds_lock:
        full = _caught_up(app, incident_id).state
        if full.head_seq == 0:
            raise TalkdownError("TD201", incident_id=incident_id)
        state = IncidentState(
            incident_id=full.incident_id,
            title=full.title,
            incident_type=full.incident_type,
            mode=full.mode,
            status=full.status,
            head_seq=full.head_seq,
            head_hash=full.head_hash,
            parties={pid: copy.copy(party) for pid, party in full.parties.items()},
            utterances=[u.copy() for u in full.utterances if wanted is None or u.seq in wanted],
        )
    return state, annotations_of(app, incident_id, seqs)


def log_line(
    app: App,
    ref: str,
    *,
    speaker: str,
    text: str,
    channel: Channel = Channel.PHONE,
    role_if_new: Role | None = None,
) -> int:
    """Log an utterance and return its seq; analysis follows in :func:`analyse_pending`, after the commit.

    Why not analyse here: the scribe's keystroke must be acknowledged at once, and the line must be durable
    before any analyser can fail (CONVENTIONS §6). The boards show the line at once and its chips when stored.
    """
    incident_id = resolve_incident_id(app, ref)
    return say(app, incident_id, speaker=speaker, text=text, channel=channel, role_if_new=role_if_new)


_analysing = threading.Lock()


def analyse_pending(
    app: App, incident_id: str, *, retry: Collection[tuple[int, str]] = (), pipeline: Pipeline | None = None
) -> int:
    """Analyse and store every utterance the current analyser versions have not seen, and the lines keyed
    (seq, basis) in ``retry`` (an analyser failed there: ``annotate.failed_lines``); returns how many.

    The console runs this in its analysis worker process (``services/analysis_worker.py``), or after the
    response when there is none. Serialised per process so two requests never analyse the same line twice;
    across processes the annotation key makes a second analysis a no-op. A backlog is analysed in one pass,
    so a burst of lines costs one state copy rather than one each. ``pipeline`` defaults to the live one.
    """
    return _analyse(app, incident_id, retry, pipeline or live_pipeline())[1]


def analyse_and_find_failures(
    app: App, incident_id: str, *, retry: Collection[tuple[int, str]] = (), pipeline: Pipeline | None = None
) -> tuple[int, set[tuple[int, str]]]:
    """:func:`analyse_pending`, then the incident's lines where an analyser failed and has given nothing since, as
    (seq, basis) of the lines' current words: what the worker retries. A failure on words corrected since is no
    line to retry (the new words are analysed as a new line), so it is left out; the state read for the analysis
    says which words are current, at no extra cost."""
    pipe = pipeline or live_pipeline()
    state, count = _analyse(app, incident_id, retry, pipe)
    found = failed_lines(app, pipe, incident_id).get(incident_id, set())
    now = bases(state, {seq for seq, _ in found}) if found else {}
    return count, {(seq, b) for seq, b in found if now.get(seq) == b}


def _analyse(
    app: App, incident_id: str, retry: Collection[tuple[int, str]], pipe: Pipeline
) -> tuple[IncidentState, int]:
    with _analysing:
        state = app.recorder.current(incident_id)
        todo = unanalysed(app, state, pipe, retry=retry)
        batch = analyse_lines(pipe, todo, retry)
        app.annotations.add(incident_id, batch)
        return state, len(batch)


def analyse_after_logging(app: App, incident_id: str, seq: int) -> int:
    """Analyse the incident's pending lines after line ``seq`` was committed; a failure is logged as what it is.

    Why not let it raise: the line is already in the log and its seq already acknowledged, so whatever goes wrong
    now (the database stops answering between the line's commit and its annotations', an analyser's bug) costs
    only the line's chips. Raised, it was logged as an "internal error" carrying TD604's "if this command was
    saving anything, it was not saved", which told whoever read the server's log that the line was lost. The
    line's analysis is not lost either: it is pending until stored, so the incident's next line, the console
    worker's next sweep, or ``talkdown analyze --incident`` analyses it.
    """
    try:
        return analyse_pending(app, incident_id)
    except Exception as exc:  # the line is saved whatever this was; said so below
        why = f"{exc.code}: {exc.fields.get('problem', '')}" if isinstance(exc, TalkdownError) else type(exc).__name__
        # Frames only, as the worker logs them: an exception's message may quote the utterance (CONVENTIONS §10).
        frames = "" if isinstance(exc, TalkdownError) else "\n" + "".join(traceback.format_tb(exc.__traceback__))
        log.warning(
            "incident %s: line seq %d is saved, but its analysis was not stored (%s); it is analysed with the "
            "incident's next line, or now with 'talkdown analyze --incident %s'%s",
            incident_id,
            seq,
            why,
            incident_id,
            frames,
        )
        return 0


def warm_up() -> None:
    """Fit the release model at startup, not in the first board render after a line is logged.

    The fit (bootstrap refits, ~0.25 s of Python and numpy, seconds on a busy machine) is cached per
    process, but the first render holds the GIL for all of it, stalling every append and board in the
    console mid-incident; it was the largest single cost in the console benchmark's window (issue #6).
    """
    fitted()


def _cue_detail(app: App, incident_id: str, seq: int, label: str) -> dict[str, str | float | int | bool | None]:
    """What the cue analyser parsed from the line (the deadline's time).

    The scribe may mark a line before the analysis worker has reached it; then it is analysed here, once
    (idempotent, so the worker's later result for the same line is a no-op).
    """
    if not analysed_seqs(app, incident_id, [seq]):
        analyse_pending(app, incident_id)
    for ann in annotations_of(app, incident_id).get(seq, []):
        if ann.family == CUE_FAMILY and ann.label == label:
            return dict(ann.detail)
    return {}


def demand_items(anns: Collection[Annotation]) -> list[str]:
    """The items the cue analyser heard demanded in one line, in the order said (one ``demand`` cue per item)."""
    items: list[str] = []
    for ann in anns:
        item = ledger_item(ann.detail) if ann.family == CUE_FAMILY and ann.label == "demand" else None
        if item is not None and item not in items:
            items.append(item)
    return items


def _demand_item(app: App, incident_id: str, state: IncidentState, seq: int, text: str, item: str) -> str:
    """What a demand marked from the line names: the item the scribe chose (the board offers a button per item
    heard), else the first item heard there not yet recorded from it, else the line's words.

    Why the first *not yet recorded*: a line may list several demands ("I want cigarettes and food. And I want a
    car."); the mark took the first item only, so the second stayed off the ledger whatever the scribe pressed.
    When every item heard is recorded, the first is named again and ``record_demand`` refuses it (TD302).
    """
    if item.strip():
        return item.strip()
    if not analysed_seqs(app, incident_id, [seq]):
        analyse_pending(app, incident_id)
    heard = demand_items(annotations_of(app, incident_id).get(seq, []))
    recorded = {d.item.strip().casefold() for d in state.demands.values() if d.utterance_seq == seq}
    return next((i for i in heard if i.strip().casefold() not in recorded), heard[0] if heard else text)


def _due_from(said_at: datetime, detail: dict[str, str | float | int | bool | None], due: str) -> datetime:
    """The deadline's time: typed by the scribe ('30m' from when it was said) or parsed by the cue."""
    if due.strip():
        return said_at + parse_duration(due)
    parsed = detail.get("due_at")
    if isinstance(parsed, str):
        return datetime.fromisoformat(parsed)
    raise TalkdownError("TD105", value="", what="deadline", problem="no time found in the line; type one like 30m")


def mark_from_line(app: App, ref: str, *, seq: int, mark: Mark, due: str = "", item: str = "") -> Marked:
    """Record a demand, deadline or promise from a logged line, linked to it by seq where the event allows.

    ``item`` names which demand of the line to record (``_demand_item``); it is read for a demand only."""
    incident_id = resolve_incident_id(app, ref)
    state = app.recorder.current(incident_id)
    utt = state.utterance_at(seq)
    if utt is None:
        raise TalkdownError("TD202", incident_id=incident_id, what="utterance at seq", ref=str(seq))
    text = utt.text[:500]
    if mark is Mark.DEMAND:
        named = _demand_item(app, incident_id, state, seq, text, item)
        demand_id, at = record_demand(
            app, incident_id, item=named[:500], category=DemandCategory.OTHER, utterance_seq=seq
        )
        return Marked(mark, demand_id, at)
    if mark is Mark.DEADLINE:
        detail = _cue_detail(app, incident_id, seq, "deadline")
        when = _due_from(utt.when, detail, due)
        deadline_id, at = set_deadline(app, incident_id, due_at=when, description=text, utterance_seq=seq)
        return Marked(mark, deadline_id, at)
    promise_id, at = make_promise(app, incident_id, what=text)
    return Marked(mark, promise_id, at)


@dataclass(frozen=True)
class Board:
    """Everything the incident board shows at one head seq; built from the log and stored annotations only."""

    state: IncidentState
    annotations: dict[int, list[Annotation]]
    advice: tuple[Advice, ...]
    stairway_stage: str | None
    stairway_seq: int | None
    at: datetime
    metrics: tuple[Metric, ...] = ()
    release: ReleaseEstimate | None = None
    metric_series: tuple[MetricPoint, ...] = ()
    metrics_note: str = ""  # which metrics are left out and why (``doctrine.metrics.shown_metrics``)
    notes_only: bool = False  # a session run against the simulated subject: its log takes only notes here (TD332)
    policy: str = ""  # the agency policy the advice follows, named on the panel as ``talkdown advise`` names it


def stairway_now(state: IncidentState, annotations: dict[int, list[Annotation]]) -> tuple[str | None, int | None]:
    """The stage the stairway analyser gave the latest analysed utterance (it already looks at a window)."""
    for utt in reversed(state.utterances):
        for ann in annotations.get(utt.seq, []):
            if ann.family == STAIRWAY_FAMILY and ann.label in STAIRWAY:
                return ann.label, utt.seq
    return None, None


def current_advice(app: App, state: IncidentState, annotations: dict[int, list[Annotation]]) -> tuple[Advice, ...]:
    """Advice from the stored annotations, under the policy in force (``derived.policy_in_force``, as ``talkdown
    advise``): no analyser runs here, so the board refreshes cheaply."""
    stored = {seq: tuple(anns) for seq, anns in annotations.items()}
    policy = policy_in_force(app)
    return tuple(advice_now(state, stored, policy, app.clock.now(), zone=app.settings.display_zone))


def policy_name(app: App, override: Path | None = None) -> str:
    """The name of the policy the console's advice follows (its ``agency``), read at startup: ``create_app`` calls
    this so that a missing or malformed ``TALKDOWN_POLICY_FILE`` stops the console with its code (TD640-TD643)
    before any board shows advice, rather than each board failing later; ``serve --policy`` checks its file so."""
    return policy_in_force(app, override).agency


def board_view(app: App, ref: str) -> Board:
    incident_id = resolve_incident_id(app, ref)
    state = app.recorder.current(incident_id)
    # The log records the policy this board's advice follows, whoever opened it (``derived.record_policy_in_force``),
    # and the board names the head that record made, as ``talkdown advise`` does.
    if record_policy_in_force(app, state):
        state = app.recorder.current(incident_id)
    annotations = annotations_of(app, incident_id, [u.seq for u in state.utterances])
    stage, seq = stairway_now(state, annotations)
    now = app.clock.now()
    # The seed-001 metrics come from logged events only (docs/metrics.md), so the panel needs no analysis.
    metrics, release = current_metrics(state, now)
    shown, note = shown_metrics(metrics, state)
    series = metrics_over_time(app, incident_id)
    advice = current_advice(app, state, annotations)
    notes_only = is_simulated_session(state)
    return Board(
        state, annotations, advice, stage, seq, now, shown, release, series, note, notes_only, policy_name(app)
    )


def advice_list(app: App, ref: str) -> AdviceList:
    """The board's advice in the shape of ``talkdown advise --json``: with ``incident_open`` and the policy's name, so
    that an API client tells a closed incident (no advice is given) from a quiet one, and knows which policy spoke."""
    board = board_view(app, ref)
    state = board.state
    return AdviceList(
        state.incident_id, state.head_seq, board.at, board.policy, ADVISOR_VERSION, board.advice, state.is_open
    )
