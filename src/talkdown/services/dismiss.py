"""Use case ``talkdown advise dismiss``: the team sets an advice item aside, and the log says why.

Why an event: acting on derived data is itself a fact a court may ask about (CONVENTIONS §4), so the
dismissal is an ``AdviceDismissed`` event naming the advice id, its rule and the advisor version, with the
reason in the team's words. Only advice that is current can be dismissed, so a typo cannot silence a rule.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from talkdown.doctrine.advisor import dismissed_ids
from talkdown.domain.events import AdviceDismissed
from talkdown.domain.text import require_short
from talkdown.errors import TalkdownError
from talkdown.services.derived import (
    advice_now,
    annotations_for,
    find_advice,
    policy_in_force,
    record_policy_in_force,
)
from talkdown.services.incidents import get_incident
from talkdown.services.wiring import App


def dismiss_advice(
    app: App,
    ref: str,
    *,
    advice_id: str,
    reason: str,
    policy_file: Path | None = None,
    at: datetime | None = None,
) -> int:
    """Log the dismissal of a current advice item and return its seq.

    TD140 no reason, TD301 a closed incident (it has no current advice), TD240 unknown, TD340 twice.
    """
    reason = require_short(reason, what="reason").strip()  # refused whole, as the console's form does; was cut
    if not reason:
        raise TalkdownError("TD140", advice_id=advice_id)
    state = get_incident(app, ref)
    if not state.is_open:  # a closed incident has no current advice: TD240 sent the user to an empty list
        raise TalkdownError("TD301", incident_id=state.incident_id)
    earlier = dismissed_ids(state).get(advice_id)
    if earlier is not None:
        raise TalkdownError("TD340", advice_id=advice_id, seq=earlier)
    policy, zone = policy_in_force(app, policy_file), app.settings.display_zone
    if policy_file is None:  # as ``talkdown advise``: the log records the installation's policy, not a what-if
        record_policy_in_force(app, state)
    current = advice_now(state, annotations_for(app, state), policy, at or app.clock.now(), zone=zone)
    item = find_advice(current, advice_id)
    if item is None:
        raise TalkdownError("TD240", incident_id=state.incident_id, advice_id=advice_id)
    event = AdviceDismissed(
        advice_id=item.advice_id, rule_id=item.rule_id, advisor_version=item.advisor_version, reason=reason
    )
    envelopes = app.recorder.record(state.incident_id, [event], actor=app.actor)
    return envelopes[-1].seq
