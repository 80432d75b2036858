"""The strings every match of a rule pattern must contain, read off the pattern's parse tree.

Why: most rule patterns cannot match most turns, and knowing which literals a match needs lets
``patterns.RulePattern`` skip a pattern after one shared literal search (``patterns.py`` says how). Reading
the tree costs ~3 ms a pattern (mostly the joined-string products below), ~0.45 s for all of them, too much
for a one-line ``talkdown analyze``: the package ships the results in ``rule_literals.json``, written by
``make literals`` and checked against this reading by ``tests/analysis/test_patterns.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

# The standard library's own regex parser (private, but the same module since 3.11, which added the atomic
# groups and possessive repeats read below); the tests compare every rule pattern with its plain twin, so a
# parser change that broke the reading would fail them, not silently drop matches.
from re import _constants as sre  # type: ignore[attr-defined]  # typeshed has no stubs for re's private parser
from re import _parser  # type: ignore[attr-defined]  # (as above)

from talkdown.analysis.lexicons import load_words

TABLE = "rule_literals.json"
_DIGIT_CHARS_AS_ZERO = str.maketrans("123456789", "000000000")
_MAX_STRINGS = 256
"""Joined strings kept per item; beyond this a run is cut, which only makes a gate less selective."""
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
Literals = frozenset[str]


def key(pattern: str, flags: int) -> str:
    """A pattern's entry in the shipped table: a digest of its text and flags, so an edited rule misses."""
    return hashlib.sha256(f"{flags}:{pattern}".encode()).hexdigest()[:20]


@cache
def _table() -> dict[str, list[str] | None]:
    try:
        text = resources.files(__package__ or "talkdown.analysis").joinpath(TABLE).read_text(encoding="utf-8")
    except FileNotFoundError:  # a source tree before `make literals`: every pattern is read instead
        return {}
    table: dict[str, list[str] | None] = json.loads(text)
    return table


def literals_of(pattern: str, flags: int) -> Literals | None:
    """``required_literals`` of a pattern, from the shipped table when it holds this exact pattern."""
    entry = key(pattern, flags)
    table = _table()
    if entry in table:
        found = table[entry]
        return None if found is None else frozenset(found)
    return required_literals(re.compile(pattern, flags))


def write_table(patterns: list[tuple[str, int]], path: Path) -> int:
    """Write the table for ``patterns`` (text, flags); returns the number of entries."""
    table = {}
    for pattern, flags in patterns:
        found = required_literals(re.compile(pattern, flags))
        table[key(pattern, flags)] = None if found is None else sorted(found)
    path.write_text(json.dumps(dict(sorted(table.items())), indent=0) + "\n", encoding="utf-8")
    return len(table)


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
    """One pattern character as ``patterns.folded`` reads text."""
    return chr(code).lower().translate(_DIGIT_CHARS_AS_ZERO)


def _selectivity(strings: Literals) -> tuple[int, int]:
    """How rarely text holds any of ``strings``, roughly: letters in the weakest, where a common word counts
    as short ("'ll " or "the" say less about a text than "kill"), then fewer strings. Only speed depends on
    this choice: every candidate is a sound requirement."""
    return min(_letters(s) for s in strings), -len(strings)


def _letters(s: str) -> int:
    letters = sum(ch.isalnum() for ch in s)
    return min(letters, 1) if s.strip(" '") in load_words()["stopwords"] else letters
