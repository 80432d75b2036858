"""Train the shipped emotion model (Ekman-7 + hostility) on GoEmotions train and write it with its card.

Why this model: a TF-IDF word(1–2)+char(3–5) n-gram logistic regression is a few MB, runs on a laptop
CPU in well under a millisecond per turn, and its per-token contributions are exact evidence spans. The
fine-tuned BERT baseline (Ekman macro-F1 ≈ 0.62–0.64) needs torch and hundreds of MB, which talkdown
does not ship.

Since 0.2 a second head reads a MiniLM vector: a one-hidden-layer MLP (512 ReLU units, scikit-learn, early
stopping), whose probabilities are averaged with the linear model's, ``p = mix · p_head + (1 − mix) · p_linear``.
Since 0.3 that vector is the fine-tuned turn graph's ``turn_vector`` (``eval/onnx_turn_vector.py``: the turn's own
positions after the graph's third layer), read with no previous turn as GoEmotions comments have none; before,
it was a separate frozen sentence encoder, which cost every subject turn a second pass. The head records the
turn graph's sha256, so **retrain this after every retrain of the turn graph** (``train_turn_encoder.py``).
The linear model still gives the evidence spans. ``mix`` and the per-label thresholds are chosen on 3-fold
out-of-fold predictions over *train*, not on dev, so the dev scores printed here stay an honest estimate
(the dev split is used only to report, and to compare the few variants listed in docs/analysis.md).
GoEmotions is Apache-2.0, so both files may ship inside the package.

    .venv/bin/python eval/train_emotion.py [--seed 13] [--data ../shared/data] [--embeddings DIR] [--heads K]
                                           [--no-negation]

Since emotion 0.5 the linear model reads negation-scoped tokens (``model_io.mark_negation``: "not afraid to use it"
gives "¬afraid ¬to ¬use ¬it", word and char features alike), recorded as ``meta["negation"]``; before, "afraid"
weighed the same with or without "not" and negated emotion words were read as that emotion (docs/analysis.md).
``--no-negation`` trains the plain-token model of 0.4.

``--heads K`` trains K MLPs (seeds seed … seed+K-1) and stores them as one head that averages their logits; five
were level with one out of fold (2026-11-27: 0.6014 vs 0.6015), so the shipped head is one MLP.
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
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.neural_network import MLPClassifier

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talkdown.analysis.base import Turn
from talkdown.analysis.model_io import (
    NEGATION_SCOPE,
    Block,
    DenseHead,
    LinearTextModel,
    feature_names,
    join_features,
    save_head,
    save_model,
)
from talkdown.analysis.turn_model import MODEL_FILE as TURN_GRAPH
from talkdown.analysis.turn_model import TurnModel

EKMAN = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
HOSTILE_FROM = frozenset({"anger", "annoyance", "disgust"})
"""GoEmotions labels counted as hostility: anger directed outwards. Disapproval is disagreement, not hostility."""
OUTPUTS = (*EKMAN, "hostile")
MODEL_FILE = "emotion-goemotions.json"
HEAD_FILE = "emotion-goemotions-head.json"
DEFAULT_SEED = 13
MIXES = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def load(path: Path) -> tuple[list[str], np.ndarray]:
    texts: list[str] = []
    rows: list[list[int]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            conv = json.loads(line)
            for turn in conv["turns"]:
                labels = turn["labels"]
                if "ekman" not in labels:
                    continue
                texts.append(turn["text"])
                ek = set(labels["ekman"])
                hostile = bool(HOSTILE_FROM & set(labels.get("goemotions", [])))
                rows.append([int(e in ek) for e in EKMAN] + [int(hostile)])
    return texts, np.asarray(rows, dtype=np.int8)


def vectorizers(max_word: int, max_char: int, *, negation: bool) -> list[TfidfVectorizer]:
    return [
        TfidfVectorizer(analyzer=partial(feature_names, "word", negation=negation), sublinear_tf=True, min_df=2,
                        max_features=max_word, dtype=np.float32),
        TfidfVectorizer(analyzer=partial(feature_names, "char", negation=negation), sublinear_tf=True, min_df=3,
                        max_features=max_char, dtype=np.float32),
    ]  # fmt: skip


def fit_outputs(x: sp.csr_matrix, y: np.ndarray, *, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    coefs, intercepts = [], []
    for k in range(y.shape[1]):
        clf = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
        clf.fit(x, y[:, k])
        coefs.append(clf.coef_[0])
        intercepts.append(clf.intercept_[0])
    return np.stack(coefs, axis=1).astype(np.float32), np.asarray(intercepts, dtype=np.float32)


def fit_join(features: np.ndarray, y: np.ndarray, *, c: float) -> np.ndarray:
    """One output's join: a logistic regression over both models' logits; its weights with the bias last."""
    lr = LogisticRegression(C=c, max_iter=2000).fit(features, y)
    return np.append(lr.coef_[0], lr.intercept_[0])


def fit_head(e: np.ndarray, y: np.ndarray, *, hidden: int, seed: int) -> MLPClassifier:
    mlp = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-3, batch_size=256, learning_rate_init=1e-3,
                        max_iter=30, early_stopping=True, validation_fraction=0.1, n_iter_no_change=3,
                        random_state=seed)  # fmt: skip
    return mlp.fit(e, y)


Layers = tuple[tuple[np.ndarray, np.ndarray], ...]


def fit_heads(e: np.ndarray, y: np.ndarray, *, hidden: int, seeds: list[int]) -> tuple[Layers, list[int]]:
    """MLPs from several seeds as *one* network whose output logits are their mean (their hidden layers side by
    side, the output weights divided by their number): a seed ensemble that ``DenseHead`` runs as it is, one
    matrix product wider. With one seed it is that MLP's own weights. Also returns each MLP's epochs."""
    mlps = [fit_head(e, y, hidden=hidden, seed=s) for s in seeds]
    if len(mlps) == 1:
        return tuple(zip(mlps[0].coefs_, mlps[0].intercepts_, strict=True)), [int(mlps[0].n_iter_)]
    hidden_w = np.hstack([m.coefs_[0] for m in mlps])
    hidden_b = np.concatenate([m.intercepts_[0] for m in mlps])
    out_w = np.vstack([m.coefs_[1] for m in mlps]) / len(mlps)
    out_b = np.mean([m.intercepts_[1] for m in mlps], axis=0)
    return ((hidden_w, hidden_b), (out_w, out_b)), [int(m.n_iter_) for m in mlps]


def head_probabilities(layers: Layers, e: np.ndarray) -> np.ndarray:
    """ReLU hidden layers, sigmoid out, as ``DenseHead.probabilities_many``; computed in the weights' dtype and
    order of operations exactly as scikit-learn's ``predict_proba``, so one head gives its numbers bit for bit
    and the script still re-makes the shipped files."""
    h = np.asarray(e, dtype=layers[0][0].dtype)
    for k, (w, b) in enumerate(layers):
        h = h @ w
        h += b
        if k + 1 < len(layers):
            np.maximum(h, 0, out=h)
    return np.asarray(expit(h))


def embed(texts: list[str], cache: Path | None, name: str, out_dir: Path) -> np.ndarray:
    """The turn graph's ``turn_vector`` of each text (no previous turn); cached as ``<cache>/<name>.npy`` if asked
    (the cache does not know which graph made it: clear it after a retrain of the turn graph)."""
    path = cache / f"{name}.npy" if cache is not None else None
    if path is not None and path.is_file():
        arr = np.load(path)
        if arr.shape == (len(texts), 384):
            return arr
    arr = TurnModel(out_dir).vectors([Turn(text=t, side="subject") for t in texts], [()] * len(texts))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, arr)
    return arr


def macro_at(p: np.ndarray, y: np.ndarray, thresholds: list[float]) -> float:
    return float(np.mean([f1(y[:, k], (p[:, k] >= thresholds[k]).astype(np.int8)) for k in range(len(EKMAN))]))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = [f1(y, (p >= t).astype(np.int8)) for t in grid]
    return float(grid[int(np.argmax(f1s))])


def f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int((y & pred).sum())
    fp = int(((1 - y) & pred).sum())
    fn = int((y & (1 - pred)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "src" / "talkdown" / "analysis" / "models")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--max-word", type=int, default=30000)
    ap.add_argument("--max-char", type=int, default=40000)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument(
        "--mix",
        type=float,
        default=None,
        help="Weight of the embedding head, averaged (default: the best out of fold, or the learned join "
        "if that is better).",
    )
    ap.add_argument("--heads", type=int, default=1, help="MLPs from seeds seed, seed+1, ... averaged in logits.")
    ap.add_argument("--join-c", type=float, default=0.1, help="Inverse regularisation of the learned join.")
    ap.add_argument("--embeddings", type=Path, default=None, help="Cache folder for the turn vectors.")
    ap.add_argument(
        "--no-negation",
        dest="negation",
        action="store_false",
        help="Plain tokens, as before emotion 0.5 (default: negation-scoped, model_io.mark_negation).",
    )
    args = ap.parse_args()
    seeds = [args.seed + k for k in range(args.heads)]
    print(f"seed={args.seed} data={args.data} C={args.c}", file=sys.stderr)
    t0 = time.perf_counter()
    train_path, dev_path = args.data / "goemotions" / "train.jsonl", args.data / "goemotions" / "dev.jsonl"
    train_texts, y_train = load(train_path)
    dev_texts, y_dev = load(dev_path)
    vecs = vectorizers(args.max_word, args.max_char, negation=args.negation)
    x_train = sp.hstack([v.fit_transform(train_texts) for v in vecs]).tocsr()
    x_dev = sp.hstack([v.transform(dev_texts) for v in vecs]).tocsr()
    print(f"features={x_train.shape[1]} vectorised in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    e_train = embed(train_texts, args.embeddings, "goemotions_train", args.out)
    e_dev = embed(dev_texts, args.embeddings, "goemotions_dev", args.out)
    print(f"embedded {len(e_train) + len(e_dev)} texts in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    oof = np.zeros(y_train.shape, dtype=np.float32)
    oof_head = np.zeros(y_train.shape, dtype=np.float32)
    for fit_idx, tune_idx in KFold(n_splits=3, shuffle=True, random_state=args.seed).split(x_train):
        coef, icpt = fit_outputs(x_train[fit_idx], y_train[fit_idx], c=args.c, seed=args.seed)
        oof[tune_idx] = sigmoid(x_train[tune_idx] @ coef + icpt)
        layers, _ = fit_heads(e_train[fit_idx], y_train[fit_idx], hidden=args.hidden, seeds=seeds)
        oof_head[tune_idx] = head_probabilities(layers, e_train[tune_idx])
    by_mix = {}
    for mix in MIXES:
        fused = mix * oof_head + (1 - mix) * oof
        ths = [best_threshold(fused[:, k], y_train[:, k]) for k in range(len(OUTPUTS))]
        by_mix[mix] = (macro_at(fused, y_train, ths), ths)
        print(f"  mix {mix:.1f}: out-of-fold train Ekman macro-F1 {by_mix[mix][0]:.4f}", file=sys.stderr)
    mix = args.mix if args.mix is not None else max(MIXES, key=lambda m: by_mix[m][0])
    features = join_features(oof.astype(np.float32), oof_head.astype(np.float32))
    oof_join = np.zeros(y_train.shape, dtype=np.float32)
    for fit_idx, tune_idx in KFold(n_splits=3, shuffle=True, random_state=args.seed + 1).split(features):
        rows = np.stack([fit_join(features[fit_idx], y_train[fit_idx, k], c=args.join_c) for k in range(len(OUTPUTS))],
                        axis=1)  # fmt: skip
        oof_join[tune_idx] = sigmoid(features[tune_idx] @ rows[:-1] + rows[-1])
    join_ths = [best_threshold(oof_join[:, k], y_train[:, k]) for k in range(len(OUTPUTS))]
    by_join = macro_at(oof_join, y_train, join_ths)
    use_join = args.mix is None and by_join > by_mix[mix][0]
    print(f"  learned join (C={args.join_c}): out-of-fold train Ekman macro-F1 {by_join:.4f}"
          f"{' (chosen)' if use_join else ''}", file=sys.stderr)  # fmt: skip
    thresholds = {name: (join_ths if use_join else by_mix[mix][1])[k] for k, name in enumerate(OUTPUTS)}
    coef, icpt = fit_outputs(x_train, y_train, c=args.c, seed=args.seed)
    layers, epochs = fit_heads(e_train, y_train, hidden=args.hidden, seeds=seeds)
    p_head_dev = head_probabilities(layers, e_dev).astype(np.float32)
    join = None
    if use_join:
        rows = np.stack([fit_join(features, y_train[:, k], c=args.join_c) for k in range(len(OUTPUTS))], axis=1)
        join = (rows[:-1].astype(np.float32), rows[-1].astype(np.float32))
        p_dev = sigmoid(join_features(sigmoid(x_dev @ coef + icpt), p_head_dev) @ join[0] + join[1])
    else:
        p_dev = mix * p_head_dev + (1 - mix) * sigmoid(x_dev @ coef + icpt)
    pred = np.stack([(p_dev[:, k] >= thresholds[n]).astype(np.int8) for k, n in enumerate(OUTPUTS)], axis=1)
    dev_f1 = {n: round(f1(y_dev[:, k], pred[:, k]), 4) for k, n in enumerate(OUTPUTS)}
    macro = round(float(np.mean([dev_f1[n] for n in EKMAN])), 4)
    print(f"trained in {time.perf_counter() - t0:.1f}s; mix {mix}; dev Ekman macro-F1 {macro}", file=sys.stderr)
    for n in OUTPUTS:
        print(f"  {n:<10} threshold {thresholds[n]:.2f}  dev F1 {dev_f1[n]:.4f}", file=sys.stderr)

    blocks, offset = [], 0
    for kind, v in zip(("word", "char"), vecs, strict=True):
        vocab = {str(f): int(i) for f, i in v.vocabulary_.items()}
        blocks.append(Block(kind=kind, index=vocab, idf=v.idf_.astype(np.float32), offset=offset))
        offset += len(vocab)
    inputs = {"goemotions/train.jsonl": sha256(train_path)}
    encoder_sha = sha256(args.out / TURN_GRAPH)
    model = LinearTextModel(
        labels=OUTPUTS,
        activation="sigmoid",
        blocks=tuple(blocks),
        coef=coef,
        intercept=icpt,
        thresholds=thresholds,
        meta={"data": "GoEmotions train (Apache-2.0)", "train_sha256": inputs["goemotions/train.jsonl"],
              "seed": args.seed, "C": args.c, "sklearn": sklearn.__version__, "head_file": HEAD_FILE,
              "head_mix": mix, **({"negation": NEGATION_SCOPE} if args.negation else {})},
    )  # fmt: skip
    head = DenseHead(
        labels=OUTPUTS,
        activation="sigmoid",
        layers=tuple((w.astype(np.float32), b.astype(np.float32)) for w, b in layers),
        encoder_sha256=encoder_sha,
        meta={"data": "GoEmotions train (Apache-2.0)", "seed": args.seed, "hidden": args.hidden,
              "sklearn": sklearn.__version__, "epochs": epochs[0] if len(epochs) == 1 else str(epochs),
              **({"heads": len(seeds)} if len(seeds) > 1 else {}),
              **({"join_c": args.join_c} if join is not None else {})},
        join=join,
    )  # fmt: skip
    card = render_card(args, thresholds, dev_f1, macro, x_train.shape[1], sha256(dev_path), inputs, mix, by_mix,
                       by_join if use_join else None)  # fmt: skip
    digest = save_model(model, args.out, MODEL_FILE, card=card)
    head_digest = save_head(head, args.out, HEAD_FILE, card=MODEL_FILE.rsplit(".", 1)[0] + ".md")
    size = (args.out / MODEL_FILE).stat().st_size + (args.out / HEAD_FILE).stat().st_size
    print(f"wrote {args.out / MODEL_FILE} + {HEAD_FILE} ({size / 1e6:.1f} MB) sha256 {digest} / {head_digest}",
          file=sys.stderr)  # fmt: skip
    print(f"set EMOTION_MODEL_SHA256_PREFIX = {digest[:8]!r} and EMOTION_HEAD_SHA256_PREFIX = {head_digest[:8]!r} "
          "in src/talkdown/analysis/emotion.py", file=sys.stderr)  # fmt: skip


def render_card(
    args: argparse.Namespace,
    thresholds: dict[str, float],
    dev_f1: dict[str, float],
    macro: float,
    n_features: int,
    dev_sha: str,
    inputs: dict[str, str],
    mix: float,
    by_mix: dict[float, tuple[float, list[float]]],
    by_join: float | None,
) -> str:
    rows = "\n".join(f"| {n} | {thresholds[n]:.2f} | {dev_f1[n]:.4f} |" for n in OUTPUTS)
    mixes = ", ".join(f"{m:.1f} → {v[0]:.4f}" for m, v in by_mix.items())
    how = (
        f"two models joined by a learned layer (in the head file): per output a logistic regression (C={args.join_c})"
        " over both models' 8 logits, fitted on their 3-fold out-of-fold train predictions"
        if by_join is not None
        else f"two heads averaged, `p = {mix} · p_head + {1 - mix:.1f} · p_linear`"
    )
    chosen = f"; learned join → {by_join:.4f}, chosen" if by_join is not None else ""
    options = f"--max-word {args.max_word} --max-char {args.max_char} --hidden {args.hidden} --join-c {args.join_c}"
    options += f" --heads {args.heads}" if args.heads > 1 else ""
    options += "" if args.negation else " --no-negation"
    negation = (  # the card of a plain-token model keeps its old wording
        ' of negation-scoped tokens (`mark_negation`:\n  from "not", "never", "n\'t"... to the clause\'s end, '
        '"not afraid" reads "¬afraid")'
        if args.negation
        else ""
    )
    heads_text = (  # one head: the wording (and line breaks) of the cards before --heads
        f"an MLP (384 → {args.hidden} ReLU → 8\n  sigmoid, scikit-learn, early stopping)"
        if args.heads == 1
        else f"{args.heads} MLPs (384 → {args.hidden} ReLU → 8 sigmoid, scikit-learn, early stopping, seeds "
        f"{args.seed}–{args.seed + args.heads - 1}) averaged in their logits, stored as one network (384 → "
        f"{args.heads * args.hidden} ReLU → 8)"
    )
    over = " over the turn graph's `turn_vector` (`talkdown-minilm-int8.onnx`, see"
    if args.heads > 1:
        over = "\n " + over
    return f"""# Model card: emotion-goemotions

