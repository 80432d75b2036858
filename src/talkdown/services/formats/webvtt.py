"""WebVTT captions, as produced by meeting recorders and transcription tools.

Read: the ``WEBVTT`` header; cue blocks with an optional cue id, ``start --> end [settings]`` (``hh:mm:ss.ttt`` or
``mm:ss.ttt``) and one or more text lines; ``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped. The speaker comes
from a ``<v Speaker>`` voice tag; a cue with several voice tags gives one turn per voice, all with the cue's
times. Without a voice tag a leading ``Speaker: text`` names the speaker, and a cue naming nobody gets the speaker
``UNKNOWN`` (a visible placeholder the import can map, rather than a guess). Other tags (``<i>``, ``<c.x>``, inline
times) are dropped and character references (``&amp;``) decoded, because a transcript keeps words, not styling.
A cue with no text at all is skipped. Cue ids and settings are not kept.

What it represents: speaker (any name without a line break), text (no blank lines; leading and trailing
whitespace stripped) and both times in WebVTT syntax. Render writes every turn as ``<v Speaker>`` with ``&``,
``<`` and ``>`` escaped; a missing or differently spelt time is converted or invented (see ``cue_bounds``).
Roles, labels, extra fields and JSONL conversation fields are lost.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from talkdown.errors import TalkdownError

from .cues import (
    UNKNOWN_SPEAKER,
    Block,
    cue_bounds,
    only_transcript,
    read_timing,
    require_turns,
    split_blocks,
    split_speaker,
    text_lines,
)
from .model import Transcript, TranscriptTurn

FORMAT = "vtt"
_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_STAMP = re.compile(r"(?:\d{2,6}:)?[0-5]\d:[0-5]\d\.\d{3}")
_EXPECTED = "hh:mm:ss.ttt or mm:ss.ttt"
_VOICE = re.compile(r"<v(?:\.[^\s>]*)*(?:[ \t]+(?P<name>[^>]*))?>")
_TAG = re.compile(r"</?[^>]*>")
_SKIPPED = ("NOTE", "STYLE", "REGION")


def is_stamp(value: str) -> bool:
    """Whether a stamp is spelt the way WebVTT requires (so it can be written back unchanged)."""
    return _STAMP.fullmatch(value) is not None


def parse(text: str, *, file: str) -> list[Transcript]:
    """Read a WebVTT file into one transcript, one turn per cue (or per voice within a cue)."""
    blocks = split_blocks(text)
    if not blocks:
        raise TalkdownError("TD102", file=file, problem="the file is empty")
    header = blocks[0]
    if header.line != 1 or _HEADER.fullmatch(header.lines[0]) is None:
        raise TalkdownError("TD101", file=file, line=header.line, problem="a WebVTT file must start with 'WEBVTT'")
    # A cue inside the header block would be skipped with the header: refuse rather than lose an utterance.
    for offset, line in enumerate(header.lines):
        if "-->" in line:
            raise TalkdownError(
                "TD101", file=file, line=header.line + offset, problem="put a blank line between 'WEBVTT' and the cue"
            )
    turns: list[TranscriptTurn] = []
    for block in blocks[1:]:
        first = block.lines[0]
        if first.split(maxsplit=1)[0] in _SKIPPED:
            continue
        turns.extend(_read_cue(block, file=file))
    return require_turns(Transcript(tuple(turns)), file=file)


def _read_cue(block: Block, *, file: str) -> list[TranscriptTurn]:
    """The turns of one cue block."""
    timing_at = 0 if "-->" in block.lines[0] else 1
    if timing_at >= len(block.lines) or "-->" not in block.lines[timing_at]:
        raise TalkdownError("TD101", file=file, line=block.line, problem="a cue needs a 'start --> end' line")
    start, end = read_timing(
        block.lines[timing_at], file=file, line_no=block.line + timing_at, is_valid=is_stamp, expected=_EXPECTED
    )
    payload = "\n".join(block.lines[timing_at + 1 :])
    return [TranscriptTurn(speaker, words, time=start, end_time=end) for speaker, words in _voices(payload)]


def _voices(payload: str) -> list[tuple[str, str]]:
    """``(speaker, text)`` for each voice span of a cue; the part before any voice tag names its own speaker."""
    spans: list[tuple[str | None, str]] = []
    cursor, speaker = 0, None
    for match in _VOICE.finditer(payload):
        spans.append((speaker, payload[cursor : match.start()]))
        cursor, speaker = match.end(), html.unescape(match["name"] or "").strip() or None
    spans.append((speaker, payload[cursor:]))
    voices: list[tuple[str, str]] = []
    for index, (name, raw) in enumerate(spans):
        words = html.unescape(_TAG.sub("", raw)).strip()
        if name is None:
            if index == 0 and not words:
                continue
            found = split_speaker(words.split("\n", 1)[0])
            if found is not None:
                rest = words.split("\n", 1)[1:]
                name, words = found[0], "\n".join([found[1], *rest]).strip()
        voices.append((name or UNKNOWN_SPEAKER, words))
    return voices


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(transcripts: Sequence[Transcript]) -> str:
    """Write one transcript as WebVTT, one cue per turn, the speaker in a voice tag."""
    turns = only_transcript(transcripts, fmt=FORMAT).turns
    out = ["WEBVTT", ""]
    for turn, (start, end) in zip(turns, cue_bounds(turns, is_native=is_stamp, decimal="."), strict=True):
        if "\n" in turn.speaker or not turn.speaker.strip():
            raise TalkdownError(
                "TD105", value=turn.speaker, what="speaker for vtt", problem="it must be non-empty, on one line"
            )
        lines = [_escape(line) for line in text_lines(turn.text)] or [""]
        out += [f"{start} --> {end}", f"<v {_escape(turn.speaker)}>{lines[0]}", *lines[1:], ""]
    return "\n".join(out)
