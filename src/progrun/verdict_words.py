"""The verdict in a coach's words, and the table a runner reads beside them: one number each.

Every pace and difference here comes from the Verdict's fields, which the judge rounded once to whole
seconds per mile or km (`progrun.judge`): `table_rows` and `coach_findings` format the same values, so
"mile 4 was 16 s slower than mile 3" is the table's "+16" in mile 4's "vs prev" column.
"""

from __future__ import annotations

import math

from progrun.plan import SplitUnit, StepKind
from progrun.route_plan import flat_paces_of
from progrun.score import NOISE_ALLOWANCE_S_PER_KM
from progrun.units import format_duration, format_pace
from progrun.verdict import SplitStatus, SplitVerdict, Verdict

__all__ = ["TABLE_COLUMNS", "coach_findings", "pace_text", "seconds_per_unit", "table_rows"]

#: The split table's columns (the unit is filled in by `table_columns`).
TABLE_COLUMNS = ("Split", "Target", "Band", "Watch", "GAP", "Off s/{u}", "vs prev s/{u}", "HR", "Status")


def seconds_per_unit(delta_s_per_km: float, unit: SplitUnit) -> int:
    """A difference of rounded paces (s/km) as whole seconds per unit (exact: no second rounding)."""
    return math.floor(delta_s_per_km * unit.metres / 1000.0 + 0.5)


def pace_text(pace_s_per_km: float, unit: SplitUnit, suffix: bool = True) -> str:
    """A pace as m:ss per unit, or "-" when there is none."""
    if not math.isfinite(pace_s_per_km) or pace_s_per_km <= 0:
        return "-"
    return format_pace(pace_s_per_km, unit.value, suffix=suffix)


def _signed(delta_s_per_km: float, unit: SplitUnit) -> str:
    if not math.isfinite(delta_s_per_km):
        return "-"
    value = seconds_per_unit(delta_s_per_km, unit)
    return f"{value:+d}" if value else "0"


def band_text(split: SplitVerdict, unit: SplitUnit) -> str:
    """The band as the table shows it: slow edge - fast edge."""
    return f"{pace_text(split.high_s_per_km, unit, False)}-{pace_text(split.low_s_per_km, unit, False)}"


def _status(split: SplitVerdict) -> str:
    if split.gps_suspect:
        status = "GPS suspect"
    elif split.in_band is None:
        status = split.status
    else:
        status = "in band" if split.in_band else "outside band"
    if split.status is SplitStatus.PARTIAL:
        status += " (partial)"
    if split.stopped_s >= 20.0:
        status += f", stopped {format_duration(split.stopped_s)}"
    return status


def table_columns(unit: SplitUnit) -> list[str]:
    return [column.format(u=unit.value) for column in TABLE_COLUMNS]


def table_rows(verdict: Verdict) -> list[dict[str, str]]:
    """The split table as text cells keyed by column (`table_columns`)."""
    unit = verdict.unit
    columns = table_columns(unit)
    rows: list[dict[str, str]] = []
    for split in verdict.splits:
        heart = f"{split.heart_rate_avg_bpm:.0f}" if math.isfinite(split.heart_rate_avg_bpm) else "-"
        cells = (
            split.label,
            pace_text(split.target_s_per_km, unit, False),
            band_text(split, unit),
            pace_text(split.actual_s_per_km, unit, False),
            pace_text(split.gap_s_per_km, unit, False),
            _signed(split.off_s_per_km, unit),
            _signed(split.delta_prev_s_per_km, unit) + _against(verdict, split),
            heart,
            _status(split),
        )
        rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def _against(verdict: Verdict, split: SplitVerdict) -> str:
    """ " vs mile 2" when the split is compared with another than the one before it (GPS drift between)."""
    if split.compared_with is None or split.compared_with == split.index - 1:
        return ""
    return f" vs {_lower(verdict.splits[split.compared_with - 1].label)}"


def _lower(label: str) -> str:
    return label[0].lower() + label[1:] if label.startswith(("Mile", "Km", "The")) else label


def _plural(label: str) -> str:
    return {"Mile": "Miles", "Km": "Km"}.get(label.split(" ", maxsplit=1)[0], label.split(" ", maxsplit=1)[0])


def _span(first: SplitVerdict, last: SplitVerdict) -> str:
    if first is last:
        return first.label
    return f"{_plural(first.label)} {first.label.split(' ')[-1]}-{last.label.split(' ')[-1]}"


def _distance_text(metres: float, unit: SplitUnit) -> str:
    return f"{metres / unit.metres:.1f}".rstrip("0").rstrip(".") or "0"


def _differs(split: SplitVerdict, unit: SplitUnit) -> bool:
    """The judged (grade-adjusted) pace a sentence gives is not the watch pace the runner sees in the
    table: the two differ once shown (4:17 against 4:15), so the sentence says which it used."""
    return (
        not split.gps_suspect
        and math.isfinite(split.gap_s_per_km)
        and pace_text(split.actual_s_per_km, unit) != pace_text(split.judged_s_per_km, unit)
    )


