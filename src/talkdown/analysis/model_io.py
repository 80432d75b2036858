"""Safe model files: linear text models stored as plain JSON and checked against a sha256 manifest.

Why JSON and not skops: every learned analyser in talkdown is a linear model over TF-IDF n-grams, so the
whole model is a vocabulary, an idf vector, a weight matrix and an intercept. Stored as JSON (arrays as
base64 little-endian float32) the file is small, readable with any tool, loads without executing or
importing anything named by the file (skops still reconstructs objects from a type list), and does not
depend on scikit-learn's private attribute layout, so a scikit-learn upgrade cannot break a shipped model.
The featuriser below is the single definition of the features: training (``eval/train_*.py``) hands
:func:`block_features` to scikit-learn's ``TfidfVectorizer`` as its analyser, so training and inference
cannot drift apart, and a linear model makes evidence spans exact (each token's contribution to a score).

Integrity: each model directory has a ``manifest.json`` mapping file name → sha256 and model card; a file
whose hash differs from its entry is refused (``TD504``). Loads are
cached once per process per file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, ValidationError

from talkdown.errors import TalkdownError

FORMAT = "talkdown-linear-text/1"
MANIFEST = "manifest.json"
PACKAGED_MODELS = Path(__file__).parent / "models"
MAX_CHARS = 4000
"""Only the first MAX_CHARS characters are featurised: a 1 MB paste must not stall a live turn."""
_TOKEN_CACHE = 20_000

FloatArray = npt.NDArray[np.float32]
Occurrence = tuple[str, int, int]
BlockKind = Literal["word", "char"]

# Letters/digits with inner apostrophes ("don't"), or a run of ! / ?, which carry emotion and questions.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[!?]+")
_CHAR_NS = (3, 4, 5)


def tokens(text: str) -> list[Occurrence]:
    """Lower-cased tokens with their character spans in the original text (lower-casing can change length)."""
    out: list[Occurrence] = []
    for m in _TOKEN.finditer(text[:MAX_CHARS]):
        tok = m.group().lower().replace("’", "'")
        if tok[0] in "!?":
            tok = tok[:3]
        out.append((tok, m.start(), m.end()))
    return out


NEGATED = "¬"
"""Prefix of a token inside a negation's scope (``mark_negation``). Not a token character, so it cannot clash."""
NEGATION_SCOPE = "scope-1"
"""``meta["negation"]`` of a model trained on ``mark_negation``-ed tokens; a model without it reads plain tokens."""
_NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "nowhere", "cannot", "without"}
    | {"aint", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "couldnt", "wouldnt"}
    | {"shouldnt", "wont", "havent", "hasnt", "hadnt", "mustnt", "neednt"}
)
_SCOPE_END_WORDS = frozenset({"but", "though", "although", "however", "except"})
_CLAUSE_PUNCT = frozenset(".,;:!?()[]\n")


def mark_negation(text: str, toks: list[Occurrence]) -> list[Occurrence]:
    """The tokens with those in a negation's scope prefixed by ``NEGATED`` (Das & Chen 2001; Pang et al. 2002).

    Why: an n-gram model reads "I'm not afraid to use it" through "afraid" and calls it fear. Marked, the
    words after "not" are other features ("¬afraid"), so "afraid" keeps its weight where it is meant and the
    model learns what a negated word means from the few examples there are (or nothing, which is still better).
    A scope opens after a negator ("not", "never", "nothing", any "n't" word...) and runs to the end of the
    clause: punctuation between two tokens, a "!"/"?" token, or "but"; the negator itself stays plain.
    """
    out: list[Occurrence] = []
    in_scope = False
    prev_end = 0
    for tok, start, end in toks:
        if in_scope and (
            tok in _SCOPE_END_WORDS or tok[0] in "!?" or not _CLAUSE_PUNCT.isdisjoint(text[prev_end:start])
        ):
            in_scope = False
        prev_end = end
        if in_scope:
            out.append((NEGATED + tok, start, end))
            continue
        out.append((tok, start, end))
        if tok in _NEGATORS or tok.endswith("n't"):
            in_scope = True
    return out


