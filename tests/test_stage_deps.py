"""Every file a stage's code can import is one of its DVC dependencies, so that changing any of
them reruns the stage (and nothing it cannot import reruns it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
OWN_PACKAGES = ("specimg", "stages")


def module_file(name: str) -> Path | None:
    """The file of one of our modules (``specimg.image.codec``), a package's ``__init__.py``."""
    path = REPO.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def imported_files(start: Path) -> set[Path]:
    """Our files that ``start`` imports, at module level or inside functions, transitively; each
    package's ``__init__.py`` on the way counts, as Python runs it."""
    found, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.add(path)
        package = ".".join(path.relative_to(REPO).with_suffix("").parts)
        if path.name == "__init__.py":
            package = package.removesuffix(".__init__")
        else:
            package = package.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                if not name.startswith(OWN_PACKAGES):
                    continue
                parts = name.split(".")
                for depth in range(1, len(parts) + 1):  # each package on the way runs
                    file = module_file(".".join(parts[:depth]))
                    if file is not None:
                        todo.append(file)
    return found


def stage_commands() -> dict[str, str]:
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    return {name: stage for name, stage in stages.items()}


@pytest.mark.parametrize("name", sorted(stage_commands()))
def test_a_stage_depends_on_every_file_its_code_imports(name):
    stage = stage_commands()[name]
    module = re.search(r"python -m (\S+)", stage["cmd"])[1]
    needed = {str(path.relative_to(REPO)) for path in imported_files(module_file(module))}
    deps = {dep for dep in stage["deps"] if dep.endswith(".py")}
    assert sorted(needed - deps) == [], f"{name} imports files that are not its deps"
    assert sorted(deps - needed) == [], f"{name} depends on files it does not import"
