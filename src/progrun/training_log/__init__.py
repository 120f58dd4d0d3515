"""The application layer: one runner's (or a coach's) use-cases over the training log.

`TrainingLog` is what every client calls (the CLI today, the web app and workers next); its results
have `to_dict()`, the one shape of `--json` and of the web API. Below it: the pure core
(`progrun.analysis`, `progrun.fitness`, `progrun.training_load`, ...), `progrun.formats` and
`progrun.storage`.
"""

from __future__ import annotations

from progrun.analysis import StoredPlan
from progrun.training_log.importer import ImportReport
from progrun.training_log.log import DEFAULT_PAGE_SIZE, ProfileUpdate, Reanalysis, TrainingLog
from progrun.training_log.objects import HistoryEntry, HistoryPage, RunView, third_person
from progrun.training_log.profile import ProfileError
from progrun.training_log.views import ProgressView

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "HistoryEntry",
    "HistoryPage",
    "ImportReport",
    "ProfileError",
    "ProfileUpdate",
    "ProgressView",
    "Reanalysis",
    "RunView",
    "StoredPlan",
    "TrainingLog",
    "third_person",
]
