"""Train the cue head: per-label logistic regressions over the MiniLM embedding of a subject turn.

The cue rules (``analysis/cues.py``) are precise but miss much of what other writers say. This head reads
the frozen MiniLM sentence embedding (``analysis/encoder.py``) of the subject turn, concatenated with the
embedding of the negotiator turn just before it (zeros when there is none), and gives one sigmoid per cue
label. ``CueAnalyzer`` keeps every rule label and *adds* a label when the head's probability reaches its
threshold.

Training data (never anything else): ``eval/data/indomain_dev.jsonl`` and the **odd-numbered** conversations
of ``indomain_crosswriter.jsonl`` and ``indomain_writer3.jsonl``. The even-numbered conversations (the
"untouched halves" of ``eval/rules_report.py``) and ``indomain_holdout.jsonl`` are never read here.
Thresholds maximise the F1 of *rules ∪ head* on out-of-fold predictions (5-fold GroupKFold, grouped by
conversation) over the training turns.

    .venv/bin/python eval/train_cue_head.py [--seed 7] [--c 1.0]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talkdown.analysis.cues import LABELS, find_cues
from talkdown.analysis.encoder import DIM, SentenceEncoder
from talkdown.analysis.lexicons import is_judgeable
from talkdown.analysis.model_io import PACKAGED_MODELS, DenseHead, save_head

DATA = REPO / "eval" / "data"
TRAIN_ALL = ("indomain_dev.jsonl",)
TRAIN_ODD = ("indomain_crosswriter.jsonl", "indomain_writer3.jsonl")
CARD = "cue-head.md"
CUE_HEAD_FILE = "cue-head.json"
OFF = 2.0
"""Threshold of a label the head never adds (a sigmoid is at most 1)."""
GRID = [round(x, 2) for x in np.arange(0.10, 0.96, 0.025)]


def odd(conv_id: str) -> bool:
    return int(conv_id.rsplit("-", 1)[1]) % 2 == 1


def load_turns() -> tuple[list[str], list[str], list[set[str]], list[set[str]], list[str], dict[str, str]]:
    """Subject turns carrying cue labels: text, previous negotiator text, gold, rule labels, group."""
    texts: list[str] = []
    prevs: list[str] = []
    gold: list[set[str]] = []
    rules: list[set[str]] = []
    groups: list[str] = []
    inputs: dict[str, str] = {}
    for name in (*TRAIN_ALL, *TRAIN_ODD):
        path = DATA / name
        inputs[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            conv: dict[str, Any] = json.loads(line)
            if name in TRAIN_ODD and not odd(str(conv["id"])):
                continue  # the untouched half: never used for training or thresholds
            turns = conv["turns"]
            for i, t in enumerate(turns):
                if t["role"] != "subject" or "talkdown_cue" not in t.get("labels", {}):
                    continue
                before = turns[i - 1] if i > 0 else None
                prev = before["text"] if before is not None and before["role"] == "negotiator" else ""
                texts.append(t["text"])
                prevs.append(prev)
                gold.append(set(t["labels"]["talkdown_cue"]) & set(LABELS))
                judged = is_judgeable(t["text"])
                found = find_cues(t["text"], previous_negotiator=prev or None) if judged else []
                rules.append({c.label for c in found})
                groups.append(f"{name}:{conv['id']}")
    return texts, prevs, gold, rules, groups, inputs


def f1(gold: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
    tp = float((gold & pred).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / gold.sum() if gold.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--c", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=PACKAGED_MODELS)
    args = parser.parse_args()

    texts, prevs, gold, rules, groups, inputs = load_turns()
    encoder = SentenceEncoder()
    emb = encoder.encode(texts)
    prev_emb = encoder.encode(prevs)
    prev_emb[[i for i, p in enumerate(prevs) if not p]] = 0.0
    x = np.hstack([emb, prev_emb]).astype(np.float32)
    if x.shape[1] != 2 * DIM:
        raise SystemExit(f"unexpected feature width {x.shape[1]}")
    y = np.array([[label in g for label in LABELS] for g in gold], dtype=bool)
    r = np.array([[label in g for label in LABELS] for g in rules], dtype=bool)
    print(f"{len(texts)} turns, {len(set(groups))} conversations", file=sys.stderr)

    oof = np.zeros(y.shape, dtype=np.float64)
    for train_idx, test_idx in GroupKFold(n_splits=5).split(x, y, groups):
        for k in range(len(LABELS)):
            clf = LogisticRegression(C=args.c, max_iter=2000, class_weight="balanced", random_state=args.seed)
            clf.fit(x[train_idx], y[train_idx, k])
            oof[test_idx, k] = clf.predict_proba(x[test_idx])[:, 1]

    thresholds: dict[str, float] = {}
    rows = []
    for k, label in enumerate(LABELS):
        base = f1(y[:, k], r[:, k])
        best = max(GRID, key=lambda t: (f1(y[:, k], r[:, k] | (oof[:, k] >= t))[2], t))
        comb = f1(y[:, k], r[:, k] | (oof[:, k] >= best))
        head_only = f1(y[:, k], oof[:, k] >= best)
        if comb[2] <= base[2]:  # no out-of-fold gain over the rules: the head stays off for this label
            best = OFF
            comb = base
        thresholds[label] = float(best)
        rows.append((label, int(y[:, k].sum()), best, base, head_only, comb))
        print(f"{label:12s} thr {best:.3f} rules F1 {base[2]:.3f} -> rules+head {comb[2]:.3f}", file=sys.stderr)

    weights = np.zeros((x.shape[1], len(LABELS)), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    for k in range(len(LABELS)):
        clf = LogisticRegression(C=args.c, max_iter=2000, class_weight="balanced", random_state=args.seed)
        clf.fit(x, y[:, k])
        weights[:, k] = clf.coef_[0]
        bias[k] = clf.intercept_[0]
    meta: dict[str, str | int | float] = {f"threshold_{label}": t for label, t in thresholds.items()}
    meta.update({"features": "minilm(subject turn) ++ minilm(previous negotiator turn or zeros)", "c": args.c,
                 "seed": args.seed, "train_turns": len(texts)})  # fmt: skip
    head = DenseHead(labels=LABELS, activation="sigmoid", layers=((weights, bias),),
                     encoder_sha256=encoder.sha256, meta=meta)  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / CARD).write_text(render_card(args, rows, len(texts), len(set(groups)), inputs), encoding="utf-8")
    digest = save_head(head, args.out, CUE_HEAD_FILE, card=CARD)  # re-reads manifest.json, adds this entry
    print(f"wrote {args.out / CUE_HEAD_FILE} sha256 {digest} (prefix {digest[:8]})", file=sys.stderr)


def render_card(args: argparse.Namespace, rows: list[Any], n: int, convs: int, inputs: dict[str, str]) -> str:
    table = "\n".join(
        f"| {label} | {support} | {thr:.3f} | {b[0]:.3f} / {b[1]:.3f} / {b[2]:.3f} | {h[2]:.3f} "
        f"| {c[0]:.3f} / {c[1]:.3f} / {c[2]:.3f} |"
        for label, support, thr, b, h, c in rows
    )
    data = "\n".join(f"  - `{name}` sha256 `{digest}`" for name, digest in inputs.items())
    return f"""# Model card: cue-head

