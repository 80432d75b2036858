"""Which active-listening skills a negotiator turn uses: transparent rules, plus a fine-tuned model.

Why rules: every label must point at the words that justify it, the analyser runs on each live utterance
and on 100k-utterance corpora, and no public data set labels negotiation-register skills. Markers follow
``skills.md`` (doctrine) and are talkdown design [D]; their limits are listed in ``docs/analysis-rules.md``.

Conventions the rules and the dev set share (so scores mean something):
- multi-label; ``other`` only when no other skill fires;
- a trailing check ("is that right?") belongs to the paraphrase or summary, not to ``closed_question``;
- a mirror ending in "?" is ``mirroring`` only; "would you be willing…/could we…" is ``suggestion`` only;
- who/what/how questions are open; where/when/which/how many and yes/no forms are closed.

Since 0.3 the MiniLM graph shared with the cue analyser (``turn_model.py``) joins the rules per label, as its
settings file says (chosen on a validation split by ``eval/train_turn_encoder.py``): the rules alone, the
rules plus what the model adds, or the model deciding (a rule label it rejects is dropped; one it confirms
keeps the rule's words as evidence). Labels only the model found carry ``detail["source"] = "model"`` and
the words of the model's linear part as evidence where it finds the label too, else the whole turn.
``use_model=False`` (``--fast``) is the rules alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.lexicons import is_judgeable, load_words, normalise, word_alternation
from talkdown.analysis.patterns import RulePattern
from talkdown.analysis.turn_model import ModelAssisted
from talkdown.domain.annotations import Annotation

FAMILY = "talkdown_skill"
LABELS = (
    "emotion_labeling", "paraphrasing", "mirroring", "minimal_encourager", "open_question", "closed_question",
    "summarizing", "i_message", "effective_pause", "affirmation", "suggestion", "information", "self_disclosure",
    "other",
)  # fmt: skip
ACTIVE_LISTENING = (
    "emotion_labeling", "paraphrasing", "mirroring", "minimal_encourager", "open_question", "summarizing",
    "i_message", "effective_pause",
)  # fmt: skip
"""The labels that are active listening (skills.md, "Active-listening skills (ALS)", the FBI CNU list). The others
(affirmation, i.e. validation, self-disclosure, closed questions, suggestions, information) are skills.md's "Other
moves": the debrief, the after-action report and the study report list them apart, not as listening."""

# Silence that counts as a deliberate pause, in seconds. skills.md suggests "> 2-3 s" [D]; 3 s keeps ordinary
# turn-taking latency (0.2-1.5 s in conversation studies) and slow typing of a scribe well below the line.
PAUSE_THRESHOLD_S = 3.0
# When `at` marks the start of an utterance, the previous turn's own speaking time is part of the gap.
# Conversational English runs about 150 words a minute, so we subtract 0.4 s per word of the subject's turn.
SECONDS_PER_WORD = 0.4

