"""The historical case library: the schema of ``cases.yaml`` as pydantic models, validated at load.

Why strict (``extra="forbid"``, closed vocabularies): the library is evidence a team leans on under stress,
and a typo such as ``outcome: negotiated_surender`` or ``chanel: [phone]`` must fail loudly with the case id
and field, not silently drop a case from "cases like this". The vocabularies are those of the file header
and of ``incident-types.md``; ``null`` means unknown and is never filled in by guessing.

The shipped copy lives in ``doctrine/data/cases.yaml`` (read with ``importlib.resources``, parsed with
``yaml.safe_load``). User cases go through :func:`parse_cases` too, so they meet the same schema.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from talkdown.domain.enums import IncidentType
from talkdown.errors import TalkdownError

SHIPPED_FILE = "doctrine/data/cases.yaml"
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_SLUG = r"^[a-z0-9][a-z0-9-]{0,79}$"


class Typology(StrEnum):
    """Subject typology ids (``incident-types.md``, "Typology ids for code" [D])."""

    CRIMINAL = "criminal"
    TERRORIST_POLITICAL = "terrorist_political"
    DOMESTIC = "domestic"
    MENTALLY_ILL = "mentally_ill"
    SUICIDAL = "suicidal"
    PRISONER = "prisoner"
    GRIEVANCE = "grievance"
    IDEOLOGICAL_RELIGIOUS = "ideological_religious"
    ANTISOCIAL = "antisocial"


class CaseChannel(StrEnum):
    """How the sides talked. Wider than the domain's ``Channel``: history has media and written channels."""

    PHONE = "phone"
    FACE_TO_FACE = "face_to_face"
    INTERMEDIARY = "intermediary"
    BULLHORN = "bullhorn"
    RADIO = "radio"
    MEDIA = "media"
    TEXT_MESSAGE = "text_message"
    WRITTEN = "written"
    VIDEO = "video"
    OTHER = "other"


class Outcome(StrEnum):
    NEGOTIATED_SURRENDER = "negotiated_surrender"
    NEGOTIATED_RELEASE = "negotiated_release"
    TACTICAL_RESOLUTION = "tactical_resolution"
    SUBJECT_SUICIDE = "subject_suicide"
    ESCAPE = "escape"
    RESCUE_ABORTED = "rescue_aborted"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Place(_Strict):
    country: str | None = None
    city: str | None = None
    site: str | None = None


class Subjects(_Strict):
    count: int | None = Field(default=None, ge=0)
    motive: str | None = None
    typology: tuple[Typology, ...] = ()


class Deaths(_Strict):
    hostages: int | None = Field(default=None, ge=0)
    subjects: int | None = Field(default=None, ge=0)
    officers: int | None = Field(default=None, ge=0)
    others: int | None = Field(default=None, ge=0)
    note: str | None = None

    def counted(self) -> str:
        """The counts in words, saying which the sources leave out (null is "not stated", never zero).

        >>> Deaths(hostages=10, subjects=33, officers=0).counted()
        'hostages 10, subjects 33, officers 0; others not stated'
        """
        known = [(n, k) for k in ("hostages", "subjects", "officers", "others") if (n := getattr(self, k)) is not None]
        missing = [k for k in ("hostages", "subjects", "officers", "others") if getattr(self, k) is None]
        if not known:
            return ""
        text = ", ".join(f"{k} {n}" for n, k in known)
        return text + (f"; {', '.join(missing)} not stated" if missing else "")


