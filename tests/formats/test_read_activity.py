"""The one entry point: detection by content, the corpus, broken files, sanitising, cross-format agreement."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

import progrun.formats.gpx as gpx_module
from progrun.activity import Format
from progrun.errors import ActivityFileError, CorruptFile, ProgrunError, UnknownFormat, UnsafeFile
from progrun.formats import OnError, detect_format, read_activity
from tests.conftest import ACTIVITIES, DATA
from tests.formats.xml_samples import gpx, straight_points

GPX_FILES = sorted((ACTIVITIES / "gpx").glob("*.gpx"))
TCX_FILES = sorted((ACTIVITIES / "tcx").glob("*.tcx"))
#: Files in the corpus that are refused on purpose (documented in docs/formats.md).
REFUSED = {
    "gpxpy__cerknicko-without-times.gpx": "only 5 of 296 track points have a timestamp; splits need times"
}


@pytest.mark.parametrize("path", GPX_FILES + TCX_FILES, ids=lambda p: p.name)
def test_every_corpus_gpx_and_tcx_reads(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(CorruptFile, match=REFUSED[path.name]):
            read_activity(path)
        return
    activity = read_activity(path)
    assert activity.records > 0
    assert activity.start is not None
    assert np.all(np.diff(activity.time_s) > 0)
    assert activity.total_distance_m >= 0
    assert np.all(np.diff(activity.distance_m[np.isfinite(activity.distance_m)]) >= -1.0)


BROKEN_XML = [
    (
        "runpandas__malformed.tcx",
        CorruptFile,
        "runpandas__malformed.tcx: not well-formed XML at line 4653 column 35: "
        "Namespace prefix xsi for type on Creator is not defined; the file is damaged; export it again",
    ),
    (
        "sports-lib__empty-sessions.fit",
        CorruptFile,
        "sports-lib__empty-sessions.fit: empty file; the file has 0 bytes",
    ),
]


@pytest.mark.parametrize(("file", "error", "message"), BROKEN_XML, ids=[row[0] for row in BROKEN_XML])
def test_broken_files_get_a_specific_error(file: str, error: type, message: str) -> None:
    with pytest.raises(error) as caught:
        read_activity(ACTIVITIES / "broken" / file, name=file)
    assert type(caught.value) is error
    assert str(caught.value).startswith(message)


def test_copied_invalid_file_matches_the_corpus_error() -> None:
    with pytest.raises(CorruptFile, match=r"not well-formed XML at line 4653 column 35"):
        read_activity(DATA / "invalid" / "tcx-root-element-deleted.tcx")


@pytest.mark.parametrize("path", sorted((ACTIVITIES / "broken").iterdir()), ids=lambda p: p.name)
def test_every_broken_file_reads_or_names_itself(path: Path) -> None:
    """The two readable broken XML files are repaired with a warning; everything else is a ProgrunError."""
    try:
        activity = read_activity(path, name=path.name)
    except ActivityFileError as error:
        assert str(error).startswith(f"{path.name}: ")
    else:
        assert path.suffix in (".gpx", ".tcx", ".fit")
        assert activity.warnings


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00", Format.FIT),
        (b'\xef\xbb\xbf  \n<?xml version="1.0"?><!-- c --><gpx version="1.1">', Format.GPX),
        (b"<?xml version='1.0'?>\n<TrainingCenterDatabase xmlns='x'>", Format.TCX),
        (b"<tcx:TrainingCenterDatabase xmlns:tcx='x'>", Format.TCX),
    ],
)
def test_detect_format_by_content(data: bytes, expected: Format) -> None:
    assert detect_format(data) is expected


def test_detect_format_looks_inside_gzip() -> None:
    import gzip

    assert detect_format(gzip.compress(b"<gpx version='1.1'></gpx>")) is Format.GPX


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?><kml xmlns="x"/>', "XML with root <kml>, not GPX or TCX"),
        (b"<!DOCTYPE html><html><body>", "an HTML page, not an activity file"),
        (b"PK\x03\x04rest", "a zip archive, not an activity file (unzip it first)"),
        (b'{"type": "run"}', "JSON, not FIT, GPX or TCX"),
        (b"hello", "not FIT, GPX or TCX (no FIT header and no XML root)"),
    ],
)
def test_unknown_content_says_what_it_looks_like(data: bytes, message: str) -> None:
    with pytest.raises(UnknownFormat, match="^odd.gpx: " + re.escape(message)):
        read_activity(data, name="odd.gpx")


def test_path_bytes_and_errors_of_misuse(tmp_path: Path) -> None:
    plain = gpx("<trkseg>" + straight_points(10) + "</trkseg>")
    path = tmp_path / "run.dat"
    path.write_bytes(plain)
    from_path = read_activity(path)
    from_bytes = read_activity(plain)
    assert from_path.source == str(path)
    assert from_bytes.source == "<bytes>"
    np.testing.assert_array_equal(from_path.distance_m, from_bytes.distance_m)
    with pytest.raises(ActivityFileError, match="cannot be read: No such file or directory"):
        read_activity(tmp_path / "missing.fit")
    with pytest.raises(ActivityFileError, match="is a directory"):
        read_activity(tmp_path)
    with pytest.raises(UnsafeFile, match="over the 0 MB limit"):
        read_activity(path, max_bytes=100)
    with pytest.raises(TypeError):
        read_activity(plain, on_error="warn")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        read_activity(42)  # type: ignore[arg-type]


def test_third_party_exceptions_become_corrupt_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(gpx_module, "read_gpx", explode)
    with pytest.raises(CorruptFile, match=r"^x.gpx: could not be read \(KeyError: 'boom'\)") as caught:
        read_activity(gpx(""), name="x.gpx")
    assert isinstance(caught.value.__cause__, KeyError)


def test_sanitising_applies_to_fit_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import progrun.formats.fit as fit_module

    real = fit_module.read_fit

    def with_bad_heart_rate(data: bytes, *, name: str, on_error: OnError = OnError.RAISE):
        activity = real(data, name=name, on_error=on_error)
        heart_rate = activity.heart_rate_bpm.copy()
        heart_rate[:2] = [300.0, 10.0]
        return dataclasses.replace(activity, heart_rate_bpm=heart_rate)

    monkeypatch.setattr(fit_module, "read_fit", with_bad_heart_rate)
    activity = read_activity(ACTIVITIES / "fit" / "heartandsole__testdata.fit")
    assert activity.format is Format.FIT
    assert np.isnan(activity.heart_rate_bpm[:2]).all()
    assert "ignored 2 heart rate values outside 25..250 bpm" in activity.warnings


def test_fit_dispatch() -> None:
    activity = read_activity(ACTIVITIES / "fit" / "heartandsole__testdata.fit")
    assert activity.format is Format.FIT
    assert activity.records == 46
    assert len(activity.laps) == 4


SAME_ACTIVITY = {
    "heartandsole__testdata": ("fit", "tcx", "gpx"),
    "sports-lib__6782987395": ("fit", "tcx", "gpx"),
    "sports-lib__6860622783": ("fit", "tcx"),
}


@pytest.mark.parametrize("stem", sorted(SAME_ACTIVITY))
def test_same_activity_agrees_across_formats(stem: str) -> None:
    activities = {kind: read_activity(ACTIVITIES / kind / f"{stem}.{kind}") for kind in SAME_ACTIVITY[stem]}
    fit = activities["fit"]
    for kind, activity in activities.items():
        assert activity.start == fit.start, kind
        assert activity.time_s[-1] == pytest.approx(fit.time_s[-1], abs=2.0), kind
    assert activities["tcx"].total_distance_m == pytest.approx(fit.total_distance_m, rel=0.01)
    assert len(activities["tcx"].laps) == len(fit.laps)
    assert activities["tcx"].paused_s == pytest.approx(fit.paused_s, abs=2.0)
    if "gpx" in activities:
        # GPX distance is computed from positions. On the 14 km run it is within 1 %; on the 159 m run
        # with three pauses GPS jitter is a larger share of the total (see docs/formats.md).
        tolerance = 0.01 if fit.total_distance_m > 1000 else 0.10
        assert activities["gpx"].total_distance_m == pytest.approx(fit.total_distance_m, rel=tolerance)


def test_every_error_is_a_progrun_error_for_random_bytes() -> None:
    rng = np.random.default_rng(7)
    for size in (1, 11, 12, 100, 5000):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        with pytest.raises(ProgrunError):
            read_activity(data, name="noise.bin")