def _judged_on(split: SplitVerdict, verdict: Verdict) -> str:
    """ "; watch pace 4:55/km" when the judged pace is grade-adjusted and the watch showed another; for a
    route-aware plan, "; GAP 4:41/km against 4:40/km flat" (the effort against the flat plan's)."""
    flat = flat_paces_of(verdict.plan)
    if flat is not None and math.isfinite(split.gap_s_per_km) and 1 <= split.index <= len(flat):
        gap, planned = (pace_text(pace, verdict.unit) for pace in (split.gap_s_per_km, flat[split.index - 1]))
        return f"; GAP {gap} against {planned} flat"
    return (
        f"; watch pace {pace_text(split.actual_s_per_km, verdict.unit)}"
        if _differs(split, verdict.unit)
        else ""
    )


def _lead(verdict: Verdict, run: list[SplitVerdict]) -> str:
    score = f"score {verdict.score.value:g}"
    trusted = [split for split in run if not split.gps_suspect]
    if verdict.progressed and verdict.target_reached and verdict.score.value < 90.0:
        return f"You progressed every split and reached the target ({score})."
    if verdict.progressed and verdict.target_reached:
        return f"Good progression run: every split as fast or faster than the one before ({score})."
    if verdict.progressed:
        return f"You progressed split by split ({score})."
    slower = any(split.slower_than_previous for split in trusted)
    if len(trusted) >= 2 and not slower and any(split.stalled for split in trusted):
        return f"Not a progression: the pace did not get faster split by split ({score})."
    return f"Not a clean progression ({score})."


def _coverage(verdict: Verdict) -> str | None:
    if verdict.coverage >= 1.0:
        return None
    unit = verdict.unit
    covered = f"{verdict.covered_m / unit.metres:.1f}"
    planned = _distance_text(verdict.plan.total_distance_m, unit)
    metres = f" ({verdict.covered_m:.0f} m)" if verdict.covered_m < unit.metres else ""
    partial = [split for split in verdict.splits if split.status is SplitStatus.PARTIAL]
    missing = [split for split in verdict.splits if not split.was_run]
    parts = []
    if partial:
        parts.append(", ".join(_lower(split.label) for split in partial) + " partly run")
    if missing:
        count = len(missing)
        if count == len(verdict.splits):
            parts.append("no planned split was run")
        else:
            names = _lower(_span(missing[0], missing[-1]))
            parts.append(f"{count} planned {'splits were' if count > 1 else 'split was'} not run ({names})")
    return f"Covered {covered} of the planned {planned} {unit.value}{metres}: {', '.join(parts)}."


def _compared(verdict: Verdict, split: SplitVerdict, trusted: list[SplitVerdict]) -> SplitVerdict:
    """The split `split.delta_prev_s_per_km` was measured against (`SplitVerdict.compared_with`)."""
    if split.compared_with is not None:
        return verdict.splits[split.compared_with - 1]
    return trusted[trusted.index(split) - 1]


def _stalls(verdict: Verdict, trusted: list[SplitVerdict]) -> list[str]:
    """Runs of splits that held a pace ("miles 3-5 held mile 2's pace") and single small speed-ups."""
    unit = verdict.unit
    found: list[str] = []
    index = 0
    while index < len(trusted):
        split = trusted[index]
        if not split.stalled:
            index += 1
            continue
        before = _compared(verdict, split, trusted)
        held = abs(split.delta_prev_s_per_km) <= NOISE_ALLOWANCE_S_PER_KM
        if not held:
            faster = -seconds_per_unit(split.delta_prev_s_per_km, unit)
            found.append(
                f"{split.label} got only {faster} s faster than {_lower(before.label)}, "
                "less than half the planned step."
            )
            index += 1
            continue
        last = index
        while (
            last + 1 < len(trusted)
            and abs(trusted[last + 1].judged_s_per_km - before.judged_s_per_km) <= NOISE_ALLOWANCE_S_PER_KM
            and not trusted[last + 1].slower_than_previous
            and trusted[last + 1].judged_s_per_km > verdict.tempo_edge_s_per_km
        ):
            last += 1
        found.append(
            f"{_span(split, trusted[last])} held {_lower(before.label)}'s pace "
            f"({pace_text(before.judged_s_per_km, unit)}) instead of getting faster."
        )
        index = last + 1
    return found


def _target(verdict: Verdict, trusted: list[SplitVerdict]) -> str:
    unit = verdict.unit
    last = trusted[-1]
    final = verdict.splits[-1]
    on = " on grade-adjusted pace" if _differs(last, unit) else ""
    at = f"{_lower(last.label)} at {pace_text(last.judged_s_per_km, unit)}"
    if verdict.target_reached:
        target = pace_text(final.target_s_per_km, unit)
        return f"Target reached{on}: {at} (target {target}){_judged_on(last, verdict)}."
    miss = seconds_per_unit(last.judged_s_per_km - final.high_s_per_km, unit)
    return (
        f"Target missed{on}: {at}, {miss} s slower than the {band_text(final, unit)} band "
        f"(target {pace_text(final.target_s_per_km, unit)}){_judged_on(last, verdict)}."
    )


