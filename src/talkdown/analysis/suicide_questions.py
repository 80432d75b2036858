"""Whether a negotiator's line asks him about suicide directly, hedged, or not at all, and about a plan.

Why here, in the analysis layer: indicators.md ("When cues rise") tells the negotiator to ask directly and plainly
about thoughts and plans, hesitant wording showing the negotiator's own fear. The simulated subject answers by it,
the trainee's debrief scores by it, and the LIVE advisor's "Suicide cues rising" card says whether the team has
asked yet; one reading serves all three, so the board, the simulator and the debrief never disagree on what counts
as asking. A transparent rule [D], not a model: the wording is the point, and no labelled set marks it (the
``talkdown_skill`` family has no label for it; skills.md lists ``direct_suicide_question`` among the other moves).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from talkdown.analysis.patterns import RulePattern

_I = re.IGNORECASE

PLAIN_QUESTION = "Are you thinking about killing yourself?"
"""The plain wording to offer for a hedged or missing suicide question (indicators.md, "When cues rise"; skills.md
``direct_suicide_question``): the debrief's better line and the advisor's card quote the same words."""

# Read per question (``suicide_asked``). The plain words name it; a euphemism ("do anything silly", "hurt
# yourself") or a question led to a "no" ("You're not ..., are you?") hedges it. "Do you have a plan" alone is no
# suicide question: it asks about getting home tonight as often as about dying (``plan_asked`` reads it, for a
# caller that knows whether suicide is on the table). Plain too (cues 0.30.1, when the cue rules' own reading of a
# question gave way to this one): the act named as he would do it, a jump, the gun used on himself, the train, both
# lives ended, the officers asked to shoot him, dying thought about, and "urself" texted.
_YOURSELF = r"(?:yourself|urself|yaself|yerself)"
_SUICIDE_PLAIN = RulePattern(
    rf"\bsuicid\w*|\bkill(?:ing)? {_YOURSELF}\b|\b(?:end|ending|take|taking) (?:both )?your (?:own )?li(?:fe|ves)\b"
    r"|\bwant(?:ing)? to die\b|\bthinking (?:about|of) ending it\b|\bthoughts of (?:dying|ending (?:it|your life))\b"
    r"|\b(?:thinking|thought) (?:about|of) (?:dying|jumping)\b|\bjump(?:ing)? (?:off|from|down)\b"
    r"|\b(?:going to|gonna|about to|planning (?:to|on)|plan to|want(?:ing)? to|wanna|here to|will you|would you)"
    r" jump(?:ing)?\b"
    r"(?! (?:in|into|on|at|the|through|up|ship|bail|to)\b)"  # not "gonna jump in and help"
    rf"|\b(?:use|using|turn|turning|point|pointing) (?:it|that|this|them|(?:the|your|a|that) \w+) on {_YOURSELF}\b"
    r"|\b(?:step|stepping|walk|walking|go|going|jump|jumping) in front of (?:the|a) (?:train|bus|truck|lorry)\b"
    r"|\b(?:police|officers|cops|them|us|they) to (?:kill|shoot) you\b",
    _I,
)
_SUICIDE_EUPHEMISM = RulePattern(
    rf"\b(?:hurt|hurting|harm|harming) {_YOURSELF}\b"
    # the fall as a figure ("going over the edge"), not being here, and a dose he may have taken, none named
    r"|\b(?:go|going|gone) over the (?:edge|side)\b|\b(?:thinking|thought) (?:about|of) (?:going over|not being here"
    r"|not waking up)\b|\btaken (?:something|anything|any pills|pills|any tablets)\b"
    r"(?! (?:to|for)\b)"
    r"|\b(?:going to|gonna|about to|planning (?:to|on)|thinking (?:about|of)|would(?:n't)?|will|won't|'ll|'d)(?: \w+)?"
    r" (?:do|doing) (?:any|some)thing (?:to yourself\b|(?:silly|stupid|foolish|daft|rash|drastic|crazy|dumb)\b)",
    _I,
)
_LEADING = re.compile(
    r"\byou(?:'re| are) not\b|\byou aren't\b|\byou(?: (?:would|will|do|did|could))?(?:n't| never)\b|\byou won't\b"
    r"|\byou(?:'d|'ll| would| will) never\b|\bdon't tell me\b"
    r"|,\s*(?:are|would|will|do|did|have) you\W*$|,\s*(?:right|yeah|eh|ok|okay)\W*$",
    _I,
)
# His words quoted before the question ("When you say you don't care how this ends, are you ...?"): their "don't"
# leads the question to no "no", so it is read past them.
_HIS_WORDS = re.compile(r"^.*?\bwhen you (?:say|said|talk about|talked about|mention|told me)\b[^,?]*,\s*", _I)


def _led(question: str) -> bool:
    """Whether a question is led to a "no" (``_LEADING``), read past his words it quotes (``_HIS_WORDS``)."""
    return _LEADING.search(_HIS_WORDS.sub("", question, count=1)) is not None


PlanTopic = Literal["plan", "means", "timing"]
# Read per question (``plan_asked``): the plan, the means and the timing, which indicators.md ("When cues rise")
# has the negotiator ask once he says yes (risk is "higher with a more lethal method" and depends on "the stated
# time frame"). Most of these wordings name no suicide ("Do you have a plan?", "How would you do it?"): the caller
# decides from the conversation whether suicide is what they ask about. A plan "for getting home" or "for the
# weekend" is none: "plan" counts bare, with "yet", or followed by what it is for (to kill yourself, to do it).
# The act, as a plan question names it: "do it", "end it", "kill yourself", "take your life" (not "take it", which
# is "How would you take it if ...?").
_ACT = (
    r"(?:(?:do|doing|end|ending) (?:it|that|this)|(?:kill|killing) yourself|(?:end|ending|take|taking) your"
    r" (?:own )?life)\b"
)
# "how" or "when" as his own act's, not the wife's ("Have you thought about how your wife would feel?")
_YOUR_ACT = rf"(?:\W*$| you(?:'d|'ll)?(?: [\w']+){{0,3}}? {_ACT})"
_PLAN_TOPICS: tuple[tuple[PlanTopic, re.Pattern[str]], ...] = (
    (
        "plan",
        re.compile(
            r"\b(?:you|you've|you have|you haven't|have you|did you)(?: not)? (?:have|got|made|make|making|worked out"
            r"|come up with|thought of|thought up) (?:a|any|some) plans?(?=\W*$|\s*,| yet\b| (?:in mind|worked out"
            r"|ready)\b| to (?:kill|end|die|take|do (?:it|that|this))\b| for (?:(?:doing|ending) )?(?:it|that|this"
            r"|how|when)\b)|\bhave you planned (?:it|this|that|how|when)\b",
            _I,
        ),
    ),
    (
        "means",
        re.compile(
            rf"\bhow(?: (?:would|will|were|are|do|could|might)|'d) you\b(?: [\w']+){{0,4}}? {_ACT}"
            rf"|\b(?:thought|decided|worked out|figured out)(?: about)? how{_YOUR_ACT}"
            rf"|\bwhat (?:would|will|were|are|do|'d) you (?:[\w']+ ){{0,3}}?use(?=\W*$| on yourself\b| to {_ACT})"
            r"|\b(?:have|got) (?:any|some)thing to (?:do it|do that|end it|kill yourself|hurt yourself) with\b"
            # "Do you have anything with you that you were planning to use?"
            rf"|\b(?:have|got) (?:any|some)thing\b(?: [\w']+){{0,4}}? you(?:'d)?(?: [\w']+){{0,3}}? use(?=\W*$| on"
            rf" yourself\b| to {_ACT})"
            r"|\b(?:have|got) (?:the )?means(?=\W*$| to (?:do it|do that|end it|kill yourself)\b)",
            _I,
        ),
    ),
    (
        "timing",
        re.compile(
            rf"\bwhen(?: (?:would|will|were|are|do|might)|'d) you\b(?: [\w']+){{0,4}}? {_ACT}"
            rf"|\b(?:decided|thought about|worked out) when{_YOUR_ACT}"
            r"|\b(?:picked|chosen|set|decided on) a (?:time|day|date|night)(?=\W*$| (?:for|to do) (?:it|that)\b)"
            r"|\bhow soon\W*$",
            _I,
        ),
    ),
)
# One of these is in every wording of ``_PLAN_TOPICS`` (keep them in step): a cheap test before a line is split into
# sentences, for the cue rules read the negotiator's line before each of his (bench/analyze.py, ``--fast``).
_PLAN_WORDS = re.compile(r"plan|how|use|thing|means|when|picked|chosen|set a|decided on", _I)
# A title's full stop ends no sentence: "Are you planning to kill yourself, Mr. Bell?" is one question.
_SENTENCE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St)\.|[^.!?])+[.!?]*")
# A texted question may open with his name: "jess are u thinking about killing urself"
_OPENS_AS_QUESTION = re.compile(r"^\W*(?:[A-Za-z]+,?\s+)?(?:are|do|did|have|would|will|were|is|could|can)\b", _I)
# A question that asks about the sentence before it: "It sounds like you're thinking of ending your life. Are you?"
_TAG = re.compile(
    r"^\W*(?:(?:and )?(?:are|do|did|would|will|have|is|was) (?:you|that|it)(?: (?:right|true|so|it|the plan"
    r"|what you(?:'re| are) (?:saying|telling me|thinking(?: about)?)|something you(?:'re| are) (?:thinking about"
    r"|considering)))?|am I right|right|is that right|true)\W*$",
    _I,
)
# A question asked as a statement: "I'm wondering if you're thinking about ending your life."
_ASKED_AS_STATEMENT = re.compile(
    r"\b(?:I'm|I am) wondering (?:if|whether)\b|\bI wonder (?:if|whether)\b"
    r"|\bI (?:need|have|want|'ve got|got) to ask(?: you)? (?:if|whether)\b",
    _I,
)


def _questions(text: str) -> Iterator[str]:
    """The sentences of a line that ask something: each ending in "?", the last one typed without it when it
    opens as a question or ends in a tag ("..., are you"), and one that asks as a statement ("I'm wondering if
    ..."); a short question that asks about the sentence before it ("Are you?", "Am I right?") is read with it."""
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    for i, sentence in enumerate(sentences):
        last_open = i == len(sentences) - 1 and not sentence.endswith((".", "!", "?"))
        typed_open = last_open and (_OPENS_AS_QUESTION.search(sentence) or _LEADING.search(sentence))
        asks = sentence.endswith("?") or typed_open
        if asks and i and _TAG.match(sentence):
            yield f"{sentences[i - 1]} {sentence}"
        elif asks or _ASKED_AS_STATEMENT.search(sentence):
            yield sentence


@lru_cache(maxsize=4096)  # the advisor rereads the team's lines after every event of a log
def suicide_asked(text: str) -> Literal["direct", "hedged"] | None:
    """Whether a line asks him about suicide directly, hedged, or not at all (its most direct question wins).

    A question is a sentence ending in "?", or the line's last one typed without it when it opens as a question
    or ends in a tag ("..., are you"): "I don't want you to kill yourself." asks nothing.

    >>> [suicide_asked(t) for t in ("Are you thinking about killing yourself?", "Are you suicidal",
    ...  "You're not going to do anything silly, are you?", "You wouldn't hurt yourself, would you?",
    ...  "Did you jump the queue?", "I don't want you to kill yourself.")]
    ['direct', 'direct', 'hedged', 'hedged', None, None]
    """
    if not (_SUICIDE_PLAIN.may_match(text) or _SUICIDE_EUPHEMISM.may_match(text)):
        return None  # no question of the line can name it (the cue rules ask it of every line before his)
    found: Literal["direct", "hedged"] | None = None
    for sentence in _questions(text):
        euphemism = _SUICIDE_EUPHEMISM.search(sentence) is not None
        if not (euphemism or _SUICIDE_PLAIN.search(sentence)):
            continue
        if not euphemism and not _led(sentence):
            return "direct"
        found = "hedged"
    return found


@dataclass(frozen=True)
class PlanQuestion:
    """A line's questions about a plan: what they ask (plan, means, timing), and whether plainly or led to a "no"."""

    how: Literal["direct", "hedged"]
    topics: tuple[PlanTopic, ...]


@lru_cache(maxsize=4096)  # the simulator rereads every trainee line of a session on each reply
def plan_asked(text: str) -> PlanQuestion | None:
    """Whether a line asks about a plan, the means or the timing, and how; None when it asks about none.

    The wording only: "Do you have a plan?" is read as a plan question whatever came before, so a caller decides
    whether suicide is on the table (the simulator: a suicide question asked before, or in the same line). Hedged
    as a suicide question is: led to a "no" ("You haven't got a plan, have you?").

    >>> [q.topics if q else None for q in map(plan_asked, ("Do you have a plan?", "How would you do it? When?",
    ...  "When were you thinking of doing it?", "Do you have a plan for getting home?"))]
    [('plan',), ('means',), ('timing',), None]
    >>> plan_asked("You haven't got a plan, have you?")
    PlanQuestion(how='hedged', topics=('plan',))
    """
    if _PLAN_WORDS.search(text) is None:
        return None  # every wording of ``_PLAN_TOPICS`` holds one of these words: most lines need no sentence split
    topics: list[PlanTopic] = []
    how: Literal["direct", "hedged"] = "hedged"
    for sentence in _questions(text):
        asked = [topic for topic, pattern in _PLAN_TOPICS if pattern.search(sentence)]
        if not asked:
            continue
        topics += [t for t in asked if t not in topics]
        if not _led(sentence):
            how = "direct"
    return PlanQuestion(how, tuple(topics)) if topics else None
