"""Re-analysis: rebuild a stored run's streams, splits and verdict from its kept raw file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from progrun.errors import ProgrunError
from progrun.formats import read_activity
from progrun.formats.on_error import OnError
from progrun.storage.records import ANALYSIS_VERSION
from progrun.storage.store import Store
from progrun.training_log.runs import analyse, load_context


def reanalyse_activities(
    store: Store, activity_ids: list[int] | None = None, *, everything: bool = False
) -> tuple[int, list[tuple[int, str]]]:
    """Re-analyse the given runs (or all, or those analysed by an older version); one transaction each."""
    context = load_context(store)
    if activity_ids is None:
        activity_ids = list(store.iter_ids(older_than_version=None if everything else ANALYSIS_VERSION))
    done = 0
    failed: list[tuple[int, str]] = []
    for activity_id in activity_ids:
        try:
            summary = store.summary(activity_id)
            raw = store.raw_file(activity_id)
            base = PurePosixPath(summary.source_name.replace("\\", "/").split("!")[-1]).name
            name = base[:-3] if base.lower().endswith(".gz") else base
            activity = read_activity(raw, name=name, on_error=OnError.WARN)
            run = analyse(activity, raw, source_name=summary.source_name, name=summary.name, context=context)
            store.replace_analysis(activity_id, replace(run, sha256=summary.sha256))
            done += 1
        except ProgrunError as error:
            failed.append((activity_id, str(error)))
    return done, failed
