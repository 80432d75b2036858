"""The deadline parser: spoken limits to UTC instants, unknowable ones to None."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta, timezone

import pytest

from talkdown.analysis import timeparse
from talkdown.analysis.timeparse import parse_deadline

REF = datetime(2024, 5, 1, 14, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("by 5 o'clock", "2024-05-01T17:00:00+00:00"),
        ("in 30 minutes", "2024-05-01T14:40:00+00:00"),
        ("you have an hour", "2024-05-01T15:10:00+00:00"),
        ("by midnight", "2024-05-02T00:00:00+00:00"),
        ("at 3:30 pm", "2024-05-01T15:30:00+00:00"),
        ("until nine", "2024-05-01T21:00:00+00:00"),
        ("in twenty-nine minutes", "2024-05-01T14:39:00+00:00"),
        ("by tomorrow noon", "2024-05-02T12:00:00+00:00"),
        # half past, quarter to, teens, days and weeks
        ("by half past six", "2024-05-01T18:30:00+00:00"),
        ("by quarter to nine", "2024-05-01T20:45:00+00:00"),
        ("fourteen minutes", "2024-05-01T14:24:00+00:00"),
        ("a couple hours", "2024-05-01T16:10:00+00:00"),
        ("in 72 hours", "2024-05-04T14:10:00+00:00"),
        ("one week", "2024-05-08T14:10:00+00:00"),
        # a day and a part of it after the hour, read in full
        ("by 9 tomorrow morning", "2024-05-02T09:00:00+00:00"),  # was read as "by 9": 21:00 today
        ("by 9 tomorrow night", "2024-05-02T21:00:00+00:00"),
        ("by 9 tonight", "2024-05-01T21:00:00+00:00"),
        ("at 7 tomorrow", "2024-05-02T07:00:00+00:00"),
        # hours and minutes without am/pm: the next such time, as for "by five"; a leading zero is 24-hour
        ("by 2:11", "2024-05-01T14:11:00+00:00"),  # was 02:11 the next morning, a minute away read as 12 h
        ("until 9:30", "2024-05-01T21:30:00+00:00"),
        ("by 12:30", "2024-05-02T00:30:00+00:00"),
        ("at 09:30", "2024-05-02T09:30:00+00:00"),
        ("by 21:30", "2024-05-01T21:30:00+00:00"),
        ("by 2.30", "2024-05-01T14:30:00+00:00"),
    ],
)
def test_expression_resolves_to_the_next_matching_utc_instant(expression: str, expected: str) -> None:
    got = parse_deadline(expression, REF)
    assert got is not None
    assert got.isoformat() == expected


@pytest.mark.parametrize(
    "expression",
    [
        "before sunrise",
        "till breakfast",
        "tonight",
        "two tellers",
        "I have 2 kids",
        # days, the weekend, the sun, an hourless quarter
        "before Friday",
        "by the weekend",
        "before the sun goes down",
        "at quarter past",
    ],
)
def test_expression_without_a_clock_time_is_unresolved(expression: str) -> None:
    assert parse_deadline(expression, REF) is None


def test_a_clock_time_is_read_in_the_reference_zone_and_returned_in_utc() -> None:
    local = REF.astimezone(timezone(timedelta(hours=-5)))  # 09:10 local
    got = parse_deadline("by noon", local)
    assert got == datetime(2024, 5, 1, 17, 0, tzinfo=UTC)


def test_a_naive_reference_is_taken_as_utc() -> None:
    naive = REF.replace(tzinfo=None)
    assert parse_deadline("in 10 minutes", naive) == REF + timedelta(minutes=10)


def test_the_module_doctests_pass() -> None:
    assert doctest.testmod(timeparse).failed == 0
