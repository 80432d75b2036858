"""Train the optional ESConv strategy model into models-extra/esconv-strategy/ (never into the package).

ESConv is CC BY-NC 4.0 and "academic research use only" (../shared/data/README.md), so the model it
trains inherits that: it is written outside ``src/`` (so no wheel or sdist of talkdown contains it), next
to a LICENSE-NOTICE.md and a card saying so, and talkdown works without it (``StrategyAnalyzer`` then maps
talkdown_skill labels). Delete the folder to remove it.

Model: multinomial logistic regression over the same TF-IDF word+char n-grams as the emotion model
(``talkdown.analysis.model_io``); C chosen on ESConv dev. Deterministic (lbfgs, sorted inputs).

    .venv/bin/python eval/train_esconv_strategy.py [--seed 13] [--data ../shared/data] [--c 2.0]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talkdown.analysis.model_io import Block, LinearTextModel, feature_names, save_model

STRATEGIES = ("Question", "Others", "Providing Suggestions", "Affirmation and Reassurance", "Self-disclosure",
              "Reflection of feelings", "Information", "Restatement or Paraphrasing")  # fmt: skip
MODEL_FILE = "esconv-strategy.json"
DEFAULT_SEED = 13

LICENSE_NOTICE = """# Licence notice: esconv-strategy model

This model was trained on **ESConv** (Liu, Zheng, Demasi, Sabour, Li, Yu, Jiang, Huang: "Towards Emotional
Support Dialog Systems", ACL 2021; https://github.com/thu-coai/Emotional-Support-Conversation).

ESConv is licensed **CC BY-NC 4.0**, and its README adds: "All rights reserved. Data and codes are for
academic research use only." This model is derived from it and carries the same terms:

- **Non-commercial, academic research use only.** Do not use it in a commercial product or service.
- It is **not part of talkdown** and is never shipped inside talkdown's package, wheel or sdist; talkdown
  (Apache-2.0) works without it. Delete this folder to remove it.
- Attribution: cite the paper above whenever you report results obtained with this model.
"""


def load(path: Path) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            for turn in json.loads(line)["turns"]:
                strat = turn["labels"].get("esconv_strategy")
                if strat:
                    texts.append(turn["text"])
                    labels.append(strat[0])
    return texts, labels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "models-extra" / "esconv-strategy")
    ap.add_argument("--c", type=float, default=2.0)
    ap.add_argument("--max-word", type=int, default=30000)
    ap.add_argument("--max-char", type=int, default=40000)
    args = ap.parse_args()
    print(f"seed={args.seed} data={args.data} C={args.c}", file=sys.stderr)
    t0 = time.perf_counter()
    train_path, dev_path = args.data / "esconv" / "train.jsonl", args.data / "esconv" / "dev.jsonl"
    x_text, y = load(train_path)
    d_text, d_y = load(dev_path)
    vecs = [
        TfidfVectorizer(analyzer=partial(feature_names, "word"), sublinear_tf=True, min_df=2,
                        max_features=args.max_word, dtype=np.float32),
        TfidfVectorizer(analyzer=partial(feature_names, "char"), sublinear_tf=True, min_df=3,
                        max_features=args.max_char, dtype=np.float32),
    ]  # fmt: skip
    x = sp.hstack([v.fit_transform(x_text) for v in vecs]).tocsr()
    xd = sp.hstack([v.transform(d_text) for v in vecs]).tocsr()
    clf = LogisticRegression(C=args.c, solver="lbfgs", max_iter=3000, random_state=args.seed)
    clf.fit(x, [STRATEGIES.index(lab) for lab in y])
    pred = [STRATEGIES[k] for k in clf.predict(xd)]
    macro = float(f1_score(d_y, pred, labels=list(STRATEGIES), average="macro"))
    acc = float(accuracy_score(d_y, pred))
    per = f1_score(d_y, pred, labels=list(STRATEGIES), average=None)
    print(f"trained in {time.perf_counter() - t0:.1f}s; dev macro-F1 {macro:.4f} accuracy {acc:.4f}", file=sys.stderr)
    blocks, offset = [], 0
    for kind, v in zip(("word", "char"), vecs, strict=True):
        vocab = {str(f): int(i) for f, i in v.vocabulary_.items()}
        blocks.append(Block(kind=kind, index=vocab, idf=v.idf_.astype(np.float32), offset=offset))
        offset += len(vocab)
    train_sha = hashlib.sha256(train_path.read_bytes()).hexdigest()
    model = LinearTextModel(
        labels=STRATEGIES,
        activation="softmax",
        blocks=tuple(blocks),
        coef=clf.coef_.T.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
        thresholds={},
        meta={"data": "ESConv train (CC BY-NC 4.0, academic research use only)", "train_sha256": train_sha,
              "seed": args.seed, "C": args.c, "sklearn": sklearn.__version__},
    )  # fmt: skip
    rows = "\n".join(f"| {s} | {f:.4f} | {d_y.count(s)} |" for s, f in zip(STRATEGIES, per, strict=True))
    card = f"""# Model card: esconv-strategy (NOT part of talkdown; CC BY-NC 4.0, research use only)

- **What**: ESConv support strategy (8 classes, one per supporter turn); used by `StrategyAnalyzer` when
  this folder is present. See LICENSE-NOTICE.md: non-commercial, academic research use only.
- **Model**: multinomial logistic regression (lbfgs, C={args.c}) over TF-IDF word 1–2-grams and char
  3–5-grams of the turn text only (no context), {x.shape[1]} features, JSON float32 weights.
- **Data**: ESConv train split, {len(y)} supporter turns (Liu et al., ACL 2021; thu-coai/Emotional-Support-
  Conversation f262d062, split from the Hugging Face thu-coai/esconv split). sha256 `{train_sha}`.
- **Training command**: `.venv/bin/python eval/train_esconv_strategy.py --seed {args.seed} --c {args.c}`.
- **Trained**: {time.strftime("%Y-%m-%d", time.gmtime())} on {platform.machine()}, Python {platform.python_version()},
  scikit-learn {sklearn.__version__}.

## Dev scores (ESConv dev, {len(d_y)} supporter turns)

macro-F1 **{macro:.4f}**, accuracy {acc:.4f} (fine-tuned RoBERTa-base on test: macro-F1 0.50, accuracy 0.57).

| strategy | dev F1 | support |
|---|---:|---:|
{rows}
"""
    digest = save_model(model, args.out, MODEL_FILE, card=card)
    (args.out / "LICENSE-NOTICE.md").write_text(LICENSE_NOTICE, encoding="utf-8")
    size = (args.out / MODEL_FILE).stat().st_size
    print(f"wrote {args.out / MODEL_FILE} ({size / 1e6:.1f} MB) sha256 {digest}", file=sys.stderr)


if __name__ == "__main__":
    main()
