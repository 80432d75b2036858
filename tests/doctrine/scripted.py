"""Scripted incidents for the advisor's golden tests: events at given minutes, real analysis, replayed advice.

The lines are written for talkdown (several from the doctrine pack's Avoid/Better examples). Annotations come
from the real rule analysers (the rules-only pipeline of ``talkdown analyze --fast``), so the tests also prove
that the analysers' cues reach the advisor. Not the learned models: these tests pin the advisor's doctrine, and a
retrain moves a probability on some hand-written line (graph d1ef1963 reads "Twenty years. And then a box and a
handshake." as a demand, which silenced the unrequested-concession example); what the models add is measured on
labelled sets by ``talkdown eval``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import Pipeline
from talkdown.analysis.registry import default_pipeline
from talkdown.doctrine.advisor import Advice, advise
from talkdown.doctrine.policy import Policy
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.events import AnyEvent, IncidentOpened, PartyAdded, UtteranceLogged
from talkdown.domain.log import GENESIS_HASH, Envelope, seal
from talkdown.domain.state import IncidentState, evolve

T0 = datetime(2026, 3, 14, 19, 0, tzinfo=UTC)
SIDES = {"neg": "negotiator", "subj": "subject"}


@cache
def pipeline() -> Pipeline:
    return default_pipeline(fast=True)


@dataclass
class Script:
    """An incident written event by event; ``minute`` sets the time of the next events."""

    incident_type: IncidentType = IncidentType.HOSTAGE
    extra_parties: tuple[tuple[str, str, Role], ...] = ()
    envelopes: list[Envelope] = field(default_factory=list)
    minute: float = 0.0

    def __post_init__(self) -> None:
        self.log(IncidentOpened(title="Scripted incident", incident_type=self.incident_type))
        self.log(PartyAdded(party_id="neg", name="Sam", role=Role.PRIMARY))
        self.log(PartyAdded(party_id="subj", name="Curtis", role=Role.SUBJECT))
        for party_id, name, role in self.extra_parties:
            self.log(PartyAdded(party_id=party_id, name=name, role=role))

    def at(self, minute: float) -> Script:
        self.minute = minute
        return self

    def log(self, event: AnyEvent) -> int:
        prev = self.envelopes[-1].hash if self.envelopes else GENESIS_HASH
        env = seal(
            incident_id="inc1",
            seq=len(self.envelopes) + 1,
            at=T0 + timedelta(minutes=self.minute),
            actor="user:test",
            prev_hash=prev,
            payload=event,
        )
        self.envelopes.append(env)
        return env.seq

    def say(self, speaker: str, text: str) -> int:
        return self.log(UtteranceLogged(speaker=speaker, text=text))

    def annotations(self) -> dict[int, tuple[Annotation, ...]]:
        turns: list[Turn] = []
        ctxs: list[Context] = []
        for env in self.envelopes:
            p = env.payload
            if isinstance(p, UtteranceLogged):
                ctxs.append(Context(window=tuple(turns[-20:])))
                side = SIDES.get(p.speaker, "party")
                turns.append(Turn(text=p.text, side=side, at=env.at, seq=env.seq, speaker=p.speaker))  # type: ignore[arg-type]
        results = pipeline().run_many(turns, ctxs) if turns else []
        return {t.seq: r for t, r in zip(turns, results, strict=True) if t.seq is not None}

    def replay(self, policy: Policy | None = None) -> list[tuple[int, list[Advice]]]:
        """Advice after every event, each computed at that event's time on the log up to it."""
        anns = self.annotations()
        state = IncidentState()
        out = []
        for env in self.envelopes:
            evolve(state, env)
            out.append((env.seq, advise(state, anns, policy or Policy(), env.at)))
        return out

    def first_seq(self, rule_id: str, policy: Policy | None = None) -> int | None:
        """The seq of the first event after which advice of this rule appears (None: never)."""
        for seq, items in self.replay(policy):
            if any(a.rule_id == rule_id for a in items):
                return seq
        return None

    def final(self, policy: Policy | None = None) -> list[Advice]:
        return self.replay(policy)[-1][1]
