"""A team running a new incident from the board alone: who spoke, the record's entries, close and reopen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import DemandStatus, HostageCondition, IncidentType, Role
from talkdown.services import accounts, entries, incidents
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app
from talkdown.web.config import WebConfig
from tests.e2e.conftest import ARTIFACTS, PASSWORD, Live
from tests.web.server import free_port, running

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _new_incident(live: Live, title: str) -> str:
    return incidents.open_incident(live.app, title=title, incident_type=IncidentType.BARRICADE)


def _board(browser: Browser, live: Live, username: str, incident_id: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{live.url}/login?next=/incidents/{incident_id}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#live")).to_have_text("live")
    return page


def test_a_new_incident_still_offers_the_primary_after_the_subject_has_spoken(browser: Browser, live: Live) -> None:
    incident_id = _new_incident(live, "Harbour Road barricade")
    entries.say(live.app, incident_id, speaker="Subject", text="Stay back!", role_if_new=Role.SUBJECT)
    scribe = _board(browser, live, "scribe", incident_id)

    speakers = scribe.locator("#speakers")
    expect(speakers.get_by_role("radio")).to_have_count(2)
    box = scribe.get_by_label("What was said")
    box.press("Alt+s")
    expect(speakers.get_by_role("radio", name="Primary")).to_be_checked()
    box.fill("This is Dana with the police. Is anyone hurt?")
    box.press("Enter")

    line = scribe.locator("#log article.utt").filter(has_text="Is anyone hurt?")
    expect(line.locator(".speaker")).to_have_text("Primary")
    state = incidents.get_incident(live.app, incident_id)
    assert [p.role for p in state.parties.values()] == [Role.SUBJECT, Role.PRIMARY]
    scribe.screenshot(path=str(ARTIFACTS / "board-new-incident-speakers.png"), full_page=True)


def test_a_wrong_incident_id_and_a_bad_form_value_show_an_error_page(browser: Browser, live: Live) -> None:
    page = _board(browser, live, "team_leader", live.incident_id)
    response = page.goto(f"{live.url}/incidents/ffffffffffff")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("TD201 No incident 'ffffffffffff'")
    page.get_by_role("link", name="Back to the incidents").click()
    page.get_by_label("Title").fill("Quay 4")
    page.locator("select[name=incident_type] option").first.evaluate("o => { o.value = 'nonsense'; }")
    page.get_by_label("Type").select_option("nonsense")
    with page.expect_response(f"{live.url}/incidents") as posted:
        page.get_by_role("button", name="Open incident").click()
    assert posted.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("TD105 'nonsense' is not a valid incident_type")
    page.screenshot(path=str(ARTIFACTS / "error-page-bad-form-value.png"), full_page=True)


def test_the_team_leader_closes_and_reopens_and_the_scribe_sees_it_without_reloading(
    browser: Browser, live: Live
) -> None:
    incident_id = _new_incident(live, "Mill Lane barricade")
    leader = _board(browser, live, "team_leader", incident_id)
    scribe = _board(browser, live, "scribe", incident_id)
    expect(scribe.get_by_role("button", name="Close incident")).to_have_count(0)

    leader.get_by_label("Outcome").fill("negotiated_surrender")
    leader.get_by_label("Closing note").fill("walked out at 03:12")
    leader.get_by_role("button", name="Close incident").click()
    expect(leader.locator("#alerts")).to_contain_text("saved")
    status = scribe.get_by_label("Incident status")
    expect(status).to_contain_text("closed")
    expect(status).to_contain_text("outcome: negotiated surrender")
    box = scribe.get_by_label("What was said")
    box.fill("Are you still there?")
    box.press("Enter")
    expect(scribe.locator("#alerts")).to_contain_text("TD301")
    scribe.screenshot(path=str(ARTIFACTS / "board-closed-scribe.png"), full_page=True)

    leader.get_by_label("Reason to reopen").fill("he called back")
    leader.get_by_role("button", name="Reopen incident").click()
    expect(status).to_contain_text("open")
    expect(status).not_to_contain_text("closed")
    box.press("Enter")
    expect(scribe.locator("#log article.utt").filter(has_text="Are you still there?")).to_be_visible()


def test_what_a_teammate_is_typing_in_a_panel_survives_the_live_updates(browser: Browser, live: Live) -> None:
    incident_id = _new_incident(live, "Canal Street barricade")
    intel = _board(browser, live, "team_leader", incident_id)
    scribe = _board(browser, live, "scribe", incident_id)
    draft = intel.get_by_role("textbox", name="Intelligence")
    draft.click()
    draft.press_sequentially("Neighbour says he owns a rifle")

    box = scribe.get_by_label("What was said")
    box.fill("Get me a car. You got 10 minutes, then I kill him.")
    box.press("Enter")
    line = intel.locator("#log article.utt").filter(has_text="You got 10 minutes")
    expect(line.locator(".chip-threat")).to_be_visible()  # the same push re-renders every side panel
    expect(intel.locator("#panel-metrics")).to_contain_text("Negotiation Duration")

    expect(draft).to_have_value("Neighbour says he owns a rifle")
    expect(draft).to_be_focused()
    draft.press_sequentially(" (unverified)")
    intel.get_by_label("Source").fill("neighbour")
    intel.get_by_role("button", name="Add intel").click()
    expect(scribe.locator("#panel-intel")).to_contain_text("owns a rifle (unverified)")
    expect(draft).to_have_value("")


def test_a_status_a_teammate_changed_shows_in_the_form_beside_it_not_the_old_one(browser: Browser, live: Live) -> None:
    """The demand-status and hostage-condition forms are kept across pushes (hx-preserve): kept by a fixed id, they
    went on showing "open" beside a demand now "refused", and the hostage's old condition beside the new one."""
    incident_id = _new_incident(live, "Ferry Lane hostage")
    demand_id, _ = entries.record_demand(live.app, incident_id, item="Talk to his wife")
    hostage_id, _ = entries.record_hostage(live.app, incident_id, alias="Ann")
    scribe = _board(browser, live, "scribe", incident_id)
    status = scribe.get_by_role("combobox", name="Status of demand Talk to his wife")
    condition = scribe.get_by_role("combobox", name="Condition of Ann")
    expect(status).to_have_value("open")
    expect(condition).to_have_value("unknown")

    entries.change_demand(live.app, incident_id, demand_id=demand_id, status=DemandStatus.REFUSED)
    entries.change_hostage(live.app, incident_id, hostage_id=hostage_id, condition=HostageCondition.INJURED)
    expect(scribe.locator("#panel-hostages .badge.cond")).to_have_text("injured")
    expect(status).to_have_value("refused")
    expect(condition).to_have_value("injured")