Spans = list[tuple[int, int]]
_I = re.IGNORECASE
_TOKEN = RulePattern(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")
_SENTENCE = RulePattern(r"[^.!?]+[.!?]*")
_STOP = frozenset(load_words()["stopwords"])
_EMOTION = RulePattern(rf"\b(?:{word_alternation('emotion')})\b", _I)
_FACE_ADJ = RulePattern(rf"^\s*(?:like )?(?:a )?(?:{word_alternation('face_attack_adjectives')})\b", _I)
_BACKCHANNEL = RulePattern(rf"(?:(?:{word_alternation('backchannel')})\s*)+", _I)
_UNDERSTANDING_ONLY = RulePattern(
    r"(?:(?:okay|ok|alright|yeah|right)\s*)*(?:i hear you|i understand|i get it|i know how you feel)\s*", _I
)

# "(pause)", "[long silence]", "(silence, about ten seconds)", "[no reply for 40 seconds]", "*4 seconds*"
_PAUSE_BODY = (
    r"(?:(?:long|short|brief|deliberate)\s+)?(?:pause[sd]?|silence|silent|no (?:reply|answer|response)|says nothing"
    r"|waits?|\d+\s*(?:s|secs?|seconds))\b[^\])*]{0,40}"
)
_PAUSE_TURN = RulePattern(rf"\s*(?:\.{{2,}}|[\[(*]\s*{_PAUSE_BODY}[\])*]|pause)\s*", _I)
_PAUSE_MARK = RulePattern(rf"[\[(*]\s*{_PAUSE_BODY}[\])*]", _I)

_EL_FRAME = RulePattern(
    r"\b(?:(?:it|that|this|she|he) )?(?:sounds|seems|looks|feels) like\b|\byou (?:sound|seem|look)(?:ed)?\b"
    r"|\bI(?:'m| am) (?:hearing|sensing|guessing)\b|\bI get the (?:sense|feeling|impression)\b"
    r"|\b(?:that|it|this) (?:sounds|must (?:have )?(?:been|be|feel|felt)|must've been)\b"
    r"|\byou(?:'re| are| were|'ve been| have been)? (?:feeling|feel|felt)\b"
    r"|\byou must (?:feel|be|have (?:felt|been))\b|\bI can (?:hear|see|tell) (?:how|that you)\b"
    r"|\b(?:that's|that is|it's) (?:a lot of|a hell of a|an? (?:\w+ )?kind of)\b"
    rf"|\byou(?:'re| are|r| r) (?:so |really |pretty |very |just |feeling )?(?=(?:{word_alternation('emotion')})\b)",
    _I,
)
_EL_YOU_AFTER = RulePattern(r"\b(?:you|you're|you've|you'd|your)\b", _I)
_PARA_FRAME = RulePattern(
    r"^\s*(?:okay,?\s+|alright,?\s+)?so\b(?!\s+what\b)|\b(?:what )?you(?:'re| are) (?:saying|telling me)\b"
    r"|\bin other words\b|\bif I(?:'ve| have) got (?:this|that|it) right\b|\bif I understand (?:you|this)\b",
    _I,
)
_SUM_FRAME = RulePattern(
    r"\blet me (?:see|check|make sure)(?: if| that)? I(?:'ve| have)? (?:got|get|have|understand)\b"
    r"|\blet me (?:sum|get this straight|see if I have)|\bso far you've told me\b|\bthe whole picture\b",
    _I,
)
_CHECK = RulePattern(
    r"^(?:is that (?:right|it|about it|about right|fair|correct)|have I got (?:that|it|this) right"
    r"|did I get (?:that|it|this) right|am I right|do I have (?:that|it) right)\W*$",
    _I,
)
_SUGGEST = RulePattern(
    r"\bwhat if\b|\bhow about\b|\bwhat about (?:we|you|if)\b|\byou (?:could|might want to) (?:try|start|come|put|let"
    r"|call|talk|walk|step|send|give|bring|open|turn|think|tell|take|leave|go|sit|stay)\b"
    r"|\bwould you be (?:willing|okay|ok|open)\b|\bcould we\b|\bcan we\b|\bwould it help\b"
    r"|\bwhy don't you (?!tell me)\w+|\blet's\b|\bhow would you feel about\b|\byou (?:need|have|ought|got) to\b"
    r"|\byou should\b|\bI need you to\b|\bthink about your\b",
    _I,
)
_IMPERATIVE = RulePattern(
    r"^\s*(?:(?:so|okay|ok|now|just|please|and|but)[,\s]+)*"
    r"(?:put|come|walk|step|drop|turn|open|hand|throw|send|leave|stay|sit|take|give|bring|pick|slide|toss"
    r"|show|set|lay|unload|release|let (?!me\b))\b(?! your time)",
    _I,
)
_INFO = RulePattern(
    r"\b(?:this is|my name is|my name's|I'm|I am|it's) (?:Officer|Sergeant|Sgt|Detective|Lieutenant|Inspector"
    r"|Dr|Deputy|Captain)\b|\bI(?:'m| am) (?:a|the|with|from) (?:police |crisis |hostage )?(?:negotiat|officer|police"
    r"|crisis|county|sheriff|campus|veterans|family|bank|negotiation)|\b(?:with|from) the (?:police|county|sheriff"
    r"|crisis|negotiation|campus|veterans|bank|family)\b|\bI'll be the one\b|\bI'm the one (?:you'll|who'll)\b"
    r"|\bpoint of contact\b|\byou've reached\b|\byou're (?:speaking|talking) (?:to|with)\b|\bspeaking for\b"
    r"|\bI(?:'ll| will) (?:ask|pass|put|push|set|tell|talk|call|check|find|take|make sure|come back|let you know"
    r"|get back|stay)\b|\bI(?:'ve| have) (?:passed|asked|put|written|sent|told|called)\b"
    r"|\bI(?:'m| am) (?:writing|passing|asking|checking)\b|\bI can(?:'t|not)? (?:ask|take|get|talk|pass|make"
    r"|change|promise|send|tell|set)\b|\bnot something I can\b|\bthere(?:'s| is| are) (?:a|an|officers|people"
    r"|someone|somebody)\b|\bon (?:its|the|their) way\b|\bthe people who (?:decide|do)\b|\bup the line\b"
    r"|\b(?:the moment|as soon as) I hear\b|\bhere's (?:how|what)\b|\bwhat happens next\b|\bthe way (?:it|this) works"
    r"|\b(?:they're|we're|they are|we are) working on\b|\bit(?:'ll| will) (?:come|take)\b|\bcalled (?:us|911|me)\b"
    r"|\basked (?:me|us) to\b|\bwas worried about you\b|\bwe've asked\b|\bsafe outside\b|\bnobody(?:'s| is) (?:coming"
    r"|taking)\b|\bthat's (?:just )?how it\b|\bcan't send anything\b|\bnot for you\b|\bI(?:'m| am) (?:just )?(?:out"
    r" front|outside|on the phone|standing|by myself|back on|not going anywhere)\b|\bofficers (?:are|will)\b"
    r"|\bcame to help\b|\bgoing to stay back\b|\bthere to help\b|\bit starts with\b|\bwhose job\b|\bI'm on the\b",
    _I,
)
# Case-sensitive on purpose: "I'm Robin" introduces a person, "I'm here" does not.
_NAME_INTRO = RulePattern(
    r"\b(?:[Tt]his is|[Mm]y name(?: is|'s)|I'm|[Ii]t's) (?!Not\b|Just\b|Okay\b|Fine\b|Sorry\b|Here\b|The\b|A\b|I\b)"
    r"[A-Z][a-z]+\b|\b(?:contact|this) (?:line|phone)\b"
)
_DISCLOSE = RulePattern(
    r"\bI(?:'ve| have)(?: got)? (?:a|an|two|three) (?:daughter|son|kid|kids|boy|girl|brother|sister|dog)\b"
    r"|\bI(?:'ve| have) been (?:through|there)\b|\bI went through\b|\bmy own\b|\bme too\b|^\s*I have\b"
    r"|\bI(?:'m| am) on my \w+ (?:cup|coffee)|\bI used to\b|\bwhen I was (?:a|your|young)\b"
    r"|\bI know what it's like\b|\bI served\b|\bmy (?:own )?(?:cousin|brother|sister|dad|father|mum|mom|mother|wife"
    r"|husband|son|daughter|kid|friend|partner|uncle|aunt) (?:went through|had|was|used to|lost|did|tried|struggled)\b",
    _I,
)
# A story about oneself announced ("Let me tell you about my own divorce, it was..."): avoid.md's self_focus, the
# first-person narrative not handed back to him, so not the brief disclosure skills.md counts (``avoid`` flags it
# with this pattern; until skills 0.9.3 "my own" made it self_disclosure too, one line praised and faulted).
SELF_STORY = RulePattern(
    r"\blet me tell you (?:about (?:my\b(?! (?:role|job here|team|boss|plan)\b)|me\b|myself|when I|the time I)"
    r"|a (?:little )?(?:story|bit) about (?:me|myself|my))|\b(?:that|this|it) reminds me of (?:when I|the time I"
    r"|my own)\b|\benough about you\b",
    _I,
)
_AFFIRM = RulePattern(
    r"\b(?:took|takes|took a lot of|took real) (?:courage|strength|guts|persistence)|\btook a lot\b|\bbrave\b"
    r"|\bcourage\b|\baccomplishment\b|\bproud\b|\bloyalty\b|\ba good (?:nurse|dad|father|mother|mom|man|person)\b"
    r"|\byou(?:'ve| have) (?:kept|made sure|protected|stood|done well)|\byou protected\b|\bthank you\b|\bthanks\b"
    r"|(?<!all )\bthat (?:counts|matters|helps|means a lot)\b|\bmakes sense\b|\b(?:anybody|anyone) would\b"
    r"|\b(?:it's|it is) (?:clear|obvious) (?:how much )?you\b|\byou matter\b|\bsays something about you\b"
    r"|\bnobody (?:out )?here wants\b|\b(?:nobody|no one)(?: is|'s) (?:going to|gonna) (?:hurt|grab|rush)\b"
    r"|\bwe've got time\b|\bnobody's rushing\b|\ba strong (?:woman|man|person)\b|\benormous amount\b"
    r"|\bthat's what a good\b|\bmatters to\b|^\s*good\b|\byou're doing (?:great|well|the right)\b"
    r"|\bI respect (?:that|you|it)\b|\byou(?:'ve| have) (?:looked after|taken care of|been (?:honest|respectful|brave"
    r"|straight))\b|\bgood[- ]faith\b|\byou(?:'re| are) doing (?:fine|okay|ok|good|really well)\b|\bthank u\b"
    r"|\b(?:that's|that is|it's|it was) (?:so |really |just )?unfair\b|\bwould (?:wear|get to|break|upset) (?:anybody"
    r"|anyone)\b|\b(?:a|that's a) (?:big|real|brave|good|smart) (?:thing|step|move)\b",
    _I,
)
_I_MSG = RulePattern(
    r"\bI(?:'m| am| get| got| feel| was)? (?:really |so |a bit |getting |very )?(?:worried|scared|nervous"
    r"|concerned|glad|relieved|afraid|uneasy|uncomfortable)\b|\bworries me\b|\bI have a hard time\b"
    r"|\bI care about\b|\bI feel (?!like you)\w+",
    _I,
)
_OPEN_START = RulePattern(
    r"^\s*(?:(?:can|could|would|will) you )?(?:tell me|help me (?:understand|get)|walk me through|talk me through"
    r"|describe)\b",
    _I,
)
_OPEN_INVITE = RulePattern(r"\bI(?:'d| would) (?:like|love) to (?:hear|know|understand)\b", _I)
_LEAD = RulePattern(r"^\s*(?:(?:so|and|okay|ok|well|but|now|alright)\b[,\s]*|[A-Z][a-z]+,\s*)+")
_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "isn't",
        "aren't",
        "wasn't",
        "don't",
        "doesn't",
        "didn't",
        "haven't",
        "hasn't",
        "can't",
        "couldn't",
        "won't",
        "wouldn't",
        "anyone",
        "anybody",
    ]
)
_CLOSED_WH = RulePattern(r"^(?:where|when|which|whereabouts|how (?:many|much|old|far|often))(?:'?s|'?re)?\b", _I)
# Texted questions often drop the "?": "are u thinking of killing urself", "did you take anything"
_TEXT_QUESTION = RulePattern(
    r"^(?:[a-z]+,?\s+)?(?:are|r|did|do|have|is|can|will|were|would)\s+(?:you|u|ya|anyone|anybody)\b[^.!?]*$", _I
)
_OPEN_WH = RulePattern(r"^(?:what|how|who|whose|why)(?:'?s|'?re)?\b", _I)
_WHAT_HOW = RulePattern(r"\b(?:what|how)\b", _I)
_FREE_PASS = RulePattern(r"you (?:sound|seem|look)", _I)
_HEDGE = RulePattern(r"like\b|hearing|sensing|guessing|sense|feeling|impression", _I)
_YOU_WORDS = RulePattern(r"\b(?:you|your|you're|you've|you'd|you'll|u|ur)\b", _I)
_ME_WORDS = RulePattern(r"\b(?:I|I'm|I've|I'll|I'd|me|my|we|we're|we'll|we've|us|our)\b", _I)
_YOU = RulePattern(r"\byou(?:'re|'ve|'ll|r)?\b", _I)
_NOT_LETTER = RulePattern(r"[^A-Za-z' -]")
_PRONOUN_MAP = {"you": "i", "me": "i", "your": "my", "you're": "i'm", "you've": "i've", "yourself": "myself",
                "you'll": "i'll", "you'd": "i'd", "yours": "mine"}  # fmt: skip


