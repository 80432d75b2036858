"""Score talkdown on the dev splits of the four public data sets; write eval/results/public.json.

Runs the same service as ``talkdown eval`` (``talkdown.services.evaluate.evaluate_files``) with the default
pipeline, one data set at a time, and records a ``meta`` block (date, commit, machine, versions, sha256 of
every input, seed, wall time) so a number quoted in docs/analysis.md can be traced and reproduced.
``results`` holds only the scores: two runs give identical ``results`` (nothing here is random; ``--seed``
is kept for the convention and recorded).

    .venv/bin/python eval/public_report.py [--seed 13] [--data ../shared/data] [--split dev]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talkdown.analysis.registry import default_pipeline
from talkdown.services.evaluate import evaluate_files

DATASETS = ("annomi", "casino", "esconv", "goemotions")
DEFAULT_SEED = 13
PACKAGES = ("talkdown", "numpy", "scipy", "scikit-learn", "pydantic", "skops")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "public.json")
    args = ap.parse_args()
    print(f"seed={args.seed} data={args.data} split={args.split}", file=sys.stderr)
    pipeline = default_pipeline(on_error="raise")
    results: dict[str, Any] = {}
    inputs: dict[str, str] = {}
    timings: dict[str, float] = {}
    for name in DATASETS:
        path = args.data / name / f"{args.split}.jsonl"
        if not path.is_file():
            print(f"{path}: missing, skipped", file=sys.stderr)
            continue
        inputs[f"{name}/{path.name}"] = _sha256(path)
        t0 = time.perf_counter()
        report = evaluate_files([path], pipeline=pipeline)
        timings[name] = round(time.perf_counter() - t0, 2)
        results[name] = report.to_json()["families"]
        for fam, scores in results[name].items():
            print(f"{name:<11} {fam:<17} n={scores['n']:>6}  macro-F1 {scores['macro_f1']:.4f}", file=sys.stderr)
        print(f"{name:<11} {timings[name]:.1f}s; not scored: {', '.join(report.skipped) or '-'}", file=sys.stderr)
    meta = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _git_commit(),
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": _versions(),
        "inputs_sha256": inputs,
        "seed": args.seed,
        "seconds": timings,
        "analyzers": [f"{i.name} {i.version} ({i.kind})" for i in pipeline.describe()],
        "command": "python eval/public_report.py " + " ".join(sys.argv[1:]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
