"""Turn a spoken time limit ("by 5 o'clock", "in 30 minutes") into an absolute UTC instant: a pure rule.

Why our own parser: deadline talk is a small, closed grammar (durations, clock times, midnight/noon) and
must resolve against the time the words were said, offline and without a dependency. Anything outside
that grammar ("before sunrise", "by breakfast", "tonight") stays unresolved (``None``) rather than guessed:
a wrong countdown on the board is worse than none.

Clock times are read in the reference's own time zone (pass a reference in the incident's local zone when it
is known; a naive reference is taken as UTC) and the result is converted to UTC. A clock time without am/pm
("by five", "by 9:30") means the next such time after the reference, morning or afternoon; a written leading
zero ("09:30") or an hour past twelve ("21:30") is a 24-hour time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "couple of": 2,
    "couple": 2, "few": 3,
}  # fmt: skip
_NUMBER = "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True))
_UNIT_SECONDS = {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}
_HOUR_WORDS = {k: v for k, v in _NUMBERS.items() if k not in ("a", "an", "couple of", "few") and 1 <= v <= 12}
_HOUR_WORD = "|".join(sorted(_HOUR_WORDS, key=len, reverse=True))
_MINUTE_WORDS = {"thirty": 30, "fifteen": 15, "forty-five": 45}
_CLOCK_LEAD = r"\b(?:by|at|until|till|til|before)\s+"

DURATION = re.compile(
    rf"\b(?:(half an?)|(\d{{1,3}}|{_NUMBER}|twenty-\w+|thirty-\w+)(?:\s+and\s+a\s+half)?)\s+"
    r"(?:more\s+)?(second|sec|minute|min|hour|hr|day|week)s?\b",
    re.IGNORECASE,
)
# The spaces before "pm" sit inside its optional group: a bare "\s*" there would take the space that the optional
# tail needs, and "by 9 tomorrow" would end at "by 9" (nothing after forces the engine to give the space back).
CLOCK = re.compile(
    r"\b(?:(?P<tom>tomorrow)\s+(?:at\s+|by\s+)?)?"
    rf"(?P<word>noon|midday|midnight|(?P<hnum>\d{{1,2}})(?:[:.](?P<mnum>\d{{2}}))?(?:\s*(?P<mer1>am|pm|a\.m\.|p\.m\."
    rf"|o'clock))?|(?P<hword>{_HOUR_WORD})(?:\s+(?P<mword>thirty|fifteen|forty-five))?(?:\s*(?P<mer2>am|pm|a\.m\."
    r"|p\.m\.|o'clock))?)"
    r"(?:\s+(?P<tail>tomorrow|tonight|today)(?:\s+(?P<daypart>morning|afternoon|evening|night))?)?",
    re.IGNORECASE,
)
# "half past six", "quarter to nine": read as a clock time by rewriting to "six thirty" / "eight forty-five".
PAST_TO = re.compile(
    rf"\b(?P<part>half|(?:a )?quarter) (?P<dir>past|to|after)(?: (?P<hour>\d{{1,2}}|{_HOUR_WORD}))?\b", re.IGNORECASE
)
# What a deadline sounds like when it cannot be put on a clock.
VAGUE = re.compile(
    r"\b(?:sunrise|sunset|sundown|sunup|nightfall|dawn|dusk|dark|daylight|first light|breakfast|lunch|dinner|tonight"
    r"|the morning|morning|end of (?:the|today|the day|the week|the month)|close of business|the news|the weekend"
    r"|(?:this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|the sun (?:goes|comes|sets|rises)"
    r"|(?:the )?(?:next|first) (?:count|shift change|news)|(?:lights out|count time|kick-?off|shift change))\b",
    re.IGNORECASE,
)


def _as_aware(reference: datetime) -> datetime:
    return reference if reference.tzinfo is not None else reference.replace(tzinfo=UTC)


def _count(word: str) -> float:
    word = word.lower()
    if word.isdigit():
        return float(word)
    if "-" in word and word not in _NUMBERS:
        tens, _, ones = word.partition("-")
        return float(_NUMBERS.get(tens, 0) + _NUMBERS.get(ones, 0))
    return float(_NUMBERS.get(word, 0))


def parse_duration(expression: str) -> timedelta | None:
    """The first duration in ``expression``.

    >>> parse_duration("you have thirty minutes")
    datetime.timedelta(seconds=1800)
    >>> parse_duration("in half an hour")
    datetime.timedelta(seconds=1800)
    >>> parse_duration("by noon") is None
    True
    """
    m = DURATION.search(expression)
    if m is None:
        return None
    amount = 0.5 if m.group(1) else _count(m.group(2))
    if "and a half" in m.group(0).lower():
        amount += 0.5
    unit = m.group(3).lower()
    return timedelta(seconds=amount * _UNIT_SECONDS[unit]) if amount > 0 else None


def _clock(m: re.Match[str], local: datetime) -> datetime | None:
    tomorrow = bool(m["tom"]) or (m["tail"] or "").lower() == "tomorrow"
    word = m["word"].lower()
    day = local.replace(second=0, microsecond=0)
    if word in ("noon", "midday"):
        hours, minute, meridiem = [12], 0, "fixed"
    elif word == "midnight":
        hours, minute, meridiem = [0], 0, "fixed"
    else:
        hour = int(m["hnum"]) if m["hnum"] else _HOUR_WORDS[m["hword"].lower()]
        minute = int(m["mnum"]) if m["mnum"] else _MINUTE_WORDS.get((m["mword"] or "").lower(), 0)
        meridiem = (m["mer1"] or m["mer2"] or "").lower().replace(".", "")
        if not meridiem and (m["daypart"] or (m["tail"] or "").lower() == "tonight"):
            meridiem = "am" if (m["daypart"] or "").lower() == "morning" else "pm"  # "nine tomorrow morning"
        if hour > 23 or minute > 59:
            return None
        if meridiem == "pm" and hour < 12:
            hours = [hour + 12]
        elif meridiem == "am":
            hours = [0 if hour == 12 else hour]
        elif hour <= 12 and not (m["mnum"] and m["hnum"].startswith("0")):
            # "by 9:30" said at 21:26 is four minutes away, like "by half past nine"; only a written leading
            # zero ("09:30") is a 24-hour time. It was read as 09:30 the next morning: no countdown, no advice.
            hours = [hour % 12, hour % 12 + 12]
        else:
            hours = [hour]
    if tomorrow:
        # No "next occurrence" to pick from: read 7-11 as morning and 12-6 as afternoon, as people say them.
        hour = hours[0] if len(hours) == 1 or 7 <= hours[0] <= 11 else hours[-1]
        return (day + timedelta(days=1)).replace(hour=hour, minute=minute)
    candidates = [day.replace(hour=h, minute=minute) + timedelta(days=d) for d in (0, 1) for h in hours]
    future = [c for c in candidates if c > local]
    return min(future) if future else None


def _past_to_clock(m: re.Match[str]) -> str:
    """ "half past six" -> "six thirty", "quarter to nine" -> "eight forty-five" (still am or pm, whichever is next);
    a missing hour ("at quarter past") is left as it is, unresolved."""
    if not m["hour"]:
        return m[0]
    hour = int(m["hour"]) if m["hour"].isdigit() else _HOUR_WORDS[m["hour"].lower()]
    if not 1 <= hour <= 12:
        return m[0]
    minute = 30 if m["part"].lower() == "half" else 15
    if m["dir"].lower() == "to":
        hour, minute = (hour - 2) % 12 + 1, 60 - minute
    word = next(w for w, v in _HOUR_WORDS.items() if v == hour)
    return f"{word} {next(w for w, v in _MINUTE_WORDS.items() if v == minute)}"


def parse_deadline(expression: str, reference: datetime) -> datetime | None:
    """Absolute aware UTC instant meant by ``expression``, said at ``reference``; None when it cannot be resolved.

    >>> ref = datetime(2024, 5, 1, 14, 10, tzinfo=UTC)
    >>> parse_deadline("by 5 o'clock", ref).isoformat()
    '2024-05-01T17:00:00+00:00'
    >>> parse_deadline("in 30 minutes", ref).isoformat()
    '2024-05-01T14:40:00+00:00'
    >>> parse_deadline("you have an hour", ref).isoformat()
    '2024-05-01T15:10:00+00:00'
    >>> parse_deadline("by midnight", ref).isoformat()
    '2024-05-02T00:00:00+00:00'
    >>> parse_deadline("at 3:30 pm", ref).isoformat()
    '2024-05-01T15:30:00+00:00'
    >>> parse_deadline("by tomorrow noon", ref).isoformat()
    '2024-05-02T12:00:00+00:00'
    >>> parse_deadline("before sunrise", ref) is None
    True
    >>> parse_deadline("at half past six", ref).isoformat()
    '2024-05-01T18:30:00+00:00'
    >>> parse_deadline("fourteen minutes", ref).isoformat()
    '2024-05-01T14:24:00+00:00'
    """
    local = _as_aware(reference)
    expression = PAST_TO.sub(_past_to_clock, expression)
    duration = parse_duration(expression)
    if duration is not None:
        return (local + duration).astimezone(UTC)
    if VAGUE.search(expression) and not re.search(r"\d|noon|midnight|o'clock", expression, re.IGNORECASE):
        return None
    for m in CLOCK.finditer(expression):
        explicit = (
            m["mnum"] or m["mer1"] or m["mer2"] or m["tom"] or m["word"].lower() in ("noon", "midday", "midnight")
        )
        if not explicit and not re.search(_CLOCK_LEAD + re.escape(m[0]), expression, re.IGNORECASE):
            continue  # a bare number ("two tellers") is not a time
        found = _clock(m, local)
        if found is not None:
            return found.astimezone(UTC)
    return None
