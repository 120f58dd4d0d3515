"""Meta-tests: the layer rule, the public API and the package's import hygiene."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import progrun

PACKAGE = Path(progrun.__file__).parent
#: Core modules may import only these third-party packages (plus the standard library and progrun's core).
CORE_THIRD_PARTY = {"numpy"}
#: Optional dataframe views (Activity.to_pandas), imported lazily inside the method only.
OPTIONAL_VIEWS = {"pandas"}
ADAPTER_PACKAGES = {"formats", "charts", "storage", "cli", "web"}


def _core_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.glob("*.py") if path.name not in {"__main__.py", "__init__.py"})


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module)
    return roots


def test_core_modules_import_only_stdlib_numpy_and_core() -> None:
    offences = []
    for path in _core_modules():
        for name in _imported_roots(path):
            top = name.split(".")[0]
            if top == "progrun":
                parts = name.split(".")
                if len(parts) > 1 and parts[1] in ADAPTER_PACKAGES:
                    offences.append(f"{path.name} imports adapter {name}")
            elif top not in sys.stdlib_module_names and top not in CORE_THIRD_PARTY | OPTIONAL_VIEWS:
                offences.append(f"{path.name} imports {name}")
    assert offences == []


def test_there_are_core_modules_to_check() -> None:
    names = {path.stem for path in _core_modules()}
    assert {"activity", "errors", "plan", "training_paces"} <= names


def test_all_is_complete_and_importable() -> None:
    for name in progrun.__all__:
        assert hasattr(progrun, name), name
    public = {name for name in vars(progrun) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(progrun, name)).__name__ == "module"}
    assert public - modules == set(progrun.__all__)


def test_importing_progrun_does_not_import_heavy_adapters() -> None:
    code = (
        "import sys, progrun; "
        "names = ('numpy', 'sqlalchemy', 'alembic', 'matplotlib', 'click', 'rich', 'garmin_fit_sdk', 'lxml');"
        "heavy = [m for m in names if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_every_lazy_name_is_in_all_and_the_type_checking_imports() -> None:
    source = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert sorted([*progrun._LAZY, "open_training_log"]) == progrun.__all__
    for name, module in progrun._LAZY.items():
        assert f"from {module} import {name} as {name}\n" in source, name


def test_judge_is_the_verb_even_after_its_module_was_imported() -> None:
    """`progrun.judge` is a callable verb whether or not some code imported the module first."""
    code = (
        "import progrun.judge, progrun\n"
        "from datetime import datetime, timezone\n"
        "from tests.synthetic_runs import progression_paces, synthetic_run\n"
        "paces = progrun.training_paces_from_race(*progrun.parse_race('10k=50:00'))\n"
        "plan = progrun.build_plan(paces, progrun.parse_distance('6k'), unit=progrun.SplitUnit.KM)\n"
        "run = synthetic_run(datetime(2025, 1, 6, tzinfo=timezone.utc), progression_paces(0))\n"
        "verdict = progrun.judge(plan, run)\n"
        "same = progrun.judge.judge(plan, run)\n"
        "print(type(verdict).__name__, verdict.score.value == same.score.value, len(verdict.splits))\n"
    )
    root = PACKAGE.parent.parent
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.split() == ["Verdict", "True", "6"]


#: The layers, lowest first: a package may import its own layer and those below, never one above.
#: core (top-level modules) <- formats, charts, storage <- training_log <- cli, web.
LAYER_OF = {"formats": 1, "charts": 1, "storage": 1, "training_log": 2, "cli": 3, "web": 3}


def _imports_in(path: Path) -> set[str]:
    """Every progrun module named by an import in `path`, at any depth (lazy imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name.startswith("progrun.")}


def _layer(module: str) -> int:
    part = module.split(".")[1]
    return LAYER_OF.get(part, 0)


def test_no_package_imports_a_layer_above_it() -> None:
    offences = []
    for package, level in LAYER_OF.items():
        for path in sorted((PACKAGE / package).rglob("*.py")):
            for name in sorted(_imports_in(path)):
                if _layer(name) > level:
                    offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offences == []


def test_the_layer_scan_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from progrun.cli.output import escape\n", encoding="utf-8")
    assert {_layer(name) for name in _imports_in(module)} == {3}
