"""Lone surrogates: found where they are, and replaced one for one so offsets still hold."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkdown.domain.text import SHORT_TEXT_MAX, first_surrogate, is_blank, readable, require_entry_text, too_long
from talkdown.errors import TalkdownError

# Text with lone surrogates mixed in: hypothesis leaves category Cs out of text() unless asked.
with_surrogates = st.text(alphabet=st.characters(categories=["Cs", "Ll", "Zs", "So"]), max_size=40)


def test_bytes_python_could_not_decode_are_found_where_they_are() -> None:
    typed = b"Tom \xff\xfe here".decode("utf-8", "surrogateescape")
    assert first_surrogate(typed) == 4
    assert readable(typed) == "Tom \ufffd\ufffd here"


def test_a_json_escape_of_a_lone_surrogate_is_found_but_an_escaped_pair_is_text() -> None:
    assert first_surrogate(json.loads('"ok \\udcff"')) == 3
    assert first_surrogate(json.loads('"\\ud83d\\ude00 fine"')) is None  # the pair decodes to one emoji


@given(with_surrogates)
def test_readable_text_encodes_as_utf8_with_the_same_length_and_valid_text_unchanged(text: str) -> None:
    out = readable(text)
    out.encode("utf-8")
    assert len(out) == len(text)
    assert first_surrogate(out) is None
    assert (out == text) == (first_surrogate(text) is None)


INVISIBLE = ["\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\u0301", " \u200b\t\u00a0", "\u3164", ""]


def test_a_text_of_only_characters_that_draw_nothing_is_blank_and_one_visible_character_is_not() -> None:
    # A line of zero-width spaces, a byte order mark or a lone combining mark passed `not text.strip()`, so it
    # was logged and scored as a line said.
    assert all(is_blank(text) for text in INVISIBLE)
    assert not any(is_blank(text) for text in ("a", "\u200ba", "e\u0301", "\u0928\u094d\u200d", "\U0001f600", "."))


def test_an_entry_text_must_show_something_and_fit_its_limit_and_is_returned_unchanged() -> None:
    assert require_entry_text(" ICRC ", what="name") == " ICRC "
    with pytest.raises(TalkdownError) as blank:
        require_entry_text("\u200b ", what="name")
    assert (blank.value.code, blank.value.fields["problem"]) == ("TD105", "must not be blank")
    with pytest.raises(TalkdownError) as long:
        require_entry_text("x" * (SHORT_TEXT_MAX + 1), what="outlet")
    assert (
        long.value.code == "TD105"
        and long.value.fields["problem"]
        == "it is 501 characters long; an outlet may have up to 500. Nothing was saved: shorten it or split it"
    )
    assert require_entry_text("y" * 600, what="text", limit=1_000) == "y" * 600


def test_a_too_long_text_names_its_field_with_the_right_article() -> None:
    # Both faces said "a item may have up to 500" and "a alias", "a outlet".
    assert too_long(501, what="item", limit=500) == "it is 501 characters long; an item may have up to 500"
    assert too_long(1_200, what="name", limit=500) == "it is 1,200 characters long; a name may have up to 500"
