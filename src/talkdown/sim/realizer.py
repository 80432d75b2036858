"""Turns the engine's decided reply (an ``Intent``) into words, keeping the persona consistent.

Why a split between engine and realizer: the engine decides *what* happens (a fact told, a demand raised, a
release, the end); the realizer only chooses wording. So facts never contradict (they are the scenario's own
lines), demands follow the scenario, and an optional language model can make the wording richer without ever
taking over the outcome. Variation comes from the ``random.Random`` passed in, never the global generator;
a variant he used in his last few lines is avoided so he does not sound like a loop.

``HttpRealizer`` rewrites the template reply through an OpenAI-compatible ``/v1/chat/completions`` endpoint
(stdlib ``urllib``; off by default, configured by URL). On any failure it falls back to the template text,
so a flaky endpoint never stalls a training session; the reply records which realizer produced it.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlparse

from talkdown.errors import TalkdownError
from talkdown.sim.scenario import Scenario
from talkdown.sim.state import SubjectView

log = logging.getLogger(__name__)
# Characters in a reworded reply: the prompt asks for one to three sentences and a scenario line is at most
# 600, so a longer answer is a model gone astray (and over 100,000 the utterance could not even be logged).
MAX_REPLY = 4_000


@dataclass(frozen=True)
class Intent:
    """What he will say: a key (for the debrief and instructor), ordered parts and slot values.

    A part is either his own scripted line from the scenario or ``@family``, a generic reaction worded by
    the realizer; ``@inject_again:ID`` frames inject ID's scripted reaction, issued again. A slot ``name:ref`` is
    part ``@family:ref``'s own value of ``name`` (two parts of one reply may each need their own ``{item}``).
    ``arousal`` lets a realizer pick the register.
    """

    key: str
    parts: tuple[str, ...]
    slots: tuple[tuple[str, str], ...] = ()
    arousal: float = 0.5


@dataclass(frozen=True)
class Spoken:
    text: str
    realizer: str


class Realizer(Protocol):
    def realize(self, intent: Intent, scenario: Scenario, view: SubjectView, rng: random.Random) -> Spoken: ...


# From this arousal up he vents (the engine's mood line) and answers a suicide question irritated [D].
VENTING_AROUSAL = 0.55

# Generic reactions, written for talkdown; the persona's own lines come from the scenario file.
GENERIC: dict[str, tuple[str, ...]] = {
    "backfire": (
        "Don't tell me what to do. You don't know the first thing about me.",
        "Oh, so now you've got a plan for me? You haven't heard a word I've said.",
        "Here it comes. Everybody's always got advice for me.",
        "Stop managing me. I'm not some problem on your list.",
    ),
    "avoid.threat": (
        "Go ahead, send them in. See what happens.",
        "You're threatening me now? That's how this is going to go?",
        "Try it. You think I care anymore?",
    ),
    "avoid.ultimatum": (
        "You don't get to put a clock on me.",
        "Last chance? You don't decide when this ends.",
    ),
    "avoid.face_attack": (
        "You think this is a joke? You think I'm a joke?",
        "Laugh at me one more time. Go on.",
    ),
    "avoid.arguing": (
        "Don't tell me I'm wrong. You weren't there.",
        "Yeah, of course, I'm the unreasonable one. Same as always.",
        "You sound just like them.",
    ),
    "avoid.flat_no": (
        "No? Then what are we even talking for?",
        "That's it? Just no? Then we're done here.",
    ),
    "avoid.dismissing_demand": (
        "Impossible. Right. Everything I need is impossible.",
        "So what I want doesn't matter. Got it.",
    ),
    "avoid.minimizing": (
        "Don't tell me to calm down.",
        "Not that bad? You have no idea what this is like.",
        "Easy for you to say from out there.",
    ),
    "avoid.setting_deadline": (
        "I know what time it is. You don't have to remind me.",
        "Are you counting down on me now?",
    ),
    "avoid.trigger_word": ("Don't use those words with me.", "Listen to how you talk. Like I'm a case file."),
    "avoid.why_question": ("Why? You want me to justify myself to you?", "Why does it matter why?"),
    "avoid.empty_understanding": ("You don't understand anything.", "You keep saying that. You don't get it."),
    "avoid.interrogation": (
        "What is this, an interview?",
        "Enough questions. You sound like you're filling in a form on me.",
    ),
    "avoid.self_focus": ("This isn't about you.", "Why are you telling me about your life? Mine's the one on fire."),
    "avoid.other": ("That's not helping.", "Is that what they taught you to say?"),
    "trigger_again": (  # his trigger word said again: his scenario reply was given the first time (engine)
        'I told you already. Don\'t say "{topic}" to me again.',
        '"{topic}" again? Are you trying to set me off?',
        'You heard me the first time. Leave "{topic}" out of it.',
        'Say "{topic}" one more time and we\'re done talking.',
    ),
    "inject_again": (  # an inject issued again: his scripted reaction was given the first time (engine)
        "Not again. {reaction}",
        "Again? {reaction}",
        "{reaction} Again!",
        "{reaction} This again. How many more times?",
    ),
    "repeat": (
        "You keep saying that.",
        "That again? Are you reading off a card?",
        "You said that already. Say something real.",
    ),
    "confirm": (
        "That's right. That's exactly it.",
        "Yeah. That's right.",
        "That's it. Nobody's put it like that before.",
    ),
    "opens": (
        "Say I {exit}. What would happen to me after this?",
        "If I {exit}... how would that even work?",
        "What happens to me if I {exit}? Tell me straight.",
    ),
    "not_yet": (
        "I'm not there yet. Don't push me.",
        "Maybe. I don't know. Not yet.",
        "I hear you. I just need a minute.",
    ),
    "not_yet_hopeless": (
        "And then what? I go back to nothing?",
        "What's the point? Nothing's different tomorrow.",
        "Say I do. Then what's left for me?",
    ),
    "not_yet_demand": ("Not until I hear back about {item}.", "You still haven't told me anything about {item}."),
    "regress": ("Forget it. I don't trust any of you.", "I thought you were different. Guess not."),
    "demand_again": ("You heard me. I want {item}.", "I'm still waiting on {item}.", "{item}. I'm not asking again."),
    "promise_broken": (
        "You said it was coming. Where is it? You lied to me.",
        "Nothing's here. You made that up, didn't you.",
    ),
    "promise_hollow": (  # a promise with no demand behind it ("everything's going to be okay"), found out
        "You promised me it would be okay. It isn't. Don't make me promises you can't keep.",
        "You gave me your word. Your word about what? Nothing's changed.",
    ),
    "deadline_quiet": (
        "That time I gave you has come and gone. Fine. A little longer. Don't make me regret it.",
        "Time's up, you know that? ...Okay. I'll wait a bit more. Not forever.",
    ),
    "deadline_harm": ("I told you what would happen. You didn't listen.",),
    "suicide_answer": (  # a direct suicide question, asked a subject with suicidal thoughts (engine)
        "...Yeah. I've thought about it. I'm thinking about it right now.",
        "Yes. You're the first one to ask me straight out.",
        "...Yeah. I have. Nobody's ever just asked me that.",
    ),
    "suicide_deflect": (  # a hedged suicide question, led to a "no" or put as a euphemism: he gives the "no" (engine)
        "No. Course not.",
        "What, like end it all? No.",
        "No. I'm fine. Drop it.",
        "Me? No. Why would you even ask that?",
    ),
    # A suicide question, direct or hedged, asked a subject with no suicidal thoughts: the truth, a plain "no", in
    # his register (``_plain_no``). None names the act: the cue model reads "Kill myself? No." as a suicide cue, so
    # the board would show his denial as one (the rules, and so the debrief's "Suicide risk" part, no longer do
    # since cues 0.27.5), and none says
    # where he is ("out of here"), for the kidnapper is on a phone line and the others behind a door.
    "suicide_no.irritated": (  # he is worked up: the question is one more thing not about what he wants
        "No! That's not what this is. Are you even listening to me?",
        "What kind of question is that? No.",
        "No. Is that all you've got to ask me?",
    ),
    "suicide_no.surprised": (  # an expressive man, calmer: it catches him off guard, and he says so
        "What? No. No, it's nothing like that.",
        "Where did that come from? No. That's not what this is.",
        "No... no. I'm upset, that's all. Not that.",
    ),
    "suicide_no.dismissive": (  # an instrumental man, calmer: it is beside his point, and he brushes it off
        "No. That's not what this is about.",
        "Me? No. Let's stick to what matters.",
        "No. Don't waste time on that.",
    ),
    # Asked about a plan, the means or the timing while suicidal (answers.suicide_parts): the means come from the
    # scenario (``voice.suicide_plan``, else his weapons in {means}); no scenario names an hour, so he names none.
    "suicide_plan.how": (  # calmer, a weapon known: he says what he would use
        "Yeah. I've got {means}. That's how.",
        "{means}. I've thought about it more than once.",
        "I've got {means} right here. I've worked out how.",
    ),
    "suicide_plan.when": (
        "Soon. Tonight, maybe. I keep putting it off.",
        "I haven't picked a minute. Soon.",
        "When I've worked up to it. It won't be long.",
    ),
    "suicide_plan.guarded": (  # worked up: he half-discloses, a plan he keeps to himself
        "I've thought about it. That's all you're getting.",
        "You don't need the details. You think I'd tell you, so you can stop me?",
        "I know what I'm going to do. That's all you need to know.",
    ),
    "suicide_plan.none": (  # no means the scenario knows: the wish, no plan worked out
        "No. I haven't got that far. I just know I can't keep going like this.",
        "Not really. I just want it all to stop.",
        "I haven't worked any of that out. I just don't see a way through this.",
    ),
    # A plan question asked a subject with no suicidal thoughts: no plan, plainly, in his register as his "no" to
    # the thoughts question (``_plain_no``), and like it naming no act (the cue model would read one as a cue).
    "suicide_plan_no.irritated": (
        "No! There's no plan. That's not what this is.",
        "What plan? No. Are you even listening to me?",
    ),
    "suicide_plan_no.surprised": (
        "A plan? No. No, nothing like that.",
        "No. There's nothing like that. I told you.",
    ),
    "suicide_plan_no.dismissive": (
        "There's no plan. That's not what this is about.",
        "No. Let's stick to what matters.",
    ),
    # Answers to direct questions (answers.answers_to): the facts come in the slots, from the scenario; these word them.
    "answer_hurt": ("{hurt}", "You want to know how they are? {hurt}", "{hurt} That's how it is in here."),
    "answer_with_you": ("I've got {who}.", "{who}. That's who."),
    "answer_all_out": ("Everyone I had is out. You know that.", "They're all out. I let every one of them go."),
    "answer_nobody_held": (
        "I'm not holding anybody, if that's what you're asking.",
        "Nobody's being held here, if that's what you want to know.",
    ),
    "answer_weapon": (
        "I've got {weapon}.",
        "{weapon}. That's what I've got.",
        "I've got {weapon}. That's all you get.",
    ),
    "answer_weapon_unsaid": ("That's not what this is about.", "Why does that matter? That's not what this is about."),
    "answer_wants": ("I told you: {items}.", "{items}. How many times do I have to say it?"),
    "answer_wants_none": ("I don't want anything from you.", "Nothing you can give me."),
    "released": (  # the alias mid-sentence: "the pregnant woman" would open one in lower case
        "Okay. I'm letting {alias} go. That's good faith, remember it.",
        "I'm sending {alias} out. Now you owe me.",
    ),
}


_SLOT = re.compile(r"\{[^}]*\}")


def _recent(view: SubjectView, n: int = 4) -> set[str]:
    return set([i.text for i in view.items if i.kind == "subject"][-n:])


def _choose(options: tuple[str, ...] | list[str], rng: random.Random, avoid: set[str]) -> str:
    """A wording not among his recent lines, known by its longest fixed part (a slot's value varies).

    The text before the first slot was used: for "{item}. I'm not asking again." that is '', found in every
    line, so that variant was never chosen while another was fresh.
    """
    return rng.choice(_fresh(options, avoid) or list(options))


def _fresh(options: tuple[str, ...] | list[str], avoid: set[str]) -> list[str]:
    """The wordings none of his recent lines holds (by ``_fixed``)."""
    return [o for o in options if not any(_fixed(o) in a for a in avoid)]


def _fixed(option: str) -> str:
    """The longest part of a wording outside its slots, cut to 30 characters: what a line said with it holds.

    >>> _fixed("{item}. I'm not asking again.")
    ". I'm not asking again."
    """
    return max(_SLOT.split(option), key=len)[:30]


def _sentence(text: str) -> str:
    """A reply part opening with a slot's value ('a car ...') starts its sentence with a capital."""
    return text[:1].upper() + text[1:]


class TemplateRealizer:
    """Words replies from the scenario's lines and the generic reactions above; fast and deterministic."""

    name = "template"

    def realize(self, intent: Intent, scenario: Scenario, view: SubjectView, rng: random.Random) -> Spoken:
        voice = scenario.persona.voice
        slots = dict(intent.slots)
        recent = _recent(view)
        out: list[str] = []
        for part in intent.parts:
            if not part.startswith("@"):
                out.append(part)
                continue
            family, _, ref = part[1:].partition(":")
            values = _Slots(slots)
            values.update({k.partition(":")[0]: v for k, v in slots.items() if ref and k.partition(":")[2] == ref})
            # The scenario's own lines are said as written; only talkdown's templates (GENERIC) hold slots. Run
            # through format_map, an instructor's line with a brace in it ("{sigh}", a lone "{") ended the
            # session with an internal error, and "{x}" was said as "that".
            own: tuple[str, ...] | list[str] = ()
            if family == "inject_again":  # the author's words for it issued again, else his line framed as such
                inject = scenario.inject(ref)
                values["reaction"] = inject.reaction
                own = _fresh(inject.reaction_again, recent)
            elif family == "venting":
                own = voice.venting
            elif family == "calmer":
                own = voice.calmer
            elif family in ("suicide_no", "suicide_plan_no"):  # his own words for it, else talkdown's, in his register
                own = voice.not_suicidal
                family = _plain_no(scenario, intent.arousal, family)
            elif family == "suicide_plan.how":  # the scenario's words for his means, else his weapons (engine)
                own = voice.suicide_plan
            if own:
                out.append(_sentence(_choose(own, rng, recent)))
            else:
                options = GENERIC.get(family) or GENERIC["avoid.other"]
                out.append(_sentence(_choose(options, rng, recent).format_map(values)))
            recent.add(out[-1])  # nor one wording twice in a reply (two trigger words said again, each escalating)
        return Spoken(" ".join(out) or voice.calmer[0], self.name)


def _plain_no(scenario: Scenario, arousal: float, family: str) -> str:
    """Which of talkdown's plain "no"s (``family``: to his thoughts, or to a plan) a subject with no suicidal
    thoughts gives a suicide question.

    Why by arousal and ``persona.expressive``: the same "no" in every mouth would not sound like the man the
    scenario describes. Worked up (from ``VENTING_AROUSAL``, where he vents), any subject is irritated by a question
    that is not about what he wants; calmer, an expressive one, driven by what he feels (incident-types.md,
    instrumental vs expressive), is caught off guard, and an instrumental one, there for what he can get, brushes
    it aside.
    """
    if arousal >= VENTING_AROUSAL:
        return f"{family}.irritated"
    return f"{family}.surprised" if scenario.persona.expressive else f"{family}.dismissive"


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "that"


class HttpRealizer:
    """Rewords the template reply with an OpenAI-compatible chat endpoint; the engine keeps the decisions."""

    name = "llm"

    def __init__(self, url: str, *, model: str = "default", timeout_s: float = 20.0, api_key: str | None = None):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise TalkdownError("TD630", url=url, problem="the URL must start with http:// or https://")
        base = url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else f"{base}/v1/chat/completions"
        self.model = model
        self.timeout_s = timeout_s
        self.api_key = api_key
        self.fallback = TemplateRealizer()

    def realize(self, intent: Intent, scenario: Scenario, view: SubjectView, rng: random.Random) -> Spoken:
        draft = self.fallback.realize(intent, scenario, view, rng)
        seed = rng.randrange(2**31)
        try:
            text = self._complete(self._messages(draft.text, scenario, view), seed)
        except (
            urllib.error.URLError,
            http.client.HTTPException,  # a cut-off or malformed response (IncompleteRead, BadStatusLine)
            TimeoutError,
            OSError,
            ValueError,
            KeyError,
            IndexError,
            TypeError,
        ) as exc:
            log.warning("LLM realizer failed (%s); using the template reply", type(exc).__name__)
            return Spoken(draft.text, "template-fallback")
        if not text or len(text) > MAX_REPLY:  # asked for one to three sentences: a runaway answer is no reply
            return Spoken(draft.text, "template-fallback")
        return Spoken(text, self.name)

    def _messages(self, draft: str, scenario: Scenario, view: SubjectView) -> list[dict[str, str]]:
        p = scenario.persona
        facts = "\n".join(f"- {f.text}" for f in p.backstory)
        system = (
            f"You are {p.name}, the subject in a police negotiation training exercise ({scenario.title}). "
            f"Motive: {p.motive}. Facts about you, never contradict them:\n{facts}\n"
            "Rewrite the reply you are given in your own voice. Keep every fact, demand, time and decision in it; "
            "add no new facts, demands or promises; one to three sentences; no stage directions."
        )
        history = "\n".join(
            f"{'Negotiator' if i.kind == 'trainee' else 'You'}: {i.text}" for i in view.items[-8:] if i.kind != "inject"
        )
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": f"Conversation so far:\n{history}\n\nReply to reword:\n{draft}"},
        ]

    def _complete(self, messages: list[dict[str, str]], seed: int) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0.7, "seed": seed}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310  # scheme checked
            payload = json.loads(response.read().decode("utf-8"))
        content = payload["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise TypeError("content is not text")
        return content.strip()
