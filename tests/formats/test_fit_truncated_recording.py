"""The damage policy's split (docs/formats.md, "Damaged files"), on generated FIT runs.

A *truncated recording* (the bytes stop before the end the header declares, the header's CRC holds,
everything before the cut decodes cleanly: a watch that died mid-run) is read by default as a partial run
holding exactly the records before the cut; fitdecode, reading up to its end-of-file error, is the
oracle for how many records and how long. A flipped bit fails a CRC (the file's, or the header's) or
breaks the structure, and is refused unless salvaged.
"""

from __future__ import annotations

import io
import struct

import fitdecode
import numpy as np
import pytest

from progrun.errors import CorruptFile, ProgrunError, Suggestion
from progrun.formats import read_activity
from progrun.formats.fit_crc import fit_crc
from progrun.formats.on_error import OnError
from tests.synthetic_runs import BASE_START, fit_bytes, synthetic_run

#: (split paces s/km, seconds between records): a fast runner every second to a walker every 5 s.
RUNS = [([200.0, 190.0, 180.0], 1), ([330.0, 315.0, 300.0], 2), ([600.0, 560.0, 520.0], 5)]


def _oracle(data: bytes) -> list[float]:
    """The record timestamps (s from the first) fitdecode decodes before the end of the bytes."""
    stamps = []
    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.DISABLED) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                    stamps.append(frame.get_value("timestamp"))
    except fitdecode.FitEOFError:
        pass
    return [(stamp - stamps[0]).total_seconds() for stamp in stamps]


@pytest.mark.parametrize(("paces", "every_s"), RUNS)
def test_a_cut_recording_is_read_as_partial_with_the_records_before_the_cut(
    paces: list[float], every_s: int
) -> None:
    data = fit_bytes(synthetic_run(BASE_START, paces), record_every_s=every_s)
    rng = np.random.default_rng(every_s)
    cuts = sorted({*rng.integers(len(data) // 20, len(data) - 1, 40).tolist(), len(data) - 1, len(data) - 2})
    for cut in cuts:
        expected = _oracle(data[:cut])
        activity = read_activity(data[:cut], name="cut.fit")  # the default: OnError.RAISE
        partial = activity.extra.get("partial")
        assert isinstance(partial, str) and partial.startswith("truncated recording: truncated at offset")
        assert any("truncated at offset" in warning for warning in activity.warnings)
        assert activity.records == len(expected), cut
        assert activity.duration_s == pytest.approx(expected[-1], abs=1e-6), cut
    whole = read_activity(data, name="whole.fit")
    assert "partial" not in whole.extra


@pytest.mark.parametrize(("paces", "every_s"), RUNS)
def test_a_flipped_bit_is_refused_unless_salvaged(paces: list[float], every_s: int) -> None:
    data = fit_bytes(synthetic_run(BASE_START, paces), record_every_s=every_s)
    rng = np.random.default_rng(100 + every_s)
    positions = [*range(14), *rng.integers(14, len(data), 80).tolist(), len(data) - 2, len(data) - 1]
    for position in positions:
        flipped = bytearray(data)
        flipped[position] ^= 1 << int(rng.integers(0, 8))
        with pytest.raises(ProgrunError) as refused:
            read_activity(bytes(flipped), name="flipped.fit")
        assert "flipped.fit" in str(refused.value)
        if position >= 14:  # a flip in the data or its CRC: the CRC fails or the structure breaks
            assert Suggestion("salvage") in refused.value.detail_parts, (position, str(refused.value))
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x04
    salvaged = read_activity(bytes(flipped), name="flipped.fit", on_error=OnError.WARN)
    assert str(salvaged.extra["partial"]).startswith("salvaged from a damaged file: bad CRC")


def test_a_header_claiming_more_data_than_the_complete_file_holds_is_refused() -> None:
    """Complete data ending with its own CRC under a header (CRC recomputed) that claims more bytes: a
    broken structure, not a recording cut short."""
    data = bytearray(fit_bytes(synthetic_run(BASE_START, [300.0, 290.0, 280.0])))
    (size,) = struct.unpack_from("<I", data, 4)
    struct.pack_into("<I", data, 4, size + 11)
    struct.pack_into("<H", data, 12, fit_crc(bytes(data), 0, 12))
    with pytest.raises(CorruptFile) as refused:
        read_activity(bytes(data), name="long.fit")
    assert Suggestion("salvage") in refused.value.detail_parts
