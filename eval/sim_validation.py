"""Does the simulated subject reward doctrine and punish its opposite? Scripted trainees over every scenario.

Usage: python eval/sim_validation.py [--seeds 20] [--seed 7] [--scenario ID ...] [--out FILE.json]

Four trainee policies, none of which sees the subject's state (only his lines, as a trainee would):
- ``doctrine``: listening first (open questions, labels, paraphrases, mirrors, summaries), demands deferred or
  traded, deadlines never mentioned, influence only once the stairway analyser sees rapport in his replies, and
  asked straight out about suicide when his line carries a suicide cue (indicators.md, "When cues rise");
- ``hostile``: arguing, ultimatums, flat refusals, threats, minimising, with some neutral questions;
- ``random``: a uniformly random line from all the pools above plus small talk, ignoring what he said;
- ``repeat``: one empathic phrase, every turn.
Targets (issue 7): doctrine >= 80 % resolved; hostile <= 20 %; random <= 40 %; repeat never resolves.
Writes a table to stderr and JSON with a ``meta`` block. The run is deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from machine import meta

from talkdown.analysis.base import Turn
from talkdown.analysis.cues import find_cues
from talkdown.analysis.stairway import estimate_stage
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings
from talkdown.sim.engine import SimulatedSubject, turn_rng
from talkdown.sim.scenario import Scenario, load_scenario, shipped_ids
from talkdown.sim.state import SubjectView, ViewItem

Transcript = list[tuple[str, str]]  # (side, text), side "trainee" or "subject"
Policy = Callable[[Transcript, random.Random], str]

LABELS = [
    "Sounds like you're exhausted from carrying all of this on your own.",
    "It sounds like you feel nobody has been listening to you.",
    "I'm hearing a lot of hurt underneath the anger.",
    "Seems like you feel backed into a corner tonight.",
    "It sounds like you feel let down by the people who should have been there.",
    "You sound really frightened about what happens next.",
]
OPEN = [
    "What's going on for you right now?",
    "What happened today, before all this started?",
    "Tell me more about that.",
    "Who matters most to you?",
    "Help me understand what you need right now.",
    "What's been the hardest part of all this?",
]
AMBIVALENCE = [
    "What's kept you going until now?",
    "Part of you came here to talk to me. What is that part hoping for?",
    "What would you want tomorrow to look like?",
    "Who would you want to see this weekend?",
]
AFFIRM = ["You've kept everyone safe so far, and that matters.", "Anybody treated like that would be angry."]
INFLUENCE = [
    "How do we get everyone out of this safely, you included?",
    "What would it take for this to end with nobody hurt, on your own terms?",
    "What if we worked out a way out of this together? It's your choice.",
    "Walking out of this now shows you never wanted anyone hurt. How would you want that to look?",
]
DEFER = [
    "That's not something I can decide, but I'll pass it up to the people who decide.",
    "I hear you. I'll put that to my boss right now; these things take time, and I'll tell you the moment I hear.",
    "I don't make that call, but I'll push for an answer. Meanwhile, I'm right here.",
]
TRADE = [
    "I'll push for that. In return, could one of them come out as a sign of good faith?",
    "I can take that to the people who decide. What can you do so they say yes? Could someone come out?",
]
HOSTILE = [
    "Be reasonable. That's a ridiculous thing to want.",
    "No. You're not getting that.",
    "You've got ten minutes to come out.",
    "Calm down, it's not that bad.",
    "Why did you do this?",
    "If you don't come out, the team is coming in.",
    "You need to put it down and come out now.",
    "That's not true and you know it.",
    "Your deadline doesn't mean anything to us.",
    "What are your demands?",
]
# indicators.md, "When cues rise": ask directly and plainly about thoughts, then plans: about his thoughts at his
# first suicide cue, about a plan when he answers that with a cue (a "yes"), not after a "no".
ASK_THOUGHTS = "I have to ask you straight out: are you thinking about killing yourself?"
ASK_PLAN = "Have you thought about how you would kill yourself?"
SMALL_TALK = ["Okay.", "Is anyone hurt in there?", "It's getting late.", "Right.", "Are you still there?"]
_SWAP = {"i": "you", "me": "you", "my": "your", "mine": "yours", "i'm": "you're", "i've": "you've", "am": "are",
         "we": "you", "our": "your", "us": "you", "you": "I", "your": "my"}  # fmt: skip


def _swap(clause: str) -> str:
    return " ".join(_SWAP.get(w.lower(), w) for w in clause.split())


def _first_clause(text: str) -> str:
    clause = re.split(r"[.!?;]", re.sub(r"\[[^\]]*\]", "", text).strip())[0]
    return clause.strip(" ,") or text


def _fresh(pool: list[str], used: set[str], rng: random.Random) -> str:
    options = [p for p in pool if p not in used] or pool
    return rng.choice(options)


def doctrine(transcript: Transcript, rng: random.Random) -> str:
    """A trainee who follows the stairway and demands-deadlines doctrine, reading only the subject's lines."""
    used = {t for side, t in transcript if side == "trainee"}
    last = transcript[-1][1] if transcript else ""
    n = len(used)
    if n == 0:
        return "My name is Sam. I'm here and I'm listening. " + OPEN[0]
    cues = {c.label for c in find_cues(last)}
    # His suicide cue is read with the line said to him before it, as the board reads it: "...Yeah." answering
    # the question about his thoughts is one, and the question about a plan follows. Before anything else: his
    # life comes first.
    said_to_him = transcript[-2][1] if len(transcript) >= 2 and transcript[-2][0] == "trainee" else None
    if any(c.label == "suicide_cue" for c in find_cues(last, previous_negotiator=said_to_him)):
        if ASK_THOUGHTS not in used:
            return ASK_THOUGHTS
        if said_to_him == ASK_THOUGHTS:
            return ASK_PLAN
    if "demand" in cues or re.search(r"\b(?:I want|get me|send|we need|I need|must be)\b", last, re.I):
        negotiable = re.search(r"\b(?:food|water|medic|reporter|statement|broadcast|medicine|cigarettes)\b", last, re.I)
        pool = TRADE if negotiable and n > 6 else DEFER
        return _fresh(pool, used, rng)
    turns = tuple(Turn(text=t, side="negotiator" if s == "trainee" else "subject") for s, t in transcript[-20:])
    stage, _, _ = estimate_stage(turns)
    asks = re.search(r"\bwhat (?:would|will|happens)\b|\bhow would\b|\bif I\b", last, re.I)
    # A trainee remembers the "that's right" even after it leaves the analyser's 20-turn window.
    confirmed = any(
        s == "subject" and re.search(r"\bthat's (?:exactly )?(?:right|it)\b", t, re.I) for s, t in transcript
    )
    hopeless = re.search(r"\bwhat's the point\b|\bthen what\b|\bgo back to nothing\b|\bwhat's left\b", last, re.I)
    if hopeless:
        return _fresh(AMBIVALENCE + LABELS, used, rng)
    fresh_influence = [i for i in INFLUENCE if i not in used]
    if (stage >= 2 or asks or confirmed) and n >= 6 and n % 3 == 0 and fresh_influence:
        return rng.choice(fresh_influence)
    clause = _first_clause(last)
    move = n % 5
    if move == 1:
        return _fresh(LABELS, used, rng)
    if move == 2 and len(clause.split()) >= 4:
        return f"So what you're saying is {_swap(clause)}."
    if move == 3:
        words = re.findall(r"[A-Za-z']+", clause)[-3:]
        return (" ".join(words) + "?") if len(words) >= 2 else _fresh(OPEN, used, rng)
    if move == 4 and n >= 5:
        earlier = [_first_clause(t) for s, t in transcript if s == "subject"][-3:]
        return "Let me see if I've got this: " + ", and ".join(_swap(e) for e in earlier) + ". Is that right?"
    return _fresh(OPEN + AFFIRM + (AMBIVALENCE if confirmed else []), used, rng)


