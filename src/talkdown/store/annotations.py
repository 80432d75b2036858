"""Annotation records: analysis results stored beside the log, one row per annotation.

A new analyser version adds rows beside the old ones; nothing here updates or deletes. The key
(incident, utterance seq, analyser, version, family, label, basis, ordinal) makes re-running the same version on the
same words a no-op; ``ordinal`` numbers a line's annotations of one label (one ``demand`` per item he lists).
``basis`` names what a row was computed from (a digest of the line's side and text, made by the services): a
corrected line, or one whose speaker got a role, is analysed again beside its old rows, and readers ask for the
rows of each line's current basis.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence

from sqlalchemy import Engine, and_, exists, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from talkdown.domain.annotations import Annotation, Span
from talkdown.store.notify import notify_analysed
from talkdown.store.tables import annotation_rows


class AnnotationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def analysed(self, incident_id: str, versions: Mapping[str, str]) -> set[tuple[int, str]]:
        """(seq, basis) of the lines that already have results from these analyser versions.

        A pipeline runs all its analysers on a turn at once, so any row of the current versions means the
        turn was done; a turn that produced no label at all is simply analysed again (it is cheap).
        """
        if not versions:
            return set()
        query = (
            select(annotation_rows.c.utterance_seq, annotation_rows.c.basis)
            .where(
                annotation_rows.c.incident_id == incident_id,
                tuple_(annotation_rows.c.analyzer, annotation_rows.c.analyzer_version).in_(list(versions.items())),
            )
            .distinct()
        )
        with self.engine.execution_options(read_only=True).connect() as conn:
            return {(seq, basis) for seq, basis in conn.execute(query)}

    def failed(
        self, versions: Mapping[str, str], *, family: str, incident_id: str | None = None
    ) -> dict[str, set[tuple[int, str]]]:
        """(seq, basis) of the lines holding a ``family`` (failure) row of these versions for some analyser that
        has no other row on that line and basis, by incident (all incidents when none is given).

        Why "no other row": rows are never deleted, so a failure stays beside the results of a later retry
        that worked; the analyser's own rows beside it say it was retried. One query, on the table's key.
        """
        if not versions:
            return {}
        rows, other = annotation_rows, annotation_rows.alias("other")
        settled = exists().where(
            and_(
                other.c.incident_id == rows.c.incident_id,
                other.c.utterance_seq == rows.c.utterance_seq,
                other.c.basis == rows.c.basis,
                other.c.analyzer == rows.c.analyzer,
                other.c.analyzer_version == rows.c.analyzer_version,
                other.c.family != family,
            )
        )
        query = (
            select(rows.c.incident_id, rows.c.utterance_seq, rows.c.basis)
            .where(
                rows.c.family == family,
                tuple_(rows.c.analyzer, rows.c.analyzer_version).in_(list(versions.items())),
                ~settled,
            )
            .distinct()
        )
        if incident_id is not None:
            query = query.where(rows.c.incident_id == incident_id)
        out: dict[str, set[tuple[int, str]]] = {}
        with self.engine.execution_options(read_only=True).connect() as conn:
            for found_in, seq, basis in conn.execute(query):
                out.setdefault(found_in, set()).add((seq, basis))
        return out

    def add(self, incident_id: str, results: Iterable[tuple[int, str, Sequence[Annotation]]]) -> int:
        """Store each line's results (seq, basis, annotations); returns the rows written."""
        rows = [
            {
                "incident_id": incident_id,
                "utterance_seq": seq,
                "analyzer": a.analyzer,
                "analyzer_version": a.analyzer_version,
                "family": a.family,
                "label": a.label,
                "score": a.score,
                "low_confidence": a.low_confidence,
                "evidence": json.dumps([[s.start, s.end] for s in a.evidence]),
                "detail": json.dumps(a.detail, sort_keys=True),
                "basis": basis,
                "ordinal": ordinal,
            }
            for seq, basis, found in results
            for a, ordinal in _numbered(found)
        ]
        if rows:
            with self.engine.begin() as conn:
                # Two processes may analyse the same line at once; the key makes the second a no-op.
                insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
                conn.execute(insert(annotation_rows).on_conflict_do_nothing(), rows)
                notify_analysed(conn, incident_id)  # PostgreSQL only; delivered on commit, so boards read them
        return len(rows)

    def list(
        self,
        incident_id: str,
        versions: Mapping[str, str] | None = None,
        *,
        seqs: Collection[int] | None = None,
        families: Collection[str] | None = None,
    ) -> dict[tuple[int, str], list[Annotation]]:
        """Annotations by (utterance seq, basis); limited to the given analyser versions, seqs and families when
        given (a reader of one family, "cases like this" of the suicide cues, need not decode every row)."""
        query = (
            select(annotation_rows).where(annotation_rows.c.incident_id == incident_id).order_by(annotation_rows.c.id)
        )
        if seqs is not None:
            query = query.where(annotation_rows.c.utterance_seq.in_(list(seqs)))
        if families is not None:
            query = query.where(annotation_rows.c.family.in_(list(families)))
        if versions:
            query = query.where(
                tuple_(annotation_rows.c.analyzer, annotation_rows.c.analyzer_version).in_(list(versions.items()))
            )
        out: dict[tuple[int, str], list[Annotation]] = {}
        with self.engine.execution_options(read_only=True).connect() as conn:
            for r in conn.execute(query):
                out.setdefault((r.utterance_seq, r.basis), []).append(
                    Annotation(
                        analyzer=r.analyzer,
                        analyzer_version=r.analyzer_version,
                        family=r.family,
                        label=r.label,
                        score=r.score,
                        low_confidence=r.low_confidence,
                        evidence=tuple(Span(start=s, end=e) for s, e in json.loads(r.evidence)),
                        detail=json.loads(r.detail),
                    )
                )
        return out


def _numbered(found: Sequence[Annotation]) -> list[tuple[Annotation, int]]:
    """Each distinct annotation with its ordinal among those of its (analyser, version, family, label), in order.

    Why numbered, not one per label: a line may carry several annotations of one label (cues gives a ``demand`` per
    item he lists), and keeping only the first lost the others (migration 0006). An exact repeat is still one row.
    """
    out: list[tuple[Annotation, int]] = []
    seen: dict[tuple[str, str, str, str], list[Annotation]] = {}
    for a in found:
        same = seen.setdefault((a.analyzer, a.analyzer_version, a.family, a.label), [])
        if a not in same:
            out.append((a, len(same)))
            same.append(a)
    return out
