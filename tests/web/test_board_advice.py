"""The board's advisor panel: what it says when there is no advice."""

from __future__ import annotations

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import annotate, entries, incidents
from talkdown.services.accounts import AccountRole as R
from tests.web.conftest import Console


def _panel(page: str) -> str:
    panel = page[page.index('id="panel-advice"') :]
    return panel[: panel.index("</section>")]


def test_a_closed_incident_says_it_is_closed_where_an_open_one_says_no_advice_right_now(console: Console) -> None:
    # A closed incident's panel said "No advice right now." as a quiet open one does: the advisor is silent because
    # the incident is closed, not because nothing in the log calls for advice.
    incident_id = incidents.open_incident(console.app, title="Bridge", incident_type=IncidentType.SUICIDE_INTERVENTION)
    observer = console.client(R.OBSERVER)
    assert "No advice right now." in _panel(observer.get(f"/incidents/{incident_id}").text)
    incidents.close_incident(console.app, incident_id, outcome="negotiated_surrender")
    panel = _panel(observer.get(f"/incidents/{incident_id}").text)
    assert "No advice right now." not in panel
    assert "the incident is closed" in panel


def test_the_advice_api_tells_a_closed_incident_from_a_quiet_one_and_names_the_policy(console: Console) -> None:
    # The API answered a bare list: [] for a quiet open incident and [] for a closed one, and no policy name, where
    # `talkdown advise --json` had `incident_open` and `policy`. It now answers that same document.
    incident_id = incidents.open_incident(console.app, title="Quay", incident_type=IncidentType.SUICIDE_INTERVENTION)
    observer = console.client(R.OBSERVER)
    quiet = observer.get(f"/api/incidents/{incident_id}/advice")
    assert quiet.status_code == 200, quiet.text
    body = quiet.json()
    assert body["incident_open"] is True and body["advice"] == []
    assert body["incident_id"] == incident_id and body["policy"].startswith("talkdown defaults")
    # The doctrine defaults are not recorded in a log that records no other policy (docs/advisor.md): seq 1 stays
    # the head.
    assert body["head_seq"] == 1 and body["advisor_version"] and body["at"]
    incidents.close_incident(console.app, incident_id, outcome="negotiated_surrender")
    closed = observer.get(f"/api/incidents/{incident_id}/advice").json()
    assert closed["incident_open"] is False and closed["advice"] == []


def test_a_suicide_cue_chip_names_its_kind_and_the_panel_raises_the_suicide_by_cop_card(console: Console) -> None:
    # The chip read "suicide cue" alike for "Nothing will fix this." and "Just shoot me.", and the panel had no card
    # for the second's suicide-by-cop sign (indicators.md, Perrou [R20 S]).
    incident_id = incidents.open_incident(console.app, title="Lot 9", incident_type=IncidentType.SUICIDE_INTERVENTION)
    entries.add_party(console.app, incident_id, name="Lee", role=Role.SUBJECT, party_id="lee")
    entries.say(console.app, incident_id, speaker="lee", text="Nothing will fix this.")
    asked = entries.say(console.app, incident_id, speaker="lee", text="Tell them to come in and shoot me.")
    annotate.annotate_incident(console.app, incident_id)
    page = console.client(R.OBSERVER).get(f"/incidents/{incident_id}").text
    assert ">suicide cue: hopelessness</span>" in page
    line = page[page.index(f'id="u-{asked}"') :]
    assert ">suicide cue: asks to be killed</span>" in line[: line.index("</article>")]
    panel = _panel(page)
    assert "Suicide-by-cop signs" in panel and f"asks to be killed at seq {asked}" in panel


def test_the_dismiss_button_sets_aside_the_card_the_board_shows_while_the_worker_is_behind(console: Console) -> None:
    # The board's cards come from the analysis stored beside each line; the dismissal ran the whole pipeline over the
    # log instead, which read the line the worker had not analysed yet: its suicide cue keyed the card otherwise, and
    # the team's click on the card in front of it was refused (TD240).
    incident_id = incidents.open_incident(console.app, title="Flat 2", incident_type=IncidentType.SUICIDE_INTERVENTION)
    entries.add_party(console.app, incident_id, name="Dale", role=Role.SUBJECT, party_id="dale")
    entries.say(console.app, incident_id, speaker="dale", text="Nobody would even miss me.")
    dog = entries.say(console.app, incident_id, speaker="dale", text="I already gave my dog to my sister.")
    annotate.annotate_incident(console.app, incident_id)  # the worker, caught up
    entries.say(console.app, incident_id, speaker="dale", text="I won't be around tomorrow.")  # not analysed yet
    lead = console.client(R.TEAM_LEADER)
    shown = f"rising_suicide_cues:c{dog}"
    form = f'id="dismiss-{shown.encode().hex()}"'
    assert form in _panel(lead.get(f"/incidents/{incident_id}").text)
    answer = lead.post(
        f"/incidents/{incident_id}/advice-dismissals", data={"advice_id": shown, "reason": "MHC is on the phone"}
    )
    assert answer.status_code == 200 and "saved" in answer.text, answer.text
    assert form not in _panel(lead.get(f"/incidents/{incident_id}").text)
