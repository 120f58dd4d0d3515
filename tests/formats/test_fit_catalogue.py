"""read_fit against the bad-input catalogue, section B1 (../shared/reference/bad-input-catalogue.md).

Test names carry the case number; docs/fit.md maps every case to its behaviour and test.
"""

from __future__ import annotations

import gzip
import random
import re
import struct

import numpy as np
import pytest

from progrun.errors import CorruptFile, NotAnActivity, UnknownFormat
from progrun.formats.fit import decode_fit, read_fit
from progrun.formats.fit_container import starts_segment
from progrun.formats.fit_writer import write_fit_activity
from progrun.formats.on_error import OnError
from tests.formats.fit_builders import (
    BYTE,
    ENUM,
    MONITORING_A,
    RECORD_FIELDS,
    SETTINGS,
    STRING,
    T0,
    UINT8,
    UINT16,
    UINT32,
    WORKOUT,
    definition,
    file_id,
    fit_bytes,
    message,
    record_file,
    records,
    set_data_size,
)
from tests.formats.run_builders import synthetic_run


def test_b1_01_empty_file_is_an_error_in_both_modes() -> None:
    for mode in OnError:
        with pytest.raises(CorruptFile, match=r"empty\.fit: empty file \(0 bytes\)"):
            read_fit(b"", name="empty.fit", on_error=mode)


@pytest.mark.parametrize(
    ("content", "detected"),
    [
        (b'  <?xml version="1.0"?><gpx></gpx>', "; it looks like XML (a GPX or TCX file?)"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "; it looks like an HTML page"),
        (gzip.compress(b"not fit"), "; it looks like gzip data; did you mean .fit.gz?"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "; it looks like a PNG image"),
        (b"PK\x03\x04" + b"\x00" * 30, "; it looks like a zip archive; unpack it first"),
        (b'{"type": "run"}', "; it looks like JSON"),
        (b"\x0e\x10" + b"\x00" * 40, ""),
    ],
    ids=["xml", "html", "gzip", "png", "zip", "json", "zeros"],
)
def test_b1_02_not_a_fit_file_names_what_it_looks_like(content: bytes, detected: str) -> None:
    for mode in OnError:
        with pytest.raises(UnknownFormat) as raised:
            read_fit(content, name="x.fit", on_error=mode)
        assert str(raised.value).startswith(f"x.fit: not a FIT file (no .FIT signature{detected})")


@pytest.mark.parametrize("header_size", [0, 13, 255])
def test_b1_03_header_size_not_12_or_14(header_size: int) -> None:
    data = bytes([header_size]) + record_file()[1:]
    expected = f"bad header size {header_size} at offset 0 (a FIT header has 12 or 14 bytes)"
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(data, name="hsize.fit")
    with pytest.raises(CorruptFile, match=re.escape(f"no records could be decoded ({expected})")):
        read_fit(data, name="hsize.fit", on_error=OnError.WARN)


@pytest.mark.parametrize("header_size", [12, 14])
def test_b1_05_a_single_bit_flipped_anywhere_is_refused(header_size: int) -> None:
    original = record_file(header_size=header_size)
    for offset in range(len(original)):
        for bit in range(8):
            data = bytearray(original)
            data[offset] ^= 1 << bit
            with pytest.raises((CorruptFile, UnknownFormat)):
                read_fit(bytes(data), name="flip.fit")
    # a flip in a record value is caught by the file CRC alone; lenient mode keeps the data and says so
    data = bytearray(original)
    data[header_size + 21 + 1 + 4] ^= 0x01  # latitude of the first record
    with pytest.raises(CorruptFile, match=r"bad CRC \(file CRC 0x[0-9A-F]{4}, computed 0x[0-9A-F]{4}\)"):
        read_fit(bytes(data), name="flip.fit")
    activity = read_fit(bytes(data), name="flip.fit", on_error=OnError.WARN)
    assert activity.records == 5
    assert activity.warnings[0].endswith("the data decoded but could not be verified")


def test_b1_06_truncation_at_every_offset_is_a_partial_run_or_refused_with_the_offset() -> None:
    """A cut inside the header, or before the first record, is refused; any later cut is a truncated
    recording (docs/formats.md, "Damaged files"): read, marked partial, with the offset."""
    data = write_fit_activity(synthetic_run(8))
    full = read_fit(data, name="full.fit").records
    for end in range(1, len(data)):
        try:
            strict = read_fit(data[:end], name="cut.fit")
        except CorruptFile as error:
            assert re.search(r"truncated at offset \d+ \(expected \d+ ", str(error)), end
        else:
            assert str(strict.extra["partial"]).startswith("truncated recording: truncated at offset"), end
            assert 0 < strict.records <= full
        try:
            lenient = read_fit(data[:end], name="cut.fit", on_error=OnError.WARN)
        except CorruptFile as error:
            assert "no records could be decoded (truncated at offset" in str(error), end
        else:
            assert 0 < lenient.records <= full
            assert any(w.startswith("truncated at offset") for w in lenient.warnings)


