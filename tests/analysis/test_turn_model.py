"""How the fine-tuned model joins the rules (``merge``), and the shipped graph's integrity and reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkdown.analysis import skills
from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.base import Context, Turn
from talkdown.analysis.model_io import MAX_CHARS, PACKAGED_MODELS, LinearTextModel, Vector, load_model, sha256_file
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.turn_model import (
    EVIDENCE_AGREES,
    LOGIT_FLOOR,
    MODEL_FILE,
    SETTINGS_FILE,
    SHA256_PREFIX,
    Choice,
    TurnModel,
    context_of,
    earlier_turns,
    load_settings,
    logit,
    merge,
    sigmoid,
    stage_features,
)

RULES = Choice("rules", 2.0)
UNION = Choice("union", 0.6)
MODEL = Choice("model", 0.6)


def test_rules_mode_never_asks_the_model() -> None:
    keep, added = merge({"arguing": []}, {"arguing": 0.0, "threat": 0.99}, {"arguing": RULES, "threat": RULES})
    assert keep == {"arguing"} and added == {}


def test_union_mode_keeps_every_rule_label_and_adds_what_reaches_the_threshold() -> None:
    choices = {"threat": UNION, "demand": UNION, "weapon": UNION}
    keep, added = merge({"threat": []}, {"threat": 0.1, "demand": 0.61, "weapon": 0.59}, choices)
    assert keep == {"threat"} and added == {"demand": 0.61}


def test_model_mode_drops_a_rule_label_the_model_rejects_and_keeps_one_it_confirms() -> None:
    choices = {"paraphrasing": MODEL, "open_question": MODEL, "affirmation": MODEL}
    probs = {"paraphrasing": 0.2, "open_question": 0.9, "affirmation": 0.7}
    keep, added = merge({"paraphrasing": [], "open_question": []}, probs, choices)
    assert keep == {"open_question"} and added == {"affirmation": 0.7}


def test_model_mode_keeps_a_rule_label_the_analyser_calls_sure_whatever_the_model_says() -> None:
    choices = {"ultimatum": MODEL, "threat": MODEL}
    keep, added = merge({"ultimatum": [], "threat": []}, {"ultimatum": 0.01, "threat": 0.01}, choices, {"ultimatum"})
    assert keep == {"ultimatum"} and added == {}


def test_a_label_without_a_choice_is_left_to_the_rules() -> None:
    keep, added = merge({"other_avoid": []}, {}, {})
    assert keep == {"other_avoid"} and added == {}


def test_the_context_is_the_previous_turn_or_the_last_turns_oldest_first_without_third_parties() -> None:
    window = (
        Turn(text="Put the phone down.", side="negotiator"),
        Turn(text="Who's that?", side="party"),
        Turn(text="Nobody listens.", side="subject"),
    )
    assert context_of(window) == "subject: Nobody listens."
    assert context_of(window, 3) == "negotiator: Put the phone down. subject: Nobody listens."
    assert context_of(window[:2]) == "" and context_of(()) == "" and context_of(window, 0) == ""


@pytest.mark.integration
def test_the_shipped_graph_is_the_declared_one_and_its_settings_cover_every_output() -> None:
    assert sha256_file(PACKAGED_MODELS / MODEL_FILE).startswith(SHA256_PREFIX)
    settings = load_settings(str(PACKAGED_MODELS.resolve()))
    assert (PACKAGED_MODELS / SETTINGS_FILE).is_file()
    assert {f"{f}/{label}" for f, label in settings.outputs} == set(settings.choices)
    assert {c.mode for c in settings.choices.values()} <= {"rules", "union", "model"}


@pytest.mark.integration
def test_model_labels_say_so_and_point_inside_the_turn() -> None:
    turn = Turn(text="So what you're telling me is that nobody at the plant listened to you for twenty years.",
                side="negotiator")  # fmt: skip
    ctx = Context(window=(Turn(text="Twenty years I gave them and they walked me out.", side="subject"),))
    for analyzer in (SkillAnalyzer(), AvoidAnalyzer()):
        for ann in analyzer.analyze(turn, ctx):
            if ann.detail.get("source") == "model":
                spans = [(e.start, e.end) for e in ann.evidence]  # its linear part's words, or the whole turn
                assert spans and all(0 <= start < end <= len(turn.text) for start, end in spans)
                assert 0.0 <= ann.score <= 1.0


@pytest.mark.integration
def test_fast_analysers_are_the_rules_alone() -> None:
    turn = Turn(text="Nothing is going to happen to you, I promise.", side="negotiator")
    fast = AvoidAnalyzer(use_model=False).analyze(turn, Context())
    assert all(a.detail.get("source") != "model" for a in fast)
    assert "false_promise" in {a.label for a in fast}


@pytest.mark.integration
def test_passes_started_ahead_give_what_asking_afterwards_gives_and_missing_turns_are_read_then() -> None:
    turns = [
        Turn(text="It sounds like you feel nobody listened.", side="negotiator"),
        Turn(text="What happened at the plant today?", side="negotiator"),
    ]
    ctxs = [Context(), Context(window=(turns[0],))]
    analyzer = SkillAnalyzer()
    plain: dict[int, dict[str, object]] = {0: {}, 1: {}}
    expected = analyzer._join(skills.FAMILY, skills.LABELS, plain, turns, ctxs)
    ahead = analyzer._ahead(skills.FAMILY, "negotiator", turns[:1], ctxs[:1])  # covers turn 0 only
    assert ahead is not None and set(ahead.result()) == {0}
    found: dict[int, dict[str, object]] = {0: {}, 1: {}}
    assert analyzer._join(skills.FAMILY, skills.LABELS, found, turns, ctxs, ahead) == expected
    assert found == plain
    assert analyzer._ahead(skills.FAMILY, "subject", turns, ctxs) is None  # no subject turn: nothing to start


def test_stage_features_are_the_turns_logits_then_the_largest_and_the_latest_of_the_earlier_ones() -> None:
    now = [0.5, 0.9]
    assert stage_features(now, []) == [0.0, pytest.approx(logit(0.9)), LOGIT_FLOOR, LOGIT_FLOOR, LOGIT_FLOOR,
                                       LOGIT_FLOOR]  # fmt: skip
    x = stage_features(now, [[0.8, 0.1], [0.2, 0.3]])
    assert x[2:] == pytest.approx([logit(0.8), logit(0.3), logit(0.2), logit(0.3)])
    assert stage_features(now, [], [0.5, 0.9])[6:] == pytest.approx([0.0, logit(0.9)])  # the word model's, last
    assert logit(0.0) == pytest.approx(LOGIT_FLOOR, abs=0.01) and logit(1.0) == pytest.approx(-LOGIT_FLOOR, abs=0.01)
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0 and sigmoid(0.0) == 0.5  # no overflow


def test_earlier_turns_are_the_sides_turns_in_the_span_each_with_its_own_window_but_never_the_first() -> None:
    window = tuple(Turn(text=f"t{k}", side="subject" if k % 2 else "negotiator") for k in range(9))
    found = earlier_turns(window, "subject", 7)
    assert [t.text for t, _ in found] == ["t3", "t5", "t7"]
    assert all(w == window[: int(t.text[1:])] for t, w in found)
    subject_first = (Turn(text="s0", side="subject"), Turn(text="n1", side="negotiator"))
    assert earlier_turns(subject_first, "subject", 7) == []  # its previous turn is not in the window
    assert earlier_turns((), "subject", 7) == []


@pytest.mark.integration
def test_the_cue_stage_reads_an_ambiguous_line_in_the_light_of_earlier_suicide_talk() -> None:
    settings = load_settings(str(PACKAGED_MODELS.resolve()))
    assert set(settings.stage["talkdown_cue"].weights) == {"threat", "suicide_cue", "deadline", "demand", "weapon"}
    assert "second stage over earlier turns for talkdown_cue" in SkillAnalyzer().describe_models()[0]  # said so
    earlier = (
        Turn(text="Talk to me, Ray. What's going on tonight?", side="negotiator"),
        Turn(text="I'm done. I've been done for a while.", side="subject"),
        Turn(text="Done how?", side="negotiator"),
        Turn(text="Nobody needs me around anymore. They'd be better off.", side="subject"),
        Turn(text="Who would be better off?", side="negotiator"),
    )
    line = Turn(text="Kids get my truck.", side="subject")
    model = TurnModel(PACKAGED_MODELS)

    def suicide(window: tuple[Turn, ...], *, graph_only: bool = False) -> float:
        return model.probabilities("talkdown_cue", [line], [window], graph_only=graph_only)[0]["suicide_cue"]

    # The graph reads the previous turn only, the same in both windows; the stage reads the subject's earlier turns.
    assert suicide(earlier, graph_only=True) == suicide(earlier[-1:], graph_only=True)
    assert suicide(earlier) > suicide(earlier[-1:]) + 0.1
    neutral = (*earlier[:1], Turn(text="I'm fine, the coffee here is terrible.", side="subject"), *earlier[2:3],
               Turn(text="Just tell them to send the food up.", side="subject"), earlier[-1])  # fmt: skip
    assert suicide(earlier) > suicide(neutral)
    batch = model.probabilities("talkdown_cue", [earlier[3], line], [earlier[:3], earlier])
    assert batch[1]["suicide_cue"] == suicide(earlier)  # the same, read alone or in a batch


def _dev_turns(count: int) -> list[tuple[Turn, tuple[Turn, ...]]]:
    from talkdown.services.evaluate import conversations_in_context

    dev = Path(__file__).resolve().parents[2] / "eval" / "data" / "indomain_dev.jsonl"
    items = [item for conv in conversations_in_context(dev, window=8) for item in conv]
    return [(turn, tuple(ctx.window)) for turn, ctx in items[:count]]


def _evidence_afresh(model: TurnModel, family: str, turn: Turn, label: str) -> tuple[tuple[int, int], ...]:
    """``TurnModel.evidence`` as it was before it read the cache: the turn vectorised again for the label."""
    settings = load_settings(str(PACKAGED_MODELS.resolve()))
    linear = load_model(PACKAGED_MODELS.resolve(), settings.linear[family].file)
    name = f"{family}/{label}"
    if name not in linear.labels:
        return ()
    vec = linear.vectorize(turn.text[:MAX_CHARS])
    if linear.probabilities(vec)[linear.labels.index(name)] < EVIDENCE_AGREES:
        return ()
    return linear.evidence(vec, name)


def test_evidence_from_the_cached_vector_is_the_evidence_of_the_turn_vectorised_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = TurnModel(PACKAGED_MODELS)
    settings = load_settings(str(PACKAGED_MODELS.resolve()))
    items = _dev_turns(80)
    side = {"talkdown_cue": "subject", "talkdown_skill": "negotiator", "talkdown_avoid": "negotiator"}
    expected = {
        (family, k, label): _evidence_afresh(model, family, turn, label)
        for family in settings.linear
        for k, (turn, _) in enumerate(items)
        if turn.side == side[family]
        for label in (lb for f, lb in settings.outputs if f == family)
    }
    assert sum(1 for spans in expected.values() if spans) > 20  # enough labels the word model agrees with
    TurnModel._linear_cache.clear()
    cold = {(f, k, label): model.evidence(f, items[k][0], label) for f, k, label in expected}
    assert cold == expected  # nothing cached: vectorised here, the same words
    TurnModel._linear_cache.clear()
    vectorised: list[str] = []
    real = LinearTextModel.vectorize

    def counted(self: LinearTextModel, text: str) -> Vector:
        vectorised.append(text)
        return real(self, text)

    monkeypatch.setattr(LinearTextModel, "vectorize", counted)
    for family in settings.linear:  # the analysers' path: the mix or the stage reads the turns first
        mine = [(t, w) for t, w in items if t.side == side[family]]
        model.probabilities(family, [t for t, _ in mine], [w for _, w in mine])
    read = len(vectorised)
    assert read > 0
    warm = {(f, k, label): model.evidence(f, items[k][0], label) for f, k, label in expected}
    assert warm == expected
    assert len(vectorised) == read  # the evidence re-used the vectors the probabilities made
