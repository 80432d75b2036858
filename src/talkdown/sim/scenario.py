"""Training scenarios: the persona, starting state, dynamics and end conditions of a simulated subject.

Why YAML validated by pydantic with ``extra="forbid"``: instructors write scenarios by hand, and a typo
(``trigers:``) must fail loudly with the key and the line, not silently give a subject with no triggers.
The loader composes the YAML node tree once with PyYAML's safe loader to learn where every key starts, then
validates the plain data, so a pydantic error location maps back to a line of the file.

Numbers on the state scales (arousal, trust, hopelessness, face) are 0..1. Time in a session is counted in
exchanges (one trainee line and his reply); the log's timestamps come from the clock as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from talkdown.domain.enums import DemandCategory, HostageCondition, IncidentType
from talkdown.errors import TalkdownError

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Delta = Annotated[float, Field(ge=-1.0, le=1.0)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
Line = Annotated[str, Field(min_length=1, max_length=600)]
Keywords = Annotated[list[Annotated[str, Field(min_length=2)]], Field(min_length=1)]


Path_ = tuple[str | int, ...]


class At(ValueError):
    """A check across keys, with the key it is about: TD130 names that key's line, not the top of the file."""

    def __init__(self, loc: Path_, message: str) -> None:
        super().__init__(message)
        self.loc = loc


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(Model):
    """Something true about him that good open questions uncover; once said it is never contradicted."""

    id: Ident
    text: Line
    keywords: list[str] = Field(default_factory=list)
    min_trust: Unit = 0.0


class Hook(Model):
    """Something he cares about (a child, a pet, his trade): touching it builds trust and hope."""

    id: Ident
    keywords: Keywords
    reply: Line
    trust: Delta = 0.08
    hopelessness: Delta = -0.08
    arousal: Delta = -0.04
    face: Delta = 0.0


class Trigger(Model):
    """Something that sets him off (his ex's name, the word 'crazy'): raises arousal and costs trust."""

    id: Ident
    keywords: Keywords
    reply: Line
    arousal: Delta = 0.15
    trust: Delta = -0.05
    face: Delta = 0.0


class DemandSpec(Model):
    """A demand he raises after ``raise_at`` exchanges; ``negotiable`` follows demands-deadlines.md."""

    id: Ident
    item: Line
    category: DemandCategory = DemandCategory.OTHER
    negotiable: bool = True
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    raise_at: Annotated[int, Field(ge=0)] = 2
    say: Annotated[list[Line], Field(min_length=1)]
    # What he gives back when the team trades for a negotiable demand (doctrine: quid pro quo).
    releases: str | None = None


class DeadlineSpec(Model):
    """A time limit he sets when raising a demand; ``in_turns`` exchanges later it falls due."""

    id: Ident
    demand: Ident | None = None
    set_at: Annotated[int, Field(ge=0)] = 3
    in_turns: Annotated[int, Field(ge=1, le=100)] = 8
    say: Line
    # Above this arousal when it falls due, he acts on it; below, it passes quietly (doctrine: progress).
    harm_above: Unit = 0.75


class Weapon(Model):
    kind: Line
    description: str = ""


class HostageSpec(Model):
    id: Ident
    alias: Line
    condition: HostageCondition = HostageCondition.UNHARMED
    medical_needs: str = ""


class Voice(Model):
    """How he sounds at each arousal level; the realizer picks among these so wording varies."""

    opening: Line
    exit: Line  # the way out in his own words ("come down off the rail"); used when he asks about it
    venting: Annotated[list[Line], Field(min_length=2)]
    calmer: Annotated[list[Line], Field(min_length=2)]
    resolution: Line
    failure: Line
    # His answer to a suicide question while he has no suicidal thoughts (optional): without it he says one of
    # talkdown's plain "no"s for his register (realizer), which suits most personas; a scenario whose man would
    # say it his own way ("Me? I've got a wedding in June.") gives his words here.
    not_suicidal: list[Line] = Field(default_factory=list)
    # How he would kill himself, in his words, said when he is suicidal and asked about a plan or the means
    # (optional): without them he names his weapons, and with no weapon known he has no plan worked out. A man
    # whose means is the place he stands (a bridge's rail, a roof's edge) needs them.
    suicide_plan: list[Line] = Field(default_factory=list)


class Persona(Model):
    name: Line
    age: Annotated[int, Field(ge=10, le=100)] | None = None
    typology: Annotated[list[str], Field(min_length=1)]
    motive: Line
    expressive: bool = True
    backstory: Annotated[list[Fact], Field(min_length=2)]
    hooks: list[Hook] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    demands: list[DemandSpec] = Field(default_factory=list)
    deadlines: list[DeadlineSpec] = Field(default_factory=list)
    weapons: list[Weapon] = Field(default_factory=list)
    hostages: list[HostageSpec] = Field(default_factory=list)
    voice: Voice


