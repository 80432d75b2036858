from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkdown.errors import TalkdownError
from talkdown.services.formats.model import Transcript, TranscriptTurn, format_stamp, parse_stamp, seconds


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("00:00:00", 0.0),
        ("00:01:02", 62.0),
        ("01:02:03.5", 3723.5),
        ("00:01:02,500", 62.5),
        ("01:05", 65.0),
        ("01:05.250", 65.25),
        ("100:00:00", 360000.0),
    ],
)
def test_seconds_reads_every_spelling_the_formats_write(stamp: str, expected: float) -> None:
    assert seconds(stamp) == expected


@pytest.mark.parametrize("stamp", ["00:61:00", "00:00:60", "1:2:3", "00:09:025", "12", "", "[00:00:01]", "0:0:0.1234"])
def test_seconds_refuses_a_malformed_stamp_with_a_coded_error(stamp: str) -> None:
    with pytest.raises(TalkdownError) as error:
        seconds(stamp)

    assert (error.value.code, error.value.fields["value"]) == ("TD105", stamp)
    assert parse_stamp(stamp) is None


def test_format_stamp_pads_every_field_and_rounds_to_milliseconds() -> None:
    assert format_stamp(3723.4996, decimal=",") == "01:02:03,500"
    assert format_stamp(5.0, decimal=".") == "00:00:05.000"


@given(st.integers(0, 400 * 3600 * 1000))
def test_formatted_stamps_read_back_to_the_same_millisecond(millis: int) -> None:
    assert round(seconds(format_stamp(millis / 1000, decimal=".")) * 1000) == millis


def test_transcripts_compare_by_value_and_default_to_empty_labels() -> None:
    first = Transcript((TranscriptTurn("NEG", "hi"),))
    second = Transcript((TranscriptTurn("NEG", "hi", labels={}, extra={}),))

    assert first == second
    assert first.turns[0].labels == {} and first.turns[0].labels is not second.turns[0].labels
