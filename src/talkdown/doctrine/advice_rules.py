"""The advisor's detectors: one function per rule, each returning findings with the events behind them.

Every detector needs logged evidence (an entry or an annotated utterance) and returns the seqs it rests on,
so nothing fires on an empty or quiet log. Wording lives in ``rules/*.yaml``; thresholds come from the
agency ``Policy``. Doctrine sources are named per function; ``[D]`` marks talkdown's own thresholds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from talkdown.analysis.avoid import names_kind, offered_kind
from talkdown.analysis.avoid_doctrine import better_lines, doctrine_ids
from talkdown.analysis.cues import ledger_item
from talkdown.analysis.suicide_clues import BY_ID as CLUES
from talkdown.analysis.suicide_clues import stored_clue
from talkdown.analysis.suicide_questions import PLAIN_QUESTION, suicide_asked
from talkdown.doctrine.evidence import Found, View, content_words, fmt_time, seq_list
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import CommitmentStatus, DeadlineStatus, DemandCategory, DemandStatus, HostageCondition, Role
from talkdown.domain.state import Demand, Utterance

OPEN_DEMAND = frozenset({DemandStatus.OPEN, DemandStatus.IN_PROGRESS})
HARMED = frozenset({HostageCondition.INJURED, HostageCondition.CRITICAL, HostageCondition.DECEASED})
CUE, AVOID, WARNING, STAIRWAY = "talkdown_cue", "talkdown_avoid", "stairway_warning", "stairway"
RAPPORT_OR_ABOVE = frozenset({"rapport", "influence", "behavioral_change"})
PROGRESS_TURNS = 6  # subject turns compared, recent against earlier [D]
SAME_DEADLINE = timedelta(minutes=5)  # a heard deadline due this close to a recorded one is that one, restated [D]
LONGER_RATIO = 1.25  # recent mean words per subject turn at least this times the earlier mean [D]
# Behaviours a card of their own covers (unrequested_concession; premature_problem_solving is the stairway's
# influence_before_rapport), or too weak to interrupt a negotiator for: avoid.md gives contested_stock_phrase
# "low weight", and other_avoid names no behaviour. [D]
_NOT_COACHED = frozenset(
    {"unrequested_concession", "premature_problem_solving", "contested_stock_phrase", "other_avoid"}
)
QUOTE_CHARS = 80
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")

Detector = Callable[[View], Iterator[Found]]


def deadline_rules(v: View) -> Iterator[Found]:
    """Deadlines: passed quietly (progress), approaching, and repeated (he is committed).

    Doctrine: demands-deadlines.md "Deadlines" [R40 S; T20 S; R11 S]; a deadline inferred as passed needs the
    due time plus the policy's grace window and no hostage logged as harmed since the deadline was set [D]
    ("no harmful act logged within a grace window"). A hostage hurt before he set it is no act of this deadline:
    counting it kept every later deadline from ever passing quietly. From the due time until the grace window
    ends the deadline is still "approaching" (due now, outcome not yet known): that is when the team most needs
    the card, and it had none.
    """
    grace = timedelta(minutes=v.policy.deadline_grace_minutes)
    for dl in v.state.deadlines.values():
        pending = dl.status in (DeadlineStatus.PENDING, DeadlineStatus.EXTENDED)
        logged_quiet = dl.status is DeadlineStatus.PASSED_WITHOUT_INCIDENT
        harmed = any(h.condition in HARMED and h.condition_seq > dl.seq for h in v.state.hostages.values())
        inferred_quiet = pending and not harmed and v.now >= dl.due_at + grace
        if (logged_quiet or inferred_quiet) and dl.due_at <= v.now <= dl.due_at + v.window:
            how = "logged as passed without incident" if logged_quiet else "no harmful act logged since"
            what = dl.description or "no description"
            about = f"Deadline {dl.deadline_id} ({what}) was due {fmt_time(dl.due_at, v.zone)}; {how}."
            yield Found("deadline_passed_quietly", dl.deadline_id, (dl.seq,), about)
        near = _near(v, dl.due_at) if pending else None
        if near is not None:
            yield Found("deadline_approaching", dl.deadline_id, (dl.seq,), f"Deadline {dl.deadline_id} {near}")
        if pending:
            start = dl.utterance_seq or dl.seq
            again = [u.seq for u in v.subject_turns if u.seq > start and v.has(u.seq, CUE, "deadline")]
            if len(again) >= 2:
                about = f"He returned to a deadline {len(again)} times after {dl.deadline_id} was set."
                yield Found("deadline_repeated", dl.deadline_id, (dl.seq, *again), about)
    yield from _deadline_cues(v)


def _near(v: View, due_at: datetime) -> str | None:
    """How a deadline stands when it is near: due within the warning time, or due and still in the grace window."""
    grace = timedelta(minutes=v.policy.deadline_grace_minutes)
    warn = timedelta(minutes=v.policy.deadline_warning_minutes)
    if timedelta(0) < due_at - v.now <= warn:
        minutes = math.ceil((due_at - v.now).total_seconds() / 60)  # 40 s left is "in 1 min", never "in 0"
        return f"is due at {fmt_time(due_at, v.zone)}, in {minutes} min."
    if due_at <= v.now < due_at + grace:
        minutes = int((v.now - due_at).total_seconds() // 60)
        ago = "now" if minutes == 0 else f"{minutes} min ago"
        return f"was due at {fmt_time(due_at, v.zone)} ({ago}); no outcome logged yet."
    return None


def _deadline_cues(v: View) -> Iterator[Found]:
    """Deadlines heard in his words but not on the ledger: a near one still gets the approaching card.

    The card rested on a recorded deadline only, so "You have thirty minutes or she gets hurt", parsed with its due
    time by the cue analyser but not yet recorded by a busy scribe, came and went with no warning. A cue is on the
    ledger when a deadline was recorded from that turn or after it, or one falls due within ``SAME_DEADLINE`` of
    it (he restated it); cues naming the same time share one card, keyed by the first.
    """
    heard: list[tuple[datetime, list[int]]] = []
    for u, cues in v.cue_turns:
        for ann in cues:
            due = _parsed_time(ann.detail.get("due_at")) if ann.label == "deadline" else None
            if due is None or any(
                dl.utterance_seq == u.seq or dl.seq > u.seq or abs(dl.due_at - due) <= SAME_DEADLINE
                for dl in v.state.deadlines.values()
            ):
                continue
            same = next((seqs for at, seqs in heard if abs(at - due) <= SAME_DEADLINE), None)
            if same is None:
                heard.append((due, [u.seq]))
            elif u.seq not in same:
                same.append(u.seq)
    for due, seqs in heard:
        near = _near(v, due)
        if near is not None:
            about = f"He set a deadline at {seq_list(seqs)}, not on the deadline ledger yet: it {near}"
            yield Found("deadline_approaching", f"u{seqs[0]}", tuple(seqs), about)


def _parsed_time(value: object) -> datetime | None:
    """The cue's ISO due time, or None when the analyser found no time or wrote one that does not parse."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def demand_rules(v: View) -> Iterator[Found]:
    """Recorded demands: non-negotiable, barred by policy, beyond police authority, transport, or small and tradable.

    Doctrine: demands-deadlines.md "Negotiable vs non-negotiable", "Concessions, promises and the ledger",
    "Government no-concessions policy" [R46 P; R45 S; R48 P; T7 P]. A demand for a car or a plane got no advice at
    all, though the table's row is explicit (not granted, discussed to buy time, no leaving with hostages) and
    promising the vehicle is the ``false_promise`` that seed S000 recommends and doctrine rejects. So did a demand
    to talk to his wife or to the chief, which the table limits and avoid.md's ``unscreened_third_party`` guards
    (an audience for a final act; the officer in charge is a suicide-by-cop sign [R47 S; R20 S]). Likewise amnesty,
    "no charges" and prisoners released, which police cannot grant, got nothing unless the agency had set
    ``no_concessions`` (and then only prisoners).
    """
    traded = {c.demand_id for c in v.state.concessions.values() if c.demand_id}
    for d in v.state.demands.values():
        if d.status not in OPEN_DEMAND:
            continue
        seqs = (d.seq,) if d.utterance_seq is None else (d.utterance_seq, d.seq)
        rule_id = "non_negotiable_demand" if not d.negotiable else _demand_rule(v, d.item, d.category)
        if rule_id is None or (rule_id == "quid_pro_quo" and d.demand_id in traded):
            continue
        about = f"Demand {d.demand_id}: {d.item}."
        if rule_id == "non_negotiable_demand":
            yield Found(rule_id, d.demand_id, seqs, f"{about}{_flat_no(v, d.seq)}")
        elif rule_id == "policy_bars_concession":
            about = f"Demand {d.demand_id}: {d.item} ({d.category.value}); policy of {v.policy.agency}."
            yield Found(rule_id, d.demand_id, seqs, about)
        elif rule_id == "quid_pro_quo":
            ask, hostage_seqs = _what_to_ask(v)
            yield Found(rule_id, d.demand_id, (*seqs, *hostage_seqs), f"{about} {ask}")
        elif rule_id == "third_party_demand":
            yield Found(rule_id, d.demand_id, seqs, about)
        else:  # beyond police authority, transport: a flat no after he asked is pointed out
            yield Found(rule_id, d.demand_id, seqs, f"{about}{_flat_no(v, seqs[0])}")
    yield from _demand_cues(v)