- **What**: Ekman-7 emotions (multi-label) and hostility for subject turns; used by `EmotionAnalyzer`.
- **Model**: {how}.
  `emotion-goemotions.json`: one logistic regression per output (liblinear, C={args.c}) over TF-IDF word
  1–2-grams and char 3–5-grams (`talkdown.analysis.model_io`){negation}, {n_features} features, JSON float32 weights;
  it also gives the evidence spans. `emotion-goemotions-head.json`: {heads_text}{over}
  `talkdown-minilm.md` and `eval/onnx_turn_vector.py`; read with no previous turn; the head records that graph's
  sha256 and refuses another).
  How they join is chosen on 3-fold out-of-fold train predictions (Ekman macro-F1 per averaging weight of the
  head: {mixes}{chosen}).
- **Data**: GoEmotions train split, 43,410 Reddit comments (Demszky et al., "GoEmotions: A Dataset of
  Fine-Grained Emotions", ACL 2020; google-research/google-research `goemotions/`, copy from
  monologg/GoEmotions-pytorch b75f9d3a). Licence **Apache-2.0**; see the data folder's NOTICE.md.
  sha256 of train.jsonl: `{inputs["goemotions/train.jsonl"]}`.
- **Targets**: GoEmotions' own Ekman grouping; `hostile` = any of GoEmotions anger, annoyance, disgust.
- **Thresholds**: per output, on the joined probability, maximising F1 on 3-fold out-of-fold
  predictions on train (dev untouched).