class Case(_Strict):
    """One historical incident, restated from its sources. Field meanings: the header of ``cases.yaml``."""

    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=1800, le=2200)
    start: str | None = None
    end: str | None = None
    place: Place = Place()
    type: IncidentType
    type_tags: tuple[IncidentType, ...] = ()
    subjects: Subjects = Subjects()
    hostages: int | None = Field(default=None, ge=0)
    hostages_note: str | None = None
    duration_hours: float | None = Field(default=None, ge=0)
    channel: tuple[CaseChannel, ...] | None = None
    channel_note: str | None = None
    demands: tuple[str, ...] = ()
    concessions: tuple[str, ...] = ()
    outcome: Outcome | None = None
    outcome_detail: str | None = None
    deaths: Deaths = Deaths()
    key_events: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    uncertain: tuple[str, ...] = ()

    @field_validator("start", "end")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.fullmatch(value):
            raise ValueError(f"'{value}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.type in self.type_tags:
            raise ValueError(f"type_tags repeats the primary type '{self.type.value}'")
        unknown = [path for path in self.uncertain if not _is_field_path(path)]
        if unknown:
            raise ValueError(f"uncertain names unknown field '{unknown[0]}'")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def types(self) -> frozenset[str]:
        """The primary type and its tags: every incident type that applies."""
        return frozenset({self.type.value, *(t.value for t in self.type_tags)})

    def is_uncertain(self, path: str) -> bool:
        """Whether the sources leave ``path`` (or its parent, e.g. ``deaths`` for ``deaths.hostages``) in doubt."""
        return any(path == u or path.startswith(u + ".") or u.startswith(path + ".") for u in self.uncertain)


_NESTED: dict[str, type[BaseModel]] = {"place": Place, "subjects": Subjects, "deaths": Deaths}


def _is_field_path(path: str) -> bool:
    head, _, rest = path.partition(".")
    if head not in Case.model_fields:
        return False
    if not rest:
        return True
    nested = _NESTED.get(head)
    return nested is not None and rest in nested.model_fields


def parse_cases(text: str, *, file: str) -> tuple[Case, ...]:
    """Validate a YAML list of cases; TD602 names the file, the case and the field at fault.

    Ids must be unique within the file, because "cases like this" and ``cases show`` address cases by id.
    """
    loader = yaml.SafeLoader(text)  # one parse: the nodes give each case its lines, the data is built from them
    try:
        root = loader.get_single_node()
        data = None if root is None else loader.construct_document(root)
    except yaml.YAMLError as exc:
        raise TalkdownError("TD602", file=file, problem=_yaml_problem(exc)) from exc
    except RecursionError:  # '[[[[...' thousands deep: PyYAML composes one nested call per level
        raise TalkdownError("TD602", file=file, problem="the YAML is nested too deeply") from None
    finally:
        loader.dispose()
    if data is None:
        return ()
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise TalkdownError("TD602", file=file, problem="expected a list of cases (each item starting with '- id:')")
    cases: list[Case] = []
    for pos, (item, node) in enumerate(zip(data, root.value, strict=True), start=1):
        label = str(item.get("id", f"#{pos}")) if isinstance(item, dict) else f"#{pos}"
        repeated = _repeated_key(node)
        if repeated is not None:
            raise TalkdownError("TD602", file=file, problem=f"line {repeated[0]}, case '{label}': {repeated[1]}")
        try:
            cases.append(Case.model_validate(item))
        except ValidationError as exc:
            line, what = _first_problem(exc, node)
            raise TalkdownError("TD602", file=file, problem=f"line {line}, case '{label}': {what}") from exc
    _check_unique(cases, [node.start_mark.line + 1 for node in root.value], file=file)
    return tuple(cases)


def _repeated_key(root: yaml.Node) -> tuple[int, str] | None:
    """The first place (in file order) where a mapping repeats a key, or None. YAML forbids it, but PyYAML keeps
    the last value without a word: a case with two ``lessons:`` blocks (one pasted from a draft) lost the first
    silently, and an agency's reviewed file said less in talkdown than on paper. The JSONL reader refuses a
    repeated key for the same reason."""
    found: list[tuple[int, str]] = []
    stack, seen = [root], set()
    while stack:  # a loop over each node once: an anchor may be aliased many times, or inside itself
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and key.value in first:
                    found.append((line, f"key '{key.value}' appears twice (first at line {first[key.value]})"))
                elif isinstance(key, yaml.ScalarNode):
                    first[key.value] = line
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return min(found) if found else None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where the parser stopped and why, with where the construct it was reading began: an unclosed quote on
    line 2 is found at the end of the file ("found unexpected end of stream, while scanning a quoted scalar from
    line 2")."""
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return f"not valid YAML ({str(exc).splitlines()[0]})"
    what = exc.problem or "unreadable"
    if exc.context and exc.context_mark is not None:
        what += f", {exc.context} from line {exc.context_mark.line + 1}"
    elif exc.context:
        what += f", {exc.context}"
    return f"line {exc.problem_mark.line + 1}: not valid YAML ({what})"


def _first_problem(exc: ValidationError, node: yaml.Node) -> tuple[int, str]:
    """The first problem pydantic found, and the line of the deepest part of its path the file has (a missing
    key: the case's first line). An agency's file can run to hundreds of lines; the case id alone left the user
    searching it."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "case"
    line = node.start_mark.line + 1
    for part in err["loc"]:
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == str(part)]
            if not found:
                break
            line, node = found[0][0].start_mark.line + 1, found[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    if err["type"] == "extra_forbidden":
        return line, f"unknown key '{where}'"
    return line, f"{where}: {err['msg']}"


def _check_unique(cases: Sequence[Case], lines: Sequence[int], *, file: str) -> None:
    seen: dict[str, int] = {}
    for case, line in zip(cases, lines, strict=True):
        if case.id in seen:
            problem = f"line {line}: case id '{case.id}' appears twice (first at line {seen[case.id]})"
            raise TalkdownError("TD602", file=file, problem=problem)
        seen[case.id] = line


@cache
def shipped_cases() -> tuple[Case, ...]:
    """The packaged library, parsed and validated once per process."""
    text = resources.files("talkdown").joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    return parse_cases(text, file=SHIPPED_FILE)


def dump_cases(cases: Sequence[Case]) -> str:
    """YAML for cases in the file's own field order, with nulls kept (null = unknown, a meaningful value)."""
    rows = [c.model_dump(mode="json", exclude_none=False) for c in cases]
    for row in rows:
        if row.get("channel_note") is None:
            row.pop("channel_note", None)
    return yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=110)
