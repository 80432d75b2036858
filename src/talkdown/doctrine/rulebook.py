"""The advisor's rules as packaged data: what to do, why, and on whose authority.

Why data and not code: a rule's wording, doctrine reference and sources must be reviewable by a negotiator
who does not read Python, and an agency must be able to re-rank or switch rules off in its policy file
without a release. The YAML files in ``doctrine/rules/`` are written from ``../shared/doctrine`` in our own
words; each names its ``doctrine_ref`` (file + heading anchor) and its source keys with trust tags
(``"R40 S"``; ``"D"`` marks talkdown's own design, ``"M"`` unverified practice), as the doctrine README asks.
They are validated with ``extra="forbid"`` so a misspelt key fails the build instead of being ignored.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from talkdown.errors import TalkdownError

RuleText = Annotated[str, Field(min_length=1, max_length=1000)]


class Rule(BaseModel):
    """One advisor rule: its id (a doctrine id where the pack gives one) and the words the team sees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: RuleText
    action: RuleText
    reason: RuleText
    doctrine_ref: Annotated[str, Field(pattern=r"^[a-z-]+\.md#[a-z0-9_-]+$")]
    sources: tuple[str, ...] = Field(min_length=1)
    priority: int = Field(ge=1, le=5)


class _RuleFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: tuple[Rule, ...]


@cache
def load_rules() -> dict[str, Rule]:
    """All packaged rules by id, read once per process; a broken rule file is a TD602 naming the file."""
    out: dict[str, Rule] = {}
    folder = resources.files("talkdown.doctrine").joinpath("rules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        name = f"doctrine/rules/{entry.name}"
        try:
            parsed = _RuleFile.model_validate(yaml.safe_load(entry.read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            raise TalkdownError("TD602", file=name, problem=f"not valid YAML ({exc})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise TalkdownError("TD602", file=name, problem=f"{where}: {first['msg']}") from exc
        for rule in parsed.rules:
            if rule.id in out:
                raise TalkdownError("TD602", file=name, problem=f"rule '{rule.id}' is defined twice")
            out[rule.id] = rule
    return out
