"""Use case ``talkdown advise``: the current advice for an incident, ranked, with its evidence.

Advice is derived, never stored: it is recomputed from the log, the annotations and the agency policy each
time, so a new advisor version or a new policy changes what is shown without touching the record. The annotations
are the ones the console's board reads (stored beside each line), with the lines not analysed yet analysed here, so
the terminal, the board and its advice API give one answer, and ``advise dismiss`` finds what this command showed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from talkdown.doctrine.advisor import ADVISOR_VERSION
from talkdown.services.derived import (
    AdviceList,
    advice_now,
    line_annotations,
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
    # The analysis the board reads, and the lines it has not analysed yet analysed here (every line when no console
    # ran): a new run of the whole log gave another card where a line's stored rows differ from a run now (stored on
    # the window it had then), and the dismissal, which reads the board's, refused the card this command showed.
    items = advice_now(state, line_annotations(app, state), policy, now, zone=app.settings.display_zone)
    return AdviceList(
        state.incident_id, state.head_seq, now, policy.agency, ADVISOR_VERSION, tuple(items), state.is_open
    )
