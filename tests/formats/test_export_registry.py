"""The export registry: every format has one writer module, every writer module has a row, no cycle."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import progrun
from progrun.formats.export import WRITERS, ExportFormat, ExportOptions, export_plan, writer_for

PACKAGE = Path(progrun.__file__).parent


def _modules_defining_write_export() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "write_export" for node in tree.body):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            found.add(".".join(parts))
    return found


def test_every_format_has_a_row_and_every_writer_module_is_a_row() -> None:
    assert set(WRITERS) == set(ExportFormat)
    assert set(WRITERS.values()) == _modules_defining_write_export()


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda fmt: fmt.value)
def test_each_row_writes_its_own_format(fmt: ExportFormat) -> None:
    from datetime import UTC, datetime

    paces = progrun.training_paces_from_race(*progrun.parse_race("10k=45:00"))
    plan = progrun.build_plan(paces, progrun.parse_distance("8k"), unit=progrun.SplitUnit.KM)
    start = datetime(2026, 3, 2, 7, 0)
    options = ExportOptions(fmt, "Tuesday build", start=start, created=datetime.now(UTC))
    result = writer_for(fmt)(plan, options)
    assert result.format is fmt
    assert len(result.data) > 100
    assert result.fidelity
    assert export_plan(plan, fmt, start=start).format is fmt


def test_writer_modules_do_not_import_the_registry() -> None:
    """The cycle is broken: writers import the shared model, never `formats.export` that imports them."""
    for module_name in set(WRITERS.values()):
        module = importlib.import_module(module_name)
        assert module.__file__ is not None
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert "progrun.formats.export" not in imported, module_name
