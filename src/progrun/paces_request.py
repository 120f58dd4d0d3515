"""A paces request: a race result or the paces a runner knows, as typed -> VDOT, race equivalents and
training paces. No click, no terminal: `progrun paces` renders the report, a web app would too.

Bad input raises an error naming the field (`error.field`), never a flag: `UnitError(field=...)` for text
that is not a pace or race result, `RequestError` for a missing or contradictory source, `PaceError` for
a race outside the model.

>>> report = paces_report(PacesRequest(race="5k=20:00"))
>>> (round(report.paces.vdot or 0.0, 1), round(report.paces.threshold_s_per_km or 0.0))
(49.8, 256)
"""

from __future__ import annotations

from dataclasses import dataclass

from progrun.errors import RequestError, Suggestion, UnitError
from progrun.paces import (
    RACE_DISTANCES_M,
    PaceExplanation,
    explain,
    race_equivalents,
    training_paces_from_entered,
    training_paces_from_race,
)
from progrun.race_prediction import riegel_time
from progrun.training_paces import TrainingPaces
from progrun.units import parse_pace, parse_race

#: The paces a runner can enter, in the order a form shows them.
ENTERED_FIELDS: tuple[str, ...] = ("marathon_pace", "pace_10k", "pace_5k", "easy_pace", "threshold_pace")
#: The race distance behind each entered race pace, in the order Riegel's second opinion prefers them.
_RIEGEL_FROM: tuple[tuple[str, float], ...] = (
    ("pace_5k", 5000.0),
    ("pace_10k", 10000.0),
    ("marathon_pace", 42195.0),
)


@dataclass(frozen=True)
class PacesRequest:
    """A race result ("5k=20:00") or entered paces ("8:30", "5:17/km"), as typed.

    `unit` ("km" or "mi") is the unit of an entered pace written without one.
    """

    race: str | None = None
    marathon_pace: str | None = None
    pace_10k: str | None = None
    pace_5k: str | None = None
    easy_pace: str | None = None
    threshold_pace: str | None = None
    unit: str = "km"
    explain: bool = False


@dataclass(frozen=True)
class PacesReport:
    """Everything a paces view shows, computed once: the paces, the race, equivalents, Riegel, working."""

    paces: TrainingPaces
    race: tuple[float, float] | None
    equivalents: dict[str, float | None]
    riegel: dict[str, float] | None
    riegel_from: tuple[float, float] | None
    explanation: PaceExplanation | None


def paces_report(request: PacesRequest) -> PacesReport:
    """The paces report for `request`; errors name the field at fault."""
    entered_texts = {field: getattr(request, field) for field in ENTERED_FIELDS}
    given = [field for field, text in entered_texts.items() if text is not None]
    if request.race is not None and given:
        raise RequestError(
            given[0],
            [
                "give either ",
                Suggestion("race"),
                " or entered paces (",
                Suggestion("marathon_pace"),
                ", ",
                Suggestion("pace_10k"),
                ", ...), not both",
            ],
        )
    if request.race is None and not given:
        raise RequestError(
            "race",
            [
                "give a race result (",
                Suggestion("race", "5k=20:00"),
                ") or the paces you know (",
                Suggestion("marathon_pace", "8:30"),
                ")",
            ],
        )
    race: tuple[float, float] | None = None
    riegel_from: tuple[float, float] | None = None
    if request.race is not None:
        try:
            race = parse_race(request.race)
        except UnitError as error:
            raise UnitError(error.text, error.kind, error.example, field="race") from None
        paces = training_paces_from_race(*race)
        riegel_from = race
    else:
        entered = _parse_entered(request.unit, entered_texts)
        paces = training_paces_from_entered(
            marathon_s_per_km=entered["marathon_pace"],
            race_10k_s_per_km=entered["pace_10k"],
            race_5k_s_per_km=entered["pace_5k"],
            easy_s_per_km=entered["easy_pace"],
            threshold_s_per_km=entered["threshold_pace"],
        )
        for field, distance_m in _RIEGEL_FROM:
            pace = entered[field]
            if pace is not None:
                riegel_from = (distance_m, pace * distance_m / 1000.0)
                break
    equivalents: dict[str, float | None] = dict.fromkeys(RACE_DISTANCES_M)
    if paces.vdot is not None:
        equivalents.update(race_equivalents(paces.vdot))
    riegel = None
    if riegel_from is not None:
        riegel = {
            name: riegel_time(*riegel_from, distance_m) for name, distance_m in RACE_DISTANCES_M.items()
        }
    explanation = explain(paces, race) if request.explain else None
    return PacesReport(paces, race, equivalents, riegel, riegel_from, explanation)


def _parse_entered(unit: str, texts: dict[str, str | None]) -> dict[str, float | None]:
    parsed: dict[str, float | None] = {}
    for field, text in texts.items():
        if text is None:
            parsed[field] = None
            continue
        try:
            parsed[field] = parse_pace(text, default_unit=unit)
        except UnitError as error:
            raise UnitError(error.text, error.kind, error.example, field=field) from None
    return parsed