- **What**: a learned complement to the cue rules (`CueAnalyzer`, family `talkdown_cue`): one logistic
  regression per label (threat, suicide_cue, deadline, demand, weapon) over the frozen MiniLM sentence
  embedding (`minilm-l6-int8.onnx`, see `minilm-l6.md`) of the subject turn concatenated with that of the
  negotiator turn just before it (zeros if none): 768 → 5 sigmoid, stored as a `talkdown-dense-head/1` file
  (`cue-head.json`), which records the encoder's sha256 and is refused over another encoder.
- **Use**: the analyser keeps every rule label and adds a label when the head's probability reaches its
  threshold (`detail["source"] = "model"`, evidence = the whole turn).
- **Data**: talkdown's own labelled transcripts, {n} subject turns from {convs} conversations:
  `indomain_dev.jsonl` (all) and the odd-numbered conversations of `indomain_crosswriter.jsonl` and
  `indomain_writer3.jsonl`. The even-numbered conversations of those two files and
  `indomain_holdout.jsonl` were not used for training or thresholds.
{data}
- **Training**: scikit-learn {sklearn.__version__} `LogisticRegression(C={args.c}, class_weight="balanced")`,
  seed {args.seed}, Python {platform.python_version()}; deterministic.
- **Thresholds**: per label, maximising F1 of *rules ∪ head* on 5-fold GroupKFold (by conversation)
  out-of-fold predictions over the training turns. The rules were written on these same turns, so rule
  recall here is optimistic and the thresholds err on the high (conservative) side. A label whose
  out-of-fold F1 does not rise above the rules' gets threshold 2.0: the head never adds it.
- **Command**: `.venv/bin/python eval/train_cue_head.py --seed {args.seed} --c {args.c}`
- **Limits**: small, synthetic, English training set; probabilities are not calibrated beyond the
  threshold choice; no evidence spans beyond the whole turn.

## Out-of-fold scores on the training turns (P / R / F1)

| label | support | threshold | rules | head alone F1 | rules ∪ head |
|---|---:|---:|---|---:|---|
{table}
"""


if __name__ == "__main__":
    main()
