"""Risk cues in what the subject says: threats, suicide cues, deadlines, demands, weapons (rule, not a model).

Why rules: these cues feed the board and the advisor on every live utterance, and a team must be able to
see the exact words behind each one. Definitions follow ``indicators.md`` and ``../shared/data/README.md``
("talkdown's own label families"); markers are talkdown design [D]. Deliberate choices:
- ``threat`` is harm to others; self-harm is ``suicide_cue`` only (README definition);
- figures of speech ("dying for a smoke", "kill for a coffee", "this heat is killing me") and reports about
  someone else ("he said he wanted to die") are not suicide cues;
- a bare "yes"/"maybe" is a suicide cue when it answers a direct question about suicide (indicators.md:
  ask directly), which a lexicon alone cannot see; the window supplies that question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.lexicons import is_judgeable, normalise, word_alternation
from talkdown.analysis.timeparse import CLOCK, DURATION, VAGUE, parse_deadline
from talkdown.domain.annotations import Annotation, Span

FAMILY = "talkdown_cue"
LABELS = ("threat", "suicide_cue", "deadline", "demand", "weapon")
NEUTRAL = "none"  # only on input the rules cannot judge, with low_confidence=True; not a label of the family
Detail = dict[str, str | float | int | bool | None]
_I = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    """One cue found in a text: its label, the words behind it and the structured extras it carries."""

    label: str
    spans: tuple[tuple[int, int], ...]
    detail: Detail = field(default_factory=dict)


_NEGATION = re.compile(r"\b(?:not|never|no|don't|didn't|won't|wouldn't|can't|isn't|ain't|n't)\b[^.!?]{0,12}$", _I)
_CONDITIONAL = re.compile(
    r"\b(?:if|unless|or|otherwise|then|until|as long as|next time|anybody|anyone|somebody)\b|\bor else\b", _I
)
_THREAT = re.compile(
    r"\b(?:I|we)(?:'ll| will|'m going to| am going to|'m gonna| am gonna|'d| would| could| start| swear I'll)?"
    r"(?: just| maybe| really)? (?:kill|shoot|hurt|cut|stab|burn|blow up|waste|execute|torch|strangle|choke"
    r"|beat|use it|start shooting|start picking|pick someone|show you|do something)\b(?! for\b)(?! myself\b)"
    r"(?! me\b)(?:\s+(?:her|him|them|you|everyone|everybody|someone|somebody|the \w+|one of \w+|through the \w+))?"
    r"|\b(?:she|he|they|the \w+|someone|somebody|everyone|everybody|people)(?:'s| is| are)?\s+(?:dead|gonna die"
    r"|going to die|dies|die|disappears|gets hurt|get hurt|getting hurt|pays for it|pay for it|goes first"
    r"|won't walk out|doesn't come home|is getting shot|getting shot|gets it)\b"
    r"|\bwon't walk out(?: of here)?(?: alive)?\b|\b(?:isn't|is not|aren't|not) (?:leaving|going anywhere) until\b"
    r"|\byou(?:'ll)? (?:won't|never) see (?:her|him|them|the \w+) again\b"
    r"|\bif you (?:ever )?want to see (?:her|him|them|the \w+)"
    r"|\bthis gets ugly\b|\bit's on you\b|\bwill regret it\b|\byou'll regret\b|\bshow you I'm serious\b"
    r"|\bdone worse\b|\bkeep sweating\b|\bwatch me (?:hurt|kill|shoot)\b|\btake (?:the \w+|one of (?:them|you)"
    r"|somebody|someone|her|him) with me\b|\btry me\b|\bI'll show you\b",
    _I,
)
_HOSTAGE_WORDS = re.compile(
    r"\b(?:her|him|she|he|the (?:boy|girl|kid|kids|child|clerk|tellers?|guards?|driver|owner|manager|boss|pharmacist"
    r"|hostages?|wife|daughter|son|family|people|officer|passengers?|nurse|doctor)|one of (?:them|these)|these"
    r" people|the people in here|everyone in here|somebody|someone)\b",
    _I,
)
_POLICE_WORDS = re.compile(
    r"\b(?:you|your guys|cops?|police|officers?|swat|tactical|anybody (?:comes|steps|kicks|grabs)|anyone (?:comes"
    r"|steps|kicks|grabs|calls)|first one through|through (?:that|the) door|in the way|lawn|property)\b",
    _I,
)
_SUICIDE = re.compile(
    r"\b(?:kill(?:ing)?|shoot(?:ing)?|hurt(?:ing)?|hang(?:ing)?|off|throw(?:ing)?|cut(?:ting)?) myself\b"
    r"|\bI (?:just |really )?(?:want|wanna) to die\b|\b(?:ready|going) to die\b|\bend (?:it|it all|my life|things)\b"
    r"|\bwant (?:it|this|the pain) (?:all )?to (?:stop|end)\b|\bsuicide\b|\b(?:took|take|taking|swallow\w*)"
    r" (?:some of |half |all )?(?:the |my |these |those )?pills\b|\b(?:have|got) the pills\b|\bhow many pills\b"
    r"|\boverdose\b|\bdon't want to (?:live|be here|be alive|wake up|go on)\b|\bno reason to live\b"
    r"|\bbetter off (?:dead|without me|if I|with)\b|\b(?:be|are) better off\b|\bwish I (?:was|were) dead\b"
    r"|\bwon't be (?:here|around|needing)\b|\bwon't need (?:it|them|this)\b|\bmade (?:my |the )?arrangements\b"
    r"|\b(?:my|the) will(?:'s| is)\b|\bwrote (?:\w+ )?(?:\w+ )?(?:letters?|a note|goodbye)\b|\bsa(?:y|id) goodbye\b"
    r"|\bgoodbye to\b|\btexted my \w+ I love\b|\btell (?:my )?\w+ I (?:love|said goodbye)\b"
    r"|\b(?:he|she) can (?:keep|have) (?:the|my)\b|\bmake sure (?:my )?\w+ gets (?:the|my)\b"
    r"|\bgave (?:away )?my \w+ to\b|\bgave \w+ my\b|\b(?:a|just a) (?:burden|drain|weight)\b|\beverybody's problem\b"
    r"|\bnothing matters\b|\b(?:won't|doesn't|don't) matter (?:anymore|any more)\b|\b(?:there's )?no point\b"
    r"|\bdon't see (?:the|any) point\b|\b(?:no|any) way out\b|\bnothing (?:is|'s)? ?(?:ever )?(?:going to|will"
    r" ever|gonna) (?:get better|change|fix)\b|\bnothing will fix\b|\bnothing left for me\b|\bnothing to live for\b"
    r"|\bcan't go on\b|\bafter (?:tonight|today) (?:none|nothing|I won't|it won't)\b|\bnone of this is (?:going to"
    r" be )?my problem\b|\b(?:just )?shoots? me\b|\bkill me\b|\bgo ahead and shoot\b|\bgo(?:ing)? out like a man\b"
    r"|\bgo down fighting\b|\bthey'll have to\b|\bend it for me\b|\bnot coming out (?:of here )?alive\b"
    r"|\bdon't deserve to (?:be here|live)\b|\bstanding on the (?:rail|ledge|edge)\b|\bcame here to do it\b"
    r"|\bthought it through\b|\bhow easy it would be\b|\bcar's running\b|\bengine running\b|\bnow me\b|\bI'm next\b",
    _I,
)
_SUICIDE_QUESTION = re.compile(
    r"\b(?:kill(?:ing)? yourself|end(?:ing)? your (?:own )?life|suicid\w*|hurt(?:ing)? yourself|jump(?:ing)?"
    r"|take your (?:own )?life|(?:police|officers|them|us) to (?:kill|shoot|end)|thoughts of ending|a plan for how)\b",
    _I,
)
_AFFIRMATIVE = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|maybe|sometimes|probably|i have|i am|i do|i've thought|i thought|that's why"
    r"|i came here|of course|kind of|sort of|a little|what do you think|so what|i've got|i have (?:a|my|the))\b",
    _I,
)
_WEAPON_KINDS = {kind: word_alternation(f"weapon_{kind}") for kind in ("gun", "knife", "explosive", "blunt", "other")}
_WEAPON = re.compile(
    r"\b(?:" + "|".join(f"(?P<{kind}>{alt})" for kind, alt in _WEAPON_KINDS.items()) + r")\b|\b(?P<armed>I'm armed"
    r"|I am armed|we're armed|loaded)\b",
    _I,
)
_NOT_MINE = re.compile(
    r"\b(?:you|your|you've|he|she|they|his|their|cops?|police|officers?|snipers?|landlord)\b(?![^,.!?]*\b(?:I|my|we"
    r"|our)\b)[^,.!?]*$",
    _I,
)
_HELD = re.compile(r"\b(?:I|we)(?:'ve| have)?(?: got| have| grabbed| took| am holding|'m holding| holding)\b", _I)
_NO_WEAPON = re.compile(r"\b(?:don't have|do not have|haven't got|no|not armed|unarmed|never had)\b[^,.!?]*$", _I)
_DEMAND_ITEM = re.compile(rf"\b(?:{word_alternation('demand_items')})\b", _I)
_DEMAND_WANT = re.compile(
    r"\b(?:I|we) (?:just |really |still )?(?:want|need|demand)\s+(?!to die|it to|us to|to sleep|to be)"
    r"(?P<item>[^.!?;]{1,60})|\b(?:I|we)(?:'m| am|'re| are)? ask(?:ed|ing) for (?P<asked>[^.!?;]{1,60})",
    _I,
)
_DEMAND_OBJECT = re.compile(r"^(?:to (?:see|talk|speak)|somebody|someone|every \w+)\b", _I)
_DEMAND_VERB = re.compile(
    r"(?:^|[.!?,;]\s*|\b(?:then|just|and|now|so|can you|could you|you|(?:tell|ask|want) (?:the |your )?\w+ to)\s+)"
    r"(?P<verb>get|bring|brings|send|give|put"
    r"|release|fetch|find)\s+(?P<item>(?:me|us|in|my|a|an|the|some)\b[^.!?;]{0,60})",
    _I,
)
_MONEY = re.compile(
    r"\b(?:\d[\d,]*|one|two|three|five|ten|twenty|fifty|a|one hundred|two hundred|hundred)\s*(?:hundred\s+)?"
    r"(?:thousand|grand|million|dollars|bucks)\b(?=[^.!?]*\b(?:or|cash|wired?|transfer|deliver\w*|ready|send|bag)\b)"
    r"|\b(?:have|get) the money\b|\bthe money ready\b",
    _I,
)
_ASKED_WHAT = re.compile(r"\bwhat (?:would you like|do you want|do you need|kind of|are your demands)\b", _I)
_CLOCK = re.sub(r"\(\?P<\w+>", "(?:", CLOCK.pattern)  # group names may appear only once per pattern
_DEADLINE_YOU = re.compile(
    rf"\b(?:you|they)(?:'ve| have| get|'ve got| have got| got)?\s+(?:got\s+)?(?:(?:until|till|'til|til)\s+"
    rf"[^.!?,]{{1,25}}|{DURATION.pattern})",
    _I,
)
_DEADLINE_BY = re.compile(
    rf"\b(?:by|before|until|till|no later than)\s+(?:{_CLOCK}|{VAGUE.pattern})|\bat\s+(?:{_CLOCK})"
    rf"(?=[^.!?]*[.!?]\s*not a minute later)|\bin\s+(?:{DURATION.pattern})(?=,?\s+(?:I|we)\s+(?:start|will|'ll))",
    _I,
)
_DEADLINE_CONTEXT = re.compile(r"\b(?:or|if|want|need|I'll|we'll|I will|deliver\w*|have|start|or else)\b", _I)
_HABITUAL = re.compile(r"\b(?:always|usually|normally|every day|every night)\b", _I)


def _sentence_of(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?") if i != -1]
    return text[left : min(rights) + 1 if rights else len(text)]


def _threat_target(match: str, after: str, sentence: str) -> str:
    """Who the threat names: the words of the threat and the few after it first, then the whole sentence."""
    near = f"{match} {after[:20]}"
    if re.search(r"\b(?:you|cops?|police|officers?|swat)\b", near, _I):
        return "police"
    if re.search(r"\b(?:her|him|she|he|the \w+|one of|someone|somebody)\b", match, _I):
        return "hostage"
    if _POLICE_WORDS.search(sentence):
        return "police"
    return "hostage" if _HOSTAGE_WORDS.search(sentence) else "others"


def _threats(text: str) -> list[Cue]:
    cues = []
    for m in _THREAT.finditer(text):
        if _NEGATION.search(text[max(0, m.start() - 25) : m.start()]) and not m.group().lower().startswith("try"):
            continue
        sentence = _sentence_of(text, m.start(), m.end())
        detail: Detail = {
            "conditional": bool(_CONDITIONAL.search(sentence)),
            "target": _threat_target(m.group(), text[m.end() :], sentence),
        }
        cues.append(Cue("threat", ((m.start(), m.end()),), detail))
    if not cues:
        return []
    return [Cue("threat", tuple(s for c in cues for s in c.spans), cues[0].detail)]


def _suicide(text: str, previous_negotiator: str | None) -> list[Cue]:
    spans = []
    for m in _SUICIDE.finditer(text):
        if re.match(r"(?:just )?shoots? me|kill me", m.group(), _I) and _NEGATION.search(
            text[max(0, m.start() - 12) : m.start()]
        ):
            continue
        spans.append((m.start(), m.end()))
    kind = "stated"
    if not spans and previous_negotiator and _SUICIDE_QUESTION.search(previous_negotiator):
        answer = _AFFIRMATIVE.match(text)
        if answer and not re.match(r"^\W*(?:no|not|never|I'm not|nope)\b", text, _I):
            spans, kind = [(answer.start(), answer.end())], "answer_to_direct_question"
    return [Cue("suicide_cue", tuple(spans), {"kind": kind})] if spans else []


def _weapons(text: str) -> list[Cue]:
    for m in _WEAPON.finditer(text):
        clause_start = max(text.rfind(c, 0, m.start()) for c in ".!?,;") + 1
        before = text[clause_start : m.start()]
        held = _HELD.search(before) is not None
        if (_NOT_MINE.search(before) and not held) or _NO_WEAPON.search(before):
            continue
        kind = next((k for k in (*_WEAPON_KINDS, "armed") if m.group(k)), "gun")
        weapon = {"armed": "unspecified", "other": m.group().lower()}.get(kind, kind)
        return [Cue("weapon", ((m.start(), m.end()),), {"weapon": weapon})]
    return []


def _demands(text: str, previous_negotiator: str | None) -> list[Cue]:
    for m in _DEMAND_WANT.finditer(text):
        item = (m.group("item") or m.group("asked")).strip()
        if _DEMAND_OBJECT.match(item) or _DEMAND_ITEM.search(item):
            return [Cue("demand", ((m.start(), m.end()),), {"item": " ".join(item.split()[:8])})]
    for m in _DEMAND_VERB.finditer(text):
        item = m.group("item").strip()
        if re.match(r"(?:me|us) (?:a (?:break|chance|minute|second)|out|away)\b", item, _I):
            continue
        return [Cue("demand", ((m.start("verb"), m.end()),), {"item": " ".join(item.split()[:8])})]
    money = _MONEY.search(text)
    if money:
        return [Cue("demand", ((money.start(), money.end()),), {"item": money.group()})]
    if previous_negotiator and _ASKED_WHAT.search(previous_negotiator):
        item_match = _DEMAND_ITEM.search(text)
        if item_match:
            return [Cue("demand", ((item_match.start(), item_match.end()),), {"item": item_match.group().lower()})]
    return []


def _deadlines(text: str, reference: datetime | None) -> list[Cue]:
    for pattern, needs_context in ((_DEADLINE_YOU, False), (_DEADLINE_BY, True)):
        for m in pattern.finditer(text):
            sentence = _sentence_of(text, m.start(), m.end())
            if _HABITUAL.search(sentence) or (needs_context and not _DEADLINE_CONTEXT.search(sentence)):
                continue
            due = parse_deadline(m.group(), reference) if reference is not None else None
            detail: Detail = {"expression": m.group(), "due_at": due.isoformat() if due else None}
            return [Cue("deadline", ((m.start(), m.end()),), detail)]
    return []


def find_cues(text: str, *, previous_negotiator: str | None = None, reference: datetime | None = None) -> list[Cue]:
    """All cues in one subject turn (pure; other analysers reuse it on window turns)."""
    norm = normalise(text)
    return [
        *_threats(norm),
        *_suicide(norm, previous_negotiator),
        *_deadlines(norm, reference),
        *_demands(norm, previous_negotiator),
        *_weapons(norm),
    ]


class CueAnalyzer:
    """Flags threat, suicide, deadline, demand and weapon cues in subject turns (rule; multi-label)."""

    name: ClassVar[str] = "cues"
    version: ClassVar[str] = "0.1.0"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if turn.side != "subject":
            return ()
        if not is_judgeable(turn.text):
            return (self._annotation(Cue(NEUTRAL, ()), score=0.0, low_confidence=True),)
        previous = ctx.window[-1] if ctx.window else None
        reference = turn.at or ctx.reference_time
        if reference is not None and turn.at is not None and ctx.reference_time is not None:
            reference = turn.at.astimezone(ctx.reference_time.tzinfo)  # wall-clock times in the incident's zone
        cues = find_cues(
            turn.text,
            previous_negotiator=previous.text if previous is not None and previous.side == "negotiator" else None,
            reference=reference,
        )
        return tuple(self._annotation(cue, score=0.7) for cue in cues)

    def _annotation(self, cue: Cue, *, score: float, low_confidence: bool = False) -> Annotation:
        return Annotation(
            analyzer=self.name,
            analyzer_version=self.version,
            family=FAMILY,
            label=cue.label,
            score=score,
            evidence=tuple(Span(start=s, end=e) for s, e in cue.spans),
            low_confidence=low_confidence,
            detail=dict(cue.detail),
        )