def _demand_rule(v: View, item: str, category: DemandCategory | None = None) -> str | None:
    """The rule a demand for ``item`` falls under, in the order of demands-deadlines.md's table, or None.

    One order for a recorded demand and for one only heard in his words, so the two cannot drift apart. A heard
    demand has no category (the scribe gives one), so no agency bar can be judged on it.
    """
    if v.policy.is_non_negotiable(item, category):
        return "non_negotiable_demand"
    if category is not None and v.policy.is_barred(category):
        return "policy_bars_concession"
    if v.policy.is_beyond_police(item, category):
        return "beyond_police_authority"
    if v.policy.is_person_to_talk_to(item, category):
        return "third_party_demand"
    if v.policy.is_transport(item, category):
        return "transport_demand"
    if v.policy.is_small(item, category):
        return "quid_pro_quo"
    return None


@dataclass
class _Heard:
    """One item he asked for and the scribe has not recorded: every turn he asked for it in, first to last."""

    rule_id: str
    words: set[str]
    item: str
    seqs: list[int] = field(default_factory=list)


def _demand_cues(v: View) -> Iterator[Found]:
    """Demands heard in his words but not (yet) recorded by the scribe: the cue is the evidence.

    One card per item, keyed by the first turn he asked for it in and citing every such turn: a card per turn
    repeated the same advice for each time he said "I want a pack of cigarettes" before the scribe recorded it.
    """
    heard: list[_Heard] = []
    ledger = [(d, v.item_words(d.item)) for d in v.state.demands.values()]
    for u, cues in v.cue_turns:
        if not v.is_recent(u.when):
            continue
        items = [(ledger_item(ann.detail) or "") if ann.label == "demand" else "" for ann in cues]
        said = {w for item in items if item for w in v.item_words(item)}  # every item he named in the turn
        for item in items:
            words = v.item_words(item) if item else set()
            rule_id = _demand_rule(v, item) if item and not _on_ledger(ledger, u.seq, words, said) else None
            if rule_id is None:
                continue
            same = next((h for h in heard if h.rule_id == rule_id and words & h.words), None)
            if same is None:
                same = _Heard(rule_id, set(words), item)
                heard.append(same)
            same.words |= words
            if u.seq not in same.seqs:
                same.seqs.append(u.seq)
    for h in heard:
        first = h.seqs[0]
        asked = f"He asked for '{h.item}' ({seq_list(h.seqs)}), not yet on the demand ledger."
        if h.rule_id == "third_party_demand":
            yield Found(h.rule_id, f"u{first}", tuple(h.seqs), asked)
        elif h.rule_id == "quid_pro_quo":
            ask, hostage_seqs = _what_to_ask(v)
            yield Found(h.rule_id, f"u{first}", (*h.seqs, *hostage_seqs), f"{asked} {ask}")
        else:
            yield Found(h.rule_id, f"u{first}", tuple(h.seqs), f"{asked}{_flat_no(v, first)}")