def hostile(transcript: Transcript, rng: random.Random) -> str:
    return rng.choice(HOSTILE + HOSTILE + SMALL_TALK)


def random_policy(transcript: Transcript, rng: random.Random) -> str:
    pools = [LABELS + OPEN + AFFIRM + AMBIVALENCE, INFLUENCE + DEFER + TRADE, HOSTILE, SMALL_TALK]
    return rng.choice(rng.choice(pools))


def repeat(transcript: Transcript, rng: random.Random) -> str:
    return "Sounds like you're going through a lot."


POLICIES: dict[str, Policy] = {"doctrine": doctrine, "hostile": hostile, "random": random_policy, "repeat": repeat}


def run_session(scenario: Scenario, policy: Policy, seed: int, subject: SimulatedSubject) -> dict[str, object]:
    """One scripted session through the engine alone (the service adds only logging around the same calls)."""
    policy_rng = random.Random(f"policy:{seed}")  # noqa: S311  # scripted trainee, not security
    view = SubjectView(scenario.id, (ViewItem("subject", subject.opening(turn_rng(seed, 0)), 1),))
    transcript: Transcript = [("subject", view.items[0].text)]
    seq = 2
    for turn in range(1, scenario.max_turns + 1):
        line = policy(transcript, policy_rng)
        view = view.extended(ViewItem("trainee", line, seq))
        reply = subject.respond(view, turn_rng(seed, turn))
        view = view.extended(ViewItem("subject", reply.text, seq + 1))
        transcript += [("trainee", line), ("subject", reply.text)]
        seq += 2
        if reply.state.outcome is not None:
            return {"outcome": reply.state.outcome, "turns": turn, "final": reply.state.gauges()}
    return {"outcome": "unresolved", "turns": scenario.max_turns, "final": {}}


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7, help="base seed (default 7)")
    parser.add_argument("--scenario", action="append", help="limit to these scenario ids")
    parser.add_argument("--policy", action="append", choices=sorted(POLICIES))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "sim_validation.json")
    args = parser.parse_args()
    print(f"base seed {args.seed}, {args.seeds} seeds per scenario and policy", file=sys.stderr)
    ids = args.scenario or shipped_ids()
    policies = args.policy or list(POLICIES)
    results: dict[str, dict[str, dict[str, object]]] = {}
    for sid in ids:
        scenario = load_scenario(sid)
        subject = SimulatedSubject(scenario)
        results[sid] = {}
        for name in policies:
            runs = [run_session(scenario, POLICIES[name], args.seed * 1000 + i, subject) for i in range(args.seeds)]
            counts = {o: sum(r["outcome"] == o for r in runs) for o in ("resolved", "failed", "unresolved")}
            turns = [int(str(r["turns"])) for r in runs if r["outcome"] == "resolved"]
            results[sid][name] = {
                **counts,
                "resolved_rate": counts["resolved"] / len(runs),
                "mean_turns_resolved": round(sum(turns) / len(turns), 1) if turns else None,
            }
    _table(results, policies)
    totals = {p: sum(float(str(results[s][p]["resolved_rate"])) for s in ids) / len(ids) for p in policies}
    out = {
        "meta": meta(packages=("talkdown", "pyyaml", "pydantic"), seed=args.seed, seeds=args.seeds),
        "results": {"per_scenario": results, "resolved_rate": totals},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


def _table(results: dict[str, dict[str, dict[str, object]]], policies: list[str]) -> None:
    head = f"{'scenario':<20}" + "".join(f"{p:>12}" for p in policies)
    print(head + "\n" + "-" * len(head), file=sys.stderr)
    for sid, row in results.items():
        cells = "".join(f"{float(str(row[p]['resolved_rate'])):>11.0%} " for p in policies)
        print(f"{sid:<20}{cells}", file=sys.stderr)
    n = len(results)
    overall = "".join(
        f"{sum(float(str(r[p]['resolved_rate'])) for r in results.values()) / n:>11.0%} " for p in policies
    )
    print("-" * len(head) + f"\n{'all (resolved)':<20}{overall}", file=sys.stderr)


if __name__ == "__main__":
    main()
