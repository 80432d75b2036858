"""The demo incident that ``serve --demo`` (``make run``) shows: reused while open, never copied per start."""

from __future__ import annotations

import pytest

from talkdown.services import demo, incidents
from talkdown.services.wiring import App

pytestmark = pytest.mark.integration


def test_a_second_start_reuses_the_open_demo_instead_of_adding_a_copy(app: App) -> None:
    first, reused_first = demo.open_live_demo(app)
    second, reused_second = demo.open_live_demo(app)
    assert (reused_first, reused_second) == (False, True)
    assert second == first
    assert [i.incident_id for i in incidents.list_incidents(app)] == [first]


def test_a_fresh_demo_is_recorded_on_request_and_then_reused(app: App) -> None:
    first, _ = demo.open_live_demo(app)
    fresh, reused = demo.open_live_demo(app, fresh=True)
    assert fresh != first and reused is False
    assert demo.open_live_demo(app) == (fresh, True)  # the newest open demo


def test_a_closed_demo_is_not_reused(app: App) -> None:
    closed = demo.load_demo(app)  # `talkdown demo`: recorded and closed
    first, _ = demo.open_live_demo(app)
    incidents.close_incident(app, first, outcome="surrender")
    again, reused = demo.open_live_demo(app)
    assert reused is False and again not in {closed, first}


def test_an_open_incident_of_the_team_is_never_taken_for_the_demo(app: App) -> None:
    script = demo.load_script()
    own = incidents.open_incident(app, title=script["title"], incident_type=script["incident_type"])
    shown, reused = demo.open_live_demo(app)
    assert shown != own and reused is False
