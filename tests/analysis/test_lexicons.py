"""The input gate: its quick count of ASCII text says what the regex count says."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from talkdown.analysis.lexicons import MAX_CHARS, MAX_REPLACED, _common_words, is_judgeable

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENGLISH_CLITIC = re.compile(r"[A-Za-z]['\u2019](?:s|ll|re|ve|m|d|t)\b", re.IGNORECASE)


def _by_regex(text: str) -> bool:
    """``is_judgeable`` as it was written before ASCII text was counted by bytes (talkdown 132c64b)."""
    stripped = text.strip()
    if not stripped or len(text) > MAX_CHARS or _CONTROL.search(text):
        return False
    if "\ufffd" in stripped and stripped.count("\ufffd") > MAX_REPLACED * len(stripped):
        return False
    visible = len(re.sub(r"\s+", "", stripped))
    letters = len(re.sub(r"[^A-Za-z]+", "", stripped))
    if letters == 0 or letters / visible < 0.5:
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", stripped)]
    if len(words) >= 4 and _ENGLISH_CLITIC.search(stripped):
        return True
    if len(words) >= 4:
        return not _common_words().isdisjoint(words)
    return True


_WORDS = st.sampled_from(["I", "you", "THE", "YOU", "Hola", "amigo", "car", "don't", "it's", "12", "...", "?!"])
_SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", "\r", "\x1c", ", ", "! ", "?", "\u00a0", "\u2019", "é", "\ufffd"])


@given(st.lists(st.one_of(_WORDS, _SEPARATORS), max_size=12).map("".join))
@example("a\t\t\t\t1")  # tabs are space, not visible characters
@example("THE Hola amigo YOU")  # the common words are matched lower-cased
@example("Hola amigo mio que tal")
@example("1 2 3 4 5 6 7 a")
def test_the_gate_says_what_the_regex_count_says(text: str) -> None:
    assert is_judgeable.__wrapped__(text) == _by_regex(text)
