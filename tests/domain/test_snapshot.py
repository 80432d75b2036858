"""``IncidentState.snapshot``: equal to a deep copy, and nothing ``evolve`` may change is shared with it."""

from __future__ import annotations

import copy
import dataclasses
from datetime import UTC, datetime
from enum import Enum

from hypothesis import given, settings
from pydantic import BaseModel

from talkdown.domain.decide import decide
from talkdown.domain.events import AnyEvent
from talkdown.domain.log import GENESIS_HASH, chain
from talkdown.domain.state import IncidentState, replay
from tests.strategies import event_sequences

AT = datetime(2026, 3, 14, 19, 42, tzinfo=UTC)
IMMUTABLE = (str, int, float, bool, type(None), datetime, Enum, BaseModel)  # events are frozen models


def _mutable_ids(obj: object, found: set[int]) -> set[int]:
    """Ids of every mutable object reachable from ``obj`` (containers and dataclass entries)."""
    if isinstance(obj, IMMUTABLE):
        return found
    found.add(id(obj))
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            _mutable_ids(getattr(obj, f.name), found)
    elif isinstance(obj, dict):
        for value in obj.values():
            _mutable_ids(value, found)
    elif isinstance(obj, list | tuple):
        for value in obj:
            _mutable_ids(value, found)
    return found


@settings(max_examples=60)
@given(event_sequences(max_size=30))
def test_a_snapshot_equals_a_deep_copy_and_shares_nothing_mutable(events: list[AnyEvent]) -> None:
    decide(IncidentState(), events)
    state = replay(chain(events, incident_id="abc123", after_seq=0, after_hash=GENESIS_HASH, at=AT, actor="u:t"))
    snap = state.snapshot()
    assert snap == copy.deepcopy(state)
    assert not _mutable_ids(state, set()) & _mutable_ids(snap, set())
