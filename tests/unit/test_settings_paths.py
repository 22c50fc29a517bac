"""data.settings: the data and store folders follow their settings at every call, and are resolved once per setting
(the app asks for them dozens of times a run; Path.resolve() makes a system call per path component)."""
from pathlib import Path
from unittest import mock

from data import settings


def test_folders_follow_their_settings_and_resolve_once(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path / "raw"))
    monkeypatch.setenv(settings.PROCESSED_DIR_ENV, str(tmp_path / "store"))
    assert settings.data_dir() == (tmp_path / "raw").resolve()
    assert settings.processed_dir() == (tmp_path / "store").resolve()
    with mock.patch.object(Path, "resolve", autospec=True, side_effect=Path.resolve) as resolve:
        for _ in range(3):
            assert settings.data_dir() == (tmp_path / "raw").resolve()
            assert settings.processed_dir() == (tmp_path / "store").resolve()
    assert resolve.call_count == 6                    # only the test's own expected values
    monkeypatch.setenv(settings.PROCESSED_DIR_ENV, str(tmp_path / "other"))
    assert settings.processed_dir() == (tmp_path / "other").resolve()     # a changed setting is read at once
    monkeypatch.delenv(settings.PROCESSED_DIR_ENV)
    monkeypatch.setenv(settings.DISTRICT_ENV, "E08000003")
    assert settings.processed_dir() == settings.REPO_ROOT / "data" / "processed-E08000003"
