"""Agency policy: the limits a command sets before talks, overriding the doctrine defaults.

Why a policy file: where sources disagree (alcohol, transport, relief interval) or national law decides
(no-concessions policies), the doctrine pack says the agency policy decides and the defaults follow the
"usual doctrine" column (README, "How the code should use it" 2; demands-deadlines.md, "Commander sets
limits"). Defaults below are that column; numbers with no doctrine behind them (relief interval, windows)
are talkdown's own choice [D] and the advice says so.

Why strict parsing: a misspelt key in a policy file would otherwise silently leave the default in force, at
the worst moment. Every unknown key is an error naming it with a did-you-mean (TD640); a wrong value names
the key and the problem (TD641). This module parses text; reading the file is the services' job (doctrine
reads no user files).
"""

from __future__ import annotations

import difflib
import re
from functools import cached_property
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from talkdown.doctrine.rulebook import load_rules
from talkdown.domain.enums import DemandCategory
from talkdown.domain.log import content_fingerprint
from talkdown.errors import TalkdownError

Keyword = Annotated[str, Field(min_length=2, max_length=60)]

# Demand wording that marks a non-negotiable item (demands-deadlines.md, "Negotiable vs non-negotiable"):
# weapons and ammunition, body armour treated as a weapon item [D], drugs, alcohol (NYPD practice; the
# Philippine deck differs, so an agency may remove it), and any exchange of hostages.
DEFAULT_NON_NEGOTIABLE_ITEMS: tuple[str, ...] = (
    "weapon", "gun", "rifle", "shotgun", "pistol", "ammunition", "ammo", "bullets", "shells", "explosive",
    "explosives", "bomb", "vest", "body armour", "body armor", "drugs", "alcohol", "beer", "liquor", "whiskey",
    "vodka", "exchange", "trade places", "swap", "take me instead", "in place of",
)  # fmt: skip
# Small, deliverable items that are traded (same table: food, water, cigarettes, comfort items, medical care).
DEFAULT_SMALL_ITEMS: tuple[str, ...] = (
    "food", "water", "sandwich", "sandwiches", "pizza", "coffee", "soda", "drink", "cigarette", "cigarettes",
    "smoke", "smokes", "tobacco", "medicine", "medication", "inhaler", "insulin", "blanket", "diapers",
)  # fmt: skip

# Transport, escape, "freedom" (same table): not granted in usual doctrine, discussed to buy time; the Philippine
# deck lists them as negotiable, so an agency switches the rule off (``rules: {transport_demand: {enabled: false}}``).
TRANSPORT_ITEMS: tuple[str, ...] = (
    "car", "cars", "vehicle", "van", "truck", "bus", "plane", "jet", "airplane", "aeroplane", "helicopter",
    "chopper", "boat", "getaway", "escape", "safe passage", "free passage", "safe conduct", "airport",
)  # fmt: skip
_TRANSPORT_RE = re.compile(
    rf"\b(?:{'|'.join(re.escape(w) for w in sorted(TRANSPORT_ITEMS, key=len, reverse=True))})\b", re.IGNORECASE
)

# Amnesty and prisoner releases (same table): "police cannot grant it" and "not police business; national policy".
# A no-concessions policy bars prisoners outright (policy_bars_concession); otherwise the negotiator still defers.
BEYOND_POLICE_ITEMS: tuple[str, ...] = (
    "amnesty", "immunity", "pardon", "no charges", "drop the charges", "no prosecution", "not prosecuted",
    "walk free", "prisoner", "prisoners", "release my brother", "free my brother", "free our brothers",
    "release our brothers", "release our comrades", "free our comrades", "political prisoners",
)  # fmt: skip
_BEYOND_POLICE_RE = re.compile(
    rf"\b(?:{'|'.join(re.escape(w) for w in sorted(BEYOND_POLICE_ITEMS, key=len, reverse=True))})\b", re.IGNORECASE
)

# Talking to family or a named person (same table): "limited and controlled; never as audience for a final act";
# asking for the officer in charge is a suicide-by-cop sign [R20 S]. A text names a person to talk to when a verb
# of contact comes before one of these.
_PERSON_TO_TALK_TO = re.compile(
    r"\b(?:talk|speak|see|call|phone|ring|say goodbye)\b.{0,40}?\b(?:wife|husband|ex|partner|girlfriend|boyfriend"
    r"|mother|mom|mum|father|dad|brother|sister|son|daughter|kids|children|family|priest|pastor|imam|rabbi|boss"
    r"|chief|sheriff|captain|commander|mayor|governor|reporter|journalist|media|tv)\b",
    re.IGNORECASE,
)


