"""Derived data the advice, metrics and report use cases share: annotations, the policy, current advice.

Why one private module: use cases must not import each other (CONVENTIONS §6), yet advise, dismiss, metrics
and report all need the same annotations and the same advice. Annotations are computed here by running the
default pipeline over the incident's utterances; when annotations are persisted (a later issue), only
``annotations_for`` changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.registry import default_pipeline
from talkdown.doctrine.advisor import Advice, advise
from talkdown.doctrine.evidence import AnnotationMap
from talkdown.doctrine.policy import Policy, parse_policy
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import Role
from talkdown.domain.state import IncidentState
from talkdown.errors import TalkdownError
from talkdown.services.wiring import App

WINDOW = 20
"""Earlier turns each analyser sees: the stairway estimator's window (stairway.md suggests 10-20 turns)."""
_CACHE_SIZE = 8
# Annotations are a pure function of the log up to its head (and of the analyser versions, fixed per process),
# so they are cached by head hash: advise, dismiss, metrics and report in one process analyse a log once.
_cache: dict[tuple[str, str], dict[int, tuple[Annotation, ...]]] = {}


def side_of(role: Role) -> Side:
    if role.is_negotiator:
        return "negotiator"
    return "subject" if role is Role.SUBJECT else "party"


def annotations_for(app: App, state: IncidentState) -> dict[int, tuple[Annotation, ...]]:
    """Annotations of every utterance, keyed by seq; each turn sees only the turns before it.

    ``app`` is unused until annotations are stored; it is the seam where a stored-annotation reader goes.
    The pipeline records (not raises) analyser failures: the report must still render if one analyser breaks.
    """
    del app
    key = (state.incident_id, state.head_hash)
    if key in _cache:
        return _cache[key]
    turns: list[Turn] = []
    ctxs: list[Context] = []
    for utt in state.utterances:
        if utt.retracted:
            continue
        party = state.parties.get(utt.speaker)
        side: Side = side_of(party.role) if party is not None else "unknown"
        ctxs.append(Context(window=tuple(turns[-WINDOW:])))
        turns.append(Turn(text=utt.text, side=side, at=utt.when, seq=utt.seq, speaker=utt.speaker))
    if not turns:
        return {}
    results = default_pipeline(on_error="record").run_many(turns, ctxs)
    out = {turn.seq: anns for turn, anns in zip(turns, results, strict=True) if turn.seq is not None}
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = out
    return out


def read_policy(path: Path | None) -> Policy:
    """The agency policy from a YAML file, or the doctrine defaults when no file is given."""
    if path is None:
        return Policy()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TalkdownError("TD643", file=str(path), problem=str(exc)) from exc
    return parse_policy(text, file=str(path))


def advice_now(state: IncidentState, annotations: AnnotationMap, policy: Policy, now: datetime) -> list[Advice]:
    return advise(state, annotations, policy, now)


def find_advice(advice: Sequence[Advice], advice_id: str) -> Advice | None:
    return next((a for a in advice if a.advice_id == advice_id), None)
