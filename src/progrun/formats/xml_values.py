"""The point patterns' field texts (`xml_scan`) to numbers and times, as the tree walk reads them.

- Numbers: `float()` of each text (NaN where it raises, or where the text is missing); a column whose
  first texts repeat a lot (heart rate, cadence, altitude) converts each distinct text once.
- Times: texts of one layout through `xml_times` (a byte matrix); otherwise numpy's datetime64 when
  every text has the `YYYY-MM-DDThh:mm:ss[.ffffff][zone]` form; otherwise `datetime.fromisoformat`.
  All three give `datetime.fromisoformat(text).timestamp()` exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from fastnumbers import try_float

from progrun.activity import FloatArray
from progrun.formats.xml_safety import parse_xml_time
from progrun.formats.xml_times import fixed_layout_times

#: A field's text: bytes, or None when the point does not have the field (b"" is read as None too).
Texts = Sequence[bytes | None]
_ISO_TIME = (
    rb"(?!0000)\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
    rb"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?"
)
#: Lines each empty or holding one time that numpy and `datetime.fromisoformat` read alike.
_ISO_TIMES = re.compile(rb"(?:(?:" + _ISO_TIME + rb")?\n)*+")
_ISO_TIME_PARTS = re.compile(rb"([\dT:.-]*?)(Z|[+-]\d\d:\d\d|)\n")


def texts_to_floats(texts: Texts) -> FloatArray:
    """ASCII decimal texts as float64, exactly as `float()` reads them; None, b"" or unreadable -> NaN."""
    count = len(texts)
    present: list[bytes] = list(filter(None, texts))
    if len(present) == count:
        return _floats(present)
    result = np.full(count, np.nan)
    if present:
        result[np.fromiter(map(bool, texts), dtype=np.bool_, count=count)] = _floats(present)
    return result


#: A column whose first `_SAMPLE` texts hold at most half as many distinct ones (heart rate, cadence,
#: altitude) is read through a table: `float()` once per distinct text, a dict look-up per point.
_SAMPLE = 256
_MIN_TABLE = 32


def _floats(texts: list[bytes]) -> FloatArray:
    """`float()` of each text (NaN where it raises); each distinct text once when they repeat a lot.

    fastnumbers reads with the same correctly rounded result as `float()` (and accepts the same
    texts: underscores between digits, surrounding whitespace, inf and nan in any case) at about a
    third of the cost per value; the one text it takes that `float()` refuses, `nan(...)`, is NaN
    either way.
    """
    count = len(texts)
    if count >= _MIN_TABLE and 2 * len(set(texts[:_SAMPLE])) <= min(count, _SAMPLE):
        distinct = list(set(texts))
        table = dict(zip(distinct, _read_floats(distinct), strict=True))
        return np.fromiter(map(table.__getitem__, texts), dtype=np.float64, count=count)
    return np.array(_read_floats(texts), dtype=np.float64)


def _read_floats(texts: list[bytes]) -> list[float]:
    values: list[float] = try_float(texts, map=list, on_fail=math.nan, allow_underscores=True)
    return values


def texts_to_times(texts: Texts) -> tuple[FloatArray, bool]:
    """xsd:dateTime texts as POSIX seconds (None, b"" or unreadable -> NaN), and whether any had no zone.

    When the texts present share one layout (`xml_times`), they are read as a byte matrix; else
    when every text reads `YYYY-MM-DDThh:mm:ss[.ffffff][Z|+hh:mm|-hh:mm]`, numpy converts them in
    one call. Both use the same integer-microsecond arithmetic as `datetime.timestamp()`; any other
    text goes through `xml_safety.parse_xml_time` (Python's `datetime.fromisoformat`).
    """
    count = len(texts)
    present: list[bytes] = list(filter(None, texts))
    fixed = _times_by_layout(present) if present else None
    if fixed is not None:
        if len(present) == count:
            return fixed
        values = np.full(count, np.nan)
        values[np.fromiter(map(bool, texts), dtype=np.bool_, count=count)] = fixed[0]
        return values, fixed[1]
    if not texts:
        return np.empty(0), False
    every: list[bytes] = [text or b"" for text in texts]
    joined = b"\n".join(every) + b"\n"
    if _ISO_TIMES.fullmatch(joined):
        try:
            return _numpy_times(every, joined)
        except ValueError:  # a day that does not exist, say: let datetime decide
            pass
    values = np.empty(len(texts))
    naive = False
    for index, text in enumerate(every):
        values[index], no_zone = parse_xml_time(text.decode("ascii"))
        naive = naive or no_zone
    return values, naive


#: Times of more layouts than this (by length) are read by the general path.
_MAX_LAYOUTS = 4


def _times_by_layout(texts: list[bytes]) -> tuple[FloatArray, bool] | None:
    """`fixed_layout_times` of the texts, or of each group of texts of one length (up to `_MAX_LAYOUTS`)."""
    fixed = fixed_layout_times(texts)
    if fixed is not None:
        return fixed
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    distinct = np.unique(lengths)
    if distinct.size == 1 or distinct.size > _MAX_LAYOUTS:
        return None
    values = np.empty(len(texts))
    naive = False
    for length in distinct.tolist():
        rows = np.flatnonzero(lengths == length)
        group = fixed_layout_times([texts[row] for row in rows.tolist()])
        if group is None:
            return None
        values[rows] = group[0]
        naive = naive or group[1]
    return values, naive


def _numpy_times(texts: Sequence[bytes], joined: bytes) -> tuple[FloatArray, bool]:
    """Validated times (`joined`: one per line, some lines empty) as seconds, and any without a zone."""
    present = len(texts) - texts.count(b"")
    sample = next((text for text in texts if text), b"")
    zone = b"Z" if sample.endswith(b"Z") else sample[-6:] if sample[-6:-5] in (b"+", b"-") else b""
    offsets_us: int | npt.NDArray[np.int64]
    if zone and joined.count(zone + b"\n") == present:  # one zone throughout (a zone ends its line)
        local, offsets_us = joined.replace(zone + b"\n", b"\n"), _offset_us(zone)
    elif not zone and b"Z" not in joined and b"+" not in joined and joined.count(b"-") == 2 * present:
        local, offsets_us = joined, 0  # no zone anywhere: each date holds two hyphens, nothing else
    else:
        pairs = _ISO_TIME_PARTS.findall(joined)
        local = b"\n".join(time for time, _ in pairs) + b"\n"
        zones = [zone for _, zone in pairs]
        offsets = {zone: _offset_us(zone) for zone in set(zones)}
        offsets_us = np.fromiter(map(offsets.__getitem__, zones), dtype=np.int64, count=len(zones))
        zone = b"" if any(not zone and time for time, zone in pairs) else b"Z"
    stamps = np.array(local[:-1].decode("ascii").split("\n"), dtype="datetime64[us]")
    missing = np.isnat(stamps)
    micros = stamps.astype(np.int64) - offsets_us
    if np.any(np.abs(micros[~missing]) >= 2**53):  # past 2255: int / 10**6 rounds unlike int64 / 1e6
        raise ValueError("time too far from 1970 for float arithmetic")
    seconds: FloatArray = micros / 1e6
    seconds[missing] = np.nan
    return seconds, present > 0 and zone == b""


def _offset_us(zone: bytes) -> int:
    """`+hh:mm` / `-hh:mm` as microseconds east of UTC; `Z` and no zone as 0."""
    if zone in (b"", b"Z"):
        return 0
    sign = -1 if zone[:1] == b"-" else 1
    return sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60) * 1_000_000
