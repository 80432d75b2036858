"""E2E in Debian's chromium (Playwright's own browser download is unavailable offline and in CI)."""

# ruff: noqa: S105  # test accounts in temporary databases
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import accounts, entries, incidents
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app
from tests.web.server import running

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery"
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Debian's chromium is missing: .ci/run must install it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@dataclass
class Live:
    url: str
    app: App
    incident_id: str


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("e2e")
    td = build_app(Settings(data_dir=root / "data", checkpoint_dir=root / "cp", actor="user:setup"))
    for role in (AccountRole.SCRIBE, AccountRole.TEAM_LEADER, AccountRole.OBSERVER):
        accounts.add_user(td, username=role.value, role=role, password=PASSWORD)
    incident_id = incidents.open_incident(td, title="Linden Court barricade", incident_type=IncidentType.DOMESTIC)
    entries.add_party(td, incident_id, name="Curtis Mabry", role=Role.SUBJECT, party_id="subj")
    entries.add_party(td, incident_id, name="Det. Dana Reyes", role=Role.PRIMARY, party_id="neg1")
    entries.record_hostage(td, incident_id, alias="Owen")
    ARTIFACTS.mkdir(exist_ok=True)
    with running(create_app(td)) as url:
        yield Live(url, td, incident_id)
    td.store.engine.dispose()
