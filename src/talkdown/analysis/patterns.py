"""Rule patterns that skip the work they can prove useless, so the rules keep up with bulk analysis.

Why: the rule analysers run over a hundred large, case-insensitive alternations over every turn, and
Python's backtracking engine tries every alternative at every position of the text; on the bench corpus
that was most of the rules-only time. A ``RulePattern`` wraps one pattern and gives exactly the matches the plain
compiled pattern gives (``tests/analysis/test_patterns.py`` checks every rule pattern against its plain
twin), by shortcuts that cannot change a match:

- **ASCII text** (nearly every turn once ``lexicons.normalise`` has run) is matched by a twin compiled with
  ``re.ASCII``. On ASCII text without the separators U+001C-U+001F (the only ASCII characters that Unicode
  ``\\s`` matches and ASCII ``\\s`` does not), ``\\w``, ``\\d``, ``\\s``, ``\\b`` and case folding mean the
  same in both modes, and the ASCII engine is about 40 % faster on these patterns.
- **Required literals** (``literals.py``): strings of which every match must contain one, as text is read
  lower-cased with each digit as "0". When the text holds none of them, the pattern cannot match and is not
  run. One Aho-Corasick pass (``pyahocorasick``) over a text finds the literals of *every* rule pattern at
  once and gives a bit mask of the patterns that may match: ~5 µs a dev turn, where a literal pass per pattern
  cost ~180 µs for all of them. A pattern whose structure yields no such strings is always run.
- **Nothing is compiled before it is needed**: a pattern's Unicode form compiles on its first non-ASCII text,
  its twin when the mask first lets it run. A one-line ``talkdown analyze`` compiles a handful of patterns, not
  all of them twice.

Rejected: lower-casing the text once and matching case-sensitively (the patterns mix in case-sensitive
parts, ``(?-i:[A-Z]...)``, and ``str.lower`` can change the length of non-ASCII text, so offsets would move);
a third-party regex engine (its leftmost-longest or different backtracking rules would change which
alternative wins; Aho-Corasick only finds literals, so it cannot); a set of the text's words checked against
each pattern's whole words (few rules have a whole word in every alternative).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from talkdown.analysis.literals import Literals, literals_of, write_table

_SEPARATORS = re.compile(r"[\x1c-\x1f]")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


class RulePattern:
    """A rule pattern with the ``search``/``match``/``fullmatch``/``finditer``/``sub`` of ``re``."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self.bit = _INDEX.register(self)

    @cached_property
    def unicode(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    @cached_property
    def required(self) -> Literals | None:
        """Strings of which every match holds one (as the gate reads text), or None."""
        return literals_of(self.pattern, self.flags)

    @cached_property
    def twin(self) -> re.Pattern[str] | None:
        """The ASCII twin. A non-ASCII character in the pattern could fold onto an ASCII one (the Kelvin sign
        onto "k") in Unicode mode only, so such a pattern has none (and no gate: ``_Index``)."""
        if not self.pattern.isascii():
            return None
        try:
            return re.compile(self.pattern, (self.flags & ~re.UNICODE) | re.ASCII)
        except ValueError:  # an inline (?u) asks for Unicode rules: keep them
            return None

    def _engine(self, text: str) -> re.Pattern[str] | None:
        """The compiled pattern to run on ``text``, or None when it cannot match. ``match`` and ``fullmatch``
        are gated too: the mask is shared by every pattern run over the same text, so reading it costs less
        than trying a large alternation even at one position."""
        global _LAST  # a one-entry cache: see _LAST
        built = _INDEX.built
        if self.bit >= built.patterns:
            built = _INDEX.build()
        last = _LAST
        if last[0] is text and last[1] is built:
            bits = last[2]
        else:
            bits = _mask(built, text)
            _LAST = (text, built, bits)
        if bits is None:
            return self.unicode
        if not (bits >> self.bit) & 1:
            return None
        return self.twin or self.unicode

    def may_match(self, text: str) -> bool:
        """False only when no part of ``text`` can match: a caller may then skip running the pattern over each
        of its sentences."""
        return self._engine(text) is not None

    def search(self, text: str) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.search(text) if engine is not None else None

    def match(self, text: str) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.match(text) if engine is not None else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.fullmatch(text) if engine is not None else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        engine = self._engine(text)
        return engine.finditer(text) if engine is not None else iter(())

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        engine = self._engine(text)
        return engine.sub(repl, text, count=count) if engine is not None else text


def folded(text: str) -> str:
    """``text`` as the literals are written: lower case, each digit "0" (bytes fold several times faster)."""
    return text.encode("ascii").lower().translate(_DIGITS_AS_ZERO).decode("ascii")


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the mask cache
class _Built:
    automaton: Any  # ahocorasick.Automaton: untyped C extension; None when no pattern has literals
    patterns: int
    """How many registered patterns it covers; a bit at or past this is not known to it."""
    ungated: int
    """The mask of the covered patterns that have no literals: they always run."""


class _Index:
    """One Aho-Corasick automaton over the required literals of every ``RulePattern``, each literal's value
    the bit mask of the patterns that require it. Built on the first mask after a pattern registers (patterns
    are module constants, so in practice once per process, ~10 ms from the shipped table); a new automaton
    replaces the old one whole, so a thread reading a mask never sees one half built."""

    def __init__(self) -> None:
        self._patterns: list[RulePattern] = []
        self.built = _Built(automaton=None, patterns=0, ungated=0)
        self._lock = threading.Lock()

    def register(self, pattern: RulePattern) -> int:
        with self._lock:
            self._patterns.append(pattern)
            return len(self._patterns) - 1

    def patterns(self) -> list[RulePattern]:
        with self._lock:
            return list(self._patterns)

    def build(self) -> _Built:
        import ahocorasick  # a default dependency; imported here so `import patterns` stays cheap

        patterns = self.patterns()
        by_literal: dict[str, int] = {}
        ungated = 0
        for bit, pattern in enumerate(patterns):
            literals = pattern.required if pattern.pattern.isascii() else None
            if literals is None or any(len(lit) == 1 and lit.isalpha() for lit in literals):
                # A one-letter literal ("i" of "\bI\b") is in nearly every text: such a gate lets the
                # pattern run anyway, and its hits would slow the search for every other pattern.
                ungated |= 1 << bit
                continue
            for literal in literals:
                by_literal[literal] = by_literal.get(literal, 0) | (1 << bit)
        automaton = None
        if by_literal:
            automaton = ahocorasick.Automaton()
            for literal, bits in by_literal.items():
                automaton.add_word(literal, bits)
            automaton.make_automaton()
        built = _Built(automaton=automaton, patterns=len(patterns), ungated=ungated)
        self.built = built
        _mask.cache_clear()
        return built


@lru_cache(maxsize=4096)
def _mask(built: _Built, text: str) -> int | None:
    """Cached per text: a rule runs a dozen patterns over the same text in a row, and each analyser of a
    batch (``Pipeline.run_many`` runs them one after another over up to 512 turns and their previous turns)
    reads the same texts again. Keyed by the automaton too, so a mask from before a rebuild is never read for
    a pattern it does not cover. None: the twins and the mask may not read ``text`` (see the module
    docstring), so every pattern runs in Unicode mode."""
    if not text.isascii() or _SEPARATORS.search(text) is not None:
        return None
    bits = built.ungated
    if built.automaton is not None:
        for _, found in built.automaton.iter(folded(text)):
            bits |= found
    return bits


_INDEX = _Index()
_LAST: tuple[str | None, _Built | None, int | None] = (None, None, None)
"""The text, automaton and mask of the latest ``_engine`` call. A rule runs a dozen patterns over one text in a
row, and an identity check costs a fraction of the ``_mask`` cache's lookup (which builds and hashes a key
each call). Replaced whole, so a thread reads a consistent triple; a reference to the text is held, so its
``id`` cannot be reused by another text while it is here."""


def write_literal_table(path: Path) -> int:
    """Write ``literals.TABLE`` for every pattern registered so far (``make literals`` imports every rule
    module first); returns the number of entries."""
    return write_table(sorted({(p.pattern, p.flags) for p in _INDEX.patterns() if p.pattern.isascii()}), path)
