"""Which of talkdown's labelled sets train the turn model, which are split, and which are never read.

One definition for the training script, the rules report and the model comparison: before it, the list of
split sets and the odd/even rule were spelled in each, and adding a writer meant keeping three copies equal.
A split set's odd-numbered conversations may train and be read to fix rules; its even-numbered ones (the
"untouched halves") never are. Fresh sets are scored whole and never read.
"""

from __future__ import annotations

TRAIN_WHOLE = ("indomain_dev.jsonl", "indomain_writer4.jsonl", "indomain_writer5.jsonl")
SPLIT = (
    "indomain_crosswriter.jsonl",
    *(f"indomain_writer{n}.jsonl" for n in (3, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20)),
)
FRESH = ("indomain_writer14.jsonl", "indomain_writer15.jsonl")


def is_odd(conv_id: str) -> bool:
    """Conversation ids end in ``-NNN``; odd numbers are the half a split set may train on."""
    return int(conv_id.rsplit("-", 1)[1]) % 2 == 1
