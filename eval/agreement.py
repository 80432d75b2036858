"""How far two people agree on ``talkdown_cue``, and how the shipped analyser scores against each of them.

Why: the cue targets (suicide_cue recall >= 0.95 at precision >= 0.70; threat, deadline, demand F1 >= 0.85) are
scored against one writer's labels. If a second careful annotator, reading the same turns with the same guide,
agrees with the first at F1 0.8, no analyser can be expected to reach 0.85 against either of them; the study
says how much of the gap is the analyser and how much is the labels.

Data: ``eval/data/agreement/indomain_writerN_annotator2.jsonl`` (one object per subject turn: ``id``, ``idx``,
``talkdown_cue``), labelled blind by a second annotator who read only the data README, the doctrine, the
labelling guide and the unlabelled turns; their notes are beside it (``.md``). Annotator 1 is the writer of
``eval/data/indomain_writerN.jsonl``.

Per label it reports annotator 2 scored against annotator 1 (precision, recall, F1; F1 is symmetric, so it is
*the* pairwise agreement) with Cohen's kappa, and ``talkdown eval``'s per-label figures for the shipped
analyser against annotator 1 and against annotator 2 (the same file with annotator 2's cue labels). Those two
columns are fair only for files the shipped graph never trained on (``writer_sets.TRAIN``): since the retrain of
2026-11-26 it trains on writers 10-13 whole, so ``eval/results/agreement.json`` keeps the columns of graph
4b386bd2, which never read them.

    .venv/bin/python eval/agreement.py          # writes eval/results/agreement.json
    .venv/bin/python eval/agreement.py --study eval/data/agreement_fresh --out eval/results/agreement_fresh.json

The second line is the same study on four fresh sets (writers 62-65), relabelled blind on 2026-11-27: no model
trained on them, so the analyser's columns there are fair for the graph that ships.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from machine import meta
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from talkdown.analysis.cues import FAMILY, LABELS
from talkdown.services.evaluate import evaluate_files
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

STUDY = REPO / "eval" / "data" / "agreement"
OUT = REPO / "eval" / "results" / "agreement.json"


def second_labels(path: Path) -> dict[tuple[str, int], set[str]]:
    """Annotator 2's labels by (conversation id, turn idx); an unknown label or a repeated turn is an error."""
    out: dict[tuple[str, int], set[str]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        key = (str(row["id"]), int(row["idx"]))
        labels = set(row[FAMILY])
        if key in out or not labels <= set(LABELS):
            raise SystemExit(f"{path}:{lineno}: repeated turn or unknown label {sorted(labels - set(LABELS))}")
        out[key] = labels
    return out


def relabelled(original: Path, second: dict[tuple[str, int], set[str]], into: Path) -> list[tuple[set[str], set[str]]]:
    """Write ``original`` with annotator 2's cue labels into ``into``; return (annotator 1, annotator 2) per turn."""
    pairs: list[tuple[set[str], set[str]]] = []
    lines = []
    for line in original.read_text(encoding="utf-8").splitlines():
        conv = json.loads(line)
        for turn in conv["turns"]:
            if FAMILY not in turn.get("labels", {}):
                continue
            key = (str(conv["id"]), int(turn["idx"]))
            if key not in second:
                raise SystemExit(f"{original}: annotator 2 did not label {key}")
            pairs.append((set(turn["labels"][FAMILY]), second.pop(key)))
            turn["labels"][FAMILY] = sorted(pairs[-1][1])
        lines.append(json.dumps(conv))
    if second:
        raise SystemExit(f"{original}: annotator 2 labelled turns it does not have: {sorted(second)[:5]}")
    into.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pairs


def agreement(pairs: list[tuple[set[str], set[str]]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for label in LABELS:
        first = [label in a for a, _ in pairs]
        second = [label in b for _, b in pairs]
        if not any(first) and not any(second):
            continue
        p, r, f, _ = precision_recall_fscore_support(first, second, average="binary", zero_division=0.0)
        out[label] = {"precision": round(float(p), 3), "recall": round(float(r), 3), "f1": round(float(f), 3),
                      "kappa": round(float(cohen_kappa_score(first, second)), 3),
                      "support_1": sum(first), "support_2": sum(second)}  # fmt: skip
    return out


def analyser(path: Path) -> dict[str, Any]:
    scores = evaluate_files([path]).to_json()["families"][FAMILY]
    return {label: {k: round(v, 3) if isinstance(v, float) else v for k, v in s.items()}
            for label, s in scores["labels"].items()}  # fmt: skip


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", type=Path, default=STUDY)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    results: dict[str, Any] = {}
    for second_file in sorted(args.study.glob("*_annotator2.jsonl")):
        name = second_file.name.removesuffix("_annotator2.jsonl")
        original = REPO / "eval" / "data" / f"{name}.jsonl"
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / f"{name}_annotator2_full.jsonl"
            pairs = relabelled(original, second_labels(second_file), copy)
            results[name] = {"subject_turns": len(pairs), "human": agreement(pairs),
                             "analyser_vs_1": analyser(original), "analyser_vs_2": analyser(copy)}  # fmt: skip
        print(f"{name}: {len(pairs)} subject turns", file=sys.stderr)
        for label, h in results[name]["human"].items():
            a1 = results[name]["analyser_vs_1"].get(label, {}).get("f1", 0.0)
            a2 = results[name]["analyser_vs_2"].get(label, {}).get("f1", 0.0)
            print(f"  {label:12s} humans F1 {h['f1']:.3f} kappa {h['kappa']:.3f} (n {h['support_1']}/{h['support_2']})"
                  f" | analyser F1 vs 1 {a1:.3f} vs 2 {a2:.3f}", file=sys.stderr)  # fmt: skip
    inputs = tuple(sorted(args.study.glob("*_annotator2.jsonl")))
    about = meta(packages=("talkdown", "scikit-learn"), inputs=inputs)
    args.out.write_text(json.dumps({"meta": about, "results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
