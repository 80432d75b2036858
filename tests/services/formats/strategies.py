"""Hypothesis strategies for transcripts each format can represent, and for text that looks almost like a file.

Kept beside the format tests rather than in ``tests/strategies.py`` so that this module owns only what it tests.
Each strategy builds its values from alphabets rather than filtering with the code under test, so a bug in the
parser's own notion of "representable" cannot hide itself.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from talkdown.services.formats.model import Transcript, TranscriptTurn

# Realistic names and words: ASCII, accents, Cyrillic, CJK, an emoji; quotes, commas and semicolons included.
_NAME_CHARS = string.ascii_letters + string.digits + " .'-_()éñüçøЖя中文"
_WORD_CHARS = _NAME_CHARS + '\t,;:!?"&<>/[]*#@%=+ß😀→'

# Names for the prefix formats: no ':' at all, and '[' cannot appear since the alphabet lacks it.
speakers = st.text(_NAME_CHARS, min_size=1, max_size=24).map(str.strip).filter(bool)
_line = st.text(_WORD_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
text_blocks = st.lists(_line, min_size=1, max_size=3).map("\n".join)
"""Utterances for the line-based formats: one to three non-blank, stripped lines."""


@st.composite
def _stamp_pair(draw: st.DrawFn, *, style: str) -> tuple[str, str]:
    start = draw(st.integers(0, 20 * 3600 * 1000))
    end = start + draw(st.integers(0, 120_000))

    def spell(millis: int) -> str:
        hours, rest = divmod(millis, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        secs, frac = divmod(rest, 1000)
        if style == "srt":
            return f"{hours:02d}:{minutes:02d}:{secs:02d},{frac:03d}"
        if style == "vtt" and hours == 0 and frac % 2:  # the short mm:ss.ttt form, on about half the stamps
            return f"{minutes:02d}:{secs:02d}.{frac:03d}"
        if style == "vtt":
            return f"{hours:02d}:{minutes:02d}:{secs:02d}.{frac:03d}"
        return f"{hours:02d}:{minutes:02d}:{secs:02d}" + (f".{frac:03d}" if frac % 3 == 0 else "")

    return spell(start), spell(end)


@st.composite
def plain_transcripts(draw: st.DrawFn) -> Transcript:
    """Speaker, text and an optional start time: what the plain-text format holds."""
    turns = []
    for _ in range(draw(st.integers(1, 6))):
        time = draw(st.none() | _stamp_pair(style="plain").map(lambda pair: pair[0]))
        turns.append(TranscriptTurn(draw(speakers), draw(text_blocks), time=time))
    return Transcript(tuple(turns))


@st.composite
def cue_transcripts(draw: st.DrawFn, *, style: str) -> Transcript:
    """Speaker, text and both times in WebVTT (``style="vtt"``) or SubRip (``"srt"``) spelling."""
    turns = []
    for _ in range(draw(st.integers(1, 6))):
        start, end = draw(_stamp_pair(style=style))
        turns.append(TranscriptTurn(draw(speakers), draw(text_blocks), time=start, end_time=end))
    return Transcript(tuple(turns))


_CSV_CORE = {"speaker", "text", "time", "end_time", "role"}
_cell = st.text(_WORD_CHARS + "\n", min_size=1, max_size=20).map(str.strip).filter(bool)
_family = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)
_label = st.from_regex(r"[a-z][a-z_-]{0,11}", fullmatch=True)
_column = st.text(string.ascii_letters + "_ ", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def csv_transcripts(draw: st.DrawFn) -> Transcript:
    """Everything but the JSONL conversation fields: CSV text may hold commas, quotes and blank lines."""
    extra_keys = draw(st.lists(_column.filter(lambda k: k.lower() not in _CSV_CORE), max_size=3, unique=True))
    families = draw(st.lists(_family, max_size=3, unique=True))
    turns = []
    for _ in range(draw(st.integers(1, 6))):
        labels = {family: draw(st.lists(_label, max_size=3, unique=True)) for family in families if draw(st.booleans())}
        extra = {key: draw(_cell) for key in extra_keys if draw(st.booleans())}
        turns.append(
            TranscriptTurn(
                draw(_cell),
                draw(st.lists(_cell, min_size=1, max_size=3).map("\n\n".join) | st.just("")),
                time=draw(st.none() | _stamp_pair(style="plain").map(lambda pair: pair[0])),
                end_time=draw(st.none() | _stamp_pair(style="plain").map(lambda pair: pair[1])),
                role=draw(st.none() | st.sampled_from(["negotiator", "subject", "party"])),
                labels=labels,
                extra=dict(extra),
            )
        )
    return Transcript(tuple(turns))


_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_JSONL_RESERVED = {"idx", "speaker", "role", "text", "time", "end_time", "labels", "feedback"}


@st.composite
def jsonl_transcripts(draw: st.DrawFn) -> Transcript:
    """Any transcript with an id, source, split and roles: JSONL has a place for every field."""
    turns = []
    for _ in range(draw(st.integers(1, 4))):
        extra = draw(
            st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in _JSONL_RESERVED), json_values)
        )
        if draw(st.booleans()):
            extra["feedback"] = draw(st.integers(1, 5))
        turns.append(
            TranscriptTurn(
                draw(st.text(min_size=1, max_size=20)),
                draw(st.text(max_size=60)),
                time=draw(st.none() | st.text(max_size=12)),
                end_time=draw(st.none() | st.text(max_size=12)),
                role=draw(st.sampled_from(["negotiator", "subject", "party", ""])),
                labels=draw(st.dictionaries(st.text(max_size=12), st.lists(st.text(max_size=12), max_size=3))),
                extra=extra,
            )
        )
    return Transcript(
        tuple(turns),
        external_id=draw(st.text(min_size=1, max_size=16)),
        source=draw(st.text(max_size=12)),
        split=draw(st.sampled_from(["train", "dev", "test"])),
        meta=draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4)),
    )


# Fragments of every format, so that arbitrary input reaches the parsers' deeper branches, not only line 1.
_fragments = st.sampled_from(
    [
        "WEBVTT",
        "NOTE x",
        "STYLE",
        "1",
        "00:00:01.000 --> 00:00:02.000",
        "00:00:01,000 --> 00:00:02,000",
        "00:61:00 --> 00:00:01.000",
        "<v NEG>hi</v>",
        "<v>",
        "NEG: hello",
        "[00:00:05] NEG: hi",
        "[99:99] X: y",
        "  continued",
        "speaker,text,time,label:x",
        'a,"b',
        "x;y;z",
        '{"id": "a"}',
        "{",
        "[[[[",
        "",
    ]
)
almost_files = st.lists(_fragments | st.text(max_size=20), max_size=12).map("\n".join)
"""Text that mixes real format fragments with noise."""
