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
- **Required literals**: read off the parsed pattern, strings of which every match must contain one. Text
  is read lower-cased with each digit as "0" (``\\d`` then counts as a literal "0"). When the text holds
  none of them, the pattern cannot match and is not run; the check is one pass of a prefix-tree regex
  (about 1 µs), against 5-50 µs for a large rule. A pattern whose structure yields no such strings is
  always run.

Rejected: lower-casing the text once and matching case-sensitively (the patterns mix in case-sensitive
parts, ``(?-i:[A-Z]...)``, and ``str.lower`` can change the length of non-ASCII text, so offsets would move);
a third-party regex engine (a new dependency, and its leftmost-longest or different backtracking rules would
change which alternative wins); a set of the text's words checked against each pattern's whole words (a set
operation is cheaper than a regex pass, but few rules have a whole word in every alternative, and building
the set cost more than it saved); one pass of every rule's literals over a text, then a set operation per
rule (measured slower than the separate gates, and it needs a global index of all rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property, lru_cache

# The standard library's own regex parser (private, but the same module since 3.11, which added the atomic
# groups and possessive repeats read below); the tests compare every rule pattern with its plain twin, so a
# parser change that broke the reading would fail them, not silently drop matches.
from re import _constants as sre  # type: ignore[attr-defined]  # typeshed has no stubs for re's private parser
from re import _parser  # type: ignore[attr-defined]  # (as above)

from talkdown.analysis.lexicons import load_words

_SEPARATORS = re.compile(r"[\x1c-\x1f]")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_DIGIT_CHARS_AS_ZERO = str.maketrans("123456789", "000000000")
_MAX_STRINGS = 256
"""Joined strings kept per item; beyond this a run is cut, which only makes a gate less selective."""
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
Literals = frozenset[str]
_Tree = dict[str, "_Tree"]


class RulePattern:
    """A compiled rule pattern with the ``search``/``match``/``fullmatch``/``finditer``/``sub`` of ``re``.

    The ASCII twin and the gate are built on first use, not at import: a one-line ``talkdown analyze`` reads
    only one side's rules and should not pay for compiling the other's twice.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self.unicode = re.compile(pattern, flags)

    @cached_property
    def required(self) -> Literals | None:
        """Strings of which every match holds one (as the gate reads text), or None."""
        return required_literals(self.unicode)

    @cached_property
    def _shortcuts(self) -> tuple[re.Pattern[str] | None, re.Pattern[bytes] | None]:
        """The ASCII twin and the gate. A non-ASCII character in the pattern could fold onto an ASCII one (the
        Kelvin sign onto "k") in Unicode mode only, so such a pattern gets neither."""
        if not self.pattern.isascii():
            return None, None
        try:
            twin = re.compile(self.pattern, (self.flags & ~re.UNICODE) | re.ASCII)
        except ValueError:  # an inline (?u) asks for Unicode rules: keep them
            return None, None
        return twin, literal_tree(self.required) if self.required else None

    def _engine(self, text: str, *, gated: bool = True) -> re.Pattern[str] | None:
        """The compiled pattern to run on ``text``, or None when it cannot match. ``match`` and ``fullmatch``
        pass ``gated=False``: they try one position, which costs less than the gate's pass over the text."""
        folded = _folded(text)
        twin, gate = self._shortcuts
        if folded is None or twin is None:
            return self.unicode
        if gated and gate is not None and gate.search(folded) is None:
            return None
        return twin

    def may_match(self, text: str) -> bool:
        """False only when no part of ``text`` can match: a caller may then skip running the pattern over each
        of its sentences (a gate on each fresh slice costs more than one on the whole text)."""
        return self._engine(text) is not None

    def search(self, text: str) -> re.Match[str] | None:
        engine = self._engine(text)
        return engine.search(text) if engine is not None else None

    def match(self, text: str) -> re.Match[str] | None:
        engine = self._engine(text, gated=False)
        return engine.match(text) if engine is not None else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        engine = self._engine(text, gated=False)
        return engine.fullmatch(text) if engine is not None else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        engine = self._engine(text)
        return engine.finditer(text) if engine is not None else iter(())

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        engine = self._engine(text)
        return engine.sub(repl, text, count=count) if engine is not None else text


@lru_cache(maxsize=256)
def _folded(text: str) -> bytes | None:
    """``text`` as the gates read it (lower case, each digit "0"; bytes, which fold several times faster than
    str), or None when the ASCII twins may not read it. Cached: a rule runs a dozen patterns over the same
    text in a row."""
    if not text.isascii() or _SEPARATORS.search(text):
        return None
    return text.encode("ascii").lower().translate(_DIGITS_AS_ZERO)


def required_literals(pattern: re.Pattern[str]) -> Literals | None:
    """Strings of which every match of ``pattern`` holds one, as the gate reads text, or None when its
    structure does not say.

    >>> sorted(required_literals(re.compile(r"\\b(?:I|we)'ll (?:kill|shoot)\\b", re.I)))
    ["i'll kill", "i'll shoot", "we'll kill", "we'll shoot"]
    >>> sorted(required_literals(re.compile(r"\\b(?:9|nine) ?(?:mil|calibre)\\b|\\.\\d{2,3}")))
    ['.00', 'calibre', 'mil']
    >>> required_literals(re.compile(r"\\w+ing|[a-z]")) is None
    True
    """
    return _sequence(list(_parser.parse(pattern.pattern, pattern.flags)))


def _sequence(items: list[tuple[object, object]]) -> Literals | None:
    """What a sequence of parse-tree items requires. Adjacent items that match known strings join into longer
    strings ("a|my|the" then " piece"); every joined run and every other item's requirement must be met, so
    the most selective one is kept."""
    found: list[Literals] = []
    run: set[str] = {""}
    for op, av in items:
        known = _strings(op, av)
        if known is not None and len(run) * len(known[0]) <= _MAX_STRINGS:
            run = {a + b for a in run for b in known[0]}
            if known[1]:
                continue
        if "" not in run:
            found.append(frozenset(run))
        run = {""}
        inner = _item(op, av)  # an item only partly known as strings may still require more inside
        if inner is not None:
            found.append(inner)
    if "" not in run:
        found.append(frozenset(run))
    return max(found, key=_selectivity, default=None)


def _strings(op: object, av: object) -> tuple[set[str], bool] | None:
    """The strings one item can match, as the gates read them, and whether that is all of it (False: they are
    only what its match starts with); None when it can match text that is not a known string."""
    if op is sre.LITERAL and isinstance(av, int) and av < 128:
        return {_fold(av)}, True
    if op is sre.IN and av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
        return {"0"}, True
    if op is sre.IN and isinstance(av, list) and all(o is sre.LITERAL and 0 <= a < 128 for o, a in av):
        return {_fold(a) for _, a in av}, True  # [RK]: one of a few letters
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return {""}, True  # zero-width: the strings on either side are adjacent in the text
    if op is sre.SUBPATTERN and isinstance(av, tuple):
        return _joined(list(av[-1]))
    if op is sre.BRANCH and isinstance(av, tuple):
        branches = [_joined(list(b)) for b in av[1]]
        if any(b is None for b in branches) or sum(len(b[0]) for b in branches if b) > _MAX_STRINGS:
            return None
        return set().union(*(b[0] for b in branches if b)), all(b[1] for b in branches if b)
    if op in _REPEATS and isinstance(av, tuple) and av[0] >= 1:
        inner = _joined(list(av[2]))
        if inner is None or not inner[1] or av[0] > 4 or len(inner[0]) ** av[0] > _MAX_STRINGS:
            return (inner[0], False) if inner is not None else None
        strings = {""}
        for _ in range(av[0]):
            strings = {a + b for a in strings for b in inner[0]}
        return strings, av[0] == av[1]
    return None


def _joined(items: list[tuple[object, object]]) -> tuple[set[str], bool] | None:
    """``_strings`` of a sequence: the items' strings joined, up to the first item that is not known."""
    run: set[str] = {""}
    for op, av in items:
        known = _strings(op, av)
        if known is None or len(run) * len(known[0]) > _MAX_STRINGS:
            return (run, False) if run != {""} else None
        run = {a + b for a in run for b in known[0]}
        if not known[1]:
            return run, False
    return run, True


def _item(op: object, av: object) -> Literals | None:
    """The requirement of an item that is not a known string; anything not understood requires nothing."""
    if op is sre.BRANCH and isinstance(av, tuple):
        branches = [_sequence(list(b)) for b in av[1]]
        if any(b is None for b in branches):
            return None  # one alternative can match without any of them
        return frozenset().union(*(b for b in branches if b is not None))
    if op is sre.SUBPATTERN and isinstance(av, tuple):
        return _sequence(list(av[-1]))
    if op is sre.ATOMIC_GROUP and isinstance(av, _parser.SubPattern):
        return _sequence(list(av))
    if op in _REPEATS and isinstance(av, tuple) and av[0] >= 1:
        return _sequence(list(av[2]))
    return None


def _fold(code: int) -> str:
    """One pattern character as ``_folded`` reads text."""
    return chr(code).lower().translate(_DIGIT_CHARS_AS_ZERO)


def _selectivity(strings: Literals) -> tuple[int, int]:
    """How rarely text holds any of ``strings``, roughly: letters in the weakest, where a common word counts
    as short ("'ll " or "the" say less about a text than "kill"), then fewer strings. Only speed depends on
    this choice: every candidate is a sound requirement."""
    return min(_letters(s) for s in strings), -len(strings)


def _letters(s: str) -> int:
    letters = sum(ch.isalnum() for ch in s)
    return min(letters, 1) if s.strip(" '") in load_words()["stopwords"] else letters


def literal_tree(literals: Literals) -> re.Pattern[bytes]:
    """A case-sensitive regex matching where any of ``literals`` starts, as a prefix tree: at each position
    only the branch for the next character is tried, and the engine skips positions whose character starts
    no literal. A literal that extends a shorter one is dropped (the shorter one already answers).

    >>> literal_tree(frozenset({"kill", "kin", "cut", "kind"})).pattern
    b'(?:cut|ki(?:ll|n))'
    """
    tree: _Tree = {}
    for word in sorted(literals):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Tree) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(emit(tree).encode("ascii"))
