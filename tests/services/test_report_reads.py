"""What the after-action report reads, and that what it names comes from the one log it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path, PosixPath

import pytest

from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentType, Role
from talkdown.services import entries
from talkdown.services.incidents import open_incident
from talkdown.services.report import build_report
from talkdown.services.wiring import App
from tests.conftest import START

pytestmark = pytest.mark.integration


class _TeammateClock(FixedClock):
    """The tests' clock; given ``then``, its next reading runs it first: a teammate's console writing meanwhile."""

    def __init__(self) -> None:
        super().__init__(START, step=timedelta(seconds=1))
        self.then: Callable[[], object] | None = None

    def now(self) -> datetime:
        act, self.then = self.then, None
        if act is not None:
            act()
        return super().now()


@pytest.fixture
def clock() -> _TeammateClock:
    return _TeammateClock()


class _CountedPath(PosixPath):
    """A policy file's path that counts how often its text is read."""

    reads = 0

    def read_text(self, encoding: str | None = None, errors: str | None = None, newline: str | None = None) -> str:
        type(self).reads += 1
        return super().read_text(encoding=encoding, errors=errors)


def _incident(app: App) -> str:
    incident = open_incident(app, title="Elm St", incident_type=IncidentType.HOSTAGE)
    entries.add_party(app, incident, name="Dana", role=Role.PRIMARY)
    entries.add_party(app, incident, name="Curtis", role=Role.SUBJECT)
    entries.say(app, incident, speaker="Curtis", text="I want a car and nobody comes in.")
    entries.say(app, incident, speaker="Dana", text="You want a car. Tell me more about that.")
    return incident


def test_a_report_under_a_given_policy_reads_its_file_once(app: App, tmp_path: Path) -> None:
    # `report --policy FILE` read and parsed the file twice: once to fail early on a bad file, once for the advice.
    (tmp_path / "harrow.yaml").write_text("agency: Harrow\nno_concessions: true\n", encoding="utf-8")
    policy = _CountedPath(tmp_path / "harrow.yaml")
    _CountedPath.reads = 0
    report = build_report(app, _incident(app), policy_file=policy)
    assert _CountedPath.reads == 1
    (stretch,) = report.policies
    assert stretch.policy.agency == "Harrow" and "--policy harrow.yaml" in stretch.how


def test_the_integrity_block_names_the_head_of_the_log_the_report_shows(app: App, clock: _TeammateClock) -> None:
    # The integrity block read the head again: a line a teammate logged while the report was being made was its
    # "head to compare with the paper log", though the timeline, the figures and the advice ended one seq before.
    incident = _incident(app)
    clock.then = lambda: entries.say(app, incident, speaker="Curtis", text="Make it quick.")
    report = build_report(app, incident)
    assert clock.then is None  # the teammate's line was logged during the report
    assert report.integrity.head_seq == report.state.head_seq == len(report.timeline) == 5
    assert report.integrity.head_hash == report.state.head_hash
    assert report.integrity.verified  # the chain, read whole, verifies, the teammate's line with it
