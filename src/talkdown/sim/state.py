"""The simulated subject's inner state, and the restricted view of the log he reacts to.

Why a frozen dataclass folded turn by turn: the state is derived, never logged. A debrief recomputes it from
the log (the trainee's lines, his replies and the instructor's injects), so what the instructor saw and what
the debrief scores cannot drift apart.

Why a ``SubjectView`` (after negmas's restricted negotiator view): a real subject hears the negotiator and
feels the helicopter overhead; he never sees the board, the advisor, intel or instructor notes. The engine
gets only this view, so a leak of team-only data into his behaviour is impossible by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from talkdown.domain.enums import Role
from talkdown.domain.events import InjectIssued
from talkdown.domain.state import IncidentState

STAGES = ("active_listening", "empathy", "rapport", "influence", "behavioral_change")
Outcome = Literal["resolved", "failed", "unresolved"]


@dataclass(frozen=True)
class ViewItem:
    """One thing he perceived, in log order: a line said to him, his own line, or an inject."""

    kind: Literal["trainee", "subject", "inject"]
    text: str
    seq: int = 0
    inject_id: str = ""


@dataclass(frozen=True)
class SubjectView:
    """What the subject can know: the scenario he lives in, the conversation, and injects he would notice."""

    scenario_id: str
    items: tuple[ViewItem, ...]

    @property
    def trainee_lines(self) -> tuple[ViewItem, ...]:
        return tuple(i for i in self.items if i.kind == "trainee")

    def extended(self, item: ViewItem) -> SubjectView:
        return SubjectView(self.scenario_id, (*self.items, item))


def build_view(state: IncidentState, *, scenario_id: str) -> SubjectView:
    """The view from a training incident's log: utterances by negotiators and the subject, and injects.

    Retracted utterances are left out (the scribe withdrew them); other parties' lines (a hostage on the
    phone) are not in a training session's vocabulary yet.
    """
    roles = {pid: p.role for pid, p in state.parties.items()}
    items: list[ViewItem] = []
    for utt in state.utterances:
        if utt.retracted:
            continue
        role = roles.get(utt.speaker, Role.UNKNOWN)
        if role is Role.SUBJECT:
            items.append(ViewItem("subject", utt.text, utt.seq))
        elif role.is_negotiator:
            items.append(ViewItem("trainee", utt.text, utt.seq))
    for record in state.injects:
        event = record.event
        if isinstance(event, InjectIssued):
            items.append(ViewItem("inject", event.name, record.seq, event.inject_id))
    items.sort(key=lambda i: i.seq)
    return SubjectView(scenario_id, tuple(items))


def _frozen_counts() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class SubjectState:
    """Arousal, trust, hopelessness and face on 0..1, his stairway stage (index into ``STAGES``) and memory."""

    arousal: float
    trust: float
    hopelessness: float
    face: float
    stage: int = 0
    turn: int = 0
    revealed: tuple[str, ...] = ()
    raised: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()
    deadlines_done: tuple[str, ...] = ()
    released: tuple[str, ...] = ()
    promises: tuple[tuple[str, int], ...] = ()  # (demand id, exchange when promised) still undelivered
    hot_turns: int = 0
    phrase_counts: Mapping[str, int] = field(default_factory=_frozen_counts)
    injects_seen: int = 0
    outcome: Outcome | None = None
    outcome_reason: str = ""

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    def gauges(self) -> dict[str, float | int | str]:
        """Plain numbers for a JSON transcript or an instructor's gauges."""
        return {
            "arousal": round(self.arousal, 3),
            "trust": round(self.trust, 3),
            "hopelessness": round(self.hopelessness, 3),
            "face": round(self.face, 3),
            "stage": self.stage_name,
            "turn": self.turn,
        }


def clamp(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value
