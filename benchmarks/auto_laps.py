"""Our km/mile splits against the device's own auto laps, on any corpus with a `laps.csv`.

    .venv/bin/python benchmarks/auto_laps.py [--corpus ../shared/data/activities-more] [--verbose]

The laps compared and the rule are those of `tests/test_split_accuracy.py`: every lap the device
closed at 1 km or 1 mile of its own distance (FIT `lap_trigger == distance`, TCX `Distance`, or
`Manual` at 1 km/1 mile because Garmin Connect writes `Manual` for auto laps; never the final lap),
FIT by elapsed time, TCX by timer time. Splits use the device's own crossing rule
(`progrun.splits.crossing_for`) and restart where the device restarts its auto-lap count (FIT manual
laps in the lap sequence, leg ends); nothing is chosen per file. `--first-laps` prints, per FIT file, the
first lap's error beside the median of its later laps (the evidence in docs/splits.md, "The first lap").
"""

from __future__ import annotations

import argparse
import csv
import statistics
from dataclasses import dataclass
from pathlib import Path

from progrun.activity import Format
from progrun.errors import ProgrunError
from progrun.formats import read_activity
from progrun.splits import split_by_distance

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "ours (tuned on)": ROOT.parent / "shared" / "data" / "activities",
    "activities-more (not tuned on)": ROOT.parent / "shared" / "data" / "activities-more",
}
TOLERANCE_S = 1.0
LAP_LENGTHS_M = (1000.0, 1609.344)


@dataclass(frozen=True)
class LapCheck:
    """One device auto lap against our split of the same number."""

    file: str
    lap: int
    device_s: float
    ours_s: float

    @property
    def error_s(self) -> float:
        return self.ours_s - self.device_s


def auto_lap_length(row: dict[str, str], is_last: bool) -> float | None:
    """The auto-lap length (1 km or 1 mile) a laps.csv row was closed at, or None for any other lap."""
    if not row["distance_m"] or is_last:
        return None
    distance = float(row["distance_m"])
    length = next((n for n in LAP_LENGTHS_M if abs(distance - n) <= 0.005 * n), None)
    if length is None:
        return None
    trigger = row["lap_trigger"].lower()
    if row["format"] == "fit":
        return length if trigger == "distance" else None
    return length if trigger in ("distance", "manual") else None


def lap_checks(corpus: Path) -> list[LapCheck]:
    """Every device auto lap of the corpus's laps.csv, with our split's time."""
    by_file: dict[str, list[dict[str, str]]] = {}
    with (corpus / "laps.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            by_file.setdefault(row["file"], []).append(row)
    checks: list[LapCheck] = []
    for name, rows in by_file.items():
        selected = []
        for number, row in enumerate(rows):
            length = auto_lap_length(row, number == len(rows) - 1)
            if length is not None:
                selected.append((number, row, length))
        if not selected:
            continue
        try:
            activity = read_activity(corpus / name)
        except ProgrunError:
            continue
        tcx = activity.format is Format.TCX
        splits = split_by_distance(activity, selected[0][2], restart_at_manual_laps=not tcx)
        for number, row, _ in selected:
            ours = float("nan")
            if number < len(splits):
                split = splits[number]
                ours = split.elapsed_s if not tcx else split.elapsed_s - split.paused_s
            device = row["total_elapsed_time_s"] if not tcx else row["total_timer_time_s"]
            checks.append(LapCheck(name, number + 1, float(device), ours))
    return checks


def summary(label: str, checks: list[LapCheck]) -> str:
    """One line: how many auto laps are within the tolerance."""
    matched = sum(abs(check.error_s) <= TOLERANCE_S for check in checks)
    share = matched / len(checks) if checks else 0.0
    return f"{label}: {matched} of {len(checks)} device auto laps within {TOLERANCE_S:g} s ({share:.1%})"


def first_lap_report(checks: list[LapCheck]) -> list[str]:
    """Per FIT file: the first lap's error and the median error of its later laps."""
    by_file: dict[str, list[LapCheck]] = {}
    for check in checks:
        if check.file.startswith("fit/"):
            by_file.setdefault(check.file, []).append(check)
    lines = []
    for name, laps in by_file.items():
        first = next((lap for lap in laps if lap.lap == 1), None)
        later = [lap.error_s for lap in laps if lap.lap > 1]
        if first is None:
            continue
        median = f"{statistics.median(later):+.2f} s" if later else "-"
        lines.append(f"  {name}: first lap {first.error_s:+.2f} s, later laps median {median} ({len(later)})")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="default: both shared corpora")
    parser.add_argument("--verbose", action="store_true", help="list every lap further than 1 s off")
    parser.add_argument("--first-laps", action="store_true", help="first-lap error of each FIT file")
    args = parser.parse_args(argv)
    corpora = {str(path): path for path in args.corpus} if args.corpus else CORPORA
    for label, corpus in corpora.items():
        checks = lap_checks(corpus)
        print(summary(label, checks))
        if args.verbose:
            for check in checks:
                if not abs(check.error_s) <= TOLERANCE_S:
                    print(
                        f"  miss {check.file} lap {check.lap}: device {check.device_s:.2f} s, "
                        f"ours {check.ours_s:.2f} s ({check.error_s:+.2f} s)"
                    )
        if args.first_laps:
            print("\n".join(first_lap_report(checks)))


if __name__ == "__main__":
    main()