class InitialState(Model):
    arousal: Unit = 0.8
    trust: Unit = 0.1
    hopelessness: Unit = 0.4
    face: Unit = 0.5


class Dynamics(Model):
    """Gains of the state update; defaults are talkdown design [D], tuned by eval/sim_validation.py."""

    skill_trust: Unit = 0.14
    skill_calm: Unit = 0.12
    avoid_arousal: Unit = 0.14
    avoid_trust: Unit = 0.10
    backfire_arousal: Unit = 0.12
    backfire_trust: Unit = 0.08
    repetition_decay: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.35
    repetition_irritation: Unit = 0.05
    drift: Unit = 0.02
    # Trust needed to stand on empathy, rapport and influence (stairway.md: cumulative steps).
    stage_trust: tuple[Unit, Unit, Unit] = (0.3, 0.5, 0.65)
    # Influence works only when he is calm enough to reason (stairway.md: "emotion first").
    influence_arousal: Unit = 0.5

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.stage_trust[0] < self.stage_trust[1] < self.stage_trust[2]:
            raise At(("stage_trust",), "stage_trust must rise: empathy < rapport < influence")
        return self


class Resolution(Model):
    """What 'resolved' needs once he stands on influence and a way out is offered."""

    trust: Unit = 0.65
    arousal: Unit = 0.45
    hopelessness: Unit = 0.6
    face: Unit = 0.3
    min_turns: Annotated[int, Field(ge=1)] = 8


class Failure(Model):
    """Arousal at or above ``arousal`` for ``turns`` exchanges in a row ends the session badly."""

    arousal: Unit = 0.97
    turns: Annotated[int, Field(ge=1)] = 3
    outcome: Line = "violence"


class Inject(Model):
    """An instructor's inject: what changes, and how he reacts on his next reply."""

    id: Ident
    name: Line
    description: str = ""
    reaction: Line
    # His words when it is issued again (the chopper comes back): the scripted reaction again, word for word,
    # sounded like a recording. Optional; without them the realizer frames ``reaction`` as news heard again.
    reaction_again: list[Line] = Field(default_factory=list)
    arousal: Delta = 0.0
    trust: Delta = 0.0
    hopelessness: Delta = 0.0
    face: Delta = 0.0
    hostage: Ident | None = None
    hostage_condition: HostageCondition | None = None


class Scenario(Model):
    id: Ident
    title: Line
    incident_type: IncidentType
    summary: Line
    trains: Annotated[list[Line], Field(min_length=1)]
    channel: Literal["phone", "face_to_face", "bullhorn", "intermediary"] = "phone"
    max_turns: Annotated[int, Field(ge=5, le=200)] = 40
    persona: Persona
    initial: InitialState = InitialState()
    dynamics: Dynamics = Dynamics()
    resolution: Resolution = Resolution()
    failure: Failure = Failure()
    injects: list[Inject] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Self:
        p = self.persona
        for where, items in (
            (("persona", "backstory"), p.backstory),
            (("persona", "hooks"), p.hooks),
            (("persona", "triggers"), p.triggers),
            (("persona", "demands"), p.demands),
            (("persona", "deadlines"), p.deadlines),
            (("persona", "hostages"), p.hostages),
            (("injects",), self.injects),
        ):
            ids = [i.id for i in items]
            again = next((n for n, i in enumerate(ids) if i in ids[:n]), None)  # the second use: the one to fix
            if again is not None:
                raise At((*where, again, "id"), f"{where[-1]}: duplicate id {ids[again]!r}")
        demands = {d.id for d in p.demands}
        for n, dl in enumerate(p.deadlines):
            if dl.demand is not None and dl.demand not in demands:
                problem = f"deadline {dl.id!r} names unknown demand {dl.demand!r}"
                raise At(("persona", "deadlines", n, "demand"), problem)
        hostages = {h.id for h in p.hostages}
        for n, inj in enumerate(self.injects):
            if inj.hostage is not None and inj.hostage not in hostages:
                raise At(("injects", n, "hostage"), f"inject {inj.id!r} names unknown hostage {inj.hostage!r}")
        return self

    def inject(self, inject_id: str) -> Inject:
        for inj in self.injects:
            if inj.id == inject_id:
                return inj
        choices = ", ".join(i.id for i in self.injects) or "(none)"
        raise TalkdownError("TD231", scenario=self.id, inject=inject_id, choices=choices)


# --- loading -------------------------------------------------------------------------------------------------


