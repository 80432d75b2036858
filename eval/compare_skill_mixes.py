"""The skills' linear mix, weighed in and out of the writers' register: fresh sets against AnnoMI dev.

Why: ``train_turn_linear.py`` picks each family's mix on the 80/20 validation turns, which share the writers'
register with everything the word model was fitted on, so they cannot show what the mix does to other talk.
On AnnoMI dev (counselling transcripts) annomi_question had fallen 0.686 -> 0.662 when skills took mix 0.4.
For each mix this script re-makes the skill choices on the kept 3-fold predictions (as the training script
does), swaps them into the loaded settings (nothing on disk changes), and scores the real pipeline on the
fresh test sets + holdout pooled (talkdown_skill) and on AnnoMI dev (annomi_therapist, annomi_question).

    .venv/bin/python eval/compare_skill_mixes.py [--mixes 0,0.1,0.2,0.3,0.4]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "eval"))

from machine import meta
from train_turn_encoder import DATA, RESULT, choose, load
from train_turn_linear import MAX_WORD, C, mixed, validation_run
from writer_sets import FRESH

from talkdown.analysis import turn_model
from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.services.evaluate import evaluate_files
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

FAMILY = "talkdown_skill"
ANNOMI = REPO.parent / "shared" / "data" / "annomi" / "dev.jsonl"
OUT = REPO / "eval" / "results" / "skill_mixes.json"


def main() -> None:
    configure_analysis(Settings())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mixes", default="0,0.1,0.2,0.3,0.4")
    args = ap.parse_args()
    result: dict[str, Any] = json.loads(RESULT.read_text())
    pairs, y, r, m, groups, _ = load(1)
    texts = [t for t, _ in pairs]
    val, graph, linear = validation_run(3, texts, y, m, groups, int(result["args"]["seed"]), C, MAX_WORD)
    shipped = turn_model.load_settings(str(PACKAGED_MODELS))
    others = {family: part.mix for family, part in shipped.linear.items()}
    fresh = [DATA / n for n in (*FRESH, "indomain_holdout.jsonl")]
    out: dict[str, Any] = {"meta": meta(inputs=(*fresh, ANNOMI)), "shipped mix": others[FAMILY], "by mix": {}}
    for mix in (float(x) for x in args.mixes.split(",")):
        rows = choose(y[val], r[val], m[val], mixed(graph, linear, {**others, FAMILY: mix}))
        variant = dataclasses.replace(
            shipped,
            choices={**shipped.choices, **{k: turn_model.Choice(v["mode"], v["threshold"])
                                           for k, v in rows.items() if k.startswith(FAMILY + "/")}},
            linear={**shipped.linear, FAMILY: dataclasses.replace(shipped.linear[FAMILY], mix=mix)},
        )  # fmt: skip
        turn_model.load_settings = lambda _directory, v=variant: v  # type: ignore[assignment]
        skill = evaluate_files(fresh).families[FAMILY].macro_f1
        annomi = evaluate_files([ANNOMI]).families
        row = {"fresh + holdout pooled, talkdown_skill": round(skill, 4)} | {
            f"AnnoMI dev, {f}": round(annomi[f].macro_f1, 4) for f in ("annomi_therapist", "annomi_question")
        }
        out["by mix"][str(mix)] = row
        print(mix, row, file=sys.stderr)
    OUT.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
