"""Coach-facing text: the judge's sentences to the runner ("You went out too fast") about the athlete
by name ("Sam went out too fast"), and the colour of a score."""

from __future__ import annotations

import re

from progrun.training_log.objects import third_person

#: A score at or above this is green (the detector's bar for a run that progressed as planned) ...
GREEN_SCORE = 85.0
#: ... at or above this amber, below it red.
AMBER_SCORE = 70.0


def short_name(name: str) -> str:
    """What a coach calls the athlete: the first word of their name (an address's local part)."""
    shown = name.strip().split("@")[0].strip() or "The athlete"
    return shown.split()[0]


#: The judge's opening sentences without a subject, as a coach says them about the athlete.
_LEADS = (
    ("Good progression run: ", "{name} ran a good progression run: "),
    ("Not a progression: ", "{name} did not run a progression: "),
    ("Not a clean progression ", "{name} did not run a clean progression "),
)


def about(text: str, name: str) -> str:
    """`text`, written to the runner, as their coach reads it: "You went out too fast: ..." ->
    "Sam went out too fast: ...", "your last km" -> "their last km", "Good progression run: ..." ->
    "Sam ran a good progression run: ..."."""
    called = short_name(name)
    for lead, said in _LEADS:
        if text.startswith(lead):
            text = said.format(name=called) + text[len(lead) :]
            break
    return re.sub(r"\b[Tt]he runner\b", called, third_person(text))


def possessive(name: str) -> str:
    called = short_name(name)
    return f"{called}'" if called.endswith("s") else f"{called}'s"


def score_colour(score: float | None) -> str:
    """ "green", "amber", "red", or "grey" for a run without a score."""
    if score is None:
        return "grey"
    if score >= GREEN_SCORE:
        return "green"
    return "amber" if score >= AMBER_SCORE else "red"
