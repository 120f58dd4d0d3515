"""A Garmin's timer starts at the press, up to a second before the whole second it stamps.

Generated FIT files at a grid of paces, press fractions and recording intervals, written with the
official encoder: the records count distance from the start stamp, the device's first lap counts its
time from the press. The first split counts from the expected press, half a second before the stamp
(`progrun.device_timer`), so it is within 0.5 s of the device's first lap for any press (counted from
the stamp it was up to 1 s short), exactly equal where smart recording makes the lap's own end the
crossing; later splits are unchanged. Other devices and formats count from the stamp.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from progrun.activity import Activity, Format, Lap, LapTrigger, make_activity
from progrun.cli.info_command import summarise
from progrun.device_timer import TIMER_LEAD_S, device_lead_s, timer_lead_s
from progrun.formats import read_activity
from progrun.formats.fit_writer import write_fit_activity
from progrun.splits import split_by_distance, split_by_lap
from tests.synthetic_runs import BASE_START, synthetic_run

#: 3:00/km to 12:00/km (a brisk walk), the press anywhere in the second before its stamp.
PACES_S_PER_KM = (180, 247, 450, 720)
PRESS_FRACTIONS_S = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99)
KM = 4


def _device_laps(pace: int, press_s: float) -> list[Lap]:
    """The watch's 1 km auto laps: the first timed from the press, each later one starting on the whole
    second at or after the previous lap's end (its stamp) and timed from that end."""
    laps = [Lap(0, 0.0, pace + press_s, pace + press_s, 1000.0, LapTrigger.DISTANCE)]
    for index in range(1, KM):
        stamp_s = float(math.ceil(index * pace))
        laps.append(Lap(index, stamp_s, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE))
    return laps


def _recorded(pace: int, press_s: float, record_every_s: int, device: str) -> Activity:
    run = synthetic_run(BASE_START, [pace] * KM)
    keep = (run.time_s % record_every_s == 0) | (np.arange(run.records) == run.records - 1)
    thinned = make_activity(
        run.time_s[keep],
        format=Format.FIT,
        start=run.start,
        distance_m=run.distance_m[keep],
        heart_rate_bpm=run.heart_rate_bpm[keep],
    )
    data = write_fit_activity(thinned, laps=_device_laps(pace, press_s), device=device)
    return read_activity(data, name=f"{device}.fit")


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize("press_s", PRESS_FRACTIONS_S)
@pytest.mark.parametrize("record_every_s", [1, 2])
def test_the_first_split_counts_from_the_expected_press(
    pace: int, press_s: float, record_every_s: int
) -> None:
    """Records 1 or 2 s apart place every crossing themselves (no lap knots)."""
    activity = _recorded(pace, press_s, record_every_s, "garmin fr945")
    assert timer_lead_s(activity) == TIMER_LEAD_S
    splits = split_by_distance(activity, 1000.0)
    device_s = [lap.elapsed_s for lap in activity.laps]
    errors_s = [split.elapsed_s - device for split, device in zip(splits, device_s, strict=True)]
    assert splits[0].start_s == -0.5
    assert errors_s[0] == pytest.approx(0.5 - press_s, abs=0.01)
    assert abs(errors_s[0]) <= 0.5 + 0.01
    assert errors_s[1:] == pytest.approx([0.0] * (KM - 1), abs=0.01)
    # The whole run counts from the press too, so the splits add up to it.
    assert splits.elapsed_s == pytest.approx(sum(split.elapsed_s for split in splits), abs=0.01)
    # By lap: the first lap ends where the records reach its distance, on the record clock.
    by_lap = split_by_lap(activity)
    assert by_lap[0].start_s == -0.5
    assert by_lap[0].end_s == pytest.approx(pace + press_s - 0.5, abs=0.01)
    assert by_lap[0].elapsed_s == pytest.approx(pace + press_s, abs=0.01)


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize("press_s", PRESS_FRACTIONS_S)
@pytest.mark.parametrize("record_every_s", [5, 7])
def test_smart_recording_takes_the_first_lap_exactly(pace: int, press_s: float, record_every_s: int) -> None:
    """Records 5 or 7 s apart: the chain of lap times from the expected press falls within the records
    around each km for any press, so the laps' own ends are the crossings and the first split is the
    device's lap. The chain carries the press's distance from its expected time (at most 0.5 s; from
    the stamp it was up to 1 s) into the last split, which ends on the records."""
    activity = _recorded(pace, press_s, record_every_s, "garmin fr945")
    splits = split_by_distance(activity, 1000.0)
    assert splits[0].elapsed_s == pytest.approx(pace + press_s, abs=0.01)
    later_errors_s = [split.elapsed_s - pace for split in splits][1:]
    assert max(abs(error) for error in later_errors_s) <= abs(press_s - 0.5) + 0.01
    device_total_s = KM * pace + press_s
    assert abs(sum(split.elapsed_s for split in splits) - device_total_s) <= abs(press_s - 0.5) + 0.01


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_other_devices_and_formats_count_from_the_stamp(pace: int) -> None:
    suunto = _recorded(pace, 0.0, 1, "suunto 9")
    assert timer_lead_s(suunto) == 0.0
    splits = split_by_distance(suunto, 1000.0)
    assert splits[0].start_s == 0.0
    assert splits[0].elapsed_s == pytest.approx(pace, abs=0.01)
    tcx = dataclasses.replace(synthetic_run(BASE_START, [pace] * 2), format=Format.TCX, device="garmin fr945")
    assert timer_lead_s(tcx) == 0.0
    assert split_by_distance(tcx, 1000.0)[0].elapsed_s == pytest.approx(pace, abs=0.01)