def block_features(kind: BlockKind, toks: list[Occurrence]) -> list[Occurrence]:
    """Features of one block with the span each occurrence covers.

    ``word``: unigrams and bigrams. ``char``: 3–5-grams inside each space-padded token (as scikit-learn's
    ``char_wb``), which catch spelling variants ("sooo", "f*cking" split as "f", "cking") and morphology.
    A negated token (``mark_negation``) gives its word features as they are ("w ¬afraid") and its char
    n-grams prefixed ("c¬afr"), so that no feature of a negated word is one of the plain word's.
    """
    out: list[Occurrence] = []
    if kind == "word":
        for i, (tok, start, end) in enumerate(toks):
            out.append(("w " + tok, start, end))
            if i + 1 < len(toks):
                nxt = toks[i + 1]
                out.append(("b " + tok + " " + nxt[0], start, nxt[2]))
        return out
    for tok, start, end in toks:
        prefix = "c "
        if tok.startswith(NEGATED):
            prefix, tok = "c" + NEGATED, tok[len(NEGATED) :]
        padded = f" {tok} "
        for n in _CHAR_NS:
            if len(padded) < n:
                break
            for j in range(len(padded) - n + 1):
                out.append((prefix + padded[j : j + n], start, end))
    return out


def feature_names(kind: BlockKind, text: str, *, negation: bool = False) -> list[str]:
    """The analyser handed to ``TfidfVectorizer(analyzer=...)`` at training time (``negation``: scope-marked,
    for a model whose ``meta["negation"]`` is ``NEGATION_SCOPE``)."""
    toks = tokens(text)
    return [name for name, _, _ in block_features(kind, mark_negation(text, toks) if negation else toks)]


@dataclass(frozen=True)
class Block:
    """One TF-IDF block: its vocabulary (feature → column) and idf, l2-normalised on its own (as FeatureUnion)."""

    kind: BlockKind
    index: dict[str, int]
    idf: FloatArray
    offset: int
    _token_columns: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def token_columns(self, tok: str) -> tuple[int, ...]:
        """The known columns of one token's character n-grams, in ``block_features`` order. Cached: a token's
        n-grams are the same wherever it occurs, and building and looking up ~25 strings per token was most
        of ``vectorize``. Bounded, so a long-running process does not keep every token it has seen."""
        cols = self._token_columns.get(tok)
        if cols is None:
            if len(self._token_columns) >= _TOKEN_CACHE:
                self._token_columns.clear()
            names = block_features(self.kind, [(tok, 0, 0)])
            cols = tuple(j for j in (self.index.get(name) for name, _, _ in names) if j is not None)
            self._token_columns[tok] = cols
        return cols


@dataclass(frozen=True)
class Vector:
    """A featurised text: sparse columns and values, plus the spans each column's occurrences cover."""

    cols: npt.NDArray[np.int64]
    vals: FloatArray
    spans: tuple[tuple[tuple[int, int], ...], ...]
    token_spans: tuple[tuple[int, int], ...]
    n_known: int