_TOKEN_WORDS = re.compile(_TOKEN.pattern)
"""``_TOKEN`` for ``findall``: no flags, so its classes mean the same in Unicode and ASCII mode."""


def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """The lower-cased tokens of ``text`` with their offsets (a mirror's span reads the offsets)."""
    return tuple((m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text))


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[str, ...]:
    """``_tokens`` without offsets, which is all that counts and overlaps read, in one ``findall``. On ASCII
    text lower-casing first finds the same tokens (the classes hold both cases, and ASCII keeps its length);
    elsewhere each token is lower-cased as found. Cached: mirror, paraphrase and summary (and the avoid rules'
    mirror) read the same turns again."""
    if text.isascii():
        return tuple(_TOKEN_WORDS.findall(text.lower()))
    return tuple(w.lower() for w in _TOKEN_WORDS.findall(text))


def _stem(word: str) -> str:
    w = word.removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


@lru_cache(maxsize=1024)
def content_stems(text: str) -> frozenset[str]:
    """Stems of the non-stopwords: what paraphrase and summary overlap is measured on. Cached: a summary
    compares the turn with each of his last 8 turns, which the next turns' summaries compare again."""
    return frozenset(_stem(t) for t in _words(normalise(text)) if t not in _STOP and not t.isdigit())


@lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[tuple[str, int], ...]:
    """Cached: imperatives, questions and emotion labels each read the turn sentence by sentence."""
    return tuple((m.group(), m.start()) for m in _SENTENCE.finditer(text) if m.group().strip())


def _strip_lead(sentence: str) -> str:
    return _LEAD.sub("", sentence, count=1)


def find_mirror(text: str, previous_subject: str | None) -> Spans:
    """Span of a mirror: 1-6 words that repeat, in order, words of his last turn (I/you swapped).

    >>> find_mirror("Never gave you a chance?", "They never gave me a chance.")
    [(0, 23)]
    >>> find_mirror("Right?", "They never gave me a chance.")
    []
    """
    if not previous_subject:
        return []
    mine = _words(normalise(text))
    if not 1 <= len(mine) <= 6:
        return []
    words = [_PRONOUN_MAP.get(t, t) for t in mine]
    if all(w in _STOP for w in words) and len(words) < 3:
        return []  # "Right?" or "Okay?" repeats nothing of his
    theirs = [_PRONOUN_MAP.get(t, t) for t in _words(normalise(previous_subject))]
    if words[0] not in theirs or words[-1] not in theirs:
        return []  # "Who told you to use it?" adds a question word: a question, not a mirror
    found, pos = 0, 0
    for w in words:
        if w in theirs[pos:]:
            pos = theirs.index(w, pos) + 1
            found += 1
    if found >= max(1, len(words) - 1) and found / len(words) >= 0.75:
        spans = _tokens(normalise(text))
        return [(spans[0][1], spans[-1][2])]
    return []


