"""Use case ``talkdown advise``: the current advice for an incident, ranked, with its evidence.

Advice is derived, never stored: it is recomputed from the log, the annotations and the agency policy each
time, so a new advisor version or a new policy changes what is shown without touching the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from talkdown.doctrine.advisor import ADVISOR_VERSION, Advice
from talkdown.services.derived import advice_now, annotations_for, policy_in_force
from talkdown.services.incidents import get_incident
from talkdown.services.wiring import App


@dataclass(frozen=True)
class AdviceList:
    """What ``talkdown advise`` shows: the advice at a moment, for a head seq, under a named policy."""

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


def advise_incident(app: App, ref: str, *, policy_file: Path | None = None, at: datetime | None = None) -> AdviceList:
    """Advice as of ``at`` (default: now on the app's clock), under ``policy_file`` if given, else the policy in
    force (``TALKDOWN_POLICY_FILE``, else the doctrine defaults)."""
    policy = policy_in_force(app, policy_file)
    state = get_incident(app, ref)
    now = at or app.clock.now()
    items = advice_now(state, annotations_for(app, state), policy, now, zone=app.settings.display_zone)
    return AdviceList(
        state.incident_id, state.head_seq, now, policy.agency, ADVISOR_VERSION, tuple(items), state.is_open
    )
