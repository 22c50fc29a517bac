"""The build and export CLIs: clear one-sentence failures, non-zero exits, and an untouched store."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.settings import REPO_ROOT, data_dir

pytestmark = pytest.mark.data


def run(args, **env):
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, env=full_env, capture_output=True, text=True,
                          timeout=120)


def link_farm(tmp_path: Path, skip: str | None = None, corrupt: str | None = None) -> Path:
    """A copy of the data folder made of symlinks, minus one file or with one file changed."""
    root = tmp_path / "data"
    for path in data_dir().rglob("*"):
        if path.is_dir():
            continue
        rel = path.relative_to(data_dir())
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if str(rel) == skip:
            continue
        if str(rel) == corrupt:
            target.write_bytes(path.read_bytes() + b"\n")
        else:
            target.symlink_to(path)
    return root


@pytest.fixture()
def old_store(tmp_path):
    store = tmp_path / "processed"
    store.mkdir()
    (store / "values.parquet").write_text("previous store")
    return store


def test_missing_file_fails_with_one_sentence_and_keeps_previous_store(tmp_path, old_store):
    farm = link_farm(tmp_path, skip="imd/imd2025_lsoa21_england.csv")
    result = run(["data.build", "--data-dir", str(farm), "--out", str(old_store)])
    assert result.returncode == 1
    assert "imd/imd2025_lsoa21_england.csv: file is missing from the data folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert (old_store / "values.parquet").read_text() == "previous store"


def test_checksum_mismatch_names_the_file(tmp_path, old_store):
    farm = link_farm(tmp_path, corrupt="other/fuel_poverty_2020_lsoa11_england.csv")
    result = run(["data.build", "--data-dir", str(farm), "--out", str(old_store)])
    assert result.returncode == 1
    assert "other/fuel_poverty_2020_lsoa11_england.csv: checksum mismatch" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_data_folder(tmp_path, old_store):
    result = run(["data.build", "--data-dir", str(tmp_path / "nowhere"), "--out", str(old_store)])
    assert result.returncode == 1 and "does not exist; set BCA_DATA_DIR" in result.stderr


def test_debug_flag_shows_the_traceback(tmp_path, old_store):
    result = run(["data.build", "--data-dir", str(tmp_path / "nowhere"), "--out", str(old_store), "--debug"])
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_failed_write_leaves_previous_store_and_no_temporary_folder(tmp_path, old_store, monkeypatch):
    import data.pipeline.build as build_module

    def boom(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(build_module.pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OSError):
        build_module.write_store(old_store, {}, build_module.pd.DataFrame({"a": [1]}),
                                 build_module.pd.DataFrame({"a": [1]}), {"x": 1})
    assert (old_store / "values.parquet").read_text() == "previous store"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".processed-build-")]


def test_export_writes_one_row_per_ward(processed_store, tmp_path):
    out = tmp_path / "wards.csv"
    result = run(["data.export", "--level", "ward24", "--out", str(out)])
    assert result.returncode == 0, result.stderr
    import pandas as pd

    table = pd.read_csv(out)
    assert len(table) == 33 and list(table.columns[:3]) == ["code", "name", "imd_imd_score"]
    assert table.loc[table["name"] == "Gipton & Harehills", "imd_imd_pct_most_deprived"].iloc[0] > 50


def test_export_list_indicators_is_csv_of_the_registry():
    result = run(["data.export", "--list-indicators"])
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and lines[0] == "id,label,unit,period,polarity,pillars,source"
    assert any(line.startswith("fuel_poverty,") for line in lines)


def test_export_rejects_unknown_level_without_writing(tmp_path):
    out = tmp_path / "x.csv"
    result = run(["data.export", "--level", "planet", "--out", str(out)])
    assert result.returncode == 1 and "--level must be one of" in result.stderr and not out.exists()
