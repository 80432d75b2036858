"""Packaged word lists for the rule-based analysers, and the gate that decides whether a text can be judged.

Why here: the lexicons are data (``words.json``), loaded once with ``importlib.resources`` so they ship in
the wheel and can be reviewed without reading regexes. The input gate lives beside them because it is the
other half of "what these word lists can be trusted on": English-register text of utterance size.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

# A live utterance is a sentence or a paragraph. Anything longer is a paste, a file or a fault; the rules were
# not written for it, and running them over a megabyte would stall the live pipeline.
MAX_CHARS = 5000

_LATIN_WORD = re.compile(r"[A-Za-z]+")
_ENGLISH_CLITIC = re.compile(r"[A-Za-z]['\u2019](?:s|ll|re|ve|m|d|t)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_REPLACED = 0.05
"""Share of U+FFFD (a character lost in decoding) above which a text counts as binary. One lost character in
"I will \ufffd kill myself" must not hide the rest of the line."""
_NOT_ASCII_LETTER = re.compile(r"[^A-Za-z]+")
_SPACE = re.compile(r"\s+")
_ASCII_SPACE = bytes(b for b in range(128) if _SPACE.match(chr(b)))
_ASCII_NOT_LETTER = bytes(b for b in range(128) if _NOT_ASCII_LETTER.match(chr(b)))


@cache
def load_words() -> dict[str, tuple[str, ...]]:
    """Every list in ``words.json``, lower-cased, as tuples (read once per process)."""
    raw = json.loads(resources.files(__name__).joinpath("words.json").read_text(encoding="utf-8"))
    return {key: tuple(str(w).lower() for w in value) for key, value in raw.items() if isinstance(value, list)}


def word_alternation(key: str) -> str:
    """A regex alternation of one word list, longest first so multi-word entries win over their prefixes."""
    words = sorted(load_words()[key], key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


def normalise(text: str) -> str:
    """Same-length copy with typographic apostrophes and ellipses made ASCII-like, so offsets stay valid.

    >>> normalise("I’m fine…") == "I'm fine."
    True
    """
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2026", ".")


@lru_cache(maxsize=4096)
def is_judgeable(text: str) -> bool:
    """True when the English rules can say anything about ``text``.

    False for empty, over-long, binary-looking, emoji-only or mostly non-Latin text, and for longer text with
    no common English word or with more function words of another Latin-script language than English ones (so
    Spanish or German turns are not scored by an English lexicon, even when "no" or "will" is among them).

    >>> is_judgeable("Okay.")
    True
    >>> is_judgeable("🙂🙂")
    False
    >>> is_judgeable("¿Dónde está mi hijo? Quiero hablar con él ahora mismo.")
    False
    >>> is_judgeable("Ich will nicht mehr leben, ich habe eine Waffe")
    False
    """
    stripped = text.strip()
    if not stripped or len(text) > MAX_CHARS or _CONTROL.search(text):
        return False
    if "\ufffd" in stripped and stripped.count("\ufffd") > MAX_REPLACED * len(stripped):
        return False
    # Counted with regexes, not a per-character loop: every analyser asks this of every window turn. ASCII text
    # (nearly all of it) is counted by bytes.translate, twice as fast; on ASCII, \s is exactly _ASCII_SPACE
    # and lower-casing first finds the same words at the same places.
    if stripped.isascii():
        raw = stripped.encode("ascii")
        visible = len(raw.translate(None, _ASCII_SPACE))
        letters = len(raw.translate(None, _ASCII_NOT_LETTER))
        if letters == 0 or letters / visible < 0.5:
            return False
        words = _LATIN_WORD.findall(stripped.lower())
    else:
        visible = len(_SPACE.sub("", stripped))
        letters = len(_NOT_ASCII_LETTER.sub("", stripped))
        if letters == 0 or letters / visible < 0.5:
            return False
        words = [w.lower() for w in _LATIN_WORD.findall(stripped)]
    if len(words) < 4:
        return True
    if _mostly_foreign(words):
        return False
    if _ENGLISH_CLITIC.search(stripped):
        return True  # "Clock's ticking, sunshine.": an English contraction is English evidence
    return not _common_words().isdisjoint(words)


def _mostly_foreign(words: list[str]) -> bool:
    """At least two function words of Spanish, German, French, Italian, Portuguese or Dutch, and more of them than
    common English words.

    Why a word count and not a language identifier: the ~140 words are enough for whole sentences, cost one set
    lookup per word, and were checked on the 137,653 turns of the shared data and ``eval/data`` that the gate
    passes: two read as foreign, and both are Spanish. Short English turns often hold no common English word at
    all ("Won't matter much after Tuesday."), so an English-share threshold would silence exactly the terse
    lines a suicide cue hides in.
    """
    foreign, english = _foreign_words(), _common_words()
    n_foreign = sum(map(foreign.__contains__, words))  # map: half the time of a generator, on every new turn
    return n_foreign >= 2 and n_foreign > sum(map(english.__contains__, words))


@cache
def _foreign_words() -> frozenset[str]:
    """``foreign_function_words`` as a set (see ``_mostly_foreign``)."""
    return frozenset(load_words()["foreign_function_words"])


@cache
def _common_words() -> frozenset[str]:
    """``english_common`` as a set: ``is_judgeable`` asks about every word of every new turn."""
    return frozenset(load_words()["english_common"])
