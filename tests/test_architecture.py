"""The dependency rule and the documented extension points, enforced."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Protocol

import firstmate.ports as ports
import firstmate.services as services_pkg
from firstmate import domain

SRC = Path(__file__).resolve().parents[1] / "src" / "firstmate"
FORBIDDEN = {
    "domain": ("firstmate.adapters", "firstmate.services", "firstmate.web", "firstmate.bootstrap",
               "firstmate.cli", "firstmate.aws", "firstmate.config", "firstmate.jobs", "firstmate.demo"),
    "services": ("firstmate.adapters", "firstmate.web", "firstmate.bootstrap", "firstmate.cli",
                 "firstmate.aws", "firstmate.jobs", "firstmate.demo"),
    "adapters": ("firstmate.services", "firstmate.web", "firstmate.bootstrap", "firstmate.cli",
                 "firstmate.jobs", "firstmate.demo"),
}  # fmt: skip
#: The domain imports only the standard library and small pure libraries.
DOMAIN_THIRD_PARTY = {"pydantic", "pydantic_core", "astral", "croniter", "firstmate"}  # pydantic_core: its errors


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_layers_import_only_what_the_dependency_rule_allows() -> None:
    violations = []
    for layer, forbidden in FORBIDDEN.items():
        for path in (SRC / layer).rglob("*.py"):
            for name in _imports(path):
                if name.startswith(forbidden):
                    violations.append(f"{path.relative_to(SRC)} imports {name}")
    assert violations == []


def test_the_domain_does_no_io_and_uses_only_pure_libraries() -> None:
    import sys

    stdlib = sys.stdlib_module_names
    io_modules = {"os", "socket", "sqlite3", "subprocess", "shutil", "pathlib", "urllib", "http", "smtplib"}
    violations = []
    for path in (SRC / "domain").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in io_modules or (top not in stdlib and top not in DOMAIN_THIRD_PARTY):
                violations.append(f"{path.relative_to(SRC)} imports {name}")
    assert violations == []


def test_every_port_method_states_its_contract() -> None:
    undocumented = []
    for name, cls in vars(ports).items():
        if not (inspect.isclass(cls) and issubclass(cls, Protocol) and cls is not Protocol):  # type: ignore[arg-type]
            continue
        if cls.__module__ != ports.__name__:
            continue
        for method_name, method in vars(cls).items():
            if callable(method) and not method_name.startswith("_") and not (method.__doc__ or "").strip():
                undocumented.append(f"{name}.{method_name}")
    assert undocumented == []


def test_public_functions_of_domain_and_services_have_docstrings() -> None:
    missing = []
    for package in (domain, services_pkg):
        for path in Path(package.__path__[0]).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in tree.body:
                public = isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
                if public and ast.get_docstring(node) is None:
                    missing.append(f"{path.relative_to(SRC)}:{node.name}")
    assert missing == []


#: STYLE.md: "past ~400 lines a module becomes a package"; the margin lets a module near it take a fix first.
MODULE_LINES_AT_MOST = 450


def test_no_module_has_grown_past_the_point_where_it_becomes_a_package() -> None:
    too_long = []
    for path in SRC.rglob("*.py"):
        lines = len(path.read_text().splitlines())
        if lines > MODULE_LINES_AT_MOST:
            too_long.append(f"{path.relative_to(SRC)}: {lines} lines")
    assert too_long == [], "split these into packages of one-idea modules (STYLE.md, Small modules)"
