"""Simulator turn latency: one ``respond`` (analysis of the new line, state fold, template wording).

Usage: python bench/sim.py [--quick]
Drives every shipped scenario with the doctrine policy from eval/sim_validation.py, timing each reply, without
the LLM realizer and without the database (the service adds one append, measured by bench/store.py).
Prints p50/p95/p99 and writes bench/results/sim.json. No pass/fail: the target (p99 < 100 ms) is judged by people.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
from machine import meta
from sim_validation import doctrine

from talkdown.sim.engine import SimulatedSubject, turn_rng
from talkdown.sim.scenario import load_scenario, shipped_ids
from talkdown.sim.state import SubjectView, ViewItem


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def session_latencies(scenario_id: str, seed: int) -> list[float]:
    scenario = load_scenario(scenario_id)
    subject = SimulatedSubject(scenario)
    view = SubjectView(scenario.id, (ViewItem("subject", subject.opening(turn_rng(seed, 0)), 1),))
    transcript: list[tuple[str, str]] = [("subject", view.items[0].text)]
    policy_rng = random.Random(seed)  # noqa: S311  # scripted trainee, not security
    out = []
    for turn in range(1, scenario.max_turns + 1):
        line = doctrine(transcript, policy_rng)
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        started = time.perf_counter()
        reply = subject.respond(view, turn_rng(seed, turn))
        out.append((time.perf_counter() - started) * 1000)
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
        transcript += [("trainee", line), ("subject", reply.text)]
        if reply.state.outcome is not None:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, two scenarios: a smoke test")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    ids = shipped_ids()[:2] if args.quick else shipped_ids()
    seeds = 1 if args.quick else args.seeds
    session_latencies(ids[0], 999)  # warm-up: imports, regexes, first pipeline build
    latencies = [ms for sid in ids for seed in range(seeds) for ms in session_latencies(sid, seed)]
    result = {
        "turns": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(f"{'turns':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}{'RSS MiB':>10}")
    print(
        f"{result['turns']:>8}{result['p50_ms']:>10}{result['p95_ms']:>10}{result['p99_ms']:>10}"
        f"{result['max_ms']:>10}{result['peak_rss_mib']:>10}"
    )
    out = Path(__file__).parent / "results" / ("sim-quick.json" if args.quick else "sim.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta(packages=("talkdown",), quick=args.quick), "results": result}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
