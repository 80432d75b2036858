"""The MiniLM runtime: integrity-checked files, one text at a time, and the turn vector the emotion head reads.

Marked integration: it loads the 23 MB int8 turn graph (once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from talkdown.analysis.base import Turn
from talkdown.analysis.encoder import TOKENIZER_FILE, load_graph, load_tokenizer, pair_ids, run_each
from talkdown.analysis.model_io import PACKAGED_MODELS, sha256_file
from talkdown.analysis.runtime import Runtime, configure, current
from talkdown.analysis.turn_model import MODEL_FILE, TurnModel

pytestmark = pytest.mark.integration

TURNS = TurnModel(PACKAGED_MODELS)


def _vectors(texts: list[str], previous: str | None = None) -> np.ndarray:
    window = (Turn(text=previous, side="negotiator"),) if previous is not None else ()
    return TURNS.vectors([Turn(text=t, side="subject") for t in texts], [window] * len(texts))


def test_model_files_are_listed_in_the_manifest_with_a_card() -> None:
    manifest = json.loads((PACKAGED_MODELS / "manifest.json").read_text())["models"]
    for name in (MODEL_FILE, TOKENIZER_FILE):
        assert sha256_file(PACKAGED_MODELS / name) == manifest[name]["sha256"]
        assert (PACKAGED_MODELS / manifest[name]["card"]).is_file()
    assert "minilm-l6-int8.onnx" not in manifest  # the frozen encoder's pass is gone with it


def test_the_turn_graph_gives_probabilities_and_a_unit_turn_vector_per_text() -> None:
    graph = load_graph(str(PACKAGED_MODELS), MODEL_FILE)
    ids, types = pair_ids(load_tokenizer(), "I have a gun", "negotiator: what do you have?", max_tokens=96)
    feed = {"input_ids": np.asarray([ids]), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
    ((probs, vector),) = run_each(graph, [{**feed, "token_type_ids": np.asarray([types])}])
    assert probs.ndim == 1 and ((probs >= 0) & (probs <= 1)).all()
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


def test_turn_vectors_put_paraphrases_closer_than_unrelated_text() -> None:
    a, b, c = _vectors(["I am really scared", "I'm so frightened", "The car is parked outside"])
    assert float(a @ b) > float(a @ c) + 0.1


def test_a_turn_gets_the_same_vector_alone_or_in_any_batch() -> None:
    texts = ["I hate this", "ok", "a much longer sentence about the weather and the bus schedule", "", "I hate this"]
    batch = _vectors(texts)
    alone = np.stack([_vectors([t])[0] for t in texts])
    assert np.array_equal(batch, alone)
    assert np.array_equal(batch[0], batch[4])


def test_the_previous_turn_shapes_the_vector_only_a_little() -> None:
    # the vector sums the turn's own positions; the context reaches it through attention only
    alone, after = _vectors(["I can't stop shaking"]), _vectors(["I can't stop shaking"], "Are you hurt?")
    assert not np.array_equal(alone, after)
    assert float(alone[0] @ after[0]) > 0.8


def test_huge_and_odd_input_is_read_without_error() -> None:
    out = _vectors(["word " * 200_000, "\x00\x01\x02", "😀😀", ""])
    assert out.shape == (4, 384) and np.isfinite(out).all()


def test_pair_ids_keep_the_turn_and_fill_the_rest_with_the_end_of_the_context() -> None:
    tok = load_tokenizer()
    ids, types = pair_ids(tok, "how are you", "seeker: " + "blah " * 100 + "the end", max_tokens=16)
    assert len(ids) == len(types) == 16
    assert types[:5] == [0] * 5 and set(types[5:]) == {1}
    assert tok.decode(ids[5:]).endswith("the end")
    alone, alone_types = pair_ids(tok, "how are you", "", max_tokens=16)
    assert len(alone) == 5 and set(alone_types) == {0}


def test_the_configured_thread_count_reaches_the_graph() -> None:
    before = current()
    try:
        configure(Runtime(encoder_threads=1))
        one = load_graph(str(PACKAGED_MODELS), MODEL_FILE)
        configure(Runtime(encoder_threads=2))
        two = load_graph(str(PACKAGED_MODELS), MODEL_FILE)
    finally:
        configure(before)
    assert (one.threads, one.pool is None) == (1, True)  # one thread: texts run on the caller's thread
    assert (two.threads, two.pool is not None) == (2, True)
    assert one.sha256 == two.sha256


# Where onnxruntime's telemetry keeps its device id and event queue under HOME; the variables it reads to turn
# itself off in CI, unset here so that the test sees what a user's laptop gets.
ORT_TELEMETRY_CACHE = Path(".cache", "Microsoft", "DeveloperTools", ".onnxruntime")
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TF_BUILD", "ORT_RUNNING_UNIT_TESTS")


@pytest.mark.slow
def test_running_the_models_leaves_no_onnxruntime_telemetry_in_home(tmp_path: Path) -> None:
    # onnxruntime 1.32 stored a device id and a usage event under ~/.cache and uploaded it to Microsoft (a running
    # console looked up mobile.events.data.microsoft.com); talkdown runs on an offline command-post laptop.
    env = {k: v for k, v in os.environ.items() if k not in (*CI_VARIABLES, "ORT_DISABLE_TELEMETRY")}
    env |= {"HOME": str(tmp_path / "home"), "TALKDOWN_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "home").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "talkdown", "analyze", "Back off or I'll shoot her", "--as", "subject", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Failed to persist telemetry" not in done.stderr
    assert not (tmp_path / "home" / ORT_TELEMETRY_CACHE).exists()