def test_the_team_records_parties_ledger_and_hostages_from_the_board(browser: Browser, live: Live) -> None:
    incident_id = _new_incident(live, "Bridge Street hostage")
    leader = _board(browser, live, "team_leader", incident_id)
    scribe = _board(browser, live, "scribe", incident_id)
    observer = _board(browser, live, "observer", incident_id)
    expect(observer.get_by_role("button", name="Add party")).to_be_hidden()
    expect(observer.get_by_text("Record a demand, deadline, promise or concession")).to_be_hidden()
    expect(observer.locator("#speakers")).to_be_hidden()

    leader.get_by_role("radio", name="Primary").check()
    scribe.get_by_label("Party name").fill("Det. Dana Reyes")
    scribe.get_by_role("button", name="Add party").click()
    expect(leader.locator("#panel-roster")).to_contain_text("Det. Dana Reyes")
    expect(leader.get_by_role("radio", name="Det. Dana Reyes")).to_be_checked()  # the stand-in's role, kept
    expect(leader.get_by_role("radio", name="Primary")).to_have_count(0)

    scribe.get_by_text("Record a demand, deadline, promise or concession").click()
    scribe.get_by_role("textbox", name="Demand", exact=True).fill("A car to the airport")
    scribe.locator("#ledger-add").get_by_label("Category").select_option("transport")
    scribe.get_by_role("button", name="Record demand").click()
    scribe.get_by_label("Deadline due in").fill("45m")
    scribe.get_by_label("Deadline description").fill("or he hurts her")
    scribe.get_by_role("button", name="Record deadline").click()
    scribe.get_by_role("textbox", name="Promise", exact=True).fill("Food within the hour")
    scribe.get_by_role("button", name="Record promise").click()
    scribe.get_by_role("textbox", name="Concession", exact=True).fill("Phone line kept open")
    scribe.get_by_label("Concession in exchange for").fill("one hostage")
    scribe.get_by_role("button", name="Record concession").click()
    ledger = leader.locator("#panel-ledger")
    expect(ledger).to_contain_text("A car to the airport")
    expect(ledger).to_contain_text("or he hurts her")
    expect(ledger).to_contain_text("Phone line kept open for one hostage")

    leader.get_by_label("Status of demand A car to the airport").select_option("in_progress")
    leader.locator("#panel-ledger li").filter(has_text="A car to the airport").get_by_role("button", name="Set").click()
    ledger.locator("li").filter(has_text="Food within the hour").get_by_text("Kept or broken…").click()
    ledger.get_by_label("New status of promise Food within the hour").select_option("kept")
    ledger.get_by_role("button", name="Confirm status of promise Food within the hour").click()
    ledger.get_by_text("Met or passed…").click()
    ledger.locator(".deadline select").select_option("passed_without_incident")
    ledger.locator(".deadline").get_by_role("button", name="Confirm").click()
    scribe_ledger = scribe.locator("#panel-ledger")
    expect(scribe_ledger).to_contain_text("in progress A car to the airport")
    expect(scribe_ledger).to_contain_text("promise · kept Food within the hour")
    expect(scribe_ledger).to_contain_text("passed without incident")
    expect(scribe_ledger.locator(".deadline .countdown")).not_to_contain_text("in ")  # settled: no countdown

    scribe.get_by_label("Hostage alias").fill("Maria")
    scribe.locator("#hostage-form").get_by_label("Condition").select_option("unharmed")
    scribe.locator("#hostage-form").get_by_role("button", name="Add").click()
    expect(leader.locator("#panel-hostages")).to_contain_text("Maria")
    leader.get_by_label("Condition of Maria").select_option("injured")
    leader.locator("#panel-hostages").get_by_role("button", name="Update").click()
    expect(scribe.locator("#panel-hostages .hostage .badge.cond")).to_have_text("injured")
    state = incidents.get_incident(live.app, incident_id)
    assert [h.condition.value for h in state.hostages.values()] == ["injured"]

    # A release cannot be undone: one click only opens the confirmation, a second one records it.
    hostages = leader.locator("#panel-hostages")
    expect(observer.locator("#panel-hostages").get_by_text("Released…")).to_be_hidden()
    expect(hostages.get_by_role("button", name="Confirm release of Maria")).to_be_hidden()
    hostages.get_by_text("Released…").click()
    confirm = hostages.get_by_role("button", name="Confirm release of Maria")
    expect(confirm).to_be_visible()
    expect(hostages.get_by_label("Condition at release of Maria")).to_have_value("")
    leader.screenshot(path=str(ARTIFACTS / "board-hostage-release-confirm.png"), full_page=True)
    confirm.click()  # no condition chosen yet: the browser asks for one and nothing is sent
    expect(hostages.get_by_label("Condition at release of Maria")).to_be_focused()
    assert all(h.released_at is None for h in incidents.get_incident(live.app, incident_id).hostages.values())
    hostages.get_by_label("Condition at release of Maria").select_option("distressed")
    confirm.click()
    expect(scribe.locator("#panel-hostages")).to_contain_text("released")
    released = incidents.get_incident(live.app, incident_id).hostages.values()
    assert [(h.condition.value, h.released_at is not None) for h in released] == [("distressed", True)]
    expect(hostages.get_by_text("Released…")).to_have_count(0)
    leader.screenshot(path=str(ARTIFACTS / "board-ledger-forms.png"), full_page=True)


