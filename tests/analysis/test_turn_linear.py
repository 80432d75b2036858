"""The turn model's linear part: mixed into the graph's probabilities as the settings say, and the source of
the words shown for a label only the model found. A small hand-made linear model makes the expected values
exact; the graph is the shipped one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.model_io import PACKAGED_MODELS, Block, LinearTextModel, register_file, save_model
from talkdown.analysis.turn_model import SETTINGS_FILE, TurnModel
from talkdown.errors import TalkdownError

pytestmark = pytest.mark.integration

LABELS = ("talkdown_cue/weapon", "talkdown_cue/threat")
TURN = Turn(text="I keep the thing from the drawer right here with me.", side="subject")
WINDOW = (Turn(text="What do you have with you?", side="negotiator"),)


def _linear() -> LinearTextModel:
    """The word "drawer" pushes weapon hard, nothing pushes threat: p(weapon) ~ 1, p(threat) = sigmoid(-8)."""
    block = Block(kind="word", index={"w drawer": 0, "w thing": 1}, idf=np.ones(2, dtype=np.float32), offset=0)
    coef = np.array([[40.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    return LinearTextModel(labels=LABELS, activation="sigmoid", blocks=(block,), coef=coef,
                           intercept=np.array([-8.0, -8.0], dtype=np.float32), thresholds={}, meta={})  # fmt: skip


def _folder(tmp_path: Path, linear: dict[str, object] | None, *, listed: bool = True, stage: bool = False) -> Path:
    """A copy of the shipped models whose settings carry ``linear`` (none: the graph alone), without the cue
    stage unless ``stage`` (it would read these probabilities again, and the shipped one reads the word model)."""
    out = tmp_path / "models"
    shutil.copytree(PACKAGED_MODELS, out)
    if listed:
        save_model(_linear(), out, "lin.json", card="# a test model\n")
    settings = json.loads((out / SETTINGS_FILE).read_text())
    settings.pop("linear", None)
    if not stage:
        settings.pop("stage", None)
    if linear is not None:
        settings["linear"] = linear
    (out / SETTINGS_FILE).write_text(json.dumps(settings))
    register_file(out, SETTINGS_FILE, card="talkdown-minilm.md")
    return out


def _probs(folder: Path) -> dict[str, float]:
    return TurnModel(folder).probabilities("talkdown_cue", [TURN], [WINDOW])[0]


def test_each_family_mixes_graph_and_linear_by_its_weight(tmp_path: Path) -> None:
    graph = _probs(_folder(tmp_path / "a", None))
    mixed = _probs(_folder(tmp_path / "b", {"talkdown_cue": {"file": "lin.json", "mix": 0.25}}))
    lin = 1.0 / (1.0 + np.exp(8.0))
    assert mixed["threat"] == pytest.approx(0.75 * graph["threat"] + 0.25 * lin, abs=1e-6)
    assert mixed["weapon"] == pytest.approx(0.75 * graph["weapon"] + 0.25 * 1.0, abs=1e-5)
    assert mixed["demand"] == graph["demand"]  # an output the linear part lacks: the graph alone (0 weight)
    skills = TurnModel(tmp_path / "b" / "models").probabilities("talkdown_skill", [TURN], [WINDOW])[0]
    assert skills == TurnModel(tmp_path / "a" / "models").probabilities("talkdown_skill", [TURN], [WINDOW])[0]


def test_a_label_only_the_model_found_points_at_the_words_that_carried_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"talkdown_cue": {"file": "lin.json", "mix": 1.0}})
    found = [a for a in CueAnalyzer(model_dir=folder).analyze(TURN, Context(window=WINDOW)) if a.label == "weapon"]
    assert len(found) == 1 and found[0].detail["source"] == "model"
    assert [TURN.text[e.start : e.end] for e in found[0].evidence] == ["drawer"]


def test_a_linear_file_missing_from_the_manifest_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"talkdown_cue": {"file": "lin.json", "mix": 0.5}}, listed=False)
    with pytest.raises(TalkdownError) as err:
        _probs(folder)
    assert err.value.code == "TD602"


def test_with_mix_zero_the_graph_decides_alone_and_the_linear_part_gives_the_words_it_agrees_with(
    tmp_path: Path,
) -> None:
    graph = _probs(_folder(tmp_path / "a", None))
    folder = _folder(tmp_path / "b", {"talkdown_cue": {"file": "lin.json", "mix": 0.0}})
    assert _probs(folder) == graph
    start = TURN.text.index("drawer")
    assert TurnModel(folder).evidence("talkdown_cue", TURN, "weapon") == ((start, start + len("drawer")),)
    assert TurnModel(folder).evidence("talkdown_cue", TURN, "threat") == ()  # the word model does not find it
    assert TurnModel(_folder(tmp_path / "c", None)).evidence("talkdown_cue", TURN, "weapon") == ()


def test_the_analysers_name_the_linear_files_they_read(tmp_path: Path) -> None:
    with_part = _folder(tmp_path / "a", {"talkdown_cue": {"file": "lin.json", "mix": 0.0}})
    assert "lin.json" in CueAnalyzer(model_dir=with_part).describe_models()[0]
    assert "lin.json" not in CueAnalyzer(model_dir=_folder(tmp_path / "b", None)).describe_models()[0]


def test_a_stage_that_reads_a_missing_linear_part_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, None, stage=True)
    settings = json.loads((folder / SETTINGS_FILE).read_text())
    settings["stage"]["talkdown_cue"]["words"] = True  # reads the word model's logits, and there is none
    (folder / SETTINGS_FILE).write_text(json.dumps(settings))
    register_file(folder, SETTINGS_FILE, card="talkdown-minilm.md")
    with pytest.raises(TalkdownError) as err:
        TurnModel(folder).probabilities("talkdown_cue", [TURN], [WINDOW])
    assert err.value.code == "TD602" and "talkdown_cue" in str(err.value)