def _on_ledger(ledger: list[tuple[Demand, set[str]]], seq: int, words: set[str], said: set[str]) -> bool:
    """Whether the demand heard at ``seq`` is on the ledger: recorded from that turn, recorded later for the same
    item, or a demand for the same item recorded before it and still open then (he asked again). Only later records
    counted, so a repeated demand got a second card saying it was "not yet on the demand ledger" beside the
    ledger's own; one met or withdrawn before he asked again is a new demand.

    Recorded from that turn means for this item when the record names it, or names none of the items heard there
    (``said``: the scribe's own wording, "smokes" for "a pack of cigarettes"). Any record from the turn counted for
    every item, so once "cigarettes and food" was recorded from "I want cigarettes and food. And I want a car." the
    card for the car went too, with the car on no ledger."""
    for d, item_words in ledger:
        if d.utterance_seq == seq and (words & item_words or not item_words & said):
            return True
        same = bool(words & item_words)
        open_then = d.status in OPEN_DEMAND or d.status_seq > seq
        if same and (d.seq > seq or open_then):
            return True
    return False


def _flat_no(v: View, after_seq: int) -> str:
    """Point out a flat no that followed the demand (avoid.md ``flat_no``), so the team can recover."""
    for u in v.negotiator_turns:
        if u.seq > after_seq and v.has(u.seq, AVOID, "flat_no"):
            return f" A flat no was heard at seq {u.seq}: recover by deferring and exploring the interest."
    return ""