def test_the_team_records_the_diplomatic_track_from_the_board(browser: Browser, live: Live) -> None:
    """The board showed the track read-only: a stakeholder or a channel needed ``talkdown diplomatic`` in a terminal.
    Its panel shows to an observer only once the track has an entry; its forms, folded away, to the writers."""
    incident_id = incidents.open_incident(live.app, title="Abroad kidnap", incident_type=IncidentType.KIDNAP_FOR_RANSOM)
    scribe = _board(browser, live, "scribe", incident_id)
    observer = _board(browser, live, "observer", incident_id)
    expect(observer.locator("#panel-diplomatic")).to_be_hidden()
    panel = scribe.locator("#panel-diplomatic")
    expect(panel.get_by_role("button", name="Add stakeholder")).to_be_hidden()  # folded away

    panel.get_by_text("Record a stakeholder, channel, constraint, media event or statement").click()
    panel.get_by_label("Stakeholder name").fill("ICRC")
    panel.get_by_label("Stakeholder kind").select_option("intermediary")
    panel.get_by_role("button", name="Add stakeholder").click()
    expect(observer.locator("#panel-diplomatic")).to_contain_text("Stakeholder ICRC (intermediary)")
    expect(panel.get_by_label("Stakeholder name")).to_have_value("")
    expect(panel.get_by_role("button", name="Record channel")).to_be_visible()  # still open after the push

    panel.get_by_label("Channel description").fill("Geneva")
    panel.get_by_label("Channel kind").select_option("back_channel")
    panel.get_by_label("Channel with stakeholder 1").fill("icrc")  # the datalist offers it; any case matches
    panel.get_by_role("button", name="Record channel").click()
    expect(observer.locator("#panel-diplomatic")).to_contain_text("Channel (back-channel): Geneva (with ICRC)")
    state = incidents.get_incident(live.app, incident_id)
    assert [r.event.kind for r in state.diplomatic] == ["stakeholder_added", "channel_opened"]
    scribe.screenshot(path=str(ARTIFACTS / "board-diplomatic-forms.png"), full_page=True)


