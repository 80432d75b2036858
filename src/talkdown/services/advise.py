"""Use case ``talkdown advise``: the current advice for an incident, ranked, with its evidence.

Advice is derived, never stored: it is recomputed from the log, the annotations and the agency policy each
time, so a new advisor version or a new policy changes what is shown without touching the record.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from talkdown.doctrine.advisor import ADVISOR_VERSION
from talkdown.services.derived import (
    AdviceList,
    advice_now,
    annotations_for,
    policy_in_force,
    record_policy_in_force,
)
from talkdown.services.incidents import get_incident
from talkdown.services.wiring import App


def advise_incident(app: App, ref: str, *, policy_file: Path | None = None, at: datetime | None = None) -> AdviceList:
    """Advice as of ``at`` (default: now on the app's clock), under ``policy_file`` if given, else the policy in
    force (``TALKDOWN_POLICY_FILE``, else the doctrine defaults)."""
    policy = policy_in_force(app, policy_file)
    state = get_incident(app, ref)
    # The installation's policy, the team's, is recorded in the log; a --policy is a what-if, and is not.
    if policy_file is None and record_policy_in_force(app, state):
        state = get_incident(app, state.incident_id)
    now = at or app.clock.now()
    items = advice_now(state, annotations_for(app, state), policy, now, zone=app.settings.display_zone)
    return AdviceList(
        state.incident_id, state.head_seq, now, policy.agency, ADVISOR_VERSION, tuple(items), state.is_open
    )
