"""Times as the people in the command post read them: the record is UTC, the boards are local.

Why: a subject says "by nine"; a board showing "due 02:00:00 UTC" to a team in New York asks people under
stress for a conversion. Every stored or exported time stays UTC (the log, the exports, ``--json``); the console,
the terminal's tables and the documents people read afterwards (the after-action report, a training debrief) show
the zone ``TALKDOWN_TIMEZONE`` names, else this computer's own, and say which beside the times (EST, CEST, UTC);
a document also names the zone with its offset from UTC (:func:`zone_statement`), so every time in it converts
back to the record's exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
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


def utc_offset(value: datetime, zone: tzinfo | None) -> str:
    """The zone's offset from UTC at ``value``, as ``UTC-06:00`` (``UTC+00:00`` for UTC itself).

    >>> from zoneinfo import ZoneInfo
    >>> from datetime import UTC
    >>> utc_offset(datetime(2026, 1, 15, 2, 0, tzinfo=UTC), ZoneInfo("Asia/Kolkata"))
    'UTC+05:30'
    """
    offset = value.astimezone(zone).utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_statement(values: Iterable[datetime], zone: tzinfo | None, name: str) -> str:
    """Which clock a document's times are on: the zone's name, then each abbreviation and offset in effect over
    ``values``, in order (two when daylight saving starts or ends during the incident).

    >>> from zoneinfo import ZoneInfo
    >>> from datetime import UTC
    >>> chicago = ZoneInfo("America/Chicago")
    >>> zone_statement([datetime(2026, 11, 1, 6, 0, tzinfo=UTC)], chicago, "America/Chicago")
    'America/Chicago, CDT (UTC-05:00)'
    >>> zone_statement([datetime(2026, 11, 1, 6, 0, tzinfo=UTC), datetime(2026, 11, 1, 8, 0, tzinfo=UTC)], chicago,
    ...                "America/Chicago")
    'America/Chicago, CDT (UTC-05:00) then CST (UTC-06:00)'
    """
    seen: list[str] = []
    for value in values:
        spelt = f"{zone_label(value, zone)} ({utc_offset(value, zone)})"
        if not seen or seen[-1] != spelt:
            seen.append(spelt)
    return ", ".join([name, " then ".join(seen)]) if seen else name
