"""Score two turn-model folders side by side on the same files: the before/after tables of a retrain.

Why a script: a retrain of the turn graph is judged on files it never read (writers' fresh test sets), with
the cue, skill and avoid analysers exactly as ``talkdown eval`` runs them, and the figures quoted in
docs/analysis.md must be re-runnable. Each folder holds a graph, its settings and manifest
(``src/talkdown/analysis/models`` or a copy of an older commit's, e.g. ``git archive <commit>
src/talkdown/analysis/models | tar -x -C /tmp/before``).

    .venv/bin/python eval/compare_models.py BEFORE_DIR AFTER_DIR FILE.jsonl[:even|:odd] ... [--out X.json]

``FILE:even`` scores only the even-numbered conversations of FILE (the half of a split set that graphs up to
a7371ccd never trained on), ``FILE:odd`` the others.

A graph other than the one this talkdown pins (``turn_model.SHA256_PREFIX``) is refused at run time; this
script lifts that pin for its own process only, since comparing candidate graphs is its purpose (the manifest
sha256 checks still apply).
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
from writer_sets import is_odd

from talkdown.analysis import turn_model
from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.pipeline import Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.services.evaluate import evaluate_files
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

COLUMNS = ("cue", "threat", "suicide_P", "suicide_R", "deadline", "demand", "weapon", "skill", "avoid")


def scores(model_dir: Path, paths: list[Path]) -> dict[str, float]:
    pipeline = Pipeline((CueAnalyzer(model_dir=model_dir), SkillAnalyzer(model_dir=model_dir),
                         AvoidAnalyzer(model_dir=model_dir)))  # fmt: skip
    families = evaluate_files(paths, pipeline=pipeline).to_json()["families"]
    cue = families["talkdown_cue"]["labels"]

    def of(label: str, key: str = "f1") -> float:
        return float(cue.get(label, {}).get(key, 0.0))

    values = (families["talkdown_cue"]["macro_f1"], of("threat"), of("suicide_cue", "precision"),
              of("suicide_cue", "recall"), of("deadline"), of("demand"), of("weapon"),
              families["talkdown_skill"]["macro_f1"], families["talkdown_avoid"]["macro_f1"])  # fmt: skip
    return {k: round(float(v), 3) for k, v in zip(COLUMNS, values, strict=True)}


def half(spec: str, into: Path) -> Path:
    """``FILE``, or the even- or odd-numbered conversations of it (ids end in ``-NNN``) written under ``into``."""
    name, _, part = spec.partition(":")
    path = Path(name)
    if not part:
        return path
    if part not in ("even", "odd"):
        raise SystemExit(f"{spec}: the part after ':' must be 'even' or 'odd'")
    keep = [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and is_odd(json.loads(line)["id"]) == (part == "odd")]  # fmt: skip
    out = into / f"{path.stem}_{part}.jsonl"
    out.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return out


def compared(args: argparse.Namespace, paths: list[Path], name: str) -> dict[str, dict[str, float]]:
    before, after = scores(args.before, paths), scores(args.after, paths)
    cells = " ".join(f"{before[c]:>8.3f} → {after[c]:<6.3f}" for c in COLUMNS)
    print(f"{name[:28]:28s} {cells}", file=sys.stderr)
    return {"before": before, "after": after}


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("files", nargs="+", help="JSONL files, each optionally FILE:even or FILE:odd")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--pooled", action="store_true",
                    help="Also score all the files as one set (rare labels get enough support to read).")  # fmt: skip
    args = ap.parse_args()
    turn_model.SHA256_PREFIX = ""  # see the docstring: this process compares graphs on purpose
    rows: dict[str, Any] = {}
    print(f"{'file':28s} " + " ".join(f"{c:>17s}" for c in COLUMNS), file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {spec: half(spec, Path(tmp)) for spec in args.files}
        for spec, path in paths.items():
            rows[spec] = compared(args, [path], path.stem)
        pooled = compared(args, list(paths.values()), "pooled") if args.pooled else None
    mean = {side: {c: round(sum(r[side][c] for r in rows.values()) / len(rows), 3) for c in COLUMNS}
            for side in ("before", "after")}  # fmt: skip
    print(f"mean before {mean['before']}\nmean after  {mean['after']}", file=sys.stderr)
    if args.out:
        inputs = tuple(sorted({Path(spec.partition(":")[0]) for spec in args.files}))
        about = meta(packages=("talkdown",), inputs=inputs, before=str(args.before), after=str(args.after))
        result = {"meta": about, "files": rows, "mean": mean} | ({"pooled": pooled} if pooled else {})
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