def _what_to_ask(v: View) -> tuple[str, tuple[int, ...]]:
    """The best return to ask for: a hostage who is hurt, ill or distressed first (R45 S: the sick and injured)."""
    held = [
        h for h in v.state.hostages.values() if h.released_at is None and h.condition is not HostageCondition.DECEASED
    ]
    needy = [h for h in held if h.medical_needs.strip() not in ("", "unknown") or h.condition in HARMED]
    needy += [h for h in held if h.condition is HostageCondition.DISTRESSED and h not in needy]
    if needy:
        h = needy[0]
        need = f" ({h.medical_needs})" if h.medical_needs.strip() not in ("", "unknown") else ""
        return f"Ask for {h.alias}{need} to come out, or at least to come on the phone, in return.", (h.condition_seq,)
    if held:
        return "Ask for a hostage to come out, or a welfare check on the phone, in return.", ()
    return "Ask for something back: the weapon put down, or continued calm talk.", ()


def concession_rules(v: View) -> Iterator[Found]:
    """Concessions and promises: unrequested, without return, broken.

    Doctrine: avoid.md ``unrequested_concession`` and team-level ``broken_promise``; demands-deadlines.md
    "Advisor hooks" [R11 S; R45 S; R47 S].
    """
    demand_words = [content_words(d.item) for d in v.state.demands.values()]
    for c in v.state.concessions.values():
        if not v.is_recent(c.at):
            continue
        if c.demand_id is None and not c.in_exchange_for.strip():
            asked = any(content_words(c.what) & w for w in demand_words)
            if not asked:
                about = f"Concession {c.commitment_id}: {c.what}, with no demand and nothing in return logged."
                yield Found("unrequested_concession", c.commitment_id, (c.seq,), about)
                continue
        if not c.in_exchange_for.strip():
            about = f"Concession {c.commitment_id}: {c.what}; nothing logged in return."
            yield Found("concession_without_return", c.commitment_id, (c.seq,), about)
    for p in v.state.promises.values():
        if p.status is CommitmentStatus.BROKEN:
            yield Found("broken_promise", p.commitment_id, (p.seq,), f"Promise {p.commitment_id}: {p.what}.")
    yield from _offers(v)


