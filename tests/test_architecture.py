"""Layer rules that import-linter cannot express, and generated docs that must not go stale."""

from __future__ import annotations

import ast
import sys
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
