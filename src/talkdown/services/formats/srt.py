"""SubRip (``.srt``) subtitles, the common denominator of recording and transcription software.

Read: blocks separated by blank lines, each an index line (digits; tolerated when missing), a timing line
``hh:mm:ss,mmm --> hh:mm:ss,mmm`` (a ``.`` separator and 1-3 fraction digits are accepted and kept as written,
because many tools write them, and so did talkdown's own export before it wrote commas only) and text lines.
Write: every time as SubRip spells it, ``hh:mm:ss,mmm``; a time read in another spelling (``00:00:01.5``, a
WebVTT ``00:01.500``, an incident's ``00:00:15.000``) is rewritten, so a cue never mixes ``.`` and ``,``, and a
file written here reads back and writes again byte for byte. The speaker comes from a ``Speaker: text`` prefix
on the first text line, else it is ``UNKNOWN``. SubRip has no escaping, so text is kept verbatim, tags such as
``<i>`` included. Indices are not kept: render numbers the cues 1, 2, 3...

What it represents: a speaker that fits the ``SPEAKER:`` grammar (see ``cues``), text (no blank lines; stripped
at both ends) and both times. Roles, labels, extra fields and JSONL conversation fields are lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from talkdown.errors import TalkdownError

from .cues import (
    UNKNOWN_SPEAKER,
    Block,
    check_prefix_speaker,
    cue_bounds,
    only_transcript,
    read_timing,
    require_turns,
    split_blocks,
    split_speaker,
    text_lines,
)
from .model import Transcript, TranscriptTurn

FORMAT = "srt"
_STAMP = re.compile(r"\d{1,6}:[0-5]\d:[0-5]\d[,.]\d{1,3}")
_WRITTEN = re.compile(r"\d{2,6}:[0-5]\d:[0-5]\d,\d{3}")
_INDEX = re.compile(r"[0-9]+")
_EXPECTED = "hh:mm:ss,mmm"


def is_stamp(value: str) -> bool:
    """Whether a stamp is one SubRip readers accept: either separator, 1-3 fraction digits."""
    return _STAMP.fullmatch(value) is not None


def is_written_stamp(value: str) -> bool:
    """Whether a stamp is spelt as SubRip requires (``hh:mm:ss,mmm``), so render writes it back unchanged."""
    return _WRITTEN.fullmatch(value) is not None


def parse(text: str, *, file: str) -> list[Transcript]:
    """Read a SubRip file into one transcript, one turn per cue."""
    blocks = split_blocks(text)
    if not blocks:
        raise TalkdownError("TD102", file=file, problem="the file is empty")
    return require_turns(Transcript(tuple(_read_cue(block, file=file) for block in blocks)), file=file)


def _read_cue(block: Block, *, file: str) -> TranscriptTurn:
    """The turn of one cue block."""
    timing_at = 0
    if "-->" not in block.lines[0]:
        if _INDEX.fullmatch(block.lines[0].strip()) is None:
            raise TalkdownError(
                "TD101", file=file, line=block.line, problem="expected a cue number or a 'start --> end' line"
            )
        timing_at = 1
    if timing_at >= len(block.lines):
        raise TalkdownError("TD101", file=file, line=block.line, problem="the cue has no 'start --> end' line")
    start, end = read_timing(
        block.lines[timing_at], file=file, line_no=block.line + timing_at, is_valid=is_stamp, expected=_EXPECTED
    )
    lines = list(block.lines[timing_at + 1 :])
    speaker = UNKNOWN_SPEAKER
    found = split_speaker(lines[0]) if lines else None
    if found is not None:
        speaker, lines[0] = found
    return TranscriptTurn(speaker, "\n".join(lines).strip(), time=start, end_time=end)


def render(transcripts: Sequence[Transcript]) -> str:
    """Write one transcript as SubRip, one numbered cue per turn, ``Speaker: text`` on its first line."""
    turns = only_transcript(transcripts, fmt=FORMAT).turns
    out: list[str] = []
    bounds = cue_bounds(turns, is_native=is_written_stamp, decimal=",")
    for number, (turn, (start, end)) in enumerate(zip(turns, bounds, strict=True), start=1):
        check_prefix_speaker(turn.speaker, fmt=FORMAT)
        lines = text_lines(turn.text) or [""]
        first = f"{turn.speaker}: {lines[0].strip()}" if lines[0].strip() else f"{turn.speaker}:"
        out += [str(number), f"{start} --> {end}", first, *lines[1:], ""]
    return "\n".join(out)
