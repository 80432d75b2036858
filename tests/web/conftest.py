"""Console fixtures: an app with one account per role, signed-in clients, and a small open incident."""

# ruff: noqa: S105  # test accounts in temporary databases
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import accounts, entries, incidents
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app

PASSWORD = "correct horse battery"


@dataclass
class Console:
    app: App
    clients: dict[AccountRole, TestClient]
    csrf: dict[AccountRole, str]
    incident_id: str

    def client(self, role: AccountRole) -> TestClient:
        return self.clients[role]


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/session", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    token: str = response.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return token


def make_app(root: Path, *, database_url: str | None = None) -> App:
    """An app on SQLite under ``root`` (the embedded default), or on ``database_url`` when given."""
    settings = Settings(data_dir=root / "data", checkpoint_dir=root / "cp", actor="user:test")
    if database_url is not None:
        settings = settings.model_copy(update={"database_url": database_url})
    return build_app(settings)


def seed_incident(app: App) -> str:
    incident_id = incidents.open_incident(app, title="Elm St barricade", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident_id, name="Curtis", role=Role.SUBJECT, party_id="subj")
    entries.add_party(app, incident_id, name="Dana", role=Role.PRIMARY, party_id="neg1")
    entries.say(app, incident_id, speaker="subj", text="Get those cops off my stairs.")
    return incident_id


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """One console per test module: accounts are slow to hash on purpose (argon2), so they are made once."""
    td = make_app(tmp_path_factory.mktemp("console"))
    web = create_app(td)
    clients: dict[AccountRole, TestClient] = {}
    csrf: dict[AccountRole, str] = {}
    for role in AccountRole:
        accounts.add_user(td, username=role.value, role=role, password=PASSWORD)
        client = TestClient(web, raise_server_exceptions=False)
        csrf[role] = sign_in(client, role.value)
        clients[role] = client
    yield Console(td, clients, csrf, seed_incident(td))
    for client in clients.values():
        client.close()
    td.store.engine.dispose()