def _offers(v: View) -> Iterator[Found]:
    """A negotiator offering an item he never asked for: the concession is about to be made.

    One definition with the avoid analyser: the card rests on its annotation (``other_avoid`` with doctrine id
    ``unrequested_concession``: avoid.md's substantive items, offered with nothing asked in return, not named by
    him in its window), quoting its evidence. The advisor adds what only the log holds: his asking for an item of
    that kind before the window (a turn of his, or a demand on the ledger), avoid.md's "no prior demand in the log".
    The advisor's own regex, before, gave food offers the card ("I can get you some pizza"), missed avoid.md's own
    Avoid line ("We can have a car out front"), and took any demand before for a request of the item offered.
    """
    for u in v.negotiator_turns:
        if not v.is_recent(u.when):
            continue
        flagged = [a for a in v.labels(u.seq, AVOID) if "unrequested_concession" in doctrine_ids(a)]
        kind = offered_kind(u.text) if flagged else None
        if kind is None or _asked_for(v, kind, u.seq):
            continue
        spans = flagged[0].evidence
        offered = " / ".join(u.text[s.start : s.end] for s in spans) if spans else u.text[:QUOTE_CHARS]
        about = f"{v.name_of(u.speaker)} offered something at seq {u.seq} ('{offered}') with no demand on record."
        yield Found("unrequested_concession", f"u{u.seq}", (u.seq,), about)


def _asked_for(v: View, kind: str, before_seq: int) -> bool:
    """Whether he asked for an item of ``kind`` before ``before_seq``: named it in a turn of his, or a demand on the
    ledger names it (``analysis.avoid.names_kind``, the analyser's own test, over the whole log)."""
    said = any(s.seq < before_seq and names_kind(s.text, kind) for s in v.subject_turns)
    return said or any(d.seq < before_seq and names_kind(d.item, kind) for d in v.state.demands.values())


def conversation_rules(v: View) -> Iterator[Found]:
    """Influence before rapport (stairway.md [R4 S; R9 S]) and rising suicide cues (indicators.md [R25 S])."""
    since_rapport: list[int] = []
    for u in sorted(v.subject_turns + v.negotiator_turns, key=lambda x: x.seq):
        if any(a.label in RAPPORT_OR_ABOVE for a in v.labels(u.seq, STAIRWAY)):
            since_rapport = []
        if v.has(u.seq, WARNING, "influence_before_rapport"):
            since_rapport.append(u.seq)
    # Keyed by the first warned turn since rapport was last evidenced, so the id stays put as warnings age.
    last = v.state.utterance_at(since_rapport[-1]) if since_rapport else None
    if last is not None and v.is_recent(last.when):
        about = f"Influence moves before rapport at {seq_list(since_rapport)}."
        yield Found("influence_before_rapport", f"s{since_rapport[0]}", tuple(since_rapport), about)
    cues = [u.seq for u in v.subject_turns if v.is_recent(u.when) and v.has(u.seq, CUE, "suicide_cue")]
    if len(cues) >= v.policy.suicide_cue_threshold:
        mhc = v.parties_with(Role.MENTAL_HEALTH_CONSULTANT)
        who = (
            f"{', '.join(mhc)} (mental health consultant) is on the team: bring them to the negotiator now."
            if mhc
            else "No mental health consultant is logged on this incident: call one out."
        )
        about = f"{len(cues)} suicide cues in the last {v.policy.advice_window_minutes} min ({seq_list(cues)}). {who}"
        yield Found("rising_suicide_cues", f"c{cues[-1]}", tuple(cues), f"{about} {_asked_since(v, cues[0])}")


