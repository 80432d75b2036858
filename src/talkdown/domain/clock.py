"""Clocks: the only place that reads the wall clock, so tests and replays control time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current UTC time; injected so no domain code calls now()."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, truncated to microseconds as the canonical encoding stores them."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock for tests and imports: starts at a given instant and advances only when told."""

    def __init__(self, start: datetime, *, step: timedelta = timedelta(0)) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware UTC datetime")
        self._now = start.astimezone(UTC)
        self._step = step

    def now(self) -> datetime:
        current = self._now
        self._now = current + self._step
        return current

    def advance(self, delta: timedelta) -> None:
        self._now += delta
