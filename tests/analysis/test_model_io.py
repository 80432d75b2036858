"""model_io: JSON linear models match scikit-learn, round-trip, and refuse tampered or unlisted files."""

from __future__ import annotations

import ast
import dataclasses
import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from talkdown.analysis import model_io
from talkdown.analysis.model_io import Block, LinearTextModel, feature_names, load_model, save_model, tokens
from talkdown.errors import TalkdownError

TEXTS = [
    "I am so angry at you!",
    "I'm not afraid of what happens next",
    "This is wonderful news, thank you",
    "I'm scared, please don't come in",
    "whatever, fine",
    "you people never listen to me!!",
    "thanks, that helps a lot",
    "I'm afraid of what happens next",
    "ok",
]
Y = np.array([[1, 0], [0, 0], [0, 1], [0, 0], [0, 0], [1, 0], [0, 1], [0, 0], [0, 0]])


def _train(*, negation: bool = False) -> tuple[LinearTextModel, np.ndarray]:
    vecs = [
        TfidfVectorizer(
            analyzer=partial(feature_names, "word", negation=negation), sublinear_tf=True, dtype=np.float32
        ),
        TfidfVectorizer(
            analyzer=partial(feature_names, "char", negation=negation), sublinear_tf=True, dtype=np.float32
        ),
    ]
    x = sp.hstack([v.fit_transform(TEXTS) for v in vecs]).tocsr()
    coefs, icpts, probs = [], [], []
    for k in range(Y.shape[1]):
        clf = LogisticRegression(C=10.0, solver="liblinear").fit(x, Y[:, k])
        coefs.append(clf.coef_[0])
        icpts.append(clf.intercept_[0])
        probs.append(clf.predict_proba(x)[:, 1])
    blocks, offset = [], 0
    for kind, v in zip(("word", "char"), vecs, strict=True):
        vocab = {str(f): int(i) for f, i in v.vocabulary_.items()}
        blocks.append(Block(kind=kind, index=vocab, idf=v.idf_.astype(np.float32), offset=offset))
        offset += len(vocab)
    model = LinearTextModel(
        labels=("anger", "joy"),
        activation="sigmoid",
        blocks=tuple(blocks),
        coef=np.stack(coefs, axis=1).astype(np.float32),
        intercept=np.asarray(icpts, dtype=np.float32),
        thresholds={"anger": 0.5, "joy": 0.5},
        meta={"seed": 1, **({"negation": model_io.NEGATION_SCOPE} if negation else {})},
    )
    return model, np.stack(probs, axis=1)


@pytest.mark.parametrize("negation", [False, True])
def test_inference_reproduces_scikit_learn_probabilities(negation: bool) -> None:
    model, expected = _train(negation=negation)
    got = model.probabilities_many([model.vectorize(t) for t in TEXTS])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def _marked(text: str) -> list[str]:
    return [tok for tok, _, _ in model_io.mark_negation(text, tokens(text))]


def test_a_negation_scope_runs_from_the_negator_to_the_end_of_the_clause() -> None:
    assert _marked("I got a gun and I'm not afraid to use it") == [
        "i", "got", "a", "gun", "and", "i'm", "not", "¬afraid", "¬to", "¬use", "¬it",
    ]  # fmt: skip
    assert _marked("I'm not angry, I'm tired") == ["i'm", "not", "¬angry", "i'm", "tired"]
    assert _marked("Don't think I'm afraid") == ["don't", "¬think", "¬i'm", "¬afraid"]
    assert _marked("I ain't scared but I'm mad") == ["i", "ain't", "¬scared", "but", "i'm", "mad"]
    assert _marked("never sad!! happy") == ["never", "¬sad", "!!", "happy"]
    assert _marked("Thanks for nothing") == ["thanks", "for", "nothing"]


