"""Rule patterns: the ASCII twin and the literal gate never change a match, on any text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from talkdown.analysis import (
    avoid,
    change_talk,
    cue_patterns,
    emotion,
    literals,
    outburst,
    patterns,
    skills,
    stairway,
    suicide_questions,
)
from talkdown.analysis.literals import required_literals
from talkdown.analysis.patterns import RulePattern

DEV = Path(__file__).resolve().parents[2] / "eval" / "data" / "indomain_dev.jsonl"


def _rule_patterns() -> dict[str, RulePattern]:
    found: dict[str, RulePattern] = {}
    for module in (cue_patterns, skills, avoid, change_talk, outburst, stairway, emotion, suicide_questions):
        short = module.__name__.rsplit(".", 1)[-1]
        found |= {f"{short}.{name}": value for name, value in vars(module).items() if isinstance(value, RulePattern)}
    found |= {f"avoid.{name}": value for name, value in {**avoid._PATTERNS, **avoid._OTHER}.items()}
    return found


RULES = _rule_patterns()
PLAIN = {name: re.compile(p.pattern, p.flags) for name, p in RULES.items()}
LITERALS = sorted({lit for p in RULES.values() for lit in p.required or ()})
ODD = ["I", "You", ".", "?!", ",", "   ", "\n", "12", "9mm", "İ", "é", "\u212a", "ſ", "\x1c", "’", "…", "😀", "O'Brien"]
pieces = st.one_of(
    st.sampled_from(LITERALS).flatmap(lambda lit: st.sampled_from([lit, lit.upper(), lit.title()])),
    st.sampled_from(ODD),
    st.text(max_size=6),
)
texts = st.one_of(st.lists(pieces, max_size=24).map(" ".join), st.lists(pieces, max_size=12).map("".join))


def _found(pattern: RulePattern | re.Pattern[str], text: str) -> list[object]:
    """Everything a rule can read off a pattern: every match with its groups, and the single-position forms."""
    out: list[object] = [(m.span(), m.groups()) for m in pattern.finditer(text)]
    for form in (pattern.search, pattern.match, pattern.fullmatch):
        m = form(text)
        out.append(None if m is None else (m.span(), m.groups()))
    out.append(pattern.sub("#", text, count=1))
    return out


def _differing(text: str) -> list[str]:
    return [name for name, rule in RULES.items() if _found(rule, text) != _found(PLAIN[name], text)]


def test_every_rule_pattern_gives_the_plain_patterns_matches_on_every_dev_turn_as_written_and_shouted() -> None:
    turns = [t["text"] for line in DEV.read_text(encoding="utf-8").splitlines() for t in json.loads(line)["turns"]]
    for text in turns[::8]:
        for variant in (text, text.upper(), text + "   "):
            assert _differing(variant) == [], variant


@settings(max_examples=40, deadline=None)
@given(text=texts)
@example(text="Nobody's been hurt. Yet.")
@example(text="I've got a .38 and a nine mil, the AR too")
@example(text="KILL \u212aILL ſHOOT")  # Kelvin sign and long s fold onto k and s in Unicode mode only
@example(text="a\x1cb you\x1cshoot")  # U+001C is \s in Unicode mode only
def test_every_rule_pattern_gives_the_plain_patterns_matches_on_any_text(text: str) -> None:
    assert _differing(text) == []


def test_each_literal_run_keeps_its_longest_known_strings() -> None:
    pattern = re.compile(r"\b(?:I|we)'ll (?:kill|shoot)\b", re.I)
    assert required_literals(pattern) == {"i'll kill", "i'll shoot", "we'll kill", "we'll shoot"}


def test_an_alternative_that_needs_no_literal_leaves_the_pattern_ungated() -> None:
    assert required_literals(re.compile(r"\bkill\b|\w{3}")) is None
    assert required_literals(re.compile(r"(?:kill)?e?")) is None


def test_digits_are_read_as_zero_and_optional_parts_cut_a_literal() -> None:
    assert required_literals(re.compile(r"\b(?:twelve|12)-bore\b|\.\d{2,3}")) == {"twelve-bore", "00-bore", ".00"}
    assert required_literals(re.compile(r"\bwon'?t walk out\b", re.I)) == {"t walk out"}


def test_the_gate_lets_a_pattern_run_where_any_of_its_literals_is_and_nowhere_else() -> None:
    rule = RulePattern(r"\b(?:kill|kin|shoot)\w*", re.I)
    assert rule.required == {"kill", "kin", "shoot"}
    assert rule.may_match("my KIND of day")
    assert rule.may_match("go shoot")
    assert not rule.may_match("ki ll sh oot")
    assert rule.search("ki ll sh oot") is None


def test_a_pattern_made_after_the_index_was_built_gets_a_gate_of_its_own() -> None:
    assert RULES["cue_patterns.WEAPON"].may_match("a gun")  # builds the index
    late = RulePattern(r"\bzebra crossing\b", re.I)
    assert late.bit >= patterns._INDEX.built.patterns
    assert late.may_match("the ZEBRA crossing") and not late.may_match("a gun")
    assert RULES["cue_patterns.WEAPON"].may_match("a gun")


def test_the_shipped_literal_table_is_what_reading_each_rule_pattern_gives_now() -> None:
    """Run `make literals` after editing a rule's regex: a stale entry would only cost speed (the pattern is
    read at run time instead), but this keeps the table exact and free of dead entries."""
    shipped = json.loads((Path(literals.__file__).with_name(literals.TABLE)).read_text(encoding="utf-8"))
    current = {literals.key(p.pattern, p.flags): p for p in RULES.values() if p.pattern.isascii()}
    assert set(shipped) == set(current), "rule_literals.json is stale: run `make literals`"
    for entry, rule in current.items():
        found = required_literals(re.compile(rule.pattern, rule.flags))
        assert shipped[entry] == (None if found is None else sorted(found)), rule.pattern[:60]


def test_a_pattern_with_a_non_ascii_character_is_always_run_as_written() -> None:
    rule = RulePattern(r"caf\u00e9s?\b", re.I)
    assert rule.search("two CAFÉS here") is not None
    assert rule.search("café") is not None
    assert rule.search("cafe") is None


def test_every_rule_pattern_is_written_in_ascii_so_it_gets_its_twin_and_its_gate() -> None:
    """A non-ASCII character in a pattern's source costs it the ASCII twin and the literal gate (``RulePattern.twin``,
    ``_Index.build``): cues 0.28.0's threat pattern spelled an ellipsis "…", which ``lexicons.normalise`` never leaves
    in a turn, and the pattern ran ungated in Unicode mode on every subject turn, 10 -> 33 µs a turn and ~13 % off
    ``--fast``. Write such a character as an escape, or (as there) drop an alternative the normalised text cannot
    hold."""
    assert [name for name, rule in RULES.items() if not rule.pattern.isascii()] == []
