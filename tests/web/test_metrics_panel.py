"""The board's metrics panel: the seed-001 metrics now and over time, from logged events only."""

from __future__ import annotations

from talkdown.domain.enums import ChannelKind, HostageCondition, IncidentType, StakeholderKind
from talkdown.services import diplomatic, entries, incidents
from talkdown.services.accounts import AccountRole as R
from talkdown.web.rendering import sparkline
from tests.web.conftest import Console


def test_the_board_shows_each_seed_metric_and_a_trend_once_there_is_history(console: Console) -> None:
    hid, _ = entries.record_hostage(
        console.app, console.incident_id, alias="Owen", condition=HostageCondition.DISTRESSED
    )
    entries.change_hostage(console.app, console.incident_id, hostage_id=hid, condition=HostageCondition.INJURED)
    page = console.client(R.OBSERVER).get(f"/incidents/{console.incident_id}").text
    assert 'id="panel-metrics"' in page
    for name in ("Hostage Well-being", "Negotiation Duration", "Concession Level", "Release Probability"):
        assert name in page
    assert "<polyline" in page and "over time" in page


def test_a_sparkline_scales_a_series_to_its_own_range_and_skips_gaps() -> None:
    assert sparkline([2.0, None, 4.0], width=10, height=10) == "0.0,10.0 10.0,0.0"
    assert sparkline([5.0]) == ""
    assert sparkline([3.0, 3.0], width=4, height=2) == "0.0,2.0 4.0,2.0"


def test_a_long_series_keeps_a_few_points_per_pixel_column_and_its_spikes() -> None:
    values: list[float | None] = [float(i % 7) for i in range(5000)]
    values[2501] = 100.0  # one event's spike in a long incident
    points = [tuple(map(float, p.split(","))) for p in sparkline(values, width=120, height=24).split()]
    assert len(points) <= 4 * 121
    assert min(y for _, y in points) == 0.0  # the spike is the top of the line (y grows downwards)
    assert points[0][0] == 0.0 and points[-1][0] == 120.0
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    short = [1.0, 5.0, 2.0, 4.0]
    assert len(sparkline(short, width=120).split()) == len(short)  # few points: all kept


def test_a_barricade_board_leaves_out_the_diplomatic_metrics_and_says_why(console: Console) -> None:
    page = console.client(R.OBSERVER).get(f"/incidents/{console.incident_id}").text
    panel = page[page.index('id="panel-metrics"') :]
    panel = panel[: panel.index("</section>")]
    assert ">Concession Level</th>" in panel
    for name in ("International Support", "Media Exposure", "Diplomatic Relations Impact"):
        assert f">{name}</th>" not in panel
    assert "are left out: seed 001 ties them to kidnap-abroad and state-level cases" in panel


def test_a_state_level_board_and_its_report_show_the_diplomatic_metrics(console: Console) -> None:
    incident_id = incidents.open_incident(console.app, title="Embassy", incident_type=IncidentType.DIPLOMATIC_STATE)
    observer = console.client(R.OBSERVER)
    page = observer.get(f"/incidents/{incident_id}").text
    for name in ("International Support", "Media Exposure", "Diplomatic Relations Impact"):
        assert f">{name}</th>" in page
    assert "are left out" not in page
    report = console.client(R.TEAM_LEADER).get(f"/incidents/{incident_id}/report").text
    assert "<td>Diplomatic Relations Impact</td>" in report and "are left out" not in report


def test_the_board_shows_the_diplomatic_track_escaped_and_hides_the_panel_while_it_is_empty(console: Console) -> None:
    # The entries fed these metrics but the board never showed them. While the track is empty the panel shows only
    # to the roles that may record on it (body.can-record_entry): an observer's body has no such class.
    incident_id = incidents.open_incident(console.app, title="Embassy", incident_type=IncidentType.DIPLOMATIC_STATE)
    observer = console.client(R.OBSERVER)
    empty = observer.get(f"/incidents/{incident_id}").text
    assert (
        '<section id="panel-diplomatic" class="panel needs-record_entry as-block" aria-labelledby="h-diplomatic">'
        in empty
    )
    assert "can-record_entry" not in empty
    diplomatic.add_stakeholder(console.app, incident_id, name="<b>ICRC</b>", kind=StakeholderKind.INTERMEDIARY)
    diplomatic.open_channel(
        console.app, incident_id, kind=ChannelKind.BACK_CHANNEL, description="Geneva", with_=["<b>ICRC</b>"]
    )
    page = observer.get(f"/incidents/{incident_id}").text
    panel = page[page.index('id="panel-diplomatic"') :]
    panel = panel[: panel.index("</section>")]
    assert " hidden" not in panel.split(">", 1)[0]
    assert "Stakeholder &lt;b&gt;ICRC&lt;/b&gt; (intermediary)" in panel and "<b>ICRC" not in panel
    assert "Channel (back-channel): Geneva (with &lt;b&gt;ICRC&lt;/b&gt;)" in panel
