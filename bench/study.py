"""Bulk-analysis benchmark: throughput with 1 and 2 local workers and on a Dask LocalCluster, and peak memory.

Usage: python bench/study.py [--quick] [--seed N]
Each measurement runs in a fresh child process (``--child``) so its peak RSS is its own: the client's peak
(``self``) and the largest worker's (``children``; for the LocalCluster the workers are the cluster's
processes, reported by the child). Utterances are synthesised from templates with a seeded generator
(no corpus text). Memory is measured with one worker (everything in one process) at two corpus sizes:
if the design streams, the two peaks are close. Prints a table and writes bench/results/study.json.
No pass/fail: people judge the numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import meta

from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

NEG = [
    "It sounds like you feel {a} about {b}.",
    "What happened with {b} tonight?",
    "So you're saying {b} let you down.",
    "I'm {n}, I'm here as long as it takes.",
    "Help me understand what {b} means to you.",
    "You've been dealing with {b} for {k} days.",
]
SUB = [
    "I want {b} here in {k} minutes or I'm done.",
    "Nobody listens to me about {b}.",
    "I'm so {a}, you have no idea.",
    "If anyone comes through that door I will shoot.",
    "Maybe. I don't know. Tell {n} I'm sorry.",
    "Why should I trust you after {b}?",
]
WORDS_A = ["angry", "scared", "tired", "betrayed", "hopeless", "ashamed", "calm", "confused"]
WORDS_B = ["the job", "my kids", "the bank", "my brother", "the landlord", "the court", "the doctor", "the car"]
NAMES = ["Dana", "Sam", "Alex", "Mark", "Jo", "Chris"]


def synthesise(folder: Path, utterances: int, *, seed: int, per_file: int = 2000, turns: int = 20) -> list[Path]:
    rng = random.Random(seed)  # noqa: S311  # reproducible synthetic text, not security
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    written = conv = 0
    while written < utterances:
        path = folder / f"synthetic-{len(files):04d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            in_file = 0
            while in_file < per_file and written < utterances:
                n = min(turns, utterances - written)
                rows = []
                for i in range(n):
                    side = "negotiator" if i % 2 == 0 else "subject"
                    template = rng.choice(NEG if side == "negotiator" else SUB)
                    text = template.format(
                        a=rng.choice(WORDS_A), b=rng.choice(WORDS_B), n=rng.choice(NAMES), k=rng.randint(2, 90)
                    )
                    rows.append({"idx": i, "speaker": side, "role": side, "text": text, "labels": {}})
                doc = {"id": f"syn-{conv:06d}", "source": "synthetic", "split": "dev", "meta": {}, "turns": rows}
                fh.write(json.dumps(doc) + "\n")
                conv, written, in_file = conv + 1, written + n, in_file + n
        files.append(path)
    return files


def child(args: argparse.Namespace) -> None:
    """One measurement in this process; prints one JSON line."""
    from talkdown.services.analyze_corpus import analyze_corpus

    out = Path(args.out)
    extra: dict[str, Any] = {}
    started = time.perf_counter()
    if args.mode == "cluster":
        from distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            started = time.perf_counter()  # cluster start-up is not analysis time
            run = analyze_corpus([args.input], out=out, scheduler=cluster.scheduler_address)
            usage = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            extra["worker_peak_rss_mib"] = round(max(usage.values()) / 1024, 1)
    else:
        run = analyze_corpus([args.input], out=out, workers=int(args.mode))
        extra["worker_peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    seconds = time.perf_counter() - started
    result = {
        "utterances": run.utterances,
        "seconds": round(seconds, 2),
        "utterances_per_s": round(run.utterances / seconds, 1),
        "client_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **extra,
    }
    print(json.dumps(result))


def measure(mode: str, folder: Path, workdir: Path) -> dict[str, Any]:
    out = workdir / f"out-{mode}-{folder.name}.parquet"
    proc = subprocess.run(
        [sys.executable, __file__, "--child", "--mode", mode, "--input", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Tiny sizes: a smoke test, not a measurement.")
    parser.add_argument("--seed", type=int, default=20260314)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"seed {args.seed}", file=sys.stderr)
    small, large = (300, 3000) if args.quick else (10_000, 100_000)
    results: dict[str, Any] = {"throughput": {}, "memory": {}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small_dir, large_dir = work / f"u{small}", work / f"u{large}"
        synthesise(small_dir, small, seed=args.seed)
        synthesise(large_dir, large, seed=args.seed)
        for mode, label in (("1", "1 worker"), ("2", "2 workers"), ("cluster", "LocalCluster 2 workers")):
            results["throughput"][label] = measure(mode, small_dir, work)
        results["memory"][f"{small} utterances"] = results["throughput"]["1 worker"]
        results["memory"][f"{large} utterances"] = measure("1", large_dir, work)
    out = {
        "meta": meta(
            packages=("pyarrow", "dask", "distributed", "scikit-learn"),
            command=" ".join(sys.argv),
            quick=args.quick,
            seed=args.seed,
        ),
        "results": results,
    }
    print(f"{'run':<26} {'utterances':>10} {'utt/s':>8} {'client MiB':>11} {'worker MiB':>11}", file=sys.stderr)
    for section in ("throughput", "memory"):
        for name, r in results[section].items():
            print(
                f"{name:<26} {r['utterances']:>10,} {r['utterances_per_s']:>8,.0f} "
                f"{r['client_peak_rss_mib']:>11.0f} {r['worker_peak_rss_mib']:>11.0f}",
                file=sys.stderr,
            )
    if not args.quick:
        Path(__file__).with_name("results").mkdir(exist_ok=True)
        Path(__file__).with_name("results").joinpath("study.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