def _questions(text: str, is_suggestion: bool) -> tuple[Spans, Spans]:
    """Open and closed question spans, sentence by sentence, after the conventions in the module docstring."""
    open_q: Spans = []
    closed_q: Spans = []
    for sentence, start in _sentences(text):
        span = (start, start + len(sentence.rstrip()))
        body = _strip_lead(sentence).strip()
        if _OPEN_START.match(body) or _OPEN_INVITE.search(body):
            open_q.append(span)
            continue
        texted = sentence.rstrip()[-1:] not in ".!?" and _TEXT_QUESTION.match(body) is not None
        if (not sentence.rstrip().endswith("?") and not texted) or _CHECK.match(body):
            continue
        first = body.split(" ", 1)[0].lower()
        if first in ("a", "an", "the") and len(body.split()) <= 3:
            continue  # "A car?": an echo of his demand, heard as a reaction, not a question
        if _SUGGEST.search(body) and (is_suggestion or first in _AUX):
            continue
        if _CLOSED_WH.match(body):
            closed_q.append(span)
        elif _OPEN_WH.match(body) or _WHAT_HOW.search(" ".join(body.split()[:3])):
            open_q.append(span)
        else:
            closed_q.append(span)
    return open_q, closed_q


def _emotion_labels(text: str) -> Spans:
    spans: Spans = []
    if not _EL_FRAME.may_match(text):
        return spans
    for sentence, start in _sentences(text):
        body = sentence.strip()
        if body.endswith("?") and _OPEN_WH.match(_strip_lead(body)):
            continue
        for frame in _EL_FRAME.finditer(sentence):
            rest = sentence[frame.end() :]
            if _FACE_ADJ.match(rest):
                break
            free_pass = _FREE_PASS.match(frame.group()) is not None
            hedge = _HEDGE.search(frame.group())
            if _EMOTION.search(rest) or free_pass or (hedge and _EL_YOU_AFTER.search(rest)):
                spans.append((start + frame.start(), start + len(sentence.rstrip())))
                break
    return spans


