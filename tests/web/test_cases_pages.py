"""The case library pages: the list (and its search), one case with its lessons, and cases like an incident."""

from __future__ import annotations

import html

from talkdown.domain.enums import IncidentType
from talkdown.services import cases, incidents
from talkdown.services.accounts import AccountRole as R
from tests.web.conftest import Console

KNOWN = "norrmalmstorg-1973"  # doctrine/data/cases.yaml


def _case_page(console: Console, case_id: str) -> str:
    """A case's page as an observer reads it, entities unescaped."""
    return html.unescape(console.client(R.OBSERVER).get(f"/cases/{case_id}").text)


def test_the_case_list_shows_the_shipped_cases(console: Console) -> None:
    response = console.client(R.OBSERVER).get("/cases")
    assert response.status_code == 200
    assert KNOWN in response.text and 'href="/cases/attica-1971"' in response.text


def test_the_search_box_narrows_the_list(console: Console) -> None:
    response = console.client(R.OBSERVER).get("/cases", params={"q": "Stockholm"})
    assert response.status_code == 200
    assert KNOWN in response.text and "attica-1971" not in response.text
    nothing = console.client(R.OBSERVER).get("/cases", params={"q": "zzqxnothing"})
    assert "No case mentions every word" in nothing.text
    wordless = console.client(R.OBSERVER).get("/cases", params={"q": "?!"})  # a filter that filters nothing
    assert wordless.status_code == 200 and KNOWN in wordless.text and "attica-1971" in wordless.text


def test_a_case_page_shows_its_lessons(console: Console) -> None:
    case = cases.get_case(console.app, KNOWN).case
    response = console.client(R.SCRIBE).get(f"/cases/{KNOWN}")
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert case.name in text and "Lessons" in text
    assert case.lessons and all(lesson in text for lesson in case.lessons)


def test_an_unknown_case_is_404(console: Console) -> None:
    response = console.client(R.OBSERVER).get("/cases/no-such-case", headers={"accept": "application/json"})
    assert response.status_code == 404


def test_cases_like_an_incident_lists_cases_with_the_features_that_matched(console: Console) -> None:
    like = cases.like_cases(console.app, incident=console.incident_id)
    assert like.neighbours
    response = console.client(R.OBSERVER).get(f"/incidents/{console.incident_id}/cases-like")
    assert response.status_code == 200
    first = like.neighbours[0]
    assert f'href="/cases/{first.case.id}"' in response.text
    if first.matches:
        assert first.matches[0].feature.replace("_", " ") in response.text
    assert "their outcomes do not predict this one's" in html.unescape(response.text)  # a famous-case sample
    for n in like.neighbours:  # each reason says how strongly it matched, as the terminal and --json do
        for m in n.matches:
            assert f"({m.strength}, {m.shown}): {m.reason}" in html.unescape(response.text)


def test_the_board_links_to_similar_cases(console: Console) -> None:
    response = console.client(R.OBSERVER).get(f"/incidents/{console.incident_id}")
    assert f'href="/incidents/{console.incident_id}/cases-like"' in response.text


def test_a_case_page_says_who_died_and_what_the_sources_leave_out(console: Console) -> None:
    text = _case_page(console, "lufthansa-181-1977")
    assert "Deaths: hostages 1, subjects 3; officers, others not stated" in text
    assert "Captain Jürgen Schumann was murdered by the hijackers in Aden" in text


def test_a_case_page_says_when_its_outcome_is_uncertain_in_the_sources(console: Console) -> None:
    text = _case_page(console, "schilling-kidnapping-2000")
    assert "escape <em>(uncertain in the sources)</em>: Freed or escaped" in text
    sure = _case_page(console, "getty-kidnapping-1973")
    assert "negotiated release: Released alive" in sure
    listed = html.unescape(console.client(R.OBSERVER).get("/cases", params={"q": "kidnapping"}).text)
    assert "<td>escape <em>(uncertain in the sources)</em></td>" in listed
    assert "<td>negotiated release</td>" in listed


def test_a_case_page_gives_the_channel_and_says_when_there_was_no_negotiation(console: Console) -> None:
    amenas = _case_page(console, "in-amenas-2013")
    assert "<p>Channel: none: no negotiation took place</p>" in amenas
    midland = _case_page(console, "midland-city-2013")
    assert "<p>Channel: other (Voice contact through a PVC ventilation pipe)</p>" in midland
    assert "Channel:" not in _case_page(console, "munich-1972")


def test_a_case_page_gives_the_dates_and_the_subjects_typology(console: Console) -> None:
    text = _case_page(console, "schilling-kidnapping-2000")
    assert "<p>Dates: 2000-08-28 to 2001-04-12 <em>(uncertain in the sources)</em></p>" in text
    assert "<p>Subject typology: terrorist political, criminal</p>" in text


def test_a_case_page_marks_each_uncertain_figure_and_gives_whole_hours(console: Console) -> None:
    # "Duration: 5400.0 h" with no word of doubt; only the list under Sources said "duration_hours".
    text = _case_page(console, "schilling-kidnapping-2000")
    assert "<p>Duration: 5400 h <em>(uncertain in the sources)</em></p>" in text
    wijster = _case_page(console, "wijster-train-1975")
    assert "<p>Hostages: 50 <em>(uncertain in the sources)</em> (" in wijster
    getty = _case_page(console, "getty-kidnapping-1973")
    assert "<p>Duration: 3800 h</p>" in getty


def test_a_case_page_marks_uncertain_demands_and_key_events_at_their_heading(console: Console) -> None:
    iran = _case_page(console, "iran-hostage-crisis-1979")
    assert "<h3>Demands <em>(uncertain in the sources)</em></h3>" in iran and "<h2>Key events</h2>" in iran
    munich = _case_page(console, "munich-1972")
    assert "<h2>Key events <em>(uncertain in the sources)</em></h2>" in munich


def test_cases_like_a_suicide_intervention_says_the_library_holds_none(console: Console) -> None:
    bridge = incidents.open_incident(
        console.app, title="Harlan St bridge", incident_type=IncidentType.SUICIDE_INTERVENTION
    )
    page = html.unescape(console.client(R.OBSERVER).get(f"/incidents/{bridge}/cases-like").text)
    assert "The library holds no suicide intervention case: the cases below resemble this one on other features" in page
    other = html.unescape(console.client(R.OBSERVER).get(f"/incidents/{console.incident_id}/cases-like").text)
    assert "The library holds no" not in other
