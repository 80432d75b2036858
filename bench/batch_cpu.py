"""Where a batch's CPU time goes, by thread: the graph's runs against everything else (Linux only).

Why: batch throughput misses its target on the AMD host, and the question is whether any Python around the graph
is worth making faster. The MiniLM passes run on the ``talkdown-onnx`` threads (``analysis/encoder.py``: each
thread does nothing but ``session.run`` with one intra-op thread, so onnxruntime computes on it); tokenising and
the other model passes run on ``talkdown-ahead``; rules, TF-IDF and the rest on the main thread. CPU time, unlike
wall time, does not depend much on what else shares the host.

    .venv/bin/python bench/batch_cpu.py [--n 2048] [--data FILE]

Writes ``bench/results/batch_cpu.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

from analyze import BATCH, DEFAULT_DATA, cycle, load_turns
from machine import meta

from talkdown.analysis.registry import default_pipeline
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, float]:
    """CPU seconds (user + system) of each live thread of this process, by native thread id."""
    out = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a thread that ended meanwhile
            continue
        out[task.name] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2048)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    configure_analysis(Settings())
    items = load_turns(args.data)
    pipeline = default_pipeline(on_error="raise")
    warm = cycle(items, 64, start=10**6)
    pipeline.run_many([t for t, _ in warm], [c for _, c in warm])
    batch = cycle(items, args.n)
    before, started = thread_cpu(), time.perf_counter()
    for k in range(0, len(batch), BATCH):
        chunk = batch[k : k + BATCH]
        pipeline.run_many([t for t, _ in chunk], [c for _, c in chunk])
    wall, after = time.perf_counter() - started, thread_cpu()
    names = {str(t.native_id): t.name.rsplit("_", 1)[0] for t in threading.enumerate()}
    by_group: dict[str, float] = {}
    for tid, seconds in after.items():
        group = names.get(tid, "other")  # onnxruntime's or the tokenizer's own threads, if any
        by_group[group] = by_group.get(group, 0.0) + seconds - before.get(tid, 0.0)
    total = sum(by_group.values())
    results = {
        "turns": len(batch),
        "wall_s": round(wall, 2),
        "utterances_per_s": round(len(batch) / wall),
        "cpu_s": {k: round(v, 2) for k, v in sorted(by_group.items(), key=lambda kv: -kv[1])},
        "graph_share": round(by_group.get("talkdown-onnx", 0.0) / total, 3) if total else None,
        "cpu_ms_per_turn": round(1000 * total / len(batch), 2),
    }
    doc = {
        "meta": meta(
            packages=("onnxruntime",),
            inputs=(args.data,),
            command=" ".join(sys.argv),
            load_avg_1_5_15=[round(x, 2) for x in os.getloadavg()],
        ),
        "results": results,
    }
    Path(__file__).with_name("results").joinpath("batch_cpu.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
