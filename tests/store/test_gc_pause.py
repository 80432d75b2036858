"""Opening a long incident pauses Python's cyclic GC (talkdown.gcpause), and always gives it back."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.events import IncidentOpened, PartyAdded, UtteranceLogged
from talkdown.errors import TalkdownError
from talkdown.gcpause import gc_paused
from talkdown.services.recorder import Recorder
from talkdown.services.wiring import App

LONG = 2_000

pytestmark = pytest.mark.integration


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations of the cyclic collections that start while the test runs."""
    seen: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(count)
    yield seen
    gc.callbacks.remove(count)


def _long_incident(app: App, events: int) -> str:
    opened = [
        IncidentOpened(title="long", incident_type=IncidentType.BARRICADE),
        PartyAdded(party_id="s", name="S", role=Role.SUBJECT),
    ]
    app.recorder.record("long", opened, actor="user:test")
    lines = [UtteranceLogged(speaker="s", text=f"line {i}") for i in range(events)]
    app.recorder.record("long", lines, actor="user:test")
    return "long"


def test_a_long_log_is_parsed_and_folded_without_a_collection_and_the_gc_is_back_after(
    app: App, collections: list[int]
) -> None:
    incident = _long_incident(app, LONG)
    gc.collect()
    collections.clear()
    assert len(app.store.load(incident)) == LONG + 2
    state = Recorder(app.store, app.clock).current(incident)  # a process that has not read it yet
    assert state.head_seq == LONG + 2
    # Without the pause the collector ran 80 times here (25 in the load alone). With it, it may run once as each
    # call ends: the first allocation after a pause finds the young generation over its threshold.
    assert len(collections) <= 2
    assert gc.isenabled()


def test_a_load_leaves_a_gc_the_user_switched_off_off(app: App) -> None:
    incident = _long_incident(app, 3)
    gc.disable()
    try:
        app.store.load(incident)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_unknown_incident_still_gives_the_gc_back(app: App) -> None:
    with pytest.raises(TalkdownError) as err:
        Recorder(app.store, app.clock).current("no-such-incident")
    assert err.value.code == "TD201"
    assert gc.isenabled()


def test_pauses_nest_and_a_gc_that_was_off_stays_off() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # the user's choice, not ours to undo
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("a parse failed")
    assert gc.isenabled()
