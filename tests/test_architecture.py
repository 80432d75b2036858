"""Layer rules that import-linter cannot express, and generated docs that must not go stale."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import talkdown
from talkdown.errors import render_markdown

SRC = Path(talkdown.__file__).parent
ROOT = SRC.parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_domain_imports_only_the_standard_library_pydantic_and_talkdown() -> None:
    allowed = set(sys.stdlib_module_names) | {"pydantic", "talkdown", "__future__"}
    offenders = {
        str(path.relative_to(SRC)): sorted(_imports(path) - allowed) for path in (SRC / "domain").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_docs_errors_md_is_generated_from_errors_py() -> None:
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == render_markdown()


def test_no_module_unpickles_or_evals() -> None:
    banned = ("pickle.load", "joblib.load", "yaml.load(", "eval(", "exec(", "trusted=True")
    hits = [
        f"{path.relative_to(SRC)}: {needle}"
        for path in SRC.rglob("*.py")
        for needle in banned
        if needle in path.read_text(encoding="utf-8")
    ]
    assert hits == []


def _declared_extras() -> set[str]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return set(tomllib.load(handle)["project"]["optional-dependencies"])


def test_every_td701_names_an_extra_pyproject_declares() -> None:
    """TD701 tells the user to ``pip install 'talkdown[extra]'``; pip only warns about an extra the package does
    not declare and installs nothing, so a wrong name leaves the user where they were."""
    named: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "TD701"
            ):
                for keyword in node.keywords:
                    if keyword.arg == "extra" and isinstance(keyword.value, ast.Constant):
                        named[f"{path.relative_to(SRC)}:{node.lineno}"] = str(keyword.value.value)
    assert named, "no TD701 found: the scan is broken"
    assert {where: extra for where, extra in named.items() if extra not in _declared_extras()} == {}


def test_docs_name_only_declared_extras() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {
        f"{path.name}: {extra}"
        for path in docs
        for extra in re.findall(r"talkdown\[([a-z,]+)\]", path.read_text(encoding="utf-8"))
        if not set(extra.split(",")) <= _declared_extras()
    }
    assert named == set()


def test_every_setting_is_documented_in_the_readme() -> None:
    """A TALKDOWN_* variable changes where the record goes or who it names; a user can only set what is written."""
    from talkdown.settings import Settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [
        f"TALKDOWN_{name.upper()}" for name in Settings.model_fields if f"TALKDOWN_{name.upper()}" not in readme
    ] == []


def test_architecture_md_names_every_module_of_services() -> None:
    """The one-page map is 'kept true': a module it does not name is one a reader cannot find from it."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_*]+)(?:\.py)?`", page))
    missing = [
        path.stem
        for path in sorted((SRC / "services").glob("*.py"))
        if path.stem != "__init__"
        and path.stem not in named
        and not (path.stem.startswith("_corpus_") and "_corpus_*" in named)
    ]
    assert missing == []


def test_the_readme_lists_every_extra_with_what_it_installs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("Extras: ") :].split("\n\n", 1)[0]
    assert set(re.findall(r"`\[([a-z]+)\]`", paragraph)) == _declared_extras()
