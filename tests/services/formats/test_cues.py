from __future__ import annotations

import pytest

from talkdown.services.formats.cues import Block, cue_bounds, split_blocks, split_speaker
from talkdown.services.formats.model import TranscriptTurn


def test_blocks_start_at_their_file_line_and_whitespace_lines_separate_them() -> None:
    assert split_blocks("\na\nb\n  \n\nc\n") == [Block(2, ("a", "b")), Block(6, ("c",))]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("NEG: hi", ("NEG", "hi")),
        ("NEG:", ("NEG", "")),
        ("Sgt. Ortiz :  copy  ", ("Sgt. Ortiz", "copy")),
        ("a: b: c", ("a", "b: c")),
        ("See http://x.org", None),
        ("At 10:30 sharp", None),
        ("  NEG: indented", None),
        ("[00:00:01] NEG: hi", None),
        ("<i>NEG: hi</i>", None),
        ("A speaker name far longer than forty characters: hi", None),
    ],
)
def test_speaker_prefix_needs_a_short_name_and_a_colon_before_whitespace(
    line: str, expected: tuple[str, str] | None
) -> None:
    assert split_speaker(line) == expected


def test_missing_times_follow_the_previous_cue_and_run_to_the_next_start() -> None:
    turns = [
        TranscriptTurn("NEG", "a", time="00:00:10"),
        TranscriptTurn("SUBJECT", "b"),
        TranscriptTurn("NEG", "c", time="00:00:20.000", end_time="00:00:21.000"),
    ]

    bounds = cue_bounds(turns, is_native=lambda stamp: stamp.endswith(".000"), decimal=".")

    assert bounds == [
        ("00:00:10.000", "00:00:12.000"),
        ("00:00:12.000", "00:00:20.000"),
        ("00:00:20.000", "00:00:21.000"),
    ]
