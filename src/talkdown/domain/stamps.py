"""Transcript time stamps (``hh:mm:ss``, ``mm:ss``, with an optional ``.``/``,`` fraction) as seconds.

Why in domain: the transcript formats parse them (``services/formats``), and the metrics read them too: an
imported line keeps its transcript's time as written (``Utterance.source_time``), and for a transcript with no
start date that is the only record of when each line was said (``doctrine.metrics``, ``doctrine.situation``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from talkdown.domain.state import IncidentState, Utterance

# Hours are capped at six digits so that int() never meets Python's digit limit on hostile input.
_STAMP = re.compile(r"(?:(?P<h>\d{1,6}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,](?P<f>\d{1,3}))?")
STAMP_EXPECTED = "hh:mm:ss, mm:ss, optionally with .fff"


def parse_stamp(time: str) -> float | None:
    """Seconds for a stamp in any spelling the formats use, or ``None`` when it is not one.

    >>> parse_stamp("01:02:03.5")
    3723.5
    >>> parse_stamp("00:61:00") is None
    True
    """
    match = _STAMP.fullmatch(time)
    if match is None:
        return None
    minutes, secs = int(match["m"]), int(match["s"])
    if secs >= 60 or (match["h"] is not None and minutes >= 60):
        return None
    hours = int(match["h"]) if match["h"] is not None else 0
    fraction = int(match["f"]) / 10 ** len(match["f"]) if match["f"] else 0.0
    return hours * 3600 + minutes * 60 + secs + fraction


def own_times(state: IncidentState) -> list[datetime]:
    """When the lines still standing were said, in order, for those that carry a time of their own.

    A transcript is imported in one instant, so each line's entry time says only when it was imported. What the
    file said survives as ``occurred_at`` (given a start date) or as the time as written (``source_time``): a
    stamp, counted from the incident's opening, or the ISO 8601 instant an exported incident's line carries
    (``study export-convokit``). A line the file gave no time has none here.
    """
    times = [_own_time(u, state.opened_at) for u in state.utterances if not u.retracted]
    return sorted(t for t in times if t is not None)


def _own_time(u: Utterance, opened_at: datetime | None) -> datetime | None:
    if u.occurred_at is not None or not u.source_time:
        return u.occurred_at
    stamp = parse_stamp(u.source_time)
    if stamp is not None:
        return opened_at + timedelta(seconds=stamp) if opened_at is not None else None
    try:
        instant = datetime.fromisoformat(u.source_time)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None
