"""Risk and progress indicators from ``indicators.md``, as a time series per incident.

Why a series and not a score: doctrine gives directions (↓ lowers risk, ↑ raises it), not weights, so the
team sees each indicator's trend and judges. Each point is computed by replaying the log up to that event,
so a point never uses what was logged later. Rolling windows are talkdown's choice [D]: the last 5 subject
turns for rates per turn, the last 10 for counts, the last 20 utterances for talk share.

Utterance-based indicators read the annotations (cues, outbursts, hostility, stairway); the others
read logged entries only. Suicide cues are kept as their own series and never netted against progress
(indicators.md: "Progress indicators must not cancel suicide cues").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from talkdown.doctrine.evidence import AnnotationMap
from talkdown.domain.enums import DeadlineStatus, HostageCondition, Role
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState, evolve

STAGES = ("active_listening", "empathy", "rapport", "influence", "behavioral_change")
RATE_TURNS, COUNT_TURNS, SHARE_UTTERANCES = 5, 10, 20


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    label: str
    direction: str  # "progress" (↓ risk) or "danger" (↑ risk)
    unit: str
    source: str


DEFINITIONS: tuple[IndicatorDef, ...] = (
    IndicatorDef("talking_longer", "Words per subject turn (last 5)", "progress", "words", "indicators.md [R26 S]"),
    IndicatorDef(
        "outbursts",
        "Swearing, shouting and '!' per subject turn (last 5)",
        "danger",
        "marks",
        "intensity_falling [R26 S]",
    ),
    IndicatorDef("threats", "Threat cues in his last 10 turns", "danger", "count", "threats_falling [M; R15 P]"),
    IndicatorDef("hostility", "Hostile turns in his last 10", "danger", "count", "stairway.md, signs it is lost"),
    IndicatorDef("suicide_cues", "Suicide cues in his last 10 turns", "danger", "count", "suicidal_intent [R19 P]"),
    IndicatorDef("subject_talk_share", "Subject share of words (last 20)", "progress", "0-1", "[M]; [T21 P]"),
    IndicatorDef("stairway_stage", "Stairway stage (1-5)", "progress", "stage", "stairway.md [R1 P; R4 S]"),
    IndicatorDef("deadlines_passed_quietly", "Deadlines passed quietly", "progress", "count", "[R40 S; T20 S]"),
    IndicatorDef("hostages_released", "Hostages released", "progress", "count", "hostage_released [R26 S]"),
    IndicatorDef(
        "hostages_harmed", "Hostages injured, critical or dead", "danger", "count", "threat_or_injury [R19 P]"
    ),
)


@dataclass(frozen=True)
class IndicatorPoint:
    seq: int
    at: str  # ISO UTC
    values: dict[str, float | None]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _has(annotations: AnnotationMap, seq: int, family: str, label: str | None = None) -> bool:
    return any(
        a.family == family and (label is None or a.label == label) and not a.low_confidence
        for a in annotations.get(seq, ())
    )


def _marks(annotations: AnnotationMap, seq: int) -> float | None:
    """Outburst marks of one turn (``analysis/outburst.py``); None when the rule did not judge it. Until
    2026-11-27 this indicator was the emotion model's intensity (1 − p(neutral)), which on negotiation text
    read threats as calmer than other turns; indicators.md observes outbursts as these marks."""
    for a in annotations.get(seq, ()):
        if a.family == "outburst" and not a.low_confidence:
            marks = a.detail.get("marks")
            return float(marks) if isinstance(marks, int | float) else None
    return None


def _point(state: IncidentState, env: Envelope, annotations: AnnotationMap) -> IndicatorPoint:
    live = [u for u in state.utterances if not u.retracted]
    subject = [u for u in live if _role(state, u.speaker) is Role.SUBJECT]
    rate, count = subject[-RATE_TURNS:], subject[-COUNT_TURNS:]
    outbursts = [m for u in rate if (m := _marks(annotations, u.seq)) is not None]
    recent = live[-SHARE_UTTERANCES:]
    words_all = sum(len(u.text.split()) for u in recent)
    words_subject = sum(len(u.text.split()) for u in recent if _role(state, u.speaker) is Role.SUBJECT)
    stage: float | None = None
    for u in reversed(live):
        labels = [a.label for a in annotations.get(u.seq, ()) if a.family == "stairway" and a.label in STAGES]
        if labels:
            stage = float(STAGES.index(labels[0]) + 1)
            break
    harmed = {HostageCondition.INJURED, HostageCondition.CRITICAL, HostageCondition.DECEASED}
    values: dict[str, float | None] = {
        "talking_longer": _mean([float(len(u.text.split())) for u in rate]),
        "outbursts": _mean(outbursts),
        "threats": float(sum(_has(annotations, u.seq, "talkdown_cue", "threat") for u in count)) if count else None,
        "hostility": float(sum(_has(annotations, u.seq, "hostility") for u in count)) if count else None,
        "suicide_cues": (
            float(sum(_has(annotations, u.seq, "talkdown_cue", "suicide_cue") for u in count)) if count else None
        ),
        "subject_talk_share": words_subject / words_all if words_all else None,
        "stairway_stage": stage,
        "deadlines_passed_quietly": float(
            sum(d.status is DeadlineStatus.PASSED_WITHOUT_INCIDENT for d in state.deadlines.values())
        ),
        "hostages_released": float(sum(h.released_at is not None for h in state.hostages.values())),
        "hostages_harmed": float(sum(h.condition in harmed for h in state.hostages.values())),
    }
    return IndicatorPoint(env.seq, env.at.isoformat(), values)


def _role(state: IncidentState, party_id: str) -> Role:
    party = state.parties.get(party_id)
    return party.role if party is not None else Role.UNKNOWN


# A retraction, a correction (of a line's text or speaker) or a role change moves what the windows hold: without a
# point of its own, a struck threat kept counting in the latest value until the subject next spoke.
RELEVANT = frozenset(
    {
        "utterance_logged",
        "deadline_status_changed",
        "hostage_recorded",
        "hostage_released",
        "hostage_condition_changed",
        "incident_closed",
        "entry_retracted",
        "entry_corrected",
        "party_role_set",
    }
)


def indicator_series(envelopes: Iterable[Envelope], annotations: AnnotationMap) -> list[IndicatorPoint]:
    """One point after each subject utterance, each deadline, hostage or closing event, and each retraction,
    correction or role change (they change which lines the windows hold), in seq order."""
    state = IncidentState()
    points: list[IndicatorPoint] = []
    for env in envelopes:
        evolve(state, env)
        if env.kind not in RELEVANT:
            continue
        if env.kind == "utterance_logged" and _role(state, getattr(env.payload, "speaker", "")) is not Role.SUBJECT:
            continue
        points.append(_point(state, env, annotations))
    return points
