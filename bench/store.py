"""Store benchmark: append latency (the scribe's path) and replay throughput, on SQLite and PostgreSQL.

Usage: python bench/store.py [--quick] [--postgres URL]   (PostgreSQL also from TALKDOWN_TEST_POSTGRES_URL)
Appends go through the real write path (Recorder: catch up, decide, append, commit, checkpoint) with
SQLite at synchronous=FULL. Replay is what opening an incident costs a process that has not read it: load,
parse and fold the stored bodies and copy the state (``Recorder.current``; until 2026-11-28 the bench timed the
load and fold alone, without the copy).
Prints a table and writes bench/results/store.json. No pass/fail: targets are judged by people.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import meta

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import entries, incidents
from talkdown.services.recorder import Recorder
from talkdown.services.wiring import build_app
from talkdown.settings import Settings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run_backend(name: str, url: str, workdir: Path, *, appends: int, replay_events: int) -> dict[str, float]:
    settings = Settings(data_dir=workdir, database_url=url, checkpoint_dir=workdir / "cp", actor="user:bench")
    app = build_app(settings)
    incident = incidents.open_incident(app, title="bench", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident, name="S", role=Role.SUBJECT, party_id="s")
    for i in range(20):  # warm-up
        entries.say(app, incident, speaker="s", text=f"warm {i}")
    latencies = []
    for i in range(appends):
        started = time.perf_counter()
        entries.say(app, incident, speaker="s", text=f"I want the car now, this is line {i}")
        latencies.append((time.perf_counter() - started) * 1000)
    # replay: a long incident written in batches, then loaded and folded by a fresh process-like app
    big = incidents.open_incident(app, title="replay", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, big, name="S", role=Role.SUBJECT, party_id="s")
    from talkdown.domain.events import UtteranceLogged

    batch = [UtteranceLogged(speaker="s", text=f"utterance number {i} with some words") for i in range(500)]
    for _ in range(replay_events // 500):
        app.recorder.record(big, batch, actor="user:bench")
    rates = []
    for _ in range(3):
        # What opening the incident costs a process that has not read it: a recorder with an empty cache loads,
        # parses and folds the whole log and hands back its own copy (Recorder.current, as every reader gets it).
        reader = Recorder(app.store, app.clock)
        started = time.perf_counter()
        state = reader.current(big)
        rates.append(state.head_seq / (time.perf_counter() - started))
    app.store.engine.dispose()
    return {
        "append_p50_ms": round(statistics.median(latencies), 3),
        "append_p95_ms": round(percentile(latencies, 95), 3),
        "append_p99_ms": round(percentile(latencies, 99), 3),
        "appends": appends,
        "replay_events": state.head_seq,
        "replay_events_per_s": round(max(rates)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Tiny sizes: a smoke test, not a measurement.")
    parser.add_argument("--postgres", default=os.environ.get("TALKDOWN_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    appends, replay_events = (30, 1000) if args.quick else (1000, 50_000)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run_backend(
            "sqlite", f"sqlite:///{tmp}/bench.db", Path(tmp), appends=appends, replay_events=replay_events
        )
        if args.postgres:
            admin = create_engine(
                make_url(args.postgres).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
            )
            name = f"td_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {name}"))
            try:
                url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
                results["postgresql"] = run_backend(
                    "postgresql", url, Path(tmp) / "pg", appends=appends, replay_events=replay_events
                )
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                admin.dispose()
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "meta": meta(packages=("sqlalchemy", "psycopg", "pydantic"), command=" ".join(sys.argv), quick=args.quick),
        "results": {**results, "peak_rss_mib": round(peak_rss_mib, 1)},
    }
    header = f"{'backend':<11} {'append p50':>11} {'p95':>8} {'p99':>8} {'replay ev/s':>12}"
    print(header, file=sys.stderr)
    for backend, r in results.items():
        print(
            f"{backend:<11} {r['append_p50_ms']:>9.2f}ms {r['append_p95_ms']:>6.2f}ms {r['append_p99_ms']:>6.2f}ms "
            f"{r['replay_events_per_s']:>12,}",
            file=sys.stderr,
        )
    if not args.quick:
        Path(__file__).with_name("results").mkdir(exist_ok=True)
        Path(__file__).with_name("results").joinpath("store.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
