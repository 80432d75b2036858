"""Two processes appending to one incident never fork the chain; a killed writer loses nothing acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from talkdown.domain.log import verify
from talkdown.services import incidents
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]
WRITER = Path(__file__).with_name("writer_proc.py")


def _writer(settings: Settings, incident_id: str, count: int, ack: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TALKDOWN_DATABASE_URL": settings.resolved_database_url,
        "TALKDOWN_DATA_DIR": str(settings.data_dir),
        "TALKDOWN_CHECKPOINT_DIR": str(settings.resolved_checkpoint_dir),
    }
    return subprocess.Popen([sys.executable, str(WRITER), incident_id, str(count), str(ack)], env=env)


def _new_incident(app: App) -> str:
    from talkdown.domain.enums import IncidentType

    return incidents.open_incident(app, title="race", incident_type=IncidentType.BARRICADE)


def test_two_processes_appending_at_once_keep_one_unbroken_chain(
    app: App, td_settings: Settings, tmp_path: Path
) -> None:
    incident_id = _new_incident(app)
    procs = [_writer(td_settings, incident_id, 40, tmp_path / f"ack{i}") for i in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    fresh = build_app(td_settings)
    envs = fresh.store.load(incident_id)
    assert len(envs) == 1 + 2 * (1 + 40)  # opened, then per writer: its party and 40 utterances
    assert verify(envs, incident_id=incident_id).ok


def test_a_killed_writer_leaves_every_acknowledged_event_and_a_valid_chain(
    app: App, td_settings: Settings, tmp_path: Path
) -> None:
    incident_id = _new_incident(app)
    ack = tmp_path / "ack"
    proc = _writer(td_settings, incident_id, 100_000, ack)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not ack.exists() or len(ack.read_text().splitlines()) < 30):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    acknowledged = [int(line.split()[0]) for line in ack.read_text().splitlines() if line.strip()]
    assert len(acknowledged) >= 30
    fresh = build_app(td_settings)
    envs = fresh.store.load(incident_id)
    stored = {e.seq for e in envs}
    assert set(acknowledged) <= stored
    assert verify(envs, incident_id=incident_id).ok
