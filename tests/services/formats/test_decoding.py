from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from talkdown.errors import TalkdownError
from talkdown.services.formats.decoding import decode

DATA = Path(__file__).resolve().parents[2] / "data" / "transcripts"


def test_utf8_bom_is_dropped_and_crlf_becomes_lf() -> None:
    text = decode((DATA / "bom.txt").read_bytes(), file="bom.txt")

    assert text == "NEG: Mark, I’m still here.\nSUBJECT: Fine.\n"


def test_lone_carriage_returns_become_line_feeds() -> None:
    assert decode(b"NEG: hi\rSUBJECT: no\r\n", file="t.txt") == "NEG: hi\nSUBJECT: no\n"


def test_latin1_file_is_refused_with_the_offset_and_a_guess() -> None:
    with pytest.raises(TalkdownError) as error:
        decode((DATA / "latin1.txt").read_bytes(), file="latin1.txt")

    assert error.value.code == "TD103"
    assert error.value.fields == {"file": "latin1.txt", "offset": 8, "guess": "latin-1", "hint": ""}


def test_windows_quotes_suggest_cp1252() -> None:
    with pytest.raises(TalkdownError) as error:
        decode(b"NEG: \x93come out\x94", file="t.txt")

    assert (error.value.fields["guess"], error.value.fields["offset"]) == ("cp1252", 5)


def test_utf16_with_its_bom_suggests_utf16() -> None:
    with pytest.raises(TalkdownError) as error:
        decode("NEG: hi".encode("utf-16"), file="t.txt")

    assert error.value.fields["guess"] == "utf-16"


def test_explicit_encoding_decodes_what_utf8_refuses() -> None:
    assert decode((DATA / "latin1.txt").read_bytes(), file="latin1.txt", encoding="latin-1").startswith("NEG: José,")


def test_unknown_explicit_encoding_is_a_coded_error() -> None:
    with pytest.raises(TalkdownError) as error:
        decode(b"hi", file="t.txt", encoding="klingon-8")

    assert error.value.code == "TD107"


def test_bytes_invalid_in_the_explicit_encoding_are_a_coded_error() -> None:
    with pytest.raises(TalkdownError) as error:
        decode(b"NEG: \xff\xfe\xfa", file="t.txt", encoding="utf-8")

    assert error.value.code == "TD107"


def test_compressed_or_binary_bytes_are_named_not_given_an_encoding_to_try() -> None:
    for raw, word in (
        (gzip.compress(b"NEG: hi\n"), "gzip-compressed"),
        (b"PK\x03\x04\x14\x00", "zip archive"),
        (b"PAR1\x15\x04", "Parquet file"),
        (b"%PDF-1.7\n", "PDF document"),
        ("NEG: hi".encode("utf-16-le"), "NUL bytes"),  # UTF-16 without its BOM reads as ASCII with NULs
    ):
        with pytest.raises(TalkdownError) as error:
            decode(raw, file="t.txt")
        assert error.value.code == "TD107" and word in str(error.value.fields["problem"])


def test_utf16_without_a_bom_suggests_the_readers_encoding_option_only_when_it_has_one() -> None:
    raw = "NEG: hi".encode("utf-16-le")
    for option, advice in (("--encoding", "pass --encoding utf-16"), (None, "save it as UTF-8")):
        with pytest.raises(TalkdownError) as error:
            decode(raw, file="t.txt", option=option)
        problem = str(error.value.fields["problem"])
        assert advice in problem and (option is not None or "--encoding" not in problem)


def test_utf16_named_by_the_user_is_read_nul_bytes_and_all() -> None:
    assert decode("NEG: hi".encode("utf-16-le"), file="t.txt", encoding="utf-16-le") == "NEG: hi"
