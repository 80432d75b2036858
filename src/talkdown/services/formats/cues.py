"""Reading and writing shared by the line-based formats (plain text, WebVTT, SubRip).

Why one module: the three formats agree on what a ``SPEAKER:`` prefix is, on blank lines ending a block, and on
how a cue's start and end are invented when a transcript has no times; keeping one copy keeps them agreeing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from talkdown.errors import TalkdownError

from .model import Transcript, TranscriptTurn, format_stamp, seconds

# A speaker prefix: up to 40 characters without ':', '<', '>' or a line break, not starting with whitespace or '['
# (a plain-text time stamp), then ':' followed by whitespace or the end of the line; '<>' keeps "<i>NEG: hi</i>"
# from naming "<i>NEG". Requiring the whitespace keeps
# "http://..." and "10:30 sharp" from being read as speakers; the length cap keeps most prose with a colon out.
SPEAKER_MAX = 40
_SPEAKER = re.compile(rf"(?P<speaker>[^\s:\[<>][^:\n<>]{{0,{SPEAKER_MAX - 1}}}?)[ \t]*:(?:[ \t]+(?P<text>.*))?")
_TIMING = re.compile(r"(?P<start>\S+)[ \t]+-->[ \t]+(?P<end>\S+)(?:[ \t].*)?")
UNKNOWN_SPEAKER = "UNKNOWN"
"""The speaker of a cue that names none: an import can map it like any other name."""


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines and the 1-based file line of the first, so errors can name a line."""

    line: int
    lines: tuple[str, ...]


def split_blocks(text: str) -> list[Block]:
    """Cut text at whitespace-only lines, the way WebVTT and SubRip separate cues."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(Block(start, tuple(current)))
            current = []
    if current:
        blocks.append(Block(start, tuple(current)))
    return blocks


def split_speaker(line: str) -> tuple[str, str] | None:
    """``(speaker, rest)`` when the line starts with ``SPEAKER:``, else ``None``.

    >>> split_speaker("Sgt. Ortiz: hold the landing")
    ('Sgt. Ortiz', 'hold the landing')
    >>> split_speaker("Call me at 10:30") is None
    True
    """
    match = _SPEAKER.fullmatch(line)
    if match is None:
        return None
    return match["speaker"].rstrip(), (match["text"] or "").strip()


def is_prefix_speaker(speaker: str) -> bool:
    """Whether a speaker survives being written as ``SPEAKER: text`` and read back."""
    found = split_speaker(speaker + ": x")
    return found is not None and found[0] == speaker


def check_prefix_speaker(speaker: str, *, fmt: str) -> None:
    """Refuse to write a speaker the file would read back as someone else (or as text)."""
    if not is_prefix_speaker(speaker):
        raise TalkdownError(
            "TD105",
            value=speaker,
            what=f"speaker for {fmt}",
            problem=f"a name must be 1-{SPEAKER_MAX} characters, without ':', '<', '>' or a line break, not "
            "starting with a space or '['",
        )


def text_lines(text: str) -> list[str]:
    """The lines of an utterance as a block-based file can hold them: blank lines dropped (they would end it)."""
    return [line for line in text.split("\n") if line.strip()]


def only_transcript(transcripts: Sequence[Transcript], *, fmt: str) -> Transcript:
    """The one transcript a single-conversation format can hold."""
    if len(transcripts) != 1:
        raise TalkdownError(
            "TD105",
            value=f"{len(transcripts)} transcripts",
            what=f"input for {fmt}",
            problem="a file in this format holds exactly one transcript; export them one by one or use jsonl",
        )
    return transcripts[0]


def read_timing(
    line: str, *, file: str, line_no: int, is_valid: Callable[[str], bool], expected: str
) -> tuple[str, str]:
    """Start and end of a ``start --> end [settings]`` line, as written, checked and in order."""
    match = _TIMING.fullmatch(line.strip())
    if match is None:
        raise TalkdownError("TD101", file=file, line=line_no, problem="expected a cue timing 'start --> end'")
    start, end = match["start"], match["end"]
    for stamp in (start, end):
        if not is_valid(stamp):
            raise TalkdownError("TD104", file=file, line=line_no, value=stamp, expected=expected)
    if seconds(end) < seconds(start):
        raise TalkdownError("TD104", file=file, line=line_no, value=end, expected=f"not before the start {start}")
    return start, end


_DEFAULT_CUE_S = 2.0


def cue_bounds(
    turns: Sequence[TranscriptTurn], *, is_native: Callable[[str], bool], decimal: str
) -> list[tuple[str, str]]:
    """Start and end stamps for every turn, as a cue format needs them.

    A stamp already written in the target syntax is kept as is (so the file round-trips byte for byte); another
    valid spelling is converted; a missing start follows the previous cue, and a missing end runs to the next
    turn's start or, failing that, two seconds. Invented times are a rendering convenience, not data: import the
    file back and they appear as if they had been recorded.
    """

    def spell(stamp: str, value: float) -> str:
        return stamp if is_native(stamp) else format_stamp(value, decimal=decimal)

    bounds: list[tuple[str, str]] = []
    previous_end = 0.0
    for index, turn in enumerate(turns):
        start = seconds(turn.time) if turn.time is not None else previous_end
        if turn.end_time is not None:
            end = seconds(turn.end_time)
        else:
            following = turns[index + 1].time if index + 1 < len(turns) else None
            end = seconds(following) if following is not None else start + _DEFAULT_CUE_S
            end = end if end >= start else start + _DEFAULT_CUE_S
        bounds.append(
            (
                spell(turn.time, start) if turn.time is not None else format_stamp(start, decimal=decimal),
                spell(turn.end_time, end) if turn.end_time is not None else format_stamp(end, decimal=decimal),
            )
        )
        previous_end = end
    return bounds


def require_turns(transcript: Transcript, *, file: str) -> list[Transcript]:
    """The parse result, or TD102 when the file held no utterance at all."""
    if not transcript.turns:
        raise TalkdownError("TD102", file=file, problem="no turns found")
    return [transcript]
