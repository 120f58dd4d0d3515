"""progrun: plan, export, analyse and track progression runs.

The verbs a user needs are here, under `import progrun` alone:

```python
import progrun

paces = progrun.training_paces_from_race(*progrun.parse_race("5k=20:00"))
plan = progrun.build_plan(paces, progrun.parse_distance("5mi"), unit=progrun.SplitUnit.MILE)
run = progrun.read_activity("morning-run.fit")
miles = progrun.split_by_distance(run, 1609.344)
verdict = progrun.judge(plan, run)
with progrun.open_training_log("my-log.db") as log: ...
```

Every name is imported on first use (PEP 562 `__getattr__`), so `import progrun` itself loads no
numpy, SQLAlchemy or matplotlib: a CLI command or a web worker pays only for what it touches.
"""

import importlib as _importlib
import os as _os
import typing as _typing

if _typing.TYPE_CHECKING:
    from progrun.activity import Activity as Activity
    from progrun.activity import Format as Format
    from progrun.activity import Lap as Lap
    from progrun.activity import LapTrigger as LapTrigger
    from progrun.activity import Pause as Pause
    from progrun.activity import WorkoutStep as WorkoutStep
    from progrun.errors import ActivityFileError as ActivityFileError
    from progrun.errors import CorruptFile as CorruptFile
    from progrun.errors import ExportError as ExportError
    from progrun.errors import NotAnActivity as NotAnActivity
    from progrun.errors import NotFound as NotFound
    from progrun.errors import PaceError as PaceError
    from progrun.errors import PlanError as PlanError
    from progrun.errors import ProgrunError as ProgrunError
    from progrun.errors import StorageError as StorageError
    from progrun.errors import UnitError as UnitError
    from progrun.errors import UnknownFormat as UnknownFormat
    from progrun.errors import UnsafeFile as UnsafeFile
    from progrun.formats.export import ExportFormat as ExportFormat
    from progrun.formats.export import export_plan as export_plan
    from progrun.formats.reading import read_activity as read_activity
    from progrun.judge import judge as judge
    from progrun.paces import training_paces_from_race as training_paces_from_race
    from progrun.plan import Plan as Plan
    from progrun.plan import SplitUnit as SplitUnit
    from progrun.plan import Step as Step
    from progrun.plan import StepKind as StepKind
    from progrun.planner import build_plan as build_plan
    from progrun.splits import Splits as Splits
    from progrun.splits import split_by_distance as split_by_distance
    from progrun.splits import split_by_lap as split_by_lap
    from progrun.storage import Store
    from progrun.training_paces import TrainingPaces as TrainingPaces
    from progrun.units import format_pace as format_pace
    from progrun.units import parse_distance as parse_distance
    from progrun.units import parse_race as parse_race
    from progrun.verdict import Verdict as Verdict

#: Public name -> the module it lives in, imported on first use.
_LAZY: dict[str, str] = {
    **dict.fromkeys(("Activity", "Format", "Lap", "LapTrigger", "Pause", "WorkoutStep"), "progrun.activity"),
    **dict.fromkeys(
        (
            "ActivityFileError",
            "CorruptFile",
            "ExportError",
            "NotAnActivity",
            "NotFound",
            "PaceError",
            "PlanError",
            "ProgrunError",
            "StorageError",
            "UnitError",
            "UnknownFormat",
            "UnsafeFile",
        ),
        "progrun.errors",
    ),
    "read_activity": "progrun.formats.reading",
    "ExportFormat": "progrun.formats.export",
    "export_plan": "progrun.formats.export",
    "judge": "progrun.judge",
    "training_paces_from_race": "progrun.paces",
    **dict.fromkeys(("Plan", "SplitUnit", "Step", "StepKind"), "progrun.plan"),
    "build_plan": "progrun.planner",
    **dict.fromkeys(("Splits", "split_by_distance", "split_by_lap"), "progrun.splits"),
    "TrainingPaces": "progrun.training_paces",
    **dict.fromkeys(("format_pace", "parse_distance", "parse_race"), "progrun.units"),
    "Verdict": "progrun.verdict",
}

__all__ = [
    "Activity",
    "ActivityFileError",
    "CorruptFile",
    "ExportError",
    "ExportFormat",
    "Format",
    "Lap",
    "LapTrigger",
    "NotAnActivity",
    "NotFound",
    "PaceError",
    "Pause",
    "Plan",
    "PlanError",
    "ProgrunError",
    "SplitUnit",
    "Splits",
    "Step",
    "StepKind",
    "StorageError",
    "TrainingPaces",
    "UnitError",
    "UnknownFormat",
    "UnsafeFile",
    "Verdict",
    "WorkoutStep",
    "build_plan",
    "export_plan",
    "format_pace",
    "judge",
    "open_training_log",
    "parse_distance",
    "parse_race",
    "read_activity",
    "split_by_distance",
    "split_by_lap",
    "training_paces_from_race",
]


def __getattr__(name: str) -> _typing.Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'progrun' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module_name), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return list(__all__)


def open_training_log(url_or_path: str | _os.PathLike[str] | None = None, *, create: bool = True) -> "Store":
    """Open (creating and migrating it if needed) a training log; use it as a context manager.

    `url_or_path` is an SQLite file path, an SQLAlchemy URL (`sqlite:///...`,
    `postgresql://user@host/dbname`, which needs the `[postgres]` extra), or None for the log the CLI
    uses (`PROGRUN_DB`, else `progrun.db` in `PROGRUN_DATA_DIR` or the user data directory).
    `create=False` refuses to create a missing SQLite file (StorageError).
    """
    from progrun.settings import Settings
    from progrun.storage.location import default_data_dir
    from progrun.storage.store import Store as LogStore

    db = None if url_or_path is None else _os.fspath(url_or_path)
    settings = Settings.from_environment(db, default_data_dir=default_data_dir)
    return LogStore.open(settings.db_url, create=create)