def test_a_deadline_or_promise_status_needs_a_second_step_and_can_be_corrected(browser: Browser, live: Live) -> None:
    incident_id = _new_incident(live, "Station Road barricade")
    deadline_id, _ = entries.set_deadline(live.app, incident_id, due_at=live.app.clock.now() + timedelta(minutes=40))
    entries.make_promise(live.app, incident_id, what="Cigarettes")
    leader = _board(browser, live, "team_leader", incident_id)
    scribe = _board(browser, live, "scribe", incident_id)
    observer = _board(browser, live, "observer", incident_id)
    ledger, watched = leader.locator("#panel-ledger"), scribe.locator("#panel-ledger")
    expect(observer.locator("#panel-ledger").get_by_text("Met or passed…")).to_be_hidden()
    due = leader.locator(".deadline .when").inner_text().split()[1]  # 'due 14:30 CST'

    # One click only opens the choice (it recorded 'met' before); confirming without a status sends nothing.
    ledger.get_by_text("Met or passed…").click()
    confirm = ledger.get_by_role("button", name=f"Confirm status of deadline {due}")
    confirm.click()
    expect(ledger.get_by_label(f"New status of deadline {due}")).to_be_focused()
    assert incidents.get_incident(live.app, incident_id).deadlines[deadline_id].status.value == "pending"
    ledger.get_by_label(f"New status of deadline {due}").select_option("met")
    confirm.click()
    expect(watched.locator(".deadline")).to_contain_text("· met")

    # A slip is corrected from the board, with a reason the log keeps beside the first status.
    ledger.get_by_text("Correct status…").click()
    ledger.get_by_label(f"New status of deadline {due}").select_option("pending")
    leader.screenshot(path=str(ARTIFACTS / "board-status-correct.png"), full_page=True)
    ledger.get_by_role("button", name=f"Confirm status of deadline {due}").click()  # no reason yet: not sent
    expect(ledger.get_by_label(f"Reason for deadline {due}")).to_be_focused()
    ledger.get_by_label(f"Reason for deadline {due}").fill("clicked Met by mistake")
    ledger.get_by_role("button", name=f"Confirm status of deadline {due}").click()
    expect(watched.locator(".deadline")).to_contain_text("· pending")
    expect(watched.locator(".deadline .countdown")).to_contain_text("in ")  # counting down again

    ledger.get_by_text("Kept or broken…").click()
    ledger.get_by_label("New status of promise Cigarettes").select_option("broken")
    ledger.get_by_role("button", name="Confirm status of promise Cigarettes").click()
    expect(watched).to_contain_text("promise · broken Cigarettes")
    ledger.get_by_text("Correct status…").click()
    ledger.get_by_label("New status of promise Cigarettes").select_option("kept")
    ledger.get_by_label("Reason for promise Cigarettes").fill("they were delivered at 02:10")
    ledger.get_by_role("button", name="Confirm status of promise Cigarettes").click()
    expect(watched).to_contain_text("promise · kept Cigarettes")
    changes = [
        (e.payload.status.value, e.payload.reason)
        for e in live.app.store.load(incident_id)
        if e.payload.kind in ("deadline_status_changed", "promise_status_changed")
    ]
    assert changes == [
        ("met", ""),
        ("pending", "clicked Met by mistake"),
        ("broken", ""),
        ("kept", "they were delivered at 02:10"),
    ]


