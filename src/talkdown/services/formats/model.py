"""What every transcript format parses into and renders from, plus the time stamps they share.

Why a model of its own rather than domain events: a file is not yet a fact in an incident log. The import
service decides later which speaker is which party and when each utterance becomes an ``UtteranceLogged``;
these parsers only read and write files, so they stay pure and testable without a database.

Time stamps are kept *as written* (``"00:01:02"``, ``"01:02.500"``, ``"00:01:02,500"``) so that a file
exported in its own format comes back byte for byte; only the plain-text ``[hh:mm:ss]`` brackets are
dropped. :func:`seconds` turns any of these spellings into a number when arithmetic is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The stamps moved down to domain (the metrics read them too); the formats still import them from here.
from talkdown.domain.stamps import STAMP_EXPECTED as STAMP_EXPECTED
from talkdown.domain.stamps import parse_stamp as parse_stamp
from talkdown.errors import TalkdownError

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]
"""A value that survives ``json.dumps``/``json.loads`` unchanged: what ``meta`` and ``extra`` may hold."""


@dataclass(frozen=True)
class TranscriptTurn:
    """One utterance as a file records it: who spoke, what was said, and whatever else the format carries.

    ``role`` is the JSONL role (``negotiator``, ``subject``, ``party``) or a CSV ``role`` cell; formats without
    roles leave it ``None``. ``labels`` maps a label family to its labels (JSONL ``labels``, CSV ``label:``
    columns). ``extra`` holds what the format carries beyond that (JSONL ``votes``/``feedback``, other CSV
    columns) so that nothing read from a file is dropped on the way to an export.
    """

    speaker: str
    text: str
    time: str | None = None
    end_time: str | None = None
    role: str | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, JSONValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Transcript:
    """One conversation in order, with the JSONL conversation fields when the file had them.

    Frozen, but the dicts inside are ordinary dicts, so a ``Transcript`` compares by value and is not
    hashable; treat it as read-only.
    """

    turns: tuple[TranscriptTurn, ...]
    external_id: str | None = None
    source: str | None = None
    split: str | None = None
    meta: dict[str, JSONValue] = field(default_factory=dict)


def seconds(time: str) -> float:
    """Seconds since the start of the recording for a stamp as written in any supported format.

    Accepts ``hh:mm:ss``, ``mm:ss`` and either with a ``.`` or ``,`` fraction of up to three digits (WebVTT and
    SubRip spellings). Raises ``TD105`` rather than ``ValueError`` so that callers at the edges can show it.

    >>> seconds("00:01:02,500")
    62.5
    >>> seconds("01:05")
    65.0
    """
    value = parse_stamp(time)
    if value is None:
        raise TalkdownError("TD105", value=time, what="time stamp", problem=f"expected {STAMP_EXPECTED}")
    return value


def format_stamp(value: float, *, decimal: str) -> str:
    """Write seconds as ``hh:mm:ss<decimal>mmm``, the spelling WebVTT (``.``) and SubRip (``,``) require.

    >>> format_stamp(3723.5, decimal=",")
    '01:02:03,500'
    """
    millis = round(value * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{millis:03d}"