def _asked_since(v: View, first_cue: int) -> str:
    """Whether the team has asked him about suicide since the first of these cues, and how.

    Why on the card: its action is "ask him directly", and a team under stress needs to see whether that was done
    or only hinted at; a hedged question ("You're not going to do anything silly, are you?") invites the "no" it
    asks for (indicators.md, "When cues rise"). The same reading as the simulator's and the debrief's
    (``analysis.suicide_questions``). A question before these cues is not counted: the risk they show is new.
    """
    asked = [(u.seq, kind) for u in v.negotiator_turns if u.seq > first_cue and (kind := suicide_asked(u.text))]
    direct = [seq for seq, kind in asked if kind == "direct"]
    if direct:
        return f"Asked directly since the first of them: {seq_list(direct)}."
    if asked:
        hedged = seq_list([seq for seq, _ in asked])
        return f'Not yet asked plainly: the question at {hedged} was hedged. Ask it straight: "{PLAIN_QUESTION}"'
    return f'Not yet asked about suicide since the first of them. Ask it straight: "{PLAIN_QUESTION}"'


def progress_rules(v: View) -> Iterator[Found]:
    """His turns longer and threats fewer: keep the course (indicators.md ``talking_longer``, ``threats_falling``).

    Compares his last ``PROGRESS_TURNS`` turns with the ones before [D]; needs at least one earlier threat, so
    a calm incident with no threats never 'progresses' by this rule. Suicide cues are named, never cancelled.
    """
    turns = v.subject_turns
    if len(turns) < 2 * PROGRESS_TURNS:
        return
    recent, earlier = turns[-PROGRESS_TURNS:], turns[-2 * PROGRESS_TURNS : -PROGRESS_TURNS]
    threats_before = [u.seq for u in earlier if v.has(u.seq, CUE, "threat")]
    threats_now = [u.seq for u in recent if v.has(u.seq, CUE, "threat")]
    words_before = sum(len(u.text.split()) for u in earlier) / PROGRESS_TURNS
    words_now = sum(len(u.text.split()) for u in recent) / PROGRESS_TURNS
    if threats_before and len(threats_now) < len(threats_before) and words_now >= LONGER_RATIO * max(words_before, 1):
        suicide = any(v.has(u.seq, CUE, "suicide_cue") for u in turns)
        caveat = " Suicide cues were heard earlier: progress does not cancel them." if suicide else ""
        about = (
            f"His turns average {words_now:.0f} words, up from {words_before:.0f}; threats {len(threats_before)} → "
            f"{len(threats_now)} over his last {2 * PROGRESS_TURNS} turns.{caveat}"
        )
        seqs = (*threats_before, *threats_now, recent[-1].seq)
        yield Found("progress_keep_course", f"t{threats_before[-1]}", tuple(sorted(set(seqs))), about)


def danger_rules(v: View) -> Iterator[Found]:
    """The FBI high-risk factors the log shows (indicators.md [R19 P]): a threat naming a captive, a hostage hurt,
    stated suicidal intent. One statement is enough: ``rising_suicide_cues`` waits for the policy's count of
    recent cues, and until this rule a subject who said once "I'm going to kill myself" got no advice at all.

    One finding names every factor present, so the team leader sees them together; its key is the set of
    factors, so a card dismissed for one factor comes back when another appears. A hostage logged as harmed adds
    the seq of the latest such entry to the key: a threat card dismissed as "noted" came back neither when a
    captive was then hurt (threat and injury are one FBI factor) nor when an injured one became critical or died.
    An injury cites the entry that logged it, not the one that first listed the captive. No recency window: no
    later improvement cancels a factor [R24 S].
    """
    threats = [
        u.seq
        for u in v.subject_turns
        if any(a.label == "threat" and a.detail.get("target") == "hostage" for a in v.labels(u.seq, CUE))
    ]
    harmed = [h for h in v.state.hostages.values() if h.condition in HARMED]
    suicide = [u.seq for u in v.subject_turns if v.has(u.seq, CUE, "suicide_cue")]
    factors: list[tuple[str, str, str, list[int]]] = []  # (name, key part, what was seen, seqs)
    if threats or harmed:
        hurt = ", ".join(f"{h.alias} {h.condition.value} (seq {h.condition_seq})" for h in harmed)
        said = f"threat naming a captive at {seq_list(threats)}" if threats else ""
        name = "threat_or_injury_to_hostage"
        key = f"{name}.harm{max(h.condition_seq for h in harmed)}" if harmed else name  # bounded, unlike a list
        seen = "; ".join(x for x in (said, hurt) if x)
        factors.append((name, key, seen, threats + [h.condition_seq for h in harmed]))
    if suicide:
        seen = f"suicide cue at {seq_list(suicide)}"
        factors.append(("suicidal_intent", "suicidal_intent", seen, suicide))
    if factors:
        about = "High-risk factors: " + "; ".join(f"{name} ({what})" for name, _, what, _ in factors) + "."
        seqs = sorted({seq for *_, found in factors for seq in found})
        yield Found("high_risk_factors", "+".join(key for _, key, _, _ in factors), tuple(seqs), about)