@pytest.mark.parametrize(
    ("file_format", "device", "lead_s"),
    [
        (Format.FIT, "garmin fr945", 0.5),
        (Format.FIT, "Garmin fenix6", 0.5),
        (Format.FIT, "garmin", 0.5),
        (Format.FIT, "suunto Suunto 9", 0.0),
        (Format.FIT, "coros COROS PACE 2", 0.0),
        (Format.FIT, "", 0.0),
        (Format.TCX, "garmin fr945", 0.0),
        (Format.GPX, "garmin fr945", 0.0),
    ],
)
def test_the_lead_is_the_garmin_fit_rule(file_format: Format, device: str, lead_s: float) -> None:
    assert device_lead_s(file_format, device) == lead_s


def test_an_activity_without_samples_keeps_its_start() -> None:
    empty = make_activity(np.zeros(0), format=Format.FIT, device="garmin fr945")
    assert len(split_by_distance(empty, 1000.0)) == 0
    assert split_by_distance(empty, 1000.0).total.elapsed_s == 0.0


@pytest.mark.parametrize("device", ["garmin fr945", "suunto 9"])
@pytest.mark.parametrize("records_before_timer_s", [0, 3])
def test_info_shows_the_elapsed_time_the_splits_add_up_to(device: str, records_before_timer_s: int) -> None:
    """One computation for the whole run's elapsed time: `progrun info` and the splits' total."""
    pace = 300
    run = synthetic_run(BASE_START, [pace] * 3)
    end_s = float(run.time_s[-1])
    timer_s = end_s - records_before_timer_s
    lap = Lap(
        0, float(records_before_timer_s), timer_s, timer_s, float(run.distance_m[-1]), LapTrigger.SESSION_END
    )
    activity = read_activity(write_fit_activity(run, laps=[lap], device=device), name="run.fit")
    total_s = split_by_distance(activity, 1000.0).total.elapsed_s
    assert total_s == pytest.approx(end_s - records_before_timer_s + device_lead_s(Format.FIT, device))
    assert summarise(activity, "run.fit").elapsed_s == round(total_s, 1)


def test_a_first_lap_stamped_before_the_first_record_counts_from_its_own_press() -> None:
    """The FR935 of activities-more starts its first lap 1 s before its first record: by lap, that lap
    counts from half a second before its own stamp, and the later laps from their stamps."""
    pace = 300
    run = synthetic_run(BASE_START, [pace] * 2)
    laps = [
        Lap(0, -1.0, pace + 1.5, pace + 1.5, 1000.0, LapTrigger.DISTANCE),
        Lap(1, float(pace + 1), pace - 1.0, pace - 1.0, 1000.0, LapTrigger.SESSION_END),
    ]
    activity = dataclasses.replace(run, laps=tuple(laps), device="garmin fr935")
    by_lap = split_by_lap(activity)
    assert [split.start_s for split in by_lap] == [-1.5, pace + 1.0]
    assert by_lap[0].elapsed_s == pytest.approx(pace + 1.5)