def _about_himself(text: str) -> bool:
    """More "you" than "I/we": a reflection is told from his point of view, an I-message or a report from ours."""
    you = sum(1 for _ in _YOU_WORDS.finditer(text))
    me = sum(1 for _ in _ME_WORDS.finditer(text))
    return you > me


_IF_YOU_DONT = RulePattern(r"\bif you (?:don't|do not|won't)\b", _I)
_AND_THEN = RulePattern(r"\b(?:and|then)\b", _I)


def _summary(text: str, earlier_subject: Sequence[str]) -> Spans:
    n_tokens = len(_words(text))
    if n_tokens >= 12 and _SUM_FRAME.search(text):
        return [(0, len(text.rstrip()))]
    if n_tokens < 20:  # the cheap test first: most turns are short
        return []
    if not _about_himself(text) or _IF_YOU_DONT.search(text):
        return []  # "When I hear that, I get worried…, because…" or a conditional is not his story told back
    if text.count(",") + sum(1 for _ in _AND_THEN.finditer(text)) < 3:
        return []
    mine = content_stems(text)
    covered = sum(1 for turn in earlier_subject[-8:] if mine & content_stems(turn))
    # A stretch of his turns, or one long turn enumerated back to him point by point.
    return [(0, len(text.rstrip()))] if covered >= 2 or (covered >= 1 and n_tokens >= 20) else []


def _paraphrase(text: str, previous_subject: str | None) -> Spans:
    if not previous_subject or len(_words(text)) < 6:
        return []
    body = text.strip()
    framed = _PARA_FRAME.search(body)
    if body.endswith("?") and not framed:
        return []
    has_you = _YOU.search(body) is not None
    overlap = content_stems(text) & content_stems(previous_subject)
    if (framed and (has_you or overlap)) or (has_you and len(overlap) >= 2 and _about_himself(body)):
        return [(0, len(text.rstrip()))]
    return []


def _spans(pattern: RulePattern, text: str) -> Spans:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def find_skills(
    text: str,
    *,
    previous_subject: str | None = None,
    earlier_subject: Sequence[str] = (),
    silence_s: float | None = None,
) -> dict[str, Spans]:
    """Every skill found in one negotiator turn, with the spans that justify it (pure; used by other analysers).

    ``previous_subject`` is his last turn (for mirror and paraphrase), ``earlier_subject`` his recent turns
    oldest first (for summary), ``silence_s`` the estimated silence before this turn, if known.
    """
    norm = normalise(text)
    own = _own_skills(text)
    found: dict[str, Spans] = {}
    if own.pause or (silence_s is not None and silence_s >= PAUSE_THRESHOLD_S):
        found["effective_pause"] = [(0, len(text))]
    if own.encourager:
        found["minimal_encourager"] = [(0, len(text.rstrip()))]
        return found
    mirror = find_mirror(text, previous_subject)
    if mirror:
        found["mirroring"] = mirror
        return found
    summary = _summary(norm, earlier_subject)
    recent = " ".join(earlier_subject[-2:]) if previous_subject else None
    paraphrase = [] if summary or own.own_frame else _paraphrase(norm, recent)
    candidates = {**own.spans, "paraphrasing": tuple(paraphrase), "summarizing": tuple(summary)}
    found.update({label: list(candidates[label]) for label in _CANDIDATE_ORDER if candidates[label]})
    return found