def suicide_by_cop_rules(v: View) -> Iterator[Found]:
    """Suicide-by-cop indicators in his words (indicators.md, Perrou's 15 [R20 S]): asking the officers to kill him,
    wanting to go out fighting. The cue analyser names them as a suicide cue's ``clue`` (``suicide_clues.py``).

    Why a card of its own: ``high_risk_factors`` says "suicidal intent" alike for "Nothing will fix this." and
    "Tell them to shoot me.", but the second asks the tactical side to be his method, which the team leader must
    hear at once. One card naming every SbC clue heard; its key is the set of clues, so a new kind brings it back
    after a dismissal (as ``weapon_rules``). No recency window: no later improvement cancels it [R24 S].
    """
    heard: dict[str, list[int]] = {}
    for u, cues in v.cue_turns:
        for ann in cues:
            clue = stored_clue(ann)
            if clue is not None:
                heard.setdefault(clue.id, []).append(u.seq)
    sbc = [c for c in heard if CLUES[c].sbc]
    if sbc:
        said = "; ".join(f"{CLUES[c].title} at {seq_list(heard[c])}" for c in sbc)
        # "the more present, the higher the risk": the other kinds of suicide cue he gave are named beside them
        other = "; ".join(f"{CLUES[c].title} at {seq_list(seqs)}" for c, seqs in heard.items() if c not in sbc)
        about = f"Suicide-by-cop indicators in his words: {said}." + (f" Other suicide cues: {other}." if other else "")
        seqs = tuple(sorted({s for c in sbc for s in heard[c]}))
        yield Found("suicide_by_cop_signs", "+".join(sorted(sbc)), seqs, about)


def weapon_rules(v: View) -> Iterator[Found]:
    """A weapon in his words (indicators.md "Other predictors" [R34 S; R30 P]): tell the team, log it, don't
    interrogate (avoid.md ``interrogation``, ``why_question`` [R2 P; T9 S]).

    "I've got a gun" got no advice at all, though weapons at the scene lower the chance of a negotiated end. One
    card naming every kind heard; its key is the set of kinds, so a new kind (a knife after a gun) raises a new
    card after a dismissal, and repeats of a known one do not. No recency window: a weapon does not age out.
    """
    seqs: list[int] = []
    kinds: list[str] = []
    for u, cues in v.cue_turns:
        for ann in cues:
            if ann.label != "weapon":
                continue
            kind = str(ann.detail.get("weapon") or "unspecified")
            seqs.append(u.seq)
            if kind not in kinds:
                kinds.append(kind)
    if seqs:
        seqs = sorted(set(seqs))
        named = [k for k in kinds if k != "unspecified"] or kinds  # "I'm armed" adds nothing once a gun is named
        about = f"He spoke of a weapon ({', '.join(named)}) at {seq_list(seqs)}."
        yield Found("weapon_mentioned", "+".join(sorted(named)), tuple(seqs), about)


