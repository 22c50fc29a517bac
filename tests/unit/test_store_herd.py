"""Issue 13: sessions that find the store missing together build it once, not once each in turn."""
from __future__ import annotations

import threading
import time

from components import store
from data.store import StoreStatus


def test_waiting_sessions_do_not_rebuild_a_store_that_was_just_built(monkeypatch, tmp_path):
    built = {"calls": 0, "done": False}

    def fake_build(out_dir, progress):
        built["calls"] += 1
        time.sleep(0.3)                                   # a slow build, so the others queue on the lock
        (out_dir / store.MANIFEST).write_text(str(built["calls"]))   # a build rewrites the manifest last
        built["done"] = True

    monkeypatch.setattr(store, "build", fake_build)
    monkeypatch.setattr(store, "store_status",
                        lambda processed: StoreStatus("ok" if built["done"] else "missing", "x"))
    errors = []

    def session():
        try:
            store._rebuild_with_progress(tmp_path, "missing")
        except Exception as exc:                          # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors and built["calls"] == 1


def test_a_store_that_looks_usable_but_was_found_corrupt_is_rebuilt(monkeypatch, tmp_path):
    """The herd check must not take 'usable' for 'rebuilt': a truncated file leaves the manifest in order,
    and returning early there sent the app round a rebuild-rerun loop instead of rebuilding once."""
    (tmp_path / store.MANIFEST).write_text("old build")
    calls = []

    def fake_build(out_dir, progress):
        calls.append(out_dir)
        (out_dir / store.MANIFEST).write_text("new build, written later than the old one and longer")

    monkeypatch.setattr(store, "build", fake_build)
    monkeypatch.setattr(store, "store_status", lambda processed: StoreStatus("ok", "x"))
    store._rebuild_with_progress(tmp_path, "values.parquet in the processed store cannot be read.")
    assert calls == [tmp_path]
