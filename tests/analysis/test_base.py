"""``annotation``, the rule analysers' one way to build an annotation, gives exactly what ``Annotation(...)`` gives."""

from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from talkdown.analysis.base import annotation, span
from talkdown.domain.annotations import Annotation, Span

Detail = dict[str, str | float | int | bool | None]


def _validated(score: object, pairs: list[tuple[int, int]], *, low: bool, detail: Detail | None) -> Annotation:
    given_detail = {"detail": detail} if detail is not None else {}
    return Annotation(
        analyzer="skills",
        analyzer_version="0.9.1",
        family="talkdown_skill",
        label="open_question",
        score=score,  # type: ignore[arg-type]  # validation converts or refuses it
        evidence=tuple(Span(start=s, end=e) for s, e in pairs),
        low_confidence=low,
        **given_detail,  # type: ignore[arg-type]  # (as above)
    )


def _built(score: object, pairs: list[tuple[int, int]], *, low: bool, detail: Detail | None) -> Annotation:
    return annotation(
        "skills",
        "0.9.1",
        "talkdown_skill",
        "open_question",
        score,
        pairs,
        low_confidence=low,
        detail=detail,  # type: ignore[arg-type]
    )


def _same(a: Annotation, b: Annotation) -> None:
    assert a == b
    assert repr(a) == repr(b)  # types (int against float, tuple against list) and order show here
    assert a.model_dump_json() == b.model_dump_json()
    assert a.model_fields_set == b.model_fields_set
    assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)
    assert (a.__pydantic_extra__, a.__pydantic_private__) == (b.__pydantic_extra__, b.__pydantic_private__)
    assert copy.deepcopy(a) == copy.deepcopy(b)
    assert Annotation.model_validate_json(a.model_dump_json()) == b


_SCALAR = st.one_of(
    st.text(max_size=5), st.floats(allow_nan=False, allow_infinity=False), st.integers(), st.booleans(), st.none()
)


@given(
    score=st.floats(min_value=0.0, max_value=1.0),
    pairs=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)).map(sorted).map(tuple), max_size=4),
    low=st.booleans(),
    detail=st.one_of(st.none(), st.dictionaries(st.text(max_size=5), _SCALAR, max_size=4)),
)
def test_an_annotation_built_by_the_helper_equals_the_one_built_directly(
    score: float, pairs: list[tuple[int, int]], low: bool, detail: Detail | None
) -> None:
    _same(_built(score, pairs, low=low, detail=detail), _validated(score, pairs, low=low, detail=detail))


def test_the_detail_is_copied_as_validation_copies_it() -> None:
    detail: Detail = {"source": "model"}
    built = _built(0.7, [], low=False, detail=detail)
    detail["source"] = "changed"
    assert built.detail == {"source": "model"}


@pytest.mark.parametrize(
    ("score", "detail"),
    [
        (1, {}),  # an int score: validation makes it 1.0
        (0.5, {"n": True, "k": 1}),
        (0.5, {"item": type("Sub", (str,), {})("car")}),  # a str subclass: validation gives a plain str
    ],
)
def test_values_validation_would_convert_go_through_validation(score: object, detail: Detail) -> None:
    built = _built(score, [(0, 3)], low=False, detail=detail)
    _same(built, _validated(score, [(0, 3)], low=False, detail=detail))
    assert type(built.score) is float
    assert all(type(v) in (str, float, int, bool, type(None)) for v in built.detail.values())


@pytest.mark.parametrize("score", [1.5, -0.1, math.nan])
def test_a_score_outside_0_1_is_refused_as_validation_refuses_it(score: float) -> None:
    with pytest.raises(ValidationError):
        _built(score, [], low=False, detail={})


def test_a_span_ending_before_it_starts_is_refused_every_time() -> None:
    for _ in range(2):  # a failure is not cached
        with pytest.raises(ValidationError):
            _built(0.5, [(5, 3)], low=False, detail={})


def test_spans_are_shared_and_equal_to_new_ones() -> None:
    assert span(2, 9) is span(2, 9)
    assert span(2, 9) == Span(start=2, end=9)
    assert json.loads(_built(0.5, [(2, 9)], low=False, detail=None).model_dump_json())["evidence"] == [
        {"start": 2, "end": 9}
    ]
