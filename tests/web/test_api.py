"""The JSON API does what the pages do: open, log, mark from a line, ledger entries, verify, export."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import entries, incidents, live, verify
from talkdown.services.accounts import AccountRole as R
from tests.web.conftest import Console

THREAT = "Get me a car. You got 30 minutes, then I kill him."


def test_a_logged_line_is_recorded_as_the_user_and_analysed_after_the_response(console: Console) -> None:
    client = console.client(R.SCRIBE)
    response = client.post(f"/api/incidents/{console.incident_id}/utterances", json={"speaker": "subj", "text": THREAT})
    assert response.status_code == 201
    seq = response.json()["seq"]
    envs = live.events_after(console.app, console.incident_id, seq - 1)
    assert (envs[0].actor, envs[0].kind) == ("user:scribe", "utterance_logged")
    labels = {
        (a["family"], a["label"])
        for a in client.get(f"/api/incidents/{console.incident_id}/annotations").json()[str(seq)]
    }
    assert {("talkdown_cue", "threat"), ("talkdown_cue", "deadline")} <= labels


def test_marking_a_deadline_from_a_line_uses_the_time_the_cue_parsed(console: Console) -> None:
    client = console.client(R.SCRIBE)
    seq = client.post(
        f"/api/incidents/{console.incident_id}/utterances", json={"speaker": "subj", "text": THREAT}
    ).json()["seq"]
    said_at = incidents.get_incident(console.app, console.incident_id).utterance_at(seq)
    marked = client.post(f"/api/incidents/{console.incident_id}/marks", json={"seq": seq, "mark": "deadline"})
    assert marked.status_code == 201
    deadline = incidents.get_incident(console.app, console.incident_id).deadlines[marked.json()["id"]]
    assert said_at is not None and deadline.utterance_seq == seq
    assert round((deadline.due_at - said_at.at).total_seconds() / 60) == 30


def test_marking_a_deadline_from_a_line_without_a_time_asks_for_one(console: Console) -> None:
    client = console.client(R.SCRIBE)
    seq = client.post(
        f"/api/incidents/{console.incident_id}/utterances", json={"speaker": "subj", "text": "Leave me alone."}
    ).json()["seq"]
    refused = client.post(f"/api/incidents/{console.incident_id}/marks", json={"seq": seq, "mark": "deadline"})
    typed = client.post(
        f"/api/incidents/{console.incident_id}/marks", json={"seq": seq, "mark": "deadline", "due": "15m"}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "TD105")
    assert typed.status_code == 201


def test_a_line_marked_twice_as_the_same_demand_or_deadline_is_recorded_once(console: Console) -> None:
    """D (or Alt+D) pressed twice, or by two boards at once, put the demand twice in the ledger."""
    client = console.client(R.SCRIBE)
    base = f"/api/incidents/{console.incident_id}"
    seq = client.post(f"{base}/utterances", json={"speaker": "subj", "text": THREAT}).json()["seq"]
    for mark in ("demand", "deadline"):
        first = client.post(f"{base}/marks", json={"seq": seq, "mark": mark})
        again = client.post(f"{base}/marks", json={"seq": seq, "mark": mark})
        assert first.status_code == 201
        assert (again.status_code, again.json()["code"]) == (409, "TD302")
        assert f"line #{seq} is already recorded as {mark} {first.json()['id']}" in again.json()["detail"]
    board = client.post(
        f"/incidents/{console.incident_id}/marks", data={"seq": seq, "mark": "demand"}, headers={"HX-Request": "true"}
    )
    assert board.status_code == 409 and "already recorded as demand" in board.text  # the alert on the board
    state = incidents.get_incident(console.app, console.incident_id)
    assert len([d for d in state.demands.values() if d.utterance_seq == seq]) == 1
    assert len([d for d in state.deadlines.values() if d.utterance_seq == seq]) == 1
    # Another time typed for the same line is another deadline (he moved it), not a duplicate.
    assert client.post(f"{base}/marks", json={"seq": seq, "mark": "deadline", "due": "45m"}).status_code == 201


def test_ledger_entries_reach_the_incident_state(console: Console) -> None:
    client = console.client(R.TEAM_LEADER)
    base = f"/api/incidents/{console.incident_id}"
    hostage = client.post(f"{base}/hostages", json={"alias": "Owen", "condition": "unharmed"}).json()["id"]
    intel = client.post(
        f"{base}/intel", json={"content": "Owns a shotgun", "source": "partner", "reliability": "B", "credibility": "2"}
    )
    client.post(f"{base}/hostage-release", json={"hostage_id": hostage})
    promise = client.post(f"{base}/promises", json={"what": "Call his daughter"}).json()["id"]
    state = client.get(base).json()
    assert state["hostages"][hostage]["released_at"] is not None
    assert state["intel"][intel.json()["id"]]["reliability"] == "B"
    assert state["promises"][promise]["status"] == "pending"


def test_adding_a_party_answers_the_seq_it_recorded_like_every_write(console: Console) -> None:
    """docs/web.md: writes answer {"seq", "id"}. A party was answered seq 0, a seq no log has."""
    client = console.client(R.SCRIBE)
    response = client.post(
        f"/api/incidents/{console.incident_id}/parties", json={"name": "Sgt. Lee", "role": "secondary_negotiator"}
    )
    assert response.status_code == 201
    envs = live.events_after(console.app, console.incident_id, response.json()["seq"] - 1)
    assert [(env.kind, getattr(env.payload, "party_id", None)) for env in envs] == [
        ("party_added", response.json()["id"])
    ]


def test_an_invalid_body_is_a_td105_problem_naming_the_field(console: Console) -> None:
    response = console.client(R.INTELLIGENCE).post(
        f"/api/incidents/{console.incident_id}/intel", json={"content": "x", "source": "y", "reliability": "Z"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "TD105" and "reliability" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"text": "he hung up",}', '\'{"text": "he hung up",}\' is not a valid JSON body: Expecting property name'),
        (b'["he hung up"]', "'[\"he hung up\"]' is not a valid request body: send one JSON object"),
        (b"", "'' is not a valid request body: send one JSON object"),
        # Too deep for the JSON reader (RecursionError) or not UTF-8: FastAPI's bare 400 with "code": null.
        (b"[" * 100_000 + b"]" * 100_000, "'' is not a valid JSON body: it is nested too deeply to read"),
        (b'{"text": "\xff"}', "'' is not a valid JSON body: it is not UTF-8 text"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_named_as_such(console: Console, body: bytes, says: str) -> None:
    """Unreadable JSON was reported at ("body", <character>): "'' is not a valid 1: JSON decode error"."""
    response = console.client(R.SCRIBE).post(
        f"/api/incidents/{console.incident_id}/notes", content=body, headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (422, "TD105")
    assert response.json()["detail"].startswith(says), response.json()["detail"]


def test_an_unknown_incident_is_a_404_problem(console: Console) -> None:
    response = console.client(R.OBSERVER).get("/api/incidents/ffffffffffff")
    assert (response.status_code, response.json()["code"]) == (404, "TD201")


def test_a_missing_thing_names_the_console_page_that_lists_it_not_a_terminal_command(console: Console) -> None:
    # The messages end "See 'talkdown incident list'." for the CLI; a console user may have no terminal.
    client = console.client(R.SCRIBE)
    incident = client.get("/api/incidents/ffffffffffff").json()
    assert incident["detail"] == "No incident 'ffffffffffff'. See the incident list (/incidents)."
    party = client.post(
        f"/api/incidents/{console.incident_id}/demand-status", json={"demand_id": "d-nope", "status": "met"}
    ).json()
    assert party["code"] == "TD202", party
    assert party["detail"].endswith(f"See the incident's board (/incidents/{console.incident_id})."), party
    assert "talkdown " not in incident["detail"] + party["detail"]


def test_verify_head_and_export_agree_with_the_log(console: Console) -> None:
    client = console.client(R.TEAM_LEADER)
    base = f"/api/incidents/{console.incident_id}"
    checked, head = client.get(f"{base}/verify").json(), client.get(f"{base}/head").json()
    exported = client.get(f"{base}/export", params={"format": "events"}).text
    envelopes = verify.read_event_log(exported, file="export")
    assert checked["ok"] is True and checked["head_seq"] == head["seq"] == envelopes[-1].seq
    assert head["hash"] == envelopes[-1].hash


def test_opening_an_incident_records_the_user_as_actor(console: Console) -> None:
    response = console.client(R.SCRIBE).post("/api/incidents", json={"title": "Bus 42", "incident_type": "hijacking"})
    assert response.status_code == 201
    env = live.events_after(console.app, response.json()["id"], 0)[0]
    assert env.actor == "user:scribe" and isinstance(env.at, datetime)


def test_the_incident_lists_say_which_incidents_are_open_or_closed(console: Console) -> None:
    # The CLI list, the API and the console's list showed no status: a closed incident looked like a live one.
    leader = console.client(R.TEAM_LEADER)
    ended, other = (incidents.open_incident(console.app, title=t, incident_type=IncidentType.HIJACKING) for t in "AB")
    incidents.close_incident(console.app, ended, outcome="negotiated_surrender")
    incidents.close_incident(console.app, other, outcome="negotiated_surrender")
    incidents.reopen_incident(console.app, other, reason="he called back")
    listed = {r["incident_id"]: r["status"] for r in leader.get("/api/incidents").json()}
    assert (listed[ended], listed[other], listed[console.incident_id]) == ("closed", "open", "open")
    page = leader.get("/incidents").text
    assert '<td class="status-closed">closed</td>' in page and '<td class="status-open">open</td>' in page


def test_the_board_offers_every_export_its_role_may_take_and_each_link_works(console: Console) -> None:
    leader, scribe = console.client(R.TEAM_LEADER), console.client(R.SCRIBE)
    page = leader.get(f"/incidents/{console.incident_id}").text
    links = re.findall(rf'href="(/api/incidents/{console.incident_id}/export\?format=(\w+))"', page)
    assert [f for _, f in links] == ["events", "jsonl", "csv", "text", "vtt", "srt"]
    for url, fmt in links:
        got = leader.get(url)
        assert (
            got.status_code == 200
            and f"{console.incident_id}.{'events.json' if fmt == 'events' else fmt}"
            in (got.headers["content-disposition"])
        )
    assert "/export?format=" not in scribe.get(f"/incidents/{console.incident_id}").text


def test_an_invalid_value_is_named_in_the_td105_message(console: Console) -> None:
    response = console.client(R.TEAM_LEADER).get(f"/api/incidents/{console.incident_id}/export?format=pdf")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("'pdf' is not a valid format")


def test_a_deadline_too_far_away_is_a_td105_problem_not_an_internal_error(console: Console) -> None:
    response = console.client(R.SCRIBE).post(
        f"/api/incidents/{console.incident_id}/deadlines", json={"due_in": "99999999h"}
    )
    assert (response.status_code, response.json()["code"]) == (422, "TD105")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/incidents", {"title": "   "}),
        ("/api/incidents/{inc}/hostages", {"alias": " \t "}),
        ("/api/incidents/{inc}/parties", {"name": "  ", "role": "primary_negotiator"}),
        ("/api/incidents/{inc}/demands", {"item": "   "}),
    ],
)
def test_a_required_text_of_spaces_only_is_a_td105_problem(console: Console, path: str, body: dict[str, str]) -> None:
    response = console.client(R.TEAM_LEADER).post(path.format(inc=console.incident_id), json=body)
    assert (response.status_code, response.json()["code"]) == (422, "TD105")
    assert "must not be blank" in response.json()["detail"]


def test_an_over_long_line_is_refused_in_the_clis_words_and_a_long_search_is_not_told_nothing_was_saved(
    console: Console,
) -> None:
    """The API's refusal of a too-long text reads word for word as the CLI's (tests/cli/test_cli.py), which said
    nothing of "Nothing was saved"; and a read (a search of the case library) that saves nothing to begin with
    was told "Nothing was saved: shorten it or split it" all the same."""
    line = {"speaker": "subj", "text": "x" * 10_001}
    refused = console.client(R.SCRIBE).post(f"/api/incidents/{console.incident_id}/utterances", json=line)
    assert (refused.status_code, refused.json()["code"]) == (422, "TD105")
    assert refused.json()["detail"] == (
        f"'{'x' * 40}...' is not a valid text: it is 10,001 characters long; a text may have up to 10,000. "
        "Nothing was saved: shorten it or split it."
    )
    search = console.client(R.OBSERVER).get("/cases", params={"q": "y" * 201}, headers={"accept": "application/json"})
    assert (search.status_code, search.json()["code"]) == (422, "TD105")
    assert (
        search.json()["detail"]
        == f"'{'y' * 40}...' is not a valid q: it is 201 characters long; a q may have up to 200."
    )


def test_a_line_over_the_limit_is_refused_naming_its_length_and_the_limit_and_the_page_never_cuts_it(
    console: Console,
) -> None:
    """The browser's maxlength cut a pasted long line without a word; the page now leaves the limit to board.js
    (data-max-chars), and the server's refusal says how long the line is, the limit, and that nothing was saved
    (it said only "String should have at most 10000 characters")."""
    client = console.client(R.SCRIBE)
    before = incidents.get_incident(console.app, console.incident_id).head_seq
    for headers in ({"HX-Request": "true"}, {"accept": "application/json"}):
        line = {"speaker": "subj", "text": "x" * 10_001}
        refused = client.post(f"/incidents/{console.incident_id}/utterances", data=line, headers=headers)
        assert refused.status_code == 422
        assert "it is 10,001 characters long; a text may have up to 10,000. Nothing was saved" in refused.text
    assert incidents.get_incident(console.app, console.incident_id).head_seq == before
    page = client.get(f"/incidents/{console.incident_id}").text
    assert 'id="entry-text" name="text" required data-max-chars="10000"' in page
    assert "maxlength" not in page


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c\u200d", "\u2060\ufeff", "\u0301"])
def test_an_utterance_or_note_of_only_invisible_characters_is_refused_as_blank(
    console: Console, invisible: str
) -> None:
    # The console's form and the API took them (`.strip()` left them), logging a line that shows nothing.
    client = console.client(R.SCRIBE)
    before = len(incidents.get_incident(console.app, console.incident_id).utterances)
    for path, body in (("utterances", {"speaker": "subj", "text": invisible}), ("notes", {"text": invisible})):
        response = client.post(f"/api/incidents/{console.incident_id}/{path}", json=body)
        assert (response.status_code, response.json()["code"]) == (422, "TD105"), response.text
        assert "must not be blank" in response.json()["detail"]
    assert len(incidents.get_incident(console.app, console.incident_id).utterances) == before


LISTED = "I want cigarettes and food. And I want a car."


def _not_on_ledger(console: Console, incident_id: str) -> list[str]:
    board = live.board_view(console.app, incident_id)
    return [a.about for a in board.advice if "not yet on the demand ledger" in a.about]


def test_a_line_with_two_demands_offers_and_records_each_item(console: Console) -> None:
    """He lists two demands in one line; marking it put only the first on the ledger (the store kept one demand
    annotation per line, and the mark took its item), so the car was never recorded from the board."""
    incident_id = incidents.open_incident(console.app, title="Dock 9", incident_type=IncidentType.BARRICADE)
    entries.add_party(console.app, incident_id, name="Curtis", role=Role.SUBJECT, party_id="subj")
    client = console.client(R.SCRIBE)
    base = f"/api/incidents/{incident_id}"
    seq = client.post(f"{base}/utterances", json={"speaker": "subj", "text": LISTED}).json()["seq"]
    items = [a["detail"]["item"] for a in client.get(f"{base}/annotations").json()[str(seq)] if a["label"] == "demand"]
    assert items == ["cigarettes and food", "a car"]
    page = client.get(f"/incidents/{incident_id}").text
    line = page[page.index(f'id="u-{seq}"') :]
    line = line[: line.index("</article>")]
    assert "Record 'cigarettes and food' as demand" in line and "Record 'a car' as demand" in line
    assert sorted(re.findall(r"He asked for '([^']+)'", " ".join(_not_on_ledger(console, incident_id)))) == [
        "a car",
        "cigarettes and food",
    ]
    # The board's button for the car records the car; the card for the food stays until it is recorded too.
    car = client.post(
        f"/incidents/{incident_id}/marks",
        data={"seq": seq, "mark": "demand", "item": "a car"},
        headers={"HX-Request": "true"},
    )
    assert car.status_code == 200 and "saved" in car.text
    assert [re.findall(r"'([^']+)'", a)[0] for a in _not_on_ledger(console, incident_id)] == ["cigarettes and food"]
    # Without an item (Alt+D), the first item heard that is not yet recorded from the line; then none is left.
    food = client.post(f"{base}/marks", json={"seq": seq, "mark": "demand"})
    again = client.post(f"{base}/marks", json={"seq": seq, "mark": "demand"})
    assert food.status_code == 201 and (again.status_code, again.json()["code"]) == (409, "TD302")
    state = incidents.get_incident(console.app, incident_id)
    assert sorted(d.item for d in state.demands.values() if d.utterance_seq == seq) == ["a car", "cigarettes and food"]
    assert _not_on_ledger(console, incident_id) == []
