from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from talkdown.errors import TalkdownError
from talkdown.services.formats import webvtt
from talkdown.services.formats.model import Transcript, TranscriptTurn

from .properties import assert_parses_or_names_a_line
from .strategies import almost_files, cue_transcripts

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"


def _sample() -> Transcript:
    [transcript] = webvtt.parse((DATA / "sample.vtt").read_text(encoding="utf-8"), file="sample.vtt")
    return transcript


def test_sample_skips_note_and_style_blocks_and_reads_every_cue() -> None:
    assert [(turn.speaker, turn.time) for turn in _sample().turns] == [
        ("NEG", "00:00:04.000"),
        ("SUBJECT", "00:00:09.000"),
        ("NEG", "00:12.000"),
        ("UNKNOWN", "00:00:20.000"),
        ("NEG", "00:00:26.000"),
        ("SUBJECT", "00:00:26.000"),
    ]


def test_voice_tag_with_class_names_the_speaker_and_inner_tags_are_dropped() -> None:
    assert _sample().turns[1] == TranscriptTurn(
        "SUBJECT", "Who gave you this number?", time="00:00:09.000", end_time="00:00:11.000"
    )


def test_multi_line_cue_text_keeps_its_line_break() -> None:
    assert _sample().turns[0].text == "This is Dana with the county crisis team.\nAm I speaking with Mark?"


def test_speaker_prefix_is_used_without_a_voice_tag_and_entities_are_decoded() -> None:
    turn = _sample().turns[2]

    assert (turn.speaker, turn.text) == ("NEG", "Your sister did. Rain & cold out here, Mark <3 hours now>.")


def test_cue_naming_nobody_gets_the_unknown_speaker() -> None:
    assert _sample().turns[3].speaker == "UNKNOWN"


def test_two_voices_in_one_cue_become_two_turns_with_the_cue_times() -> None:
    last_two = _sample().turns[-2:]

    assert [(t.speaker, t.text, t.end_time) for t in last_two] == [
        ("NEG", "Nobody is coming up.", "00:00:30.000"),
        ("SUBJECT", "Then keep it that way.", "00:00:30.000"),
    ]


def test_missing_header_is_an_error_on_line_one() -> None:
    with pytest.raises(TalkdownError) as error:
        webvtt.parse("00:00:01.000 --> 00:00:02.000\nNEG: hi\n", file="t.vtt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 1)


def test_cue_glued_to_the_header_is_an_error_rather_than_a_lost_utterance() -> None:
    with pytest.raises(TalkdownError) as error:
        webvtt.parse("WEBVTT\n00:00:01.000 --> 00:00:02.000\nNEG: hi\n", file="t.vtt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 2)


def test_bad_time_stamp_names_the_timing_line() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nNEG: hi\n\ncue-2\n00:00:03,000 --> 00:00:04.000\nNEG: ok\n"

    with pytest.raises(TalkdownError) as error:
        webvtt.parse(text, file="t.vtt")

    assert (error.value.code, error.value.fields["line"], error.value.fields["value"]) == ("TD104", 7, "00:00:03,000")


def test_end_before_start_is_a_time_stamp_error() -> None:
    with pytest.raises(TalkdownError) as error:
        webvtt.parse("WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nNEG: hi\n", file="t.vtt")

    assert (error.value.code, error.value.fields["line"]) == ("TD104", 3)


def test_cue_id_without_a_timing_line_is_an_error() -> None:
    with pytest.raises(TalkdownError) as error:
        webvtt.parse("WEBVTT\n\nintro\nNEG: hi\n", file="t.vtt")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 3)


def test_header_without_cues_is_a_whole_file_error() -> None:
    with pytest.raises(TalkdownError) as error:
        webvtt.parse("WEBVTT\n\nNOTE nothing said yet\n", file="t.vtt")

    assert error.value.code == "TD102"


def test_render_escapes_markup_so_text_reads_back_verbatim() -> None:
    transcript = Transcript((TranscriptTurn("NEG & co", "a <b> --> c", time="00:00:01.000", end_time="00:00:02.000"),))

    rendered = webvtt.render([transcript])

    assert rendered == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v NEG &amp; co>a &lt;b&gt; --&gt; c\n"
    assert webvtt.parse(rendered, file="t.vtt") == [transcript]


def test_render_converts_other_stamp_spellings_and_invents_missing_ends() -> None:
    transcript = Transcript((TranscriptTurn("NEG", "hi", time="00:01:02,5"), TranscriptTurn("SUBJECT", "no")))

    rendered = webvtt.render([transcript])

    assert "00:01:02.500 --> 00:01:04.500\n" in rendered
    assert "00:01:04.500 --> 00:01:06.500\n" in rendered


@given(cue_transcripts(style="vtt"))
def test_rendered_transcripts_parse_back_unchanged(transcript: Transcript) -> None:
    assert webvtt.parse(webvtt.render([transcript]), file="t.vtt") == [transcript]


@given(almost_files)
def test_arbitrary_text_parses_or_raises_an_input_error_with_a_line(text: str) -> None:
    assert_parses_or_names_a_line(webvtt.parse, text)


@given(almost_files.map(lambda text: "WEBVTT\n\n" + text))
def test_arbitrary_cues_after_a_header_parse_or_raise_an_input_error_with_a_line(text: str) -> None:
    assert_parses_or_names_a_line(webvtt.parse, text)
