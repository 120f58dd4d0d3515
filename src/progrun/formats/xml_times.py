"""xsd:dateTime texts of one fixed layout to POSIX seconds in a few numpy passes.

Devices write every time of a file alike (`2019-06-15T09:42:23.000Z`, `...+00:00`, no zone), so
the texts are laid side by side as rows of a byte matrix, checked column by column against the
layout of the first one, and converted with integer arithmetic: each distinct date's day number
from `datetime.date` (a file spans a few), microseconds, minus the zone offset, then one
division by 1e6, which is exactly `datetime.fromisoformat(text).timestamp()` (an integer number of
microseconds divided once, correctly rounded) while the microseconds stay below 2**53.

Anything else (mixed layouts, an impossible date, a leap second, a fraction of more than six
digits, times past 2255) returns None and is read by the general path of `xml_scan.texts_to_times`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from progrun.activity import FloatArray
from progrun.formats.xml_safety import parse_xml_time

IntArray = npt.NDArray[np.int64]

_DATE_TIME_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_DATE_TIME_LITERALS = {4: b"-", 7: b"-", 10: b"T", 13: b":", 16: b":"}
_DATE_KEY = np.array([10_000, 100, 1], dtype=np.int64)
_CLOCK_LIMITS = np.array([23, 59, 59], dtype=np.int64)
_SECONDS = np.array([3600, 60, 1], dtype=np.int64)
_OFFSET_LIMITS = np.array([23, 59], dtype=np.int64)
_OFFSET_SECONDS = np.array([3600, 60], dtype=np.int64)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MAX_EXACT_MICROSECONDS = 2**53
#: Fewer times than this are read one by one.
MIN_VECTOR = 128


def _layout(first: bytes) -> tuple[list[int], dict[int, bytes], int, int] | None:
    """Digit columns, literal columns, fraction digits and zone start of `first`'s layout (None: unknown)."""
    if len(first) < 19 or any(first[i : i + 1] != char for i, char in _DATE_TIME_LITERALS.items()):
        return None
    digits = list(_DATE_TIME_DIGITS)
    literals = dict(_DATE_TIME_LITERALS)
    zone_at = 19
    fraction = 0
    if first[19:20] == b".":
        while first[20 + fraction : 21 + fraction].isdigit():
            fraction += 1
        if not 1 <= fraction <= 6:
            return None
        literals[19] = b"."
        digits += range(20, 20 + fraction)
        zone_at = 20 + fraction
    zone = first[zone_at:]
    if zone == b"Z":
        literals[zone_at] = b"Z"
    elif len(zone) == 6 and zone[:1] in (b"+", b"-") and zone[3:4] == b":":
        literals[zone_at + 3] = b":"
        digits += (zone_at + 1, zone_at + 2, zone_at + 4, zone_at + 5)
    elif zone:
        return None
    return digits, literals, fraction, zone_at


def fixed_layout_times(texts: list[bytes]) -> tuple[FloatArray, bool] | None:
    """Non-empty ASCII times sharing one layout as POSIX seconds, and whether they have no zone.

    None when the texts do not share a layout this reads, or any is not a valid time.
    """
    count = len(texts)
    if count < MIN_VECTOR:  # a few dozen numpy steps cost more than datetime for each
        return _each_time(texts)
    layout = _layout(texts[0])
    if layout is None:
        return None
    digit_columns, literals, fraction, zone_at = layout
    width = len(texts[0])
    joined = b"\n".join(texts) + b"\n"  # no time holds a newline: each row is one text if all fit
    if len(joined) != count * (width + 1):
        return None
    matrix = np.frombuffer(joined, dtype=np.uint8).reshape(count, width + 1)
    columns = [*literals, width]
    expected = np.array([*(char[0] for char in literals.values()), 10], dtype=np.uint8)
    if not (matrix[:, columns] == expected).all():
        return None
    has_offset = width > zone_at + 1
    negative = matrix[:, zone_at] == 45  # "-"
    if has_offset and not (negative | (matrix[:, zone_at] == 43)).all():  # or "+"
        return None
    digits = matrix[:, digit_columns].astype(np.int64) - 48
    if digits.min() < 0 or digits.max() > 9:
        return None
    fields = digits @ _place_values(fraction, has_offset)  # one integer per field and row
    clock = fields[:, 3:6]
    if (clock > _CLOCK_LIMITS).any():
        return None
    # A file spans a few days: each distinct date is checked and counted by `datetime.date`.
    date_keys = fields[:, :3] @ _DATE_KEY
    date_of_row: int | IntArray = 0
    if (date_keys == date_keys[0]).all():  # the usual case: one day
        keys = [int(date_keys[0])]
    else:
        distinct, inverse = np.unique(date_keys, return_inverse=True)
        keys, date_of_row = distinct.tolist(), inverse.reshape(-1)
    try:
        days = np.array([date(key // 10_000, key // 100 % 100, key % 100).toordinal() for key in keys])
    except ValueError:  # a day that does not exist (or year 0)
        return None
    micros = ((days - _EPOCH_ORDINAL)[date_of_row] * 86_400 + clock @ _SECONDS) * 1_000_000
    if fraction:
        micros += fields[:, 6] * 10 ** (6 - fraction)
    if has_offset:
        offset = fields[:, -2:]
        if (offset > _OFFSET_LIMITS).any():
            return None
        offset_us = (offset @ _OFFSET_SECONDS) * 1_000_000
        micros -= np.where(negative, -offset_us, offset_us)
    if np.abs(micros).max() >= _MAX_EXACT_MICROSECONDS:
        return None
    seconds: FloatArray = micros / 1e6
    return seconds, zone_at == width


def _each_time(texts: list[bytes]) -> tuple[FloatArray, bool] | None:
    """Few times, each by `datetime` (`parse_xml_time`); None if any is unreadable."""
    values = np.empty(len(texts))
    naive = False
    for index, text in enumerate(texts):
        values[index], no_zone = parse_xml_time(text.decode("ascii"))
        naive = naive or no_zone
    return None if np.isnan(values).any() else (values, naive)


@lru_cache(maxsize=32)
def _place_values(fraction: int, has_offset: bool) -> IntArray:
    """The matrix turning a row of digits into its fields: date, clock, fraction, offset hours, minutes."""
    widths = [4, 2, 2, 2, 2, 2] + ([fraction] if fraction else []) + ([2, 2] if has_offset else [])
    places = np.zeros((sum(widths), len(widths)), dtype=np.int64)
    row = 0
    for field, width in enumerate(widths):
        places[row : row + width, field] = 10 ** np.arange(width - 1, -1, -1)
        row += width
    return places
