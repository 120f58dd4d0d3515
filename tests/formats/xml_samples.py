"""Small GPX and TCX documents built in code for reader tests."""

from __future__ import annotations

GPX_NS = "http://www.topografix.com/GPX/1/1"
TPX_V2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"


def gpx(points: str, *, version: str = "1.1", extra_ns: str = "", track_type: str = "running") -> bytes:
    namespace = "http://www.topografix.com/GPX/1/0" if version == "1.0" else GPX_NS
    kind = f"<type>{track_type}</type>" if track_type else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gpx version="{version}" creator="unit test" xmlns="{namespace}"{extra_ns}>\n'
        f"<trk><name>t</name>{kind}\n{points}\n</trk>\n</gpx>\n"
    ).encode()


def trkpt(lat: float, lon: float, time: str | None, inner: str = "") -> str:
    stamp = f"<time>{time}</time>" if time is not None else ""
    return f'<trkpt lat="{lat}" lon="{lon}"><ele>100.0</ele>{stamp}{inner}</trkpt>\n'


def straight_points(count: int, *, start_second: int = 0, step_deg: float = 0.00003, hour: int = 10) -> str:
    """`count` points 1 s apart heading north about 3.3 m per second."""
    return "".join(
        trkpt(
            50.0 + (start_second + k) * step_deg,
            14.0,
            f"2024-05-01T{hour:02d}:{(start_second + k) // 60:02d}:{(start_second + k) % 60:02d}Z",
        )
        for k in range(count)
    )


TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def tcx(laps: str, *, sport: str = "Running", creator: str = "Forerunner 945") -> bytes:
    device = f'<Creator xsi:type="Device_t"><Name>{creator}</Name></Creator>' if creator else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<TrainingCenterDatabase xmlns="{TCX_NS}" xmlns:ns3="{AX_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f'<Activities><Activity Sport="{sport}"><Id>2024-05-01T10:00:00Z</Id>\n{laps}\n{device}'
        "</Activity></Activities></TrainingCenterDatabase>\n"
    ).encode()


def lap(
    start: str, total_s: float | None, distance_m: float | None, points: str, trigger: str = "Manual"
) -> str:
    total = f"<TotalTimeSeconds>{total_s}</TotalTimeSeconds>" if total_s is not None else ""
    dist = f"<DistanceMeters>{distance_m}</DistanceMeters>" if distance_m is not None else ""
    return (
        f'<Lap StartTime="{start}">{total}{dist}<Intensity>Active</Intensity>'
        f"<TriggerMethod>{trigger}</TriggerMethod>\n<Track>\n{points}</Track></Lap>\n"
    )


def trackpoint(time: str | None, inner: str = "") -> str:
    stamp = f"<Time>{time}</Time>" if time is not None else ""
    return f"<Trackpoint>{stamp}{inner}</Trackpoint>\n"
