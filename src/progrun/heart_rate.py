"""Heart-rate zones and heart-rate-guided progression runs: each split one step harder, by heart rate.

For hot days, returns from injury and runners without a trusted pace: the splits climb through the
zones, easy aerobic (Z2) to threshold, and the last 1-3 splits (the plan's tempo splits) hold threshold
heart rate. The distances, the split count and the cooldown are those of the pace plan (3-6 mi / 5-10
km or 20-60 min); the paces stay as a guide, the heart rate leads.

**Karvonen** (heart-rate reserve; Karvonen, Kentala & Mustala 1957, Ann Med Exp Biol Fenn 35:307-315):
`target = resting + fraction × (maximum - resting)`. Five zones of the reserve: Z1 50-60 %, Z2 60-70 %,
Z3 70-80 %, Z4 80-90 %, Z5 90-100 % (the customary split of the reserve into tenths). Threshold: Z4.

**Lactate-threshold heart rate** (Joe Friel's running zones, % of LTHR, "Quick guide to setting zones",
TrainingPeaks): Z1 < 85 %, Z2 85-89 %, Z3 90-94 %, Z4 95-99 %, Z5a 100-102 %, Z5b 103-106 %,
Z5c > 106 %. Threshold: Z4 to Z5a, 95-102 % of LTHR (just under to just over the threshold).

**The climb.** With `b` build splits, the range from the bottom of Z2 to the bottom of the threshold
band is cut into `b` equal slices, one per build split, lowest first; each tempo split holds the
threshold band. A warm-up split (`warmup`) is Z1 (up to the bottom of Z2); the walk/jog has no target.

>>> zones = karvonen_zones(max_bpm=190, resting_bpm=50)
>>> [(zone.name, round(zone.low_bpm), round(zone.high_bpm)) for zone in zones.zones][:3]
[('Z1', 120, 134), ('Z2', 134, 148), ('Z3', 148, 162)]
>>> [(round(b.low_bpm), round(b.high_bpm), b.zone) for b in hr_climb(zones, build_splits=3, tempo_splits=2)]
[(134, 143, 'Z2'), (143, 153, 'Z2-Z3'), (153, 162, 'Z3'), (162, 176, 'Z4'), (162, 176, 'Z4')]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from progrun.errors import PlanError, Suggestion
from progrun.plan import Plan, StepKind

__all__ = [
    "HeartRateBand",
    "HeartRateZones",
    "Zone",
    "hr_bands_of",
    "hr_climb",
    "karvonen_zones",
    "lthr_zones",
    "with_heart_rate",
]

KARVONEN_SOURCE = "Karvonen, Kentala & Mustala 1957: resting + % x (maximum - resting)"
FRIEL_SOURCE = "Friel's running zones, % of lactate-threshold heart rate"
#: (name, low, high) as fractions of the heart-rate reserve.
KARVONEN_FRACTIONS: tuple[tuple[str, float, float], ...] = (
    ("Z1", 0.50, 0.60),
    ("Z2", 0.60, 0.70),
    ("Z3", 0.70, 0.80),
    ("Z4", 0.80, 0.90),
    ("Z5", 0.90, 1.00),
)
#: (name, low, high) as fractions of LTHR; Z1's floor and Z5c's ceiling are where the chart is open.
FRIEL_FRACTIONS: tuple[tuple[str, float, float], ...] = (
    ("Z1", 0.75, 0.85),
    ("Z2", 0.85, 0.90),
    ("Z3", 0.90, 0.95),
    ("Z4", 0.95, 1.00),
    ("Z5a", 1.00, 1.03),
    ("Z5b", 1.03, 1.07),
    ("Z5c", 1.07, 1.10),
)


@dataclass(frozen=True)
class Zone:
    """One heart-rate zone, bpm."""

    name: str
    low_bpm: float
    high_bpm: float


@dataclass(frozen=True)
class HeartRateZones:
    """A runner's zones, the band a progression run ends in (`threshold`), and how they were found."""

    method: str
    zones: tuple[Zone, ...]
    threshold: Zone
    working: str
    max_bpm: float | None = None
    resting_bpm: float | None = None
    lthr_bpm: float | None = None

    def zone(self, name: str) -> Zone:
        """The zone called `name` ("Z2")."""
        return next(zone for zone in self.zones if zone.name == name)

    def zone_of(self, bpm: float) -> str:
        """The name of the zone `bpm` lies in (the lowest or highest zone beyond the ends)."""
        for zone in self.zones:
            if bpm < zone.high_bpm:
                return zone.name
        return self.zones[-1].name


@dataclass(frozen=True)
class HeartRateBand:
    """A split's heart-rate target: average between `low_bpm` and `high_bpm`, in zone(s) `zone`."""

    low_bpm: float
    high_bpm: float
    zone: str


def _check_bpm(value: float, field: str, low: float, high: float, example: str) -> None:
    if not low <= value <= high:
        raise PlanError(
            field,
            f"{value:g} bpm is not a {field.replace('_', ' ')} ({low:g} to {high:g} bpm)",
            ["give your own, e.g. ", Suggestion(field, example)],
        )