def test_b1_06_a_chained_file_cut_in_its_second_segment_is_refused() -> None:
    first = write_fit_activity(synthetic_run(5))
    chained = first + record_file()
    for end in range(len(first) + 1, len(chained)):
        try:
            strict = read_fit(chained[:end], name="cut.fit")
        except CorruptFile as error:
            assert re.search(r"truncated at offset \d+ .*\(segment 2 of the chained file", str(error)), end
        else:  # a truncated recording: the second segment's header CRC holds
            assert re.search(
                r"^truncated recording: .*segment 2 of the chained file", str(strict.extra["partial"])
            )


def test_b1_07_header_data_size_beyond_the_bytes_present() -> None:
    data = record_file()
    (data_size,) = struct.unpack_from("<I", data, 4)
    longer = set_data_size(data, data_size + 11)
    # the scan reads the CRC as the start of a message and finds it cut short
    with pytest.raises(CorruptFile, match=r"^long\.fit: truncated at offset 125 \(expected 6 bytes, got 2\)"):
        read_fit(longer, name="long.fit")


def test_b1_08_data_size_zero_is_refused_strict_and_recovered_lenient() -> None:
    data = bytearray(set_data_size(record_file(), 0))
    data[-2:] = b"\x00\x00"  # old Garmin files: no data_size and no CRC
    expected = f"the header says the file holds no data (data_size 0) but {len(data) - 14} bytes follow it"
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(bytes(data), name="nosize.fit")
    activity = read_fit(bytes(data), name="nosize.fit", on_error=OnError.WARN)
    assert activity.records == 5
    assert activity.heart_rate_bpm.tolist() == [140.0, 141.0, 142.0, 143.0, 144.0]
    assert activity.warnings[0].endswith("recovered: decoded the bytes after the header as the file's data")
    assert not any("CRC" in w for w in activity.warnings)  # a CRC of 0 was never computed


HRM_APPENDIX = b"\x00\x03HRM-Tri swim HR" + bytes(range(40))


@pytest.mark.parametrize(
    "tail", [b"\x00" * 17, HRM_APPENDIX, b"\x0e\x00garbage"], ids=["17-zeros", "hrm-appendix", "bad-protocol"]
)
def test_b1_09_trailing_bytes_are_ignored_with_a_warning(tail: bytes) -> None:
    valid = record_file()
    for mode in OnError:
        activity = read_fit(valid + tail, name="tail.fit", on_error=mode)
        assert activity.records == 5
        assert activity.heart_rate_bpm.tolist() == [140.0, 141.0, 142.0, 143.0, 144.0]
        assert activity.warnings[0] == (
            f"trailing bytes ignored: {len(tail)} bytes after the end of the FIT data at offset {len(valid)} "
            "are not a FIT file"
        )


def test_b1_09_random_trailing_bytes_never_crash_and_are_ignored_unless_they_start_a_header() -> None:
    valid = record_file()
    rng = random.Random(9)
    for _ in range(200):
        tail = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        if starts_segment(valid + tail, len(valid)):
            with pytest.raises(CorruptFile, match="segment 2 of the chained file"):
                read_fit(valid + tail, name="tail.fit")
            continue
        activity = read_fit(valid + tail, name="tail.fit")
        assert activity.records == 5
        assert activity.warnings[0].startswith(f"trailing bytes ignored: {len(tail)} bytes")


def _header(header_size: int, data_size: int, signature: bytes = b".FIT", protocol: int = 0x20) -> bytes:
    return struct.pack("<BBHI4s", header_size, protocol, 2100, data_size, signature) + b"\x00" * (
        header_size - 12
    )


@pytest.mark.parametrize(
    ("rest", "segment"),
    [
        (_header(14, 10) + b"\x00" * 12, True),  # a well-formed header
        (_header(14, 10000), True),  # a well-formed header whose data is cut: truncated, not trailing
        (_header(13, 10) + b"\x00" * 12, True),  # the signature, with a bad header size
        (_header(12, 68, b".GIT", 0x10) + b"\x00" * 71, True),  # damaged signature, data_size fits
        (_header(12, 69, b".GIT", 0x10) + b"\x00" * 68, False),  # damaged signature, data_size does not fit
        (_header(12, 0, b".GIT") + b"\x00" * 10, False),  # no data declared
        (_header(14, 10, b".GIT", 0x00) + b"\x00" * 12, False),  # protocol version 0 is not FIT
        (b"\x0e\x20\x64", True),  # a cut header
        (b"\x0e\x20\x64\x00\x00\x00\x00\x00.F", True),
        (b"\x0e\x20\x64\x00\x00\x00\x00\x00.X", False),
        (b"\x00" * 17, False),
        (b"\xff" * 3, False),
    ],
)
def test_b1_09_11_rule_separating_a_chained_segment_from_trailing_bytes(rest: bytes, segment: bool) -> None:
    valid = record_file()
    assert starts_segment(valid + rest, len(valid)) is segment