def test_the_team_leader_reads_the_after_action_report_and_downloads_its_pdf(browser: Browser, live: Live) -> None:
    leader = _board(browser, live, "team_leader", live.incident_id)
    refused: list[str] = []
    leader.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    leader.get_by_role("link", name="page").click()
    expect(leader.get_by_role("heading", name="After-action report: Linden Court barricade")).to_be_visible()
    expect(leader.get_by_role("heading", name="Integrity")).to_be_visible()
    expect(leader.get_by_role("img", name="Metrics over time")).to_be_visible()
    leader.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=False)
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Download as PDF").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"{live.incident_id}.report.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    assert refused == []


def test_signing_out_in_another_tab_stops_the_open_board(browser: Browser, live: Live) -> None:
    with running(create_app(live.app, config=WebConfig(session_check_s=0.5))) as url:
        board = _board(browser, Live(url, live.app, live.incident_id), "scribe", live.incident_id)
        other = board.context.new_page()
        other.goto(f"{url}/incidents")
        other.get_by_role("button", name="Sign out").click()
        expect(other.get_by_role("heading", name="Sign in")).to_be_visible()

        expect(board.get_by_role("alert")).to_contain_text("this board no longer updates")
        entries.say(live.app, live.incident_id, speaker="subj", text="Anyone there?")
        board.get_by_role("link", name="Sign in again").click()
        expect(board.get_by_role("heading", name="Sign in")).to_be_visible()
        board.go_back()
        expect(board.get_by_text("Anyone there?")).to_have_count(0)


def _clocked_console(tmp_path: Path, title: str) -> tuple[FixedClock, App, str]:
    """An app on a clock the test moves (past the idle limit), a team leader "lead" and a barricade incident."""
    clock = FixedClock(datetime(2026, 3, 14, 19, 42, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path / "data", checkpoint_dir=tmp_path / "cp", actor="user:setup")
    td = build_app(settings, clock=clock)
    accounts.add_user(td, username="lead", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    return clock, td, incidents.open_incident(td, title=title, incident_type=IncidentType.BARRICADE)


def test_a_board_left_idle_says_so_and_signs_back_in_to_the_same_board(browser: Browser, tmp_path: Path) -> None:
    # The board said "Signed out or session ended" whatever ended it, while the sign-in page named the idle end.
    clock, td, incident_id = _clocked_console(tmp_path, "Quarry Rd barricade")
    incidents.close_incident(td, incident_id, outcome="surrender")  # a closed incident's board does not keep a session
    with running(create_app(td, config=WebConfig(session_check_s=0.2))) as url:
        board = _board(browser, Live(url, td, incident_id), "lead", incident_id)
        clock.advance(timedelta(minutes=31))
        expect(board.get_by_role("alert")).to_contain_text("Signed out after 30 minutes without activity")
        board.screenshot(path=str(ARTIFACTS / "board-idle-ended.png"))
        board.get_by_role("link", name="Sign in again").click()
        expect(board.get_by_text("Signed out after 30 minutes without activity.")).to_be_visible()
        board.get_by_label("User name").fill("lead")
        board.get_by_label("Password").fill(PASSWORD)
        board.get_by_role("button", name="Sign in").click()
        expect(board.get_by_role("heading", name="Quarry Rd barricade")).to_be_visible()
        expect(board.locator("#live")).to_have_text("live")
    td.store.engine.dispose()


def test_a_board_whose_stream_comes_back_to_an_ended_session_says_why(browser: Browser, tmp_path: Path) -> None:
    # A laptop asleep (or a console restarted) past the idle minutes: the board's stream reconnected to a 401 and
    # the board said "reconnecting…" for good, never that its session had ended.
    clock, td, incident_id = _clocked_console(tmp_path, "Mill St barricade")
    port = free_port()
    with running(create_app(td), port=port, drop_streams=True) as url:
        board = _board(browser, Live(url, td, incident_id), "lead", incident_id)
    expect(board.locator("#live")).to_have_text("reconnecting…")
    clock.advance(timedelta(minutes=31))
    with running(create_app(td), port=port):
        expect(board.get_by_role("alert")).to_contain_text("Signed out after 30 minutes without activity")
        board.get_by_role("link", name="Sign in again").click()
        expect(board.get_by_text("Signed out after 30 minutes without activity.")).to_be_visible()
    td.store.engine.dispose()


@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["laptop", "phone"])
def test_long_unbroken_text_wraps_inside_the_board(browser: Browser, live: Live, size: tuple[int, int]) -> None:
    url = "https://social.example/@curtis/posts/" + "a1b2c3d4e5" * 25  # what a subject's post or a wallet looks like
    incident_id = incidents.open_incident(
        live.app, title=f"Ransom call {url}", incident_type=IncidentType.KIDNAP_FOR_RANSOM, location=url
    )
    name = "caller-" + "x" * 120
    entries.add_party(live.app, incident_id, name=name, role=Role.SUBJECT)
    entries.say(live.app, incident_id, speaker=name, text=f"Pay to {url} or else.")
    entries.record_demand(live.app, incident_id, item=f"Payment to {url}")
    entries.record_hostage(live.app, incident_id, alias=name)
    entries.add_intel(live.app, incident_id, content=f"Account behind {url}", source=url)
    page = _board(browser, live, "team_leader", incident_id)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"the board scrolls sideways by {overflow}px at {size}"
    box = page.get_by_label("What was said").bounding_box()
    assert box is not None and box["x"] + box["width"] <= size[0]  # the entry box is whole, not half off-screen
    if size[0] >= 1280:  # the after-action report page (report.css) scrolled sideways with the same text
        page.goto(f"{live.url}/incidents/{incident_id}/report")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow == 0, f"the report scrolls sideways by {overflow}px at {size}"


@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["laptop", "phone"])
def test_the_board_and_the_list_fit_the_window_width(browser: Browser, live: Live, size: tuple[int, int]) -> None:
    page = _board(browser, live, "team_leader", live.incident_id)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    for path in (f"/incidents/{live.incident_id}", "/incidents"):
        page.goto(live.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow == 0, f"{path} scrolls sideways by {overflow}px at {size}"
        expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / f"incident-list-{size[0]}.png"), full_page=True)


