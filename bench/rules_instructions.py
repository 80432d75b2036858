"""Instructions the rules-only pipeline executes per turn, counted by valgrind: an A/B measure that a busy host
cannot blur.

Usage:
  python bench/rules_instructions.py                          # this checkout's src
  python bench/rules_instructions.py --src A/src B/src --turns 2048

Why: on a host whose cores are shared, wall-clock and even CPU-time A/B runs of the rules moved by 20-30 %
between identical runs, so a change worth a few per cent could not be seen (docs/analysis.md, "Rules speed,
second pass"). Valgrind's cachegrind counts the instructions a process executes, the same on every run
(``PYTHONHASHSEED=0``): each tree runs ``--turns`` turns of ``bench/analyze.py``'s corpus (same texts, 8 turns
of context, batches of 512, no warm-up, so the first uses' regex compiles are in it) and, once, no turns at
all; the difference divided by the turns is the figure. Instructions are not time (a cache miss costs more
than an add), so confirm a large change with ``bench/analyze.py``. Needs ``valgrind`` (Debian: apt-get
install valgrind); each tree takes a few minutes, valgrind runs Python some 50 times slower.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()


def child(turns: int) -> None:
    sys.path.insert(0, str(HERE.parent))
    from analyze import BATCH, DEFAULT_DATA, cycle, load_turns

    from talkdown.analysis.registry import default_pipeline

    items = load_turns(DEFAULT_DATA)
    pipeline = default_pipeline(fast=True, on_error="raise")
    batch = cycle(items, turns)
    for k in range(0, turns, BATCH):
        chunk = batch[k : k + BATCH]
        pipeline.run_many([t for t, _ in chunk], [c for _, c in chunk])


def count(src: Path, turns: int) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(src)}
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    cmd += [sys.executable, str(HERE), "--child", "--turns", str(turns)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=7200)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        sys.exit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, nargs="+", default=[HERE.parents[1] / "src"])
    parser.add_argument("--turns", type=int, default=2048)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.turns)
        return
    base = count(args.src[0], 0)  # imports and corpus loading: the same code in every tree worth comparing
    print(f"{'tree':50s} {'instructions':>15s} {'per turn':>10s}")
    for src in args.src:
        total = count(src, args.turns) - base
        print(f"{src!s:50s} {total:>15,} {total / args.turns:>10,.0f}")


if __name__ == "__main__":
    main()