class RuleSetting(BaseModel):
    """Per-rule override: switch a rule off or re-rank it (1 = act now ... 5 = background)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    priority: int | None = Field(default=None, ge=1, le=5)


class Policy(BaseModel):
    """What an agency has decided; ``Policy()`` is the doctrine default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: str = "talkdown defaults (usual US/European doctrine)"
    no_concessions: bool = False
    barred_categories: tuple[DemandCategory, ...] = (DemandCategory.MONEY, DemandCategory.RELEASE_OF_PRISONERS)
    non_negotiable_categories: tuple[DemandCategory, ...] = (DemandCategory.WEAPONS,)
    non_negotiable_items: tuple[Keyword, ...] = DEFAULT_NON_NEGOTIABLE_ITEMS
    small_demand_categories: tuple[DemandCategory, ...] = (DemandCategory.FOOD_DRINK, DemandCategory.TOBACCO)
    small_demand_items: tuple[Keyword, ...] = DEFAULT_SMALL_ITEMS
    relief_interval_minutes: int = Field(default=240, ge=15, le=24 * 60)
    deadline_warning_minutes: int = Field(default=15, ge=1, le=24 * 60)
    deadline_grace_minutes: int = Field(default=5, ge=0, le=24 * 60)
    advice_window_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)
    suicide_cue_threshold: int = Field(default=2, ge=1, le=20)
    rules: dict[str, RuleSetting] = Field(default_factory=dict)

    @cached_property
    def content(self) -> dict[str, Any]:
        """Every setting, defaults included, as JSON values: what the log records, so a replay needs no file."""
        return self.model_dump(mode="json")

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of :attr:`content` in the log's canonical encoding: two files that say the same thing (in any key
        order, with or without the defaults spelt out) have one fingerprint."""
        return content_fingerprint(self.content)

    @cached_property
    def _non_negotiable_re(self) -> re.Pattern[str]:
        return _keywords(self.non_negotiable_items)

    @cached_property
    def _small_re(self) -> re.Pattern[str]:
        return _keywords(self.small_demand_items)

    def is_non_negotiable(self, item: str, category: DemandCategory | None = None) -> bool:
        """Whether the agency never trades this item (weapons, drugs, alcohol, exchanges by default)."""
        return category in self.non_negotiable_categories or bool(self._non_negotiable_re.search(item))

    def is_barred(self, category: DemandCategory) -> bool:
        """Whether a no-concessions policy rules this demand out (ransom, prisoners by default)."""
        return self.no_concessions and category in self.barred_categories

    def is_small(self, item: str, category: DemandCategory | None = None) -> bool:
        """Whether the item is a small tradable one (food, drink, tobacco, comfort, medicine)."""
        if self.is_non_negotiable(item, category):
            return False
        return category in self.small_demand_categories or bool(self._small_re.search(item))

    def is_transport(self, item: str, category: DemandCategory | None = None) -> bool:
        """Whether the demand is for transport or escape (a car, a plane, safe passage), not a weapon or drug."""
        if self.is_non_negotiable(item, category):
            return False
        return category is DemandCategory.TRANSPORT or bool(_TRANSPORT_RE.search(item))

    def is_beyond_police(self, item: str, category: DemandCategory | None = None) -> bool:
        """Whether only others could grant it: amnesty, no prosecution, prisoners released (not weapons or drugs)."""
        if self.is_non_negotiable(item, category):
            return False
        return category is DemandCategory.RELEASE_OF_PRISONERS or bool(_BEYOND_POLICE_RE.search(item))

    def is_person_to_talk_to(self, item: str, category: DemandCategory | None = None) -> bool:
        """Whether the demand is to talk to family, clergy, a boss, a commander or the media."""
        return category is DemandCategory.PERSON or bool(_PERSON_TO_TALK_TO.search(item))

    def keywords_in(self, item: str) -> set[str]:
        """The policy's item words (non-negotiable, small, transport) in a demand's text, lower-cased: 'that car'
        and 'a car' name the same item though neither has a content word of four letters."""
        found = (p.findall(item) for p in (self._non_negotiable_re, self._small_re, _TRANSPORT_RE, _BEYOND_POLICE_RE))
        return {w.lower() for words in found for w in words}

    def is_enabled(self, rule_id: str) -> bool:
        setting = self.rules.get(rule_id)
        return setting is None or setting.enabled

    def priority_of(self, rule_id: str, default: int) -> int:
        setting = self.rules.get(rule_id)
        return setting.priority if setting is not None and setting.priority is not None else default


def _keywords(words: tuple[str, ...]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!x)x")  # matches nothing: the agency emptied the list
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE)


def parse_policy(text: str, *, file: str) -> Policy:
    """Validate a policy file's text; raises TD640-TD642 naming the first problem and its key."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise TalkdownError("TD642", file=file, problem=f"not valid YAML{where}") from exc
    except RecursionError:  # '[[[[...' thousands deep: PyYAML composes one nested call per level
        raise TalkdownError("TD642", file=file, problem="the YAML is nested too deeply") from None
    if raw is None:
        return Policy()
    if not isinstance(raw, dict):
        raise TalkdownError("TD642", file=file, problem=f"the top level is a {type(raw).__name__}, not a mapping")
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        raise _coded(exc, file=file) from exc
    known = load_rules()
    for rule_id in policy.rules:
        if rule_id not in known:
            raise TalkdownError("TD640", file=file, key=f"rules.{rule_id}", hint=_hint(rule_id, sorted(known)))
    return policy


def _coded(exc: ValidationError, *, file: str) -> TalkdownError:
    """The first pydantic error as a coded error naming the dotted key, with a did-you-mean for unknown keys."""
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    key = ".".join(loc)
    if first["type"] == "extra_forbidden":
        model: type[BaseModel] = RuleSetting if len(loc) == 3 and loc[0] == "rules" else Policy
        return TalkdownError("TD640", file=file, key=key, hint=_hint(loc[-1], sorted(model.model_fields)))
    return TalkdownError("TD641", file=file, key=key, problem=first["msg"])


def _hint(key: str, candidates: list[str]) -> str:
    """'(did you mean 'x'?)' when one candidate is close, else the list of known keys.

    >>> _hint("relief_intervall_minutes", ["relief_interval_minutes", "rules"])
    "(did you mean 'relief_interval_minutes'?)"
    """
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if close:
        return f"(did you mean '{close[0]}'?)"
    return f"(known keys: {', '.join(candidates)})"
