"""Detecting progression runs without a plan: the evaluation set (real and synthetic), and the inference."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from progrun.activity import make_activity
from progrun.detect import (
    Detection,
    decreasing_fit,
    detect_progression,
    largest_jump_share,
    plan_from_detection,
)
from progrun.formats import read_activity
from progrun.judge import judge
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit
from progrun.planner import build_plan
from progrun.simulate import simulate_run
from tests.conftest import ACTIVITIES

#: The real files of MANIFEST.md's "Lap paces (progression check)" table, labelled from their device laps.
#: True = a progression run. Reasons are in docs/judge.md.
REAL_LABELS: dict[str, bool] = {
    "tcx/sportstracker__Forerunner405-Running_CadenceSensor.tcx": True,  # every km faster, 4:57 -> 4:17
    "fit/sports-lib__6909950168.fit": True,  # every km after the first faster, 5:42 -> 5:30
    # 4:40 lap, 4:14 lap, then a 2.2 km cooldown lap at 7:21
    "fit/fitparse__activity-small-fenix2-run.fit": True,
    "fit/runpandas__run.fit": False,  # 7:45 11:19 8:35 6:36 8:51: no order
    "fit/fitparse__2013-02-06-12-11-14.fit": False,  # slower and slower, then one fast lap
    "fit/fitparse__compressed-speed-distance.fit": False,  # 9:00 11:09 then 4:17-6:21 up and down
    "fit/tormoder-fit__mornindew-broken.fit": False,  # mile laps 6:29-7:21 up and down, 18 stops
    "fit/sportstracker__Garmin_Forerunner_910XT-Running.fit": False,  # one faster km, then steady ~5:05
    "fit/sportstracker__Garmin_Fenix2_running_with_hrm.fit": False,  # gets slower: 5:45 -> 6:52
    "fit/sports-lib__2067489619.fit": False,  # 8:49 12:08 10:27
    "fit/sports-lib__6916728382.fit": False,  # 21 laps from 5:44 to 10:22, no order
    "tcx/tcxparser__test.tcx": False,  # gets slower: 6:18 7:24 7:35
    "tcx/runpandas__11km.tcx": False,  # faster for 3 km, then steady 6:17-6:41
    "tcx/runpandas__2020-12-02T06_08_29-300_Running.tcx": False,  # 5:44-6:12 up and down, slower at the end
    "tcx/runpandas__2020-12-20T05_50_47-300_Running.tcx": False,  # 6:28-8:22 up and down
    "tcx/tcx-test-files__running_activity_1.tcx": False,  # gets slower, 3:21 -> 3:51 with a 4:43 block
    "tcx/tcx-test-files__running_activity_2.tcx": False,  # 3:42-6:02 up and down
}

PLANS: tuple[Plan, ...] = (
    build_plan(training_paces_from_race(5000, 1200), 5 * 1609.344),
    build_plan(training_paces_from_race(5000, 1500), 8000, unit=SplitUnit.KM),
    build_plan(training_paces_from_race(10000, 2700), 6 * 1609.344, tempo_splits=3),
    build_plan(training_paces_from_race(5000, 1080), 10000, unit=SplitUnit.KM, warmup=True),
)
#: Synthetic kinds: (behaviour, on hills, is a progression). "hilly" is the plan followed by effort on a
#: rolling course; "hilly steady" an even effort on the same course (its pace on the ground swings).
KINDS: dict[str, tuple[str, bool, bool]] = {
    "progression": ("follow", False, True),
    "hilly progression": ("hilly", True, True),
    "steady": ("steady", False, False),
    "hilly steady": ("steady", True, False),
    "fartlek": ("fartlek", False, False),
    "intervals": ("intervals", False, False),
    "negative split": ("negative_split", False, False),
    "too fast": ("too_fast", False, False),
}
SEEDS = (11, 12)


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


def _tally(pairs: list[tuple[bool, bool]]) -> Tally:
    return Tally(
        sum(label and found for label, found in pairs),
        sum(found and not label for label, found in pairs),
        sum(label and not found for label, found in pairs),
        sum(not label and not found for label, found in pairs),
    )


@cache
def real_results() -> dict[str, Detection]:
    return {name: detect_progression(read_activity(ACTIVITIES / name)) for name in REAL_LABELS}


@cache
def synthetic_results() -> list[tuple[str, int, int, bool, Detection]]:
    rows = []
    for plan_number, plan in enumerate(PLANS):
        for kind, (behaviour, hills, label) in KINDS.items():
            for seed in SEEDS:
                activity = simulate_run(plan, behaviour=behaviour, hills=hills, seed=seed, ran_workout=False)
                rows.append((kind, plan_number, seed, label, detect_progression(activity)))
    return rows


def test_synthetic_precision_and_recall() -> None:
    rows = synthetic_results()
    tally = _tally([(label, found.is_progression) for _, _, _, label, found in rows])
    assert len(rows) == len(PLANS) * len(KINDS) * len(SEEDS) == 64
    assert tally.precision >= 0.95
    assert tally.recall >= 0.95
    assert tally == Tally(16, 0, 0, 48)


def test_real_files_precision_and_recall() -> None:
    found = real_results()
    tally = _tally([(REAL_LABELS[name], found[name].is_progression) for name in REAL_LABELS])
    assert tally.precision >= 0.9
    assert tally.recall >= 0.9
    assert tally == Tally(3, 0, 0, 14)


def test_synthetic_inference_recovers_the_plan() -> None:
    for kind, plan_number, _, _, found in synthetic_results():
        if kind != "progression":
            continue
        plan = PLANS[plan_number]
        first_build = next(step for step in plan.running_steps)
        assert found.unit == plan.unit.value
        assert found.start_s_per_km == pytest.approx(first_build.pace_s_per_km, abs=2.0)
        assert found.target_s_per_km == pytest.approx(plan.target_pace_s_per_km, abs=2.0)
        assert found.tempo_splits == plan.tempo_splits
        if not plan.options.get("warmup"):
            assert found.step_s == pytest.approx(plan.step_s_per_unit, abs=2.0)
        assert found.cooldown_s == pytest.approx(300.0, abs=20.0)


def test_forerunner_405_is_a_clear_progression_and_is_inferred() -> None:
    found = real_results()["tcx/sportstracker__Forerunner405-Running_CadenceSensor.tcx"]
    assert found.is_progression and found.confidence >= 0.95
    assert found.unit == "km"
    assert [round(pace) for pace in found.split_paces_s_per_km] == [295, 281, 267, 260, 258]
    assert found.start_s_per_km == pytest.approx(294.5, abs=1.0)  # 4:55/km
    assert found.target_s_per_km == pytest.approx(258.8, abs=1.0)  # 4:19/km
    assert found.tempo_splits == 2
    assert found.step_s == pytest.approx(13.6, abs=1.0)


def test_forerunner_405_judged_against_its_inferred_plan() -> None:
    activity = read_activity(ACTIVITIES / "tcx/sportstracker__Forerunner405-Running_CadenceSensor.tcx")
    plan = plan_from_detection(detect_progression(activity))
    verdict = judge(plan, activity)
    assert verdict.progressed and verdict.target_reached
    assert verdict.tempo_splits == 2
    assert 70 <= verdict.cooldown_s <= 80  # the watch was stopped after about a minute of walking
    assert 90.0 <= verdict.score.value < 100.0
    assert [check.check for check in verdict.score.deductions] == ["no_cooldown"]
    assert "Cooldown only 1:1" in verdict.text


def test_gentle_real_progression_has_lower_confidence() -> None:
    found = real_results()["fit/sports-lib__6909950168.fit"]
    assert found.is_progression
    assert 0.6 <= found.confidence < 0.9
    assert found.target_s_per_km == pytest.approx(330.0, abs=2.0)


def test_negative_split_is_one_jump_and_progression_several() -> None:
    assert largest_jump_share(np.array([276.0, 276.0, 276.0, 276.0, 276.0, 260.0, 260.0, 260.0])) == 1.0
    assert largest_jump_share(
        np.array([297.0, 297.0, 281.0, 281.0, 265.0, 265.0, 249.0, 249.0])
    ) == pytest.approx(1 / 3)
    assert list(decreasing_fit(np.array([5.0, 6.0, 3.0, 4.0]))) == [5.5, 5.5, 3.5, 3.5]


def test_runs_too_short_or_without_distance_are_not_progressions() -> None:
    short = simulate_run(PLANS[0], seed=1, distance_factor=0.4, ran_workout=False)
    found = detect_progression(short)
    assert not found.is_progression and found.confidence == 0.0
    assert "splits" in found.reasons[0]
    blank = make_activity(np.arange(100.0), heart_rate_bpm=np.full(100, 120.0))
    assert detect_progression(blank).reasons == ("the file has no distance to split",)
    standing = make_activity(np.arange(100.0), distance_m=np.zeros(100))
    assert not detect_progression(standing).is_progression


def test_json_contract() -> None:
    data = real_results()["tcx/sportstracker__Forerunner405-Running_CadenceSensor.tcx"].to_dict()
    assert list(data)[:7] == [
        "is_progression",
        "confidence",
        "start_s_per_km",
        "target_s_per_km",
        "step_s",
        "tempo_splits",
        "unit",
    ]
    assert data["is_progression"] is True and data["unit"] == "km"
    not_one = detect_progression(make_activity(np.arange(10.0))).to_dict()
    assert not_one["start_s_per_km"] is None and not math.isnan(float(str(not_one["confidence"])))


def test_plan_from_detection_needs_a_progression_shape() -> None:
    with pytest.raises(ValueError, match="too few splits"):
        plan_from_detection(detect_progression(make_activity(np.arange(10.0))))


def evaluation_report() -> str:
    """The evaluation tables for docs/judge.md.

    Run: python -c 'from tests.test_detect import *; print(evaluation_report())'
    """
    lines = [
        "| file | label | detected | confidence | split paces (GAP, per unit) |",
        "|---|---|---|---|---|",
    ]
    for name, found in real_results().items():
        paces = " ".join(f"{round(p) // 60}:{round(p) % 60:02d}" for p in found.split_paces_s_per_km)
        lines.append(
            f"| `{name}` | {'yes' if REAL_LABELS[name] else 'no'} "
            f"| {'yes' if found.is_progression else 'no'} "
            f"| {found.confidence:.2f} | {paces} ({found.unit}) |"
        )
    real = _tally([(REAL_LABELS[name], found.is_progression) for name, found in real_results().items()])
    lines.append(f"\nReal: {real} precision {real.precision:.2f} recall {real.recall:.2f}\n")
    lines += ["| kind | runs | detected as progression | confidence min-max |", "|---|---|---|---|"]
    for kind in KINDS:
        rows = [found for k, _, _, _, found in synthetic_results() if k == kind]
        confidences = [found.confidence for found in rows]
        lines.append(
            f"| {kind} | {len(rows)} | {sum(found.is_progression for found in rows)} "
            f"| {min(confidences):.2f}-{max(confidences):.2f} |"
        )
    synthetic = _tally([(label, found.is_progression) for _, _, _, label, found in synthetic_results()])
    lines.append(
        f"\nSynthetic: {synthetic} precision {synthetic.precision:.2f} recall {synthetic.recall:.2f}"
    )
    return "\n".join(lines)
