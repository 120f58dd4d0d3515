"""Everything in the runner's log as plain rows: one per run and one per split (`export-data`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from progrun.storage import Store


@dataclass(frozen=True)
class DataExport:
    """The runner's runs and their splits as rows of plain values (a table writer's input)."""

    activities: list[dict[str, Any]]
    splits: list[dict[str, Any]]

    def to_dict(self) -> dict[str, object]:
        return {"activities": self.activities, "splits": self.splits}


def export_rows(store: Store) -> DataExport:
    runs = store.list_activities()
    splits = store.splits_for([run.id for run in runs])
    activities = [
        {
            "id": run.id,
            "start": run.start.isoformat() if run.start else "",
            "name": run.name,
            "sport": run.sport,
            "format": run.format,
            "distance_m": run.distance_m,
            "duration_s": run.duration_s,
            "moving_s": run.moving_s,
            "heart_rate_avg_bpm": run.heart_rate_avg_bpm,
            "heart_rate_max_bpm": run.heart_rate_max_bpm,
            "kind": run.kind,
            "is_progression": run.is_progression,
            "score": run.score,
            "load": run.load,
            "source": run.source_name,
            "sha256": run.sha256,
        }
        for run in runs
    ]
    split_rows = [
        {"activity_id": run_id, **asdict(split)} for run_id, rows in splits.items() for split in rows
    ]
    return DataExport(activities, split_rows)
