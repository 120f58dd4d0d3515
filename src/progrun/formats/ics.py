"""Write a Plan as an iCalendar event (`.ics`) so the run sits in the runner's calendar.

One VCALENDAR with one VEVENT:

- DTSTART is **floating local time** (RFC 5545 section 3.3.5, form 1: no `Z`, no `TZID`), the one rule
  for every calendar progrun writes (`export --to ics`, `block --ics`): the wall-clock time the
  caller gives, for a naive datetime as it is and for an aware one in its own zone (07:00+02:00 is
  written 07:00). Why floating: a training run is "07:00 in the morning" wherever the runner wakes up,
  so after a flight it should still sit at 07:00, which UTC or a fixed TZID would move; and a TZID
  needs a VTIMEZONE block and the runner's IANA zone name, which progrun is never told. DTSTAMP is
  UTC, as RFC 5545 requires.
- DTEND is DTSTART plus the plan's estimated time, cooldown included.
- SUMMARY names the run and its pace range; DESCRIPTION lists every step (label, length, target pace,
  band, cue) and the totals.
- UID is derived from the steps and the start, so exporting the same plan for the same slot again
  updates the event instead of duplicating it.
- With `Repeat.WEEKLY` an RRULE repeats it every week on the start's weekday; with
  `Repeat.TWICE_WEEKLY` on the start's weekday and the day three days later (Tuesday and Friday,
  say), never two days in a row: the method allows one or two progression runs a week. A repeat runs
  for the weeks asked (`weeks`, 1-52: RRULE COUNT is the runs in them), never forever.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from progrun.errors import ExportError, Suggestion
from progrun.formats.export_model import (
    ExportFormat,
    ExportOptions,
    ExportResult,
    Fidelity,
    Repeat,
    TargetFidelity,
    step_summary,
)
from progrun.plan import Plan
from progrun.units import format_distance, format_duration, format_pace

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Days between the two runs of a twice-weekly repeat.
SECOND_RUN_AFTER_DAYS = 3
#: The longest a calendar repeat runs: a year of weeks (a training block is 4-16).
MAX_REPEAT_WEEKS = 52


def write_ics(
    plan: Plan,
    start: datetime,
    *,
    repeat: Repeat = Repeat.NONE,
    weeks: int | None = None,
    created: datetime | None = None,
    name: str,
) -> ExportResult:
    """The calendar bytes for `plan` at `start`, optionally recurring for `weeks` weeks."""
    calendar = Calendar()
    calendar.add("prodid", "-//progrun//progression run//EN")
    calendar.add("version", "2.0")
    local = floating(start)
    event = Event()
    event.add("uid", event_uid(plan, local))
    event.add("dtstamp", (created or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(seconds=round(plan.estimated_time_s)))
    event.add("summary", summary(plan, name))
    event.add("description", description(plan))
    event.add("categories", ["Running"])
    rule = recurrence(local, repeat, weeks)
    if rule is not None:
        event.add("rrule", rule)
    calendar.add_component(event)
    rows = [
        TargetFidelity(
            None,
            "pace bands",
            Fidelity.APPROXIMATE,
            "written as text in the description, rounded to the second per unit; no device reads them",
        ),
        TargetFidelity(
            None, "distances and durations", Fidelity.APPROXIMATE, "as text in the description (2 decimals)"
        ),
        TargetFidelity(None, "cues", Fidelity.EXACT, "one description line per step ends with its cue"),
        TargetFidelity(
            None,
            "total time",
            Fidelity.EXACT,
            f"the event lasts the plan's estimated time ({format_duration(plan.estimated_time_s)})",
        ),
    ]
    return ExportResult(ExportFormat.ICS, calendar.to_ical(), tuple(rows))


def floating(start: datetime) -> datetime:
    """The wall-clock time of `start` in its own zone, without a zone: floating local time."""
    return start.replace(tzinfo=None)


def recurrence(start: datetime, repeat: Repeat, weeks: int | None) -> vRecur | None:
    """The RRULE for `repeat` over `weeks` weeks (COUNT: the runs in them), or None for a one-off run.

    A repeat never runs forever: ExportError (field "weeks") when `weeks` is missing or outside 1-52.
    """
    if repeat is Repeat.NONE:
        return None
    if weeks is None or not 1 <= weeks <= MAX_REPEAT_WEEKS:
        problem = "a repeating event needs the number of weeks it runs"
        if weeks is not None:
            problem = f"{weeks} weeks is outside 1 to {MAX_REPEAT_WEEKS}"
        raise ExportError("ICS", problem, ["give e.g. ", Suggestion("weeks", "8")], field="weeks")
    days = [_WEEKDAYS[start.weekday()]]
    if repeat is Repeat.TWICE_WEEKLY:
        days.append(_WEEKDAYS[(start.weekday() + SECOND_RUN_AFTER_DAYS) % 7])
    return vRecur({"freq": "WEEKLY", "count": weeks * len(days), "byday": days})


def event_uid(plan: Plan, start: datetime) -> str:
    """A UID that is the same for the same steps at the same start."""
    key = repr(
        ([(s.kind.value, s.pace_s_per_km, s.distance_m, s.duration_s) for s in plan.steps], start.isoformat())
    )
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@progrun"


def summary(plan: Plan, name: str) -> str:
    """ "Progression 5mi: 8:05/mi to 6:50/mi"."""
    unit = plan.unit.value
    running = plan.running_steps
    first = format_pace(running[0].pace_s_per_km, unit)
    last = format_pace(running[-1].pace_s_per_km, unit)
    return f"{name}: {first} to {last}"


def description(plan: Plan) -> str:
    """Every step on its own line, then the totals."""
    lines = [step_summary(plan, index) for index in range(len(plan.steps))]
    lines.append("")
    lines.append(
        f"Total {format_distance(plan.total_distance_m, plan.unit.value)} in about "
        f"{format_duration(plan.estimated_time_s)}, {format_duration(plan.tempo_time_s)} at tempo."
    )
    lines.append("Exported by progrun.")
    return "\n".join(lines)


def write_export(plan: Plan, options: ExportOptions) -> ExportResult:
    """The registry's entry (`formats.export.WRITERS`): the calendar event, which needs a start."""
    if options.start is None:
        raise ExportError(
            "ICS",
            "a calendar event needs a date and time",
            ["give ", Suggestion("date", "2026-12-01"), " and ", Suggestion("time", "07:00")],
            field="date",
        )
    return write_ics(
        plan,
        options.start,
        repeat=options.repeat,
        weeks=options.weeks,
        created=options.created,
        name=options.name,
    )


def merge_calendars(calendars: list[bytes]) -> bytes:
    """One VCALENDAR holding every VEVENT of `calendars` (each as `write_ics` wrote it), in their order,
    under the first one's header: a block of runs is one file to open in a calendar."""
    events: list[bytes] = []
    header = b""
    for chunk in calendars:
        text = chunk.replace(b"\r\n", b"\n")
        begin, end = text.find(b"BEGIN:VEVENT"), text.rfind(b"END:VEVENT")
        if begin < 0 or end < 0:
            raise ExportError("ICS", "a calendar to merge holds no event")
        if not header:
            header = text[:begin]
        events.append(text[begin : end + len(b"END:VEVENT")] + b"\n")
    return (header + b"".join(events) + b"END:VCALENDAR\n").replace(b"\n", b"\r\n")
