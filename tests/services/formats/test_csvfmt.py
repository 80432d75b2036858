from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given

from talkdown.errors import TalkdownError
from talkdown.services.formats import csvfmt
from talkdown.services.formats.model import Transcript, TranscriptTurn

from .properties import assert_parses_or_names_a_line
from .strategies import almost_files, csv_transcripts

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"


def _sample() -> Transcript:
    [transcript] = csvfmt.parse((DATA / "sample.csv").read_text(encoding="utf-8"), file="sample.csv")
    return transcript


def test_sample_reads_known_columns_whatever_their_case() -> None:
    assert _sample().turns[0] == TranscriptTurn(
        "NEG",
        "This is Dana with the county crisis team. Am I speaking with Mark?",
        time="00:00:04",
        role="negotiator",
        labels={"talkdown_skill": ["open_question"]},
        extra={"channel": "phone"},
    )


def test_label_cells_split_on_semicolons_and_a_dash_means_none_applies() -> None:
    turns = _sample().turns

    assert turns[1].labels == {"talkdown_cue": []}
    assert turns[2].labels == {"talkdown_skill": ["open_question", "emotion_labeling"]}


def test_quoted_text_keeps_commas_semicolons_and_line_breaks() -> None:
    assert _sample().turns[2].text == "Your sister did, Mark. She said you've had a rough week;\ntell me about it?"


def test_empty_extra_cell_leaves_no_key() -> None:
    assert _sample().turns[3].extra == {}


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters_are_found_from_the_header(delimiter: str) -> None:
    text = delimiter.join(["speaker", "text"]) + "\n" + delimiter.join(["NEG", '"Mark, breathe; slowly."']) + "\n"

    [transcript] = csvfmt.parse(text, file="t.csv")

    assert transcript.turns == (TranscriptTurn("NEG", "Mark, breathe; slowly."),)


def test_header_without_speaker_and_text_is_an_error_on_its_line() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse("\nwho,said\nNEG,hi\n", file="t.csv")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 2)
    assert "no 'speaker' and no 'text' column" in error.value.message and "'who', 'said'" in error.value.message


def test_a_header_with_speaker_but_no_text_names_the_column_it_lacks() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse("speaker,utterance\nNEG,hi\n", file="t.csv")

    assert error.value.code == "TD101" and "no 'text' column" in error.value.message
    assert "'speaker'" not in error.value.message.split("column")[0]


@pytest.mark.parametrize(
    "header",
    ['"file","conversation_id","conversation_index","turn","speaker","side","time","text","gold"',
     "file,conversation_id,conversation_index,source,split,turns"],
)  # fmt: skip
def test_a_talkdown_study_results_table_is_not_read_as_a_transcript(header: str) -> None:
    # The per-utterance results have 'speaker' and 'text', so an earlier study's results.csv in an input folder
    # was read as a call: every analysed row came back as a turn.
    cells = ",".join(["calls.jsonl", "c1", "0"] + ["x"] * (header.count(",") - 2))
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse(f"{header}\n{cells}\n", file="old.csv")

    assert error.value.code == "TD102" and "study results table" in error.value.message
    assert "old.csv" in error.value.message


def test_row_with_a_cell_too_many_names_the_line_it_starts_on() -> None:
    text = 'speaker,text\nNEG,"one\ntwo"\nSUBJECT,no,extra\n'

    with pytest.raises(TalkdownError) as error:
        csvfmt.parse(text, file="t.csv")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 4)


def test_bad_time_stamp_names_its_line() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse("speaker,text,time\nNEG,hi,00:00:01\nSUBJECT,no,1:2:3\n", file="t.csv")

    assert (error.value.code, error.value.fields["line"], error.value.fields["value"]) == ("TD104", 3, "1:2:3")


def test_unclosed_quote_is_an_input_error_not_a_csv_error() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse('speaker,text\nNEG,"never closed\n', file="t.csv")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 2)


def test_empty_speaker_is_an_error() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse("speaker,text\n ,hi\n", file="t.csv")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 2)


def test_repeated_column_is_an_error() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse("speaker,text,Text\nNEG,a,b\n", file="t.csv")

    assert error.value.code == "TD101"


def test_header_alone_is_a_whole_file_error() -> None:
    with pytest.raises(TalkdownError) as error:
        csvfmt.parse("speaker,text\n", file="t.csv")

    assert error.value.code == "TD102"


def test_render_writes_only_the_columns_in_use() -> None:
    transcript = Transcript((TranscriptTurn("NEG", 'He said "ok", then left', labels={"talkdown_cue": []}),))

    assert csvfmt.render([transcript]) == 'speaker,text,label:talkdown_cue\nNEG,"He said ""ok"", then left",-\n'


def test_a_cell_a_spreadsheet_would_run_is_written_as_text_and_read_back_as_said() -> None:
    said = (
        TranscriptTurn("SUBJ", '=HYPERLINK("http://x.example","call")', labels={"talkdown_cue": []}),
        TranscriptTurn("@NEG", "+1 555 0100 is my cell", extra={"note": "-2+3"}),
        TranscriptTurn("NEG", "'=already quoted", labels={"talkdown_skill": ["-x"]}),
    )
    transcript = Transcript(said)
    written = csvfmt.render([transcript])
    assert written.splitlines()[1:] == [
        'SUBJ,"\'=HYPERLINK(""http://x.example"",""call"")",-,,',  # "-": none applies, no formula
        "'@NEG,'+1 555 0100 is my cell,,,'-2+3",
        "NEG,''=already quoted,,'-x,",
    ]
    assert csvfmt.parse(written, file="t.csv") == [transcript]
    [typed] = csvfmt.parse("speaker,text\nNEG,'=SUM(A1)\nNEG,'cause I said so\n", file="t.csv")
    assert [t.text for t in typed.turns] == ["=SUM(A1)", "'cause I said so"]  # Excel's text mark, not a word's


@given(csv_transcripts())
@example(Transcript((TranscriptTurn("NEG", "one\n\ntwo"),)))
@example(Transcript((TranscriptTurn("'-", "''=x", labels={"f": ["-", "'-"]}, extra={"k": "@"}),)))
def test_rendered_transcripts_parse_back_unchanged(transcript: Transcript) -> None:
    assert csvfmt.parse(csvfmt.render([transcript]), file="t.csv") == [transcript]


@given(almost_files)
def test_arbitrary_text_parses_or_raises_an_input_error_with_a_line(text: str) -> None:
    assert_parses_or_names_a_line(csvfmt.parse, text)
