"""The diplomatic track from the console: the five commands of ``talkdown diplomatic`` as API calls and board forms.

Before, the board only showed the track, read-only: a hostage-recovery cell working from the console could not
add a stakeholder, a channel, a constraint, a media event or a statement without a terminal.
"""

from __future__ import annotations

from typing import Any

import pytest

from talkdown.domain.enums import ChannelKind, IncidentType, StakeholderKind, Tone
from talkdown.domain.events import (
    ChannelOpened,
    ConstraintNoted,
    MediaEventRecorded,
    StakeholderAdded,
    SupportStated,
)
from talkdown.services import diplomatic, incidents, live, train
from talkdown.services.accounts import AccountRole as R
from talkdown.web.schemas import MAX_CHANNEL_STAKEHOLDERS
from tests.web.conftest import Console

ROUTES = ("stakeholders", "channels", "constraints", "media-events", "statements")


def _incident(console: Console, title: str = "Kidnap abroad") -> str:
    return incidents.open_incident(console.app, title=title, incident_type=IncidentType.KIDNAP_FOR_RANSOM)


def _track(console: Console, incident_id: str) -> list[Any]:
    return [r.event for r in incidents.get_incident(console.app, incident_id).diplomatic]


def _head(console: Console, incident_id: str) -> int:
    return incidents.get_incident(console.app, incident_id).head_seq


def test_each_api_route_records_its_entry_on_the_track_as_the_user(console: Console) -> None:
    incident_id = _incident(console)
    client = console.client(R.SCRIBE)
    base = f"/api/incidents/{incident_id}"
    icrc = client.post(
        f"{base}/stakeholders", json={"name": "ICRC", "kind": "intermediary", "country": "CH", "stance": "mediating"}
    )
    assert icrc.status_code == 201, icrc.text
    sid = icrc.json()["id"]
    gov = client.post(f"{base}/stakeholders", json={"name": "Government of X", "kind": "government"}).json()["id"]
    channel = client.post(
        f"{base}/channels",
        json={"kind": "back_channel", "description": "Geneva", "stakeholders": ["icrc", gov, "ICRC"]},
    )
    constraint = client.post(f"{base}/constraints", json={"description": "No-ransom law", "legal": True})
    media = client.post(
        f"{base}/media-events",
        json={"outlet": "BBC", "description": "Names the hostage", "tone": "negative", "reach": 5},
    )
    linked = client.post(f"{base}/statements", json={"by": "government of x", "description": "Calls for release"})
    other = client.post(
        f"{base}/statements", json={"by": "A neighbour state", "description": "Condemns", "tone": "negative"}
    )
    answers = [icrc, channel, constraint, media, linked, other]
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers]

    track = _track(console, incident_id)
    assert track[0] == StakeholderAdded(
        stakeholder_id=sid, name="ICRC", stakeholder_kind=StakeholderKind.INTERMEDIARY, country="CH", stance="mediating"
    )
    assert track[2] == ChannelOpened(
        channel_id=channel.json()["id"],
        channel_kind=ChannelKind.BACK_CHANNEL,
        description="Geneva",
        stakeholder_ids=[sid, gov],  # by name ignoring case, by id, and the same one twice: two parties
    )
    assert track[3] == ConstraintNoted(constraint_id=constraint.json()["id"], description="No-ransom law", legal=True)
    assert track[4] == MediaEventRecorded(
        media_id=media.json()["id"], outlet="BBC", description="Names the hostage", tone=Tone.NEGATIVE, reach=5
    )
    assert track[5] == SupportStated(
        statement_id=linked.json()["id"], stakeholder_id=gov, by="government of x", description="Calls for release"
    )
    assert track[6] == SupportStated(
        statement_id=other.json()["id"], stakeholder_id=None, by="A neighbour state", description="Condemns",
        tone=Tone.NEGATIVE,
    )  # fmt: skip
    seqs = [r.seq for r in incidents.get_incident(console.app, incident_id).diplomatic]
    assert {env.actor for env in live.events_after(console.app, incident_id, seqs[0] - 1)} == {"user:scribe"}
    assert [a.json()["seq"] for a in answers] == [seqs[0], *seqs[2:]]


