"""Use case ``talkdown advise dismiss``: the team sets an advice item aside, and the log says why.

Why an event: acting on derived data is itself a fact a court may ask about (CONVENTIONS §4), so the
dismissal is an ``AdviceDismissed`` event naming the advice id, its rule and the advisor version, with the
reason in the team's words. Only advice that is current can be dismissed, so a typo cannot silence a rule: current
on the board (the analysis stored beside the log, as ``live.board_view`` reads it), or once the lines not analysed
yet are (``talkdown advise``'s answer, and the board's when the console's worker catches up).
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
    find_advice,
    fresh_annotations,
    policy_in_force,
    record_policy_in_force,
    stored_annotations,
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
    when = at or app.clock.now()
    # The card as the board shows it: from the analysis stored beside each line, a line not analysed yet read as
    # the board reads it, with none. Run the whole pipeline over the log instead (as before), a click cost 0.8 s at
    # 200 lines and 1 s at 400 after each new line, and where the stored rows and a new run differ (the worker
    # behind, rows stored on the window a line had then) it refused the card clicked or found another.
    stored = stored_annotations(app, state)
    item = find_advice(advice_now(state, stored.rows, policy, when, zone=zone), advice_id)
    if item is None and stored.pending:
        # The card as it is once those lines are analysed: the board's when the worker stores them, and what
        # ``talkdown advise`` shows a team whose lines no console analysed. Only those lines are analysed.
        read = stored.rows | fresh_annotations(app, state, stored.pending)
        item = find_advice(advice_now(state, read, policy, when, zone=zone), advice_id)
    if item is None:
        raise TalkdownError("TD240", incident_id=state.incident_id, advice_id=advice_id)
    event = AdviceDismissed(
        advice_id=item.advice_id, rule_id=item.rule_id, advisor_version=item.advisor_version, reason=reason
    )
    envelopes = app.recorder.record(state.incident_id, [event], actor=app.actor)
    return envelopes[-1].seq
