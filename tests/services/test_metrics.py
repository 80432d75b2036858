"""``talkdown metrics``, the board's panel and the after-action report read the same figures off the same log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import pytest

from talkdown.doctrine.metrics import Metric
from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentType, Role, Tone
from talkdown.domain.state import IncidentState
from talkdown.services import diplomatic, entries, incidents
from talkdown.services.advise import advise_incident
from talkdown.services.cases import like_cases
from talkdown.services.live import board_view, metrics_over_time
from talkdown.services.metrics import incident_metrics
from talkdown.services.report import build_report
from talkdown.services.transcripts import import_transcript
from talkdown.services.wiring import App, build_app

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


def test_an_imported_transcript_lasts_as_long_as_its_own_times_say_however_long_ago_it_was_imported(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    # An import logs every line at the moment of import and keeps the transcript's times as text, so Negotiation
    # Duration ran from the import to the wall clock: "0.0 h" that day, "48.0 h" two days later, for a
    # conversation of two hours, and "0.0 h in contact" whatever its gaps.
    transcript = tmp_path / "call.txt"
    transcript.write_text(
        "[00:00:00] NEG: Hi, this is Sam.\n"
        "[00:05:00] SUBJ: Go away.\n"  # 5 minutes: in contact
        "[00:40:00] NEG: I'm still here.\n"
        "[02:00:00] SUBJ: Fine, I'm coming out.\n",
        encoding="utf-8",
    )
    (incident,) = import_transcript(app, transcript, mapping={"NEG": Role.PRIMARY, "SUBJ": Role.SUBJECT})
    clock.advance(timedelta(hours=48))
    duration = next(m for m in incident_metrics(app, incident).metrics if m.id == "negotiation_duration_h")
    assert duration.value == 2.0 and duration.detail == "0.1 h in contact"


def test_metrics_and_the_report_read_the_events_the_state_was_folded_from_even_if_a_line_lands_between(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each read the state (head seq N), then the log, which held an entry recorded in between (seq N + 1): its
    # series, timeline and advice history then showed an event its state, figures and head seq did not.
    incident = incidents.open_incident(app, title="Bank siege", incident_type=IncidentType.BARRICADE)
    diplomatic.record_media(app, incident, outlet="Wire", description="Story runs", tone=Tone.NEUTRAL, reach=2)
    real = incidents.get_incident

    def then_a_second_story(app: App, ref: str) -> IncidentState:
        state = real(app, ref)  # the state is read; another console records before the log is read
        diplomatic.record_media(app, ref, outlet="TV", description="Live feed", tone=Tone.NEGATIVE, reach=5)
        return state

    monkeypatch.setattr("talkdown.services.metrics.get_incident", then_a_second_story)
    result = incident_metrics(app, incident)
    assert result.metric_series and max(p.seq for p in result.metric_series) <= result.head_seq
    assert all(p.seq <= result.head_seq for p in result.indicator_series)
    assert result.metric_series[-1].values["media_exposure"] == _media(result.metrics)

    monkeypatch.setattr("talkdown.services.report.get_incident", then_a_second_story)
    report = build_report(app, incident)
    assert report.timeline and max(row.seq for row in report.timeline) == report.state.head_seq


def test_a_policy_recorded_hours_after_the_last_line_neither_moves_the_metrics_nor_lengthens_the_incident(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    # The advisor records the agency's policy when a board or `advise` first computes advice under it, which may be
    # hours after the last line (a console restarted with the agency's file). Counted as an entry, that look added
    # a point to the metrics over time (the chart and its media exposure ran on to it) and made "duration so far"
    # run to it in `cases like --incident`: reading the incident changed its figures.
    policy = tmp_path / "harrow.yaml"
    policy.write_text("agency: Harrow\nno_concessions: true\n", encoding="utf-8")
    harrow = build_app(app.settings.model_copy(update={"policy_file": policy}), clock=app.clock)
    incident = incidents.open_incident(app, title="Bank siege", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident, name="Dana", role=Role.PRIMARY)
    entries.add_party(app, incident, name="Curtis", role=Role.SUBJECT)
    entries.say(app, incident, speaker="Curtis", text="Nobody comes in.")
    clock.advance(timedelta(minutes=30))
    entries.say(app, incident, speaker="Dana", text="Nobody is coming in. Talk to me.")
    clock.advance(timedelta(hours=3))
    advise_incident(harrow, incident)  # the agency's console computes advice: its policy is recorded now
    harrow.store.engine.dispose()
    state = incidents.get_incident(app, incident)
    assert state.advice_policy is not None and state.advice_policies[-1].seq == state.head_seq == 6

    entry_seqs = list(range(1, state.head_seq))  # every event but the record
    assert [p.seq for p in incident_metrics(app, incident).metric_series] == entry_seqs
    assert [p.seq for p in metrics_over_time(app, incident)] == entry_seqs  # the board's series, kept per process
    situation = like_cases(app, incident=incident).situation
    assert situation.duration_so_far and situation.duration_hours is not None
    assert round(situation.duration_hours * 60) == 30  # opened at the first line's minute; the record added 3 h
