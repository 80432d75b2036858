"""Plain-text transcripts: what a scribe types or a chat log exports.

Grammar, one line at a time (lines are 1-based lines of the file)::

    [00:01:05] NEG: This is Dana from the crisis team.     a turn, with an optional [hh:mm:ss] stamp
    Sgt. Ortiz: Holding at the landing.                     a turn without a stamp
      I repeat, holding.                                    indented: always continues the previous turn
    Nobody is coming up the stairs.                         no 'SPEAKER:' prefix: continues the previous turn

- A continuation is joined to the turn's text with ``"\\n"``; a continuation before any turn is TD101.
- Blank lines are ignored. A leading ``[...]`` made of digits, ``:``, ``.`` and ``,`` is a time stamp and
  must be valid (TD104) and followed by ``SPEAKER: text`` (TD101).
- A speaker is 1-40 characters without ``:``, ``<``, ``>`` or a line break, not starting with a space or
  ``[``, followed by ``:`` and whitespace (``Hostage 2``, ``Sgt. Ortiz``). An unindented line of prose with
  such a colon early on (``Listen: nobody...``) therefore starts a turn: indent continuation lines to be
  safe, as :func:`render` does.

What it represents: speaker, text (no blank lines, each line stripped) and a start time. End times, roles,
labels, extra fields and the JSONL conversation fields are not written; a parsed turn has them empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from talkdown.errors import TalkdownError

from .cues import check_prefix_speaker, only_transcript, require_turns, split_speaker, text_lines
from .model import STAMP_EXPECTED, Transcript, TranscriptTurn, parse_stamp, seconds

_BRACKET = re.compile(r"\[(?P<stamp>[\d:.,]*)\][ \t]*(?P<rest>.*)")
FORMAT = "text"


def parse(text: str, *, file: str) -> list[Transcript]:
    """Read a plain-text transcript: one transcript, one turn per ``SPEAKER:`` line."""
    turns: list[TranscriptTurn] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        turn = _read_turn(line, file=file, number=number)
        if turn is not None:
            turns.append(turn)
        elif not turns:
            raise TalkdownError(
                "TD101", file=file, line=number, problem="the first line must start with 'SPEAKER:' (e.g. 'NEG: ...')"
            )
        else:
            last = turns[-1]
            joined = f"{last.text}\n{line.strip()}" if last.text else line.strip()
            turns[-1] = TranscriptTurn(last.speaker, joined, time=last.time)
    return require_turns(Transcript(tuple(turns)), file=file)


def _read_turn(line: str, *, file: str, number: int) -> TranscriptTurn | None:
    """The turn a line starts, or ``None`` when it continues the previous one."""
    if line[0].isspace():
        return None
    time = None
    bracket = _BRACKET.fullmatch(line)
    if bracket is not None:
        time = bracket["stamp"]
        if parse_stamp(time) is None:
            raise TalkdownError("TD104", file=file, line=number, value=time, expected=STAMP_EXPECTED)
        line = bracket["rest"]
    found = split_speaker(line)
    if found is None:
        if time is not None:
            raise TalkdownError("TD101", file=file, line=number, problem="a time stamp must be followed by 'SPEAKER:'")
        return None
    return TranscriptTurn(found[0], found[1], time=time)


def render(transcripts: Sequence[Transcript]) -> str:
    """Write one transcript, continuation lines indented by two spaces so that no prose reads as a speaker."""
    out: list[str] = []
    for turn in only_transcript(transcripts, fmt=FORMAT).turns:
        check_prefix_speaker(turn.speaker, fmt=FORMAT)
        stamp = ""
        if turn.time is not None:
            seconds(turn.time)
            stamp = f"[{turn.time}] "
        lines = [line.strip() for line in text_lines(turn.text)]
        out.append(f"{stamp}{turn.speaker}: {lines[0]}" if lines else f"{stamp}{turn.speaker}:")
        out.extend(f"  {line}" for line in lines[1:])
    return "".join(f"{line}\n" for line in out)
