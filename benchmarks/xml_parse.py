"""GPX/TCX read time against lxml's bare parse of the same bytes (target: within 3x).

Run: .venv/bin/python benchmarks/xml_parse.py [ROUNDS]

For each file, the two timings are taken in alternation, ROUNDS times, as CPU time of this process
(`time.process_time`, so other load on the machine counts less), and the medians and the minimums
are printed with their ratio. "read_activity" is the whole public path: size checks,
format detection, the safe parse, column extraction, distance and the sanitising pass.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

from lxml import etree

from progrun.formats import read_activity

ACTIVITIES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "activities"
FILES = ["tcx/sports-lib__6782987395.tcx", "gpx/sports-lib__6782987395.gpx", "tcx/sweatpy__3173437224.tcx"]


def main(rounds: int) -> None:
    print(f"lxml {etree.__version__}, libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}, {rounds} rounds")
    print(
        f"{'file':40} {'MB':>5} {'records':>7} {'lxml ms':>8} {'ours ms':>8} {'ratio':>6} {'(min ratio)':>11}"
    )
    for name in FILES:
        data = (ACTIVITIES / name).read_bytes()
        bare: list[float] = []
        ours: list[float] = []
        records = 0
        for _ in range(rounds):
            start = time.process_time()
            etree.parse(io.BytesIO(data))
            bare.append(time.process_time() - start)
            start = time.process_time()
            records = read_activity(data, name=name).records
            ours.append(time.process_time() - start)
        ratio = statistics.median(ours) / statistics.median(bare)
        print(
            f"{name:40} {len(data) / 1e6:5.2f} {records:7d} {statistics.median(bare) * 1e3:8.1f} "
            f"{statistics.median(ours) * 1e3:8.1f} {ratio:6.2f} {min(ours) / min(bare):11.2f}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
