"""How the gold suicide cues of the training writer sets fall into ``indicators.md``'s kinds (``detail["clue"]``).

Usage:
  python eval/suicide_clues.py                 # counts per kind, and how many cues get none
  python eval/suicide_clues.py --samples 8     # plus up to 8 random turns per kind (and of those with none)

Why: the clue rules (``src/talkdown/analysis/suicide_clues.py``) have no labelled data of their own; this prints
what they make of every turn a writer labelled ``suicide_cue`` so anyone can read the kinds against the words.
Only ``writer_sets.TRAIN`` (which holds ``indomain_dev.jsonl``) is read, never the fresh sets or the holdout.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

from writer_sets import TRAIN

from talkdown.analysis.suicide_clues import clue_of

DATA = Path(__file__).resolve().parent / "data"
NONE = "(none)"


def gold_cues() -> list[str]:
    texts = []
    for name in TRAIN:
        with (DATA / name).open(encoding="utf-8") as f:
            for line in f:
                for turn in json.loads(line)["turns"]:
                    if "suicide_cue" in (turn["labels"].get("talkdown_cue") or []):
                        texts.append(turn["text"])
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=0, help="random turns shown per kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    by_kind: defaultdict[str, list[str]] = defaultdict(list)
    for text in gold_cues():
        clue = clue_of(text)
        by_kind[clue.id if clue else NONE].append(text)
    counts = Counter({k: len(v) for k, v in by_kind.items()})
    total = sum(counts.values())
    print(f"{total} gold suicide cues in {len(TRAIN)} training files; {total - counts[NONE]} get a clue")
    for kind, n in counts.most_common():
        print(f"  {kind:24} {n:5}  {n / total:6.1%}")
    rng = random.Random(args.seed)  # noqa: S311 (a reproducible sample, no secret)
    for kind, texts in by_kind.items() if args.samples else ():
        print(f"\n## {kind}")
        for text in rng.sample(texts, min(len(texts), args.samples)):
            print("  ", text[:160])


if __name__ == "__main__":
    main()
