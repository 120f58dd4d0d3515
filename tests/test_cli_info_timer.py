"""`progrun info` on generated FIT files: the timer is `Activity.timer_s` (a Suunto manual lap that overlaps
the auto laps counts once), and every text the file carries (device, workout name, warnings) reaches the
terminal without its control or bidi characters."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.activity import Lap, LapTrigger, Pause
from progrun.cli import cli
from progrun.cli.info_command import format_summary, summarise
from progrun.formats import read_activity
from progrun.formats.fit_writer import write_fit_activity
from tests.synthetic_runs import BASE_START, synthetic_run

#: 3:00/km to 12:00/km.
PACES_S_PER_KM = (180, 300, 450, 720)


def _laps_with_overlapping_manual(pace: int, kilometres: int, start_km: float, manual_km: float) -> list[Lap]:
    laps = [
        Lap(k, float(k * pace), float(pace), float(pace), 1000.0, LapTrigger.DISTANCE)
        for k in range(kilometres)
    ]
    manual_s = manual_km * pace
    laps.append(Lap(kilometres, start_km * pace, manual_s, manual_s, manual_km * 1000.0, LapTrigger.MANUAL))
    return laps


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize(("start_km", "manual_km"), [(0.0, 2.5), (1.3, 2.0), (0.5, 4.5)])
def test_info_timer_counts_an_overlapping_manual_lap_once(
    tmp_path: Path, pace: int, start_km: float, manual_km: float
) -> None:
    run = synthetic_run(BASE_START, [pace] * 5)
    laps = _laps_with_overlapping_manual(pace, 5, start_km, manual_km)
    path = tmp_path / "suunto.fit"
    path.write_bytes(write_fit_activity(run, laps=laps, device="suunto 9"))

    result = CliRunner().invoke(cli, ["info", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # the laps' sum would be 5 paces plus the manual lap again
    assert data["timer_s"] == pytest.approx(5 * pace, abs=0.05)
    assert data["elapsed_s"] == pytest.approx(5 * pace, abs=0.05)

    # Without the session's total the laps' union less the pauses inside it is the timer.
    activity = read_activity(path)
    paused = dataclasses.replace(activity, extra={}, pauses=(Pause(pace * 1.0, pace * 1.0 + 30.0),))
    summary = summarise(paused, str(path))
    assert summary.timer_s == pytest.approx(5 * pace - 30.0, abs=0.05)
    assert summary.timer_s == round(paused.timer_s, 1)


HOSTILE = [
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",  # OSC 52: writes the clipboard
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear the screen
    "name\u202eexe.fit",  # bidi override
    "over\rwrite\x08",  # carriage return and backspace
    "\x9b31m",  # C1 CSI
]


@pytest.mark.parametrize("text", HOSTILE)
def test_info_prints_file_texts_without_control_characters(tmp_path: Path, text: str) -> None:
    run = synthetic_run(BASE_START, [300, 290])
    path = tmp_path / "hostile.fit"
    path.write_bytes(write_fit_activity(run, device=f"acme {text}", workout_name=f"tempo {text}"))
    activity = read_activity(path)
    assert text in activity.device and text in activity.workout_name  # the data itself is kept
    hostile = dataclasses.replace(activity, warnings=(f"odd field {text}",))

    output = format_summary(summarise(hostile, str(path)))
    assert not any(ch in output for ch in "\x1b\x07\x08\r\x9b\u202e")
    lines = output.splitlines()
    device_line = next(line for line in lines if line.startswith("device"))
    workout_line = next(line for line in lines if line.startswith("workout"))
    warning_line = next(line for line in lines if line.startswith("warnings"))
    assert device_line.startswith("device    ") and "acme " in device_line
    assert "\N{REPLACEMENT CHARACTER}" in device_line
    assert workout_line.startswith("workout   tempo ") and "\N{REPLACEMENT CHARACTER}" in workout_line
    assert warning_line.startswith("warnings  odd field ")

    result = CliRunner().invoke(cli, ["info", str(path)])
    assert result.exit_code == 0, result.output
    assert not any(ch in result.output for ch in "\x1b\x07\x08\r\x9b\u202e")
