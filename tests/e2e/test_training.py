"""An instructor runs a training session in the console: lines, injects, and a refused one shown in the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from talkdown.services import accounts, train
from talkdown.services.accounts import AccountRole
from tests.e2e.conftest import ARTIFACTS, PASSWORD, Live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _instructor(browser: Browser, live: Live) -> Page:
    accounts.add_user(live.app, username="instructor", role=AccountRole.INSTRUCTOR, password=PASSWORD)
    session_id = train.start_session(live.app, scenario="bridge", seed=3).session_id
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{live.url}/login?next=/training/{session_id}")
    page.get_by_label("User name").fill("instructor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Training: Man on the Harlan Street bridge")).to_be_visible()
    return page


def test_a_refused_line_or_inject_shows_an_alert_and_keeps_the_session_page(browser: Browser, live: Live) -> None:
    page = _instructor(browser, live)
    url = page.url
    line = page.get_by_label("Your line")
    line.fill("   ")  # passes the browser's 'required', refused by the server (TD105)
    page.get_by_role("button", name="Say").click()
    expect(page.locator("#alerts")).to_contain_text("TD105")  # was: the page replaced by problem+json
    assert page.url == url
    line.fill("It sounds like you feel completely let down.")
    page.get_by_role("button", name="Say").click()
    expect(page.locator("#transcript")).to_contain_text("machine shop")  # his reply, after the reload
    train.issue_inject(live.app, url.rsplit("/", 1)[1], inject="traffic_noise")  # another instructor's tab
    page.get_by_role("button", name="Inject wife_arrives").click()
    expect(page.get_by_text("#8 wife_arrives")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "training-session.png"), full_page=True)