def test_b1_10_activity_chained_with_a_settings_file_keeps_the_activity() -> None:
    activity_part = fit_bytes(file_id(), *records(4))
    settings_part = fit_bytes(file_id(SETTINGS))
    activity = read_fit(activity_part + settings_part, name="activity-settings.fit")
    assert activity.records == 4
    assert activity.extra["fit_files"] == 2
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0, 153.0]


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda h: h[:8] + b".GIT" + h[12:], "corrupt FIT header (no .FIT signature) at offset {at}"),
        (lambda h: b"\x0d" + h[1:], "bad header size 13 at offset {at} (a FIT header has 12 or 14 bytes)"),
    ],
    ids=["signature", "header-size"],
)
def test_b1_11_chained_segment_with_a_corrupt_header_names_the_segment(damage: object, problem: str) -> None:
    first = fit_bytes(file_id(), *records(4))
    second = fit_bytes(file_id(SETTINGS))
    data = first + damage(second)  # type: ignore[operator]
    expected = (
        problem.format(at=len(first)) + f" (segment 2 of the chained file, starting at offset {len(first)})"
    )
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(data, name="chain.fit")
    activity = read_fit(data, name="chain.fit", on_error=OnError.WARN)
    assert activity.records == 4
    assert activity.warnings[0].startswith(problem.format(at=len(first)))


def test_b1_12_undefined_local_message_type() -> None:
    data = fit_bytes(definition(0, 20, RECORD_FIELDS), message(0, "IiiIB", T0, 1, 1, 1, 1), bytes([5, 1, 2]))
    with pytest.raises(CorruptFile, match="undefined local message type 5 at offset 53"):
        read_fit(data, name="undefined.fit")
    activity = read_fit(data, name="undefined.fit", on_error=OnError.WARN)
    assert activity.records == 1
    assert activity.warnings[0].startswith("undefined local message type 5 at offset 53")


def test_b1_13_misaligned_field_falls_back_to_bytes_and_other_fields_stay_correct() -> None:
    fields = ((253, 4, UINT32), (5, 3, UINT32), (3, 1, UINT8))  # distance: 3 bytes for a uint32
    data = fit_bytes(
        definition(0, 20, fields), *[message(0, "I3sB", T0 + i, bytes([1, 2, i]), 150 + i) for i in range(3)]
    )
    activity = read_fit(data, name="misaligned.fit")  # strict mode: accepted
    assert activity.time_s.tolist() == [0.0, 1.0, 2.0]
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert np.isnan(activity.distance_m).all()
    assert activity.warnings[0] == (
        "invalid field size 3 for base type uint32 (field 5 of message 20) in the definition at offset 14; "
        "the field was read as bytes"
    )
    raw = decode_fit(data, name="misaligned.fit").tables["record"].raw["distance"]
    assert raw.tolist() == [[1, 2, 0], [1, 2, 1], [1, 2, 2]]


def test_b1_14_field_size_zero_is_refused_at_its_definition() -> None:
    # the 26-byte shape of polyvertex/fitdecode#40: a definition whose field has size 0
    data = fit_bytes(definition(0, 20, ((253, 4, UINT32), (3, 0, UINT8))), message(0, "I", T0))
    with pytest.raises(
        CorruptFile, match=re.escape("field size 0 (field 3 of message 20) in the definition at offset 14")
    ):
        read_fit(data, name="zero.fit")
    activity = read_fit(data, name="zero.fit", on_error=OnError.WARN)
    assert activity.records == 1
    assert np.isnan(activity.heart_rate_bpm[0])


def test_b1_15_field_declared_twice_is_refused_at_the_definition() -> None:
    fields = ((253, 4, UINT32), (3, 1, UINT8), (3, 2, UINT16))
    rows = [message(0, "IBH", T0 + i, 150 + i, 999) for i in range(12)]
    data = fit_bytes(definition(0, 20, fields), *rows, bytes([7]))  # and damage 12 messages later
    expected = "field 3 of message 20 is declared twice (sizes 1 and 2 bytes) in the definition at offset 14"
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(data, name="twice.fit")
    activity = read_fit(data, name="twice.fit", on_error=OnError.WARN)
    assert activity.time_s.tolist() == [float(i) for i in range(12)]  # every declared byte is skipped
    assert activity.heart_rate_bpm.tolist() == [150.0 + i for i in range(12)]  # the first declaration
    assert activity.warnings[0] == expected + "; used the first declaration"


