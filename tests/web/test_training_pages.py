"""Training pages: start a session, post a line and see the reply, issue an inject, and who may do what."""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from talkdown.domain.text import LONG_TEXT_MAX
from talkdown.services import incidents, train
from talkdown.services.accounts import AccountRole as R
from tests.web.conftest import Console

SCENARIO = "bridge"


def _start(console: Console, role: R) -> str:
    response = console.client(role).post("/training", data={"scenario": SCENARIO}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/training/")
    return location.rsplit("/", 1)[1]


def test_the_training_page_lists_the_scenarios(console: Console) -> None:
    response = console.client(R.OBSERVER).get("/training")
    assert response.status_code == 200
    for info in train.list_scenarios():
        assert info.scenario_id in response.text
    assert "Start session" not in response.text  # an observer may not start one


def test_a_trainee_line_gets_the_subjects_reply(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    state = incidents.get_incident(console.app, session_id)
    assert state.mode.value == "training" and len(state.utterances) == 1
    client = console.client(R.NEGOTIATOR)
    said = client.post(
        f"/training/{session_id}/say", data={"text": "Hi, I'm Sam. What's going on tonight?"}, follow_redirects=False
    )
    assert said.status_code == 303
    after = incidents.get_incident(console.app, session_id)
    trainee, reply = after.utterances[-2], after.utterances[-1]
    assert (trainee.speaker, reply.speaker) == (train.TRAINEE, "subject")
    page = client.get(f"/training/{session_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "What's going on tonight?" in text and reply.text in text
    assert "<meter" not in page.text  # gauges are for the instructor only


def test_an_instructor_sees_the_gauges_and_issues_an_inject(console: Console) -> None:
    session_id = _start(console, R.INSTRUCTOR)
    client = console.client(R.INSTRUCTOR)
    page = client.get(f"/training/{session_id}")
    assert page.status_code == 200
    assert page.text.count("<meter") == 4 and "hopelessness" in page.text
    inject = next(s for s in train.list_scenarios() if s.scenario_id == SCENARIO).injects[0]
    assert f'value="{inject}"' in page.text
    assert "A TV news helicopter hovers over the bridge" in page.text  # what it does, not only its id
    response = client.post(f"/training/{session_id}/inject", data={"inject": inject}, follow_redirects=False)
    assert response.status_code == 303
    state = incidents.get_incident(console.app, session_id)
    assert [r.event.inject_id for r in state.injects] == [inject]  # type: ignore[union-attr]
    assert f"{inject}:" in client.get(f"/training/{session_id}").text


def test_an_observer_may_read_but_not_write(console: Console) -> None:
    session_id = _start(console, R.TEAM_LEADER)
    observer = console.client(R.OBSERVER)
    assert observer.get(f"/training/{session_id}").status_code == 200
    assert observer.post("/training", data={"scenario": SCENARIO}).status_code == 403
    assert observer.post(f"/training/{session_id}/say", data={"text": "hello"}).status_code == 403
    assert observer.post(f"/training/{session_id}/inject", data={"inject": "rain"}).status_code == 403
    assert len(incidents.get_incident(console.app, session_id).utterances) == 1


def test_a_write_without_the_csrf_token_is_refused(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    client = console.client(R.NEGOTIATOR)
    token = client.headers.pop("X-CSRF-Token")
    try:
        response = client.post(f"/training/{session_id}/say", data={"text": "hello"})
    finally:
        client.headers["X-CSRF-Token"] = token
    assert response.status_code == 403


def test_an_ordinary_incident_is_not_a_training_session(console: Console) -> None:
    response = console.client(R.OBSERVER).get(
        f"/training/{console.incident_id}", headers={"accept": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == "TD330"


def test_the_start_form_takes_only_a_shipped_scenario_never_a_path_on_the_server(
    console: Console, tmp_path: Path
) -> None:
    valid = tmp_path / "bridge.yaml"  # a real scenario on the server's disk
    valid.write_text(
        (resources.files("talkdown.sim") / "scenarios" / "bridge.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    private = tmp_path / "private.yaml"  # its content came back quoted in TD131 before
    private.write_text("token: [abc\n", encoding="utf-8")
    before = len(incidents.list_incidents(console.app))
    client = console.client(R.NEGOTIATOR)
    for path in (valid, private, tmp_path / "absent.yaml"):
        response = client.post("/training", data={"scenario": str(path)}, follow_redirects=False)
        assert response.status_code == 404 and response.json()["code"] == "TD230", response.text
        assert "abc" not in response.text
    assert len(incidents.list_incidents(console.app)) == before


def test_the_session_list_names_each_sessions_trainee_and_status(console: Console) -> None:
    running = _start(console, R.NEGOTIATOR)
    ended = _start(console, R.TEAM_LEADER)
    train.end_session(console.app, ended, reason="class over")  # an instructor stopped it
    page = console.client(R.INSTRUCTOR).get("/training")
    rows = [row for row in page.text.split("<tr>") if "<td>" in row]
    running_row = next(r for r in rows if f"/training/{running}" in r)
    ended_row = next(r for r in rows if f"/training/{ended}" in r)
    assert "<td>negotiator</td>" in running_row and "<td>running</td>" in running_row  # trainee, status: absent
    assert "<td>team_leader</td>" in ended_row and "<td>unresolved</td>" in ended_row  # before, only titles


def test_no_live_board_or_api_write_reaches_a_training_session_but_a_note(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    client = console.client(R.TEAM_LEADER)
    writes = {
        "utterances": {"speaker": "trainee", "text": "Tell me more."},
        "demands": {"item": "a car"},
        "hostages": {"alias": "H9"},
        "close": {"outcome": "surrender"},
    }
    for name, body in writes.items():
        response = client.post(f"/api/incidents/{session_id}/{name}", json=body)
        assert response.status_code == 409 and response.json()["code"] == "TD332", (name, response.text)
    board_form = client.post(f"/incidents/{session_id}/utterances", data={"speaker": "trainee", "text": "Hi."})
    assert board_form.status_code == 409 and "TD332" in board_form.text
    assert len(incidents.get_incident(console.app, session_id).utterances) == 1  # his opening only
    note = client.post(f"/api/incidents/{session_id}/notes", json={"text": "Watch the pace."})
    assert note.status_code == 201, note.text


def test_an_instructor_ends_a_running_session_with_a_reason_and_the_line_form_goes(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    assert console.client(R.TEAM_LEADER).post(f"/training/{session_id}/end", data={}).status_code == 403  # not his
    instructor = console.client(R.INSTRUCTOR)
    ended = instructor.post(f"/training/{session_id}/end", data={"reason": "class over"}, follow_redirects=False)
    assert ended.status_code == 303
    debrief = train.get_debrief(console.app, session_id)
    assert debrief.outcome == "unresolved" and "class over" in debrief.outcome_reason  # 'in progress', before
    page = console.client(R.NEGOTIATOR).get(f"/training/{session_id}").text
    assert "ended (unresolved)" in page and 'aria-label="Your line"' not in page
    again = instructor.post(f"/training/{session_id}/end", data={}, headers={"accept": "application/json"})
    assert again.status_code == 409 and again.json()["code"] == "TD331"


def _body(document: str) -> str:
    """The debrief body inside the file 'talkdown train debrief --html' writes."""
    return document.split("<body>\n", 1)[1].rsplit("\n</body>", 1)[0]


def test_the_debrief_page_is_the_trainees_once_it_ends_and_an_instructors_at_any_time(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    trainee, instructor = console.client(R.NEGOTIATOR), console.client(R.INSTRUCTOR)
    trainee.post(f"/training/{session_id}/say", data={"text": "Sounds like you feel let down."})
    url = f"/training/{session_id}/debrief"
    running = trainee.get(url, headers={"accept": "application/json"})
    assert running.status_code == 409 and running.json()["code"] == "TD333"  # he reads it after the session
    watching = instructor.get(url)
    assert watching.status_code == 200 and "debrief so far" in watching.text
    for other in (R.TEAM_LEADER, R.OBSERVER, R.SCRIBE):  # a colleague's scores are not theirs to read
        denied = console.client(other).get(url, headers={"accept": "application/json"})
        assert denied.status_code == 403 and denied.json()["code"] == "TD350", other
    train.end_session(console.app, session_id, reason="class over")
    page = trainee.get(url)
    assert page.status_code == 200
    assert _body(train.export_html(console.app, session_id)) in page.text  # the --html file's body, verbatim
    assert "Active-listening skills" in page.text and "class over" in page.text
    listed = trainee.get("/training").text
    assert f'href="{url}"' in listed and f'href="{url}"' in trainee.get(f"/training/{session_id}").text
    assert f'href="{url}"' not in console.client(R.TEAM_LEADER).get("/training").text


def test_a_line_in_another_trainees_session_is_refused_and_not_offered(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    colleague = console.client(R.TEAM_LEADER)
    assert 'aria-label="Your line"' not in colleague.get(f"/training/{session_id}").text
    response = colleague.post(f"/training/{session_id}/say", data={"text": "Tell me more."})
    assert response.status_code == 403 and response.json()["code"] == "TD350"  # scored as the trainee's, before
    assert len(incidents.get_incident(console.app, session_id).utterances) == 1
    assert 'aria-label="Your line"' in console.client(R.NEGOTIATOR).get(f"/training/{session_id}").text


def test_a_slash_command_typed_in_the_console_is_refused_not_said_to_the_subject(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    for typed in ("/state", " /quit", "/inject wife_arrives"):  # what the terminal chat takes as commands
        response = console.client(R.NEGOTIATOR).post(f"/training/{session_id}/say", data={"text": typed})
        assert response.status_code == 422 and response.json()["code"] == "TD105", typed  # said and scored, before
    assert len(incidents.get_incident(console.app, session_id).utterances) == 1


def test_the_live_board_of_a_training_session_points_to_its_training_page_and_has_no_entry_box(
    console: Console,
) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    board = console.client(R.TEAM_LEADER).get(f"/incidents/{session_id}").text
    assert f'<a href="/training/{session_id}">its training page</a>' in board
    assert 'id="entry"' not in board  # every line logged there was refused (TD332)
    live_board = console.client(R.TEAM_LEADER).get(f"/incidents/{console.incident_id}").text
    assert 'id="entry"' in live_board
    # The side panels' forms show by the body's can-* classes: only the note's is left on a session's board.
    assert "can-record_entry" not in board and "can-close_incident" not in board and "can-add_note" in board
    assert "can-record_entry" in live_board and "can-close_incident" in live_board


def test_a_trainee_ends_his_own_session_to_read_his_debrief(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    trainee = console.client(R.NEGOTIATOR)
    assert "Done practising?" in trainee.get(f"/training/{session_id}").text
    ended = trainee.post(f"/training/{session_id}/end", data={"reason": "done"}, follow_redirects=False)
    assert ended.status_code == 303  # 403 before: alone in the console, his debrief never opened
    assert trainee.get(f"/training/{session_id}/debrief").status_code == 200


def test_only_an_instructor_reads_the_scenario_of_a_session_from_an_instructors_own_file(
    console: Console, tmp_path: Path
) -> None:
    # The session keeps the instructor's whole scenario in its log (source_meta.scenario_spec): the subject's
    # dynamics, ending rules and every inject. GET /api/incidents/{id} handed it to the trainee as well.
    own = tmp_path / "night_bridge.yaml"
    shipped = (resources.files("talkdown.sim") / "scenarios" / "bridge.yaml").read_text(encoding="utf-8")
    own.write_text(shipped.replace("id: bridge", "id: night_bridge", 1), encoding="utf-8")
    session_id = train.start_session(console.app, scenario=str(own), allow_file=True).session_id
    url = f"/api/incidents/{session_id}"
    for role in (R.NEGOTIATOR, R.TEAM_LEADER, R.OBSERVER):
        meta = console.client(role).get(url).json()["source_meta"]
        assert "scenario_spec" not in meta and meta["scenario"] == "night_bridge", role
    spec = console.client(R.INSTRUCTOR).get(url).json()["source_meta"]["scenario_spec"]
    assert spec["id"] == "night_bridge" and "media_helicopter" in [i["id"] for i in spec["injects"]]


def test_a_watching_page_polls_for_new_entries_and_the_trainees_own_page_does_not(console: Console) -> None:
    session_id = _start(console, R.NEGOTIATOR)
    head = incidents.get_incident(console.app, session_id).head_seq
    poll = f'hx-get="/training/{session_id}/changed?seq={head}"'
    assert poll in console.client(R.INSTRUCTOR).get(f"/training/{session_id}").text
    assert poll not in console.client(R.NEGOTIATOR).get(f"/training/{session_id}").text  # he would lose his line
    watcher = console.client(R.INSTRUCTOR)
    same = watcher.get(f"/training/{session_id}/changed", params={"seq": head})
    assert same.status_code == 204 and "HX-Refresh" not in same.headers
    console.client(R.NEGOTIATOR).post(f"/training/{session_id}/say", data={"text": "Sounds like you feel let down."})
    moved = watcher.get(f"/training/{session_id}/changed", params={"seq": head})
    assert moved.status_code == 204 and moved.headers["HX-Refresh"] == "true"


def test_a_wrong_session_link_is_a_missing_session_not_a_missing_incident(console: Console) -> None:
    response = console.client(R.OBSERVER).get("/training/ffffffffffff", headers={"accept": "application/json"})
    assert response.status_code == 404 and response.json()["code"] == "TD232", response.text


def test_the_subjects_intent_is_read_by_the_instructor_and_by_the_trainee_only_once_the_session_has_ended(
    console: Console,
) -> None:
    # Each reply is logged with the subject's intent (extra.intent: the hook, trigger or demand he answers to),
    # his hidden state that the trainee is there to read. GET /api/incidents/{id} handed it to every role.
    session_id = _start(console, R.NEGOTIATOR)
    trainee = console.client(R.NEGOTIATOR)
    trainee.post(f"/training/{session_id}/say", data={"text": "Hi, I'm Sam. What's going on tonight?"})
    logged = incidents.get_incident(console.app, session_id).utterances[-1].extra
    assert "intent" in logged  # the log keeps it

    def intents(role: R) -> list[object]:
        body = console.client(role).get(f"/api/incidents/{session_id}").json()
        return [u["extra"]["intent"] for u in body["utterances"] if "intent" in u["extra"]]

    assert intents(R.INSTRUCTOR) == [logged["intent"]]
    for role in (R.NEGOTIATOR, R.TEAM_LEADER, R.OBSERVER, R.ADMIN):
        assert intents(role) == [], role
    assert trainee.post(f"/training/{session_id}/end", data={"reason": "done"}).status_code < 400
    assert intents(R.NEGOTIATOR) == [logged["intent"]]  # his debrief is open to him now, and so is this
    assert intents(R.INSTRUCTOR) == [logged["intent"]]
    for role in (R.TEAM_LEADER, R.OBSERVER):  # another trainee's debrief is not theirs to read
        assert intents(role) == [], role


def test_a_running_sessions_event_log_is_exported_to_an_instructor_only_and_to_its_exporters_once_it_ends(
    console: Console,
) -> None:
    # The events export is the hash-chained log: it keeps each reply's intent (and an instructor's own scenario),
    # and cannot leave them out. Export permission (team leader, admin) handed it to a trainee who leads a team.
    session_id = _start(console, R.TEAM_LEADER)
    trainee = console.client(R.TEAM_LEADER)
    trainee.post(f"/training/{session_id}/say", data={"text": "Hi, I'm Sam. What's going on tonight?"})
    url = f"/api/incidents/{session_id}/export"
    for role in (R.TEAM_LEADER, R.ADMIN):
        refused = console.client(role).get(url, params={"format": "events"})
        assert refused.status_code == 409 and refused.json()["code"] == "TD334", (role, refused.text)
        assert "once the session ends" in refused.json()["detail"] and '"intent"' not in refused.text
        transcript = console.client(role).get(url, params={"format": "jsonl"})  # no intent in it: still open
        assert transcript.status_code == 200 and '"intent"' not in transcript.text, role
    watching = console.client(R.INSTRUCTOR).get(url, params={"format": "events"})
    assert watching.status_code == 200 and '"intent"' in watching.text
    train.end_session(console.app, session_id, reason="class over")
    ended = trainee.get(url, params={"format": "events"})
    assert ended.status_code == 200 and '"intent"' in ended.text  # the record, once there is nothing to find out


def test_an_instructors_notes_on_a_running_session_are_kept_from_its_trainee_until_it_ends(console: Console) -> None:
    # A note is the one entry the board takes on a simulated session: an instructor's comment on the run, which
    # may say what he plans next. GET /api/incidents/{id} handed it to the trainee while he was still playing.
    session_id = _start(console, R.NEGOTIATOR)
    trainee, instructor = console.client(R.NEGOTIATOR), console.client(R.INSTRUCTOR)
    plan = "Fire the helicopter inject at the next demand; he rushes the hook."
    assert instructor.post(f"/api/incidents/{session_id}/notes", json={"text": plan}).status_code == 201
    assert trainee.post(f"/api/incidents/{session_id}/notes", json={"text": "Slow down."}).status_code == 201

    def notes(role: R) -> list[str]:
        return [n["text"] for n in console.client(role).get(f"/api/incidents/{session_id}").json()["notes"]]

    assert notes(R.INSTRUCTOR) == [plan, "Slow down."]
    assert notes(R.NEGOTIATOR) == ["Slow down."]  # his own, not the instructor's plan
    for role in (R.TEAM_LEADER, R.OBSERVER, R.ADMIN):
        assert notes(role) == [], role
    assert [n.text for n in incidents.get_incident(console.app, session_id).notes] == [plan, "Slow down."]  # logged
    assert trainee.post(f"/training/{session_id}/end", data={"reason": "done"}).status_code < 400
    assert notes(R.NEGOTIATOR) == [plan, "Slow down."]  # with his debrief, once it has ended
    assert notes(R.TEAM_LEADER) == []  # another trainee's debrief is not his to read


def test_a_running_sessions_report_is_an_instructors_only_and_its_exporters_once_it_ends(console: Console) -> None:
    # The report lists every entry, an instructor's notes among them, and scores the trainee's lines so far:
    # export permission handed both to a trainee who leads a team, while he was still playing.
    session_id = _start(console, R.TEAM_LEADER)
    trainee = console.client(R.TEAM_LEADER)
    plan = "Fire the helicopter inject at the next demand."
    noted = console.client(R.INSTRUCTOR).post(f"/api/incidents/{session_id}/notes", json={"text": plan})
    assert noted.status_code == 201, noted.text
    url = f"/incidents/{session_id}/report"
    for role in (R.TEAM_LEADER, R.ADMIN):
        refused = console.client(role).get(url, headers={"accept": "application/json"})
        assert refused.status_code == 409 and refused.json()["code"] == "TD335", (role, refused.text)
        assert plan not in refused.text and "once the session ends" in refused.json()["detail"]
    assert plan in console.client(R.INSTRUCTOR).get(url).text
    train.end_session(console.app, session_id, reason="class over")
    ended = trainee.get(url)
    assert ended.status_code == 200 and plan in ended.text


def test_the_consoles_training_chat_takes_a_line_as_long_as_the_board_and_the_terminal_do(console: Console) -> None:
    # The chat refused a line over 5,000 characters (the board 10,000, train run 100,000); its box said 5,000.
    session_id = _start(console, R.NEGOTIATOR)
    client = console.client(R.NEGOTIATOR)
    assert f'data-max-chars="{LONG_TEXT_MAX}"' in client.get(f"/training/{session_id}").text
    line = ("You sound tired of all this. " * 400)[:6000]
    said = client.post(f"/training/{session_id}/say", data={"text": line}, follow_redirects=False)
    assert said.status_code == 303, said.text
    over = client.post(f"/training/{session_id}/say", data={"text": "a" * (LONG_TEXT_MAX + 1)})
    assert (over.status_code, over.json()["code"]) == (422, "TD105") and "up to 10,000" in over.json()["detail"]
