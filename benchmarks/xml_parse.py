"""GPX/TCX read time against lxml's bare parse of the same bytes (target: within 3x).

Run: .venv/bin/python benchmarks/xml_parse.py [ROUNDS] [NAME-FILTER]

Every corpus GPX and TCX file of at least 100 kB (`shared/data/activities/gpx`, `tcx`) is timed.
For each file, the two timings are taken in alternation, ROUNDS times, as CPU time of this process
(`time.process_time`, so other load on the machine counts less), and the medians and the minimums
are printed with their ratio; the last line names the worst file. "read_activity" is the whole
public path: size checks, format detection, the safe parse, column extraction, distance and the
sanitising pass.
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
MIN_BYTES = 100_000


def corpus_files() -> list[Path]:
    """The GPX and TCX files of the corpus that are at least MIN_BYTES long, largest first."""
    files = [p for kind in ("gpx", "tcx") for p in (ACTIVITIES / kind).glob(f"*.{kind}")]
    return sorted((p for p in files if p.stat().st_size >= MIN_BYTES), key=lambda p: -p.stat().st_size)


def main(rounds: int, name_filter: str = "") -> None:
    print(f"lxml {etree.__version__}, libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}, {rounds} rounds")
    print(
        f"{'file':62} {'MB':>5} {'records':>7} {'lxml ms':>8} {'ours ms':>8} {'ratio':>6} {'(min ratio)':>11}"
    )
    worst = ("", 0.0)
    for path in corpus_files():
        name = f"{path.parent.name}/{path.name}"
        if name_filter not in name:
            continue
        data = path.read_bytes()
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
        if ratio > worst[1]:
            worst = (name, ratio)
        print(
            f"{name:62} {len(data) / 1e6:5.2f} {records:7d} {statistics.median(bare) * 1e3:8.1f} "
            f"{statistics.median(ours) * 1e3:8.1f} {ratio:6.2f} {min(ours) / min(bare):11.2f}"
        )
    print(f"worst median ratio: {worst[1]:.2f} ({worst[0]})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15, sys.argv[2] if len(sys.argv) > 2 else "")
