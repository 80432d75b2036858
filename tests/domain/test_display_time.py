"""Display times: the record is UTC; a board shows a named zone, or this computer's, with its abbreviation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from talkdown.domain.display_time import shown, zone_label, zone_named
from talkdown.settings import Settings

WINTER = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 1, 0, tzinfo=UTC)


def test_a_named_zone_shows_its_wall_clock_and_daylight_saving_per_instant() -> None:
    new_york = zone_named("America/New_York")
    assert (shown(WINTER, new_york), zone_label(WINTER, new_york)) == ("21:00:00", "EST")  # "by nine", the day before
    assert (shown(SUMMER, new_york), zone_label(SUMMER, new_york)) == ("21:00:00", "EDT")
    assert (shown(WINTER, zone_named("UTC")), zone_label(WINTER, zone_named("UTC"))) == ("02:00:00", "UTC")


def test_no_name_is_this_computers_own_zone() -> None:
    assert zone_named(None) is None and zone_named("") is None
    assert shown(WINTER, None) == WINTER.astimezone().strftime("%H:%M:%S")


def test_an_unknown_zone_is_refused_when_the_settings_are_read() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        zone_named("Mars/Base")
    with pytest.raises(ValueError, match="unknown time zone"):
        Settings(timezone="Mars/Base")
    assert Settings(timezone="Europe/Paris").display_zone == zone_named("Europe/Paris")
