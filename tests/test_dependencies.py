"""Every third-party package the planner imports is declared in pyproject.toml.

A fresh ``pip install -e .`` installs the ``dependencies`` and nothing else, so a module-level
import of anything else crashes the first command of a new user (it happened: ``click`` came in
only through the test extra). Imports inside functions may name a package of an extra instead
(they are optional engines: pyrosm, Dask, matplotlib…), as long as some extra declares it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "planner"


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {_name(r) for r in project["dependencies"]}
    extras = {_name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    return core, extras


def _imports(tree: ast.Module) -> Iterator[tuple[str, bool, int]]:
    """(top-level module, imported at module level?, line) of every absolute import."""
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        # `if TYPE_CHECKING:` blocks never run; the rest of a module's body does
        eager = id(node) in top_level
        for name in names:
            yield name.split(".")[0], eager, node.lineno


@cache
def _owners() -> dict[str, list[str]]:
    return dict(packages_distributions())


def _distributions(module: str) -> set[str]:
    owners = _owners().get(module, [module])
    return {d.lower().replace("_", "-") for d in owners}


def undeclared() -> list[str]:
    core, extras = _declared()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for module, eager, line in _imports(tree):
            if module == "planner" or module in sys.stdlib_module_names:
                continue
            allowed = core if eager else core | extras
            if not _distributions(module) & allowed:
                where = "module level" if eager else "inside a function"
                found.append(f"{path.relative_to(REPO)}:{line}: {module} ({where})")
    return found


def test_every_imported_package_is_declared() -> None:
    assert undeclared() == []


def test_the_check_sees_an_undeclared_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    fake = tmp_path / "planner"
    fake.mkdir()
    (fake / "mod.py").write_text(
        "import numpy\nimport click\n\ndef f():\n    import pyrosm\n    import nosuchpkg\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    assert undeclared() == [
        "planner/mod.py:2: click (module level)",
        "planner/mod.py:6: nosuchpkg (inside a function)",
    ]
