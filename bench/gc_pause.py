"""What pausing the cyclic GC during a batch (``talkdown.gcpause``) buys, measured batch against batch.

Why a script of its own: on a shared two-core VM two runs of ``bench/analyze.py`` moved by 10-30 %, more than the
change, so the two ways run here in one process on alternate batches of the bench's turns (512 each, 8 turns of
context): even batches inside ``Pipeline.run_many``'s pause, odd ones with the pause replaced by a no-op. Each
batch's time includes the collection the pause deferred (a few allocations after it trigger it). Rules only
(``--fast``) by default, where Python allocations are the whole cost; ``--models`` for the pipeline with its
models, as the CLI configures it (in a source checkout that includes models-extra's ESConv graph).

    .venv/bin/python bench/gc_pause.py [--batches 60] [--models]
Writes bench/results/gc_pause.json. No pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analyze import BATCH, DEFAULT_DATA, cycle, load_turns
from machine import meta

import talkdown.analysis.pipeline as pipeline_module
from talkdown.analysis.registry import default_pipeline
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

OUT = Path(__file__).with_name("results") / "gc_pause.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=60)
    ap.add_argument("--models", action="store_true", help="the default pipeline (MiniLM passes) instead of --fast")
    args = ap.parse_args()
    configure_analysis(Settings())  # as the CLI and bench/analyze.py do: the encoder threads, models-extra
    items = load_turns(DEFAULT_DATA)
    pipeline = default_pipeline(on_error="raise", fast=not args.models)
    warm = cycle(items, BATCH, start=10**6)
    pipeline.run_many([t for t, _ in warm], [c for _, c in warm])
    paused = pipeline_module.gc_paused
    seconds = {"paused": 0.0, "not paused": 0.0}
    turns = {"paused": 0, "not paused": 0}
    collections = {"paused": 0, "not paused": 0}
    way = "paused"

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[way] += 1

    gc.callbacks.append(count)
    for k in range(args.batches):
        batch = cycle(items, BATCH, start=k * BATCH)
        way = "paused" if k % 2 == 0 else "not paused"
        pipeline_module.gc_paused = paused if way == "paused" else contextlib.nullcontext  # type: ignore[assignment]
        started = time.perf_counter()
        pipeline.run_many([t for t, _ in batch], [c for _, c in batch])
        _ = [object() for _ in range(2_000)]  # the deferred collection, inside this batch's time
        seconds[way] += time.perf_counter() - started
        turns[way] += len(batch)
    gc.callbacks.remove(count)
    pipeline_module.gc_paused = paused
    results = {
        way: {"utterances_per_s": round(turns[way] / seconds[way]), "collections_per_batch":
              round(collections[way] / (args.batches / 2), 1)}
        for way in seconds
    }  # fmt: skip
    results["speed-up"] = round(results["paused"]["utterances_per_s"] / results["not paused"]["utterances_per_s"], 2)
    doc = {"meta": meta(command="bench/gc_pause.py", batches=args.batches, pipeline="default" if args.models else
                        "fast"), "results": results}  # fmt: skip
    OUT.write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
