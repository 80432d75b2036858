from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given

from talkdown.errors import TalkdownError
from talkdown.services.formats import jsonl
from talkdown.services.formats.model import Transcript, TranscriptTurn

from .properties import assert_parses_or_names_a_line
from .strategies import almost_files, jsonl_transcripts

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"
# The shared data sets are read where they lie and never copied: ESConv and AnnoMI may not enter the repository.
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
SHARED_DEV_FILES = ["esconv", "annomi", "casino", "goemotions"]

_TURN = '{"idx": 0, "speaker": "NEG", "role": "negotiator", "text": "hi", "labels": {}}'


def _line(turns: str = _TURN, **replace: str) -> str:
    fields = {"id": '"c-1"', "source": '"talkdown-test"', "split": '"dev"', "meta": "{}", "turns": f"[{turns}]"}
    fields.update(replace)
    return "{" + ", ".join(f'"{key}": {value}' for key, value in fields.items()) + "}"


def test_sample_reads_every_conversation_with_its_fields() -> None:
    transcripts = jsonl.parse((DATA / "sample.jsonl").read_text(encoding="utf-8"), file="sample.jsonl")

    assert [(t.external_id, t.source, t.split, len(t.turns)) for t in transcripts] == [
        ("talkdown-sample-1", "talkdown-sample", "dev", 2),
        ("talkdown-sample-2", "talkdown-sample", "dev", 1),
    ]
    assert transcripts[0].meta == {"scenario": "barricade, apartment"}


def test_optional_turn_keys_go_to_time_and_extra() -> None:
    [first, *_] = jsonl.parse((DATA / "sample.jsonl").read_text(encoding="utf-8"), file="sample.jsonl")

    assert first.turns[1] == TranscriptTurn(
        "SUBJECT",
        "Tell José to stay out of it.",
        time="00:00:09",
        role="subject",
        labels={"talkdown_cue": []},
        extra={"feedback": 4},
    )


def test_sample_renders_back_to_the_same_bytes() -> None:
    raw = (DATA / "sample.jsonl").read_bytes()

    assert jsonl.render(jsonl.parse(raw.decode("utf-8"), file="sample.jsonl")).encode("utf-8") == raw


@pytest.mark.integration
@pytest.mark.parametrize("dataset", SHARED_DEV_FILES)
def test_first_lines_of_shared_dev_files_render_back_byte_identical(dataset: str) -> None:
    path = SHARED / dataset / "dev.jsonl"
    if not path.is_file():
        pytest.skip(f"shared data not present at {path}")
    with path.open("rb") as handle:
        lines = list(itertools.islice(handle, 50))

    for number, raw in enumerate(lines, start=1):
        rendered = jsonl.render(jsonl.parse(raw.decode("utf-8"), file=path.name))
        assert rendered.encode("utf-8") == raw, f"{dataset} line {number}"


@pytest.mark.parametrize(
    ("line", "problem_word"),
    [
        (_line(extra='"x"'), "exactly"),
        ("[1, 2]", "object"),
        (_line(meta="[]"), "meta"),
        (_line(turns=""), "turns"),
        (_line(turns=_TURN.replace('"idx": 0', '"idx": 1')), "idx"),
        (_line(turns=_TURN.replace('"idx": 0', '"idx": true')), "idx"),
        (_line(turns=_TURN.replace('"labels": {}', '"labels": {"x": "y"}')), "labels"),
        (_line(turns=_TURN.replace('"text": "hi", ', "")), "text"),
        (_line(meta='{"a": NaN}'), "NaN"),
        (_line(meta='{"a": 1, "a": 2}'), "repeats"),
        (_line(turns=_TURN.replace('"hi"', '"h\\udcffi"')), "surrogate"),
        ('{"id": ', "JSON"),
        ("[" * 100_000, "nested"),
    ],
)
def test_malformed_conversation_is_an_error_on_its_line(line: str, problem_word: str) -> None:
    with pytest.raises(TalkdownError) as error:
        jsonl.parse(_line() + "\n\n" + line + "\n", file="t.jsonl")

    assert (error.value.code, error.value.fields["line"]) == ("TD101", 3)
    assert problem_word in str(error.value.fields["problem"])


def test_a_json_error_names_the_column_and_no_other_line_than_the_files() -> None:
    # json's own message counts lines within the one line it was given: "t.jsonl line 3: not valid JSON
    # (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))" named two lines.
    for line, problem in (
        ("{oops", "not valid JSON (Expecting property name enclosed in double quotes, column 2)"),
        (_line(meta='{"n": ' + "1" * 5000 + "}"), "not valid JSON (Exceeds the limit (4300 digits) for integer "),
    ):
        with pytest.raises(TalkdownError) as error:
            jsonl.parse(_line() + "\n\n" + line + "\n", file="t.jsonl")
        assert error.value.message.startswith(f"t.jsonl line 3: {problem}"), error.value.message
        assert "line 1" not in error.value.message and "char" not in error.value.message


def test_a_convokit_utterances_file_is_named_as_one_with_the_command_that_converts_it() -> None:
    # A folder holding a ConvoKit corpus, given to 'study analyze', failed on utterances.jsonl with "Fix the
    # line": the line is right, the file is another format, and the converter was never mentioned.
    line = ('{"id": "u1", "conversation_id": "u1", "text": "Hi.", "speaker": "dana", "meta": {}, "reply-to": null,'
            ' "timestamp": 0, "vectors": []}')  # fmt: skip
    with pytest.raises(TalkdownError) as error:
        jsonl.parse(line + "\n", file="utterances.jsonl")
    assert "ConvoKit" in error.value.message and "study import-convokit FOLDER --jsonl FILE" in error.value.message


def test_file_of_blank_lines_is_a_whole_file_error() -> None:
    with pytest.raises(TalkdownError) as error:
        jsonl.parse("\n\n", file="t.jsonl")

    assert error.value.code == "TD102"


def test_unknown_turn_keys_are_kept_in_extra_and_written_after_the_known_ones() -> None:
    line = _line(turns=_TURN.replace('"labels": {}', '"labels": {}, "channel": "phone", "votes": {}'))

    [transcript] = jsonl.parse(line, file="t.jsonl")

    assert transcript.turns[0].extra == {"channel": "phone", "votes": {}}
    assert jsonl.render([transcript]).index('"votes"') < jsonl.render([transcript]).index('"channel"')


def test_render_refuses_a_transcript_without_id_or_roles() -> None:
    with pytest.raises(TalkdownError) as no_id:
        jsonl.render([Transcript((TranscriptTurn("NEG", "hi", role="negotiator"),), source="s", split="dev")])
    with pytest.raises(TalkdownError) as no_role:
        jsonl.render([Transcript((TranscriptTurn("NEG", "hi"),), external_id="c-1", source="s", split="dev")])

    assert (no_id.value.code, no_role.value.code) == ("TD105", "TD105")


@given(jsonl_transcripts())
def test_rendered_transcripts_parse_back_unchanged(transcript: Transcript) -> None:
    assert jsonl.parse(jsonl.render([transcript]), file="t.jsonl") == [transcript]


@given(almost_files)
def test_arbitrary_text_parses_or_raises_an_input_error_with_a_line(text: str) -> None:
    assert_parses_or_names_a_line(jsonl.parse, text)
