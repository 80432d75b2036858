"""Behaviours negotiators avoid, flagged in negotiator turns: transparent rules, plus a fine-tuned model.

Why rules: the debrief and the advisor must quote the words that broke doctrine, and the same line must get
the same flag in every release. Ids and markers follow ``avoid.md`` [D]. The family has seven named labels;
every other utterance-level behaviour of avoid.md is ``other_avoid`` with its doctrine id in
``detail["doctrine_id"]`` (all ids found in ``detail["doctrine_ids"]``). Window- and team-level behaviours are
judged here only by what one turn shows: interrogation as three questions in the turn, self focus as a story
about oneself announced ("let me tell you about my..."), not the word share over a window; premature problem
solving is left to ``stairway``, which warns about influence before rapport. An unrequested concession reads
his turns in the window too: an item he named there was asked for.

Conventions shared with the dev set: an ultimatum always also sets a deadline (``ultimatum`` +
``deadline_setting``); "X? Never happening." after a demand is ``dismissing_demand``, a bare "No, you're not
getting X" is ``flat_no``; "I can't promise" is the better line, never ``false_promise``.

Since 0.3 the MiniLM graph shared with the cue analyser (``turn_model.py``) joins the rules per label, as its
settings file says (chosen on a validation split by ``eval/train_turn_encoder.py``): the rules alone, the
rules plus what the model adds, or the model deciding (a rule label it rejects is dropped; one it confirms
keeps the rule's words as evidence), except a label said in one of ``_SURE``'s plain wordings ("This is your last
chance."), which it may not drop. Labels only the model found carry ``detail["source"] = "model"`` and
the words of the model's linear part as evidence where it finds the label too, else the whole turn.
``use_model=False`` (``--fast``) is the rules alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

from talkdown.analysis.avoid_doctrine import DOCTRINE_ID
from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.cues import cue_labels
from talkdown.analysis.lexicons import is_judgeable, normalise
from talkdown.analysis.patterns import RulePattern
from talkdown.analysis.skills import SELF_STORY, find_mirror
from talkdown.analysis.timeparse import DURATION
from talkdown.analysis.turn_model import ModelAssisted
from talkdown.domain.annotations import Annotation

FAMILY = "talkdown_avoid"
LABELS = ("arguing", "flat_no", "threat", "ultimatum", "minimizing", "false_promise", "deadline_setting", "other_avoid")
NEUTRAL = "none"  # only on input the rules cannot judge, with low_confidence=True; not a label of the family
_I = re.IGNORECASE

_PATTERNS: dict[str, RulePattern] = {
    "arguing": RulePattern(
        r"\bthat's (?:a )?(?:ridiculous|crazy|insane|stupid|nonsense|not true|not realistic|unrealistic)\b"
        r"|\bcrazy talk\b|\byou're (?:wrong|lying)\b|\byou're being (?:irrational|unreasonable|ridiculous|stupid|silly"
        r"|childish|dramatic)\b|\bbe reasonable\b|^\W*(?:yes|yeah),? but\b|\bI feel like you're\b"
        r"|\bthis isn't a movie\b|\bbe realistic\b|^\W*that (?:doesn't|does not) make (?:any )?sense\b"
        r"|\byou(?:'re| are) exaggerating\b|\byou brought this on yourself\b"
        r"|\bmakes no sense\b|\bridiculous thing\b|\bbe serious\b|\bget real\b|\bcome on,? that's not\b"
        r"|\byou(?:'re| are|r| r) being (?:an? )?(?:idiot|daft|stupid|silly|selfish|unreasonable|ridiculous|irrational"
        r"|childish|dramatic|paranoid)\b|\bthat's (?:a )?(?:daft|stupid|silly|dumb) thing\b"
        r"|\bthat's not how (?:this|it)"
        r" works\b|\b(?:you're|you are) (?:only )?making (?:it|this|things) worse\b",
        _I,
    ),
    "flat_no": RulePattern(
        r"^\W*no[.,!]\s+(?:you're not|you are not|you won't|that's not|not|forget|absolutely|way)\b|^\W*no way\b"
        r"|\b(?:that's )?not happening\b|\byou're not getting\b|\byou are not getting\b|^\W*forget it\b"
        r"|^\W*absolutely not\b|^\W*the answer is no\b|^\W*that's a no\b"
        r"|\byou can forget (?:about )?(?:the|a|that|it)\b|\bnot a chance\b|\bthat's not going to happen\b"
        r"|\b(?:that's|that is|it's|it is) never (?:going to|gonna) happen\b|\bnot gonna happen\b|\bain't happening\b"
        r"|\bthere(?:'s| is) no way (?:the|you|they|we're|anyone|anybody|I'm)\b(?! (?:I|we) can)",
        _I,
    ),
    "threat": RulePattern(
        r"\bif you don't\b[^.!?]*\b(?:we'll|we will|they'll|they will|the team|swat|going to come|coming in|come in)\b"
        r"|\bswat\b[^.!?]*\b(?:take|come|go|will)\b|\btake you (?:out|down)\b|\byou'll regret\b"
        r"|\b(?:we|they|the team)(?:'ll| will| are| is|'re)? (?:be )?(?:coming|come|going|go) in\b"
        r"|\bor (?:we|they|the (?:team|dogs))(?:'ll| will)? (?:come|go) in\b"
        r"|\bwe(?:'ll| will) (?:use force|break|shoot)\b|\bcome in and get you\b"
        r"|\b(?:we|they|the team)(?:'ll| will)? come (?:through|in through) (?:that|the|your) (?:wall|door|window)\b"
        r"|\b(?:our|the) (?:unit|team|guys|officers|tactical team) (?:takes|take|will take|storms?|goes in)\b"
        # a harm we voice at him, unless asked ("Are you afraid they'll shoot you?" is listening, not a threat)
        r"|\b(?:we|they|I|snipers?|officers|the (?:team|officers|snipers?|police|cops))(?:'ll| will|'re going to"
        r"|'re gonna| are going to| are gonna|'m going to|'m gonna) (?:kill|shoot|drop|end) you\b"
        r"(?![^.!?]*\?)|\byou(?:'re| are) a dead man\b|\byou(?:'ll| will) be sorry\b"
        r"|\byou(?:'ll| will|'re going to| are going to) spend the rest of your life (?:in|behind)\b",
        _I,
    ),
    "ultimatum": RulePattern(
        rf"\blast chance\b|\bfinal (?:offer|chance|warning)\b|\blast warning\b|\bor else\b"
        rf"|\byou(?:'ve| have)?(?: got)? (?:{DURATION.pattern})(?= (?:to|or|before|until))"
        rf"|\bif you don't\b[^.!?]*\b(?:in|within) (?:the next )?(?:{DURATION.pattern})"
        rf"|\b(?:in|within) the next (?:{DURATION.pattern})\b[^.!?]*\bor\b"
        # a clock time with a consequence, a deadline we hand him, the clock run out
        r"|\b(?:by|before) (?:noon|midnight|\d{1,2}(?::\d\d)? ?(?:am|pm|o'clock)?|one|two|three|four|five|six|seven"
        r"|eight|nine|ten|eleven|twelve)(?: o'clock)?,? or\b|\b(?:I'm|I am|we're|we are) giving you (?:until|till)\b"
        r"|^\W*time(?:'s| is) up\b",
        _I,
    ),
    "deadline_setting": RulePattern(
        rf"\byour (?:\w+ )*?deadline\b|\byou(?:'ve| have)?(?: got)? (?:{DURATION.pattern})(?= (?:to|or|before|until))"
        r"|\b(?:by|before) (?:noon|midnight|\d{1,2}(?::\d\d)? ?(?:am|pm|o'clock))\b(?=[^.!?]*\byou\b)"
        r"|\bdeadline is\b"
        # a time the negotiator puts on himself: "call you back in twenty minutes", "on air within the hour"
        rf"|\b(?:I'll|I will|we'll|we will|it'll|it will|they'll|they will|it might|it may|should)\b[^.!?]{{0,50}}"
        rf"\b(?:in|within|by|take) (?:the next |about |around )?(?:{DURATION.pattern}|the hour|an hour"
        r"|(?:noon|midnight|\d{1,2}(?::\d\d)? ?(?:am|pm|o'clock)?|one|two|three|four|five|six|seven|eight|nine|ten"
        r"|eleven|twelve)\b(?! (?:of|more|people|guys|officers|hostages|times)))",
        _I,
    ),
    "minimizing": RulePattern(
        r"\bcalm down\b|^\W*relax\b|\brelax,|\b(?:it's|it is) not that bad\b|\bcould be worse\b"
        r"|\bdon't worry\b(?! about who)"
        r"|\bnot the end of the world\b|\b(?:lots of|plenty of|other|many) people (?:have|had|have had) it worse\b"
        r"|^\W*take it easy\b|\byou(?:'re| are) overreacting\b|\b(?:it's|it is) just money\b"
        r"|\bso much to live for\b|\b(?:it's|it is) (?:just|only) an?\b|\bit's only\b|\bpeople get (?:divorced|fired"
        r"|through)\b|\bget over it\b|\bno big deal\b|\bcheer up\b|\bbright side\b|\bdon't say that\b"
        r"|\b(?:everything|it|things|this|all)(?:'s| is|'ll| will)? (?:going to|gonna|will) (?:be"
        r"|turn out) (?:fine|okay"
        r"|ok|alright|all right|grand|great)\b|\bblow over\b|\byou(?:'re| are) (?:grand|fine)\b"
        r"|\bwhole life ahead\b|\bplenty more fish\b|\bnot (?:that|so) serious\b",
        _I,
    ),
    "false_promise": RulePattern(
        r"(?<!can't )(?<!cannot )(?<!not )\bI promise\b(?! I'll (?:try|ask|pass))|\bI guarantee\b|\byou have my word\b"
        r"|\b(?:is|are) (?:already )?on (?:its|their|the) way\b|\bno charges\b|\bwon't be any charges\b"
        r"|\bwalk (?:free|away clean)\b|\bnobody will (?:arrest|charge)\b|\bnothing will happen to you\b"
        r"|\bI swear\b(?!\s*[.!?]|\s*$)|\bwill be arrested today\b"
        r"|(?<!promise )(?<!promise that )\byou won't be (?:charged|arrested|prosecuted)\b"
        r"|\bnobody(?:'s| is) (?:going to|gonna) press charges\b",
        _I,
    ),
}
_OTHER: dict[str, RulePattern] = {
    "why_question": RulePattern(
        r"(?:^|[.!?]\s+)(?:\w+,\s*)?why (?:did|would|are|do|were|is|have|'d|didn't|r) (?:you|u)\b", _I
    ),
    "soliciting_demands": RulePattern(
        r"\bwhat (?:are|were) your demands\b|\bwhat (?:do|would) you want(?: from (?:us|me))?\s*\?"
        r"|\bwhat is it you want\b|\btell me (?:your|what your) demands\b",
        _I,
    ),
    "dismissing_demand": RulePattern(
        r"\bimpossible\b|\bnever happening\b|\bdream on\b|\bnot in a million years\b|\bin your dreams\b"
        r"|\bnobody(?:'s| is) going to (?:do|arrest|give|send|let)\b",
        _I,
    ),
    "trigger_word": RulePattern(
        r"\bhostages?\b|\bsurrender\w*\b|\bdemands?\b|\bdeadlines?\b|\bnegotiat(?:e|ing)\b|\bnegotiation(?! team)\b"
        r"|\bgive yourself up\b|\bturn yourself in\b",
        _I,
    ),
    "face_attack": RulePattern(
        # a dare ("You're not going to shoot anybody"), not a hedged question about harm ("You're not going to do
        # anything silly, are you?": a suicide question asked hesitantly, which the TRAIN debrief coaches)
        r"\btough guy\b|\byou won't do it\b|\byou're not going to (?:do|shoot|hurt) (?:anything|anyone|anybody)\b"
        r"(?! (?:silly|stupid|daft|foolish|rash|drastic|dumb|to yourself)\b)(?![^.!?]*,\s*(?:are|will|would) you\b)"
        r"|\byou sound (?:crazy|insane|nuts|pathetic|stupid)\b|\bcoward\b|\bloser\b|\bpathetic\b|\bbig man\b"
        r"|\byou're (?:crazy|insane|nuts|a joke)\b|\bgenius\b|\b(?:you|you're|ur|you are) (?:being )?(?:an? )?(?:idiot"
        r"|moron|fool)\b"
        # talking down to him: silencing, calling him a child, daring, and "you're not worth my time"
        r"|\bshut (?:up|your mouth)\b|\bsuch a (?:baby|child|crybaby|wimp)\b|\bcry ?baby\b|(?<!to )\bgrow up\b"
        r"|\bact your age\b|\b(?:quit|stop) (?:whining|moaning|sulking|crying like)\b"
        r"|\bacting like a (?:little )?(?:kid|baby|child)\b"
        r"|(?:^|[.!?]\s+)you (?:don't|do not|haven't|ain't)(?: got| have)? the (?:guts|nerve|balls)\b"
        r"|\b(?:I|we) (?:don't|do not|haven't|ain't)(?: got| have)? (?:time for this|all (?:day|night))\b"
        r"|(?<!not )\bwasting my time\b|\bgo on(?: then|, then),? (?:do it|shoot|jump)\b"
        r"|\bgo ahead,? (?:shoot|jump|pull the trigger)\b",
        _I,
    ),
    "claiming_authority": RulePattern(
        r"\bI'm in charge\b|\bI decide\b|\bI'm the (?:captain|lieutenant|boss|commander|chief|one who (?:decides|can"
        r" authori[sz]e|can approve))\b|\bI can (?:authori[sz]e|approve)\b|\bit's my call\b|\bI make the (?:call"
        r"|decisions)\b|\bI(?:'m| am) (?:the one )?(?:in charge|calling the shots)\b|\b(?:it's|it is) my decision\b",
        _I,
    ),
    "hiding_identity": RulePattern(
        r"\bjust someone who (?:wants to help|cares)\b|\bdoesn't matter who I am\b|\bnever mind who I am\b"
        r"|\bwho I am (?:doesn't|does not|don't) matter\b|\bdon't worry about who I am\b",
        _I,
    ),
    # the utterance part of self_focus: announcing a story about oneself, not handing the turn back to him (shared
    # with skills, which then does not call the same words self_disclosure)
    "self_focus": SELF_STORY,
    "contested_stock_phrase": RulePattern(
        r"\bI'm here to help(?: you)?\s*(?:[.!,]|$)|(?:^|[.!?]\s+)(?:just )?talk to me\s*(?:[.!]|$)", _I
    ),
    "empty_understanding": RulePattern(
        r"^\W*(?:(?:okay|ok|alright|yeah|believe me|trust me)[,.]?\s*)*(?:I (?:totally |completely |really )?understand"
        r"|I hear you|I (?:totally )?get it|I know (?:exactly )?how you feel)"
        r"(?:[.!]?\s*$|[.!,]\s*(?:now|so|anyway|but)\b)",
        _I,
    ),
}
# Wordings of a label so plain that the model may not drop it even where the settings let the model decide
# (``turn_model.merge``'s ``sure``). ``ultimatum`` is decided by the model, which scores "This is your last
# chance." near zero (few training ultimatums say it that way), so avoid.md's own markers were lost in full mode.
# Only the forms no writer labelled otherwise: "last chance"/"final warning" said to him as ours, opening a
# sentence ("Sounds like you're afraid this is the last chance" is a reflection), and "you've got N minutes to
# ... or ..." with its consequence, not as a question ("You got a minute to talk?"); "You've got ten minutes to
# send her out, then we'll talk" stays the model's call (writers split on it).
_SURE_ULTIMATUM = RulePattern(
    r"(?:^|[.!?:]\s+)(?:\w+,\s*)?(?:(?:this is|this's|that's|it's|here's) )?(?:your |our |my )?(?:last|final)"
    r" (?:chance|warning|offer)\b"
    rf"|\byou(?:'ve| have)?(?: got)? (?:{DURATION.pattern}) to\b[^.!?]*\bor\b(?![^.!?]*\?)",
    _I,
)
_SURE: dict[str, RulePattern] = {"ultimatum": _SURE_ULTIMATUM}
_DEMAND_THEN_NO = RulePattern(r"^\W*no\b[.,!]", _I)
# "No car." / "No drink, no cans." answering a demand: a refusal naming the item.
_NO_ITEM = RulePattern(r"^\W*no (?!problem|worries|one|body|way out|rush|hurry|pressure)(?:\w+\s*){1,2}[.!]*\s*$", _I)
# Three or more questions in one turn, at least two of them fact-finding: an interview, not listening.
# A question starts only where a sentence can: the same matches as r"[^.!?]*\?" (whose leftmost match always
# starts there), without retrying every position of a long sentence that ends in "." or "!".
_QUESTION = RulePattern(r"(?:^|(?<=[.!?]))[^.!?]*\?")
_FACT_QUESTION = RulePattern(
    r"^(?:\w+,\s*)?(?:how many|how much|what (?:are you|kind|type|weapons?|gun)|which|where|who (?:else|is)"
    r"|is (?:anyone|anybody)"
    r"|are (?:you armed|there))\b",
    _I,
)
# A "no" is a flat no only as an answer to a demand; "No, nobody's coming in" is reassurance.

# unrequested_concession (avoid.md): a substantive item offered with no demand for it before and nothing asked in
# return. The items are avoid.md's list (car, money, media, transport, immunity, a person), by kind: a demand for
# "a ride" asks for what "a car" gives. Food, drink, cigarettes, a coffee are left out: avoid.md calls them
# planned goodwill, and no training writer labelled "I can get you a coffee" an avoid.
_ITEM_KINDS = {
    "transport": r"cars?|vehicles?|van|truck|ride|getaway|driver|helicopter|chopper|plane|jet|bus|boat|transport|fuel",
    "money": r"money|cash|dollars|bucks|ransom|grand|thousand|million|pounds|quid|euros",
    "media": r"reporters?|journalists?|cameras?|tv|television|media|press|news|radio|broadcast|interview|film crew",
    "immunity": r"immunity|amnesty|pardon|deal",
    "person": r"wife|husband|girlfriend|boyfriend|partner|mother|mom|mum|mam|father|dad|kids|children|daughter|son"
    r"|brother|sister|lawyer|attorney|solicitor|priest|pastor|chaplain",
}
_KIND_OF = {kind: re.compile(rf"\b(?:{words})\b", _I) for kind, words in _ITEM_KINDS.items()}  # small: not gated
# The item as the thing we get, bring, send, give or have for him ("I can get you a car", "We can have a car out
# front"), not a message or a request about it ("I'll get the car request to my boss", "a message to your wife").
# Also asked as an offer ("Let me get you a car", "How about I bring your wife down?", "Do you want me to call your
# sister?", until 0.11.0 found only by the advisor's own regex) and sent in ("We'll send in a car").
_OFFER_ITEM = RulePattern(
    r"(?:\b(?:I|we)(?:'ll| will| can| could|'m going to| am going to|'re going to| are going to|'m gonna|'re gonna)"
    r"|\blet me|\bhow about (?:I|we)|\byou want me to)"
    r" (?:get|bring|send|give|have|arrange|organi[sz]e|fetch|call|ring|phone)"
    r" (?:you |y'all |ya |in |up |over )?(?:(?:a|an|the|some|your|that"
    r"|those|this|his|her) )?(?:\w+ )?(?P<item>" + "|".join(_ITEM_KINDS.values()) + r")\b"
    r"(?!'s| (?:request|call|question|thing|answer|message|number|issue)s?\b| (?:to|for) (?:her|him|them)\b)",
    _I,
)
_IN_RETURN = RulePattern(
    r"\b(?:if you|in return|in exchange|for that|would you|can you|could you|once you|as soon as you|when you"
    r"|after you|as long as you|first you|but first|you(?:'d| would)? (?:have|need) to)\b",
    _I,
)


def offered_kind(text: str) -> str | None:
    """The kind of substantive item a negotiator turn offers him (``_ITEM_KINDS``: transport, money, media, immunity,
    person), asked in return or not; None when it offers none. The advisor reads the kind to look for his asking
    for it before the avoid analyser's window (``doctrine/advice_rules._offers``)."""
    offer = _OFFER_ITEM.search(normalise(text))
    return None if offer is None else next(k for k, pattern in _KIND_OF.items() if pattern.fullmatch(offer["item"]))


