"""Two teammates on one board: the scribe's entry reaches the team leader's screen over SSE, no reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from talkdown.services import incidents
from tests.e2e.conftest import ARTIFACTS, PASSWORD, Live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LINE = "Get me a car. You got 10 minutes, then I kill him."


def _sign_in(browser: Browser, live: Live, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{live.url}/login?next=/incidents/{live.incident_id}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Linden Court barricade")).to_be_visible()
    expect(page.locator("#live")).to_have_text("live")
    return page


def test_scribe_line_reaches_the_team_leader_with_threat_chip_countdown_and_advice(
    browser: Browser, live: Live
) -> None:
    leader = _sign_in(browser, live, "team_leader")
    scribe = _sign_in(browser, live, "scribe")

    box = scribe.get_by_label("What was said")
    box.fill(LINE)
    box.press("Enter")
    line = scribe.locator("#log article.utt").filter(has_text="You got 10 minutes")
    expect(line).to_be_visible()
    expect(box).to_have_value("")
    box.press("Alt+t")  # mark the last line as a deadline, from the time its cue parsed
    expect(scribe.locator("#alerts")).to_contain_text("saved")

    theirs = leader.locator("#log article.utt").filter(has_text="You got 10 minutes")
    expect(theirs).to_be_visible()
    expect(theirs.locator(".chip-threat")).to_have_text("threat")
    expect(theirs.locator("mark.ev-talkdown_cue").first).to_be_visible()
    expect(leader.locator("#panel-ledger .countdown.big")).to_have_text(re.compile(r"^in (9|10):\d\d$"))
    expect(leader.locator("#panel-advice .advice-item").first).to_be_visible()
    expect(leader.locator("#panel-advice")).to_contain_text("Deadline approaching")
    leader.screenshot(path=str(ARTIFACTS / "board-team-leader.png"), full_page=True)
    scribe.screenshot(path=str(ARTIFACTS / "board-scribe.png"), full_page=True)


def test_an_observer_sees_no_entry_box_and_the_server_refuses_their_post(browser: Browser, live: Live) -> None:
    observer = _sign_in(browser, live, "observer")
    expect(observer.get_by_label("What was said")).to_have_count(0)
    expect(observer.get_by_role("button", name="Dismiss")).to_have_count(0)
    token = observer.locator('meta[name="csrf-token"]').get_attribute("content")
    response = observer.request.post(
        f"{live.url}/api/incidents/{live.incident_id}/utterances",
        data={"speaker": "subj", "text": "hello"},
        headers={"X-CSRF-Token": token or ""},
    )
    assert response.status == 403
    assert response.json()["code"] == "TD350"
    observer.screenshot(path=str(ARTIFACTS / "board-observer.png"), full_page=True)


def test_incident_list_and_printable_quick_guide_render(browser: Browser, live: Live) -> None:
    page = _sign_in(browser, live, "team_leader")
    page.goto(f"{live.url}/incidents")
    expect(page.get_by_role("link", name="Linden Court barricade")).to_be_visible()
    expect(page.get_by_role("button", name="Open incident")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "incident-list.png"), full_page=True)
    page.goto(f"{live.url}/guide")
    expect(page.get_by_role("heading", name=re.compile("First officer on scene"))).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "guide-print.png"), full_page=True)


def test_a_pasted_line_over_the_limit_is_refused_in_the_page_whole_not_cut_and_logged(
    browser: Browser, live: Live
) -> None:
    """The entry box had maxlength="10000": a pasted 10,001-character line was cut to 10,000 without a word and
    logged as if whole. Now the box keeps every character, says how long it is and the limit, and sends nothing."""
    scribe = _sign_in(browser, live, "scribe")
    before = len(incidents.get_incident(live.app, live.incident_id).utterances)
    box = scribe.get_by_label("What was said")
    box.focus()
    scribe.keyboard.insert_text("word " * 2000 + "x")  # as a paste: the browser applies maxlength to it
    box.press("Enter")
    expect(scribe.locator(".field-limit")).to_have_text(
        "Too long to send: 10,001 characters; the limit is 10,000. Nothing was sent: shorten it or split it."
    )
    assert len(box.input_value()) == 10_001
    box.press("Backspace")  # at the limit it goes
    expect(scribe.locator(".field-limit")).to_be_hidden()
    box.press("Enter")
    expect(box).to_have_value("")
    assert len(incidents.get_incident(live.app, live.incident_id).utterances) == before + 1
    assert len(incidents.get_incident(live.app, live.incident_id).utterances[-1].text) == 10_000


def test_a_line_listing_two_demands_has_a_demand_button_for_each_item(browser: Browser, live: Live) -> None:
    """Marking "I want cigarettes and food. And I want a car." put only the cigarettes on the ledger."""
    scribe = _sign_in(browser, live, "scribe")
    box = scribe.get_by_label("What was said")
    box.fill("I want cigarettes and food. And I want a car.")
    box.press("Enter")
    line = scribe.locator("#log article.utt").filter(has_text="And I want a car")
    car = line.get_by_role("button", name="D: a car")
    expect(car).to_be_visible()  # once the line's analysis is pushed
    expect(line.get_by_role("button", name="D: cigarettes and food")).to_be_visible()
    car.click()
    expect(scribe.locator("#alerts")).to_contain_text("saved")
    expect(scribe.locator("#panel-ledger")).to_contain_text("a car")
    expect(scribe.locator("#panel-advice")).to_contain_text("He asked for 'cigarettes and food'")
    expect(scribe.locator("#panel-advice")).not_to_contain_text("He asked for 'a car'")
    scribe.screenshot(path=str(ARTIFACTS / "board-two-demands.png"), full_page=True)
