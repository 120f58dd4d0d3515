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
ADAPTER_PACKAGES = {"formats", "storage", "training_log", "charts", "cli", "web"}


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
        "names = ('sqlalchemy', 'matplotlib', 'click', 'rich', 'garmin_fit_sdk'); "
        "heavy = [m for m in names if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


#: Each package and the progrun packages it must never import:
#: core <- formats/storage <- training_log <- cli/web.
FORBIDDEN_IMPORTS = {
    "formats": {"storage", "training_log", "cli", "web"},
    "storage": {"training_log", "cli", "web"},
    "training_log": {"cli", "web"},
}


def _progrun_packages_imported(path: Path) -> set[str]:
    """The progrun subpackages a module imports, anywhere in it (inside functions too)."""
    names = _imported_roots(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "progrun":
            names.update(f"progrun.{alias.name}" for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("progrun.") and name.count(".") >= 1}


def test_each_layer_imports_only_the_layers_below_it() -> None:
    offences = []
    for package, forbidden in FORBIDDEN_IMPORTS.items():
        modules = sorted((PACKAGE / package).rglob("*.py"))
        assert modules, package
        for path in modules:
            for imported in _progrun_packages_imported(path) & forbidden:
                offences.append(f"{path.relative_to(PACKAGE)} imports progrun.{imported}")
    for path in _core_modules():
        for imported in _progrun_packages_imported(path) & {
            "training_log",
            "storage",
            "formats",
            "cli",
            "web",
        }:
            offences.append(f"{path.name} (core) imports progrun.{imported}")
    assert offences == []


def test_the_layer_test_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "upward.py"
    module.write_text("def f():\n    from progrun.training_log import TrainingLog\n", encoding="utf-8")
    assert _progrun_packages_imported(module) == {"training_log"}


#: What the command line may never import: storage (it opens the log through `progrun.training_log`),
#: the training log's internals that take a store, SQL and array libraries, and table writers.
CLI_FORBIDDEN = (
    "progrun.storage",
    "progrun.training_log.views",
    "progrun.training_log.runs",
    "progrun.training_log.reanalyse",
    "progrun.training_log.data_export",
    "progrun.training_log.fitness",
    "progrun.training_log.importer",
    "sqlalchemy",
    "alembic",
    "numpy",
    "pyarrow",
    "sqlite3",
)
#: `progrun serve` composes the web app: it opens the one `Database` the app and its owner account share.
CLI_ALLOWED = {
    ("serve_command.py", "progrun.storage.database"),
    ("serve_command.py", "progrun.storage.database.Database"),
}


def _all_imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (inside functions and TYPE_CHECKING blocks too)."""
    names = _imported_roots(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def cli_offences(paths: list[Path]) -> list[str]:
    offences = []
    for path in paths:
        for name in sorted(_all_imports(path)):
            if (path.name, name) in CLI_ALLOWED:
                continue
            if any(name == banned or name.startswith(banned + ".") for banned in CLI_FORBIDDEN):
                offences.append(f"cli/{path.name} imports {name}")
    return offences


def test_cli_only_parses_and_renders() -> None:
    """cli/ holds option parsing and rendering: no storage, SQL, arrays or table writing; the log is
    opened and asked through `progrun.training_log.TrainingLog`."""
    modules = sorted((PACKAGE / "cli").glob("*.py"))
    assert len(modules) > 10
    assert cli_offences(modules) == []


def test_the_cli_rule_sees_a_store_and_numpy(tmp_path: Path) -> None:
    module = tmp_path / "bad_command.py"
    module.write_text(
        "def f():\n    from progrun.storage import Store\n    import numpy as np\n"
        "    from progrun.training_log.views import guard\n",
        encoding="utf-8",
    )
    assert cli_offences([module]) == [
        "cli/bad_command.py imports numpy",
        "cli/bad_command.py imports progrun.storage",
        "cli/bad_command.py imports progrun.storage.Store",
        "cli/bad_command.py imports progrun.training_log.views",
        "cli/bad_command.py imports progrun.training_log.views.guard",
    ]