def test_a_negated_word_shares_no_feature_with_the_plain_word() -> None:
    plain = set(feature_names("word", "afraid")) | set(feature_names("char", "afraid"))
    negated = set(feature_names("word", "not afraid", negation=True)) | set(
        feature_names("char", "not afraid", negation=True)
    )
    negated -= set(feature_names("word", "not")) | set(feature_names("char", "not"))
    assert negated and not negated & plain
    assert feature_names("char", "not afraid") == feature_names("char", "not afraid", negation=False)


def test_a_model_reads_negation_scopes_only_if_it_was_trained_on_them() -> None:
    plain, _ = _train()
    scoped, _ = _train(negation=True)
    text = "I'm not afraid of what happens next"
    assert "w afraid" in plain.blocks[0].index and "w ¬afraid" in scoped.blocks[0].index
    word_cols = {int(c) for c in plain.vectorize(text).cols if c < len(plain.blocks[0].index)}
    assert plain.blocks[0].index["w afraid"] in word_cols
    scoped_cols = {int(c) for c in scoped.vectorize(text).cols if c < len(scoped.blocks[0].index)}
    assert scoped.blocks[0].index["w ¬afraid"] in scoped_cols
    assert scoped.blocks[0].index["w afraid"] not in scoped_cols
    assert scoped.vectorize(text).n_known == plain.vectorize(text).n_known  # known words count unmarked


def test_saved_model_loads_back_identically(tmp_path: Path) -> None:
    model, expected = _train()
    digest = save_model(model, tmp_path, "m.json", card="# card\n")
    loaded = load_model(tmp_path, "m.json")
    assert loaded.sha256 == digest
    assert json.loads((tmp_path / "manifest.json").read_text())["models"]["m.json"] == {
        "sha256": digest,
        "card": "m.md",
    }
    assert (tmp_path / "m.md").read_text() == "# card\n"
    got = loaded.probabilities_many([loaded.vectorize(t) for t in TEXTS])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_a_tampered_model_file_is_refused_with_an_integrity_error(tmp_path: Path) -> None:
    model, _ = _train()
    save_model(model, tmp_path, "m.json", card="# card\n")
    path = tmp_path / "m.json"
    data = bytearray(path.read_bytes())
    data[data.index(b'"anger"') + 1] = ord("A")  # one byte changed, still valid JSON
    path.write_bytes(bytes(data))
    with pytest.raises(TalkdownError) as err:
        load_model(tmp_path, "m.json")
    assert err.value.code == "TD504"
    assert "sha256" in err.value.message


def test_a_model_missing_from_the_manifest_is_refused(tmp_path: Path) -> None:
    model, _ = _train()
    (tmp_path / "m.json").write_bytes(model_io.dumps_model(model))
    with pytest.raises(TalkdownError) as err:
        load_model(tmp_path, "m.json")
    assert "not listed" in err.value.message


def test_evidence_points_at_the_words_that_push_the_label() -> None:
    model, _ = _train()
    text = "I am so angry at you!"
    spans = model.evidence(model.vectorize(text), "anger")
    words = {text[s:e] for s, e in spans}
    assert words & {"angry", "you", "!"}
    assert all(0 <= s < e <= len(text) for s, e in spans)


def test_tokens_keep_offsets_into_the_original_text_when_lowercasing_changes_length() -> None:
    text = "İstanbul is FAR"  # 'İ'.lower() is two characters
    assert [(t, text[s:e]) for t, s, e in tokens(text)] == [
        ("i̇stanbul", "İstanbul"),
        ("is", "is"),
        ("far", "FAR"),
    ]


def test_model_io_never_imports_pickle_or_joblib() -> None:
    tree = ast.parse(Path(model_io.__file__).read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not imported & {"pickle", "joblib", "cloudpickle", "dill", "skops"}


def _head() -> model_io.DenseHead:
    rng = np.random.default_rng(13)
    layers = (
        (rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)),
        (rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)),
    )
    return model_io.DenseHead(labels=("a", "b"), activation="sigmoid", layers=layers, encoder_sha256="e" * 64, meta={})


