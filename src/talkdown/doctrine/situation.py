"""A situation to compare with the case library, from an incident's state or from a few lines of text.

Why rules and not a model: there are 41 cases and no labelled descriptions to learn from, and a team
leader must be able to see why "bank robbery gone wrong" was read as ``criminal_interrupted``. The keyword
tables below are talkdown design [D] built on the type and typology definitions of ``incident-types.md``
and the demand types of [T13]; they only steer the *search*, never advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from talkdown.doctrine.evidence import AnnotationMap
from talkdown.domain.enums import IncidentMode, IncidentType
from talkdown.domain.stamps import own_times
from talkdown.domain.state import IncidentState, Utterance


@dataclass(frozen=True)
class Situation:
    """Comparable features; ``None`` or empty = unknown, never "none"."""

    incident_type: str | None = None
    types: frozenset[str] = frozenset()
    typology: frozenset[str] = frozenset()
    hostages: int | None = None
    demands: tuple[str, ...] = ()
    duration_hours: float | None = None
    channels: frozenset[str] | None = None
    text: str = ""
    duration_so_far: bool = False
    """``duration_hours`` is how long a still-open incident has run: a lower bound on how long it will last."""


def _rx(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")", re.IGNORECASE)


# Order matters on ties: the more specific type first.
TYPE_CUES: dict[str, re.Pattern[str]] = {
    "criminal_interrupted": _rx(r"rob", r"heist", r"hold-?up", r"bank", r"getaway", r"armed robbery", r"burglar"),
    "prison": _rx(r"prison\b", r"inmate", r"jail", r"penitentiar", r"correctional", r"cell ?block", r"riot"),
    "hijacking": _rx(r"hijack", r"plane", r"aircraft", r"airliner", r"flight", r"cockpit", r"ship\b", r"vessel"),
    "kidnap_for_ransom": _rx(r"kidnap", r"ransom", r"abduct", r"proof of life"),
    "diplomatic_state": _rx(r"embass", r"diplomat", r"consulate", r"ambassador"),
    "terrorist": _rx(r"terror", r"militant", r"jihad", r"extremist", r"political prisoners"),
    "mass_hostage": _rx(r"school", r"theat(?:re|er)", r"hundreds of hostages", r"mass hostage"),
    "domestic": _rx(
        r"wife",
        r"husband",
        r"girlfriend",
        r"boyfriend",
        r"partner",
        r"custody",
        r"his kids",
        r"her kids",
        r"children",
        r"family",
        r"ex\b",
        r"estranged",
    ),
    "suicide_intervention": _rx(r"suicid", r"kill (?:him|her)self", r"end (?:his|her|my) life", r"jump"),
    "barricade": _rx(r"barricad", r"holed up", r"refus\w* to come out", r"won't come out"),
}
TYPOLOGY_CUES: dict[str, re.Pattern[str]] = {
    "criminal": _rx(r"rob", r"heist", r"criminal", r"gang", r"drug deal", r"escape from police", r"fugitive"),
    "prisoner": _rx(r"prison\b", r"inmate", r"jail", r"penitentiar"),
    "terrorist_political": _rx(r"terror", r"militant", r"political", r"liberation front"),
    "domestic": TYPE_CUES["domestic"],
    "mentally_ill": _rx(
        r"psychot", r"schizophren", r"hears voices", r"hearing voices", r"mental(?:ly)? ill", r"delusion", r"paranoi"
    ),
    "suicidal": TYPE_CUES["suicide_intervention"],
    "grievance": _rx(
        r"(?:was|were|got|been|being|get|gets) fired\b",
        r"fired from (?:his|her|their|the|a) (?:job|post|position|work)",
        r"laid off",
        r"lay-?offs?\b",
        r"sacked",
        r"dismissal",
        r"dismissed from",
        r"reinstat",
        r"grievance",
        r"unfair",
        r"lost (?:his|her|their) (?:job|home|house|farm|business|pension)",
        r"foreclos",
        r"evict",
        r"repossess",
        r"mortgage",
    ),
    "ideological_religious": _rx(r"cult", r"sect\b", r"religio", r"apocalyp", r"sovereign citizen", r"militia"),
}
_TO_SEE = r"(?:talk|speak|meet|see)(?:s|ing)?\s+(?:(?:to|with)\s+)?"
"""The verbs of a demand to speak to someone ("to talk to", "to speak with", "to meet", "to see")."""
_OFFICIAL = (
    r"(?:president|prime minister|premier|chancellor|minister|secretary of state|governor|mayor|ambassador|consul"
    r"|senator|congress(?:man|woman)|member of parliament|mp\b|police chief|chief of police|commissioner|sheriff"
    r"|judge|pope|bishop|king\b|queen\b)"
)
"""Officials a subject asks to speak to: "to talk to the Prime Minister" is a demand for a person, as one to talk
to his mother is, but only his family had been listed, so the Lindt Café case's demand and a query naming a head
of government shared no demand kind."""
DEMAND_KINDS: dict[str, re.Pattern[str]] = {
    "money": _rx(r"money", r"cash", r"ransom", r"dollars", r"million", r"\$"),
    "transport": _rx(
        r"car\b",
        r"plane",
        r"helicopter",
        r"bus\b",
        r"flight",
        r"vehicle",
        r"safe passage",
        r"safe exit",
        r"getaway",
        r"to leave",
        r"escape",
    ),
    "release_of_prisoners": _rx(r"release of", r"prisoners", r"free (?:his|their) comrades", r"inmates freed"),
    "media": _rx(r"media", r"tv\b", r"television", r"radio", r"press", r"reporter", r"broadcast", r"publish"),
    "person": _rx(
        _TO_SEE + r"(?:his|her|my|their)\b",
        _TO_SEE + r"(?:\S+\s+){0,2}?" + _OFFICIAL,
        r"wife",
        r"girlfriend",
        r"mother",
        r"lawyer",
        r"priest",
        r"brought to",
    ),
    "amnesty": _rx(r"amnesty", r"no prosecution", r"immunity", r"no charges", r"reprisals"),
    "conditions": _rx(r"conditions", r"rights", r"treatment", r"grievances", r"food", r"cigarette"),
}
CHANNEL_CUES: dict[str, re.Pattern[str]] = {
    "phone": _rx(r"phone", r"call(?:ed|ing|s)?\b", r"throw ?phone", r"landline", r"mobile"),
    "bullhorn": _rx(r"bullhorn", r"megaphone", r"loudhailer"),
    "face_to_face": _rx(r"face to face", r"face-to-face", r"in person"),
    "intermediary": _rx(r"intermediar", r"mediat", r"go-between", r"relative talk", r"priest talk"),
    "text_message": _rx(r"text message", r"texting", r"sms", r"whatsapp"),
    "radio": _rx(r"radio"),
    "media": _rx(r"through the media", r"on tv", r"on air"),
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozens of": 24,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundreds of": 200,
}
_COUNT = re.compile(
    r"\b(\d{1,5}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\s+"
    r"(?!(?:few|couple|number|lot|handful|group|bunch)\b)(?:\w+\s+){0,2}?"
    r"(?:hostages?|captives?|people held|employees|customers|passengers|guards|staff|children"
    r"|tellers?|cashiers?|clerks?)\b",
    re.IGNORECASE,
)
"""A number before people who may be held: "a few tellers" is no count of one."""
_NO_HOSTAGE = _rx(
    r"no hostages", r"alone\b", r"by himself", r"by herself", r"nobody else", r"(?:no one|nobody) (?:is |was )?held"
)
_DURATION = re.compile(
    r"\b(\d{1,4}(?:\.\d+)?|" + "|".join(k for k in _NUMBER_WORDS if " " not in k) + r")\s+(hour|day|week)s?\b",
    re.IGNORECASE,
)
_UNIT_HOURS = {"hour": 1.0, "day": 24.0, "week": 168.0}
_HOSTAGE_WORDS = _rx(r"hostage", r"captive", r"held at gunpoint", r"holding .{1,30} (?:at gunpoint|inside)")
_PEOPLE = (
    r"(?:tellers?|cashiers?|clerks?|staff|staffers|employees?|workers?|customers?|shoppers?|passengers?|guards?"
    r"|children|kids|students?|pupils?|teachers?|nurses?|patients?|people|residents?|tourists?|crew|hostages?)"
)
"""People a subject holds in a robbery, a siege or a riot (not police officers: "held the officers at bay")."""
_NOT_HELD = r"(?:up|back|off|out|down|on (?:the )?(?:line|phone)|at bay|responsible|accountable|to account)\b"
"""What makes "hold" something else: a hold-up, holding back, "held on the line", "held responsible"."""
_HELD_PEOPLE = re.compile(
    rf"\b{_PEOPLE}\s+(?:(?:are|were|is|was|being|been|still)\s+){{0,3}}held\b"
    rf"(?!\s+(?:{_NOT_HELD}|(?:a|an|the|his|her|their|its|my|our|your|them|him|it|talks|meetings?)\b))"
    rf"|\b(?:hold|holds|holding|held)\s+(?!{_NOT_HELD})(?:(?:the|some|several|all|his|her|their|its)\s+)?"
    rf"(?:(?!(?:for|with|to|in|at|on|by|from|of)\b)\w+\s+){{0,2}}?{_PEOPLE}\b(?!\s+{_NOT_HELD})",
    re.IGNORECASE,
)
"""People held, whoever holds them: "tellers held", "staff are being held", "held the tellers", "holding four
employees". "Bank robbery, tellers held" (the README's own example) read no hostage at all; a verb with its own
object after "held" ("staff held a press conference") or a hold-up is not one."""
_DENIED_HOSTAGES = _rx(rf"(?:no|without|zero|not holding any|not any) (?:captives?|{_PEOPLE})\b")
"""Mentions that deny hostages ("no hostages", "without captives"), removed before looking for hostage words:
"barricaded alone, no hostages" was tagged a hostage incident and compared with hostage cases."""


def _hits(patterns: dict[str, re.Pattern[str]], text: str) -> dict[str, int]:
    counts = {name: len(rx.findall(text)) for name, rx in patterns.items()}
    return {k: v for k, v in counts.items() if v}


_DEMAND_CLAUSE = re.compile(
    r"\b(?:wants?|wanted|wanting|demand(?:s|ed|ing)?|ask(?:s|ed|ing)? (?:for|to)|request(?:s|ed|ing)?"
    r"|insist(?:s|ed|ing)? on|call(?:s|ed|ing)? for|is after|are after)\b(?P<what>.*?)"
    r"(?=[.;!?\n]|,?\s+(?:and\s+|but\s+)?(?:he|she|they|who|says|said|while|since|because|although)\b|$)",
    re.IGNORECASE,
)
"""What a description says is wanted: the words after a demand verb, to the end of the clause."""
_DEMAND_NOUNS = _rx(r"ransom", r"amnesty", r"safe passage", r"safe exit", r"release of", r"immunity", r"no prosecution")
"""Words that name a demand wherever they stand ("a kidnap for ransom"); the other kinds' words ("wife", "car",
"radio", "food") are as often the scene as the demand, so they count only after a demand verb."""


def described_demands(text: str) -> tuple[str, ...]:
    """The demand texts of a free description. Why not the whole description (as before): "barricaded with his
    wife" read as a demand for a person, and "his car is outside" as one for transport, so ``cases like`` ranked
    neighbours by demands nobody made."""
    found = [m.group("what").strip(" ,") for m in _DEMAND_CLAUSE.finditer(text)]
    found += [m.group(0) for m in _DEMAND_NOUNS.finditer(text) if not any(m.group(0) in f for f in found)]
    return tuple(f for f in found if demand_kinds([f]))


def demand_kinds(demands: Iterable[str]) -> frozenset[str]:
    """Demand categories found in demand texts (money, transport, release of prisoners, media, ...)."""
    text = " . ".join(demands)
    return frozenset(_hits(DEMAND_KINDS, text)) if text else frozenset()


def hostage_bucket(n: int) -> int:
    """0 none, 1 one, 2 a few (2-10), 3 a group (11-50), 4 mass (51+): counts are rarely known exactly."""
    return 0 if n <= 0 else 1 if n == 1 else 2 if n <= 10 else 3 if n <= 50 else 4


def duration_bucket(hours: float) -> int:
    """0 under 4 h (most incidents, FBI infographic [R35]), 1 under a day, 2 under a week, 3 longer."""
    return 0 if hours < 4 else 1 if hours < 24 else 2 if hours < 168 else 3


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def describe(text: str) -> Situation:
    """Read a short free-text description ("a bank robbery gone wrong, three hostages, he wants a car")."""
    types = _hits(TYPE_CUES, text)
    undenied = _DENIED_HOSTAGES.sub(" ", text)
    has_hostages = bool(_HOSTAGE_WORDS.search(undenied) or _HELD_PEOPLE.search(undenied))
    counts = [_number(m.group(1)) for m in _COUNT.finditer(text)]
    hostages = max(counts) if counts else (0 if _NO_HOSTAGE.search(text) else None)
    order = list(TYPE_CUES)
    if not has_hostages and not hostages and "barricade" not in types:
        # Nobody held and nobody shut in with him: a man threatening to jump whose wife left him is a suicide
        # intervention first, not the domestic incident the tie order (for a man holed up with his wife) makes it.
        order.remove("suicide_intervention")
        order.insert(0, "suicide_intervention")
    primary = max(types, key=lambda t: (types[t], -order.index(t))) if types else None
    tags = set(types)
    if has_hostages or (hostages or 0) > 0:
        tags.add(IncidentType.HOSTAGE.value)
        primary = primary or IncidentType.HOSTAGE.value
    durations = [
        float(_number(m.group(1)) if not m.group(1)[0].isdigit() else float(m.group(1)))
        * _UNIT_HOURS[m.group(2).lower()]
        for m in _DURATION.finditer(text)
    ]
    channels = frozenset(_hits(CHANNEL_CUES, text))
    return Situation(
        incident_type=primary,
        types=frozenset(tags),
        typology=frozenset(_hits(TYPOLOGY_CUES, text)),
        hostages=hostages,
        demands=described_demands(text),
        duration_hours=max(durations) if durations else None,
        channels=channels or None,
        text=text,
    )


CUE_FAMILY = "talkdown_cue"
READS_FAMILIES = frozenset({CUE_FAMILY})
"""The analysis families ``incident_situation`` reads from its ``annotations``: a caller fetches only these."""


def incident_situation(
    state: IncidentState, *, subject_ids: Sequence[str] = (), annotations: AnnotationMap | None = None
) -> Situation:
    """Features of a logged incident: what the log knows, plus a reading of its title and description.

    Typology is not a field of the incident, so it comes from the description (the team's own words), from
    what the subject said, and from the analysis of his lines (``annotations``, by seq): a confident suicide
    cue makes him ``suicidal``. The words alone read "Nobody would even miss me. I already gave my dog to my
    sister." as nothing, so an incident whose board showed suicide cues was matched to cases with no suicidal
    subject. Duration runs from the opening to the close; while the incident is open, to the last entry, marked
    as a lower bound (``duration_so_far``). An imported transcript (STUDY) is a past conversation logged in one
    instant: it runs from its first line to its last by the times the lines carry (a line the file gave none is
    left out), and is unknown when fewer than two carry one (the import's few milliseconds read as "under 0.1 h so
    far").
    """
    his = [u for u in state.utterances if not u.retracted and (not subject_ids or u.speaker in subject_ids)]
    said = [u.text for u in his]
    prose = " . ".join(p for p in (state.title, state.description, state.location) if p)
    read = describe(prose + " . " + " . ".join(said))
    if state.mode is IncidentMode.STUDY:  # an imported conversation: its entry times are the import's
        times = own_times(state)  # from the first line with a time to the last; one time alone spans nothing
        duration = (times[-1] - times[0]).total_seconds() / 3600 if len(times) > 1 else None
    else:
        end = state.closed_at or state.last_at
        duration = (end - state.opened_at).total_seconds() / 3600 if end and state.opened_at else None
    live_hostages = len(state.hostages)
    return Situation(
        incident_type=state.incident_type.value,
        types=frozenset({state.incident_type.value} | ({IncidentType.HOSTAGE.value} if live_hostages else set())),
        typology=read.typology | ({"suicidal"} if _suicide_cue(his, annotations or {}) else set()),
        hostages=live_hostages if live_hostages else read.hostages,
        demands=tuple(d.item for d in state.demands.values()) or read.demands,
        duration_hours=duration,
        channels=frozenset(u.channel.value for u in state.utterances) or read.channels,
        text=" . ".join([prose, *(d.item for d in state.demands.values()), *said]),
        duration_so_far=state.closed_at is None and state.mode is not IncidentMode.STUDY,
    )


def _suicide_cue(turns: Sequence[Utterance], annotations: AnnotationMap) -> bool:
    return any(
        a.family == CUE_FAMILY and a.label == "suicide_cue" and not a.low_confidence
        for u in turns
        for a in annotations.get(u.seq, ())
    )
