"""Analysis benchmark: one live turn (p50/p99), batch throughput, rules-only throughput, cold start, peak RSS.

Usage: python bench/analyze.py [--quick] [--data FILE.jsonl]
Turns come from the project's own negotiation-register set (``eval/data/indomain_dev.jsonl``, both sides),
cycled to the sizes below, each with the 8 earlier turns of its conversation as context (as ``talkdown
eval`` and LIVE give them). Models are loaded and warmed before timing: a live process loads them once.
Each measure runs in a fresh process of its own, so its peak RSS is that workload's alone (not the
benchmark's corpora of other measures, nor another pipeline's caches):
- ``live``: ``Pipeline.run`` on one turn at a time (the LIVE path), default pipeline.
- ``batch``: ``Pipeline.run_many`` on batches of 512 (the STUDY / eval path), default pipeline.
- ``fast``: the same batches through ``default_pipeline(fast=True)`` (rules only, ``talkdown analyze --fast``).
- ``study_fast`` and ``study``: ``talkdown study analyze [--fast]`` as a user runs it on this machine
  (``services.analyze_corpus``: one worker process per core, Parquet out), over a JSONL corpus of the same
  conversations repeated (each repeat's texts made distinct as above). Wall time from the call to the merged
  output, so the workers' start, their imports and model loads, and the writing are all in it.
- ``cold_start``: wall time of a fresh ``talkdown analyze "..." --as subject --json`` process (median of 3),
  and with ``--fast``; and that process's peak RSS.
"Default" is what ``pip install talkdown`` gives: the package's models only. A source checkout also finds
the separately licensed ESConv strategy encoder in ``models-extra/`` (CC BY-NC, one more MiniLM pass per
negotiator turn); ``live_with_extra`` and ``batch_with_extra`` measure that. ``peak_rss_mib`` is the
largest of the default-install measures.
Prints a table and writes bench/results/analyze.json. No pass/fail: targets are judged by people.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import meta, python_loop_s

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.registry import default_pipeline
from talkdown.services.evaluate import conversations_in_context
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "eval" / "data" / "indomain_dev.jsonl"
WINDOW = 8
BATCH = 512


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def load_turns(path: Path) -> list[tuple[Turn, Context]]:
    return [item for conv in conversations_in_context(path, window=WINDOW) for item in conv]


def cycle(items: list[tuple[Turn, Context]], n: int, *, start: int = 0) -> list[tuple[Turn, Context]]:
    """``n`` turns from ``items`` repeated; every repeat's texts (turn and context) end in a different number of
    spaces, which no rule or model reads, so the per-text caches of the analysers and the encoder cannot serve
    a repeat from an earlier pass (``start`` continues the numbering for a second pass)."""
    out = []
    for i in range(start, start + n):
        turn, ctx = items[i % len(items)]
        pad = " " * (i // len(items))
        if pad:
            turn = replace(turn, text=turn.text + pad)
            ctx = replace(ctx, window=tuple(replace(t, text=t.text + pad) for t in ctx.window))
        out.append((turn, ctx))
    return out


def live(items: list[tuple[Turn, Context]], n: int) -> dict[str, float]:
    pipeline = default_pipeline(on_error="raise")
    for turn, ctx in cycle(items, 20, start=10**6):  # warm-up: model loads are not a live turn's cost
        pipeline.run(turn, ctx)
    items = cycle(items, n)
    lat = []
    for turn, ctx in items:
        started = time.perf_counter()
        pipeline.run(turn, ctx)
        lat.append((time.perf_counter() - started) * 1000)
    return {
        "turns": len(items),
        "p50_ms": round(statistics.median(lat), 3),
        "p99_ms": round(percentile(lat, 99), 3),
        "max_ms": round(max(lat), 3),
    }


def throughput(items: list[tuple[Turn, Context]], n: int, *, fast: bool) -> dict[str, float]:
    pipeline = default_pipeline(on_error="raise", fast=fast)
    warm = cycle(items, 64, start=10**6)  # warm-up and model load, on texts no timed pass uses
    pipeline.run_many([t for t, _ in warm], [c for _, c in warm])
    rates = []
    for attempt in range(2):  # the better of two passes over different texts: a noisy neighbour costs one
        batch = cycle(items, n, start=attempt * n)
        started = time.perf_counter()
        for k in range(0, len(batch), BATCH):
            chunk = batch[k : k + BATCH]
            pipeline.run_many([t for t, _ in chunk], [c for _, c in chunk])
        rates.append(len(batch) / (time.perf_counter() - started))
    return {"turns": n, "batch": BATCH, "utterances_per_s": round(max(rates))}


def cold_start(*, fast: bool, repeats: int) -> dict[str, float]:
    """A fresh CLI process: import, build the pipeline, load models, analyse one line, print JSON."""
    exe = Path(sys.executable).with_name("talkdown")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "talkdown"])]
    cmd += ["analyze", "I can't take this anymore, you have one hour.", "--as", "subject", "--json"]
    if fast:
        cmd.append("--fast")
    walls, rss = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        walls.append(time.perf_counter() - started)
        rss.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)
    return {"wall_s_median": round(statistics.median(walls), 3), "wall_s_max": round(max(walls), 3),
            "child_peak_rss_mib": round(max(rss), 1)}  # fmt: skip


def study(data: Path, n: int, *, fast: bool) -> dict[str, object]:
    """``analyze_corpus`` on all cores over at least ``n`` turns: ``data``'s conversations, repeated."""
    from talkdown.services.analyze_corpus import analyze_corpus

    lines = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        written = 0
        with corpus.open("w", encoding="utf-8") as out:
            for repeat in range(n):
                for conv in lines:
                    turns = [{**t, "text": t["text"] + " " * repeat} for t in conv["turns"]]
                    out.write(json.dumps({**conv, "id": f"{conv['id']}-{repeat}", "turns": turns}) + "\n")
                    written += len(turns)
                if written >= n:
                    break
        started = time.perf_counter()
        run = analyze_corpus([str(corpus)], out=Path(tmp) / "rows.parquet", fast=fast)
        wall = time.perf_counter() - started
    workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"turns": run.utterances, "workers": os.cpu_count() or 1, "wall_s": round(wall, 2),
            "utterances_per_s": round(run.utterances / wall), "worker_peak_rss_mib": round(workers_rss, 1)}  # fmt: skip


