"""Reading input files line by line (``services/streams.py``): the per-line limit, on real files.

A line is one conversation, held whole by the readers; a file with no line breaks (one JSON document, lines
ended by CR alone) was read whole into memory, up to the gzip limit (1 GB) or all of a plain file, before any
error was said. The limit is set low here (1 MB) so that a line of a few MB shows it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from talkdown.errors import TalkdownError
from talkdown.services.streams import lines_of

MB = 2**20


def _conversation(turns: int) -> bytes:
    """One JSONL line of ``turns`` turns (about 60 bytes each), newline included."""
    said = [{"role": "subject", "text": f"turn {n}: I am not coming out of here."} for n in range(turns)]
    return json.dumps({"id": f"c{turns}", "turns": said}).encode() + b"\n"


def _read(path: Path, *, max_line_mb: int) -> list[int]:
    with lines_of(path, max_line_mb=max_line_mb) as (lines, _):
        return [number for number, _ in lines]


def test_a_line_past_the_limit_is_td115_naming_the_file_and_line_and_the_rest_is_not_read(tmp_path: Path) -> None:
    short = _conversation(3)
    long = _conversation(60_000)  # about 4 MB
    assert len(long) > 3 * MB
    plain = tmp_path / "dev.jsonl"
    plain.write_bytes(short + long + short)
    with lines_of(plain, max_line_mb=1) as (lines, disk):
        assert next(lines)[0] == 1
        with pytest.raises(TalkdownError) as err:
            next(lines)
        assert disk.tell() <= len(short) + MB + 1  # it stopped a byte past the limit, not at the line's end
    assert err.value.code == "TD115" and err.value.exit_code == 3
    assert err.value.message.startswith(f"{plain} line 2: longer than 1 MB")
    assert "TALKDOWN_MAX_LINE_MB" in err.value.message and "no line breaks" in err.value.message
    packed = tmp_path / "dev.jsonl.gz"  # gzip is read through the same way
    packed.write_bytes(gzip.compress(short + long))
    with pytest.raises(TalkdownError) as err:
        _read(packed, max_line_mb=1)
    assert err.value.code == "TD115" and err.value.message.startswith(f"{packed} line 2:")
    assert _read(plain, max_line_mb=5) == [1, 2, 3]  # under the limit, the same file reads as before


def test_a_line_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    path = tmp_path / "edge.jsonl"
    path.write_bytes(b"x" * MB + b"\n" + b"y" * MB)  # the newline is not counted; the last line has none
    assert _read(path, max_line_mb=1) == [1, 2]
    path.write_bytes(b"x" * MB + b"\n" + b"y" * (MB + 1))
    with pytest.raises(TalkdownError) as err:
        _read(path, max_line_mb=1)
    assert err.value.code == "TD115" and " line 2: " in err.value.message


def test_lines_ended_by_cr_alone_are_said_to_be_the_reason(tmp_path: Path) -> None:
    # An old Mac file: its thousands of short lines read as one long one.
    path = tmp_path / "mac.jsonl"
    path.write_bytes(b"\r".join([_conversation(3).rstrip(b"\n")] * 20_000))
    with pytest.raises(TalkdownError) as err:
        _read(path, max_line_mb=1)
    assert err.value.code == "TD115" and " line 1: " in err.value.message
    assert "CR alone" in err.value.message and "convert them to LF" in err.value.message
