"""The shipped MiniLM encoder: integrity-checked, deterministic per text, and meaningful enough to use.

Marked integration: it loads the 23 MB int8 ONNX graph (once per process).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from talkdown.analysis.encoder import (
    DIM,
    ENCODER_FILE,
    TOKENIZER_FILE,
    SentenceEncoder,
    load_tokenizer,
    pair_ids,
)
from talkdown.analysis.model_io import PACKAGED_MODELS, sha256_file

pytestmark = pytest.mark.integration

ENCODER = SentenceEncoder()


def test_encoder_files_are_listed_in_the_manifest_with_a_card() -> None:
    manifest = json.loads((PACKAGED_MODELS / "manifest.json").read_text())["models"]
    for name in (ENCODER_FILE, TOKENIZER_FILE):
        assert sha256_file(PACKAGED_MODELS / name) == manifest[name]["sha256"]
        assert (PACKAGED_MODELS / manifest[name]["card"]).is_file()


def test_embeddings_are_unit_vectors_and_paraphrases_are_closer_than_unrelated_text() -> None:
    a, b, c = ENCODER.encode(["I am really scared", "I'm so frightened", "The car is parked outside"])
    for v in (a, b, c):
        assert v.shape == (DIM,)
        assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-3
    assert float(a @ b) > float(a @ c) + 0.2


def test_a_text_gets_the_same_vector_alone_or_in_any_batch() -> None:
    texts = ["I hate this", "ok", "a much longer sentence about the weather and the bus schedule", "", "I hate this"]
    batch = ENCODER.encode(texts)
    alone = np.stack([ENCODER.encode([t])[0] for t in texts])
    assert np.array_equal(batch, alone)
    assert np.array_equal(batch[0], batch[4])


def test_huge_and_odd_input_is_encoded_without_error() -> None:
    out = ENCODER.encode(["word " * 200_000, "\x00\x01\x02", "😀😀", ""])
    assert out.shape == (4, DIM) and np.isfinite(out).all()


def test_pair_ids_keep_the_turn_and_fill_the_rest_with_the_end_of_the_context() -> None:
    tok = load_tokenizer()
    ids, types = pair_ids(tok, "how are you", "seeker: " + "blah " * 100 + "the end", max_tokens=16)
    assert len(ids) == len(types) == 16
    assert types[:5] == [0] * 5 and set(types[5:]) == {1}
    assert tok.decode(ids[5:]).endswith("the end")
    alone, alone_types = pair_ids(tok, "how are you", "", max_tokens=16)
    assert len(alone) == 5 and set(alone_types) == {0}