def names_kind(text: str, kind: str) -> bool:
    """Whether a text (his turn, a demand's item) names an item of ``kind``: what counts as his asking for it."""
    return _KIND_OF[kind].search(normalise(text)) is not None


def _unrequested(norm: str, earlier_subject: Sequence[str]) -> tuple[int, int] | None:
    """The offered item's words when the turn concedes a substantive item he did not ask for in the window.

    "Asked" is a subject turn of the window that names an item of the same kind (``_ITEM_KINDS``): the cue rules
    miss many demands of the training writers ("Her mother can thank me with the money.", "What I need is
    simple. A helicopter on the roof…"), so his naming it counts as his asking; an offer of what he only
    mentioned is missed. "In return" is any condition or request in the turn ("If you let the older man come
    out, I can get you the car"). Not an offer to him: a car sent to her ("I'll get a car to her right now")."""
    offer = _OFFER_ITEM.search(norm)
    if offer is None or _IN_RETURN.search(norm):
        return None
    kind = next(k for k, pattern in _KIND_OF.items() if pattern.fullmatch(offer["item"]))
    asked = any(_KIND_OF[kind].search(normalise(text)) for text in earlier_subject)
    return None if asked else (offer.start(), offer.end())


def find_avoid(
    text: str, *, previous_subject: str | None = None, earlier_subject: Sequence[str] = ()
) -> dict[str, tuple[list[tuple[int, int]], list[str]]]:
    """Avoid labels in one negotiator turn: label -> (evidence spans, doctrine ids). Pure.

    ``previous_subject``: his turn just before, if the turn before was his; ``earlier_subject``: his turns in the
    window, oldest first (what he asked for before an offer)."""
    norm = normalise(text)
    found: dict[str, tuple[list[tuple[int, int]], list[str]]] = {}
    for label, pattern in _PATTERNS.items():
        spans = [(m.start(), m.end()) for m in pattern.finditer(norm)]
        if spans:
            found[label] = (spans, [DOCTRINE_ID.get(label, label)])
    previous_cues = cue_labels(previous_subject) if previous_subject is not None else frozenset()
    demand_before = "demand" in previous_cues
    bare_no = _DEMAND_THEN_NO.match(norm)
    if "flat_no" not in found and demand_before and bare_no:
        found["flat_no"] = ([(0, bare_no.end())], ["flat_no"])
    no_item = _NO_ITEM.match(norm)
    if "flat_no" not in found and demand_before and no_item:
        found["flat_no"] = ([(0, no_item.end())], ["flat_no"])
    other_spans: list[tuple[int, int]] = []
    ids: list[str] = []
    for doctrine_id, pattern in _OTHER.items():
        spans = [(m.start(), m.end()) for m in pattern.finditer(norm)]
        if doctrine_id == "trigger_word" and "deadline_setting" in found:
            # "your deadline" is already deadline_setting: one phrase, one flag
            spans = [(a, b) for a, b in spans if not norm[a:b].lower().startswith("deadline")]
        if spans:
            other_spans += spans
            ids.append(doctrine_id)
    if "dismissing_demand" in ids and "flat_no" in found and not demand_before:
        del found["flat_no"]
    questions = [m.group() for m in _QUESTION.finditer(norm)]
    if len(questions) >= 3 and sum(1 for q in questions if _FACT_QUESTION.match(q.strip())) >= 2:
        other_spans.append((0, len(norm.rstrip())))
        ids.append("interrogation")
    conceded = _unrequested(norm, earlier_subject)
    if conceded:
        other_spans.append(conceded)
        ids.append("unrequested_concession")
    mirror = find_mirror(text, previous_subject) if "suicide_cue" in previous_cues else None
    if mirror:
        other_spans += mirror
        ids.insert(0, "mirroring_death_talk")
    if ids:
        found["other_avoid"] = (sorted(other_spans), ids)
    if "ultimatum" in found and "deadline_setting" not in found:
        found["deadline_setting"] = (found["ultimatum"][0], ["setting_deadline"])
    return found