def measure(kind: str, data: Path, n: int) -> dict[str, object]:
    """One measure in this process (``--child``), with this process's peak RSS and the analysers it ran."""
    fast = kind in ("fast", "study_fast")
    if kind.startswith("study"):
        result = study(data, n, fast=fast)
    else:
        items = load_turns(data)
        result = live(items, n) if kind == "live" else throughput(items, n, fast=fast)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["analyzers"] = [f"{i.name} {i.version} ({i.kind})" for i in default_pipeline(fast=fast).describe()]
    return result


def in_child(kind: str, data: Path, n: int, *, extra: bool) -> dict[str, object]:
    """``measure`` in a fresh interpreter; without ``extra`` the models-extra folder is hidden from it."""
    env = dict(os.environ)
    if not extra:
        env["TALKDOWN_EXTRA_MODELS"] = str(Path(__file__).with_name("no-extra-models"))  # a folder that does not exist
    cmd = [sys.executable, __file__, "--child", kind, "--n", str(n), "--data", str(data)]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=3600)
    found: dict[str, object] = json.loads(done.stdout)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Tiny sizes: a smoke test, not a measurement.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--child", choices=("live", "batch", "fast", "study", "study_fast"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    runtime = configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    if args.child:
        print(json.dumps(measure(args.child, args.data, args.n)))
        return
    n_live, n_batch, n_fast, repeats = (50, 512, 1024, 1) if args.quick else (1000, 4096, 20_000, 3)
    load_before = os.getloadavg()
    results: dict[str, dict[str, object]] = {}
    results["cold_start"] = cold_start(fast=False, repeats=repeats)
    results["cold_start_fast"] = cold_start(fast=True, repeats=repeats)
    results["live"] = in_child("live", args.data, n_live, extra=False)
    results["batch"] = in_child("batch", args.data, n_batch, extra=False)
    results["fast"] = in_child("fast", args.data, n_fast, extra=False)
    results["study_fast"] = in_child("study_fast", args.data, 2 * n_fast, extra=False)
    results["study"] = in_child("study", args.data, n_batch, extra=False)
    extra = runtime.extra_dir()
    if extra is not None and extra.is_dir():
        results["live_with_extra"] = in_child("live", args.data, n_live, extra=True)
        results["batch_with_extra"] = in_child("batch", args.data, n_batch, extra=True)
    peak = max(float(str(results[k]["peak_rss_mib"])) for k in ("live", "batch", "fast"))
    out = {
        "meta": meta(
            packages=("numpy", "onnxruntime", "tokenizers", "pydantic"),
            inputs=(args.data,),
            command=" ".join(sys.argv),
            quick=args.quick,
            python_loop_5m_s=python_loop_s(),
            # Why: other jobs on a shared two-core host cost the rules up to a third of their speed (docs/analysis.md,
            # Speed and memory), so a figure is read with the load it was measured under.
            load_avg_1_5_15_before=[round(x, 2) for x in load_before],
            load_avg_1_5_15_after=[round(x, 2) for x in os.getloadavg()],
        ),
        "results": {**results, "peak_rss_mib": peak},
    }
    lv, bt, ft, cs, csf = (results[k] for k in ("live", "batch", "fast", "cold_start", "cold_start_fast"))
    print(f"default install ({', '.join(map(str, bt['analyzers']))})", file=sys.stderr)  # type: ignore[call-overload]
    print(f"live turn (with context)   p50 {lv['p50_ms']:.2f} ms  p99 {lv['p99_ms']:.2f} ms   target p99 <= 30 ms"
          f"   peak RSS {lv['peak_rss_mib']} MiB", file=sys.stderr)  # fmt: skip
    print(f"batch (default)            {bt['utterances_per_s']:>8,} utt/s          target >= 500"
          f"        peak RSS {bt['peak_rss_mib']} MiB", file=sys.stderr)  # fmt: skip
    print(f"batch (--fast, rules only) {ft['utterances_per_s']:>8,} utt/s          target >= 5,000"
          f"      peak RSS {ft['peak_rss_mib']} MiB", file=sys.stderr)  # fmt: skip
    sf, sd = results["study_fast"], results["study"]
    print(f"study analyze --fast       {sf['utterances_per_s']:>8,} utt/s          ({sf['workers']} worker processes;"
          f" model-based: {sd['utterances_per_s']:,} utt/s)", file=sys.stderr)  # fmt: skip
    print(f"cold start analyze         {cs['wall_s_median']:.2f} s (fast {csf['wall_s_median']:.2f} s)"
          f"        target <= 2 s      peak RSS {cs['child_peak_rss_mib']} MiB", file=sys.stderr)  # fmt: skip
    print(f"peak RSS (default)         {peak} MiB                 target <= 400 MB", file=sys.stderr)
    m = out["meta"]
    print(f"host load (1/5/15 min)     before {m['load_avg_1_5_15_before']}, after {m['load_avg_1_5_15_after']};"
          f" python_loop_5m_s {m['python_loop_5m_s']}", file=sys.stderr)  # fmt: skip
    if "batch_with_extra" in results:
        le, be = results["live_with_extra"], results["batch_with_extra"]
        print(f"with models-extra: live p99 {le['p99_ms']:.2f} ms, batch {be['utterances_per_s']:,} utt/s,"
              f" peak RSS {max(float(str(le['peak_rss_mib'])), float(str(be['peak_rss_mib'])))} MiB",
              file=sys.stderr)  # fmt: skip
    if not args.quick:
        Path(__file__).with_name("results").mkdir(exist_ok=True)
        Path(__file__).with_name("results").joinpath("analyze.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
