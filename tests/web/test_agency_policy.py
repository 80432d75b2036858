"""The agency policy of ``TALKDOWN_POLICY_FILE`` behind every face of the console: the board, the dismissal, the report.

Why these tests: the board, its advice API and the after-action report read the doctrine defaults whatever the
installation's policy said, while ``talkdown advise --policy`` read the agency's file; a team under a
no-concessions policy saw "Agency policy bars this concession" in the terminal and nothing on the board.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from talkdown.domain.enums import DemandCategory, IncidentType
from talkdown.errors import TalkdownError
from talkdown.services import accounts, entries, incidents
from talkdown.services.accounts import AccountRole
from talkdown.services.advise import advise_incident
from talkdown.services.derived import POLICY_ACTOR
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app
from tests.web.conftest import PASSWORD, sign_in

AGENCY = "Harrow Falls PD negotiation team"
POLICY = f"agency: {AGENCY}\nno_concessions: true\n"
BARS = "Agency policy bars this concession"


def _settings(root: Path, policy_file: Path | None) -> Settings:
    return Settings(data_dir=root / "data", checkpoint_dir=root / "cp", actor="user:test", policy_file=policy_file)


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, TestClient, str]]:
    """A console whose installation names a no-concessions policy, with an open incident and a ransom demand."""
    root = tmp_path_factory.mktemp("agency")
    policy = root / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    td = build_app(_settings(root, policy))
    accounts.add_user(td, username="lead", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    incident_id = incidents.open_incident(td, title="Bank", incident_type=IncidentType.HOSTAGE)
    entries.record_demand(td, incident_id, item="a million dollars", category=DemandCategory.MONEY)
    with TestClient(create_app(td), raise_server_exceptions=False) as client:
        sign_in(client, "lead")
        yield td, client, incident_id
    td.store.engine.dispose()


def _panel(page: str) -> str:
    panel = page[page.index('id="panel-advice"') :]
    return panel[: panel.index("</section>")]


def test_the_board_gives_the_advice_of_the_installations_policy_and_names_it(
    agency: tuple[App, TestClient, str],
) -> None:
    _, client, incident_id = agency
    panel = _panel(client.get(f"/incidents/{incident_id}").text)
    assert BARS in panel
    assert f"Policy: {AGENCY}" in panel


def test_the_board_dismisses_advice_only_the_agency_policy_gives(agency: tuple[App, TestClient, str]) -> None:
    # The dismissal looked the advice up under the defaults too: once the board showed the policy's advice, its
    # Dismiss button would have answered TD240 "no such advice".
    td, client, incident_id = agency
    advice_id = next(a for a in incidents.get_incident(td, incident_id).demands)  # the one demand's id
    response = client.post(
        f"/api/incidents/{incident_id}/advice-dismissals",
        json={"advice_id": f"policy_bars_concession:{advice_id}", "reason": "Commander passed it up the line"},
    )
    assert response.status_code == 201, response.text
    assert BARS not in _panel(client.get(f"/incidents/{incident_id}").text)


def test_the_consoles_report_replays_the_agency_policy_and_names_it(agency: tuple[App, TestClient, str]) -> None:
    _, client, incident_id = agency
    page = client.get(f"/incidents/{incident_id}/report").text
    assert BARS in page
    assert f"Policy: {AGENCY} (file policy.yaml; sha256 " in page  # the one the board recorded, by its fingerprint


@pytest.mark.parametrize(
    ("text", "code"),
    [(None, "TD643"), ("no_concesions: true\n", "TD640"), ("relief_interval_minutes: 1\n", "TD641"), ("[", "TD642")],
)
def test_a_missing_or_malformed_policy_file_stops_the_console_at_startup(
    tmp_path: Path, text: str | None, code: str
) -> None:
    # Never a quiet fall-back to the defaults: a team that set no_concessions must not be shown the defaults' advice.
    policy = tmp_path / "policy.yaml"
    if text is not None:
        policy.write_text(text, encoding="utf-8")
    td = build_app(_settings(tmp_path, policy))
    try:
        with pytest.raises(TalkdownError) as raised:
            create_app(td)
        assert raised.value.code == code
        assert str(policy) in raised.value.message
    finally:
        td.store.engine.dispose()


def test_an_empty_policy_setting_is_refused_not_read_as_no_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALKDOWN_POLICY_FILE", " ")
    with pytest.raises(ValueError, match="names no file"):
        Settings()


def test_the_advice_api_answers_what_advise_json_does_under_the_agency_policy(
    agency: tuple[App, TestClient, str],
) -> None:
    td, client, incident_id = agency
    body = client.get(f"/api/incidents/{incident_id}/advice").json()
    assert body["policy"] == AGENCY and body["incident_open"] is True
    cli = advise_incident(td, incident_id).to_json()
    assert {k: v for k, v in body.items() if k != "at"} == {k: v for k, v in cli.items() if k != "at"}


def test_an_observers_board_opens_and_the_log_records_the_policy_its_advice_follows(tmp_path: Path) -> None:
    # An observer may not write, yet the board must open for them: the record is the advisor's (system:advisor@…),
    # the console's own setting, not an entry the observer made; their own entries are still refused (TD350).
    policy = tmp_path / "harrow.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    td = build_app(_settings(tmp_path, policy))
    accounts.add_user(td, username="watcher", role=AccountRole.OBSERVER, password=PASSWORD)
    incident_id = incidents.open_incident(td, title="Bank", incident_type=IncidentType.HOSTAGE)
    entries.record_demand(td, incident_id, item="a million dollars", category=DemandCategory.MONEY)
    try:
        with TestClient(create_app(td), raise_server_exceptions=False) as client:
            sign_in(client, "watcher")
            page = client.get(f"/incidents/{incident_id}")
            assert page.status_code == 200 and BARS in _panel(page.text)
            recorded = [env for env in td.store.load(incident_id) if env.kind == "advice_policy_recorded"]
            assert [env.actor for env in recorded] == [POLICY_ACTOR]
            dismissal = {"advice_id": "policy_bars_concession:x", "reason": "Not mine to set aside"}
            assert client.post(f"/api/incidents/{incident_id}/advice-dismissals", json=dismissal).status_code == 403
            assert client.get(f"/incidents/{incident_id}").status_code == 200  # and opens again, nothing new recorded
            assert len([env for env in td.store.load(incident_id) if env.kind == "advice_policy_recorded"]) == 1
    finally:
        td.store.engine.dispose()
