"""Risk cues in what the subject says: threats, suicide cues, deadlines, demands, weapons (rules, plus a model).

Why rules: these cues feed the board and the advisor on every live utterance, and a team must be able to
see the exact words behind each one. Definitions follow ``indicators.md`` and ``../shared/data/README.md``
("talkdown's own label families"); markers are talkdown design [D]. Deliberate choices:
- ``threat`` is harm to others; self-harm is ``suicide_cue`` only (README definition);
- figures of speech ("dying for a smoke", "kill for a coffee", "this heat is killing me") and reports about
  someone else ("he said he wanted to die") are not suicide cues;
- a bare "yes"/"maybe" is a suicide cue when it answers a direct question about suicide (indicators.md:
  ask directly), which a lexicon alone cannot see; the window supplies that question.

Since 0.5 a fine-tuned model complements the rules' recall (they are precise but miss much of what other
writers say): the MiniLM graph shared with the skill and avoid analysers (``turn_model.py``), reading the
turn with the turn before it. Every rule label is kept; the model only *adds* a label the rules did not find,
when its probability reaches the label's threshold, with ``detail["source"] = "model"`` and as evidence the
words the model's linear part weighs towards it (where that part finds the label too), else the whole turn.
It loads on first use, once per process, never at import; its output depends on the two texts alone, so the
analyser stays pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import ClassVar, Literal

from talkdown.analysis import cue_patterns as rx
from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.cue_items import clause_end, negotiator_names, past_reach, tidy_item, unaddressed
from talkdown.analysis.lexicons import is_judgeable, normalise
from talkdown.analysis.suicide_clues import BY_ID as CLUES_BY_ID
from talkdown.analysis.suicide_clues import clue_of
from talkdown.analysis.suicide_questions import PlanTopic, plan_asked, suicide_asked
from talkdown.analysis.timeparse import parse_deadline
from talkdown.analysis.turn_model import ModelAssisted
from talkdown.domain.annotations import Annotation

FAMILY = "talkdown_cue"
LABELS = ("threat", "suicide_cue", "deadline", "demand", "weapon")
NEUTRAL = "none"  # only on input the rules cannot judge, with low_confidence=True; not a label of the family
Detail = dict[str, str | float | int | bool | None]


@dataclass(frozen=True)
class Cue:
    """One cue found in a text: its label, the words behind it and the structured extras it carries."""

    label: str
    spans: tuple[tuple[int, int], ...]
    detail: Detail = field(default_factory=dict)


def _sentence_start(text: str, at: int) -> int:
    return max(text.rfind(c, 0, at) for c in ".!?") + 1


def _sentence_of(text: str, start: int, end: int) -> str:
    left = _sentence_start(text, start)
    rights = [i for i in (text.find(c, end) for c in ".!?") if i != -1]
    return text[left : min(rights) + 1 if rights else len(text)]


def _threat_target(match: str, after: str, sentence: str) -> str:
    """Who the threat names: the words of the threat and the few after it first, then the whole sentence."""
    near = f"{match} {rx.SENTENCE_END.split(after[:20], maxsplit=1)[0]}"  # "I'll shoot her. You ..." names no police
    if rx.POLICE_NEAR.search(near):
        return "police"
    if rx.HOSTAGE_NAMED.search(match):
        return "hostage"
    if rx.POLICE_WORDS.search(sentence):
        return "police"
    return "hostage" if rx.HOSTAGE_WORDS.search(sentence) else "others"


@dataclass(frozen=True)
class _Asked:
    """All the cue rules read of the negotiator's turn just before: did it ask about harm, about suicide (how:
    ``suicide_asked``), about his plan, the means or the timing with suicide on the table (``plan``: what it asks
    first), what he wants, or how long / what time (then "Twenty minutes." is an answer, not a deadline)? Keyed
    by this rather than by that turn's text, the cache lets the cue analyser (which has the context) and
    ``cue_labels`` (which has not) share one reading of most subject turns."""

    harm: bool = False
    suicide: Literal["direct", "hedged"] | None = None
    wants: bool = False
    when: bool = False
    plan: PlanTopic | None = None


_NOTHING_ASKED = _Asked()


def _asked(previous_negotiator: str | None, suicide_before: bool = False) -> _Asked:
    if not previous_negotiator:
        return _NOTHING_ASKED
    # the one reading of a suicide question, direct or hedged, the simulator, debrief and advisor share (cues 0.30.1;
    # the cue rules had their own, which read "You want them to shoot you." as one and "Are you planning to kill
    # yourself, Mr. Bell?" or "I'm wondering if you're thinking about ending your life." as none)
    suicide = suicide_asked(previous_negotiator)
    plan = plan_asked(previous_negotiator) if suicide or suicide_before else None
    return _Asked(
        harm=rx.HARM_QUESTION.search(previous_negotiator) is not None,
        suicide=suicide,
        wants=rx.ASKED_WHAT.search(previous_negotiator) is not None,
        when=any(words in previous_negotiator.lower() for words in rx.ASKED_WHEN),
        plan=plan.topics[0] if plan else None,
    )


def _threat_matches(text: str, asked: _Asked) -> list[re.Match[str]]:
    found = [*rx.THREAT.finditer(text), *rx.THREAT_MORE.finditer(text)]
    if asked.harm:
        found.extend(rx.NOT_YET.finditer(text))  # "Not yet." answering "is anyone hurt?"
    return sorted(found, key=lambda m: m.start())


def _threats(text: str, asked: _Asked = _NOTHING_ASKED) -> list[Cue]:
    # the wider wordings are read only when the older rules find nothing (they would add words, not a label)
    cues = _threat_cues(text, _threat_matches(text, asked)) or _threat_cues(text, rx.THREAT_WIDE.finditer(text))
    if not cues:
        return []
    return [Cue("threat", tuple(s for c in cues for s in c.spans), cues[0].detail)]


def _threat_cues(text: str, matches: Iterable[re.Match[str]]) -> list[Cue]:
    cues = []
    for m in matches:
        before = text[max(0, m.start() - 25) : m.start()]
        if (
            rx.NEGATION.search(before)
            and not m.group().lower().startswith(("try", "not", "no", "nah", "none", "think"))
            and not rx.NEGATED_CONDITION.search(text[_sentence_start(text, m.start()) : m.start()])
        ):
            continue  # "I haven't said she dies", not "If he isn't here I'll kill her" (the condition's no)
        if rx.REPORTED_SELF.search(before) or _talked_out_of(text, m):
            continue
        sentence = _sentence_of(text, m.start(), m.end())
        detail: Detail = {
            "conditional": bool(rx.CONDITIONAL.search(sentence)),
            "target": _threat_target(m.group(), text[m.end() :], sentence),
        }
        cues.append(Cue("threat", ((m.start(), m.end()),), detail))
    return cues


def _talked_out_of(text: str, m: re.Match[str]) -> bool:
    """Whether the harm ``m`` reads is one he could do or wishes, said with the reason he will not ("I could kill
    him, but I'd just end up in jail": ``rx.HARM_HYPOTHETICAL``, ``rx.TALKED_OUT_OF``).

    Why: he is talking himself out of it, and the training sets label no threat there; the board showed one until
    cues 0.29.0. "I could kill him." alone stays a threat, as does "I'll kill him, but ..." (a plan, not a
    hypothetical) and "... but not yet" (a reason that only waits)."""
    return rx.HARM_HYPOTHETICAL.match(m.group()) is not None and rx.TALKED_OUT_OF.match(text[m.end() :]) is not None


def _suicide_tiers(text: str) -> Iterator[list[re.Match[str]]]:
    """The suicide wordings found in ``text``, tier by tier, each in order: the core rules, then the wider
    wordings, then the indirect ones (``rx.SUICIDE_INDIRECT``). Lazy, so a reader that stops at the first tier
    with a cue runs no pattern of the later ones; one definition for ``_suicide`` and ``denies_suicide``."""
    yield sorted([*rx.SUICIDE.finditer(text), *rx.SUICIDE_MORE.finditer(text)], key=lambda m: m.start())
    yield list(rx.SUICIDE_WIDE.finditer(text))
    yield sorted((m for p in rx.SUICIDE_INDIRECT for m in p.finditer(text)), key=lambda m: m.start())


def _suicide(text: str, asked: _Asked) -> list[Cue]:
    # the wider wordings are read only when the older rules find nothing, as for threats
    spans = next((found for tier in _suicide_tiers(text) if (found := _suicide_spans(text, tier))), [])
    if spans:
        return [Cue("suicide_cue", tuple(spans), {"kind": "stated", **_clue(text)})]
    if asked.plan:
        return _plan_answer(text, asked.plan)
    if asked.suicide == "direct":  # a means or a time he discloses answers it as a yes does (cues 0.31.0)
        return _answer(text, "answer_to_direct_question", asked_for=None, plain=_clue(text))
    answer = _yes(text) if asked.suicide else None
    return [Cue("suicide_cue", (answer,), {"kind": "answer_to_direct_question", **_clue(text)})] if answer else []


def _yes(text: str) -> tuple[int, int] | None:
    """The words of a yes that opens the turn ("Yeah.", "ya. tonight.", "I haven't decided."), or None."""
    answer = rx.AFFIRMATIVE.match(text)
    if answer and (rx.NOT_YET.match(text) or not rx.DENIAL.match(text)):  # "Not yet." is no denial
        return answer.span()
    return None


_MEANS = CLUES_BY_ID["plan_or_means"].pattern


def _plan_answer(text: str, topic: PlanTopic) -> list[Cue]:
    """His answer to a question about his plan, the means or the timing asked with suicide on the table, as a
    suicide cue (``_answer``): what he discloses, or a plain yes (with the clue the question asked for).

    Why: indicators.md has the negotiator ask, after a yes, about the plan, the means and the timing, because risk
    rises with a lethal method and a near time; his answer is the cue the board must show, though "Tonight." or
    "The shotgun." names no suicide (the rules read none in it until cues 0.30.0)."""
    asked_for = "time_reference" if topic == "timing" else None
    return _answer(text, "answer_to_plan_question", asked_for=asked_for, plain={"clue": asked_for or "plan_or_means"})


def _answer(text: str, kind: str, *, asked_for: str | None, plain: Detail) -> list[Cue]:
    """His answer to a question about suicide or his plan as a suicide cue, or none: the means or the time he
    discloses (``_disclosed``) and a yes that opens the turn (``_yes``), each as its evidence. Its clue is the one
    the question ``asked_for`` where he discloses that, else the first disclosed, else ``plain`` (the yes's).

    Why after a direct suicide question too ("Margaret's tablets. The whole bottle.", "At oh-six-hundred. First
    light." after "Are you planning to use the rifle on yourself?"): asked plainly, he often answers with the how or
    the when rather than a yes, and indicators.md weighs both; until cues 0.31.0 the rules read them only after a
    plan question."""
    named = _disclosed(text)
    answer = _yes(text)
    if not named and answer is None:
        return []
    clues = [clue for _, clue in named]
    detail: Detail = {"clue": asked_for if asked_for in clues else clues[0]} if clues else plain
    spans = sorted({*([answer] if answer else []), *(m.span() for m, _ in named)})
    return [Cue("suicide_cue", tuple(spans), {"kind": kind, **detail})]


def _disclosed(text: str) -> list[tuple[re.Match[str], str]]:
    """The means he names in answer to a question about suicide or his plan (the ``plan_or_means`` clue's words:
    "Over the rail.", "The shotgun.", "I've got the pills right here.") and the times ("Tonight. When she's
    asleep.": ``rx.PLAN_TIME``, the ``time_reference`` clue), means first, each with its clue. None in a turn that
    opens with a "no" ("No.", "I'm not going to do anything.", "Good God, no.") unless it leaves the door open
    ("Not today. Tomorrow, maybe."), and none he names only to deny it ("I haven't got a plan", ``rx.PLAN_DENIED``)."""
    if rx.DENIAL.match(text) and not rx.DOOR_OPEN.search(text):
        return []
    return [
        (m, clue)
        for pattern, clue in ((_MEANS, "plan_or_means"), (rx.PLAN_TIME, "time_reference"))
        for m in pattern.finditer(text)
        if not rx.PLAN_DENIED.search(text[max(0, m.start() - 25) : m.start()])
    ]


def _clue(text: str) -> Detail:
    """The kind of suicide cue in doctrine terms (``suicide_clues.py``), when its wording says."""
    clue = clue_of(text)
    return {"clue": clue.id} if clue else {}


def _suicide_spans(text: str, matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    spans = []
    for m in matches:
        if rx.SHOOT_ME_OR_I.match(m.group()) and rx.NEGATION.search(
            text[max(0, m.start() - 12) : m.start() + (len(m.group()) if m.group().lower().startswith("i") else 0)]
        ):
            continue
        sentence_start = _sentence_start(text, m.start())
        if rx.SHOOT_ME.search(m.group()) and rx.FEAR_OR_REPORT.search(text[sentence_start : m.start()]):
            continue
        if _echo_denied(text, sentence_start, m.end()) or _grievance_letter(text, sentence_start, m):
            continue
        spans.append((m.start(), m.end()))
    return spans


def _grievance_letter(text: str, sentence_start: int, m: re.Match[str]) -> bool:
    """Whether the suicide wording ``m`` is a letter or note whose sentence names the authority it went to or the
    years it took ("I wrote letters to my MP for two years.", "Three years I wrote letters.": ``rx.LETTER_GRIEVANCE``).

    Why: a grievance written to those who would not listen, not a goodbye to those he leaves; until cues 0.29.1 only
    a letter "to the"/"to a" someone, or an authority the indirect wording named, was kept out, so "I wrote letters to
    my MP" was a suicide cue with the final-arrangements clue."""
    if rx.LETTER_WORD.search(m.group()) is None:
        return False
    stop = rx.SENTENCE_END.search(text, m.end())
    return rx.LETTER_GRIEVANCE.search(text[sentence_start : stop.start() if stop else len(text)]) is not None


def _echo_denied(text: str, sentence_start: int, match_end: int) -> bool:
    """Whether the words matched are his echo of a suicide question, denied ("Kill myself? No.", "What, like end
    it all? No way."): a short question of his own, answered "no" at once, with nothing after the no that leaves the
    door open ("No. Not tonight." stays a cue; so does "Kill myself? Maybe.").

    Why: the words of the act are in his mouth only to refuse them; read as a stated intent, his denial raised the
    board's suicide cue and the simulator's plain "no" fed the trainee's debrief a cue that was never there."""
    end = text.find("?", match_end)
    if end < 0 or any(c in text[match_end:end] for c in ".!") or len(text[sentence_start:end].split()) > ECHO_WORDS:
        return False
    after = text[end + 1 :]
    return rx.ECHO_DENIAL.match(after) is not None and rx.DOOR_OPEN.search(after) is None


ECHO_WORDS = 6  # "What, like end it all?" is five words; a longer question of his is no echo [D]


def denies_suicide(text: str, *, plan_question: bool = False) -> bool:
    """Whether the turn only says no (``rx.BARE_DENIAL``), or only that he has no plan when it answers a question
    about one (``plan_question``, ``rx.PLAN_DENIAL``), or holds his echo of a suicide question refused at once
    (``_echo_denied``): then the model, which reads the question's and the act's words, may not add the suicide cue
    the rules withheld ("No." and "Kill myself? No." after "Are you thinking about killing yourself?" read
    ``suicide_cue, source: model`` on the board until cues 0.28.1; "I'm not going to do anything." and "I haven't
    got a plan." after "Do you have a plan?" until cues 0.30.0). Asked only of a turn the model adds it to."""
    norm = normalise(text)
    if rx.BARE_DENIAL.match(norm):  # "No." to "Are you thinking about killing yourself?"
        return True
    if plan_question and rx.PLAN_DENIAL.match(norm):  # "I haven't got a plan." to "Do you have a plan?"
        return True
    return any(
        _echo_denied(norm, _sentence_start(norm, m.start()), m.end()) for tier in _suicide_tiers(norm) for m in tier
    )


def wishes_harm(text: str) -> bool:
    """Whether every want of the turn is a wish to harm someone ("I want to kill him.", "I'd love to strangle that
    bastard": ``rx.HARM_WISH``, the threat rules' wording): then the model, which
    reads "I want" as the words of a demand, may not add one (it did until cues 0.29.4, beside the rules' threat).
    A want of something else in the turn ("I want to kill him. I want a lawyer.") leaves the model its say."""
    norm = normalise(text)
    wishes = [m.span() for m in rx.HARM_WISH.finditer(norm)]
    return bool(wishes) and all(any(a <= m.start() < b for a, b in wishes) for m in rx.WANTS.finditer(norm))


def _weapons(text: str) -> list[Cue]:
    found = list(rx.WEAPON.finditer(text))
    if "AR" in text or "AK" in text:  # sorted by start; at the same start the rule above comes first, as before
        found = sorted([*found, *rx.WEAPON_AR.finditer(text)], key=lambda m: m.start())
    for m in found:
        clause_start = max(text.rfind(c, 0, m.start()) for c in ".!?,;") + 1
        before = text[clause_start : m.start()]
        held = rx.HELD.search(before) is not None
        if (rx.NOT_MINE.search(before) and not held) or rx.NO_WEAPON.search(before):
            continue
        groups = m.groupdict()
        kind = next((k for k in (*rx.WEAPON_KINDS, "armed") if groups.get(k)), "gun")  # "calibre" names a gun
        weapon = {"armed": "unspecified", "other": m.group().lower()}.get(kind, kind)
        return [Cue("weapon", ((m.start(), m.end()),), {"weapon": weapon})]
    more = rx.WEAPON_MORE.search(text)
    if more and not rx.NO_WEAPON.search(text[max(0, more.start() - 30) : more.start()]):
        return [Cue("weapon", ((more.start(), more.end()),), {"weapon": "unspecified"})]
    return []


def _titles_kept(text: str) -> str:
    """``text`` with the full stop of each title before a name marked (``rx.TITLE_DOT``), for the demand rules.

    Why: they read a full stop as a sentence's end, so "I want to speak with my lawyer, Mr. Nowak." gave the
    item "to speak with my lawyer, Mr" and "Get me to St. Luke's." "to St" (until cues 0.26.7)."""
    return rx.TITLE_DOT.sub(lambda m: m.group()[:-1] + rx.TITLE_DOT_MARK, text) if "." in text else text


def _demands(text: str, asked: _Asked, after_demand: bool = False) -> list[Cue]:
    """His demands in the turn: those its own words make, then the items "And a car." adds to a demand made in an
    earlier sentence, or in a turn of his before it (``after_demand``); a title's full stop ends neither."""
    marked = _titles_kept(text)
    if marked is text:
        return _demands_in(text, asked, after_demand)
    return [
        Cue(c.label, c.spans, {**c.detail, "item": str(c.detail["item"]).replace(rx.TITLE_DOT_MARK, ".")})
        for c in _demands_in(marked, asked, after_demand)
    ]


def _demands_in(text: str, asked: _Asked, after_demand: bool) -> list[Cue]:
    said = _demands_said(text, asked)
    if not said and not after_demand:
        return []
    if not said:
        said = _continued_items(text)  # "Second, no retaliation." after his "First, a car."
    taken = [span for cue in said for span in cue.spans]
    added = [
        cue
        for cue in _added_demands(text, 0 if after_demand else said[0].spans[0][0] + 1)
        if not any(a < cue.spans[0][1] and cue.spans[0][0] < b for a, b in taken)
    ]
    items: set[str] = set()  # "I want a car. And a car!": one demand
    return [
        c for c in sorted([*said, *added], key=lambda cue: cue.spans[0]) if not _again(str(c.detail["item"]), items)
    ]


def _demands_said(text: str, asked: _Asked) -> list[Cue]:
    listed = _listed_demands(text)
    counted = _counted_demands(text)
    if counted:  # the list's items, and a want said outside it ("We want the same thing. Here's what I need. ...")
        start, end = counted[0].spans[0][0], counted[-1].spans[0][1]
        outside = [c for c in listed if not start <= c.spans[0][0] < end]
        return sorted([*counted, *outside], key=lambda cue: cue.spans[0])
    if listed:
        return listed
    other = rx.DEMAND_OTHER.search(text)
    if other:
        return [_generic_demand(text, other)]
    for sentence in rx.SENTENCE_SPLIT.finditer(text) if rx.DEMAND_FRAGMENT.may_match(text) else ():
        if rx.DEMAND_FRAGMENT.match(sentence.group()):
            start = sentence.start() + len(sentence.group()) - len(sentence.group().lstrip())
            item = sentence.group().strip(" .!")
            return [Cue("demand", ((start, sentence.end()),), {"item": item})]
    generic = rx.DEMAND_MORE.search(text) or rx.DEMAND_WIDE.search(text)
    if generic:
        return [_generic_demand(text, generic)]
    money = rx.MONEY.search(text)
    if money:
        return [Cue("demand", ((money.start(), money.end()),), {"item": money.group()})]
    if asked.wants:
        item_match = rx.DEMAND_ITEM.search(text)
        if item_match:
            return [Cue("demand", ((item_match.start(), item_match.end()),), {"item": item_match.group().lower()})]
    return []


def _listed_demands(text: str) -> list[Cue]:
    """Every demand he names with want/need/ask-for or a give/get verb, one cue per item, in the order said.

    Why all of them: a subject lists demands ("I want cigarettes and food. And I want a car."), and the advice
    gives a card per item heard (``doctrine/advice_rules._demand_cues``). Only the first was kept until cues
    0.21.0, so the car was never heard. A verb demand inside a want demand ("I want you to get me a car") is the
    same demand, not a second one; the same item said twice is one demand.
    """
    found: list[Cue] = []
    for m in rx.DEMAND_WANT.finditer(text) if rx.DEMAND_WANT_WORDS.may_match(text) else ():
        raw = m.group("item") or m.group("ahead") or m.group("asked")
        item = raw.strip()
        if rx.DEMAND_OBJECT.match(item) or rx.DEMAND_ITEM.search(item):
            item, cut_off = past_reach(item, text, m.end(), len(raw) >= rx.ITEM_REACH)
            found.append(Cue("demand", ((m.start(), m.end()),), {"item": tidy_item(item, cut_off)}))
    taken = [span for cue in found for span in cue.spans]
    for m in rx.DEMAND_VERB.finditer(text) if rx.DEMAND_VERB_WORDS.may_match(text) else ():
        verb = "verb" if m.group("verb") else "verb2"
        item = (m.group("item") or m.group("item2")).strip()
        start = m.start(verb)
        if rx.NOT_AN_ITEM.match(item) or any(a < m.end() and start < b for a, b in taken):
            continue
        item, cut_off = past_reach(item, text, m.end(), True)  # only its reach stops it short of a sentence end
        item = tidy_item(rx.FOR_ME.sub("", item), cut_off)  # "get me a car": the item is "a car"
        item = _sent_in(m.group(verb), item)
        if rx.BARE_PRONOUN.match(item):  # "Call them", "Turn it off": "them", "it off" name nothing on their own
            item = f"{m.group(verb)} {item}"
        found.append(Cue("demand", ((start, m.end()),), {"item": item}))
    found += _released(text, [span for cue in found for span in cue.spans])
    found += _death_asked(text, [span for cue in found for span in cue.spans])
    said: set[str] = set()  # "Turn them off. Turn them off right now": one demand, said twice
    return [c for c in sorted(found, key=lambda cue: cue.spans[0]) if not _again(str(c.detail["item"]), said)]


def _released(text: str, taken: list[tuple[int, int]]) -> list[Cue]:
    """Each demand to set someone free ("Release him today.", "Let her go.", "Free my brother.": ``rx.DEMAND_RELEASE``)
    that no want or give/get verb read, with whom as its item: the person ("my brother"), or the words said for a
    pronoun ("Let her go"), as "her" names nobody on its own; the day he wants it on stays in the item as
    ``_days_to_deadline`` leaves it ("Release my brother today." gives "my brother today").

    Why: until cues 0.27.6 only "release" before a determiner was read ("Release my brother today."), and "Release
    him." only as a two-word fragment, so "Release him today.", "Let her go." and "Free my brother." were no
    demand; the doctrine counts the release of hostages or prisoners a negotiable item (demands-deadlines.md)."""
    found: list[Cue] = []
    for m in rx.DEMAND_RELEASE.finditer(text) if rx.DEMAND_RELEASE_WORDS.may_match(text) else ():
        start, end = m.start("verb"), m.end()
        if any(a < end and start < b for a, b in taken) or _asked_back(text, m):
            continue
        who = m.group("who1") or m.group("who2") or m.group("verb")
        item = f"{who} {m.group('day')}" if m.group("day") else who
        found.append(Cue("demand", ((start, end),), {"item": item}))
    return found


def _death_asked(text: str, taken: list[tuple[int, int]]) -> list[Cue]:
    """Each request of his own death that no other demand rule read ("Get them to shoot me.", "Make them shoot me.":
    ``rx.DEMAND_DEATH``), with what he asks of them as its item, for ``_his_death_marked`` to mark ``own_death``.

    Why: "Get them to shoot me." alone was a demand by its wording (``rx.DEMAND_OTHER``), which is read only when no
    want or give/get verb is, so after "I want cigarettes and a car." it was none (until cues 0.29.2), and "Make
    them shoot me.", "Let them shoot me." and "Tell them to shoot me." never were; the training sets label each a
    demand as well as a suicide cue, as "I want you to shoot me" is."""
    found: list[Cue] = []
    for m in rx.DEMAND_DEATH.finditer(text):
        start, end = m.start("verb"), m.end()
        if not any(a < end and start < b for a, b in taken):
            found.append(Cue("demand", ((start, end),), {"item": m.group("item")}))
    return found


def _asked_back(text: str, m: re.Match[str]) -> bool:
    """Whether the release ``m`` reads is in a question that is no request ("Let the women go? Yes, I'll ...", "why
    doesn't she just let him go?"), as "Can you release him?" is."""
    stop = rx.SENTENCE_END.search(text, m.end())
    return stop is not None and stop.group() == "?" and not rx.ASKED_OF_YOU.search(text, m.start(), m.start("verb"))


def _sent_in(verb: str, item: str) -> str:
    """``item`` without the "in" that says where a sent or brought thing goes ("Send in the food." and "Send the
    food in." -> "the food"; ``rx.SENT_IN``).

    Why: until cues 0.27.6 the board's "D:" button read "in the food" or "the food in"."""
    if not rx.SENT_IN_VERB.match(verb):
        return item
    return rx.SENT_IN.sub("", item) or item


def _counted_demands(text: str) -> list[Cue]:
    """The items of a list of demands, one cue each: numbered ("One, a van with a full tank. Two, nobody follows
    us.") or announced by the sentence before them ("Our demands are three. A bus to the airport, a million dollars,
    and nobody follows us.", "I have two demands: food and a phone.").

    Why: until cues 0.24.0 the announcing sentence or the first number was read as one request, so the item was
    "three" (of "Our demands are three"), the first item only, or none at all ("I have two demands: ..."), and
    the board offered no "D:" button for the rest of the list.
    """
    return _numbered_items(text) or _announced_items(text) or _first_item(text)


def _numbered_items(text: str) -> list[Cue]:
    """Each numbered item: from its marker to the end of its first clause; the run counts up from one and needs
    two items with words in them."""
    run: list[re.Match[str]] = []
    for m in rx.LIST_MARK.finditer(text):
        n = rx.LIST_ORDINALS[m["n"].lower()]
        if n == len(run) + 1:
            run.append(m)
        elif n == 1 and len(run) < 2:
            run = [m]
    cues: list[Cue] = []
    for i, m in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(text)
        cue = _list_item(text, m.end(), end)
        if cue is None:
            break
        cues.append(cue)
    return cues if len(cues) >= 2 else []


def _first_item(text: str) -> list[Cue]:
    """The first item of a list of demands he opens, numbered on its own ("First, a car.", "Number one: the regional
    director comes to the loading bay, in person.", ``rx.LIST_FIRST``), as one cue: to the end of its clause, and
    none when it opens like a sentence of his ("First, that I am not a criminal.", "First, I've been refused my
    medication": ``rx.LIST_OVER``) or with talk ("First, thank you for calling.": ``rx.FIRST_NOT_AN_ITEM``).

    Why: one numbered item is no list (``_numbered_items`` needs two), so until cues 0.27.4 "First, a car." was
    no demand unless it answered "what do you want?", while the training sets label each such opening a demand
    (three of three: "We have a list. Eight items. First, that the transfers ... be halted", "Number one: the
    regional director comes ...", "Number one, Hollis gets his insulin.")."""
    first = rx.LIST_FIRST.search(text)
    if first is None:
        return []
    sentence_end = rx.SENTENCE_END.search(text, first.end())
    cue = _list_item(text, first.end(), sentence_end.start() if sentence_end else len(text))
    item = str(cue.detail["item"]) if cue is not None else ""
    return [] if cue is None or rx.LIST_OVER.match(item) or rx.FIRST_NOT_AN_ITEM.match(item) else [cue]


def _announced_items(text: str) -> list[Cue]:
    """The items after a sentence that announces them: the parts of the next sentence when it lists several
    ("a bus to the airport, a million dollars, and nobody follows us"), else a sentence each until one that is
    no longer an item ("You have until six."); never more than the count said ("Our demands are three")."""
    head = rx.LIST_ANNOUNCED.search(text)
    if head is None:
        return []
    said = rx.LIST_COUNT.search(head.group())
    most = rx.LIST_ORDINALS[said.group(1).lower()] if said else 10
    sentences = [(head.end() + s.start(), head.end() + s.end()) for s in rx.SENTENCE_SPLIT.finditer(text[head.end() :])]
    if not sentences:
        return []
    parts = _list_parts(text, *sentences[0])
    cues = [c for c in (_list_item(text, a, b) for a, b in parts) if c is not None]
    if len(cues) < 2:
        cues = []
        for a, b in sentences:
            if rx.LIST_OVER.match(text[a:b].strip()):
                break
            cue = _list_item(text, a, b)
            if cue is None:
                break
            cues.append(cue)
    return cues[:most]


def _list_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each item of one sentence that lists several: split at commas and "and", where what
    follows opens an item (``rx.LIST_ITEM_OPENER``), or is the last, after "and", of a list of three or more."""
    parts: list[tuple[int, int]] = []
    cut = start
    seps = list(rx.LIST_SEPARATOR.finditer(text, start, end))
    for k, sep in enumerate(seps):
        follows = text[sep.end() : end]
        last_and = k == len(seps) - 1 and "and" in sep.group().lower() and len(parts) >= 1
        if rx.LIST_ITEM_OPENER.match(follows) or last_and:
            parts.append((cut, sep.start()))
            cut = sep.end()
    parts.append((cut, end))
    return parts


def _list_item(text: str, start: int, end: int) -> Cue | None:
    """The item in ``text[start:end]``: its first clause, without "and", "that" or "we want" before it, tidied
    as any item is; None when it holds no words."""
    body = text[start:end]
    lead = len(body) - len(body.lstrip(" .!?,;:"))
    body = body[lead:]
    opener = rx.LIST_ITEM_LEAD.match(body)
    if opener is not None:
        lead, body = lead + opener.end(), body[opener.end() :]
    words = body[: clause_end(body)].rstrip(" .!?,;:")
    if not any(ch.isalnum() for ch in words):
        return None
    return Cue("demand", ((start + lead, start + lead + len(words)),), {"item": tidy_item(words)})


def _continued_items(text: str) -> list[Cue]:
    """The items of a list of demands he goes on with in this turn ("Second, no retaliation.", "Number four, a
    journalist from outside", "Three: a written apology"), one cue each; read only after a demand of his.

    Why: the list's first items were heard in his turn before ("First, a car."), but a turn that opens with the
    next number is no list of two (``_numbered_items``) and names no item a rule knows, so until cues 0.26.9 the
    rest of his list never reached the ledger. The turn must open with an ordinal ("Second"), "number N" or a
    number with a comma or colon: "Four." alone most often answers "how many are in there?"; and an item must not
    open like a sentence of his ("Third. I keep stuffing it up.": ``rx.LIST_OVER``)."""
    first = rx.LIST_GOES_ON.match(text)
    if first is None:
        return []
    n = rx.LIST_ORDINALS[(first["n"] or first["n2"] or first["n3"] or first["n4"]).lower()]
    run = [(first.start(), first.end())]
    for m in rx.LIST_MARK.finditer(text):
        if m.start() >= first.end() and rx.LIST_ORDINALS[m["n"].lower()] == n + 1:
            run.append((m.start(), m.end()))
            n += 1
    cues: list[Cue] = []
    for i, (_, end) in enumerate(run):
        cue = _list_item(text, end, run[i + 1][0] if i + 1 < len(run) else len(text))
        if cue is None or rx.LIST_OVER.match(str(cue.detail["item"])):
            break
        cues.append(cue)
    return cues


def _added_demands(text: str, after: int) -> list[Cue]:
    """Items added to a demand he made, each in a fragment of its own: "And a car.", "Oh, and cigarettes.",
    "Plus a phone charger." (``rx.DEMAND_ADDED``), in a sentence starting at ``after`` or later (just after where
    his first demand of this turn starts, or 0 when a turn of his before it made one).

    Why only then: "and"/"plus" say the item goes with a demand, and without one before it "And a car." is no
    more a demand than "And a car drove past." is. Until cues 0.22.0 it was one whatever came before (with "And a
    car" as its item), "Oh, and cigarettes." was none, and "I want cigarettes. And a car." named the cigarettes only.
    """
    if not rx.DEMAND_ADDED.may_match(text):
        return []
    found: list[Cue] = []
    for sentence in rx.SENTENCE_SPLIT.finditer(text):
        m = rx.DEMAND_ADDED.match(sentence.group()) if sentence.start() >= after else None
        if m is not None:
            words = sentence.group()
            start = sentence.start() + len(words) - len(words.lstrip())
            found.append(
                Cue(
                    "demand",
                    ((start, sentence.start() + m.end("item")),),
                    {"item": tidy_item(rx.ADDED_WANTER.sub("", rx.ADDED_TAIL.sub("", m["item"])))},
                )
            )
    return found


def _again(item: str, said: set[str]) -> bool:
    key = item.lower()
    if key in said:
        return True
    said.add(key)
    return False


def _generic_demand(text: str, m: re.Match[str]) -> Cue:
    """A demand found by its wording ("you have until six to ...", "tell them to ..."): its item is the thing a
    give/get verb names after it in the same sentence ("... to get me a car" -> "a car"), else the request's own
    words (``_request_words``)."""
    sentence_end = rx.SENTENCE_END.search(text, m.end())
    given = rx.ITEM_GIVEN.search(text[m.start() : sentence_end.start() if sentence_end else len(text)])
    item = given.group("item") if given else _request_words(text, m)
    return Cue("demand", ((m.start(), m.end()),), {"item": tidy_item(item)})


def _request_words(text: str, m: re.Match[str]) -> str:
    """What a request found by its wording asks for, in its own words: the clause it opens, not only the words
    the pattern needed. Until cues 0.23.0 the item was the match itself, so the board offered "D: Get those" for
    "Get those cars off my street", "D: Can you call" for "Can you call my brother", "D: got" for "You have until
    six to ...", and ". Two hundred thousand." with the sentence end the match opened on.

    The words run from the match to the end of its clause, without the polite or list opener ("can you", "one,",
    "here's what we want"), with the time given ("until six to get the car back" -> "get the car back"), and
    without a give/get verb before a thing named ("Get those cars off my street" -> "those cars off my street";
    "Send them" stays, as "them" names nothing on its own)."""
    words = m.group().lstrip(" .!?,;:")
    header = rx.LIST_HEADER.match(words)  # "Here's what we want." / "One," the demand is what follows it
    rest = text[m.end() - len(words) + (header.end() if header else 0) :]
    body = rest.lstrip(" .!?,;:")
    clause = body[: clause_end(body)]
    if not clause.strip():
        return m.group()
    given_by = rx.DEADLINE_GIVEN.sub("", clause)
    clause = given_by if " " in given_by.strip() else clause  # not "sixty" from "got till I count to sixty"
    clause = rx.REQUEST_OPENER.sub("", clause) or clause
    clause = rx.THIRD_PERSON_WANTER.sub("", clause) or clause  # "He needs insulin": insulin, not who needs it
    without_verb = rx.GIVE_VERB.sub("", clause)
    return clause if rx.BARE_PRONOUN.match(tidy_item(without_verb)) else without_verb


def _addressed_out(cues: list[Cue], window: Sequence[Turn]) -> list[Cue]:
    """``cues`` with a negotiator's name the window shows taken off a demand's item ("Get me my lawyer, Sam." with
    "Hi, I'm Sam" before it: "my lawyer"), where the item alone reads it as the person before it (``unaddressed``)."""
    if not any(c.label == "demand" and "," in str(c.detail.get("item", "")) for c in cues):
        return cues
    names = negotiator_names(window)
    if not names:
        return cues
    out = []
    for cue in cues:
        item = cue.detail.get("item")
        if cue.label == "demand" and isinstance(item, str) and (kept := unaddressed(item, names)) != item:
            cue = Cue(cue.label, cue.spans, {**cue.detail, "item": kept})
        out.append(cue)
    return out


def _time_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A "you have until ..." match cut to its time: before the consequence ("until nine or I'll shoot the
    manager" is "until nine") and never in the middle of a word. The pattern reaches 25 characters past "until",
    so the expression, the evidence the board highlights, read "You have until nine or I'll shoot the ma"."""
    consequence = rx.CONSEQUENCE.search(text, start, end)
    if consequence is not None:
        end = consequence.start()
    elif end < len(text) and text[end].isalnum() and text[end - 1].isalnum():  # the reach ended inside a word
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    return start, len(text[:end].rstrip()) if text[start:end].strip() else end


def _deadlines(
    text: str, reference: datetime | None, *, demand: bool = False, asked: _Asked = _NOTHING_ASKED
) -> list[Cue]:
    short = len(text.split()) <= 25  # in a short turn the demand or consequence may sit in the next fragment
    for pattern, needs_context in ((rx.DEADLINE_YOU, False), (rx.DEADLINE_BY, True), (rx.DEADLINE_BARE, False)):
        for m in pattern.finditer(text):
            sentence = _sentence_of(text, m.start(), m.end())
            context = rx.DEADLINE_CONTEXT.search(text if short else sentence) or demand
            if rx.HABITUAL.search(sentence) or (needs_context and not context):
                continue
            start, end = _time_words(text, m.start(), m.end())
            due = parse_deadline(text[start:end], reference) if reference is not None else None
            detail: Detail = {"expression": text[start:end].strip(), "due_at": due.isoformat() if due else None}
            return [Cue("deadline", ((start, end),), detail)]
    more = sorted([*rx.DEADLINE_MORE.finditer(text), *rx.DEADLINE_AT.finditer(text)], key=lambda m: m.start())
    for m in (*more, *rx.DEADLINE_WIDE.finditer(text)):
        if rx.HABITUAL.search(_sentence_of(text, m.start(), m.end())):
            continue
        when = parse_deadline(m.group(), reference) if reference is not None else None
        found: Detail = {"expression": m.group().strip(), "due_at": when.isoformat() if when else None}
        return [Cue("deadline", ((m.start(), m.end()),), found)]
    # a time or a day said on its own ("Six o'clock, Nora."), or a turn that opens with a duration ("Ten minutes.")
    said = None if asked.when else rx.DEADLINE_SAID.search(text) or rx.DEADLINE_OPENS.match(text)
    if said:
        words = said.group().strip(" .!?,")
        start = said.start() + said.group().index(words)
        return [Cue("deadline", ((start, start + len(words)),), {"expression": words, "due_at": None})]
    rate = rx.DEADLINE_RATE.search(text) if demand else None
    for hit in (rx.COUNTDOWN.search(text), rate):
        if hit is not None and not rx.HABITUAL.search(_sentence_of(text, hit.start(), hit.end())):
            return [Cue("deadline", ((hit.start(), hit.end()),), {"expression": hit.group().strip(), "due_at": None})]
    for m in rx.DEADLINE_FRAGMENT.finditer(text):
        if demand or m["counting"]:
            due = parse_deadline(m["expr"], reference) if reference is not None else None
            detail = {"expression": m["expr"], "due_at": due.isoformat() if due else None}
            return [Cue("deadline", ((m.start("expr"), m.end("expr")),), detail)]
    day = (rx.DEADLINE_DAY.search(text) or rx.DEADLINE_TODAY.search(text)) if demand else None
    if day:
        return [Cue("deadline", ((day.start("day"), day.end("day")),), {"expression": day["day"], "due_at": None})]
    return []


def find_cues(
    text: str,
    *,
    previous_negotiator: str | None = None,
    reference: datetime | None = None,
    after_demand: bool = False,
    suicide_before: bool = False,
) -> list[Cue]:
    """All cues in one subject turn (pure; other analysers reuse it on window turns). ``after_demand``: his previous
    turn made a demand, so "And a car." adds one (``_added_demands``). ``suicide_before``: suicide is on the table
    (``suicide_raised``), so his answer to "Do you have a plan?" is read as one about suicide (``_plan_answer``)."""
    return list(_cues_cached(text, _asked(previous_negotiator, suicide_before), reference, after_demand))


def _adds_an_item(text: str) -> bool:
    """Whether the turn has a fragment that would add an item to a demand before it ("And a car."), or goes on
    with a list of demands ("Second, no retaliation.")."""
    marked = _titles_kept(normalise(text))
    return bool(_added_demands(marked, 0) or _continued_items(marked))


def _goes_on_with_a_list(text: str) -> bool:
    return bool(_continued_items(_titles_kept(normalise(text))))


def listed_before(window: Sequence[Turn]) -> bool:
    """Whether a turn of his in the window opened a numbered list ("We have a list. Eight items. First, that the
    transfers be halted."): then "Second, no retaliation." goes on with it, even where the rules did not hear
    that first item as a demand (one numbered item is no list: ``_numbered_items``)."""
    return any(
        turn.side == "subject" and any(rx.LIST_ORDINALS[m["n"].lower()] == 1 for m in rx.LIST_MARK.finditer(turn.text))
        for turn in window
    )


def demanded_before(window: Sequence[Turn]) -> bool:
    """Whether a turn of his in the window made a demand, as this analyser read that turn (with the negotiator's
    turn just before it, and whether one of his before it made one: "I want food." "And a car." "Plus cigarettes.").

    Why any turn of the window, not only his last: he lists demands across a negotiation ("The doctor may come…",
    then, a turn of small talk later, "And the statement. Read on national radio…"), and the eval's gold labels
    such a turn a demand where his turn just before made none."""
    demanded = False
    for i, turn in enumerate(window):
        if turn.side != "subject":
            continue
        found = find_cues(turn.text, previous_negotiator=_negotiator_before(window, i), after_demand=demanded)
        demanded = demanded or any(cue.label == "demand" for cue in found)
    return demanded


def suicide_raised(window: Sequence[Turn]) -> bool:
    """Whether suicide is on the table in the window: a negotiator's turn asked about it (``suicide_asked``), or a
    turn of his carried a suicide cue, as this analyser read that turn (with the negotiator's turn just before it,
    and whether suicide was raised before it, as ``demanded_before`` reads demands).

    Why: "Do you have a plan?", "How would you do it?" and "When?" name no suicide; asked cold they are about
    getting home or the robbery, and only once suicide is on the table is "Tonight." or "The shotgun." his answer
    about it (``_plan_answer``). The simulator reads the trainee's questions the same way (``sim.reading``)."""
    raised = False
    for i, turn in enumerate(window):
        if turn.side == "negotiator":
            raised = raised or suicide_asked(turn.text) is not None
            continue
        found = find_cues(turn.text, previous_negotiator=_negotiator_before(window, i), suicide_before=raised)
        raised = raised or any(cue.label == "suicide_cue" for cue in found)
    return raised


@lru_cache(maxsize=4096)
def cue_labels(text: str) -> frozenset[str]:
    """The cue labels of a turn read on its own: the avoid rules and the stairway ask this of the same turns."""
    return frozenset(c.label for c in _cues_cached(text, _NOTHING_ASKED, None, False))


@lru_cache(maxsize=4096)
def _cues_cached(text: str, asked: _Asked, reference: datetime | None, after_demand: bool) -> tuple[Cue, ...]:
    """Cached because a subject turn is read by the cue analyser and, without context, by avoid and stairway."""
    return tuple(_find_cues(text, asked, reference, after_demand))


def _find_cues(text: str, asked: _Asked, reference: datetime | None, after_demand: bool = False) -> list[Cue]:
    norm = normalise(text)
    said = _demands(norm, asked, after_demand)
    threats = _threats(norm, asked)
    suicide = _suicide(norm, asked)
    demands = _his_death_marked(said) if suicide else said
    # his death asked for by a time still dates it ("Shoot me by six": indicators.md, deadline_to_be_killed)
    deadlines = _deadlines(norm, reference, demand=bool(said or threats), asked=asked)
    return [*threats, *suicide, *deadlines, *_days_to_deadline(demands, deadlines), *_weapons(norm)]


def _days_to_deadline(demands: list[Cue], deadlines: list[Cue]) -> list[Cue]:
    """The demands with the day he wants each on taken out of its item ("my brother, Dr Samir Haidari, today" ->
    "my brother, Dr Samir Haidari"; ``rx.ITEM_DAY_END``) where that day is the turn's deadline.

    Why: the day is the deadline's, not the thing's: until cues 0.27.2 the board's "D:" button read "my brother,
    Dr Samir Haidari, today" beside the deadline "today". Only where the deadline rules read it: the training
    sets label five of seven such days in a demand no deadline ("I want the money in my bank today", "a press
    conference tonight"), and there, without a deadline, the item is the one place the board shows the day."""
    if not deadlines or not demands:
        return demands
    expression = str(deadlines[0].detail["expression"]).lower()
    out = []
    for cue in demands:
        item = str(cue.detail["item"])
        day = rx.ITEM_DAY_END.search(item)
        if day is not None and day.start() > 0 and day["day"].lower() in expression:
            cue = Cue(cue.label, cue.spans, {**cue.detail, "item": rx.ITEM_LOOSE_END.sub("", item[: day.start()])})
        out.append(cue)
    return out


def _his_death_marked(demands: list[Cue]) -> list[Cue]:
    """The demands of a turn with a suicide cue, those whose item is his own death ("I want them to kill me", "I
    need you to end it": ``rx.DEATH_ASKED``) marked ``own_death``.

    Why marked, not dropped: the labelled sets count "Shoot me" as a demand as well as a suicide cue (most writers,
    ``docs/labelling-guide.md``), and so does the doctrine's wording ("Demands officers kill him", indicators.md);
    but it is no item for the demand ledger, to grant, trade or refuse. The board's "D:" buttons
    (``services.live.demand_items``) and the advisor's demand cards (``_demand_cues``) leave a marked demand out;
    the suicide cue and its asks-to-be-killed clue carry it (cues 0.26.5 dropped the label; 0.26.10 marks it).
    Only where the suicide rules hear the turn: where they do not ("I want them to finish me"), the demand is the
    one cue left to see it by, and stays as it is."""
    return [
        Cue(cue.label, cue.spans, {**cue.detail, "own_death": True})
        if rx.DEATH_ASKED.match(str(cue.detail["item"]))
        else cue
        for cue in demands
    ]


def ledger_item(detail: Mapping[str, object]) -> str | None:
    """The item a demand cue's ``detail`` offers the demand ledger, or None: none named, or his own death asked
    for (``_his_death_marked``), which is a suicide-by-cop sign to weigh, not a demand to grant, trade or refuse."""
    item = detail.get("item")
    return item if isinstance(item, str) and item.strip() and not detail.get("own_death") else None


def _negotiator_before(window: Sequence[Turn], at: int | None = None) -> str | None:
    """The words of the turn before position ``at`` of ``window`` (its end by default) when a negotiator said them:
    what a turn of his at ``at`` answers, or None."""
    at = len(window) if at is None else at
    before = window[at - 1] if at else None
    return before.text if before is not None and before.side == "negotiator" else None


def _plan_question(previous_negotiator: str | None) -> bool:
    """Whether the negotiator's turn just before asks about a plan, the means or the timing."""
    return previous_negotiator is not None and plan_asked(previous_negotiator) is not None


class CueAnalyzer(ModelAssisted):
    """Flags threat, suicide, deadline, demand and weapon cues in subject turns (rules, plus a fine-tuned model)."""

    name: ClassVar[str] = "cues"
    # 0.29.0 a harm talked out of is no threat, a preference to harm one; 0.29.1 a grievance letter no suicide cue;
    # 0.29.2 "Make them shoot me." a demand (own_death); 0.29.3 "an'" ends an item; 0.29.4 no model demand on a wish
    # 0.30.0 his answer to a plan, means or timing question with suicide on the table ("Tonight.") a suicide cue
    # 0.30.1 a yes answers a suicide question as suicide_questions.suicide_asked reads it (its own pattern gone)
    # 0.31.0 a means or a time he discloses to a direct suicide question ("I've the revolver in the glove box.") a cue
    # 0.31.1 every "n't" negates a harm ("I haven't said she dies."); a negated condition does not ("If he isn't here")
    version: ClassVar[str] = "0.31.1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY})

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        out: list[tuple[Annotation, ...]] = [() for _ in turns]
        todo: list[int] = []
        ahead = self._ahead(FAMILY, "subject", turns, ctxs)
        for i, (turn, ctx) in enumerate(zip(turns, ctxs, strict=True)):
            if turn.side != "subject":
                continue
            if not is_judgeable(turn.text):
                out[i] = (self._annotation(Cue(NEUTRAL, ()), score=0.0, low_confidence=True),)
                continue
            prev_text = _negotiator_before(ctx.window)
            reference = turn.at or ctx.reference_time
            if reference is not None and turn.at is not None and ctx.reference_time is not None:
                reference = turn.at.astimezone(ctx.reference_time.tzinfo)  # wall-clock times in the incident's zone
            # Read the window's turns only for a fragment that may add an item ("And a car."): most turns have none.
            after_demand = _adds_an_item(turn.text) and (
                demanded_before(ctx.window) or (_goes_on_with_a_list(turn.text) and listed_before(ctx.window))
            )
            # Read the window for suicide only after a question about a plan: "Do you have a plan?" names none.
            suicide_before = _plan_question(prev_text) and suicide_raised(ctx.window)
            cues = find_cues(
                turn.text,
                previous_negotiator=prev_text,
                reference=reference,
                after_demand=after_demand,
                suicide_before=suicide_before,
            )
            cues = _addressed_out(cues, ctx.window)  # "Get me my lawyer, Sam." to Sam: the lawyer
            out[i] = tuple(self._annotation(cue, score=0.7) for cue in cues)
            todo.append(i)
        # Cue rule labels are only ever added to: every choice for this family is "rules" or "union".
        added = self._join(FAMILY, LABELS, {i: {a.label: a for a in out[i]} for i in todo}, turns, ctxs, ahead)
        for i, labels in added.items():
            if "suicide_cue" in labels and denies_suicide(
                turns[i].text, plan_question=_plan_question(_negotiator_before(ctxs[i].window))
            ):
                del labels["suicide_cue"]  # his refusal of the question, not a cue (``_echo_denied``)
            if "demand" in labels and wishes_harm(turns[i].text):
                del labels["demand"]  # the harm he wishes, which the threat rules read, not a thing asked for
            extra = [
                self._annotation(Cue(label, tuple(self._model_spans(FAMILY, turns[i], label)), self._model_detail(
                    label, turns[i])), score=p)
                for label, p in labels.items()
            ]  # fmt: skip
            out[i] = (*out[i], *sorted(extra, key=lambda a: LABELS.index(a.label)))
        return out

    @staticmethod
    def _model_detail(label: str, turn: Turn) -> Detail:
        return {"source": "model", **(_clue(normalise(turn.text)) if label == "suicide_cue" else {})}

    def _annotation(self, cue: Cue, *, score: float, low_confidence: bool = False) -> Annotation:
        score = min(1.0, max(0.0, round(score, 4)))
        return annotation(
            self.name,
            self.version,
            FAMILY,
            cue.label,
            score,
            cue.spans,
            low_confidence=low_confidence,
            detail=cue.detail,
        )
