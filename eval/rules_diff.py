"""Which turns a change to the rules relabels: the rules' labels for every turn in ``eval/data``, saved per
checkout, then compared.

Usage:
  python eval/rules_diff.py --save after.jsonl                        # this checkout's src
  python eval/rules_diff.py --save before.jsonl --tree /path/to/old   # another checkout's src
  python eval/rules_diff.py --compare before.jsonl after.jsonl

Why: ``rules_report.py`` scores only the turns held out from training, so a rule change that moves training
turns shows nothing there; this reads every turn (both sides, 8 turns of context, ``--fast`` pipeline) and
names the turns whose ``talkdown_*`` labels changed, grouped as training sets, fresh sets and the rest
(``writer_sets``). ``--tree`` runs another checkout's ``src`` (``use_tree``), whichever kind of editable install
this venv has. Reads texts, never prints them (the holdout is read too).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from writer_sets import FRESH, TRAIN

DATA = Path(__file__).resolve().parent / "data"


def use_tree(tree: Path) -> None:
    """Import ``talkdown`` from ``tree/src`` for the rest of the run: first on ``sys.path``, with this checkout's
    modules already imported dropped.

    With a ``.pth`` path entry (this repository's venv: ``__editable__.talkdown-*.pth`` lists ``src``, appended
    to ``sys.path`` after ``PYTHONPATH``) that is all it takes, as ``PYTHONPATH`` alone would. setuptools' editable
    finder (its install for layouts a path entry cannot serve) sits after the path finder on ``sys.meta_path``,
    so the package still comes from ``tree``; but it also answers for a direct submodule ``tree`` lacks (one
    added since, ``talkdown.x``) with this checkout's file, silently mixing the two checkouts. So editable
    finders are removed as well: such a module is then an ImportError. Where there is none, nothing is removed.
    """
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    for name in [n for n in sys.modules if n == "talkdown" or n.startswith("talkdown.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree / "src"))


def save(out: Path) -> int:
    from talkdown.analysis.registry import default_pipeline
    from talkdown.services.evaluate import conversations_in_context

    pipeline = default_pipeline(fast=True, on_error="raise")
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for path in sorted(DATA.glob("*.jsonl")):
            for index, conv in enumerate(conversations_in_context(path, window=8)):
                results = pipeline.run_many([t for t, _ in conv], [c for _, c in conv])
                for (turn, _), anns in zip(conv, results, strict=True):
                    labels = sorted({f"{a.family}/{a.label}" for a in anns if a.family.startswith("talkdown_")})
                    fh.write(json.dumps([path.name, index, turn.seq, labels]) + "\n")
                    n += 1
    return n


def compare(before: Path, after: Path) -> None:
    rows = zip(before.read_text().splitlines(), after.read_text().splitlines(), strict=True)
    groups: Counter[str] = Counter()
    for old, new in rows:
        (name, index, seq, was), (_, _, _, now) = json.loads(old), json.loads(new)
        if was != now:
            group = "training" if name in TRAIN else "fresh" if name in FRESH else "other"
            groups[group] += 1
            print(f"{group:8s} {name} conversation {index} turn {seq}: -{sorted(set(was) - set(now))} "
                  f"+{sorted(set(now) - set(was))}")  # fmt: skip
    print(f"turns relabelled: {dict(groups) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--tree", type=Path, help="Another checkout whose src to run (with --save).")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
    elif args.save:
        if args.tree:
            use_tree(args.tree.resolve())
        print(f"{save(args.save)} turns -> {args.save}", file=sys.stderr)
    else:
        parser.error("--save or --compare")


if __name__ == "__main__":
    main()
