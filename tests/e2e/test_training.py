"""An instructor runs a training session in the console: lines, injects, and a refused one shown in the page."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import Browser, Page, expect

from talkdown.domain.text import LONG_TEXT_MAX
from talkdown.services import accounts, train
from talkdown.services.accounts import AccountRole
from tests.e2e.conftest import ARTIFACTS, PASSWORD, Live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _instructor(browser: Browser, live: Live) -> Page:
    if "instructor" not in {name for name, _role, _disabled in accounts.list_users(live.app)}:  # one per module
        accounts.add_user(live.app, username="instructor", role=AccountRole.INSTRUCTOR, password=PASSWORD)
    runner = copy.copy(live.app)
    runner.actor = "user:instructor"  # his own session: only the trainee who runs one says its lines
    session_id = train.start_session(runner, scenario="bridge", seed=3).session_id
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


def test_a_trainee_opens_his_debrief_from_the_session_list_once_the_session_ends(browser: Browser, live: Live) -> None:
    accounts.add_user(live.app, username="alex", role=AccountRole.NEGOTIATOR, password=PASSWORD)
    runner = copy.copy(live.app)
    runner.actor = "user:alex"
    session_id = train.start_session(runner, scenario="bridge", seed=3, trainee="alex").session_id
    train.take_turn(runner, session_id, text="Sounds like you feel let down.")
    train.take_turn(runner, session_id, text="Is anyone else up there with you?")
    train.end_session(live.app, session_id, reason="class over")  # the instructor, from his terminal
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{live.url}/login?next=/training")
    page.get_by_label("User name").fill("alex")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Debrief").click()
    expect(page.get_by_role("heading", name="Training debrief: Man on the Harlan Street bridge")).to_be_visible()
    expect(page.get_by_text("The session was stopped after 2 exchanges: class over.")).to_be_visible()
    listening = page.get_by_role("heading", name="Active-listening skills").locator("xpath=following::table[1]")
    expect(listening).to_contain_text("emotion_labeling")
    expect(listening).not_to_contain_text("closed_question")  # under "Other moves"
    page.screenshot(path=str(ARTIFACTS / "training-debrief.png"), full_page=True)


def test_a_training_sessions_board_offers_only_the_team_note(browser: Browser, live: Live) -> None:
    page = _instructor(browser, live)
    session_id = page.url.rsplit("/", 1)[1]
    page.goto(f"{live.url}/incidents/{session_id}")
    expect(page.locator("#live")).to_have_text("live")
    expect(page.get_by_text("this board takes only notes")).to_be_visible()
    # Every one of these was shown and answered TD332 when used: the log of a simulated session takes notes only.
    for name in ("Add party", "Add", "Add intel", "Close incident", "Record demand"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_hidden()
    expect(page.get_by_text("Record a demand, deadline, promise or concession")).to_be_hidden()
    expect(page.locator("#log .marks button").first).to_be_hidden()
    page.get_by_label("Team note").fill("Watch the pace of his questions.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#alerts")).not_to_contain_text("TD332")
    expect(page.get_by_label("Team note")).to_have_value("")  # reset on success: the note was recorded
    assert [e.payload.kind for e in live.app.store.load(session_id)].count("note_added") == 1
    page.screenshot(path=str(ARTIFACTS / "training-board-notes-only.png"), full_page=True)


def test_an_instructor_watching_a_trainees_session_sees_his_lines_and_the_gauges_move(
    browser: Browser, live: Live
) -> None:
    _instructor(browser, live).context.close()  # the instructor's account
    if "sam" not in {name for name, _role, _disabled in accounts.list_users(live.app)}:
        accounts.add_user(live.app, username="sam", role=AccountRole.NEGOTIATOR, password=PASSWORD)
    trainee = copy.copy(live.app)
    trainee.actor = "user:sam"
    session_id = train.start_session(trainee, scenario="bridge", seed=3, trainee="sam").session_id
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{live.url}/login?next=/training/{session_id}")
    page.get_by_label("User name").fill("instructor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("active_listening · turn 0")).to_be_visible()
    train.take_turn(trainee, session_id, text="Sounds like you feel let down.")  # the trainee, in his own browser
    expect(page.locator("#transcript")).to_contain_text("Sounds like you feel let down.")  # only on reload, before
    expect(page.get_by_text("active_listening · turn 1")).to_be_visible()
    train.end_session(trainee, session_id, reason="done")
    expect(page.get_by_text("ended (unresolved)")).to_be_visible()


def test_a_pasted_line_over_the_limit_is_refused_in_the_session_page_not_cut(browser: Browser, live: Live) -> None:
    """The chat box had maxlength="5000", which cut a pasted longer line without a word and sent the rest. The
    limit is the one every face applies to a line said (``LONG_TEXT_MAX``)."""
    page = _instructor(browser, live)
    session_id = page.url.rsplit("/", 1)[1]
    line = page.get_by_label("Your line")
    line.focus()
    page.keyboard.insert_text("y" * (LONG_TEXT_MAX + 1))
    page.get_by_role("button", name="Say").click()
    expect(page.locator(".field-limit")).to_contain_text(
        f"{LONG_TEXT_MAX + 1:,} characters; the limit is {LONG_TEXT_MAX:,}"
    )
    assert len(line.input_value()) == LONG_TEXT_MAX + 1
    assert len(train.get_session(live.app, session_id).utterances) == 1  # his opening line only: nothing sent
