"""The plain objects the training log takes and returns (no SQLAlchemy types leak out of `storage`).

A run's splits and verdict are the core analysis's own objects (`progrun.analysis`).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np

from progrun.activity import CHANNELS, Activity, FloatArray
from progrun.analysis import SplitRecord, VerdictRecord

#: Bump when the analysis (splits, classification, judging) changes; `progrun reanalyse` redoes older rows.
#: 3: splits carry `suspect_distance`; a generic activity is a run unless it moves like a ride (`sport`).
#: 4: splits in the runner's unit (km or mile), kept as the summary's `split_unit`.
#: 5: a Garmin FIT's first split counts from the expected press, 0.5 s before its start stamp.
ANALYSIS_VERSION = 5


@dataclass(frozen=True)
class ImportedRun:
    """Everything the importer's worker learnt about one file, ready to be written in one transaction."""

    sha256: str
    raw_size: int
    raw_z: bytes
    source_name: str
    name: str
    format: str
    sport: str
    start: datetime | None
    distance_m: float
    duration_s: float
    moving_s: float
    heart_rate_avg_bpm: float | None
    heart_rate_max_bpm: float | None
    kind: str
    is_progression: bool
    score: float | None
    load: float | None
    splits: tuple[SplitRecord, ...]
    verdict: VerdictRecord | None
    n_samples: int
    channels: tuple[str, ...]
    streams_z: bytes
    summary: dict[str, object] = field(default_factory=dict)
    analysis_version: int = ANALYSIS_VERSION
    #: Why the run is partial (salvaged from a damaged file), "" for a complete run. A partial run
    #: is kept out of fitness and progress, and a later complete copy of it replaces it.
    partial: str = ""
    #: SHA-256 of `raw_z`'s deflate stream (for a zip member, the member's own): known before inflating.
    deflate_sha256: str = ""


@dataclass(frozen=True)
class ActivitySummary:
    """One row of the history."""

    id: int
    start: datetime | None
    sport: str
    format: str
    name: str
    source_name: str
    distance_m: float
    duration_s: float
    moving_s: float
    heart_rate_avg_bpm: float | None
    heart_rate_max_bpm: float | None
    kind: str
    is_progression: bool
    score: float | None
    load: float | None
    sha256: str
    analysis_version: int
    #: Why the run is partial, "" for a complete run (see `ImportedRun.partial`).
    partial: str = ""


@dataclass(frozen=True)
class ActivityDetail:
    """An activity with its splits, verdict and the extra facts kept from the file."""

    summary: ActivitySummary
    splits: tuple[SplitRecord, ...]
    verdict: VerdictRecord | None
    info: dict[str, object]

    @property
    def split_unit(self) -> str:
        """The unit the run was split in, "km" or "mi" (runs analysed before version 4: "km")."""
        return str(self.info.get("split_unit", "km"))


@dataclass(frozen=True)
class AddOutcome:
    """What happened to one imported run: written, or recognised as a run already in the log."""

    status: Literal["imported", "duplicate"]
    activity_id: int
    reason: str = ""


@dataclass(frozen=True)
class Profile:
    """A runner's profile. Paces in s/km; heart rate in bpm; `units` is "km" or "mi"."""

    name: str = "runner"
    max_heart_rate_bpm: float | None = None
    resting_heart_rate_bpm: float | None = None
    threshold_s_per_km: float | None = None
    easy_s_per_km: float | None = None
    vdot: float | None = None
    units: str = "km"
    sex: str = ""


@dataclass(frozen=True)
class IntegrityReport:
    """The result of `Store.check_integrity`: counts of everything that should be zero."""

    activities: int
    missing_streams: int
    missing_blobs: int
    split_mismatches: int
    orphan_blobs: int
    database_check: str

    @property
    def ok(self) -> bool:
        return (
            self.missing_streams == 0
            and self.missing_blobs == 0
            and self.split_mismatches == 0
            and self.orphan_blobs == 0
            and self.database_check == "ok"
        )


#: Marks streams stored as byte planes (see `encode_streams`); older rows are plain zlib, whose
#: first byte is always 0x78, and still decode.
BYTE_PLANES = b"S1"
_TIME_ROW = CHANNELS.index("time_s")


def encode_streams(activity: Activity) -> tuple[tuple[str, ...], int, bytes]:
    """The channels holding data, stacked as float64, split into byte planes, zlib-compressed (level 1).

    Each channel's samples are stored as 8 byte planes (every sample's first byte, then every
    sample's second byte, ...): the sign/exponent and high mantissa bytes of neighbouring samples
    repeat, so zlib finds long matches, runs faster and writes less than on the interleaved floats.
    Lossless: `decode_streams` gives back the exact float64 values.
    """
    every = np.stack([getattr(activity, name) for name in CHANNELS])
    holds = ~np.isnan(every).all(axis=1)  # `Activity.has` of every channel in one pass
    holds[_TIME_ROW] = True
    present = tuple(name for name, held in zip(CHANNELS, holds.tolist(), strict=True) if held)
    kept = every if len(present) == len(CHANNELS) else every[holds]
    planes = np.empty((len(present), 8, activity.records), dtype=np.uint8)
    planes[...] = kept.view(np.uint8).reshape(len(present), activity.records, 8).transpose(0, 2, 1)
    return present, activity.records, BYTE_PLANES + zlib.compress(planes.data, 1)


def decode_streams(channels: tuple[str, ...], n_samples: int, data: bytes) -> dict[str, FloatArray]:
    """Inverse of `encode_streams` (and of the older plain-zlib encoding): every CHANNEL, NaN-filled
    where it was not stored."""
    if data[: len(BYTE_PLANES)] == BYTE_PLANES:
        planes = np.frombuffer(zlib.decompress(data[len(BYTE_PLANES) :]), dtype=np.uint8)
        interleaved = planes.reshape(len(channels), 8, n_samples).transpose(0, 2, 1)
        stacked = np.ascontiguousarray(interleaved).view(np.float64).reshape(len(channels), n_samples)
    else:
        flat = np.frombuffer(zlib.decompress(data), dtype=np.float64)
        stacked = flat.reshape(len(channels), n_samples) if channels else np.zeros((0, n_samples))
    out = {name: np.full(n_samples, np.nan) for name in CHANNELS}
    for row, name in enumerate(channels):
        out[name] = stacked[row].copy()
    return out
