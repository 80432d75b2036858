"""EmotionAnalyzer with the shipped GoEmotions model: labels, evidence, bad input, version pinned to the file.

The sentences are written for this test (none copied from GoEmotions). The module is marked integration
because it reads the shipped model file (about 4 MB) once per process.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkdown.analysis import emotion
from talkdown.analysis.base import Context, Turn
from talkdown.analysis.emotion import (
    EMOTION_HEAD_FILE,
    EMOTION_HEAD_SHA256_PREFIX,
    EMOTION_MODEL_FILE,
    EMOTION_MODEL_SHA256_PREFIX,
    EmotionAnalyzer,
)
from talkdown.analysis.model_io import PACKAGED_MODELS, load_head, sha256_file
from talkdown.analysis.turn_model import MODEL_FILE, TurnModel

pytestmark = pytest.mark.integration

ANALYZER = EmotionAnalyzer()
CTX = Context()


def _labels(text: str, family: str = "ekman") -> set[str]:
    return {a.label for a in ANALYZER.analyze(Turn(text=text, side="subject"), CTX) if a.family == family}


def test_version_carries_the_hash_of_the_shipped_model_listed_in_the_manifest() -> None:
    manifest = json.loads((PACKAGED_MODELS / "manifest.json").read_text())
    digest = manifest["models"][EMOTION_MODEL_FILE]["sha256"]
    assert sha256_file(PACKAGED_MODELS / EMOTION_MODEL_FILE) == digest
    assert digest.startswith(EMOTION_MODEL_SHA256_PREFIX)
    head_digest = manifest["models"][EMOTION_HEAD_FILE]["sha256"]
    assert sha256_file(PACKAGED_MODELS / EMOTION_HEAD_FILE) == head_digest
    assert head_digest.startswith(EMOTION_HEAD_SHA256_PREFIX)
    assert EmotionAnalyzer.version.endswith(f"+m{digest[:8]}.{head_digest[:8]}")
    assert (PACKAGED_MODELS / manifest["models"][EMOTION_MODEL_FILE]["card"]).is_file()


def test_the_embedding_head_was_trained_on_the_shipped_turn_graph() -> None:
    head = load_head(PACKAGED_MODELS, EMOTION_HEAD_FILE)
    assert head.encoder_sha256 == sha256_file(PACKAGED_MODELS / MODEL_FILE)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I am so furious with you people, you ruined everything!", "anger"),
        ("I'm terrified, I'm scared they will hurt me", "fear"),
        ("Thank you so much, I love that, this is great", "joy"),
        ("I miss her so much, I feel so sad and alone", "sadness"),
    ],
)
def test_clear_emotions_are_recognised(text: str, label: str) -> None:
    assert label in _labels(text)


def test_plain_statement_is_neutral() -> None:
    assert _labels("The car is parked on the north side of the building.") == {"neutral"}


def test_evidence_points_at_emotion_words() -> None:
    text = "I am so furious with you people"
    (anger,) = [a for a in ANALYZER.analyze(Turn(text=text, side="subject"), CTX) if a.label == "anger"]
    assert "furious" in {text[s.start : s.end] for s in anger.evidence}


def test_hostility_and_intensity_rise_with_an_insult() -> None:
    calm = ANALYZER.analyze(Turn(text="I would like some water please", side="subject"), CTX)
    rude = ANALYZER.analyze(Turn(text="Shut up you stupid idiot, I hate you", side="subject"), CTX)
    assert "hostile" in {a.label for a in rude if a.family == "hostility"}
    assert "hostile" not in {a.label for a in calm if a.family == "hostility"}
    (calm_i,) = [a.score for a in calm if a.family == "emotion_intensity"]
    (rude_i,) = [a.score for a in rude if a.family == "emotion_intensity"]
    assert rude_i > calm_i


def test_negotiator_turns_are_not_analysed() -> None:
    assert ANALYZER.analyze(Turn(text="I am so furious!", side="negotiator"), CTX) == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02\x03\x04binary\x05\x06\x07",
        "😀😀😀🔥",
        "Ich bin heute sehr glücklich und möchte nach Hause",
    ],
)
def test_unusable_text_gives_a_neutral_low_confidence_result(text: str) -> None:
    anns = ANALYZER.analyze(Turn(text=text, side="subject"), CTX)
    ekman = [a for a in anns if a.family == "ekman"]
    assert [a.label for a in ekman] == ["neutral"]
    assert all(a.low_confidence for a in anns)


def test_a_megabyte_of_text_is_analysed_with_low_confidence() -> None:
    anns = ANALYZER.analyze(Turn(text="I am angry. " * 100_000, side="subject"), CTX)
    assert anns
    assert all(a.low_confidence for a in anns)


def test_batch_and_single_analysis_agree() -> None:
    turns = [Turn(text=t, side="subject") for t in ("I hate this", "ok", "so happy for you!", "")]
    assert ANALYZER.analyze_many(turns, [CTX] * 4) == [ANALYZER.analyze(t, CTX) for t in turns]


@given(st.text(max_size=300))
def test_any_text_gives_spans_inside_it_and_evidence_for_every_emotion(text: str) -> None:
    for ann in ANALYZER.analyze(Turn(text=text, side="subject"), CTX):
        assert 0.0 <= ann.score <= 1.0
        assert all(0 <= s.start < s.end <= len(text) for s in ann.evidence)
        if ann.label not in ("neutral", "intensity") and not ann.low_confidence:
            assert ann.evidence


def test_the_shipped_models_join_through_the_heads_learned_layer() -> None:
    analyzer = EmotionAnalyzer()
    head = load_head(PACKAGED_MODELS, EMOTION_HEAD_FILE)
    assert head.join is not None  # emotion 0.4: the learned join beat every fixed average out of fold
    turn = Turn(text="I can't believe they did this to me, I'm so angry and so scared", side="subject")
    vector = TurnModel(PACKAGED_MODELS).vectors([turn], [()])
    linear = analyzer.model.probabilities_many([analyzer.model.vectorize(turn.text)])
    p = dict(zip(head.labels, head.joined(linear, head.probabilities_many(vector))[0], strict=True))
    scores = {a.label: a.score for a in analyzer.analyze(turn, Context()) if a.family == "ekman"}
    assert scores and all(s == pytest.approx(p[label], abs=1e-4) for label, s in scores.items())
    averaged = 0.8 * linear[0] + 0.2 * head.probabilities_many(vector)[0]
    assert any(abs(p[k] - averaged[j]) > 0.01 for j, k in enumerate(head.labels))  # not the old average


# A negated emotion word is not that emotion (emotion 0.5, negation-scoped tokens in the linear model). Until 0.4
# the word weighed the same with or without "not": a trainer's "I got a gun and I'm not afraid to use it" read
# fear 0.99 on the LIVE board. Each pair: the negated line must not carry the word's label, the plain line must.
NEGATED_PAIRS = [
    ("fear", "I got a gun and I'm not afraid to use it", "I got a gun and I'm afraid to use it"),
    ("fear", "I'm not nervous, I know exactly what I'm doing", "I'm nervous, I don't know what I'm doing"),
    ("fear", "You don't scare me", "You scare me"),
    ("fear", "I'm not terrified of anything anymore", "I'm terrified of everything"),
    ("fear", "I'm not worried about the police", "I'm worried about the police"),
    ("joy", "I'm not happy about this", "I'm happy about this"),
    ("joy", "This is not funny", "This is funny"),
    ("joy", "Nothing to be happy about", "Something to be happy about"),
    ("joy", "I'm not excited to see the SWAT team", "I'm excited to see my kids"),
    ("sadness", "I'm not depressed, stop saying that", "I'm depressed, I keep saying that"),
    ("sadness", "I'm not upset with my wife", "I'm upset with my wife"),
    ("disgust", "I'm not disgusted by him", "I'm disgusted by him"),
]


@pytest.mark.parametrize(("label", "negated", "plain"), NEGATED_PAIRS)
def test_a_negated_emotion_word_is_not_read_as_that_emotion(label: str, negated: str, plain: str) -> None:
    assert label not in _labels(negated)
    assert label in _labels(plain)


def test_a_negated_emotion_word_is_not_evidence_for_it() -> None:
    text = "I'm not scared of you"
    vec = ANALYZER.model.vectorize(text)
    assert ANALYZER.model.probabilities(vec)[ANALYZER.model.labels.index("fear")] < 0.1  # 0.99 in 0.4
    plain = "I'm scared of you"
    (fear,) = [a for a in ANALYZER.analyze(Turn(text=plain, side="subject"), CTX) if a.label == "fear"]
    assert "scared" in {plain[s.start : s.end] for s in fear.evidence}


# A stated negation of an emotion word gives no emotion (emotion 0.6, a rule after the join): the negation scopes
# of 0.5 reach the linear model only, and the MLP over turn_vector still read the word. Each of these lines
# carried the negated word's label in 0.5 ("I'm not angry, I'm just tired." anger 0.28, "Don't think I'm
# afraid." fear 0.60).
NEGATED_WORDS = [
    ("anger", "I'm not angry, I'm just tired."),
    ("anger", "I'm not mad at you."),
    ("anger", "I'm not even mad anymore."),
    ("anger", "I am not furious, I just want to talk to her."),
    ("anger", "I'm not pissed off at anybody."),
    ("anger", "I was never angry with my wife."),
    ("anger", "It doesn't bother me what they say."),
    ("anger", "I don't feel angry, I feel nothing."),
    ("anger", "I'm not annoyed, I just want this over."),
    ("anger", "I'm not angry with you, Mike."),
    ("anger", "I'm not upset."),
    ("fear", "I'm not scared of you."),
    ("fear", "Don't think I'm afraid."),
    ("fear", "I'm not afraid of the cops."),
    ("fear", "I ain't scared of nobody."),
    ("fear", "I'm not even scared anymore."),
    ("sadness", "I'm not sad about it."),
    ("sadness", "I'm not sorry for what I did."),
    ("sadness", "I'm not lonely, I've got my dog."),
    ("sadness", "I'm not sad, I'm relieved it's over."),
    ("joy", "I'm not glad he's gone."),
    ("surprise", "I'm not surprised at all."),
    ("surprise", "I'm not shocked, I saw it coming."),
    ("surprise", "I'm not confused, I know what I'm doing."),
]
# ... and lines where the rule must not fire, or must leave the label: no negation, a negation that affirms
# ("not just", "never been so", "never felt this"), a negator that is not about the word ("not going to lie",
# "can't stop", "don't make me"), or the same label affirmed by another word ("not angry, I'm furious").
AFFIRMED_WORDS = [
    ("anger", "I'm angry, I'm tired of this."),
    ("anger", "I'm so mad at you."),
    ("anger", "I'm not angry, I'm furious."),
    ("anger", "Don't make me angry."),
    ("anger", "I'm not just angry, I'm livid."),
    ("anger", "I'm pissed off at all of you."),
    ("fear", "I'm scared of you."),
    ("fear", "I'm afraid of the cops."),
    ("fear", "I've never been so scared in my life."),
    ("fear", "I'm not scared, I'm terrified."),
    ("fear", "I'm not going to lie, I'm scared."),
    ("fear", "I have never felt this scared."),
    ("fear", "I can't stop being scared."),
    ("fear", "I'm nervous, I don't know what to do."),
    ("sadness", "I'm sad about it."),
    ("sadness", "I'm depressed and I can't think straight."),
    ("sadness", "I'm sorry for what I did."),
    ("sadness", "I'm so lonely without her."),
    ("sadness", "I'm so upset."),
    ("sadness", "I'm not mad, I'm disappointed."),
    ("sadness", "I'm not embarrassed about crying."),
    ("disgust", "I'm disgusted with you."),
    ("joy", "I'm happy you called."),
    ("joy", "I couldn't be happier."),
    ("surprise", "I'm shocked, I didn't see it coming."),
    ("surprise", "I'm surprised you came."),
]


@pytest.mark.parametrize(("label", "text"), NEGATED_WORDS)
def test_a_stated_negation_of_an_emotion_word_does_not_give_its_label(label: str, text: str) -> None:
    assert label not in _labels(text)


@pytest.mark.parametrize(("label", "text"), AFFIRMED_WORDS)
def test_an_emotion_word_that_is_not_negated_keeps_its_label(label: str, text: str) -> None:
    assert label in _labels(text)


def test_a_negated_emotion_leaves_the_rest_of_the_line_and_says_what_it_damped() -> None:
    anns = ANALYZER.analyze(Turn(text="I don't feel angry, I feel nothing.", side="subject"), CTX)
    assert {a.label for a in anns if a.family == "ekman"} == {"sadness", "neutral"}  # anger 0.40 in 0.5
    assert {a.detail.get("negated") for a in anns} == {"anger"}


def test_a_negated_anger_word_is_not_hostile() -> None:
    assert _labels("I'm not mad at you.", "hostility") == set()  # hostile 0.43 in 0.5
    assert _labels("I'm mad at you and I hate you.", "hostility") == {"hostile"}


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("I\u2019m not upset.", {"anger", "sadness"}),  # a typographic apostrophe; "upset" sits under both
        ("You don't scare me.", {"fear"}),
        ("I'm not pissed   off.", {"anger"}),
        ("I'm not angry and I'm not scared.", {"anger", "fear"}),
        ("Isn't that sad?", set()),
        ("Aren't you scared?", set()),
        ("I'm not only angry.", set()),
        ("I've never been scared like this.", set()),
    ],
)
def test_the_negation_rule_reads_which_labels_a_line_negates(text: str, labels: set[str]) -> None:
    assert emotion.negated_labels(text) == labels
