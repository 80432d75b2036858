"""Cases like this one: the historical cases nearest to an open incident or a described situation.

Why structured features first and text second: with 41 famous cases, a text model alone matches on
accidents of wording ("train" in a hijacking and in a training note). What a team leader asks is "which
past incidents had the same *kind* of problem": the type and its tags, who the subject was (typology),
how many were held, what he wanted, how long it ran and how we talked. Those are compared directly and
each comparison that contributes is returned as a :class:`Match`, so the answer says *why* a case is
similar. TF-IDF over key events, demands and motive (scikit-learn) then adds what the fields miss.

Scoring: each feature has a weight (``WEIGHTS``) and a similarity in [0, 1]; the score is the weighted mean,
so it stays in [0, 1]. A feature the query does not know is left out for every case. A feature the query knows
but a case leaves unknown (``null`` in the case; ``cases.yaml`` header: null = unknown) is neither a match nor
a mismatch: it counts as the average similarity, for this query, of the cases that do know it (``expected``).
Leaving it out of the mean instead (as before) made silence a reward: a case giving only its type scored the
mean of that one match, so a sparse agency case outranked a full one that matched as well on the type and
reasonably on everything else. Counting it as 0 would make silence a mismatch. An imputed feature is never
listed as a reason, and a case whose known features all score 0 is still no neighbour.
Doctrine: ``incident-types.md`` for type, typology and demand-type ids; weights are talkdown design [D].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkdown.doctrine.cases import Case
from talkdown.doctrine.situation import Situation, demand_kinds, duration_bucket, hostage_bucket

WEIGHTS: dict[str, float] = {
    "type": 3.0,  # same primary type
    "type_tags": 1.5,  # overlap of all types that apply (primary + tags)
    "typology": 1.5,
    "hostages": 1.0,
    "demands": 1.0,
    "duration": 0.5,
    "channel": 0.5,
    "text": 2.0,
}
CASE_FIELDS: dict[str, tuple[str, ...]] = {
    "type": ("type",),
    "type_tags": ("type", "type_tags"),
    "typology": ("subjects.typology",),
    "hostages": ("hostages",),
    "demands": ("demands",),
    "duration": ("duration_hours",),
    "channel": ("channel",),
    "text": (),  # a likeness of wording, not a figure: doubt about a field does not make it less or more alike
}
"""The case fields each feature compares, to tell when a reason rests on what the sources leave in doubt."""
MIN_TEXT = 0.05
"""A text similarity below this is noise (one shared common word) and is not reported as a reason."""


@dataclass(frozen=True)
class Match:
    """One feature that made a case similar: its name, the similarity (0-1) and a human-readable reason."""

    feature: str
    similarity: float
    reason: str

    @property
    def strength(self) -> str:
        """``full`` when the feature matches completely (similarity 1), else ``partial``.

        Why a word and not only the number: a reason such as "hostages held: 12 (query 3)" reads as a match
        whatever it scored (here 0.5, both held some but not in the same bucket); every face that lists
        reasons says which ones only half match, the same way ``--json``'s ``similarity`` does.
        """
        return "full" if self.similarity >= 1.0 - 1e-9 else "partial"

    @property
    def shown(self) -> str:
        """The similarity to two places, a partial match never rounded up to "1.00" (it is not one)."""
        return f"{1.0 if self.strength == 'full' else min(self.similarity, 0.99):.2f}"


@dataclass(frozen=True)
class Neighbour:
    """A similar past case with its score (0-1) and the features that contributed, strongest first."""

    case: Case
    score: float
    matches: tuple[Match, ...] = field(default_factory=tuple)


def rests_on_uncertain(case: Case, feature: str) -> bool:
    """Whether a feature's match reads a field the case lists under ``uncertain``.

    Such a match is only as good as the figure behind it: a hostage count given as a range is stored as its lower
    bound (``cases.yaml`` header), so "hostages held: 50" may be 50 or 60.
    """
    return any(case.is_uncertain(path) for path in CASE_FIELDS[feature])


def case_situation(case: Case) -> Situation:
    """The comparable features of a library case (unknown stays ``None`` / empty)."""
    return Situation(
        incident_type=case.type.value,
        types=case.types,
        typology=frozenset(t.value for t in case.subjects.typology),
        hostages=case.hostages,
        demands=case.demands,
        duration_hours=case.duration_hours,
        channels=None if case.channel is None else frozenset(c.value for c in case.channel),
        text=case_text(case),
    )


def case_text(case: Case) -> str:
    """What the TF-IDF side reads: motive, demands, key events, hostage note and site (not the outcome,
    which the person asking cannot know yet and which would pull in cases by how they ended)."""
    parts: list[str] = [case.subjects.motive or "", case.hostages_note or "", case.place.site or ""]
    parts += list(case.demands) + list(case.key_events)
    return " . ".join(p for p in parts if p)


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(v.replace("_", " ") for v in values))


def compare(query: Situation, case: Situation, *, text_similarity: float | None) -> list[Match]:
    """Per-feature similarities of two situations, only for features known on both sides."""
    out: list[Match] = []
    if query.incident_type is not None and case.incident_type is not None:
        same = query.incident_type == case.incident_type
        out.append(Match("type", 1.0 if same else 0.0, f"same type: {_names([case.incident_type])}" if same else ""))
    if query.types and case.types:
        shared = query.types & case.types
        out.append(Match("type_tags", _jaccard(query.types, case.types), f"types in common: {_names(shared)}"))
    if query.typology and case.typology:
        shared = query.typology & case.typology
        out.append(Match("typology", _jaccard(query.typology, case.typology), f"subject typology: {_names(shared)}"))
    if query.hostages is not None and case.hostages is not None:
        qb, cb = hostage_bucket(query.hostages), hostage_bucket(case.hostages)
        sim = 1.0 if qb == cb else 0.5 if (qb > 0) == (cb > 0) else 0.0
        out.append(Match("hostages", sim, f"hostages held: {case.hostages} (query {query.hostages})"))
    q_kinds, c_kinds = demand_kinds(query.demands), demand_kinds(case.demands)
    if q_kinds and c_kinds:
        shared = q_kinds & c_kinds
        out.append(Match("demands", _jaccard(q_kinds, c_kinds), f"demands for {_names(shared)}"))
    if query.duration_hours is not None and case.duration_hours is not None:
        qd, cd = duration_bucket(query.duration_hours), duration_bucket(case.duration_hours)
        # An open incident may yet run as long as any case that lasted longer than it has so far: for those the
        # comparison is unknown, not similar (a call opened a minute ago "matched" every short case by duration).
        # A case that ended sooner than this incident has already run is known to differ.
        if not (query.duration_so_far and cd >= qd):
            sim = max(0.0, 1.0 - abs(qd - cd) / 2)
            out.append(Match("duration", sim, f"duration about {case.duration_hours:g} h"))
    if query.channels and case.channels:
        shared = query.channels & case.channels
        out.append(Match("channel", _jaccard(query.channels, case.channels), f"channel: {_names(shared)}"))
    if text_similarity is not None:
        out.append(Match("text", text_similarity, "similar key events, demands or motive"))
    return out


def score(matches: Sequence[Match], expected: Mapping[str, float] | None = None) -> float:
    """Weighted mean similarity over the features known on both sides, and over each feature of ``expected``
    this case leaves unknown at its expected value (module docstring); 0 when nothing is comparable."""
    known = {m.feature for m in matches}
    imputed = {f: v for f, v in (expected or {}).items() if f not in known}
    total = sum(WEIGHTS[m.feature] for m in matches) + sum(WEIGHTS[f] for f in imputed)
    found = sum(WEIGHTS[m.feature] * m.similarity for m in matches) + sum(WEIGHTS[f] * v for f, v in imputed.items())
    return found / total if total else 0.0


def expected_similarities(compared: Iterable[Sequence[Match]]) -> dict[str, float]:
    """Each feature's mean similarity over the cases it was compared on: what a case that leaves it unknown is
    taken to score, as an average case would. Features no case could be compared on are absent."""
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for matches in compared:
        for m in matches:
            sums[m.feature] = sums.get(m.feature, 0.0) + m.similarity
            counts[m.feature] = counts.get(m.feature, 0) + 1
    return {f: sums[f] / counts[f] for f in sums}


class CaseIndex:
    """Cases prepared for "like this" queries: their features and a TF-IDF model fitted on their text.

    Built once per library (the shipped cases plus an agency's own); fitting on 41 short texts takes a few
    milliseconds, so it is rebuilt when user cases change rather than cached on disk.
    """

    def __init__(self, cases: Sequence[Case]) -> None:
        self.cases: tuple[Case, ...] = tuple(cases)
        self._situations = [case_situation(c) for c in self.cases]
        # Imported here, not at module level: scikit-learn costs ~0.5 s and every CLI start imports this module.
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer: Any = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2))
        self._matrix: Any = self._vectorizer.fit_transform([s.text for s in self._situations]) if self.cases else None

    def like(self, query: Situation, *, k: int = 5, exclude: Iterable[str] = ()) -> list[Neighbour]:
        """The ``k`` most similar cases, best first; ties broken by case id so results are reproducible."""
        if not self.cases:
            return []
        skip = set(exclude)
        texts = self._text_similarities(query.text)
        compared = [
            (case, compare(query, situation, text_similarity=text_sim))
            for case, situation, text_sim in zip(self.cases, self._situations, texts, strict=True)
            if case.id not in skip
        ]
        expected = expected_similarities(matches for _, matches in compared)
        found: list[Neighbour] = []
        for case, matches in compared:
            if not any(m.similarity > 0 for m in matches):  # nothing in common is not a neighbour, however short
                continue
            reasons = tuple(
                sorted(
                    (m for m in matches if m.similarity > 0 and (m.feature != "text" or m.similarity >= MIN_TEXT)),
                    key=lambda m: -WEIGHTS[m.feature] * m.similarity,
                )
            )
            found.append(Neighbour(case=case, score=round(score(matches, expected), 4), matches=reasons))
        found.sort(key=lambda n: (-n.score, n.case.id))
        return found[:k]

    def _text_similarities(self, text: str) -> list[float | None]:
        if not text.strip():
            return [None] * len(self.cases)
        vec = self._vectorizer.transform([text])
        if vec.nnz == 0:  # no known word: text says nothing either way
            return [None] * len(self.cases)
        from sklearn.metrics.pairwise import cosine_similarity

        return [float(x) for x in cosine_similarity(vec, self._matrix)[0]]
