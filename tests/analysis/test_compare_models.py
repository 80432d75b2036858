"""eval/compare_models.py: ``FILE:even`` / ``FILE:odd`` pick a split set's halves; ``--pooled`` reads files as one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


def test_a_half_holds_exactly_the_even_or_the_odd_numbered_conversations(
    eval_script: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    compare = eval_script("compare_models")
    source = tmp_path / "set.jsonl"
    source.write_text("".join(json.dumps({"id": f"talkdown-w9-{n:03d}", "turns": []}) + "\n" for n in range(1, 6)))
    texts = {part: compare.half(f"{source}:{part}", tmp_path).read_text() for part in ("even", "odd")}
    ids = {part: [json.loads(line)["id"][-3:] for line in text.splitlines() if line] for part, text in texts.items()}
    assert ids == {"even": ["002", "004"], "odd": ["001", "003", "005"]}
    assert compare.half(str(source), tmp_path) == source
    with pytest.raises(SystemExit, match="'even' or 'odd'"):
        compare.half(f"{source}:first", tmp_path)


def test_pooled_scores_are_those_of_the_files_read_as_one_set(
    eval_script: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    compare = eval_script("compare_models")
    from talkdown.analysis.model_io import PACKAGED_MODELS

    lines = (Path(__file__).resolve().parents[2] / "eval" / "data" / "indomain_dev.jsonl").read_text().splitlines()
    first, second, both = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "ab.jsonl"
    first.write_text("\n".join(lines[:6]) + "\n")
    second.write_text("\n".join(lines[6:12]) + "\n")
    both.write_text("\n".join(lines[:12]) + "\n")
    pooled = compare.scores(PACKAGED_MODELS, [first, second])
    assert pooled == compare.scores(PACKAGED_MODELS, [both])
    assert pooled != compare.scores(PACKAGED_MODELS, [first])  # the second file counts


def test_result_files_name_their_inputs_as_they_read_on_any_machine(eval_script: Callable[[str], ModuleType]) -> None:
    eval_script("compare_models")  # puts bench/ on sys.path
    import machine

    root = Path(__file__).resolve().parents[2]
    assert machine.shown(root / "eval" / "data" / "indomain_dev.jsonl") == "eval/data/indomain_dev.jsonl"
    assert machine.shown(root.parent / "shared" / "data" / "x.jsonl") == "../shared/data/x.jsonl"
    assert machine.shown(Path("/elsewhere/y.jsonl")) == "/elsewhere/y.jsonl"
