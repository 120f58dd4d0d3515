"""Charts use matplotlib's object API only: no module of progrun imports pyplot (global state)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import progrun

PACKAGE = Path(progrun.__file__).parent


def _imports_pyplot(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.startswith("matplotlib.pyplot") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module.startswith("matplotlib.pyplot"):
                return True
            if node.module == "matplotlib" and any(a.name == "pyplot" for a in node.names):
                return True
    return False


def test_no_module_imports_pyplot() -> None:
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if _imports_pyplot(path)]
    assert offenders == []


def test_the_scan_finds_a_pyplot_import(tmp_path: Path) -> None:
    for line in (
        "import matplotlib.pyplot as plt",
        "from matplotlib import pyplot",
        "from matplotlib.pyplot import x",
    ):
        module = tmp_path / "m.py"
        module.write_text(line + "\n", encoding="utf-8")
        assert _imports_pyplot(module), line


def test_only_the_charts_package_imports_matplotlib() -> None:
    users = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "matplotlib" for name in names):
                users.add(path.relative_to(PACKAGE).parts[0])
    assert users == {"charts"}


def test_drawing_every_chart_leaves_pyplot_unimported(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import progrun\n"
        "paces = progrun.training_paces_from_race(*progrun.parse_race('5k=20:00'))\n"
        "plan = progrun.build_plan(paces, progrun.parse_distance('5mi'))\n"
        "for fmt in (progrun.ExportFormat.PNG, progrun.ExportFormat.PDF):\n"
        "    data = progrun.export_plan(plan, fmt).data\n"
        "    print(fmt.value, len(data) > 1000)\n"
        "print('pyplot', 'matplotlib.pyplot' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["png", "True", "pdf", "True", "pyplot", "False"]


def test_without_matplotlib_a_chart_is_a_named_error_and_the_rest_works(tmp_path: Path) -> None:
    """A library user without the [charts] extra can plan, export and judge; a chart names the extra."""
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None  # as if not installed\n"
        "import progrun\n"
        "paces = progrun.training_paces_from_race(*progrun.parse_race('5k=20:00'))\n"
        "plan = progrun.build_plan(paces, progrun.parse_distance('5mi'))\n"
        "print(len(progrun.export_plan(plan, progrun.ExportFormat.FIT).data) > 100)\n"
        "try:\n"
        "    progrun.export_plan(plan, progrun.ExportFormat.PNG)\n"
        "except progrun.ExportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "True"
    assert lines[1].startswith("chart export: charts and pace bands are drawn with matplotlib")
    assert "pip install 'progrun[charts]'" in lines[1]
