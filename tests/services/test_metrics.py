"""``talkdown metrics``, the board's panel and the after-action report read the same figures off the same log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import pytest

from talkdown.doctrine.metrics import Metric
from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentType, Tone
from talkdown.services import diplomatic, incidents
from talkdown.services.live import board_view
from talkdown.services.metrics import incident_metrics
from talkdown.services.report import build_report
from talkdown.services.wiring import App

pytestmark = pytest.mark.integration


def _media(metrics: Iterable[Metric]) -> float | None:
    return next(m.value for m in metrics if m.id == "media_exposure")


def test_a_closed_incident_is_measured_at_its_close_by_the_metrics_command_the_board_and_the_report(
    app: App, clock: FixedClock
) -> None:
    # Media exposure halves every 12 hours; the report took it at the close, `talkdown metrics` and the board at
    # the wall clock, so a day after the close the same log read 3.0 in the report and 0.75 everywhere else.
    incident = incidents.open_incident(app, title="Engineer held abroad", incident_type=IncidentType.KIDNAP_FOR_RANSOM)
    diplomatic.record_media(app, incident, outlet="Wire", description="Story runs", tone=Tone.NEUTRAL, reach=3)
    incidents.close_incident(app, incident, outcome="negotiated_release")
    closed_at = incidents.get_incident(app, incident).closed_at
    clock.advance(timedelta(hours=24))

    result = incident_metrics(app, incident)
    assert result.at == closed_at
    assert _media(result.metrics) == 3.0  # one second of decay: 3 x 0.5^(1/43200) rounds to 3.0
    assert _media(board_view(app, incident).metrics) == 3.0
    assert _media(build_report(app, incident).metrics) == 3.0
