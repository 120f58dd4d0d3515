"""Generated runs for the verdict tests: plans for a grid of runners, and the ways a recording goes wrong
(a stop, GPS drift, a run cut short, a ride) applied to a simulated run (`progrun.simulate`)."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from progrun.activity import Activity, make_activity
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit
from progrun.planner import build_plan
from progrun.verdict import Verdict
from progrun.verdict_words import table_columns, table_rows

#: 5k times (s) from a 16:00 to a 30:00 runner.
FIVE_K_S = (960.0, 1200.0, 1500.0, 1800.0)


def plan_for(five_k_s: float, unit: SplitUnit = SplitUnit.MILE, distance_m: float | None = None) -> Plan:
    distance = distance_m if distance_m is not None else (5 * 1609.344 if unit is SplitUnit.MILE else 8000.0)
    return build_plan(training_paces_from_race(5000, five_k_s), distance, unit=unit)


def _rebuilt(activity: Activity, **columns: np.ndarray) -> Activity:
    names = ("time_s", "distance_m", "speed_m_s", "lat_deg", "lon_deg", "altitude_m", "heart_rate_bpm")
    values = {name: columns.get(name, getattr(activity, name)) for name in names}
    values["cadence_spm"] = columns.get("cadence_spm", activity.cadence_spm)
    rebuilt = make_activity(
        values.pop("time_s"), **values, start=activity.start, format=activity.format, sport=activity.sport
    )
    return replace(rebuilt, source=activity.source)


def with_stop(activity: Activity, at_m: float, stop_s: int) -> Activity:
    """The runner stands still for `stop_s` seconds on reaching `at_m` (watch still recording, no laps)."""
    index = int(np.searchsorted(activity.distance_m, at_m))
    pad = np.arange(1, stop_s + 1, dtype=np.float64)

    def insert(column: np.ndarray, fill: np.ndarray) -> np.ndarray:
        return np.concatenate([column[: index + 1], fill, column[index + 1 :]])

    time = np.concatenate(
        [activity.time_s[: index + 1], activity.time_s[index] + pad, activity.time_s[index + 1 :] + stop_s]
    )
    heart = activity.heart_rate_bpm[index] - 30.0 * (1.0 - np.exp(-pad / 30.0))
    columns = {
        "time_s": time,
        "distance_m": insert(activity.distance_m, np.full(stop_s, activity.distance_m[index])),
        "speed_m_s": insert(activity.speed_m_s, np.zeros(stop_s)),
        "lat_deg": insert(activity.lat_deg, np.full(stop_s, activity.lat_deg[index])),
        "lon_deg": insert(activity.lon_deg, np.full(stop_s, activity.lon_deg[index])),
        "altitude_m": insert(activity.altitude_m, np.full(stop_s, activity.altitude_m[index])),
        "heart_rate_bpm": insert(activity.heart_rate_bpm, np.round(heart)),
        "cadence_spm": insert(activity.cadence_spm, np.zeros(stop_s)),
    }
    return _rebuilt(activity, **columns)


def with_gps_drift(activity: Activity, from_m: float, to_m: float, factor: float) -> Activity:
    """GPS distance (and speed) off by `factor` between two true distances; heart rate and cadence as run."""
    increments = np.diff(activity.distance_m, prepend=0.0)
    inside = (activity.distance_m > from_m) & (activity.distance_m <= to_m)
    increments[inside] *= factor
    speed = activity.speed_m_s.copy()
    speed[inside] *= factor
    return _rebuilt(activity, distance_m=np.cumsum(increments), speed_m_s=speed)


def table(verdict: Verdict) -> dict[str, dict[str, str]]:
    """The split table as the CLI prints it, by split label (lower case), with plain column names."""
    columns = table_columns(verdict.unit)
    plain = ["split", "target", "band", "watch", "gap", "off", "prev", "hr", "status"]
    return {
        row["Split"].lower(): dict(zip(plain, (row[column] for column in columns), strict=True))
        for row in table_rows(verdict)
    }


def judged_cell(row: dict[str, str]) -> str:
    return row["gap"] if row["gap"] != "-" else row["watch"]


SENTENCE_CHECKS: tuple[tuple[str, str], ...] = (
    (r"(?P<label>(?:mile|km) \d+) was (?P<n>\d+) s slower than", "prev+"),
    (r"(?P<label>(?:mile|km) \d+) got only (?P<n>\d+) s faster than", "prev-"),
    (r"(?P<label>(?:mile|km) \d+) at (?P<pace>\d+:\d\d)/", "judged"),
    (r"(?P<label>(?:mile|km) \d+) at \d+:\d\d/\w+ against (?P<pace>\d+:\d\d)/\w+ planned", "target"),
    (r"held (?P<label>(?:mile|km) \d+)'s pace \((?P<pace>\d+:\d\d)/", "judged"),
)


def check_sentences_against_table(verdict: Verdict) -> int:
    """Assert every figure the sentences give equals its table cell; returns how many were checked."""
    rows = table(verdict)
    text = verdict.text.lower()
    checked = 0
    for pattern, kind in SENTENCE_CHECKS:
        for found in re.finditer(pattern, text):
            row = rows[found["label"]]
            if kind == "prev+":
                assert row["prev"].split(" vs ")[0] == f"+{found['n']}", (found.group(0), row)
            elif kind == "prev-":
                assert row["prev"].split(" vs ")[0] == f"-{found['n']}", (found.group(0), row)
            elif kind == "judged":
                assert judged_cell(row) == found["pace"], (found.group(0), row)
            else:
                assert row["target"] == found["pace"], (found.group(0), row)
            checked += 1
    final = list(rows.values())[-1]
    for found in re.finditer(r"\(target (?P<pace>\d+:\d\d)/", text):
        assert final["target"] == found["pace"], (found.group(0), final)
        checked += 1
    missed = re.search(
        r"target missed[^:]*: (?P<label>(?:mile|km) \d+) at [^,]+, "
        r"(?P<n>\d+) s slower than the (?P<band>\S+) band",
        text,
    )
    if missed:
        assert rows[missed["label"]]["off"] == f"+{missed['n']}", (missed.group(0), rows[missed["label"]])
        assert final["band"] == missed["band"]
        checked += 2
    watch = re.search(r"(?P<label>(?:mile|km) \d+) at [^;]+; watch pace (?P<pace>\d+:\d\d)/", text)
    if watch:
        assert rows[watch["label"]]["watch"] == watch["pace"], (watch.group(0), rows[watch["label"]])
        checked += 1
    for deduction in verdict.score.deductions:
        figure = re.search(r"up to (\d+) s/", deduction.detail)
        if figure is None:
            continue
        if deduction.check == "slower_split":
            shown = [
                int(rows[split.label.lower()]["prev"])
                for split in verdict.splits
                if split.slower_than_previous
            ]
        elif deduction.check == "outside_band":
            shown = [abs(int(row["off"])) for row in rows.values() if row["off"] not in ("-", "0")]
        else:
            continue
        assert int(figure.group(1)) == max(shown), (deduction, shown)
        checked += 1
    return checked