def test_b1_18_unknown_and_manufacturer_specific_messages_are_ignored_and_counted() -> None:
    data = fit_bytes(
        definition(2, 0xFF01, ((0, 2, UINT16),)),
        message(2, "H", 7),
        *records(3),
        definition(3, 4242, ((0, 1, UINT8), (1, 4, UINT32))),
        message(3, "BI", 1, 2),
        message(2, "H", 8),
    )
    activity = read_fit(data, name="unknown.fit")
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert not any("0xFF01" in w or "4242" in w for w in activity.warnings)
    extra = decode_fit(data, name="unknown.fit").extra
    assert extra["ignored_messages"] == {0xFF01: 2, 4242: 1}
    assert extra["manufacturer_specific_messages"] == 2


def test_b1_19_developer_field_before_its_description_and_missing_application_id() -> None:
    developer_data_id = definition(2, 207, ((3, 1, UINT8),)) + message(2, "B", 0)  # no application_id
    description = definition(3, 206, ((0, 1, UINT8), (1, 1, UINT8), (2, 1, UINT8))) + message(
        3, "BBB", 0, 7, 2
    )
    used = definition(0, 20, ((253, 4, UINT32), (3, 1, UINT8)), developer=((7, 2, 0),))
    rows = [message(0, "IBH", T0 + i, 150 + i, 0xBEEF) for i in range(3)]
    data = fit_bytes(developer_data_id, used, *rows, description)
    activity = read_fit(data, name="developer.fit")  # strict mode: accepted
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert activity.time_s.tolist() == [0.0, 1.0, 2.0]
    assert activity.warnings[:2] == (
        "developer_data_id at offset 23 has no application_id; its developer fields were skipped (native "
        "fields are unaffected)",
        "developer field 7 of developer data index 0 is used at offset 41 before any field_description of "
        "it; it was skipped (native fields are unaffected)",
    )
    # in the right order, with an application_id, there is nothing to say
    application = definition(2, 207, ((1, 16, BYTE), (3, 1, UINT8))) + message(2, "16sB", b"\x01" * 16, 0)
    clean = fit_bytes(application, description, used, *rows)
    assert not any("developer" in w for w in read_fit(clean, name="developer.fit").warnings)


REPLACED = "the undecodable bytes were replaced with U+FFFD"


def test_b1_21_non_utf8_strings_are_replaced_with_a_warning() -> None:
    workout = definition(2, 26, ((8, 8, STRING),)) + message(2, "8s", b"Caf\xe9\x00\x00\x00\x00")  # cp1252
    data = fit_bytes(file_id(product_name=b"Fenix \x9f Pro\x00"), workout, *records(2))
    activity = read_fit(data, name="strings.fit")
    assert activity.device == "garmin Fenix \ufffd Pro"
    assert activity.workout_name == "Caf\ufffd"
    assert activity.warnings[:2] == (
        f"file_id.product_name at offset 29 is not valid UTF-8; {REPLACED}",
        f"workout.wkt_name at offset 54 is not valid UTF-8; {REPLACED}",
    )


@pytest.mark.parametrize(
    ("file_type", "name", "with_records"),
    [(MONITORING_A, "monitoring_a", True), (WORKOUT, "workout", False), (SETTINGS, "settings", False)],
)
def test_b1_22_a_file_that_is_not_an_activity_is_refused(
    file_type: int, name: str, with_records: bool
) -> None:
    data = fit_bytes(file_id(file_type), *(records(3) if with_records else []))
    for mode in OnError:
        with pytest.raises(NotAnActivity) as raised:
            read_fit(data, name="other.fit", on_error=mode)
        assert str(raised.value).startswith(f"other.fit: not an activity file (FIT file type {name})")


def test_b1_22_an_activity_without_records_is_refused() -> None:
    data = fit_bytes(file_id(), definition(0, 0, ((0, 1, ENUM),)), message(0, "B", 4))
    for mode in OnError:
        with pytest.raises(CorruptFile, match="no records in the file"):
            read_fit(data, name="norecords.fit", on_error=mode)


def test_b1_24_no_session_message_is_accepted_with_a_warning() -> None:
    activity = read_fit(record_file(), name="reset.fit")
    assert activity.records == 5
    assert activity.laps == ()
    assert activity.warnings == (
        "no session message (the recording may have been cut short by a device reset); sport and laps come "
        "only from what the file holds, nothing was rebuilt",
    )
    assert "no session" not in " ".join(
        read_fit(write_fit_activity(synthetic_run(30)), name="ok.fit").warnings
    )