@dataclass(frozen=True)
class LinearTextModel:
    """A linear classifier over TF-IDF n-gram blocks, with one decision threshold per label."""

    labels: tuple[str, ...]
    activation: Literal["sigmoid", "softmax"]
    blocks: tuple[Block, ...]
    coef: FloatArray  # (n_features, n_labels)
    intercept: FloatArray  # (n_labels,)
    thresholds: dict[str, float]
    meta: dict[str, str | int | float]
    sha256: str = ""

    def vectorize(self, text: str) -> Vector:
        """TF-IDF as scikit-learn computes it with ``sublinear_tf=True``: (1 + ln tf) · idf, l2 per block."""
        plain = tokens(text)
        toks = mark_negation(text, plain) if self.meta.get("negation") == NEGATION_SCOPE else plain
        cols: list[int] = []
        vals: list[float] = []
        spans: list[tuple[tuple[int, int], ...]] = []
        known_tokens = 0
        for block in self.blocks:
            occ: dict[int, list[tuple[int, int]]] = {}
            if block.kind == "word":
                for name, start, end in block_features(block.kind, toks):
                    j = block.index.get(name)
                    if j is not None:
                        occ.setdefault(j, []).append((start, end))
                known_tokens = sum(1 for t, _, _ in plain if ("w " + t) in block.index)
            else:  # the same columns in the same order as block_features, read per token from the block's cache
                for tok, start, end in toks:
                    for j in block.token_columns(tok):
                        occ.setdefault(j, []).append((start, end))
            idf = block.idf.item  # the same float as float(block.idf[j]), without a numpy scalar in between
            raw = {j: (1.0 + math.log(len(s))) * idf(j) for j, s in occ.items()}
            norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
            for j in sorted(raw):
                cols.append(block.offset + j)
                vals.append(raw[j] / norm)
                spans.append(tuple(occ[j]))
        return Vector(
            cols=np.asarray(cols, dtype=np.int64),
            vals=np.asarray(vals, dtype=np.float32),
            spans=tuple(spans),
            token_spans=tuple((start, end) for _, start, end in toks),
            n_known=known_tokens,
        )

    def probabilities(self, vec: Vector) -> FloatArray:
        return np.asarray(self.probabilities_many([vec])[0], dtype=np.float32)

    def probabilities_many(self, vecs: list[Vector]) -> FloatArray:
        """Batch form: one gather-and-sum per text, then one activation over the matrix."""
        logits = np.tile(self.intercept, (len(vecs), 1))
        for i, vec in enumerate(vecs):
            if len(vec.cols):
                logits[i] += vec.vals @ self.coef[vec.cols]
        return self._activate(logits)

    def _activate(self, logits: FloatArray) -> FloatArray:
        if self.activation == "sigmoid":
            return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float32)

    def evidence(self, vec: Vector, label: str, *, top: int = 3) -> tuple[tuple[int, int], ...]:
        """Spans of the tokens that push ``label`` up most: each feature's contribution (value × weight) is
        shared over its occurrences, summed per token span, and the ``top`` positive tokens are returned in
        text order. Softmax models use the weight minus the mean weight, i.e. the push towards this label.
        """
        k = self.labels.index(label)
        w = self.coef[vec.cols, k]
        if self.activation == "softmax":
            w = w - self.coef[vec.cols].mean(axis=1)
        by_start = {start: i for i, (start, _) in enumerate(vec.token_spans)}
        by_end = {end: i for i, (_, end) in enumerate(vec.token_spans)}
        per_token = [0.0] * len(vec.token_spans)
        for contribution, occs in zip((vec.vals * w).tolist(), vec.spans, strict=True):
            share = contribution / len(occs)
            for start, end in occs:
                # a bigram's share is split over the words it spans, so evidence stays word-sized
                first, last = by_start[start], by_end[end]
                for i in range(first, last + 1):
                    per_token[i] += share / (last - first + 1)
        best = sorted((c, i) for i, c in enumerate(per_token) if c > 0)[-top:]
        return tuple(vec.token_spans[i] for i in sorted(i for _, i in best))


# ---------------------------------------------------------------- files, manifest, integrity


