"""Times as the people in the command post read them: the record is UTC, the boards are local.

Why: a subject says "by nine"; a board showing "due 02:00:00 UTC" to a team in New York asks people under
stress for a conversion. Every stored or exported time stays UTC (the log, the exports, ``--json``); the console
and the terminal's tables show the zone ``TALKDOWN_TIMEZONE`` names, else this computer's own, and say which
beside the times (EST, CEST, UTC).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str | None) -> tzinfo | None:
    """An IANA zone, or None for this computer's own zone (its daylight saving applied per instant). Raises
    ``ValueError`` for a name the zone database does not know."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}: use an IANA name such as America/Chicago, or UTC") from exc


def shown(value: datetime, zone: tzinfo | None, fmt: str = "%H:%M:%S") -> str:
    """``value`` (aware) on the wall clock of ``zone``."""
    return value.astimezone(zone).strftime(fmt)


def zone_label(value: datetime, zone: tzinfo | None) -> str:
    """The zone's abbreviation at ``value`` (EST or EDT, UTC), to print beside a time."""
    return value.astimezone(zone).strftime("%Z") or "local"


def labelled(value: datetime, zone: tzinfo | None, fmt: str = "%H:%M:%S") -> str:
    """``shown`` with the zone's abbreviation after it, for a table cell that stands alone."""
    return f"{shown(value, zone, fmt)} {zone_label(value, zone)}"
