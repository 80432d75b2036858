"""Use case ``talkdown metrics``: the seed-001 metrics and the doctrine indicators, now and over time.

Both are recomputed from the log on each call (metrics from events only, indicators also from the
annotations), so they can be versioned or discarded without touching the record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from talkdown.doctrine.indicators import DEFINITIONS, IndicatorDef, IndicatorPoint, indicator_series
from talkdown.doctrine.metrics import (
    Metric,
    MetricPoint,
    current_metrics,
    measured_at,
    metric_series,
    shown_metrics,
)
from talkdown.doctrine.release_model import ReleaseEstimate
from talkdown.services.derived import annotations_for
from talkdown.services.incidents import events_through, get_incident
from talkdown.services.wiring import App


@dataclass(frozen=True)
class IncidentMetrics:
    incident_id: str
    head_seq: int
    at: datetime
    metrics: tuple[Metric, ...]
    release: ReleaseEstimate | None
    metric_series: tuple[MetricPoint, ...]
    indicators: tuple[IndicatorDef, ...]
    indicator_series: tuple[IndicatorPoint, ...]
    shown: tuple[Metric, ...] = ()  # the metrics a table shows (``metrics`` keeps all seven, each with ``applies``)
    shown_note: str = ""  # which were left out and why

    def to_json(self) -> dict[str, object]:
        return {
            "incident_id": self.incident_id,
            "head_seq": self.head_seq,
            "at": self.at.isoformat(),
            "metrics": [asdict(m) for m in self.metrics],
            "release": asdict(self.release) if self.release is not None else None,
            "metric_series": [asdict(p) for p in self.metric_series],
            "indicators": [asdict(d) for d in self.indicators],
            "indicator_series": [asdict(p) for p in self.indicator_series],
        }


def incident_metrics(app: App, ref: str, *, at: datetime | None = None) -> IncidentMetrics:
    """Metrics as of ``at`` (default now; a closed incident is measured at its close) plus both series."""
    state = get_incident(app, ref)
    envelopes = events_through(app, state)  # the log the state was folded from
    now = measured_at(state, at or app.clock.now())
    metrics, release = current_metrics(state, now)
    indicators = indicator_series(envelopes, annotations_for(app, state))
    shown, note = shown_metrics(metrics, state)
    return IncidentMetrics(
        state.incident_id,
        state.head_seq,
        now,
        tuple(metrics),
        release,
        tuple(metric_series(envelopes)),
        DEFINITIONS,
        tuple(indicators),
        shown,
        note,
    )
