"""The damage policy through the single-file commands, and runs that cannot be judged."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.errors import ProgrunError
from tests.synthetic_runs import fit_bytes, progression_paces, synthetic_run

START = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)


def _run(args: list[str]) -> tuple[int, str]:
    """Exit code and what the user sees (a ProgrunError as `progrun.cli.main` prints it)."""
    result = CliRunner().invoke(cli, args)
    text = result.output
    if isinstance(result.exception, ProgrunError):
        text += f"Error: {result.exception}"
    elif result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, text


@pytest.fixture(scope="module")
def run_bytes() -> bytes:
    return fit_bytes(synthetic_run(START, progression_paces(1)[:3]), record_every_s=4)


@pytest.mark.parametrize("command", ["info", "splits", "detect"])
@pytest.mark.parametrize("share", [0.3, 0.8])
def test_a_cut_file_is_read_as_a_partial_run_and_a_flipped_bit_refused(
    tmp_path: Path, run_bytes: bytes, command: str, share: float
) -> None:
    """A truncated recording (header CRC holds, clean up to the cut) is read, with a warning saying it is
    partial; a bit flipped in its data fails the CRC and is refused unless salvaged."""
    path = tmp_path / "cut.fit"
    path.write_bytes(run_bytes[: int(len(run_bytes) * share)])
    code, text = _run([command, str(path)])
    assert code == 0, text
    assert f"Warning: {path}: partial run (truncated recording: truncated at offset" in text
    flipped = bytearray(run_bytes)
    flipped[int(len(run_bytes) * share)] ^= 0x10
    path.write_bytes(bytes(flipped))
    code, text = _run([command, str(path)])
    assert code == 1
    assert "bad CRC" in text and "--salvage" in text
    code, text = _run([command, str(path), "--salvage"])
    assert code == 0, text
    assert f"Warning: {path}: partial run (salvaged from a damaged file: bad CRC" in text


def test_judge_reads_a_cut_file_and_salvages_a_flipped_one(tmp_path: Path, run_bytes: bytes) -> None:
    path = tmp_path / "cut.fit"
    path.write_bytes(run_bytes[: len(run_bytes) // 2])
    options = ["--race", "5k=20:00", "--distance", "3km", "--unit", "km"]
    code, text = _run(["judge", str(path), *options])
    assert code == 0 and "partial run (truncated recording" in text
    flipped = bytearray(run_bytes)
    flipped[len(run_bytes) // 2] ^= 0x01
    path.write_bytes(bytes(flipped))
    assert _run(["judge", str(path), *options])[0] == 1
    assert _run(["judge", str(path), *options, "--salvage"])[0] == 0


@pytest.mark.parametrize("command", ["judge", "detect"])
@pytest.mark.parametrize("minutes", [5, 40])
def test_a_run_without_distance_is_not_judged(tmp_path: Path, command: str, minutes: int) -> None:
    run = synthetic_run(START, [minutes * 60.0 / 3] * 3)
    nothing = np.full(run.records, np.nan)
    blind = dataclasses.replace(run, distance_m=nothing, speed_m_s=nothing, lat_deg=nothing, lon_deg=nothing)
    path = tmp_path / "treadmill.fit"
    path.write_bytes(fit_bytes(blind, record_every_s=5))
    options = ["--race", "5k=20:00", "--distance", "3km", "--unit", "km"] if command == "judge" else []
    code, text = _run([command, str(path), *options])
    assert code == 1
    assert text.startswith(f"Error: {path}: the recording has no distance")
    assert "cannot be judged" in text and "s/km off" not in text
