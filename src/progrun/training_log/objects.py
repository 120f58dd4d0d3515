"""What the training log's use-cases return: objects with `to_dict()`, the shape `--json` prints and the
web API will serve (one shape for every client)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from progrun.analysis import SplitRecord, VerdictRecord
from progrun.storage.records import ActivityDetail, ActivitySummary

#: Whom a finding about a run speaks to: the runner ("you") or their coach ("the runner").
Reader = Literal["runner", "coach"]


def shown_name(run: ActivitySummary) -> str:
    """The run's name, else its file's name (an archive member's own name)."""
    return run.name or Path(run.source_name.split("!")[-1]).name


@dataclass(frozen=True)
class HistoryEntry:
    """One run of the history."""

    run: ActivitySummary

    @property
    def pace_s_per_km(self) -> float | None:
        """Moving pace of the whole run; None without distance."""
        run = self.run
        return run.moving_s / (run.distance_m / 1000.0) if run.distance_m > 0 else None

    def to_dict(self) -> dict[str, object]:
        run = self.run
        return {
            "id": run.id,
            "start": run.start.isoformat() if run.start else None,
            "sport": run.sport,
            "distance_m": round(run.distance_m, 1),
            "duration_s": round(run.duration_s, 1),
            "is_progression": run.is_progression,
            "score": run.score,
            "partial": run.partial or None,
        }


@dataclass(frozen=True)
class HistoryPage:
    """One page of the history (oldest first), and where it sits in the whole log."""

    entries: tuple[HistoryEntry, ...]
    total: int
    page: int
    page_size: int | None

    @property
    def pages(self) -> int:
        if not self.page_size:
            return 1
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> list[dict[str, object]]:
        """The JSON list `history --json` prints (one object per run)."""
        return [entry.to_dict() for entry in self.entries]


def split_dict(split: SplitRecord) -> dict[str, object]:
    return asdict(split)


def verdict_dict(verdict: VerdictRecord) -> dict[str, object]:
    return asdict(verdict)


@dataclass(frozen=True)
class RunView:
    """One stored run: its summary, splits and verdict (`show`)."""

    detail: ActivityDetail

    @property
    def run(self) -> ActivitySummary:
        return self.detail.summary

    def finding(self, reader: Reader = "runner") -> str:
        """The verdict's sentence for `reader`: the judge speaks to the runner ("You ..."); a coach reads
        it about the runner ("The runner ...")."""
        if self.detail.verdict is None:
            return ""
        text = str(self.detail.verdict.details.get("verdict", ""))
        return text if reader == "runner" else third_person(text)

    def to_dict(self) -> dict[str, object]:
        run = self.run
        return {
            "id": run.id,
            "start": run.start.isoformat() if run.start else None,
            "sport": run.sport,
            "format": run.format,
            "name": run.name,
            "source": run.source_name,
            "distance_m": run.distance_m,
            "duration_s": run.duration_s,
            "moving_s": run.moving_s,
            "heart_rate_avg_bpm": run.heart_rate_avg_bpm,
            "kind": run.kind,
            "is_progression": run.is_progression,
            "score": run.score,
            "load": run.load,
            "sha256": run.sha256,
            "partial": run.partial or None,
            "split_unit": self.detail.split_unit,
            "splits": [split_dict(split) for split in self.detail.splits],
            "verdict": None if self.detail.verdict is None else verdict_dict(self.detail.verdict),
        }


#: Second person -> third, for a coach reading a finding about their runner. Whole words, in order;
#: a sentence's first word keeps its capital.
_THIRD_PERSON = (
    ("you were", "the runner was"),
    ("you are", "the runner is"),
    ("you have", "the runner has"),
    ("you've", "the runner has"),
    ("you're", "the runner is"),
    ("yourself", "themselves"),
    ("yours", "theirs"),
    ("your", "their"),
    ("you", "the runner"),
)


def third_person(text: str) -> str:
    """A finding written to the runner ("You held ...", "your last km") as read by a coach ("The runner
    held ...", "their last km")."""
    import re

    out = text
    for second, third in _THIRD_PERSON:
        pattern = re.compile(rf"\b{re.escape(second)}\b", re.IGNORECASE)

        def swap(match: re.Match[str], third: str = third) -> str:
            word = match.group(0)
            return third[0].upper() + third[1:] if word[0].isupper() else third

        out = pattern.sub(swap, out)
    return out
