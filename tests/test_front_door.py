"""`import progrun` as a library user meets it: the verbs, loaded lazily, and the training log."""

from __future__ import annotations

from pathlib import Path

import pytest

import progrun


def test_open_training_log_creates_a_log_at_a_path_and_reopens_it(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "my-log.db"
    with progrun.open_training_log(path) as log:
        assert log.created
        assert log.count_activities() == 0
    assert path.is_file()
    with progrun.open_training_log(str(path), create=False) as log:
        assert not log.created


def test_open_training_log_without_a_path_uses_the_cli_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROGRUN_DB", raising=False)
    monkeypatch.setenv("PROGRUN_DATA_DIR", str(tmp_path))
    with progrun.open_training_log() as log:
        assert log.created
    assert (tmp_path / "progrun.db").is_file()


def test_open_training_log_refuses_to_create_when_told_not_to(tmp_path: Path) -> None:
    with pytest.raises(progrun.StorageError, match="no training log"):
        progrun.open_training_log(tmp_path / "absent.db", create=False)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'plan_everything'"):
        _ = progrun.plan_everything  # type: ignore[attr-defined]
