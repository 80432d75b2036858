"""Use cases of the LIVE console: the scribe's fast entry, marking entries from a line, and the board's tail.

Why these sit together: the console needs three things no CLI command needs. The scribe logs a line and
wants its analysis at once (LIVE commits the utterance, then analyses, then stores the annotations in a
second transaction, CONVENTIONS §6). The scribe marks a demand, deadline or promise *from* a logged line,
reusing what the analysers found in it (the deadline time a cue parsed). And every open board tails the
log by seq, which works across processes because the store, not a process, is the source of truth.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from talkdown.doctrine.advisor import Advice
from talkdown.doctrine.metrics import Metric, MetricPoint, current_metrics, metric_series
from talkdown.doctrine.release_model import ReleaseEstimate
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import Channel, DemandCategory, Role
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState
from talkdown.errors import TalkdownError
from talkdown.services.annotate import live_pipeline, turns_of, versions
from talkdown.services.derived import advice_now, read_policy
from talkdown.services.entries import make_promise, parse_duration, record_demand, say, set_deadline
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App

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


def annotations_of(app: App, incident_id: str, seqs: list[int] | None = None) -> dict[int, list[Annotation]]:
    """Stored annotations of the current analyser versions, by utterance seq (never recomputed here)."""
    return app.annotations.list(incident_id, versions(live_pipeline()), seqs=seqs)


def analysed_seqs(app: App, incident_id: str, seqs: list[int]) -> set[int]:
    """Which of these utterances already have stored analysis from the current analyser versions."""
    return app.annotations.analysed(incident_id, versions(live_pipeline())) & set(seqs)


def lines_view(
    app: App, incident_id: str, seqs: list[int] | None = None
) -> tuple[IncidentState, dict[int, list[Annotation]]]:
    """What rendering exchange-log lines needs: the state (party names) and those lines' stored annotations.

    Only the lines' own annotations are read: the live tail renders every new line, and reading the whole
    incident's annotations each time made the cost grow with the incident.
    """
    return app.recorder.current(incident_id), annotations_of(app, incident_id, seqs)


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


def analyse_pending(app: App, incident_id: str) -> int:
    """Analyse and store every utterance the current analyser versions have not seen; returns how many.

    Serialised per process so two requests never analyse the same line twice; a backlog is analysed in one
    pass, so a burst of lines costs one state copy rather than one each.
    """
    with _analysing:
        pipe = live_pipeline()
        state = app.recorder.current(incident_id)
        done = app.annotations.analysed(incident_id, versions(pipe))
        todo = [(t, c) for t, c in turns_of(state) if t.seq is not None and t.seq not in done]
        batch = [(t.seq, pipe.run(t, c)) for t, c in todo if t.seq is not None]
        app.annotations.add(incident_id, batch)
        return len(batch)


def _cue_detail(app: App, incident_id: str, seq: int, label: str) -> dict[str, str | float | int | bool | None]:
    for ann in annotations_of(app, incident_id).get(seq, []):
        if ann.family == CUE_FAMILY and ann.label == label:
            return dict(ann.detail)
    return {}


def _due_from(said_at: datetime, detail: dict[str, str | float | int | bool | None], due: str) -> datetime:
    """The deadline's time: typed by the scribe ('30m' from when it was said) or parsed by the cue."""
    if due.strip():
        return said_at + parse_duration(due)
    parsed = detail.get("due_at")
    if isinstance(parsed, str):
        return datetime.fromisoformat(parsed)
    raise TalkdownError("TD105", value="", what="deadline", problem="no time found in the line; type one like 30m")


def mark_from_line(app: App, ref: str, *, seq: int, mark: Mark, due: str = "") -> Marked:
    """Record a demand, deadline or promise from a logged line, linked to it by seq where the event allows."""
    incident_id = resolve_incident_id(app, ref)
    state = app.recorder.current(incident_id)
    utt = state.utterance_at(seq)
    if utt is None:
        raise TalkdownError("TD202", incident_id=incident_id, what="utterance at seq", ref=str(seq))
    text = utt.text[:500]
    if mark is Mark.DEMAND:
        item = str(_cue_detail(app, incident_id, seq, "demand").get("item") or text)
        demand_id, at = record_demand(
            app, incident_id, item=item[:500], category=DemandCategory.OTHER, utterance_seq=seq
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


def stairway_now(state: IncidentState, annotations: dict[int, list[Annotation]]) -> tuple[str | None, int | None]:
    """The stage the stairway analyser gave the latest analysed utterance (it already looks at a window)."""
    for utt in reversed(state.utterances):
        for ann in annotations.get(utt.seq, []):
            if ann.family == STAIRWAY_FAMILY and ann.label in STAIRWAY:
                return ann.label, utt.seq
    return None, None


def current_advice(app: App, state: IncidentState, annotations: dict[int, list[Annotation]]) -> tuple[Advice, ...]:
    """Advice from the stored annotations: no analyser runs here, so the board refreshes cheaply."""
    stored = {seq: tuple(anns) for seq, anns in annotations.items()}
    return tuple(advice_now(state, stored, read_policy(None), app.clock.now()))


def board_view(app: App, ref: str) -> Board:
    incident_id = resolve_incident_id(app, ref)
    state = app.recorder.current(incident_id)
    annotations = annotations_of(app, incident_id)
    stage, seq = stairway_now(state, annotations)
    now = app.clock.now()
    # The seed-001 metrics come from logged events only (docs/metrics.md), so the panel needs no analysis.
    metrics, release = current_metrics(state, now)
    series = tuple(metric_series(app.store.load(incident_id)))
    advice = current_advice(app, state, annotations)
    return Board(state, annotations, advice, stage, seq, now, tuple(metrics), release, series)
