"""A digest of everything the rules-only pipeline says about every ``eval/data`` turn, to prove a speed change
changes nothing.

Usage:
  python bench/rules_identity.py                      # prints the digest (and the per-mode digests)
  python bench/rules_identity.py --save before.txt    # also writes one line per turn: file, conversation, seq, hash
  python bench/rules_identity.py --compare before.txt after.txt   # names the turns whose annotations differ

Why: the rule analysers are optimised for ``--fast`` throughput under one hard constraint, that their output
stays byte-identical; ``eval/rules_diff.py`` compares labels only, and a cache or a skipped validation could
change a score's type, a span, a detail or ``low_confidence`` without moving a label. Each annotation is read
as its ``repr`` (field order, ``int`` against ``float``, ``tuple`` against ``list``, dict order all show),
its JSON form (as the store and the web read it) and the fields it was given (``model_fields_set``, which
``exclude_unset`` reads).

Every turn of ``eval/data/*.jsonl`` (both sides, the 8 earlier turns as context, as ``bench/analyze.py`` and
``talkdown eval`` give them) is analysed in three ways that must agree turn for turn, and the run stops with
the first turn on which they differ: ``batch``, the bench's batches of 512 across conversations; ``shuffled``,
the same turns in a seeded random order, so a per-text or per-window cache filled by another context is read
from the wrong place if it can be; and ``single``, one ``Pipeline.run`` per turn (the LIVE path). ``--quick``
reads the first 2,000 turns only (a smoke test, not a proof); ``--modes`` with no name gives the ``batch``
digest alone (about a minute instead of four, for trying a change; prove it with all three). No timing: speed
is ``bench/analyze.py``'s.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.registry import default_pipeline
from talkdown.domain.annotations import Annotation
from talkdown.services.evaluate import conversations_in_context

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "eval" / "data"
WINDOW = 8
BATCH = 512
SEED = 20261127

Key = tuple[str, int, int]  # file name, conversation index, turn seq
Run = Callable[[Sequence[Turn], Sequence[Context]], list[tuple[Annotation, ...]]]


def load(data: Path, limit: int | None) -> list[tuple[Key, Turn, Context]]:
    items = []
    for path in sorted(data.glob("*.jsonl")):
        for index, conv in enumerate(conversations_in_context(path, window=WINDOW)):
            items += [((path.name, index, turn.seq or 0), turn, ctx) for turn, ctx in conv]
    return items[:limit] if limit else items


def digest(anns: tuple[Annotation, ...]) -> str:
    h = hashlib.sha256()
    for ann in anns:
        h.update(repr(ann).encode())
        h.update(b"\0" + ann.model_dump_json().encode())
        h.update(b"\0" + ",".join(sorted(ann.model_fields_set)).encode() + b"\n")
    return h.hexdigest()[:32]


def in_batches(run: Run, items: list[tuple[Key, Turn, Context]]) -> dict[Key, str]:
    out = {}
    for k in range(0, len(items), BATCH):
        chunk = items[k : k + BATCH]
        results = run([t for _, t, _ in chunk], [c for _, _, c in chunk])
        out.update({key: digest(anns) for (key, _, _), anns in zip(chunk, results, strict=True)})
    return out


def modes(items: list[tuple[Key, Turn, Context]], names: list[str]) -> dict[str, dict[Key, str]]:
    shuffled = list(items)
    random.Random(SEED).shuffle(shuffled)  # noqa: S311  # an order, not a secret
    pipeline = default_pipeline(fast=True, on_error="raise")
    runs = {
        "batch": lambda: in_batches(pipeline.run_many, items),
        "shuffled": lambda: in_batches(default_pipeline(fast=True, on_error="raise").run_many, shuffled),
        "single": lambda: {key: digest(pipeline.run(t, c)) for key, t, c in items},
    }
    return {name: runs[name]() for name in ("batch", *names) if name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--quick", action="store_true", help="The first 2,000 turns only.")
    parser.add_argument("--save", type=Path, help="Write one line per turn: file, conversation, seq, hash.")
    parser.add_argument("--modes", nargs="*", default=["shuffled", "single"], choices=("shuffled", "single"),
                        help="Ways to check against 'batch' (default: both; none for a quick digest).")  # fmt: skip
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        before, after = (p.read_text().splitlines() for p in args.compare)
        differ = [old for old, new in zip(before, after, strict=True) if old != new]
        for line in differ[:50]:
            print("differs:", line.rsplit(" ", 1)[0])
        print(f"{len(differ)} of {len(before)} turns differ")
        sys.exit(1 if differ else 0)
    items = load(args.data, 2000 if args.quick else None)
    found = modes(items, args.modes)
    base = found["batch"]
    for name, other in found.items():
        for key, _, _ in items:
            if other[key] != base[key]:
                sys.exit(f"{name} and batch differ on {key}: the analysers are not pure or a cache leaks")
    lines = [f"{key[0]} {key[1]} {key[2]} {base[key]}" for key, _, _ in items]
    total = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    if args.save:
        args.save.write_text("\n".join(lines) + "\n")
    analyzers = ", ".join(f"{i.name} {i.version}" for i in default_pipeline(fast=True).describe())
    print(f"{len(items)} turns, modes {', '.join(found)} agree; analysers: {analyzers}")
    print(f"digest {total}")


if __name__ == "__main__":
    main()
