from __future__ import annotations

from pathlib import Path

import pytest

from talkdown.errors import TalkdownError
from talkdown.services.formats import FORMATS, decode, detect_format, parse, render

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("call.txt", "text"),
        ("radio.LOG", "text"),
        ("zoom.vtt", "vtt"),
        ("body-cam.srt", "srt"),
        ("labels.csv", "csv"),
        ("labels.tsv", "csv"),
        ("dev.jsonl", "jsonl"),
        ("dev.ndjson", "jsonl"),
    ],
)
def test_extension_decides_the_format(filename: str, expected: str) -> None:
    assert detect_format(filename, "anything") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufeffWEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "vtt"),
        ("\n1\n00:00:01,000 --> 00:00:02,000\nNEG: hi\n", "srt"),
        ('{"id": "c-1"}\n', "jsonl"),
        ("Speaker;Text\nNEG;hi\n", "csv"),
        ("[00:00:01] NEG: hi\n", "text"),
        ("Hostage 2: help\n", "text"),
    ],
)
def test_content_decides_when_the_extension_does_not(text: str, expected: str) -> None:
    assert detect_format("upload", text) == expected


def test_unrecognisable_content_without_extension_is_an_unknown_format() -> None:
    with pytest.raises(TalkdownError) as error:
        detect_format("upload.bin", "\x00\x01 binary garbage")

    assert (error.value.code, error.value.fields["value"]) == ("TD106", ".bin")


@pytest.mark.parametrize("name", ["sample.txt", "sample.vtt", "sample.srt", "sample.csv", "sample.jsonl"])
def test_every_sample_survives_decode_detect_parse_render_parse(name: str) -> None:
    text = decode((DATA / name).read_bytes(), file=name)
    fmt = detect_format(name, text)
    transcripts = parse(text, fmt=fmt, file=name)

    assert parse(render(transcripts, fmt=fmt), fmt=fmt, file=name) == transcripts


def test_csv_converted_to_webvtt_keeps_speakers_and_text() -> None:
    [from_csv] = parse((DATA / "sample.csv").read_text(encoding="utf-8"), fmt="csv", file="sample.csv")

    [from_vtt] = parse(render([from_csv], fmt="vtt"), fmt="vtt", file="out.vtt")

    assert [(t.speaker, t.text) for t in from_vtt.turns] == [(t.speaker, t.text) for t in from_csv.turns]
    assert from_vtt.turns[0].time == "00:00:04.000"


def test_unknown_format_name_is_a_coded_error() -> None:
    with pytest.raises(TalkdownError) as error:
        parse("NEG: hi", fmt="docx", file="t.docx")

    assert error.value.code == "TD106"


def test_registry_lists_the_five_formats_by_their_cli_names() -> None:
    assert list(FORMATS) == ["text", "vtt", "srt", "csv", "jsonl"]
