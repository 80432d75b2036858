"""Derived data the advice, metrics and report use cases share: annotations, the policy, current advice.

Why one private module: use cases must not import each other (CONVENTIONS §6), yet advise, dismiss, metrics
and report all need the same annotations and the same advice. Annotations are computed here by running the
default pipeline over the incident's utterances as the board's analysis reads them (``annotate.turns_of``), for
what must not depend on whether a console's worker ran or what it stored (metrics, the report);
``stored_annotations`` reads the analysis stored beside the log as the board does, for current advice and the
board's requests, which must say what the board says and cost little (a dismissal; ``talkdown advise`` and "cases
like this" through ``line_annotations``, which analyses the lines not stored yet).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from talkdown.analysis.registry import default_pipeline
from talkdown.doctrine.advisor import ADVISOR_VERSION, Advice, advise
from talkdown.doctrine.evidence import AnnotationMap
from talkdown.doctrine.policy import Policy, parse_policy
from talkdown.domain.annotations import Annotation
from talkdown.domain.events import AdvicePolicyRecorded, AnyEvent
from talkdown.domain.state import IncidentState
from talkdown.errors import TalkdownError
from talkdown.services.annotate import bases, live_pipeline, pipeline_mark, settled, turns_of, versions
from talkdown.services.recorder import is_simulated_session
from talkdown.services.wiring import App

log = logging.getLogger(__name__)

DEFAULT_POLICY = Policy()
"""The doctrine defaults: what a log with no ``AdvicePolicyRecorded`` followed (:func:`_policy_to_record`)."""
POLICY_ACTOR = f"system:advisor@{ADVISOR_VERSION}"
"""Who records the policy in force: the advisor, not the person whose board or command computed the advice. A
viewer's board records it too (the content is the installation's setting, nothing the viewer chose), so the log
knows the policy whoever watched; a person's own entries still need their role's permission."""

_CACHE_SIZE = 8
MAX_SEQS = 500  # lines asked for by seq in one query (the board's reads and ``stored_annotations``)


def seqs_to_ask(seqs: Collection[int]) -> list[int] | None:
    """``seqs`` sorted, for ``AnnotationStore.list``, or None (read every line) past ``MAX_SEQS``: past a few
    hundred, one read of all is cheaper than a long IN list."""
    return sorted(seqs) if len(seqs) <= MAX_SEQS else None


# Annotations are a pure function of the log up to its head and the team's clock (and of the analyser versions,
# fixed per process), so they are cached by head hash and zone: advise, dismiss, metrics and report in one process
# analyse a log once.
_cache: dict[tuple[str, str, str], dict[int, tuple[Annotation, ...]]] = {}


@dataclass(frozen=True)
class AdviceList:
    """What ``talkdown advise --json`` and the console's advice API answer: the advice at a moment, for a head seq,
    under a named policy. Here, not in ``advise``, so that both use cases build one shape without importing each
    other: the API answered a bare list, and a client could not tell a closed incident from a quiet one."""

    incident_id: str
    head_seq: int
    at: datetime
    policy: str
    advisor_version: str
    items: tuple[Advice, ...]
    # The advisor speaks only while the incident is open; a closed one gets no advice, which is not the same as
    # a log that calls for none, so the edges say which it is.
    incident_open: bool = True

    def to_json(self) -> dict[str, object]:
        return {
            "incident_id": self.incident_id,
            "head_seq": self.head_seq,
            "at": self.at.isoformat(),
            "policy": self.policy,
            "advisor_version": self.advisor_version,
            "incident_open": self.incident_open,
            "advice": [a.to_json() for a in self.items],
        }


def annotations_for(app: App, state: IncidentState) -> dict[int, tuple[Annotation, ...]]:
    """Annotations of every utterance, keyed by seq; each turn sees only the turns before it.

    Computed afresh rather than read from the board's stored rows: a report or advice must not depend on whether
    a console's worker or ``analyze --incident`` got to every line, and a line's stored rows were computed on the
    window it had then (a line retracted or a role given since changes a later line's window, not its basis). The
    pipeline records (not raises) analyser failures: the report must still render if one analyser breaks. Current
    advice reads ``stored_annotations`` instead (the board, a dismissal, ``talkdown advise``): the team acts on the
    cards its board shows.
    """
    zone = app.settings.display_zone
    key = (state.incident_id, state.head_hash, str(zone))
    if key in _cache:
        return _cache[key]
    # The turns exactly as the board's stored analysis reads them (sides, window, the team's clock), so the
    # advice, metrics and report say what the board said; before, a window of 20 turns and "party" for a speaker
    # with no role gave another stairway step, and no deadline time was read.
    read = turns_of(state, zone)
    if not read:
        return {}
    turns = [turn for turn, _ in read]
    ctxs = [ctx for _, ctx in read]
    results = default_pipeline(on_error="record").run_many(turns, ctxs)
    out = {turn.seq: anns for turn, anns in zip(turns, results, strict=True) if turn.seq is not None}
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = out
    return out


@dataclass(frozen=True)
class StoredAnalysis:
    """The analysis the board reads for some lines (``stored_annotations``), and which of them it still waits for."""

    rows: dict[int, tuple[Annotation, ...]]
    """Each line's rows of the live pipeline's versions stored for its current words and side, by seq: exactly
    what the board's ``live.annotations_of`` reads (a line with no rows is left out, as the board leaves it; one
    analysed with none of ``families`` is there, empty)."""
    pending: frozenset[int]
    """The live lines the live pipeline has not marked analysed on their current basis (the console's worker is
    behind, or none ran: the CLI): their rows, if any, are not final, and a new run of their analysers may differ."""


def stored_annotations(
    app: App, state: IncidentState, seqs: Collection[int] | None = None, *, families: frozenset[str] | None = None
) -> StoredAnalysis:
    """The stored analysis of the live lines ``seqs`` (every live line when ``None``), of ``families`` (all when
    ``None``), as the board reads it; nothing is analysed here.

    Why read from the store per call rather than through the board's cache (``live.annotations_of``): use cases
    must not import each other, and a request that asks once needs no cache; the rows and the rule for which
    count (the current analyser versions, each line's current basis, failures retried since left out) are the
    board's, so what is derived from them is what the board shows.
    """
    wanted = versions(live_pipeline())
    now = bases(state, seqs)
    marked = app.annotations.analysed(state.incident_id, pipeline_mark(wanted))
    done = {seq for seq, b in marked if now.get(seq) == b}
    asked = seqs_to_ask(now)
    found = app.annotations.list(state.incident_id, wanted, seqs=asked, families=families) if now else {}
    rows = {seq: tuple(settled(anns)) for (seq, b), anns in found.items() if now.get(seq) == b}
    rows |= {seq: () for seq in done if seq not in rows}  # analysed, and nothing of these families found there
    return StoredAnalysis(rows, frozenset(now.keys() - done))


def fresh_annotations(
    app: App, state: IncidentState, seqs: Collection[int], *, families: frozenset[str] | None = None
) -> dict[int, tuple[Annotation, ...]]:
    """What the live pipeline's analysers (of ``families``, all when ``None``) give on the live lines ``seqs`` now,
    each with its window, keyed by seq; not stored (a read stays a read: storing is the worker's and ``analyze``'s).
    Runs nothing when ``seqs`` is empty."""
    wanted = set(seqs)
    todo = [(turn, ctx) for turn, ctx in turns_of(state, app.settings.display_zone) if turn.seq in wanted]
    if not todo:
        return {}
    pipe = live_pipeline() if families is None else live_pipeline().subset(families)
    results = pipe.run_many([turn for turn, _ in todo], [ctx for _, ctx in todo])
    return {
        turn.seq: tuple(a for a in anns if families is None or a.family in families)
        for (turn, _), anns in zip(todo, results, strict=True)
        if turn.seq is not None
    }


def line_annotations(
    app: App, state: IncidentState, seqs: Collection[int] | None = None, *, families: frozenset[str] | None = None
) -> dict[int, tuple[Annotation, ...]]:
    """The annotations of ``families`` (all when ``None``) on the live lines ``seqs`` (every live line when
    ``None``), keyed by seq: the rows the live pipeline's versions stored beside the log for each line's current
    words and side (``stored_annotations``), and for a line not analysed yet (the console's worker is behind, or
    none ran: the CLI) what the analysers of those families give on that line, with its window, not stored
    (``fresh_annotations``). A reader of a few families gets no failure records; a reader of all gets the board's
    (``talkdown advise``: the advisor reads none of them).

    Why not ``annotations_for``: it runs the whole pipeline over every line of the log each time the head moves,
    and "cases like this" is a request of the board: 0.5 s on a 200-line log and 0.9 s at 400, for each new line
    (with the stored rows read instead, some 40 ms for the whole request). The stored rows are the analysis the
    board shows, computed from the same turns (``turns_of``); the lines without them are analysed here, so the
    answer does not depend on whether the worker got to every line. ``talkdown advise`` reads it too, so that the
    terminal says what the board says.
    """
    stored = stored_annotations(app, state, seqs, families=families)
    return stored.rows | fresh_annotations(app, state, stored.pending, families=families)


def policy_in_force(app: App, override: Path | None = None) -> Policy:
    """The policy advice follows: ``override`` (a command's ``--policy``), else the installation's
    ``TALKDOWN_POLICY_FILE``, read once per ``App``, else the doctrine defaults; TD640-TD643 for a bad file.

    Why one function for every face: the board, the advice API and the report read ``read_policy(None)`` while
    ``advise`` read the agency's file, so the board and the terminal gave a team two answers.
    """
    if override is not None:
        return read_policy(override)
    if app.policy is None:
        app.policy = read_policy(app.settings.policy_file)
    return app.policy


def record_policy_in_force(app: App, state: IncidentState) -> bool:
    """Append ``AdvicePolicyRecorded`` when the installation's policy is not the one last recorded in the log.

    Called where advice is computed for the team (the console's board and advice API, ``talkdown advise`` and
    ``advise dismiss`` without ``--policy``), so that the after-action report replays each point of the incident
    under the policy in force then, not the one in force when the report is made. A command's ``--policy`` is a
    what-if for that command, and is not recorded: recorded, it would stand in the log for what the team's boards
    followed. Nothing is recorded on a closed incident (it gets no advice) or a session the simulator runs (its
    log takes the training commands' events only, TD332), nor right after another recorded policy: two consoles
    started with different policies would otherwise record, wake each other's boards and record again without end;
    now each switch waits for an entry in between. A write that fails (a read-only copy, a database that does not
    answer) is logged and the advice is still shown: the board must never fail for want of this record.

    Returns whether it appended, so that the caller reads the state again and names the head the record made.
    """
    policy, path = policy_in_force(app), app.settings.policy_file
    if not _policy_to_record(state, policy.fingerprint):
        return False
    event = AdvicePolicyRecorded(
        fingerprint=policy.fingerprint, content=policy.content, file=path.name if path is not None else None
    )

    def build(current: IncidentState) -> list[AnyEvent]:  # decided again on the head the write finds
        return [event] if _policy_to_record(current, policy.fingerprint) else []

    try:
        return bool(app.recorder.record_with(state.incident_id, build, actor=POLICY_ACTOR))
    except TalkdownError as exc:
        log.warning("advice policy not recorded in incident %s: %s", state.incident_id, exc.code)
        return False


def _policy_to_record(state: IncidentState, fingerprint: str) -> bool:
    """Whether the log needs the policy of ``fingerprint`` now (:func:`record_policy_in_force` says when not).

    A log with no policy recorded followed the doctrine defaults, so the defaults are recorded only after another
    policy: an installation with no policy file (the demo, most teams) never writes a record, and opening a board
    stays a read. Recorded for every first view, the defaults made each board's first look an entry in the log.
    """
    last = state.advice_policy
    if not state.is_open or is_simulated_session(state):
        return False
    if (last.fingerprint if last is not None else DEFAULT_POLICY.fingerprint) == fingerprint:
        return False
    return not state.advice_policies or state.advice_policies[-1].seq != state.head_seq


def read_policy(path: Path | None) -> Policy:
    """The agency policy from a YAML file, or the doctrine defaults when no file is given."""
    if path is None:
        return Policy()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TalkdownError("TD643", file=str(path), problem=str(exc)) from exc
    policy = parse_policy(text, file=str(path))
    if "agency" not in policy.model_fields_set:
        # Named as the doctrine defaults, a file that sets no_concessions but no `agency` was shown on the board, the
        # report and `advise` as "talkdown defaults": exactly the wrong answer to "which policy is in force?".
        policy = policy.model_copy(update={"agency": f"policy file {path.name} (no agency named in it)"})
    return policy


def advice_now(
    state: IncidentState, annotations: AnnotationMap, policy: Policy, now: datetime, *, zone: tzinfo | None
) -> list[Advice]:
    """The advice now; ``zone`` (``Settings.display_zone``) is the clock its quoted times are on."""
    return advise(state, annotations, policy, now, zone=zone)


def find_advice(advice: Sequence[Advice], advice_id: str) -> Advice | None:
    return next((a for a in advice if a.advice_id == advice_id), None)
