from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from talkdown.errors import TalkdownError
from talkdown.services.formats import plain
from talkdown.services.formats.model import Transcript, TranscriptTurn

from .properties import assert_parses_or_names_a_line
from .strategies import almost_files, plain_transcripts

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"


def test_sample_file_gives_one_turn_per_speaker_line() -> None:
    [transcript] = plain.parse((DATA / "sample.txt").read_text(encoding="utf-8"), file="sample.txt")

    assert [turn.speaker for turn in transcript.turns] == [
        "NEG",
        "SUBJECT",
        "NEG",
        "SUBJECT",
        "Sgt. Ortiz",
        "NEG",
        "Hostage 2",
    ]


def test_bracketed_stamp_is_kept_without_its_brackets() -> None:
    [transcript] = plain.parse("[00:01:05] NEG: hello\n[00:01:07.250] SUBJECT: go away\n", file="t.txt")

    assert [turn.time for turn in transcript.turns] == ["00:01:05", "00:01:07.250"]
    assert transcript.turns[0].text == "hello"


def test_indented_and_unprefixed_lines_continue_the_previous_turn() -> None:
    text = "NEG: I hear you.\n  Take your time.\nI'm not going anywhere.\n\nSUBJECT: ok\n"

    [transcript] = plain.parse(text, file="t.txt")

    assert transcript.turns == (
        TranscriptTurn("NEG", "I hear you.\nTake your time.\nI'm not going anywhere."),
        TranscriptTurn("SUBJECT", "ok"),
    )


def test_indented_line_with_a_colon_is_still_a_continuation() -> None:
    [transcript] = plain.parse("NEG: Listen to me.\n  Mark: nobody is coming up.\n", file="t.txt")

    assert transcript.turns == (TranscriptTurn("NEG", "Listen to me.\nMark: nobody is coming up."),)


def test_speaker_names_may_hold_spaces_digits_and_dots() -> None:
    [transcript] = plain.parse("Hostage 2: help\nSgt. Ortiz: copy\n", file="t.txt")

    assert [turn.speaker for turn in transcript.turns] == ["Hostage 2", "Sgt. Ortiz"]


def test_colon_without_following_space_does_not_start_a_turn() -> None:
    [transcript] = plain.parse("NEG: call me back at\n10:30 or on http://example.org\n", file="t.txt")

    assert transcript.turns == (TranscriptTurn("NEG", "call me back at\n10:30 or on http://example.org"),)


def test_continuation_before_any_turn_names_line_one() -> None:
    with pytest.raises(TalkdownError) as error:
        plain.parse("\nhello there\nNEG: hi\n", file="t.txt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 2)


def test_bad_time_stamp_names_its_line_and_value() -> None:
    with pytest.raises(TalkdownError) as error:
        plain.parse("NEG: hi\n[00:61:00] SUBJECT: no\n", file="call.txt")

    assert error.value.code == "TD104"
    assert (error.value.fields["file"], error.value.fields["line"], error.value.fields["value"]) == (
        "call.txt",
        2,
        "00:61:00",
    )


def test_stamp_without_a_speaker_is_an_error_on_its_line() -> None:
    with pytest.raises(TalkdownError) as error:
        plain.parse("NEG: hi\n[00:00:03] no speaker here\n", file="t.txt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 2)


def test_empty_file_is_a_whole_file_error() -> None:
    with pytest.raises(TalkdownError) as error:
        plain.parse("\n  \n", file="t.txt")

    assert error.value.code == "TD102"


def test_render_indents_continuation_lines_and_writes_stamps_in_brackets() -> None:
    transcript = Transcript((TranscriptTurn("NEG", "Mark: listen.\nI'm here.", time="00:00:04"),))

    assert plain.render([transcript]) == "[00:00:04] NEG: Mark: listen.\n  I'm here.\n"


def test_render_refuses_a_speaker_with_a_colon() -> None:
    with pytest.raises(TalkdownError) as error:
        plain.render([Transcript((TranscriptTurn("Unit 1:2", "copy"),))])

    assert error.value.code == "TD105"


def test_render_refuses_more_than_one_transcript() -> None:
    one = Transcript((TranscriptTurn("NEG", "hi"),))

    with pytest.raises(TalkdownError) as error:
        plain.render([one, one])

    assert error.value.code == "TD105"


@given(plain_transcripts())
def test_rendered_transcripts_parse_back_unchanged(transcript: Transcript) -> None:
    assert plain.parse(plain.render([transcript]), file="t.txt") == [transcript]


@given(almost_files)
def test_arbitrary_text_parses_or_raises_an_input_error_with_a_line(text: str) -> None:
    assert_parses_or_names_a_line(plain.parse, text)
