"""The promise every parser makes on arbitrary input, checked the same way for each format."""

from __future__ import annotations

from collections.abc import Callable

from talkdown.errors import TalkdownError
from talkdown.services.formats.model import Transcript


def assert_parses_or_names_a_line(parse: Callable[..., list[Transcript]], text: str) -> None:
    """Arbitrary text yields transcripts with turns, or a coded input error that says where: never a crash."""
    try:
        transcripts = parse(text, file="fuzz.txt")
    except TalkdownError as error:
        assert error.code in {"TD101", "TD102", "TD104"}, error.code
        assert error.fields["file"] == "fuzz.txt"
        if error.code != "TD102":
            line = error.fields["line"]
            assert isinstance(line, int)
            assert 1 <= line <= text.count("\n") + 1
        return
    assert transcripts
    assert all(isinstance(t, Transcript) and t.turns for t in transcripts)