def sure_labels(text: str, found: Mapping[str, object]) -> frozenset[str]:
    """The labels of ``found`` that ``text`` says in one of ``_SURE``'s plain wordings (the model keeps them)."""
    norm = normalise(text)
    return frozenset(label for label, pattern in _SURE.items() if label in found and pattern.search(norm))


class AvoidAnalyzer(ModelAssisted):
    """Flags doctrine's avoid behaviours in negotiator turns (rule; multi-label; no annotation when none)."""

    name: ClassVar[str] = "avoid"
    version: ClassVar[str] = "0.11.1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY})

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        out: list[tuple[Annotation, ...]] = [() for _ in turns]
        found: dict[int, dict[str, tuple[list[tuple[int, int]], list[str]]]] = {}
        for i, (turn, ctx) in enumerate(zip(turns, ctxs, strict=True)):
            if turn.side != "negotiator":
                continue
            if not is_judgeable(turn.text):
                out[i] = (self._annotation(NEUTRAL, [], [], score=0.0, low_confidence=True),)
                continue
            previous = ctx.window[-1] if ctx.window else None
            found[i] = find_avoid(
                turn.text,
                previous_subject=previous.text if previous and previous.side == "subject" else None,
                earlier_subject=tuple(t.text for t in ctx.window if t.side == "subject"),
            )
        sure = {i: sure_labels(turns[i].text, rules) for i, rules in found.items()}
        added = self._join(FAMILY, LABELS, found, turns, ctxs, sure=sure)
        for i, rules in found.items():
            out[i] = tuple(
                self._annotation(label, *rules[label], score=0.7) if label in rules
                else self._annotation(label, self._model_spans(FAMILY, turns[i], label), [], score=added[i][label],
                                      source="model")
                for label in LABELS if label in rules or label in added[i]
            )  # fmt: skip
        return out

    def _annotation(
        self,
        label: str,
        spans: list[tuple[int, int]],
        ids: list[str],
        *,
        score: float,
        low_confidence: bool = False,
        source: str | None = None,
    ) -> Annotation:
        detail: dict[str, str | float | int | bool | None] = {}
        if ids:
            detail = {"doctrine_id": ids[0], "doctrine_ids": ",".join(ids)}
        if source:
            detail["source"] = source
        score = round(min(1.0, max(0.0, score)), 4)
        return annotation(
            self.name, self.version, FAMILY, label, score, spans, low_confidence=low_confidence, detail=detail
        )
