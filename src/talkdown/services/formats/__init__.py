"""Transcript parsers and renderers: pure functions from text to :class:`Transcript` and back, no database.

Why a registry: the import and export use cases, the CLI's ``--format`` choice and the web upload all need the
same list of formats and the same guess from a file name, so they read it here rather than keeping their own.

Every parser raises :class:`~talkdown.errors.TalkdownError` (TD101 with a 1-based line, TD104 for a bad time
stamp, TD102 for a whole-file problem), never a raw ``ValueError`` or ``csv.Error``. Each renderer round-trips:
``parse(render(t)) == t`` for every transcript the format can represent; each module's docstring says what that is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from talkdown.errors import TalkdownError

from . import csvfmt, jsonl, plain, srt, webvtt
from .cues import split_speaker
from .decoding import decode
from .model import Transcript, TranscriptTurn, seconds

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "Format",
    "Parser",
    "Transcript",
    "TranscriptTurn",
    "decode",
    "detect_format",
    "parse",
    "render",
    "seconds",
]


class Parser(Protocol):
    """Text to transcripts; ``file`` only names the input in errors."""

    def __call__(self, text: str, *, file: str) -> list[Transcript]: ...


@dataclass(frozen=True)
class Format:
    """A transcript format: its name, the file extensions that imply it, and its two functions."""

    name: str
    extensions: tuple[str, ...]
    parse: Parser
    render: Callable[[Sequence[Transcript]], str]


FORMATS: dict[str, Format] = {
    "text": Format("text", (".txt", ".log"), plain.parse, plain.render),
    "vtt": Format("vtt", (".vtt",), webvtt.parse, webvtt.render),
    "srt": Format("srt", (".srt",), srt.parse, srt.render),
    "csv": Format("csv", (".csv", ".tsv"), csvfmt.parse, csvfmt.render),
    "jsonl": Format("jsonl", (".jsonl", ".ndjson"), jsonl.parse, jsonl.render),
}
EXTENSIONS = frozenset(ext for fmt in FORMATS.values() for ext in fmt.extensions)
"""Every file extension a transcript format reads: what a folder scan takes, and what names a file, not an id."""

_SRT_START = re.compile(r"[0-9]+\n[^\n]*-->")


def _get(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise TalkdownError("TD106", value=fmt, choices=", ".join(FORMATS))
    return FORMATS[fmt]


def detect_format(filename: str, text: str) -> str:
    """The format of a file: from its extension, else from how its content starts (TD106 if neither tells).

    >>> detect_format("call.txt", "")
    'text'
    >>> detect_format("upload", "WEBVTT\\n\\n00:01.000 --> 00:02.000\\nhi")
    'vtt'
    """
    suffix = PurePath(filename).suffix.lower()
    for name, fmt in FORMATS.items():
        if suffix in fmt.extensions:
            return name
    head = text.lstrip("\ufeff \t\n")
    first = head.split("\n", 1)[0]
    if first.startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    if first.startswith("{"):
        return "jsonl"
    if re.search(r"(?i)(^|[,;\t])\s*speaker\s*([,;\t]|$)", first) and "text" in first.lower():
        return "csv"
    if split_speaker(re.sub(r"^\[[\d:.,]*\][ \t]*", "", first)) is not None:
        return "text"
    raise TalkdownError("TD106", value=suffix or filename, choices=", ".join(FORMATS))


def parse(text: str, *, fmt: str, file: str) -> list[Transcript]:
    """Parse decoded text (see :func:`decode`) in the named format; ``file`` names it in errors."""
    return _get(fmt).parse(text, file=file)


def render(transcripts: Sequence[Transcript], *, fmt: str) -> str:
    """Write transcripts in the named format; single-conversation formats take exactly one."""
    return _get(fmt).render(transcripts)
