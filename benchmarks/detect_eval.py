"""Evaluate `progrun.detect` on a wide synthetic sweep and the labelled real files.

    .venv/bin/python benchmarks/detect_eval.py [--runs-per-kind 40] [--first-seed 1000] [--jobs 2]

The sweep simulates `--runs-per-kind` runs of every kind in KINDS (3 progression kinds, 11 kinds that are
not), each with its own seed (`--first-seed` upwards, disjoint from the seeds of tests/test_detect.py) and a
plan drawn at random from that seed: a runner with a 5k time of 16:00-32:00, 3-6 mi in mile splits or
5-10 km in km splits, 1-3 tempo splits, the planner's step or a random one inside the method's bounds, a
warm-up split in one plan of five, AR(1) speed noise x0.5-2, a cooldown in four runs of five, and the watch
auto-lapping (three in four) or running the workout. Then the real files of MANIFEST.md's lap-pace table,
with the labels below.

It prints the confusion matrix, precision and recall (sweep, real files), a per-kind table, the closest
calls, and for true positives the errors of the inferred start, target, step and tempo-split count against
the plan the runner was given.

This module is also the one home of the evaluation set: tests/test_detect.py imports REAL_LABELS, KINDS,
Tally and the case builders from here, so the test and the benchmark label the same files the same way.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from progrun.activity import Activity
from progrun.detect import Detection, detect_progression
from progrun.errors import PlanError
from progrun.formats import read_activity
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit, StepKind
from progrun.plan_rules import step_bounds
from progrun.planner import build_plan
from progrun.simulate import simulate_run
from progrun.units import METRES_PER_MILE

ROOT = Path(__file__).resolve().parents[1]
ACTIVITIES = ROOT.parent / "shared" / "data" / "activities"

#: The real files of MANIFEST.md's "Lap paces (progression check)" table: (is a progression, why), the
#: label read from the device laps (min:s per km unless "mile laps").
REAL_LABELS: dict[str, tuple[bool, str]] = {
    "tcx/sportstracker__Forerunner405-Running_CadenceSensor.tcx": (True, "every km faster, 4:57 -> 4:17"),
    "fit/sports-lib__6909950168.fit": (
        False,
        "every km after the first faster, 5:42 -> 5:30, but by 3-4 s/km a km: below the method's least "
        "step of 15 s/mi (9.3 s/km), a drift rather than a progression",
    ),
    "fit/fitparse__activity-small-fenix2-run.fit": (
        True,
        "4:40 lap, 4:14 lap, then a 2.2 km cooldown lap at 7:21 (km splits 5:27 4:46 4:39 4:32 4:10 4:12)",
    ),
    "fit/runpandas__run.fit": (False, "7:45 11:19 8:35 6:36 8:51: no order"),
    "fit/fitparse__2013-02-06-12-11-14.fit": (False, "slower and slower, then one fast lap"),
    "fit/fitparse__compressed-speed-distance.fit": (False, "9:00 11:09, then 4:17-6:21 up and down"),
    "fit/tormoder-fit__mornindew-broken.fit": (False, "mile laps 6:29-7:21 up and down, 18 stops"),
    "fit/sportstracker__Garmin_Forerunner_910XT-Running.fit": (False, "one faster km, then steady ~5:05"),
    "fit/sportstracker__Garmin_Fenix2_running_with_hrm.fit": (False, "gets slower: 5:45 -> 6:52"),
    "fit/sports-lib__2067489619.fit": (False, "mile laps 8:49 12:08 10:27"),
    "fit/sports-lib__6916728382.fit": (False, "21 laps from 5:44 to 10:22, no order"),
    "tcx/tcxparser__test.tcx": (False, "mile laps, gets slower: 6:18 7:24 7:35"),
    "tcx/runpandas__11km.tcx": (False, "faster for 3 km, then steady 6:17-6:41"),
    "tcx/runpandas__2020-12-02T06_08_29-300_Running.tcx": (False, "5:44-6:12 up and down, slower at the end"),
    "tcx/runpandas__2020-12-20T05_50_47-300_Running.tcx": (False, "6:28-8:22 up and down"),
    "tcx/tcx-test-files__running_activity_1.tcx": (False, "gets slower, 3:21 -> 3:51 with a 4:43 block"),
    "tcx/tcx-test-files__running_activity_2.tcx": (False, "3:42-6:02 up and down"),
}


@dataclass(frozen=True)
class Kind:
    """A kind of synthetic run: simulator behaviour, on hills or not, label, per-split jitter."""

    behaviour: str
    hills: bool
    is_progression: bool
    #: Standard deviation (s/km) of each planned split's pace missed by the runner ("follow" only).
    split_jitter_s_per_km: float = 0.0


#: What counts as a progression run (docs/judge.md, "What counts as a progression"): the method's shape,
#: start easy, get faster split by split over several splits, finish at the fastest pace and hold it for at
#: most a few splits. A collapse at the end, one big jump, or surges are not progressions.
KINDS: dict[str, Kind] = {
    "progression": Kind("follow", False, True),
    "hilly progression": Kind("hilly", True, True),
    "uneven progression": Kind("follow", False, True, split_jitter_s_per_km=2.5),
    "steady": Kind("steady", False, False),
    "hilly steady": Kind("steady", True, False),
    "fartlek": Kind("fartlek", False, False),
    "fartlek on a build": Kind("fartlek_build", False, False),
    "strides": Kind("strides", False, False),
    "intervals": Kind("intervals", False, False),
    "negative split": Kind("negative_split", False, False),
    "fast finish": Kind("fast_finish", False, False),
    "warm-up then tempo": Kind("warmup_tempo", False, False),
    "too fast": Kind("too_fast", False, False),
    "progression then blow-up": Kind("blow_up", False, False),
}
#: Seeds tests/test_detect.py uses; the sweep must not use them.
TEST_SEEDS = (11, 12)
DEFAULT_FIRST_SEED = 50000
MILE_DISTANCES = (3, 4, 5, 6)
KM_DISTANCES = (5, 6, 7, 8, 9, 10)


@dataclass(frozen=True)
class Case:
    """One synthetic run: its kind, seed and everything drawn from the seed."""

    kind: str
    seed: int
    five_k_s: float
    distance_m: float
    unit: SplitUnit
    tempo_splits: int
    step_s: float | None
    warmup: bool
    noise: float
    cooldown: bool
    ran_workout: bool
    overrides: tuple[tuple[int, float], ...] = field(default=())

    def plan(self) -> Plan:
        paces = training_paces_from_race(5000.0, self.five_k_s)
        return build_plan(
            paces,
            self.distance_m,
            unit=self.unit,
            tempo_splits=self.tempo_splits,
            step_s=self.step_s,
            warmup=self.warmup,
        )

    def label(self) -> str:
        minutes, seconds = divmod(round(self.five_k_s), 60)
        units = self.distance_m / (METRES_PER_MILE if self.unit is SplitUnit.MILE else 1000.0)
        return (
            f"{self.kind} seed {self.seed}: 5k {minutes}:{seconds:02d}, {units:g} {self.unit.value}, "
            f"{self.tempo_splits} tempo, noise x{self.noise:g}"
        )


def draw_case(kind: str, seed: int) -> Case:
    """The case of `kind` drawn from `seed` (a plan the planner accepts; redrawn until it does)."""
    rng = np.random.default_rng(seed)
    while True:
        unit = SplitUnit.MILE if rng.random() < 0.5 else SplitUnit.KM
        count = int(rng.choice(MILE_DISTANCES if unit is SplitUnit.MILE else KM_DISTANCES))
        low, high = step_bounds(unit)
        case = Case(
            kind=kind,
            seed=seed,
            five_k_s=float(rng.uniform(16 * 60, 32 * 60)),
            distance_m=count * unit.metres,
            unit=unit,
            tempo_splits=int(rng.integers(1, 4)),
            step_s=None if rng.random() < 0.5 else float(rng.integers(low, high + 1)),
            warmup=bool(rng.random() < 0.2),
            noise=float(rng.choice((0.5, 1.0, 1.5, 2.0))),
            cooldown=bool(rng.random() < 0.8),
            ran_workout=bool(rng.random() < 0.25),
        )
        try:
            plan = case.plan()
        except PlanError:
            continue
        jitter = KINDS[kind].split_jitter_s_per_km
        if jitter > 0:
            overrides = tuple(
                (index, step.pace_s_per_km + float(rng.normal(0.0, jitter)))
                for index, step in enumerate(plan.running_steps)
            )
            case = Case(**{**case.__dict__, "overrides": overrides})
        return case


def sweep_cases(runs_per_kind: int, first_seed: int = DEFAULT_FIRST_SEED) -> list[Case]:
    """`runs_per_kind` cases of every kind, seeds first_seed, first_seed + 1, ... (one per case)."""
    cases = []
    seed = first_seed
    for _ in range(runs_per_kind):
        for kind in KINDS:
            if seed in TEST_SEEDS:
                raise ValueError(f"seed {seed} is a test seed; start the sweep elsewhere")
            cases.append(draw_case(kind, seed))
            seed += 1
    return cases


@dataclass(frozen=True)
class Truth:
    """What the runner was asked to run (paces s/km, step s per unit)."""

    start_s_per_km: float
    target_s_per_km: float
    step_s: float
    tempo_splits: int


def truth_of(case: Case) -> Truth:
    plan = case.plan()
    overrides = dict(case.overrides)
    paces = [overrides.get(index, step.pace_s_per_km) for index, step in enumerate(plan.running_steps)]
    tempo = [
        pace for pace, step in zip(paces, plan.running_steps, strict=True) if step.kind is StepKind.TEMPO
    ]
    return Truth(paces[0], float(np.mean(tempo)), plan.step_s_per_unit, plan.tempo_splits)


def simulate_kind(
    plan: Plan,
    kind: str,
    seed: int,
    *,
    noise: float = 1.0,
    cooldown: bool = True,
    ran_workout: bool = False,
    overrides: dict[int, float] | None = None,
) -> Activity:
    """A run of `kind` on `plan`; an uneven kind without `overrides` draws its split misses from `seed`."""
    spec = KINDS[kind]
    if overrides is None and spec.split_jitter_s_per_km > 0:
        rng = np.random.default_rng(seed)
        overrides = {
            index: step.pace_s_per_km + float(rng.normal(0.0, spec.split_jitter_s_per_km))
            for index, step in enumerate(plan.running_steps)
        }
    return simulate_run(
        plan,
        behaviour=spec.behaviour,
        hills=spec.hills,
        seed=seed,
        noise=noise,
        cooldown=cooldown,
        ran_workout=ran_workout,
        pace_overrides=overrides or None,
    )


def run_case(case: Case) -> Detection:
    activity = simulate_kind(
        case.plan(),
        case.kind,
        case.seed,
        noise=case.noise,
        cooldown=case.cooldown,
        ran_workout=case.ran_workout,
        overrides=dict(case.overrides),
    )
    return detect_progression(activity)


@dataclass(frozen=True)
class Tally:
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    def text(self) -> str:
        return (
            f"{self.true_positive} TP, {self.false_positive} FP, {self.false_negative} FN, "
            f"{self.true_negative} TN: precision {self.precision:.3f}, recall {self.recall:.3f}"
        )


def tally(pairs: Iterable[tuple[bool, bool]]) -> Tally:
    """Count (label, detected) pairs."""
    listed = list(pairs)
    return Tally(
        sum(label and found for label, found in listed),
        sum(found and not label for label, found in listed),
        sum(label and not found for label, found in listed),
        sum(not label and not found for label, found in listed),
    )


def real_results(activities: Path = ACTIVITIES) -> dict[str, Detection]:
    return {name: detect_progression(read_activity(activities / name)) for name in REAL_LABELS}


def _pace(value: float) -> str:
    if not math.isfinite(value):
        return "-"
    whole = round(value)
    return f"{whole // 60}:{whole % 60:02d}"


def _quantiles(values: Sequence[float]) -> str:
    if not values:
        return "-"
    array = np.array(values)
    return (
        f"median {np.median(array):.1f}, p90 {np.percentile(array, 90):.1f}, max {np.max(array):.1f} "
        f"(mean {np.mean(array):+.1f})"
    )


def report_sweep(cases: Sequence[Case], found: Sequence[Detection]) -> list[str]:
    lines = [
        "| kind | progression? | runs | detected | confidence min / median / max |",
        "|---|---|---|---|---|",
    ]
    for kind, spec in KINDS.items():
        rows = [detection for case, detection in zip(cases, found, strict=True) if case.kind == kind]
        confidences = [detection.confidence for detection in rows]
        lines.append(
            f"| {kind} | {'yes' if spec.is_progression else 'no'} | {len(rows)} "
            f"| {sum(detection.is_progression for detection in rows)} "
            f"| {min(confidences):.2f} / {statistics.median(confidences):.2f} / {max(confidences):.2f} |"
        )
    result = tally(
        (KINDS[case.kind].is_progression, d.is_progression) for case, d in zip(cases, found, strict=True)
    )
    lines += [
        "",
        "Confusion matrix (rows: label, columns: detected):",
        "",
        "| | detected progression | detected not |",
        "|---|---|---|",
        f"| progression | {result.true_positive} | {result.false_negative} |",
        f"| not a progression | {result.false_positive} | {result.true_negative} |",
        "",
        f"Sweep, {len(cases)} runs: {result.text()}",
    ]
    negatives = sorted(
        (
            (d.confidence, case)
            for case, d in zip(cases, found, strict=True)
            if not KINDS[case.kind].is_progression
        ),
        key=lambda pair: -pair[0],
    )
    positives = sorted(
        (
            (d.confidence, case)
            for case, d in zip(cases, found, strict=True)
            if KINDS[case.kind].is_progression
        ),
        key=lambda pair: pair[0],
    )
    lines += ["", "Closest negatives:"] + [f"  {conf:.2f}  {case.label()}" for conf, case in negatives[:5]]
    lines += ["Weakest positives:"] + [f"  {conf:.2f}  {case.label()}" for conf, case in positives[:5]]
    lines += ["", *report_errors(cases, found)]
    return lines


def report_errors(cases: Sequence[Case], found: Sequence[Detection]) -> list[str]:
    start, target, step, tempo = [], [], [], []
    for case, detection in zip(cases, found, strict=True):
        if not (KINDS[case.kind].is_progression and detection.is_progression):
            continue
        truth = truth_of(case)
        start.append(detection.start_s_per_km - truth.start_s_per_km)
        target.append(detection.target_s_per_km - truth.target_s_per_km)
        if not case.warmup:
            step.append(detection.step_s - truth.step_s)
        tempo.append(detection.tempo_splits - truth.tempo_splits)
    tempo_array = np.array(tempo)
    return [
        f"Inference on the {len(start)} true positives (detected - planned):",
        f"  |start error| s/km:   {_quantiles([abs(value) for value in start])}",
        f"  |target error| s/km:  {_quantiles([abs(value) for value in target])}",
        f"  |step error| s/unit:  {_quantiles([abs(value) for value in step])} "
        f"({len(step)} runs without warm-up)",
        f"  tempo-split count:    exact {np.mean(tempo_array == 0) * 100:.0f} %, "
        f"off by 1 {np.mean(np.abs(tempo_array) == 1) * 100:.0f} %, "
        f"off by more {np.mean(np.abs(tempo_array) > 1) * 100:.0f} % (mean {np.mean(tempo_array):+.2f})",
    ]


def report_real(found: dict[str, Detection]) -> list[str]:
    lines = [
        "| file | label | detected | confidence | split paces (GAP, per unit) |",
        "|---|---|---|---|---|",
    ]
    for name, detection in found.items():
        paces = " ".join(_pace(pace) for pace in detection.split_paces_s_per_km)
        lines.append(
            f"| `{name}` | {'yes' if REAL_LABELS[name][0] else 'no'} "
            f"| {'yes' if detection.is_progression else 'no'} "
            f"| {detection.confidence:.2f} | {paces} ({detection.unit}) |"
        )
    result = tally((REAL_LABELS[name][0], detection.is_progression) for name, detection in found.items())
    lines += ["", f"Real files, {len(found)}: {result.text()}"]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs-per-kind", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=DEFAULT_FIRST_SEED)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=ACTIVITIES)
    args = parser.parse_args(argv)
    begin = time.perf_counter()
    cases = sweep_cases(args.runs_per_kind, args.first_seed)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        found = list(pool.map(run_case, cases, chunksize=8))
    print(
        f"Synthetic sweep: {len(KINDS)} kinds x {args.runs_per_kind} runs, seeds {args.first_seed}-"
        f"{args.first_seed + len(cases) - 1}\n"
    )
    print("\n".join(report_sweep(cases, found)))
    print()
    print("\n".join(report_real(real_results(args.corpus))))
    print(f"\n({time.perf_counter() - begin:.0f} s with {args.jobs} processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
