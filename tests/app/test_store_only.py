"""The app reads only its store: every page runs, in a fresh process, without opening a raw data file."""
import subprocess
import sys

import pytest

from data.settings import REPO_ROOT, data_dir


def test_pages_open_nothing_under_the_raw_data_folder(processed_store):
    result = subprocess.run([sys.executable, "-m", "tests.app.store_only_probe"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    opened = result.stdout.split("\n") if result.stdout.strip() else []
    assert not opened, f"pages read {len(opened)} raw file(s) under {data_dir()}: {opened[:10]}"


def test_the_probe_sees_a_raw_file_being_opened():
    """The audit hook is live: reading a raw file while watching is reported (so an empty report means something)."""
    probe = ("import tests.app.store_only_probe as p, sys; sys.addaudithook(p._watch); p.WATCH['on'] = True; "
             "open(p.data_dir() / 'SOURCES.md').close(); print('\\n'.join(p.OPENED))")
    if not (data_dir() / "SOURCES.md").is_file():
        pytest.skip(f"real data folder not found at {data_dir()}")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert "SOURCES.md" in out.stdout, out.stderr