def test_each_board_form_records_its_entry_and_answers_a_saved_alert(console: Console) -> None:
    """The forms post what the board's inputs post: a checkbox absent when unchecked, and the channel's three
    "with" boxes, the empty ones as ""."""
    incident_id = _incident(console)
    client = console.client(R.NEGOTIATOR)
    token = console.csrf[R.NEGOTIATOR]
    base = f"/incidents/{incident_id}"
    forms: list[tuple[str, dict[str, Any]]] = [
        ("stakeholders", {"name": "ICRC", "kind": "intermediary", "country": "", "stance": ""}),
        ("channels", {"description": "Geneva", "kind": "multilateral", "stakeholders": ["ICRC", "", ""]}),
        ("channels", {"description": "Hotline", "kind": "official", "stakeholders": ["", "", ""]}),
        ("constraints", {"description": "Company policy: no payment"}),
        (
            "media-events",
            {"outlet": "Local radio", "description": "Reports the kidnap", "tone": "neutral", "reach": "2"},
        ),
        ("statements", {"by": "ICRC", "description": "Offers its good offices", "tone": "positive"}),
    ]
    for path, data in forms:
        answer = client.post(f"{base}/{path}", data={**data, "csrf_token": token}, headers={"HX-Request": "true"})
        assert answer.status_code == 200 and 'class="alert alert-ok"' in answer.text, (path, answer.text)
        assert ": saved (seq " in answer.text
    track = _track(console, incident_id)
    sid = track[0].stakeholder_id
    assert [e.kind for e in track] == [
        "stakeholder_added", "channel_opened", "channel_opened", "constraint_noted", "media_event_recorded",
        "support_stated",
    ]  # fmt: skip
    assert track[0].country == "" and track[0].stance == ""
    assert (track[1].channel_kind, track[1].stakeholder_ids) == (ChannelKind.MULTILATERAL, [sid])
    assert track[2].stakeholder_ids == []
    assert track[3].legal is False
    assert (track[4].tone, track[4].reach) == (Tone.NEUTRAL, 2)
    assert track[5].stakeholder_id == sid
    legal = client.post(
        f"{base}/constraints",
        data={"description": "No-ransom law", "legal": "true", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert legal.status_code == 200 and _track(console, incident_id)[-1].legal is True


@pytest.mark.parametrize("role", [R.INTELLIGENCE, R.OBSERVER, R.ADMIN])
@pytest.mark.parametrize("path", ROUTES)
def test_a_role_that_may_not_record_entries_is_refused_and_nothing_is_recorded(
    console: Console, role: R, path: str
) -> None:
    incident_id = _incident(console, "Refused")
    diplomatic.add_stakeholder(console.app, incident_id, name="ICRC", kind=StakeholderKind.INTERMEDIARY)
    body = {
        "stakeholders": {"name": "Government of X"},
        "channels": {"kind": "official", "description": "Embassy", "stakeholders": ["ICRC"]},
        "constraints": {"description": "No-ransom law"},
        "media-events": {"outlet": "BBC", "description": "x"},
        "statements": {"by": "ICRC", "description": "x"},
    }[path]
    before = _head(console, incident_id)
    client = console.client(role)
    as_json = client.post(f"/api/incidents/{incident_id}/{path}", json=body)
    as_form = client.post(
        f"/incidents/{incident_id}/{path}",
        data={**body, "csrf_token": console.csrf[role]},
        headers={"HX-Request": "true"},
    )
    assert (as_json.status_code, as_json.json()["code"]) == (403, "TD350")
    assert as_form.status_code == 403 and "TD350" in as_form.text
    assert _head(console, incident_id) == before


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "says"),
    [
        ("stakeholders", {"name": "   "}, 422, "TD105", "must not be blank"),
        ("stakeholders", {"name": "x" * 501}, 422, "TD105", "name"),
        ("stakeholders", {"name": "UN", "kind": "alien"}, 422, "TD105", "kind"),
        ("stakeholders", {"name": "UN", "stance": "x" * 501}, 422, "TD105", "stance"),
        ("stakeholders", {"name": "icrc"}, 409, "TD302", "stakeholder 'icrc' already exists"),
        ("stakeholders", {"name": "UN", "sponsor": "x"}, 422, "TD105", "sponsor"),
        ("channels", {"description": "Geneva"}, 422, "TD105", "kind"),
        ("channels", {"kind": "official", "description": "Geneva", "stakeholders": ["nobody"]}, 404, "TD202", "nobody"),
        (
            "channels",
            {"kind": "official", "description": "G", "stakeholders": ["  "]},
            422,
            "TD105",
            "must not be blank",
        ),
        (
            "channels",
            {"kind": "official", "description": "G", "stakeholders": ["ICRC"] * (MAX_CHANNEL_STAKEHOLDERS + 1)},
            422,
            "TD105",
            "stakeholders",
        ),
        ("constraints", {"description": ""}, 422, "TD105", "description"),
        ("constraints", {"description": "x", "legal": "maybe"}, 422, "TD105", "legal"),
        ("media-events", {"outlet": "BBC", "description": "x", "reach": 6}, 422, "TD105", "reach"),
        ("media-events", {"outlet": "BBC", "description": "x", "reach": 0}, 422, "TD105", "reach"),
        ("media-events", {"outlet": "BBC", "description": "x", "tone": "furious"}, 422, "TD105", "tone"),
        ("media-events", {"description": "x"}, 422, "TD105", "outlet"),
        ("statements", {"by": " ", "description": "x"}, 422, "TD105", "must not be blank"),
        ("statements", {"by": "ICRC", "description": "x" * 501}, 422, "TD105", "description"),
    ],
)
def test_bad_input_is_a_coded_problem_and_nothing_is_recorded(
    console: Console, path: str, body: dict[str, Any], status: int, code: str, says: str
) -> None:
    incident_id = _incident(console, "Bad input")
    diplomatic.add_stakeholder(console.app, incident_id, name="ICRC", kind=StakeholderKind.INTERMEDIARY)
    before = _head(console, incident_id)
    answer = console.client(R.TEAM_LEADER).post(f"/api/incidents/{incident_id}/{path}", json=body)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert says in answer.json()["detail"], answer.json()["detail"]
    assert _head(console, incident_id) == before


