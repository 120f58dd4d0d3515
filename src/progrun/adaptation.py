"""The adaptive next session: its length, tempo splits, start and target follow the recent verdicts and load.

Pure rules, one per case, checked in this order (the first that applies decides), each with one sentence
the runner can read:

1. **step back**: the last progression run was `LAYOFF_DAYS` (14) days ago or more: half a mile shorter
   per two weeks off (at most back to the method's 3 miles) and one tempo split fewer. Detraining
   starts to show after about two weeks (Mujika & Padilla 2000, *Sports Med* 30:79-87).
2. **shorter**: load spiking, acute:chronic workload ratio over `ACWR_SPIKE` (1.5; Gabbett 2016,
   *Br J Sports Med* 50:273-280, the ratio above which injury risk rises): half a mile shorter.
3. **start slower**: the last run went out too fast: same length, start from an easy pace.
4. **hold**: the last run missed its target: the same session again.
5. **advance**: the last two runs both progressed and reached their target: one step, the first of
   one more tempo split (up to 3), else half a mile more (up to 6 miles), else a 5k target instead of 10k.
6. **hold** otherwise (one good run: hold until two in a row; or no progression run yet).

The session starts from the runner's current progression distance and the tempo splits of the last run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from progrun.plan_layout import StartChoice, TargetChoice
from progrun.units import METRES_PER_MILE

#: Days without a progression run after which the next one steps back.
LAYOFF_DAYS = 14
#: Acute:chronic workload ratio above which the next session is shorter.
ACWR_SPIKE = 1.5
#: One step of distance.
STEP_M = 0.5 * METRES_PER_MILE
#: The method's shortest and longest runs, and its most tempo splits.
MIN_DISTANCE_M = 3 * METRES_PER_MILE
MAX_DISTANCE_M = 6 * METRES_PER_MILE
MAX_TEMPO_SPLITS = 3


@dataclass(frozen=True)
class RecentRun:
    """What the judge said of one recent progression run."""

    day: date
    target_reached: bool
    progressed: bool
    went_out_too_fast: bool
    tempo_splits: int


@dataclass(frozen=True)
class Adaptation:
    """The next session as the rules set it, the rule that decided and the sentence that says why."""

    rule: str
    sentence: str
    distance_m: float
    tempo_splits: int
    start: StartChoice = StartChoice.AUTO
    target: TargetChoice = TargetChoice.TEN_K

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "sentence": self.sentence,
            "distance_m": self.distance_m,
            "tempo_splits": self.tempo_splits,
            "start": self.start.value,
            "target": self.target.value,
        }


def adapt(
    recent: Sequence[RecentRun], today: date, *, distance_m: float, acwr: float | None, tempo_splits: int = 1
) -> Adaptation:
    """The next session from `recent` (oldest first), the current distance and the load (module docstring)."""
    tempo = max(1, min(MAX_TEMPO_SPLITS, recent[-1].tempo_splits if recent else tempo_splits))
    distance = min(MAX_DISTANCE_M, max(MIN_DISTANCE_M, distance_m))
    miles = _miles(distance)
    if not recent:
        return Adaptation("hold", f"No judged progression run yet: start with {miles}.", distance, tempo)
    last = recent[-1]
    days_off = (today - last.day).days
    if days_off >= LAYOFF_DAYS:
        shorter = max(MIN_DISTANCE_M, distance - STEP_M * (days_off // LAYOFF_DAYS))
        fewer = max(1, tempo - 1)
        return Adaptation(
            "step_back",
            f"{days_off} days since your last progression run: step back to {_miles(shorter)} with "
            f"{_splits(fewer)} at the target.",
            shorter,
            fewer,
        )
    if acwr is not None and acwr > ACWR_SPIKE:
        shorter = max(MIN_DISTANCE_M, distance - STEP_M)
        return Adaptation(
            "shorter",
            f"Your load is spiking (acute:chronic {acwr:.2f}, over {ACWR_SPIKE}): keep it shorter, "
            f"{_miles(shorter)}.",
            shorter,
            tempo,
        )
    if last.went_out_too_fast:
        return Adaptation(
            "start_slower",
            f"You went out too fast last time: the same {miles}, starting from an easy pace.",
            distance,
            tempo,
            start=StartChoice.EASY,
        )
    if not last.target_reached:
        return Adaptation(
            "hold", f"You missed the target last time: hold at {miles} until you reach it.", distance, tempo
        )
    if len(recent) >= 2 and all(run.target_reached and run.progressed for run in recent[-2:]):
        return _advance(distance, tempo)
    return Adaptation(
        "hold", f"Target reached once: hold at {miles} and advance after two in a row.", distance, tempo
    )


def _advance(distance_m: float, tempo: int) -> Adaptation:
    lead = "Target reached and progressed in your last two runs: "
    if tempo < MAX_TEMPO_SPLITS:
        return Adaptation(
            "advance", f"{lead}one more split at the target ({tempo + 1}).", distance_m, tempo + 1
        )
    if distance_m + STEP_M <= MAX_DISTANCE_M + 1.0:
        longer = min(MAX_DISTANCE_M, distance_m + STEP_M)
        return Adaptation("advance", f"{lead}half a mile more, {_miles(longer)}.", longer, tempo)
    return Adaptation(
        "advance",
        f"{lead}at 6 miles with 3 tempo splits, build to 5k pace instead of 10k.",
        distance_m,
        tempo,
        target=TargetChoice.FIVE_K,
    )


def _miles(distance_m: float) -> str:
    return f"{round(distance_m / METRES_PER_MILE, 2):g} miles"


def _splits(count: int) -> str:
    return "1 split" if count == 1 else f"{count} splits"
