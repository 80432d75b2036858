"""The case library as use cases: list, show, search, "cases like this", and an agency's own cases.

Why user cases live in files (``<data_dir>/cases/*.yaml``) and not in the database: they are reference
material an agency curates and reviews like doctrine, not facts of an incident, and the log stays the
only thing in the database. They meet the shipped schema, and a user case can never take a shipped id:
the shipped library is the common ground every team reads the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from talkdown.doctrine.cases import Case, Outcome, parse_cases, shipped_cases
from talkdown.doctrine.similarity import CaseIndex, Neighbour
from talkdown.doctrine.situation import READS_FAMILIES, Situation, describe, incident_situation
from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.text import is_blank
from talkdown.errors import TalkdownError
from talkdown.services.derived import line_annotations
from talkdown.services.formats import decode
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App

Origin = Literal["shipped", "user"]


@dataclass(frozen=True)
class LibraryCase:
    """A case and where it came from (the shipped library, or an agency file under the data directory)."""

    case: Case
    origin: Origin
    file: str


@dataclass(frozen=True)
class LikeResult:
    """The situation as talkdown read it, and its nearest cases (each with the features that matched)."""

    situation: Situation
    neighbours: tuple[Neighbour, ...]
    origins: dict[str, Origin]
    type_missing: str | None = None
    """The situation's incident type when no case in the library is of it (as its type or a tag): its neighbours
    then resemble it on other features only, which a reader must be told (the shipped library holds no
    suicide-intervention case, so a man on a bridge was shown hostage cases with no word of it)."""


def type_missing_note(kind: str) -> str:
    """What the CLI and the console say when ``LikeResult.type_missing`` is set."""
    shown = kind.replace("_", " ")
    return (
        f"The library holds no {shown} case: the cases below resemble this one on other features only. "
        "An agency can add its own cases: talkdown cases import FILE."
    )


def user_cases_dir(app: App) -> Path:
    return app.settings.data_dir / "cases"


def load_library(app: App) -> list[LibraryCase]:
    """Shipped cases first, then user files in name order; a broken user file is a TD620 naming it."""
    out = [LibraryCase(c, "shipped", "talkdown") for c in shipped_cases()]
    shipped = {c.id for c in shipped_cases()}
    seen: dict[str, str] = {}
    folder = user_cases_dir(app)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            cases = parse_cases(decode(path.read_bytes(), file=str(path)), file=str(path))
        except (TalkdownError, OSError) as exc:
            raise TalkdownError("TD620", file=str(path), problem=_broken(exc)) from exc
        for case in cases:
            if case.id in shipped or case.id in seen:  # written by hand around `cases import`
                raise TalkdownError("TD620", file=str(path), problem=f"case id '{case.id}' is already taken")
            seen[case.id] = path.name
            out.append(LibraryCase(case, "user", str(path)))
    return out


def _broken(exc: TalkdownError | OSError) -> str:
    """What is wrong with a library file, for TD620, which names the file itself: the parser's problem without its
    own ``{file}:`` prefix and full stop, which printed the path twice and ended in '..'; a file that is not UTF-8
    says so without TD103's "Nothing was imported" (the file was imported long ago)."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if exc.code == "TD103":
        return f"not valid UTF-8 (byte {exc.fields['offset']}); it looks like {exc.fields['guess']}"
    problem = exc.fields.get("problem")
    return str(problem) if problem is not None else exc.message.rstrip(".")


def list_cases(
    app: App, *, incident_type: IncidentType | None = None, outcome: Outcome | None = None
) -> list[LibraryCase]:
    """Every case, filtered by type (primary or tag) and outcome, in library order."""
    return [
        lc
        for lc in load_library(app)
        if (incident_type is None or incident_type.value in lc.case.types)
        and (outcome is None or lc.case.outcome is outcome)
    ]


def get_case(app: App, case_id: str) -> LibraryCase:
    for lc in load_library(app):
        if lc.case.id == case_id:
            return lc
    raise TalkdownError("TD220", case_id=case_id)