def coach_findings(verdict: Verdict) -> list[str]:
    """The verdict as short sentences, most important first (the paces a runner reads: per mile or km)."""
    unit = verdict.unit
    run = [split for split in verdict.splits if split.was_run]
    coverage = _coverage(verdict)
    if not run:
        covered = f"{(verdict.covered_m if math.isfinite(verdict.covered_m) else 0.0) / unit.metres:.1f}"
        metres = f"{verdict.covered_m:.0f} m" if math.isfinite(verdict.covered_m) else "no distance"
        return [
            f"No planned split was run: covered {covered} of the planned "
            f"{_distance_text(verdict.plan.total_distance_m, unit)} {unit.value} ({metres}), "
            f"not even half the first split (score {verdict.score.value:g})."
        ]
    trusted = [split for split in run if not split.gps_suspect]
    findings = [_lead(verdict, run)]
    if coverage:
        findings.append(coverage)
    for split in run:
        if split.gps_suspect:
            findings.append(
                f"The watch's distance is suspect in {_lower(split.label)}: its pace "
                f"{pace_text(split.judged_s_per_km, unit)} against the "
                f"{pace_text(split.target_s_per_km, unit)} target, "
                "while heart rate and cadence say it was run as planned; "
                f"{_lower(split.label)} is not judged on pace."
            )
    if not trusted:
        findings.append("No split's pace can be trusted, so none was judged on pace.")
        return findings
    findings.extend(_stalls(verdict, trusted))
    slower = [split for split in trusted if split.slower_than_previous]
    for split in slower:
        before = _compared(verdict, split, trusted)
        seconds = seconds_per_unit(split.delta_prev_s_per_km, unit)
        reason = ": you went out too fast" if verdict.went_out_too_fast and split is slower[0] else ""
        findings.append(f"{split.label} was {seconds} s slower than {_lower(before.label)}{reason}.")
    if verdict.went_out_too_fast and not slower:
        first = next(
            split for split in trusted[:2] if split.off_s_per_km < 0 and split.kind is not StepKind.TEMPO
        )
        at = f"{_lower(first.label)} at {pace_text(first.judged_s_per_km, unit)}"
        planned = pace_text(first.target_s_per_km, unit)
        if any(split.stalled for split in trusted):
            findings.append(
                f"It started too fast: {at} against {planned} planned{_judged_on(first, verdict)}."
            )
        else:
            findings.append(
                f"You went out too fast: {at} against {planned} planned{_judged_on(first, verdict)}."
            )
    for position, split in enumerate(trusted):
        if not position or split.slower_than_previous or not math.isfinite(split.gap_s_per_km):
            continue
        raw_delta = split.actual_s_per_km - trusted[position - 1].actual_s_per_km
        if math.isfinite(raw_delta) and raw_delta > NOISE_ALLOWANCE_S_PER_KM and split.elevation_gain_m >= 10:
            findings.append(
                f"{split.label} looks slower on the watch, but it climbed {split.elevation_gain_m:.0f} m: "
                "by grade-adjusted pace it held the progression."
            )
    findings.append(_target(verdict, trusted))
    if verdict.tempo_splits > verdict.tempo_cap:
        findings.append(
            f"{verdict.tempo_splits} splits at tempo or faster than threshold, more than the cap of "
            f"{verdict.tempo_cap}: keep the early splits easy."
        )
    for split in run:
        if split.stopped_s >= 20.0:
            findings.append(f"{format_duration(split.stopped_s)} stopped in {_lower(split.label)}.")
    if verdict.cooldown_done:
        findings.append(f"Cooldown {format_duration(verdict.cooldown_s)}: good.")
    elif verdict.cooldown_s >= 1.0:
        findings.append(f"Cooldown only {format_duration(verdict.cooldown_s)}: walk or jog about 5 minutes.")
    else:
        findings.append("No cooldown: walk or jog about 5 minutes to bring your heart rate down.")
    erratic = [split for split in trusted if math.isfinite(split.pace_cv) and split.pace_cv > 0.08]
    if erratic:
        worst = max(erratic, key=lambda split: split.pace_cv)
        findings.append(
            f"{worst.label} was uneven (pace varied by {worst.pace_cv * 100:.0f} %): settle into the pace."
        )
    if verdict.extra_distance_m > 0:
        findings.append(f"You ran {verdict.extra_distance_m:.0f} m more than planned before the cooldown.")
    delta = verdict.cumulative_delta_s
    if math.isfinite(delta) and abs(delta) >= 1.0:
        side = "slower" if delta > 0 else "faster"
        moving = verdict.running_s - verdict.stopped_s
        stops = (
            f" while moving, plus {format_duration(verdict.stopped_s)} stopped" if verdict.stopped_s else ""
        )
        findings.append(
            f"Overall {format_duration(abs(delta))} {side} than planned{stops} "
            f"({format_duration(moving)} against {format_duration(verdict.planned_running_s)})."
        )
    return findings