def test_a_dense_head_round_trips_and_computes_relu_then_sigmoid(tmp_path: Path) -> None:
    head = _head()
    digest = model_io.save_head(head, tmp_path, "head.json", card="card.md")
    loaded = model_io.load_head(tmp_path, "head.json")
    assert loaded.sha256 == digest and loaded.encoder_sha256 == "e" * 64
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    (w1, b1), (w2, b2) = head.layers
    expected = 1.0 / (1.0 + np.exp(-(np.maximum(x @ w1 + b1, 0.0) @ w2 + b2)))
    np.testing.assert_allclose(loaded.probabilities_many(x), expected, rtol=1e-5)


def test_a_tampered_head_is_refused(tmp_path: Path) -> None:
    model_io.save_head(_head(), tmp_path, "head.json", card="card.md")
    path = tmp_path / "head.json"
    path.write_bytes(path.read_bytes().replace(b'"sigmoid"', b'"softmax"'))
    with pytest.raises(TalkdownError) as err:
        model_io.load_head(tmp_path, "head.json")
    assert err.value.code == "TD504"


def test_a_heads_join_round_trips_and_weighs_both_models_logits(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    join = (rng.normal(size=(4, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32))
    plain = _head()
    joined = dataclasses.replace(plain, join=join)
    model_io.save_head(joined, tmp_path, "head.json", card="card.md")
    loaded = model_io.load_head(tmp_path, "head.json")
    assert loaded.join is not None and all(np.array_equal(a, b) for a, b in zip(loaded.join, join, strict=True))
    other, own = np.array([[0.9, 0.2]], dtype=np.float32), np.array([[0.4, 0.7]], dtype=np.float32)
    logits = np.log(np.array([0.9, 0.2, 0.4, 0.7]) / (1 - np.array([0.9, 0.2, 0.4, 0.7])))
    expected = 1.0 / (1.0 + np.exp(-(logits @ join[0] + join[1])))
    np.testing.assert_allclose(loaded.joined(other, own)[0], expected, rtol=1e-5)
    assert b'"join"' not in model_io.dumps_head(plain)  # a head without a join is written as before joins existed
    with pytest.raises(ValueError):
        plain.joined(other, own)


def test_a_join_of_the_wrong_shape_is_refused() -> None:
    bad = dataclasses.replace(_head(), join=(np.zeros((3, 2), dtype=np.float32), np.zeros(2, dtype=np.float32)))
    with pytest.raises(TalkdownError) as err:
        model_io.loads_head(model_io.dumps_head(bad))
    assert err.value.code == "TD602" and "join" in str(err.value)


def test_a_head_whose_layers_do_not_chain_is_refused() -> None:
    head = _head()
    bad = model_io.DenseHead(
        labels=head.labels, activation="sigmoid", layers=(head.layers[1], head.layers[0]), encoder_sha256="", meta={}
    )
    with pytest.raises(TalkdownError) as err:
        model_io.loads_head(model_io.dumps_head(bad))
    assert err.value.code == "TD602"


def test_vectorize_gives_the_same_features_whether_a_tokens_ngrams_are_cached_or_not() -> None:
    model, _ = _train()
    cold = [model.vectorize(t) for t in TEXTS]  # a fresh model: every token's n-grams are built here
    warm = [model.vectorize(t) for t in reversed(TEXTS)][::-1]  # read back from the cache, in another order
    for a, b in zip(cold, warm, strict=True):
        assert a.cols.tobytes() == b.cols.tobytes() and a.vals.tobytes() == b.vals.tobytes()
        assert (a.spans, a.token_spans, a.n_known) == (b.spans, b.token_spans, b.n_known)
    char = next(b for b in model.blocks if b.kind == "char")
    assert char.token_columns("angry") == tuple(
        char.index[name] for name in feature_names("char", "angry") if name in char.index
    )
