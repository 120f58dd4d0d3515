"""Damaged files are never stored as good: generated truncations and bit flips, salvage, replacement.

Files are generated from corpus FIT files and synthetic runs (sampled with a fixed seed): every
truncation point and bit flip of the class, not one replayed file.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.errors import Suggestion
from progrun.storage import Store
from progrun.training_log.importer import import_paths
from progrun.training_log.views import fitness
from tests.conftest import ACTIVITIES
from tests.synthetic_runs import fit_bytes, progression_paces, synthetic_run

SEED = 20261207
#: Runs to mutate: corpus FIT files sampled with the seed, and a synthetic 6 km run.
CORPUS_SAMPLE = 3


def _originals() -> dict[str, bytes]:
    files = sorted((ACTIVITIES / "fit").glob("*.fit"))
    rng = random.Random(SEED)
    chosen = rng.sample([f for f in files if 4_000 < f.stat().st_size < 400_000], CORPUS_SAMPLE)
    out = {f.stem: f.read_bytes() for f in chosen}
    run = synthetic_run(datetime(2025, 5, 5, 7, 0, tzinfo=UTC), progression_paces(0))
    out["synthetic"] = fit_bytes(run, record_every_s=5)
    return out


ORIGINALS = _originals()


def _truncations(data: bytes, rng: random.Random, count: int) -> list[int]:
    """Cut points over the whole file: inside the header, at random, and just before the end (the CRC)."""
    cuts = {1, 13, len(data) - 1, len(data) - 2}
    while len(cuts) < count:
        cuts.add(rng.randrange(14, len(data) - 2))
    return sorted(cuts)


def _write_mutations(folder: Path, *, truncations: int, flips: int) -> dict[str, list[Path]]:
    rng = random.Random(SEED)
    out: dict[str, list[Path]] = {}
    for stem, data in ORIGINALS.items():
        paths = []
        for cut in _truncations(data, rng, truncations):
            path = folder / f"{stem}.cut{cut}.fit"
            path.write_bytes(data[:cut])
            paths.append(path)
        for _ in range(flips):
            offset, bit = rng.randrange(len(data)), rng.randrange(8)
            damaged = bytearray(data)
            damaged[offset] ^= 1 << bit
            path = folder / f"{stem}.flip{offset}.{bit}.fit"
            path.write_bytes(bytes(damaged))
            paths.append(path)
        out[stem] = paths
    return out


def test_bit_flips_are_refused_and_truncated_recordings_stored_only_as_partial(
    store: Store, tmp_path: Path
) -> None:
    """A flipped bit fails a CRC or the structure: refused, naming --salvage. A cut copy is a truncated
    recording when its header CRC holds: stored partial (never as good), at most one per run; else refused."""
    mutated = _write_mutations(tmp_path, truncations=10, flips=10)
    total = sum(len(paths) for paths in mutated.values())
    report = import_paths(store, [tmp_path], workers=1)
    flips = {str(path) for paths in mutated.values() for path in paths if ".flip" in path.name}
    failed = {f.file for f in report.failed}
    assert flips <= failed  # every bit flip refused
    assert report.imported + report.duplicates + len(report.failed) == total
    assert not report.ok
    runs = store.list_activities()
    assert all(run.partial for run in runs)  # nothing damaged is stored as good
    assert len(runs) <= len(mutated)
    assert report.partial and all(
        reason.startswith("truncated recording: truncated at offset") for _file, _id, reason in report.partial
    )
    assert all(".cut" in Path(file).name for file, _id, _reason in report.partial)
    # refused with --salvage named, but for nothing to keep: a cut in the header or before the first record
    nothing = ("not FIT", "header", "no records could be decoded")
    fit_refusals = [f for f in report.failed if not any(text in f.reason for text in nothing)]
    assert fit_refusals and all(Suggestion("salvage") in f.parts for f in fit_refusals)


def test_salvaged_runs_are_stored_partial_and_a_complete_copy_replaces_them(
    store: Store, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    mutated = _write_mutations(damaged, truncations=8, flips=4)
    report = import_paths(store, [damaged], workers=1, salvage=True)
    runs = store.list_activities()
    assert runs
    # every file was either stored partial (and perhaps replaced by a longer copy later), a duplicate, or
    # refused (nothing decodable: cut inside the header or the first definitions)
    assert len(report.partial) + report.duplicates + len(report.failed) == sum(map(len, mutated.values()))
    # every stored run is flagged partial, at most one per original run, and every warning was counted
    assert all(run.partial for run in runs)
    assert len(runs) <= len(mutated)
    assert report.to_dict()["warning_count"] == len(report.warnings) > 0
    assert all(
        reason.startswith(("salvaged from a damaged file: ", "truncated recording: "))
        for _file, _id, reason in report.partial
    )
    whole = tmp_path / "whole"
    whole.mkdir()
    for stem, data in ORIGINALS.items():
        (whole / f"{stem}.fit").write_bytes(data)
    complete = import_paths(store, [whole], workers=1)
    assert complete.ok and complete.imported == len(ORIGINALS)
    after = store.list_activities()
    assert len(after) == len(ORIGINALS)  # one activity per run: the partial copies were replaced
    assert not any(run.partial for run in after)
    assert store.check_integrity().ok  # no orphan blob, streams or splits left by the replaced rows
    again = import_paths(store, [damaged], workers=1, salvage=True)
    assert again.imported == 0 and store.count_activities() == len(ORIGINALS)  # complete copies cover them


@pytest.mark.parametrize("share", [0.25, 0.5, 0.9])
def test_half_then_complete_gives_one_run(store: Store, tmp_path: Path, share: float) -> None:
    data = ORIGINALS["synthetic"]
    (tmp_path / "half.fit").write_bytes(data[: int(len(data) * share)])
    (tmp_path / "run.fit").write_bytes(data)
    first = import_paths(store, [tmp_path / "half.fit"], workers=1, salvage=True)
    assert first.imported == 1 and len(first.partial) == 1
    (partial_run,) = store.list_activities()
    assert partial_run.partial and partial_run.kind == "partial" and partial_run.score is None
    second = import_paths(store, [tmp_path / "run.fit"], workers=1)
    (run,) = store.list_activities()
    assert not run.partial and run.kind == "progression"
    assert second.replaced == [
        (str(tmp_path / "run.fit"), run.id, f"replaces partial activity {partial_run.id}")
    ]
    assert run.distance_m > partial_run.distance_m


def test_partial_runs_are_left_out_of_fitness(tmp_path: Path) -> None:
    data = ORIGINALS["synthetic"]
    (tmp_path / "half.fit").write_bytes(data[: len(data) * 3 // 4])
    with Store.open(f"sqlite:///{tmp_path / 'log.db'}") as store:
        import_paths(store, [tmp_path / "half.fit"], workers=1, salvage=True)
        (run,) = store.list_activities()
        assert run.partial and len(store.splits_for([run.id])[run.id]) >= 3  # 3 km and more were kept
        assert fitness(store, datetime(2025, 5, 10, tzinfo=UTC).date()).vdot is None


def test_cli_import_exit_codes_warnings_history_and_show(tmp_path: Path) -> None:
    data = ORIGINALS["synthetic"]
    cut = tmp_path / "cut.fit"
    cut.write_bytes(data[: len(data) // 2])
    db = str(tmp_path / "log.db")
    runner = CliRunner()
    kept = runner.invoke(cli, ["import", str(cut), "--db", db, "--json"])
    assert kept.exit_code == 0, kept.output  # a truncated recording is imported, as partial
    report = json.loads(kept.output[kept.output.index("{") :])  # after "created a new training log"
    assert report["imported"] == 1 and report["warning_count"] == len(report["warnings"]) >= 1
    assert report["partial"][0]["reason"].startswith("truncated recording: truncated at offset")
    flipped = tmp_path / "flipped.fit"
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x08
    flipped.write_bytes(bytes(damaged))
    other_db = str(tmp_path / "other.db")
    refused = runner.invoke(cli, ["import", str(flipped), "--db", other_db])
    assert refused.exit_code == 1
    assert "failed 1" in refused.output and "--salvage" in refused.output
    salvaged = runner.invoke(cli, ["import", str(flipped), "--db", other_db, "--salvage", "--json"])
    assert salvaged.exit_code == 0, salvaged.output
    assert json.loads(salvaged.output)["partial"][0]["reason"].startswith(
        "salvaged from a damaged file: bad CRC"
    )
    history = json.loads(runner.invoke(cli, ["history", "--json", "--db", db]).output)
    assert history[0]["partial"].startswith("truncated recording")
    shown = runner.invoke(cli, ["show", str(history[0]["id"]), "--db", db])
    assert "Partial run (truncated recording" in shown.output
    table = runner.invoke(cli, ["history", "--db", db])
    assert "(partial)" in table.output
