"""The doctrine advisor: what the team could do next, why, and which logged events say so.

Why it never acts: the negotiator and team leader decide; the advisor only lists options with their doctrine
reference (CONVENTIONS §5). Why ranked: under stress the team reads the top line first, so priority (1 = act
now) comes from the rule file, re-rankable by agency policy, and ties go to the most recent evidence.
Why stable ids: ``advice_id`` is ``<rule>:<key>`` where the key names the entity the advice is about (a
demand, a deadline, the first warned turn), so recomputing after new events yields the same id and a
dismissal (an ``AdviceDismissed`` event naming the id and advisor version) keeps it off the list. Suicide
advice is keyed by its latest cue, so a new cue brings it back even after a dismissal (indicators.md:
"no improvement was a guarantee").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo

from talkdown.doctrine.advice_rules import DETECTORS
from talkdown.doctrine.evidence import AnnotationMap, Found, View
from talkdown.doctrine.policy import Policy
from talkdown.doctrine.rulebook import Rule, load_rules
from talkdown.domain.events import AdviceDismissed
from talkdown.domain.state import IncidentState

ADVISOR_VERSION = "0.3.0"
"""Recorded with each dismissal and in the API's answer. 0.2.0: the rules added since the first release (transport,
beyond police authority, third party, weapon, hostage welfare, negotiator_avoid) and unrequested_concession read off
the avoid analyser; a card's id and wording may differ from 0.1.0's for the same log. 0.3.0: suicide_by_cop_signs,
from the suicide cue's clue (cues 0.26.0)."""


@dataclass(frozen=True)
class Advice:
    """One advice item as the team sees it; ``about`` gives the specifics, ``reason`` the doctrine."""

    advice_id: str
    rule_id: str
    title: str
    action: str
    reason: str
    about: str
    doctrine_ref: str
    sources: tuple[str, ...]
    trigger_seqs: tuple[int, ...]
    priority: int
    advisor_version: str = ADVISOR_VERSION

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["sources"] = list(self.sources)
        data["trigger_seqs"] = list(self.trigger_seqs)
        return data


def dismissed_ids(board: IncidentState) -> dict[str, int]:
    """Advice ids set aside by the team, with the seq of the dismissal."""
    out: dict[str, int] = {}
    for record in board.dismissed_advice:
        if isinstance(record.event, AdviceDismissed):
            out.setdefault(record.event.advice_id, record.seq)
    return out


def advise(
    board: IncidentState, annotations: AnnotationMap, policy: Policy, now: datetime, *, zone: tzinfo | None = UTC
) -> list[Advice]:
    """Current advice for an open incident, most urgent first; dismissed items and disabled rules left out.

    ``annotations`` maps utterance seq to that utterance's annotations; only seqs up to the board's head
    are read, so replaying the advisor over a prefix of the log never sees the future. ``zone`` is the clock
    the team reads (``TALKDOWN_TIMEZONE``): a time quoted in advice is shown on it, as the board shows times.
    """
    if not board.is_open:
        return []
    view = View(board, annotations, policy, now, zone)
    rules = load_rules()
    dismissed = dismissed_ids(board)
    seen: set[str] = set()
    out: list[Advice] = []
    for detector in DETECTORS:
        for found in detector(view):
            advice_id = f"{found.rule_id}:{found.key}"
            if advice_id in seen or advice_id in dismissed or not policy.is_enabled(found.rule_id):
                continue
            seen.add(advice_id)
            out.append(_worded(found, advice_id, rules[found.rule_id], policy))
    out.sort(key=lambda a: (a.priority, -max(a.trigger_seqs), a.advice_id))
    return out


def _worded(found: Found, advice_id: str, rule: Rule, policy: Policy) -> Advice:
    return Advice(
        advice_id=advice_id,
        rule_id=rule.id,
        title=rule.title,
        action=rule.action,
        reason=rule.reason,
        about=found.about,
        doctrine_ref=rule.doctrine_ref,
        sources=rule.sources,
        trigger_seqs=found.trigger_seqs,
        priority=policy.priority_of(rule.id, rule.priority),
    )