- **Training command**: `.venv/bin/python eval/train_emotion.py --seed {args.seed} --c {args.c}
  {options}` (after
  `eval/train_turn_encoder.py`); deterministic for a given seed, turn graph and number of BLAS threads (the
  shipped files: 2; with one thread the weights differ in their last bits, and so may a threshold).
- **Trained**: {time.strftime("%Y-%m-%d", time.gmtime())} on {platform.machine()}, Python {platform.python_version()},
  scikit-learn {sklearn.__version__}.

## Dev scores (GoEmotions dev, 5,426 comments; sha256 `{dev_sha}`)

Ekman macro-F1 **{macro:.4f}** (fine-tuned BERT reported ≈ 0.62–0.64).

| output | threshold | dev F1 |
|---|---:|---:|
{rows}

## Limits

Reddit comments are not crisis talk: short, often sarcastic, with `[NAME]` placeholders. Expect lower
accuracy on spoken, transcribed negotiation turns; `intensity` is derived (1 − p(neutral)), not trained.
The MLP reads a negated emotion word much as the plain one ("I'm not scared of you": fear 0.91); `EmotionAnalyzer`
damps such a label after the join (emotion 0.6.0, a rule outside these files; `docs/analysis.md`).
"""


if __name__ == "__main__":
    main()
