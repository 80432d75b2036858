"""Seed ensembles stored as one model: the emotion heads (eval/train_emotion.py) and the ESConv soup
(eval/train_esconv_encoder.py)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np

from talkdown.analysis.model_io import DenseHead


def _data(rows: int = 240) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    e = rng.normal(size=(rows, 12)).astype(np.float32)
    y = np.stack([(e[:, 0] + e[:, 1] > 0), (e[:, 2] > 0.5), (e[:, 3] * e[:, 4] > 0)], axis=1).astype(np.int8)
    return e, y


def test_stacked_heads_give_the_sigmoid_of_their_mean_logit(eval_script: Callable[[str], ModuleType]) -> None:
    emotion = eval_script("train_emotion")
    e, y = _data()
    seeds = [3, 4, 5]
    layers, epochs = emotion.fit_heads(e, y, hidden=8, seeds=seeds)
    assert [w.shape for w, _ in layers] == [(12, 24), (24, 3)] and len(epochs) == 3
    logits = []
    for seed in seeds:
        mlp = emotion.fit_head(e, y, hidden=8, seed=seed)
        h = np.maximum(e.astype(np.float64) @ mlp.coefs_[0] + mlp.intercepts_[0], 0.0)
        logits.append(h @ mlp.coefs_[1] + mlp.intercepts_[1])
    expected = 1.0 / (1.0 + np.exp(-np.mean(logits, axis=0)))
    # sklearn keeps float32 weights for float32 inputs: the same sums in another order differ by ~1e-8
    np.testing.assert_allclose(emotion.head_probabilities(layers, e), expected, atol=1e-6)
    # ...and the shipped head format runs the stack as it is
    head = DenseHead(labels=("a", "b", "c"), activation="sigmoid", encoder_sha256="x", meta={},
                     layers=tuple((w.astype(np.float32), b.astype(np.float32)) for w, b in layers))  # fmt: skip
    np.testing.assert_allclose(head.probabilities_many(e), expected, atol=1e-5)


def test_one_head_is_that_mlp_itself(eval_script: Callable[[str], ModuleType]) -> None:
    emotion = eval_script("train_emotion")
    e, y = _data()
    (hidden, out), _ = emotion.fit_heads(e, y, hidden=8, seeds=[7])
    mlp = emotion.fit_head(e, y, hidden=8, seed=7)
    np.testing.assert_array_equal(hidden[0], mlp.coefs_[0])
    np.testing.assert_array_equal(out[0], mlp.coefs_[1])
    probabilities = emotion.head_probabilities(((hidden[0], hidden[1]), (out[0], out[1])), e)
    np.testing.assert_array_equal(probabilities, mlp.predict_proba(e))  # bit for bit: the shipped files re-made


def test_a_soup_is_the_mean_of_each_weight(eval_script: Callable[[str], ModuleType]) -> None:
    esconv = eval_script("train_esconv_encoder")
    runs = [{"w": np.full((2, 3), scale, dtype=np.float32), "ids": np.arange(4)} for scale in (1.0, 2.0, 6.0)]
    mean = esconv.soup(runs)
    assert mean["w"].dtype == np.float32 and np.array_equal(mean["w"], np.full((2, 3), 3.0))
    assert mean["ids"].dtype == np.int64 and np.array_equal(mean["ids"], np.arange(4))
