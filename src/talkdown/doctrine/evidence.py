"""What the advisor's rules read: the board plus the analysis, indexed once per call.

Why a view: every rule asks the same questions (which turns are the subject's, which carry a suicide cue,
what the scribe recorded after a given seq), and answering them once keeps ``advise`` linear in the size of
the log, which the after-action report needs because it replays the advisor after every event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from talkdown.doctrine.policy import Policy
from talkdown.domain.annotations import Annotation
from talkdown.domain.display_time import labelled
from talkdown.domain.enums import Role
from talkdown.domain.state import IncidentState, Utterance

AnnotationMap = Mapping[int, Sequence[Annotation]]
_WORD = re.compile(r"[A-Za-z]{4,}")
CUE_FAMILY = "talkdown_cue"
# Words of four letters or more that say nothing about which item a demand is for [D].
_ANY_DEMAND = frozenset((
    "want", "wants", "need", "needs", "give", "bring", "send", "have", "just", "some", "more", "your", "them",
    "they", "that", "this", "these", "those", "with", "from", "what", "about", "like", "please", "right", "here",
    "there", "talk", "speak", "call", "phone", "only", "again", "still", "gonna", "wanna", "make", "sure", "into",
    "over", "when", "then", "will", "would", "could", "should", "going", "back", "also", "even", "each", "every",
    "their", "thing", "things",
))  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A rule's finding before it is worded: which rule, about what (stable key), on which events."""

    rule_id: str
    key: str
    trigger_seqs: tuple[int, ...]
    about: str


@dataclass
class View:
    """The board, its annotations and the policy, with the look-ups rules share."""

    state: IncidentState
    annotations: AnnotationMap
    policy: Policy
    now: datetime
    zone: tzinfo | None = UTC  # the team's clock, for the times advice quotes (None: this computer's)
    subject_turns: list[Utterance] = field(default_factory=list)
    negotiator_turns: list[Utterance] = field(default_factory=list)
    # Each turn's confident annotations by family, filled on first ask: rules ask the same (seq, family) many
    # times per call, and the after-action report calls the advisor after every event of the log.
    _labels: dict[tuple[int, str], list[Annotation]] = field(default_factory=dict, init=False, repr=False)
    _cue_turns: list[tuple[Utterance, list[Annotation]]] | None = field(default=None, init=False, repr=False)
    _item_words: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for utt in self.state.utterances:
            if utt.retracted or utt.seq > self.state.head_seq:
                continue
            role = self.role_of(utt.speaker)
            if role is Role.SUBJECT:
                self.subject_turns.append(utt)
            elif role.is_negotiator:
                self.negotiator_turns.append(utt)

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.policy.advice_window_minutes)

    def role_of(self, party_id: str) -> Role:
        party = self.state.parties.get(party_id)
        return party.role if party is not None else Role.UNKNOWN

    def name_of(self, party_id: str) -> str:
        party = self.state.parties.get(party_id)
        return party.name if party is not None else party_id

    def labels(self, seq: int, family: str) -> list[Annotation]:
        """The turn's annotations of one family, low-confidence ones left out (shared: read, never change it)."""
        key = (seq, family)
        found = self._labels.get(key)
        if found is None:
            found = [a for a in self.annotations.get(seq, ()) if a.family == family and not a.low_confidence]
            self._labels[key] = found
        return found

    @property
    def cue_turns(self) -> list[tuple[Utterance, list[Annotation]]]:
        """His turns that carry a confident risk cue, with those cues: one pass shared by every cue rule."""
        if self._cue_turns is None:
            self._cue_turns = [(u, cues) for u in self.subject_turns if (cues := self.labels(u.seq, CUE_FAMILY))]
        return self._cue_turns

    def item_words(self, item: str) -> set[str]:
        """The words that tell whether two demand texts name the same item (content words and policy item words)."""
        words = self._item_words.get(item)
        if words is None:
            words = content_words(item) | self.policy.keywords_in(item)
            self._item_words[item] = words
        return words

    def has(self, seq: int, family: str, label: str) -> bool:
        return any(a.label == label for a in self.labels(seq, family))

    def is_recent(self, at: datetime) -> bool:
        return self.now - self.window <= at <= self.now

    def parties_with(self, role: Role) -> list[str]:
        return [p.name for p in self.state.parties.values() if p.role is role]


def content_words(text: str) -> set[str]:
    """Words of four letters or more, lower-cased, but for the ones any demand may hold ("want", "talk", "some",
    "that"): enough to tell whether two demand texts are the same item. With those words "to talk to my wife" was
    the same item as "talk to the chief", and a concession of "some water" answered a demand for "some food".

    >>> sorted(content_words("Get me a pack of cigarettes"))
    ['cigarettes', 'pack']
    >>> sorted(content_words("I want to talk to my wife"))
    ['wife']
    """
    return {w for w in (m.lower() for m in _WORD.findall(text)) if w not in _ANY_DEMAND}


def fmt_time(at: datetime, zone: tzinfo | None) -> str:
    """A time quoted in advice, on the board's clock with its abbreviation ('20:10 CST'), as the board shows it."""
    return labelled(at, zone, "%H:%M")


def seq_list(seqs: Sequence[int], *, shown: int = 4) -> str:
    """The seqs a card quotes in its text, at most ``shown`` of them: on a long log a card listed hundreds.

    The card's ``trigger_seqs`` keep every one; the text names the first, the latest and how many in all.

    >>> seq_list([5, 7])
    'seq 5, 7'
    >>> seq_list(list(range(1, 300, 2)))
    'seq 1, …, 295, 297, 299; 150 in all'
    """
    if len(seqs) <= shown:
        return "seq " + ", ".join(map(str, seqs))
    tail = ", ".join(map(str, seqs[-(shown - 1) :]))
    return f"seq {seqs[0]}, …, {tail}; {len(seqs)} in all"
