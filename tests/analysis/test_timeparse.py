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
    ],
)
def test_expression_resolves_to_the_next_matching_utc_instant(expression: str, expected: str) -> None:
    got = parse_deadline(expression, REF)
    assert got is not None
    assert got.isoformat() == expected


@pytest.mark.parametrize("expression", ["before sunrise", "till breakfast", "tonight", "two tellers", "I have 2 kids"])
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


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("by half past six", "2024-05-01T18:30:00+00:00"),
        ("by quarter to nine", "2024-05-01T20:45:00+00:00"),
        ("fourteen minutes", "2024-05-01T14:24:00+00:00"),
        ("a couple hours", "2024-05-01T16:10:00+00:00"),
        ("in 72 hours", "2024-05-04T14:10:00+00:00"),
        ("one week", "2024-05-08T14:10:00+00:00"),
    ],
)
def test_half_past_quarter_to_teens_days_and_weeks_resolve(expression: str, expected: str) -> None:
    result = parse_deadline(expression, REF)
    assert result is not None and result.isoformat() == expected


@pytest.mark.parametrize(
    "expression", ["before Friday", "by the weekend", "before the sun goes down", "at quarter past"]
)
def test_days_the_weekend_the_sun_and_an_hourless_quarter_stay_unresolved(expression: str) -> None:
    assert parse_deadline(expression, REF) is None


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("by 9 tomorrow morning", "2024-05-02T09:00:00+00:00"),  # the day after, read in full (was "by 9": 21:00)
        ("by 9 tomorrow night", "2024-05-02T21:00:00+00:00"),
        ("by 9 tonight", "2024-05-01T21:00:00+00:00"),
        ("at 7 tomorrow", "2024-05-02T07:00:00+00:00"),
    ],
)
def test_a_day_and_a_part_of_it_after_the_hour_are_read(expression: str, expected: str) -> None:
    found = parse_deadline(expression, REF)
    assert found is not None and found.isoformat() == expected