_CANDIDATE_ORDER = (
    "emotion_labeling", "paraphrasing", "summarizing", "open_question", "closed_question", "i_message",
    "affirmation", "suggestion", "information", "self_disclosure",
)  # fmt: skip


@dataclass(frozen=True)
class _OwnSkills:
    """What ``find_skills`` reads of a turn's words alone, whatever came before it."""

    pause: bool  # a pause turn or a marked pause; a long silence before the turn counts too, but is context
    encourager: bool
    spans: Mapping[str, tuple[tuple[int, int], ...]]  # every candidate but paraphrasing and summarizing
    own_frame: bool  # an emotion label or I-message not framed as his words: not a paraphrase


@lru_cache(maxsize=1024)
def _own_skills(text: str) -> _OwnSkills:
    """Cached by text: the stairway asks about each window turn with a shorter history than the skills analyser
    had (the window's first turns see less), and only mirror, paraphrase, summary and the silence read that
    history; the costly patterns here are run once per turn, not once per history."""
    norm = normalise(text)
    pause = bool(_PAUSE_TURN.fullmatch(norm) or _PAUSE_MARK.search(norm))
    letters = _NOT_LETTER.sub(" ", norm).strip()
    if _BACKCHANNEL.fullmatch(letters) and len(letters.split()) <= 6 and not _UNDERSTANDING_ONLY.fullmatch(letters):
        return _OwnSkills(pause=pause, encourager=True, spans={}, own_frame=False)
    suggestion = _spans(_SUGGEST, norm)
    for sentence, start in _sentences(norm) if _IMPERATIVE.may_match(norm) else ():
        imperative = _IMPERATIVE.match(sentence)
        if imperative:
            suggestion.append((start + imperative.start(), start + len(sentence.rstrip())))
    open_q, closed_q = _questions(norm, bool(suggestion))
    labels = _emotion_labels(norm)
    i_message = _spans(_I_MSG, norm)
    spans = {
        "emotion_labeling": labels,
        "open_question": open_q,
        "closed_question": closed_q,
        "i_message": i_message,
        "affirmation": _spans(_AFFIRM, norm),
        "suggestion": suggestion,
        "information": _spans(_INFO, norm) + _spans(_NAME_INTRO, norm),
        "self_disclosure": [] if SELF_STORY.search(norm) else _spans(_DISCLOSE, norm),
    }
    own_frame = bool(labels or i_message) and not _PARA_FRAME.search(norm)
    return _OwnSkills(pause=pause, encourager=False, spans={k: tuple(v) for k, v in spans.items()}, own_frame=own_frame)


@lru_cache(maxsize=4096)
def skills_in_context(
    text: str, previous_subject: str | None, recent_subject: tuple[str, ...], silence_s: float | None
) -> dict[str, Spans]:
    """``find_skills`` with its inputs cut to what it reads (his last 8 turns), cached: the skills analyser
    and the stairway window ask about the same negotiator turn in the same surroundings, so one computation
    serves both and every later window that holds the turn. Callers must not mutate the result."""
    return find_skills(
        text, previous_subject=previous_subject, earlier_subject=recent_subject[-8:], silence_s=silence_s
    )