def _fold(text: str) -> str:
    """Lower case without accents, so a query typed on any keyboard finds the case as its sources spell it:
    "Furstenfeldbruck" finds "Fürstenfeldbruck", "Roman" finds "Agustín Román" (and the other way round)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _haystack(case: Case) -> str:
    """Every text field of the case but its sources (URLs and source keys would match nearly any query)."""
    text = " ".join(
        [
            case.id,
            case.name,
            str(case.year or ""),
            case.place.country or "",
            case.place.city or "",
            case.place.site or "",
            case.type.value,
            *(t.value for t in case.type_tags),
            case.subjects.motive or "",
            *(t.value for t in case.subjects.typology),
            case.hostages_note or "",
            case.channel_note or "",
            *case.demands,
            *case.concessions,
            case.outcome_detail or "",
            case.deaths.note or "",
            *case.key_events,
            *case.lessons,
        ]
    )
    return _fold(text)


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", _fold(query))


def is_search(query: str) -> bool:
    """Whether ``query`` holds a word to search for: the console lists every case for a search box without one
    (empty, or "?!"), as a filter that filters nothing, where ``search_cases`` refuses it."""
    return bool(_words(query))


def search_cases(app: App, query: str) -> list[LibraryCase]:
    """Cases containing every word of ``query`` (any field, case-insensitive), most mentions first.

    Word search rather than TF-IDF ranking, because people search the library for names and places
    ("Stockholm", "amnesty") and expect exactly the cases that mention them. A word matches where a word of the
    text starts ("hostage" finds "hostages"); inside one it does not ("Lima" found "climate").

    A query with no word in it ("", "?!") is TD105. It returned no case, an empty table that read as "nothing in
    the library matches" when every case holds all of no words, and hid the usual cause, an empty or unset
    argument in a script (``cases search "$NAME"``). Listing the whole library instead would hand that script
    every case as a match; ``cases list`` (and the console's empty search box) is the way to see them all.
    """
    words = [re.compile(rf"\b{re.escape(w)}") for w in _words(query)]
    if not words:
        problem = "it has no word to look for; search for a name, a place or a demand, or list every case"
        raise TalkdownError("TD105", value=query, what="search", problem=problem + " ('talkdown cases list')")
    hits: list[tuple[int, int, LibraryCase]] = []
    for pos, lc in enumerate(load_library(app)):
        text = _haystack(lc.case)
        counts = [len(w.findall(text)) for w in words]
        if all(counts):
            hits.append((-sum(counts), pos, lc))
    return [lc for _, _, lc in sorted(hits, key=lambda h: (h[0], h[1]))]


def like_cases(app: App, *, incident: str | None = None, description: str | None = None, k: int = 5) -> LikeResult:
    """The cases most like an incident in the log, or like a described situation (exactly one of the two)."""
    if incident is None and description is None:
        raise TalkdownError(
            "TD105", value="", what="query", problem='give an incident id, or --describe "what is happening"'
        )
    if incident is not None and description is not None:  # "not both" was also all a query of neither was told
        raise TalkdownError(
            "TD105", value=incident, what="query", problem="give an incident id or --describe, not both"
        )
    library = load_library(app)
    if incident is not None:
        state = app.recorder.current(resolve_incident_id(app, incident))
        subject_ids = [p.party_id for p in state.parties.values() if p.role is Role.SUBJECT]
        # Only his lines' analysis is read (a suicide cue), from the stored rows the board shows (line_annotations).
        his = [u.seq for u in state.utterances if not u.retracted and (not subject_ids or u.speaker in subject_ids)]
        annotations = line_annotations(app, state, his, families=READS_FAMILIES)
        situation = incident_situation(state, subject_ids=subject_ids, annotations=annotations)
    else:
        assert description is not None  # noqa: S101  # checked above; narrows the type
        if is_blank(description):
            raise TalkdownError("TD105", value=description, what="description", problem="it is empty")
        situation = describe(description)
    index = CaseIndex([lc.case for lc in library])
    neighbours = tuple(index.like(situation, k=k))
    wanted = situation.incident_type
    held = {t.value for lc in library for t in (lc.case.type, *lc.case.type_tags)}
    return LikeResult(
        situation=situation,
        neighbours=neighbours,
        origins={lc.case.id: lc.origin for lc in library},
        type_missing=wanted if wanted is not None and wanted not in held else None,
    )


@dataclass(frozen=True)
class ImportedCases:
    """The ids a file brought in, and the ids the library file it replaced held that it no longer does."""

    ids: list[str]
    removed: list[str]


def import_cases(app: App, path: Path) -> ImportedCases:
    """Validate a YAML file of cases and add it to the agency library.

    All or nothing: one bad case refuses the file. Re-importing a file of the same name replaces the
    cases it brought before (how an agency corrects its own entry); a shipped id is refused (TD320) and
    an id another user file already holds is refused (TD321). The ids the replaced file held and the new one
    does not are returned as ``removed``: two regions' files both called ``cases.yaml`` replaced each other
    with only "imported 2 case(s)" said, and the first region's cases were gone from ``cases like``.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TalkdownError("TD107", file=str(path), problem=exc.strerror or str(exc)) from exc
    try:
        cases = parse_cases(decode(raw, file=str(path)), file=str(path))
    except TalkdownError as exc:
        if exc.code != "TD602":
            raise
        raise TalkdownError("TD120", file=str(path), problem=str(exc.fields.get("problem"))) from exc
    if not cases:
        raise TalkdownError("TD120", file=str(path), problem="it holds no cases")
    target = user_cases_dir(app) / f"{_safe_stem(path)}.yaml"
    shipped = {c.id for c in shipped_cases()}
    others = {lc.case.id: lc.file for lc in load_library(app) if lc.origin == "user" and Path(lc.file) != target}
    for case in cases:
        if case.id in shipped:
            raise TalkdownError("TD320", case_id=case.id)
        if case.id in others:
            raise TalkdownError("TD321", case_id=case.id, file=others[case.id])
    before = [lc.case.id for lc in load_library(app) if lc.origin == "user" and Path(lc.file) == target]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_bytes(raw)
    tmp.replace(target)  # atomic: a reader sees the old file or the new one, never half of it
    ids = [c.id for c in cases]
    return ImportedCases(ids=ids, removed=[i for i in before if i not in ids])


def _safe_stem(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.")
    return stem or "cases"