class _ArrayJson(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    dtype: Literal["<f4"]
    shape: tuple[int, ...]
    data: str


class _BlockJson(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: BlockKind
    features: list[str]
    idf: _ArrayJson


class _ModelJson(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    format: Literal["talkdown-linear-text/1"]
    labels: list[str]
    activation: Literal["sigmoid", "softmax"]
    blocks: list[_BlockJson]
    coef: _ArrayJson
    intercept: list[float]
    thresholds: dict[str, float]
    meta: dict[str, str | int | float]


def _encode(arr: npt.NDArray[np.floating]) -> _ArrayJson:
    a = np.ascontiguousarray(arr, dtype="<f4")
    return _ArrayJson(dtype="<f4", shape=tuple(a.shape), data=base64.b64encode(a.tobytes()).decode("ascii"))


def _decode(spec: _ArrayJson, where: str) -> FloatArray:
    raw = base64.b64decode(spec.data, validate=True)
    arr = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if arr.size != math.prod(spec.shape):
        raise TalkdownError("TD602", file=where, problem=f"array of {arr.size} values does not fit shape {spec.shape}")
    return arr.reshape(spec.shape)


def dumps_model(model: LinearTextModel) -> bytes:
    """Canonical bytes (sorted keys, no spaces): the same model always hashes the same."""
    doc = _ModelJson(
        format=FORMAT,
        labels=list(model.labels),
        activation=model.activation,
        blocks=[
            _BlockJson(kind=b.kind, features=sorted(b.index, key=b.index.__getitem__), idf=_encode(b.idf))
            for b in model.blocks
        ],
        coef=_encode(model.coef),
        intercept=[float(x) for x in model.intercept],
        thresholds=model.thresholds,
        meta=model.meta,
    )
    return json.dumps(doc.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode("utf-8")


def loads_model(data: bytes, *, where: str = "model", sha256: str = "") -> LinearTextModel:
    try:
        doc = _ModelJson.model_validate_json(data)
    except ValidationError as exc:
        raise TalkdownError("TD602", file=where, problem=f"not a {FORMAT} model ({exc.error_count()} errors)") from exc
    blocks: list[Block] = []
    offset = 0
    for b in doc.blocks:
        idf = _decode(b.idf, where)
        if idf.shape != (len(b.features),):
            raise TalkdownError("TD602", file=where, problem=f"{b.kind} block: idf and vocabulary differ in length")
        blocks.append(Block(kind=b.kind, index={f: i for i, f in enumerate(b.features)}, idf=idf, offset=offset))
        offset += len(b.features)
    coef = _decode(doc.coef, where)
    if coef.shape != (offset, len(doc.labels)) or len(doc.intercept) != len(doc.labels):
        raise TalkdownError("TD602", file=where, problem=f"weights {coef.shape} do not fit {offset} features")
    return LinearTextModel(
        labels=tuple(doc.labels),
        activation=doc.activation,
        blocks=tuple(blocks),
        coef=coef,
        intercept=np.asarray(doc.intercept, dtype=np.float32),
        thresholds=dict(doc.thresholds),
        meta=dict(doc.meta),
        sha256=sha256,
    )


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(directory: Path) -> dict[str, dict[str, str]]:
    """``{"models": {file: {"sha256": ..., "card": ...}}}``; a missing manifest is an empty one."""
    path = directory / MANIFEST
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        models = doc["models"]
        return {str(k): {"sha256": str(v["sha256"]), "card": str(v.get("card", ""))} for k, v in models.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TalkdownError("TD602", file=str(path), problem=f"unreadable model manifest ({exc})") from exc


def save_model(model: LinearTextModel, directory: Path, filename: str, *, card: str) -> str:
    """Write the model and its card, record its sha256 in the manifest, and return the sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    data = dumps_model(model)
    (directory / filename).write_bytes(data)
    card_name = filename.rsplit(".", 1)[0] + ".md"
    (directory / card_name).write_text(card, encoding="utf-8")
    return register_file(directory, filename, card=card_name)


def register_file(directory: Path, filename: str, *, card: str) -> str:
    """Record a model file's sha256 (and the name of its card) in the directory's manifest; return the sha256."""
    digest = sha256_file(directory / filename)
    manifest = read_manifest(directory)
    manifest[filename] = {"sha256": digest, "card": card}
    body = json.dumps({"models": dict(sorted(manifest.items()))}, indent=2, sort_keys=True) + "\n"
    (directory / MANIFEST).write_text(body, encoding="utf-8")
    return digest


def read_verified(directory: Path, filename: str) -> tuple[bytes, str]:
    """A model file's bytes and sha256, after checking them against the manifest (TD602 / TD504 if not)."""
    path = directory / filename
    entry = read_manifest(directory).get(filename)
    if entry is None:
        raise TalkdownError(
            "TD602", file=str(path), problem=f"model not listed in {directory / MANIFEST}; refusing to load"
        )
    if not path.is_file():
        raise TalkdownError("TD602", file=str(path), problem="model file is missing; reinstall talkdown")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["sha256"]:
        raise TalkdownError(
            "TD504",
            file=str(path),
            problem=f"sha256 {digest[:12]}… does not match the manifest ({entry['sha256'][:12]}…)",
        )
    return data, digest


def load_model(directory: Path, filename: str) -> LinearTextModel:
    """Load a model after checking its sha256 against the manifest; cached once per process."""
    return _load_cached(str(directory.resolve()), filename, _mtime(directory / filename))


def _mtime(path: Path) -> int:
    # Part of the cache key so a test that rewrites a file sees the new bytes; a live process never does that.
    return path.stat().st_mtime_ns if path.is_file() else -1


@lru_cache(maxsize=16)
def _load_cached(directory: str, filename: str, mtime: int) -> LinearTextModel:
    del mtime
    data, digest = read_verified(Path(directory), filename)
    return loads_model(data, where=str(Path(directory) / filename), sha256=digest)


# ---------------------------------------------------------------- heads over sentence embeddings

HEAD_FORMAT = "talkdown-dense-head/1"


@dataclass(frozen=True)
class DenseHead:
    """A small network over a sentence embedding (``analysis.encoder``): ReLU hidden layers, then the output.

    ``encoder_sha256`` names the encoder graph the head was trained on; the analyser refuses a head whose
    encoder differs, because a head over another encoder's vectors gives confident nonsense.
    """

    labels: tuple[str, ...]
    activation: Literal["sigmoid", "softmax"]
    layers: tuple[tuple[FloatArray, FloatArray], ...]  # (weight (in, out), bias (out,)) per layer
    encoder_sha256: str
    meta: dict[str, str | int | float]
    sha256: str = ""
    join: tuple[FloatArray, FloatArray] | None = None
    """How the head's probabilities join another model's with the same labels (sigmoid only): weight (2 x labels,
    labels) and bias over ``join_features`` (``joined``); None: the caller averages them."""

    def joined(self, other: FloatArray, own: FloatArray) -> FloatArray:
        """The join's probabilities from the other model's and this head's (rows x labels each)."""
        if self.join is None:
            raise ValueError("this head has no join")
        weight, bias = self.join
        return np.asarray(1.0 / (1.0 + np.exp(-(join_features(other, own) @ weight + bias))), dtype=np.float32)

    def probabilities_many(self, embeddings: FloatArray) -> FloatArray:
        h = np.asarray(embeddings, dtype=np.float32)
        for k, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if k + 1 < len(self.layers):
                h = np.maximum(h, 0.0)
        if self.activation == "sigmoid":
            return np.asarray(1.0 / (1.0 + np.exp(-h)), dtype=np.float32)
        shifted = np.exp(h - h.max(axis=1, keepdims=True))
        return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float32)


def join_features(other: FloatArray, own: FloatArray) -> FloatArray:
    """The inputs of a head's join: both models' logits side by side, probabilities clipped to [1e-5, 1 - 1e-5]
    (a sigmoid's logit is its score, so the join weighs the two scores, not their averaged probabilities)."""
    both = np.clip(np.concatenate([other, own], axis=1).astype(np.float64), 1e-5, 1 - 1e-5)
    return np.asarray(np.log(both / (1 - both)), dtype=np.float32)


class _LayerJson(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    weight: _ArrayJson
    bias: _ArrayJson


class _HeadJson(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    format: Literal["talkdown-dense-head/1"]
    labels: list[str]
    activation: Literal["sigmoid", "softmax"]
    layers: list[_LayerJson]
    encoder_sha256: str
    meta: dict[str, str | int | float]
    join: _LayerJson | None = None


def dumps_head(head: DenseHead) -> bytes:
    doc = _HeadJson(
        format=HEAD_FORMAT,
        labels=list(head.labels),
        activation=head.activation,
        layers=[_LayerJson(weight=_encode(w), bias=_encode(b)) for w, b in head.layers],
        encoder_sha256=head.encoder_sha256,
        meta=head.meta,
        join=_LayerJson(weight=_encode(head.join[0]), bias=_encode(head.join[1])) if head.join is not None else None,
    )
    body = doc.model_dump(mode="json", exclude_none=True)  # a head without a join: the same bytes as before joins
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def loads_head(data: bytes, *, where: str = "head", sha256: str = "") -> DenseHead:
    try:
        doc = _HeadJson.model_validate_json(data)
    except ValidationError as exc:
        raise TalkdownError(
            "TD602", file=where, problem=f"not a {HEAD_FORMAT} file ({exc.error_count()} errors)"
        ) from exc
    layers = tuple((_decode(layer.weight, where), _decode(layer.bias, where)) for layer in doc.layers)
    width = None
    for w, b in layers:
        if w.ndim != 2 or b.shape != (w.shape[1],) or (width is not None and w.shape[0] != width):
            raise TalkdownError("TD602", file=where, problem=f"layer shapes {w.shape} / {b.shape} do not chain")
        width = w.shape[1]
    if not layers or width != len(doc.labels):
        raise TalkdownError("TD602", file=where, problem=f"the last layer does not give {len(doc.labels)} outputs")
    join = (_decode(doc.join.weight, where), _decode(doc.join.bias, where)) if doc.join is not None else None
    n = len(doc.labels)
    if join is not None and (join[0].shape != (2 * n, n) or join[1].shape != (n,) or doc.activation != "sigmoid"):
        raise TalkdownError("TD602", file=where, problem=f"its join is not a sigmoid layer from {2 * n} to {n}")
    return DenseHead(
        labels=tuple(doc.labels),
        activation=doc.activation,
        layers=layers,
        encoder_sha256=doc.encoder_sha256,
        meta=dict(doc.meta),
        sha256=sha256,
        join=join,
    )


def save_head(head: DenseHead, directory: Path, filename: str, *, card: str) -> str:
    """Write the head, record its sha256 in the manifest (its card is the named, existing card file)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / filename).write_bytes(dumps_head(head))
    return register_file(directory, filename, card=card)


def load_head(directory: Path, filename: str) -> DenseHead:
    """Load a head after checking its sha256 against the manifest; cached once per process."""
    return _load_head_cached(str(directory.resolve()), filename, _mtime(directory / filename))


@lru_cache(maxsize=8)
def _load_head_cached(directory: str, filename: str, mtime: int) -> DenseHead:
    del mtime
    data, digest = read_verified(Path(directory), filename)
    return loads_head(data, where=str(Path(directory) / filename), sha256=digest)
