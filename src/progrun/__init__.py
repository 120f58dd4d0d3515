"""progrun: plan, export, analyse and track progression runs."""

from progrun.activity import Activity, Format, Lap, LapTrigger, Pause, WorkoutStep
from progrun.errors import (
    ActivityFileError,
    CorruptFile,
    ExportError,
    NotAnActivity,
    NotFound,
    PaceError,
    PlanError,
    ProgrunError,
    StorageError,
    UnitError,
    UnknownFormat,
    UnsafeFile,
)
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.training_paces import TrainingPaces

__all__ = [
    "Activity",
    "ActivityFileError",
    "CorruptFile",
    "ExportError",
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
    "Step",
    "StepKind",
    "StorageError",
    "TrainingPaces",
    "UnitError",
    "UnknownFormat",
    "UnsafeFile",
    "WorkoutStep",
]