def skills_of(turn: Turn, window: Sequence[Turn]) -> dict[str, Spans]:
    """The skills of a negotiator ``turn`` given the turns before it (oldest first)."""
    previous = window[-1] if window else None
    # Only a long turn can summarise his last 8 turns; a paraphrase reads his last 2. Cutting the history to
    # what the turn can use keeps the cache key the same as the turn slides through later windows.
    keep = 8 if _token_count(turn.text) >= 20 else 2
    recent: list[str] = []
    for earlier in reversed(window):  # his last `keep` turns, read from the end: windows run to 20 turns
        if earlier.side == "subject":
            recent.append(earlier.text)
            if len(recent) == keep:
                break
    return skills_in_context(
        turn.text,
        previous.text if previous is not None and previous.side == "subject" else None,
        tuple(reversed(recent)),
        estimate_silence(turn, previous),
    )


def skills_after(turn: Turn, previous: Turn | None, subject_texts: Sequence[str]) -> dict[str, Spans]:
    """``skills_of(turn, window)`` for a caller that walks a window forward: ``previous`` is ``window[-1]`` and
    ``subject_texts`` the texts of every subject turn of ``window``, oldest first. The stairway asks this of
    each negotiator turn of each window; slicing the window and scanning it back for each cost more than the
    skills themselves, which are cached."""
    keep = 8 if _token_count(turn.text) >= 20 else 2
    return skills_in_context(
        turn.text,
        previous.text if previous is not None and previous.side == "subject" else None,
        tuple(subject_texts[-keep:]),
        estimate_silence(turn, previous),
    )


@lru_cache(maxsize=4096)
def _token_count(text: str) -> int:
    """Cached: the stairway asks ``skills_of`` about each window turn again for every later turn."""
    return len(_words(normalise(text)))


def estimate_silence(turn: Turn, previous: Turn | None) -> float | None:
    """Seconds of silence before ``turn`` after his last turn, from start times; None when not knowable."""
    if previous is None or previous.side != "subject" or turn.at is None or previous.at is None:
        return None
    gap = (turn.at - previous.at).total_seconds()
    return gap - SECONDS_PER_WORD * len(_words(previous.text))


class SkillAnalyzer(ModelAssisted):
    """Labels the listening skills of negotiator turns (rule; multi-label, ``other`` when nothing fires)."""

    name: ClassVar[str] = "skills"
    version: ClassVar[str] = "0.9.3"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY})

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        out: list[tuple[Annotation, ...]] = [() for _ in turns]
        found: dict[int, dict[str, Spans]] = {}
        ahead = self._ahead(FAMILY, "negotiator", turns, ctxs)
        for i, (turn, ctx) in enumerate(zip(turns, ctxs, strict=True)):
            if turn.side != "negotiator":
                continue
            if not is_judgeable(turn.text) and not _PAUSE_TURN.fullmatch(normalise(turn.text.strip()) or "x"):
                out[i] = (self._annotation("other", 0.0, [], low_confidence=True),)
                continue
            found[i] = dict(skills_of(turn, ctx.window)) or {"other": []}
        judged = {i: labels for i, labels in found.items() if is_judgeable(turns[i].text)}  # "(pause)": rules
        added: dict[int, dict[str, float]] = {i: {} for i in found}
        added |= self._join(FAMILY, LABELS, judged, turns, ctxs, ahead)
        found |= judged
        for i, rules in found.items():
            labels = {**{label: 0.5 if label == "other" else 0.7 for label in rules}, **added[i]}
            if len(labels) > 1:
                labels.pop("other", None)  # "other" means no skill: it cannot stand beside one
            if not labels:
                labels = {"other": 0.5}
            out[i] = tuple(
                self._annotation(label, labels[label], rules.get(label) or
                                 ([] if label == "other" else self._model_spans(FAMILY, turns[i], label)),
                                 source="model" if label in added[i] else None)
                for label in LABELS if label in labels
            )  # fmt: skip
        return out

    def _annotation(
        self, label: str, score: float, spans: Spans, *, low_confidence: bool = False, source: str | None = None
    ) -> Annotation:
        score = round(min(1.0, max(0.0, score)), 4)
        detail: dict[str, str | float | int | bool | None] = {"source": source} if source else {}
        return annotation(
            self.name, self.version, FAMILY, label, score, spans, low_confidence=low_confidence, detail=detail
        )
