"""Which of talkdown's labelled sets train the turn model, which did the rules read half of, and which are never read.

One definition for the training script, the rules report and the model comparison: before it, the list of
split sets and the odd/even rule were spelled in each, and adding a writer meant keeping three copies equal.

- ``SPLIT``: sets whose odd-numbered conversations were read to fix the rules; their even-numbered ones (the
  "untouched halves") were not until cues 0.27.0 (2026-11-28), whose suicide-cue wordings were written from the
  misses on every training set, even halves and ``LATE`` included: ``rules_report``'s figures on those halves are
  no longer untouched for suicide_cue (the other labels' rules did not read them). The turn graph trained
  on the odd halves only until graph a7371ccd; since the retrain of 2026-11-26 it trains on them whole, so the
  even halves no longer measure the model.
- ``LATE``: training sets written after the rules' last change (nobody read them to fix a rule).
- ``FRESH``: test sets, scored whole and never read by training, by rule changes or by the per-label choices of
  a retrain. Once, one *rule* for those choices was judged on them (``eval/choice_rules.py``, 2026-11-26: the
  cue labels' best F1 rather than the highest threshold near it), on both halves, and is said so where quoted.
  Writers 50-53 (2026-11-27) judged one candidate, decided before they were scored (cue choices on the 3-fold
  predictions): rejected; nothing else was chosen on them. The cue stage (cues 0.17, ``eval/cue_context.py``)
  was decided on all nineteen by a rule committed first (b742fe8), and confirmed on writers 54-57, written after
  it (rule in ec051db). The stage with the word logits was decided on those 23 (fe63e28) and failed its
  confirmation on writers 58-61; the per-label variant that followed was judged on writers 62-65 alone (it
  passed: cues 0.19). Writers 66-69 (2026-11-27) were read once by what ships, then scored the fine-tuned
  all-mpnet-base-v2 experiment (``cue_large_encoder.py``); nothing was chosen on them.
- ``LEFT_OUT``: in no list (see its docstring).
"""

from __future__ import annotations

TRAIN_WHOLE = ("indomain_dev.jsonl", "indomain_writer4.jsonl", "indomain_writer5.jsonl")
SPLIT = (
    "indomain_crosswriter.jsonl",
    *(f"indomain_writer{n}.jsonl" for n in (3, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20)),
)
LATE = tuple(f"indomain_writer{n}.jsonl" for n in (24, 25, 26, 27, 28, 32, 33, 34, 37, 38, 41, 42, 43, 44, 45))
FRESH = tuple(f"indomain_writer{n}.jsonl" for n in (14, 15, 21, 22, 23, 29, 30, 35, 36, 39, 40, *range(46, 70)))
LEFT_OUT = ("indomain_writer31.jsonl",)
"""Read by nobody: writer 31 wrote 16 conversations in a 12-minute slot without reading all the doctrine, and
labels a hedged answer to a direct suicide question ("Maybe.") no cue, where writers 24 and 37 and the guide's
majority label it ``suicide_cue``; training on both readings would teach neither."""
TRAIN = (*TRAIN_WHOLE, *SPLIT, *LATE)
"""Everything the turn graph trains on, whole."""


def is_odd(conv_id: str) -> bool:
    """Conversation ids end in ``-NNN``; odd numbers are the half of a split set the rules were tuned on."""
    return int(conv_id.rsplit("-", 1)[1]) % 2 == 1
