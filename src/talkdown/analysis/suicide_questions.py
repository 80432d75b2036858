"""Whether a negotiator's line asks him about suicide directly, hedged, or not at all.

Why here, in the analysis layer: indicators.md ("When cues rise") tells the negotiator to ask directly and plainly
about thoughts and plans, hesitant wording showing the negotiator's own fear. The simulated subject answers by it,
the trainee's debrief scores by it, and the LIVE advisor's "Suicide cues rising" card says whether the team has
asked yet; one reading serves all three, so the board, the simulator and the debrief never disagree on what counts
as asking. A transparent rule [D], not a model: the wording is the point, and no labelled set marks it (the
``talkdown_skill`` family has no label for it; skills.md lists ``direct_suicide_question`` among the other moves).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

_I = re.IGNORECASE

PLAIN_QUESTION = "Are you thinking about killing yourself?"
"""The plain wording to offer for a hedged or missing suicide question (indicators.md, "When cues rise"; skills.md
``direct_suicide_question``): the debrief's better line and the advisor's card quote the same words."""

# Read per question (``suicide_asked``). The plain words name it; a euphemism ("do anything silly", "hurt
# yourself") or a question led to a "no" ("You're not ..., are you?") hedges it. "Do you have a plan" alone is no
# suicide question: it asks about getting home tonight as often as about dying.
_SUICIDE_PLAIN = re.compile(
    r"\bsuicid\w*|\bkill(?:ing)? yourself\b|\b(?:end|ending|take|taking) your (?:own )?life\b|\bwant(?:ing)? to die\b"
    r"|\bthinking (?:about|of) ending it\b|\bthoughts of (?:dying|ending (?:it|your life))\b",
    _I,
)
_SUICIDE_EUPHEMISM = re.compile(
    r"\b(?:hurt|hurting|harm|harming) yourself\b"
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
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_OPENS_AS_QUESTION = re.compile(r"^\W*(?:are|do|did|have|would|will|were|is|could|can)\b", _I)


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
    found: Literal["direct", "hedged"] | None = None
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    for i, sentence in enumerate(sentences):
        last_open = i == len(sentences) - 1 and not sentence.endswith((".", "!", "?"))
        if not (
            sentence.endswith("?") or (last_open and (_OPENS_AS_QUESTION.search(sentence) or _LEADING.search(sentence)))
        ):
            continue
        euphemism = _SUICIDE_EUPHEMISM.search(sentence) is not None
        if not (euphemism or _SUICIDE_PLAIN.search(sentence)):
            continue
        if not euphemism and not _LEADING.search(sentence):
            return "direct"
        found = "hedged"
    return found
