from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from talkdown.errors import TalkdownError
from talkdown.services.formats import srt
from talkdown.services.formats.model import Transcript, TranscriptTurn

from .properties import assert_parses_or_names_a_line
from .strategies import almost_files, cue_transcripts

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"


def test_sample_file_reads_speakers_text_and_times_as_written() -> None:
    [transcript] = srt.parse((DATA / "sample.srt").read_text(encoding="utf-8"), file="sample.srt")

    assert transcript.turns[0] == TranscriptTurn(
        "NEG",
        "This is Dana with the county crisis team.\nAm I speaking with Mark?",
        time="00:00:04,000",
        end_time="00:00:08,500",
    )
    assert [turn.speaker for turn in transcript.turns] == ["NEG", "SUBJECT", "UNKNOWN", "Hostage 2"]


def test_cue_without_an_index_line_is_accepted() -> None:
    [transcript] = srt.parse("00:00:01,000 --> 00:00:02,000\nNEG: hi\n", file="t.srt")

    assert transcript.turns == (TranscriptTurn("NEG", "hi", time="00:00:01,000", end_time="00:00:02,000"),)


def test_dot_separator_is_accepted_and_kept() -> None:
    [transcript] = srt.parse("1\n00:00:01.5 --> 00:00:02.250\nNEG: hi\n", file="t.srt")

    assert (transcript.turns[0].time, transcript.turns[0].end_time) == ("00:00:01.5", "00:00:02.250")


def test_tags_are_kept_because_subrip_cannot_escape_them() -> None:
    [transcript] = srt.parse("1\n00:00:01,000 --> 00:00:02,000\n<i>NEG: hi</i>\n", file="t.srt")

    assert (transcript.turns[0].speaker, transcript.turns[0].text) == ("UNKNOWN", "<i>NEG: hi</i>")


def test_bad_time_stamp_names_the_timing_line() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nNEG: hi\n\n2\n00:00:03,000 --> 00:61:04,000\nNEG: ok\n"

    with pytest.raises(TalkdownError) as error:
        srt.parse(text, file="calls.srt")

    assert (error.value.code, error.value.fields["line"], error.value.fields["value"]) == ("TD104", 6, "00:61:04,000")


def test_block_starting_with_text_is_an_error_on_its_line() -> None:
    with pytest.raises(TalkdownError) as error:
        srt.parse("1\n00:00:01,000 --> 00:00:02,000\nNEG: hi\n\nstray words\n", file="t.srt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 5)


def test_index_without_a_timing_line_is_an_error() -> None:
    with pytest.raises(TalkdownError) as error:
        srt.parse("1\n", file="t.srt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 1)


def test_empty_file_is_a_whole_file_error() -> None:
    with pytest.raises(TalkdownError) as error:
        srt.parse("", file="t.srt")

    assert error.value.code == "TD102"


def test_render_numbers_cues_and_converts_other_stamp_spellings() -> None:
    transcript = Transcript((TranscriptTurn("NEG", "hi", time="00:00:01.000", end_time="01:02:03"),))

    assert srt.render([transcript]) == "1\n00:00:01,000 --> 01:02:03,000\nNEG: hi\n"  # '00:00:01.000 -->' before


def test_a_file_with_dots_reads_and_writes_back_with_commas_at_the_same_times() -> None:
    old = "1\n00:00:01.5 --> 00:00:02.250\nNEG: hi\n\n2\n0:00:03,000 --> 00:00:04,000\nSUBJECT: no\n"
    written = srt.render(srt.parse(old, file="old.srt"))

    assert written == ("1\n00:00:01,500 --> 00:00:02,250\nNEG: hi\n\n2\n00:00:03,000 --> 00:00:04,000\nSUBJECT: no\n")
    assert srt.render(srt.parse(written, file="new.srt")) == written


def test_render_refuses_a_speaker_the_prefix_cannot_carry() -> None:
    with pytest.raises(TalkdownError) as error:
        srt.render([Transcript((TranscriptTurn("[radio]", "copy"),))])

    assert error.value.code == "TD105"


@given(cue_transcripts(style="srt"))
def test_rendered_transcripts_parse_back_unchanged(transcript: Transcript) -> None:
    assert srt.parse(srt.render([transcript]), file="t.srt") == [transcript]


@given(almost_files)
def test_arbitrary_text_parses_or_raises_an_input_error_with_a_line(text: str) -> None:
    assert_parses_or_names_a_line(srt.parse, text)