def _node_lines(node: yaml.Node, path: Path_ = ()) -> Iterator[tuple[Path_, int]]:
    """(path, 1-based line) for every mapping key and sequence item in a composed YAML tree."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            yield sub, key.start_mark.line + 1
            for p, line in _node_lines(value, sub):
                if p != sub:
                    yield p, line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, (*path, index))


def _line_for(lines: dict[Path_, int], loc: Path_) -> int:
    """The line of the deepest part of ``loc`` that exists in the file (a missing key: its parent's line)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def parse_scenario(text: str, *, file: str = "<scenario>", logged: bool = False) -> Scenario:
    """Validate scenario YAML; any problem raises TD130/TD131 naming the key and the line.

    ``logged`` is for a scenario a session logged (``scenario_spec``): checks added since (``_unheld_release``)
    are left out, so a session an instructor ran months ago still resumes and debriefs.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise TalkdownError("TD131", file=file, line=line, problem=problem) from exc
    except RecursionError:  # '[[[[...' thousands deep: PyYAML composes one nested call per level, says not where
        raise TalkdownError("TD131", file=file, line=1, problem="the YAML is nested too deeply") from None
    if root is None or not isinstance(data, dict):
        raise TalkdownError("TD130", file=file, line=1, key="(top level)", problem="a scenario must be a mapping")
    lines = dict(_node_lines(root))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        at = err.get("ctx", {}).get("error")  # a check across keys says which key (else: line of the model)
        loc: Path_ = (*err["loc"], *(at.loc if isinstance(at, At) else ()))
        key = ".".join(str(p) for p in loc) or "(top level)"
        problem = "unknown key" if err["type"] == "extra_forbidden" else str(at) if isinstance(at, At) else err["msg"]
        raise TalkdownError("TD130", file=file, line=_line_for(lines, loc), key=key, problem=problem) from exc
    unheld = None if logged else _unheld_release(scenario)
    if unheld is not None:
        loc, problem = unheld.loc, str(unheld)
        key = ".".join(str(p) for p in loc)
        raise TalkdownError("TD130", file=file, line=_line_for(lines, loc), key=key, problem=problem)
    return scenario


def _unheld_release(scenario: Scenario) -> At | None:
    """A demand whose ``releases`` is no hostage's alias: the engine then freed the first hostage held instead.

    Not a model validator: sessions logged before this check keep their scenario (``parse_scenario(logged=True)``).
    """
    aliases = [h.alias for h in scenario.persona.hostages]
    for n, demand in enumerate(scenario.persona.demands):
        if demand.releases is not None and demand.releases not in aliases:
            held = ", ".join(repr(a) for a in aliases) or "none"
            problem = f"demand {demand.id!r} releases {demand.releases!r}, no hostage's alias (hostages: {held})"
            return At(("persona", "demands", n, "releases"), problem)
    return None


def load_scenario_file(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TalkdownError("TD107", file=str(path), problem=str(exc)) from exc
    return parse_scenario(text, file=str(path))


def _shipped() -> dict[str, str]:
    folder = resources.files("talkdown.sim") / "scenarios"
    return {f.name[:-5]: f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".yaml")}


@cache
def _shipped_cached() -> dict[str, str]:
    return _shipped()


def shipped_ids() -> list[str]:
    return sorted(_shipped_cached())


@cache
def load_scenario(ref: str) -> Scenario:
    """A shipped scenario by id, or a YAML file by path (an instructor's own scenario)."""
    texts = _shipped_cached()
    if ref in texts:
        return parse_scenario(texts[ref], file=f"scenarios/{ref}.yaml")
    path = Path(ref)
    if path.suffix in (".yaml", ".yml"):  # meant as a file: a wrong path is TD107 saying so, not "no scenario"
        return load_scenario_file(path)
    raise TalkdownError("TD230", scenario=ref, choices=", ".join(shipped_ids()))


def scenario_digest(scenario: Scenario) -> str:
    """sha256 of the validated scenario, stored with a session so a later edit of the file is noticed.

    An inject's ``reaction_again`` and the voice's ``not_suicidal`` and ``suicide_plan`` left empty are left out:
    the keys came later, and with them in every dump each session logged before them would have read "the scenario
    file changed after this session was run".
    """
    unused = {n: {"reaction_again"} for n, inj in enumerate(scenario.injects) if not inj.reaction_again}
    exclude: dict[str, Any] = {"injects": unused}
    voice = scenario.persona.voice  # the same for the voice's not_suicidal and suicide_plan, which came later still
    later = {key for key in ("not_suicidal", "suicide_plan") if not getattr(voice, key)}
    if later:
        exclude["persona"] = {"voice": later}
    return hashlib.sha256(scenario.model_dump_json(exclude=exclude).encode()).hexdigest()
