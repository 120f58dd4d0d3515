"""Tests share helpers through helper modules (tests/synthetic_runs.py, tests/formats/fit_builders.py, ...),
never by importing another test module: a test module imported elsewhere runs its tests twice and couples
unrelated files."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if (
                node.level
            ):  # a relative import names siblings: from .test_x import ... or from . import test_x
                names.extend([module] if module else [alias.name for alias in node.names])
            else:
                names.append(module)
                names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def _test_module_imports(path: Path) -> list[str]:
    return [
        name
        for name in _imported_modules(path)
        if any(part.startswith("test_") for part in name.split("."))
        and (name.startswith("tests") or "." not in name)
    ]


def test_no_test_module_imports_another_test_module() -> None:
    offenders = {
        str(path.relative_to(TESTS)): found
        for path in sorted(TESTS.rglob("*.py"))
        if (found := _test_module_imports(path))
    }
    assert offenders == {}


def test_the_scan_finds_an_import_of_a_test_module(tmp_path: Path) -> None:
    bad = tmp_path / "test_bad.py"
    bad.write_text(
        "from tests.test_planner import paces_for\nfrom .test_units import X\nimport tests.formats.test_fit\n"
    )
    good = tmp_path / "test_good.py"
    good.write_text("from tests.synthetic_runs import progression_run\nfrom progrun.plan import Plan\n")
    assert _test_module_imports(bad) == [
        "tests.test_planner",
        "tests.test_planner.paces_for",
        "test_units",
        "tests.formats.test_fit",
    ]
    assert _test_module_imports(good) == []