def test_a_bad_form_value_comes_back_as_a_coded_alert(console: Console) -> None:
    incident_id = _incident(console, "Bad form")
    answer = console.client(R.SCRIBE).post(
        f"/incidents/{incident_id}/channels",
        data={"description": "Geneva", "stakeholders": ["Nobody we know"], "kind": "official"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 404 and answer.headers["hx-retarget"] == "#alerts"
    assert 'class="alert alert-error"' in answer.text and "TD202" in answer.text
    assert _track(console, incident_id) == []


def test_a_training_sessions_log_refuses_the_diplomatic_track_as_every_entry_but_a_note(console: Console) -> None:
    runner = console.app
    session_id = train.start_session(runner, scenario="political_hostage").session_id
    answer = console.client(R.TEAM_LEADER).post(
        f"/api/incidents/{session_id}/stakeholders", json={"name": "Government of X", "kind": "government"}
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "TD332")


def _panel(page: str) -> str:
    panel = page[page.index('<section id="panel-diplomatic"') :]
    return panel[: panel.index("</section>")]


def test_the_board_offers_the_forms_folded_away_and_the_incidents_stakeholders_to_choose(console: Console) -> None:
    incident_id = _incident(console, "Board")
    page = console.client(R.SCRIBE).get(f"/incidents/{incident_id}").text
    empty = _panel(page)
    # While the track is empty the panel shows only to a role that may record on it (body.can-record_entry).
    assert 'class="panel needs-record_entry as-block"' in empty and " hidden" not in empty.split(">", 1)[0]
    assert "can-record_entry" in page.split("<body", 1)[1].split(">", 1)[0]
    assert '<details id="diplomatic-add" hx-preserve="true" class="needs-record_entry as-block">' in empty
    assert '<details id="diplomatic-add" hx-preserve="true" class="needs-record_entry as-block" open' not in empty
    for path in ROUTES:
        assert f'hx-post="/incidents/{incident_id}/{path}" hx-target="#alerts"' in empty, path
    assert '<datalist id="stakeholder-names"></datalist>' in empty

    diplomatic.add_stakeholder(console.app, incident_id, name='<b>"ICRC"</b>', kind=StakeholderKind.INTERMEDIARY)
    observer = console.client(R.OBSERVER).get(f"/incidents/{incident_id}").text
    panel = _panel(observer)
    assert panel.startswith('<section id="panel-diplomatic" class="panel" ')  # now shown to every role
    assert '<option value="&lt;b&gt;&#34;ICRC&#34;&lt;/b&gt;">intermediary</option>' in panel
    assert (
        'name="stakeholders" list="stakeholder-names"' in panel
        and 'name="by" required list="stakeholder-names"' in panel
    )
    assert "can-record_entry" not in observer.split("<body", 1)[1].split(">", 1)[0]  # its forms stay hidden
