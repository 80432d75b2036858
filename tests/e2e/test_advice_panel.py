"""The advisor panel on an open board: its forms must not stop the board's other panels from updating."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from talkdown.services import entries, incidents
from talkdown.services import live as live_service
from talkdown.services.demo import load_demo
from tests.e2e.conftest import PASSWORD, Live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_demand_reaches_an_open_board_whose_advice_ids_hold_a_colon(browser: Browser, live: Live) -> None:
    # Advice ids such as 'high_risk_factors:suicidal_intent' were used as the id of the dismissal form, which
    # htmx keeps across re-renders (hx-preserve) and finds again with querySelector('#' + id): a colon makes
    # that selector invalid, so every push of the side panels failed (htmx:swapError) and a demand recorded by
    # a teammate never appeared on the boards already open.
    incident_id = load_demo(live.app, close=False, live=True)
    live_service.analyse_pending(live.app, incident_id)
    ids = [a.advice_id for a in live_service.board_view(live.app, incident_id).advice]
    assert any(":" in advice_id for advice_id in ids), ids  # the case this test is about

    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live.url}/login?next=/incidents/{incident_id}")
    page.get_by_label("User name").fill("team_leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#live")).to_have_text("live")

    entries.record_demand(live.app, incident_id, item="a pizza with extra olives")
    expect(page.locator("#panel-ledger").get_by_text("a pizza with extra olives")).to_be_visible()
    # The panel pushed in after the demand still names the policy its advice follows, as `talkdown advise` does.
    expect(page.locator("#panel-advice .policy")).to_have_text("Policy: talkdown defaults (usual US/European doctrine)")
    assert errors == []


def test_the_team_leader_dismisses_advice_whose_id_holds_a_colon_from_the_board(browser: Browser, live: Live) -> None:
    incident_id = load_demo(live.app, close=False, live=True)
    live_service.analyse_pending(live.app, incident_id)
    advice = next(a for a in live_service.board_view(live.app, incident_id).advice if ":" in a.advice_id)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live.url}/login?next=/incidents/{incident_id}")
    page.get_by_label("User name").fill("team_leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#live")).to_have_text("live")

    item = page.locator(f'#panel-advice li[data-advice-id="{advice.advice_id}"]')
    item.get_by_label(f"Reason to dismiss {advice.title}").fill("Mental health consultant already on the line")
    item.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#alerts")).to_contain_text("saved")
    dismissed = incidents.get_incident(live.app, incident_id).dismissed_advice
    assert [(r.event.advice_id, r.event.reason) for r in dismissed] == [
        (advice.advice_id, "Mental health consultant already on the line")
    ]
