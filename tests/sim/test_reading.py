"""The trainee line as the subject reads it: the listening weights docs/training.md gives are the ones used."""

from __future__ import annotations

from pathlib import Path

from talkdown.sim.reading import LISTENING

ROOT = Path(__file__).resolve().parents[2]
# docs/training.md's words for each listening move of sim/reading.py
DOC_NAMES = {
    "summarizing": "summary",
    "emotion_labeling": "label",
    "paraphrasing": "paraphrase",
    "affirmation": "validation",
    "open_question": "open question",
    "mirroring": "mirror",
    "effective_pause": "pause",
    "i_message": "I-message",
    "minimal_encourager": "encourager",
    "self_disclosure": "self-disclosure",
}


def test_the_training_docs_give_every_listening_weight_the_subject_uses() -> None:
    """The docs left self-disclosure (0.3) out, so a trainee's story about himself building trust looked like a
    bug to the instructor reading them."""
    docs = (ROOT / "docs" / "training.md").read_text(encoding="utf-8")
    row = next(line for line in docs.splitlines() if line.startswith("| listening |"))
    weights = row.split("g = strongest skill weight (", 1)[1].split(")", 1)[0]
    stated: dict[str, float] = {}
    for part in weights.split(", "):
        names, _, weight = part.rpartition(" ")
        for name in names.split("/"):
            stated[name] = float(weight)
    assert stated == {DOC_NAMES[skill]: weight for skill, weight in LISTENING.items()}
