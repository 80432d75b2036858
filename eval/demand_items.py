"""The items the cue rules name for his demands (``detail["item"]``), on the subject turns of the survey files,
saved per checkout, then compared side by side.

Usage:
  python eval/demand_items.py --save after.jsonl                        # this checkout's src
  python eval/demand_items.py --save before.jsonl --tree /path/to/old   # another checkout's src
  python eval/demand_items.py --compare before.jsonl after.jsonl        # the items that changed
  python eval/demand_items.py --show after.jsonl                        # every turn and its items

Why: the board's "D: <item>" buttons and the advice ("He asked for 'cigarettes and food' (seq 4) ...") quote
the item, and a label-level diff (``rules_diff.py``) says nothing about it. The survey files are the training
sets of ``eval/data`` (``writer_sets.TRAIN``, which holds ``indomain_dev.jsonl``; never the fresh sets or the
holdout) and the subject turns of the public sets where a subject may ask for something (ESConv seekers,
AnnoMI clients, CaSiNo parties, who bargain for food, water and firewood). Each turn is read as the analyser
reads it: with the negotiator's turn just before it, and "And a car." an added item only after a demand of his
in the 8 turns before (an approximation of ``demanded_before``, enough for a survey of the items).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from rules_diff import use_tree
from writer_sets import TRAIN

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path("/work/shared/data")
PUBLIC = ("esconv", "annomi", "casino")


def survey_files() -> list[Path]:
    files = [DATA / name for name in TRAIN]
    files += [SHARED / name / f"{split}.jsonl" for name in PUBLIC for split in ("dev", "train")]
    return [f for f in files if f.exists()]


def subject_turns(path: Path) -> Iterator[tuple[str, int, str, str | None]]:
    """(conversation id, idx, text, the negotiator's turn just before it) of each turn of his."""
    for line in path.read_text(encoding="utf-8").splitlines():
        conv = json.loads(line)
        turns = conv["turns"]
        for i, turn in enumerate(turns):
            if turn["role"] not in ("subject", "party"):
                continue
            before = turns[i - 1] if i else None
            asked = before["text"] if before is not None and before["role"] == "negotiator" else None
            yield conv["id"], turn["idx"], turn["text"], asked


def save(out: Path) -> int:
    from talkdown.analysis.cues import _adds_an_item, find_cues

    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for path in survey_files():
            demanded: dict[tuple[str, int], bool] = {}
            for conv_id, idx, text, asked in subject_turns(path):
                earlier = any(demanded.get((conv_id, j), False) for j in range(idx - 8, idx))
                after = _adds_an_item(text) and earlier
                cues = find_cues(text, previous_negotiator=asked, after_demand=after)
                items = [str(c.detail["item"]) for c in cues if c.label == "demand"]
                demanded[(conv_id, idx)] = bool(items)
                if items:
                    fh.write(json.dumps([path.parent.name + "/" + path.name, conv_id, idx, text, items]) + "\n")
                    n += 1
    return n


def load(path: Path) -> dict[tuple[str, str, int], tuple[str, list[str]]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {(f, c, i): (text, items) for f, c, i, text, items in rows}


def compare(before: Path, after: Path) -> None:
    old, new = load(before), load(after)
    changed = 0
    for key in sorted(old.keys() | new.keys()):
        text = (old.get(key) or new[key])[0]
        was, now = old.get(key, (text, []))[1], new.get(key, (text, []))[1]
        if was != now:
            changed += 1
            print(f"{key[0]} {key[1]} turn {key[2]}: {text!r}\n    before {was}\n    after  {now}")
    items = sum(len(v[1]) for v in new.values())
    print(f"demand turns: {len(old)} before, {len(new)} after; items after: {items}; turns whose items changed: "
          f"{changed}")  # fmt: skip


def show(saved: Path) -> None:
    for (name, conv_id, idx), (text, items) in sorted(load(saved).items()):
        print(f"{name} {conv_id} turn {idx}: {text!r}\n    -> {items}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--tree", type=Path, help="Another checkout whose src to run (with --save).")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--show", type=Path)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
    elif args.show:
        show(args.show)
    elif args.save:
        if args.tree:
            use_tree(args.tree.resolve())
        print(f"{save(args.save)} demand turns -> {args.save}", file=sys.stderr)
    else:
        parser.error("--save, --compare or --show")


if __name__ == "__main__":
    main()