def welfare_rules(v: View) -> Iterator[Found]:
    """Hostages held whose condition is unknown (demands-deadlines.md: a welfare check is a good trade [R45 S];
    indicators.md: hostage well-being reads "unknown" until evidence is logged [S001]).

    A hostage recorded with no condition got no advice: the board showed "unknown" and the advisor never asked
    the team to find out. One card naming every such hostage; it goes once each condition is logged, and its key
    is the latest entry that left a hostage unknown, so a new captive of unknown condition raises it again.
    """
    unknown = [
        h for h in v.state.hostages.values() if h.released_at is None and h.condition is HostageCondition.UNKNOWN
    ]
    if unknown:
        seqs = sorted(h.condition_seq for h in unknown)
        names = ", ".join(h.alias for h in unknown[:6]) + (f" and {len(unknown) - 6} more" if len(unknown) > 6 else "")
        about = f"No condition logged for {names} ({seq_list(seqs)})."
        yield Found("hostage_welfare_unknown", f"s{seqs[-1]}", tuple(seqs), about)


def negotiator_rules(v: View) -> Iterator[Found]:
    """Behaviours avoid.md lists, in the negotiators' own recent lines: a note for the secondary to pass, with
    avoid.md's better line (incident-types.md: the secondary listens to both sides and passes notes [T8 S; T1 P]).

    Before, the analysis flagged "You'll get the car, I promise." as a false promise on the board's line and the
    advice said nothing, so a team reading the advice panel under stress missed it. One card per behaviour, keyed
    by its latest line: a dismissed card comes back when the behaviour does.
    """
    hits: dict[str, dict[int, tuple[Utterance, Annotation]]] = {}
    for u in v.negotiator_turns:
        if not v.is_recent(u.when):
            continue
        for ann in v.labels(u.seq, AVOID):
            for doctrine_id in doctrine_ids(ann):
                if doctrine_id not in _NOT_COACHED:
                    hits.setdefault(doctrine_id, {}).setdefault(u.seq, (u, ann))
    lines = better_lines()
    for doctrine_id, by_seq in hits.items():
        seqs = sorted(by_seq)
        u, ann = by_seq[seqs[-1]]
        what = doctrine_id.replace("_", " ")
        about = f'{v.name_of(u.speaker)} at {seq_list(seqs)}, {what}: "{_quote(u.text, ann)}"'
        if doctrine_id in lines:
            why, better = lines[doctrine_id]
            shown = better if better.startswith("(") else f'"{better}"'
            about = f"{about} {why} Better: {shown}"
        yield Found("negotiator_avoid", f"{doctrine_id}.{seqs[-1]}", tuple(seqs), about)


def _quote(text: str, ann: Annotation) -> str:
    """The sentence that carries the label's evidence (the line's start for a label with none), cut to
    ``QUOTE_CHARS``: the evidence alone can be two words ("I promise") that do not say what was promised."""
    start, end = (ann.evidence[0].start, ann.evidence[0].end) if ann.evidence else (0, 0)
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    words = " ".join(text[before[-1] if before else 0 : after.end() if after else len(text)].split())
    return words if len(words) <= QUOTE_CHARS else words[: QUOTE_CHARS - 1].rstrip() + "…"


def team_rules(v: View) -> Iterator[Found]:
    """Relief: a negotiator on duty longer than the agency's interval (incident-types.md "Relief and rotation")."""
    interval = timedelta(minutes=v.policy.relief_interval_minutes)
    for party_id, since in v.state.on_duty.items():
        if not v.role_of(party_id).is_negotiator or v.now - since < interval:
            continue
        started = [
            r.seq
            for r in v.state.duty_log
            if r.event.kind == "duty_started" and getattr(r.event, "party_id", None) == party_id
        ]
        hours, minutes = divmod(int((v.now - since).total_seconds() // 60), 60)
        about = (
            f"{v.name_of(party_id)} has been on duty {hours}h {minutes:02d}m since {fmt_time(since, v.zone)} "
            f"(policy interval {v.policy.relief_interval_minutes} min)."
        )
        yield Found("relief_due", f"{party_id}:{started[-1]}", (started[-1],), about)


DETECTORS: tuple[Detector, ...] = (
    deadline_rules,
    demand_rules,
    concession_rules,
    conversation_rules,
    danger_rules,
    suicide_by_cop_rules,
    weapon_rules,
    welfare_rules,
    progress_rules,
    negotiator_rules,
    team_rules,
)
