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
