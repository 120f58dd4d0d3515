"""Shared test helpers (moved from test_xml_scan.py so tests never import from another test module)."""

from __future__ import annotations

import numpy as np
import pytest

import progrun.formats.gpx as gpx_module
import progrun.formats.tcx as tcx_module
from progrun.activity import CHANNELS
from progrun.formats import read_activity


def _tcx_doc(points: str) -> bytes:
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2" xmlns:x="urn:x"><Activities><Activity Sport="Running"><Id>i</Id>'
        f'<Lap StartTime="2024-05-01T10:00:00Z"><Track>{points}</Track></Lap></Activity></Activities>'
        "</TrainingCenterDatabase>"
    ).encode()


def _gpx_doc(points: str) -> bytes:
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:g="urn:g"><trk><trkseg>{points}</trkseg></trk></gpx>'
    ).encode()


def _reference_read(data: bytes, name: str, monkeypatch: pytest.MonkeyPatch):
    """The reader with the fast path and the regular-expression scan switched off: the tree walk."""
    with monkeypatch.context() as patch:
        for module in (gpx_module, tcx_module):
            patch.setattr(module, "read_skeleton", lambda data, fmt: None)
            patch.setattr(module, "scan_points", lambda data, fmt, expected: None)
        return read_activity(data, name=name)


def _assert_same_activity(fast, slow) -> None:
    for channel in CHANNELS:
        np.testing.assert_array_equal(getattr(fast, channel), getattr(slow, channel), channel)
    for key in ("start", "format", "sport", "device", "laps", "pauses", "warnings", "extra"):
        assert getattr(fast, key) == getattr(slow, key), key