def karvonen_zones(max_bpm: float, resting_bpm: float) -> HeartRateZones:
    """Zones from maximum and resting heart rate (heart-rate reserve); PlanError naming a bad field."""
    _check_bpm(max_bpm, "max_hr", 120.0, 230.0, "185")
    _check_bpm(resting_bpm, "resting_hr", 25.0, 110.0, "55")
    if max_bpm - resting_bpm < 40.0:
        raise PlanError(
            "resting_hr",
            f"resting {resting_bpm:g} bpm is within 40 bpm of maximum {max_bpm:g} bpm",
            "measure resting heart rate lying down on waking, and maximum in a hard uphill effort",
        )
    reserve = max_bpm - resting_bpm
    zones = tuple(
        Zone(name, resting_bpm + low * reserve, resting_bpm + high * reserve)
        for name, low, high in KARVONEN_FRACTIONS
    )
    working = (
        f"heart rate zones: Karvonen, resting {resting_bpm:g} + % x reserve {reserve:g} (max {max_bpm:g}) "
        f"({KARVONEN_SOURCE})"
    )
    return HeartRateZones("karvonen", zones, zones[3], working, max_bpm=max_bpm, resting_bpm=resting_bpm)


def lthr_zones(lthr_bpm: float) -> HeartRateZones:
    """Friel's running zones from lactate-threshold heart rate; PlanError naming `lthr` when implausible."""
    _check_bpm(lthr_bpm, "lthr", 100.0, 215.0, "168")
    zones = tuple(Zone(name, low * lthr_bpm, high * lthr_bpm) for name, low, high in FRIEL_FRACTIONS)
    threshold = Zone("Z4-Z5a", zones[3].low_bpm, zones[4].high_bpm)
    working = f"heart rate zones: % of lactate-threshold heart rate {lthr_bpm:g} ({FRIEL_SOURCE})"
    return HeartRateZones("lthr", zones, threshold, working, lthr_bpm=lthr_bpm)


def _zone_label(zones: HeartRateZones, low: float, high: float) -> str:
    first, last = zones.zone_of(low + 0.5), zones.zone_of(high - 0.5)
    return first if first == last else f"{first}-{last}"


def hr_climb(zones: HeartRateZones, *, build_splits: int, tempo_splits: int) -> list[HeartRateBand]:
    """The bands of `build_splits` splits climbing from the bottom of Z2, then `tempo_splits` at threshold."""
    if build_splits < 0 or tempo_splits < 1:
        raise ValueError("a heart-rate climb needs at least one split at threshold")
    bottom = zones.zone("Z2").low_bpm
    top = zones.threshold.low_bpm
    width = (top - bottom) / build_splits if build_splits else 0.0
    bands = [
        HeartRateBand(
            bottom + i * width,
            bottom + (i + 1) * width,
            _zone_label(zones, bottom + i * width, bottom + (i + 1) * width),
        )
        for i in range(build_splits)
    ]
    threshold = HeartRateBand(zones.threshold.low_bpm, zones.threshold.high_bpm, zones.threshold.name)
    return bands + [threshold] * tempo_splits


def with_heart_rate(plan: Plan, zones: HeartRateZones) -> Plan:
    """`plan` guided by heart rate: each step's band in `options["heart_rate"]`, with reasons lines."""
    builds = sum(step.kind is StepKind.BUILD for step in plan.steps)
    tempos = sum(step.kind is StepKind.TEMPO for step in plan.steps)
    climb = iter(hr_climb(zones, build_splits=builds, tempo_splits=tempos))
    z2 = zones.zone("Z2")
    bands: list[dict[str, object] | None] = []
    for step in plan.steps:
        if step.kind is StepKind.WARMUP:
            bands.append(
                {"low_bpm": zones.zones[0].low_bpm, "high_bpm": z2.low_bpm, "zone": zones.zones[0].name}
            )
        elif step.kind is StepKind.COOLDOWN:
            bands.append(None)
        else:
            band = next(climb)
            bands.append({"low_bpm": band.low_bpm, "high_bpm": band.high_bpm, "zone": band.zone})
    running = [band for band in bands if band is not None]
    climb_text = " -> ".join(f"{band['low_bpm']:.0f}-{band['high_bpm']:.0f}" for band in running)
    reasons = (
        zones.working,
        f"heart rate leads: splits climb {climb_text} bpm, Z2 to threshold ({zones.threshold.name}, "
        f"{zones.threshold.low_bpm:.0f}-{zones.threshold.high_bpm:.0f} bpm), each split one step harder; "
        "the paces are a guide",
    )
    options: dict[str, object] = {
        "method": zones.method,
        "max_bpm": zones.max_bpm,
        "resting_bpm": zones.resting_bpm,
        "lthr_bpm": zones.lthr_bpm,
        "zones": [[zone.name, zone.low_bpm, zone.high_bpm] for zone in zones.zones],
        "threshold": [zones.threshold.name, zones.threshold.low_bpm, zones.threshold.high_bpm],
        "steps": bands,
    }
    return dataclasses.replace(
        plan, reasons=(*plan.reasons, *reasons), options={**plan.options, "heart_rate": options}
    )


def hr_bands_of(plan: Plan) -> list[HeartRateBand | None] | None:
    """The heart-rate band of each step of an HR-guided plan (None for a step without); None otherwise."""
    options = plan.options.get("heart_rate")
    if not isinstance(options, dict):
        return None
    steps = options.get("steps")
    if not isinstance(steps, list) or len(steps) != len(plan.steps):
        return None
    bands: list[HeartRateBand | None] = []
    for item in steps:
        if isinstance(item, dict):
            bands.append(HeartRateBand(float(item["low_bpm"]), float(item["high_bpm"]), str(item["zone"])))
        else:
            bands.append(None)
    return bands


def threshold_of(plan: Plan) -> HeartRateBand | None:
    """The threshold band of an HR-guided plan."""
    options = plan.options.get("heart_rate")
    if not isinstance(options, dict):
        return None
    name, low, high = options["threshold"]
    return HeartRateBand(float(low), float(high), str(name))
