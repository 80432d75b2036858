"""The analysis issue's targets beside the latest measured figures, one line each, read from the results files.

Why a script: the README's at-a-glance table must be what the scripts measured, with the date and host of each
figure, not numbers copied by hand from three results files written at different times. It reads

- ``eval/results/public.json`` (``eval/public_report.py``): ekman, esconv_strategy, annomi_therapist;
- ``eval/results/fresh_pooled.json``: the talkdown_cue figures of what ships today, pooled over the holdout and
  every fresh test set of ``writer_sets.FRESH`` (sets no training, rule or choice read), written by this script
  with ``--score-fresh``, which runs ``talkdown eval --json`` over those files;
- ``bench/results/analyze.json`` (``bench/analyze.py``): speed and memory.

    .venv/bin/python eval/targets.py [--score-fresh] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from writer_sets import FRESH

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from machine import meta

PUBLIC = REPO / "eval/results/public.json"
FRESH_POOLED = REPO / "eval/results/fresh_pooled.json"
BENCH = REPO / "bench/results/analyze.json"
FRESH_FILES = ("indomain_holdout.jsonl", *FRESH)
MIB_PER_MB = 1_000_000 / 2**20  # the 400 MB, in the MiB the bench reports


def score_fresh() -> None:
    """Score what ships on the holdout and the fresh sets, pooled, with ``talkdown eval`` itself (its progress bar
    on stderr), and save the cue family with its ``meta``."""
    from talkdown.analysis.registry import default_pipeline

    paths = tuple(REPO / "eval/data" / name for name in FRESH_FILES)
    started = time.perf_counter()
    command = [sys.executable, "-m", "talkdown", "eval", *map(str, paths), "--json"]
    report = json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout)
    about = meta(
        packages=("talkdown", "onnxruntime"),
        inputs=paths,
        command="python eval/targets.py --score-fresh",
        analyzers=[f"{i.name} {i.version} ({i.kind})" for i in default_pipeline().describe()],
        seconds=round(time.perf_counter() - started, 1),
    )
    doc = {"meta": about, "results": {"talkdown_cue": report["families"]["talkdown_cue"]}}
    FRESH_POOLED.write_text(json.dumps(doc, indent=1) + "\n")


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _when(doc: dict[str, Any]) -> str:
    m = doc["meta"]
    vnni = " (VNNI)" if "avx512_vnni" in m.get("cpu_simd", ()) else ""  # recorded since 2026-11-28 (bench/machine.py)
    return f"{m['date_utc'][:16].replace('T', ' ')} UTC, {m['cpu']}{vnni}, {m['commit']}"


Row = tuple[str, str, str, bool, str]


def _rows() -> list[Row]:
    """(measure, target, figure, met, source) for every target whose results file exists."""
    rows: list[Row] = []

    def add(doc: dict[str, Any] | None, measure: str, target: str, read: Read) -> None:
        if doc is not None:
            figure, met = read(doc["results"])
            rows.append((measure, target, figure, met, _when(doc)))

    public = _load(PUBLIC)
    for measure, corpus, family, floor in (
        ("ekman macro-F1", "goemotions", "ekman", 0.60),
        ("esconv_strategy macro-F1", "esconv", "esconv_strategy", 0.52),
        ("annomi_therapist macro-F1 (cross-corpus)", "annomi", "annomi_therapist", 0.62),
    ):
        add(public, measure, f">= {floor:.2f}", _family_f1(corpus, family, floor))

    fresh = _load(FRESH_POOLED)

    def suicide(r: dict[str, Any]) -> tuple[str, bool]:
        s = r["talkdown_cue"]["labels"]["suicide_cue"]
        return f"R {s['recall']:.3f} at P {s['precision']:.3f}", s["recall"] >= 0.95 and s["precision"] >= 0.70

    add(fresh, "suicide_cue (fresh sets, pooled)", "R >= 0.95 at P >= 0.70", suicide)
    for label in ("threat", "deadline", "demand"):
        add(fresh, f"{label} F1 (fresh sets, pooled)", ">= 0.85", _cue_f1(label, 0.85))

    bench = _load(BENCH)
    add(bench, "live turn with context, p99", "<= 30 ms", lambda r: _at_most(r["live"]["p99_ms"], 30, " ms"))
    add(bench, "batch", ">= 500 utt/s", _throughput("batch", 500))
    add(bench, "--fast (rules only)", ">= 5,000 utt/s", _throughput("fast", 5000))
    add(bench, "cold start, talkdown analyze", "<= 2 s", lambda r: _at_most(r["cold_start"]["wall_s_median"], 2, " s"))

    def rss(r: dict[str, Any]) -> tuple[str, bool]:
        peak = max(r[k]["peak_rss_mib"] for k in ("live", "batch", "fast"))
        return f"{peak:.0f} MiB", peak <= 400 * MIB_PER_MB

    add(bench, "peak RSS (default install)", "<= 400 MB", rss)
    return rows


Read = Callable[[dict[str, Any]], tuple[str, bool]]


def _family_f1(corpus: str, family: str, floor: float) -> Read:
    return lambda r: _at_least(r[corpus][family]["macro_f1"], floor)


def _cue_f1(label: str, floor: float) -> Read:
    return lambda r: _at_least(r["talkdown_cue"]["labels"][label]["f1"], floor)


def _throughput(measure: str, floor: float) -> Read:
    return lambda r: _at_least(r[measure]["utterances_per_s"], floor, " utt/s", 0)


def _at_least(value: float, floor: float, unit: str = "", digits: int = 3) -> tuple[str, bool]:
    return f"{value:,.{digits}f}{unit}", value >= floor


def _at_most(value: float, ceiling: float, unit: str = "", digits: int = 2) -> tuple[str, bool]:
    return f"{value:,.{digits}f}{unit}", value <= ceiling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--score-fresh", action="store_true", help="re-score the fresh sets first (a few minutes)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    if args.score_fresh:
        score_fresh()
    rows = _rows()
    if args.json:
        keys = ("measure", "target", "figure", "met", "source")
        print(json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=1))
        return
    width = max(len(r[0]) for r in rows)
    for measure, target, figure, met, source in rows:
        print(f"{measure:<{width}}  {target:<22}  {figure:<22}  {'met' if met else 'NOT met':<7}  {source}")


if __name__ == "__main__":
    main()