def test_the_pages_load_with_no_console_error_and_nothing_from_another_host(browser: Browser, live: Live) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None)
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((live.url, "data:")) else None)
    page.goto(f"{live.url}/login")
    page.get_by_label("User name").fill("team_leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    for path in ("/guide", "/cases", "/training", f"/incidents/{live.incident_id}"):
        page.goto(live.url + path)
    expect(page.locator("#live")).to_have_text("live")
    assert errors == []
    assert foreign == []


def test_a_reader_scrolled_back_through_the_log_stays_there_while_the_board_updates(
    browser: Browser, live: Live
) -> None:
    incident_id = _new_incident(live, "Mill Lane barricade, a long call")
    for n in range(40):
        speaker = "Subject" if n % 2 else "Primary"
        role = Role.SUBJECT if n % 2 else Role.PRIMARY
        entries.say(live.app, incident_id, speaker=speaker, text=f"Line {n} of a long call.", role_if_new=role)
    leader = _board(browser, live, "team_leader", incident_id)
    log = leader.locator("#log")
    assert log.evaluate("el => el.scrollHeight - el.scrollTop - el.clientHeight") < 40  # opens on the newest line

    log.evaluate("el => { el.scrollTop = 0; }")  # reading back to the start of the call
    entries.add_intel(live.app, incident_id, content="Brother says he has no gun", source="brother")
    expect(leader.locator("#panel-intel")).to_contain_text("no gun")  # every side panel was pushed again
    entries.say(live.app, incident_id, speaker="Subject", text="Line 40, while she reads back.")
    expect(log.locator("article.utt").filter(has_text="Line 40")).to_have_count(1)
    assert log.evaluate("el => el.scrollTop") == 0  # before: thrown down to the newest line at every push

    log.evaluate("el => { el.scrollTop = el.scrollHeight; }")  # back at the bottom: follows new lines again
    entries.say(live.app, incident_id, speaker="Subject", text="Line 41, followed.")
    expect(log.locator("article.utt").filter(has_text="Line 41")).to_be_in_viewport()

    scribe = _board(browser, live, "scribe", incident_id)
    scribe.locator("#log").evaluate("el => { el.scrollTop = 0; }")
    box = scribe.get_by_label("What was said")
    box.fill("Line 42, the scribe's own.")
    box.press("Enter")  # the scribe logging a line is taken back to it
    expect(scribe.locator("#log article.utt").filter(has_text="Line 42")).to_be_in_viewport()
