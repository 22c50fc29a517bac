"""Keep Python's full garbage collections short: what survives one is frozen, so the next ones skip it (issue 20).

All sessions share one interpreter, so a collection stops every rerun while it runs. The server holds ~400 MB of
long-lived objects (imports, the store, the shared caches), and every full collection walked all of them: 150-470 ms
each, several times a minute under load (measured with gc.callbacks on the bench's server), in the path of whichever
reruns were queued. After a full collection every object left is reachable, so ``gc.freeze()`` then moves it out of
the collector's way without keeping any garbage; the next full collections walk only what was made since.

Objects frozen while alive that later become cyclic garbage (a closed session's objects, a replaced cache entry)
would stay frozen; so every ten minutes (``REFREEZE_S``) a full collection starts by unfreezing everything and walks the
whole heap once, which frees them, and freezes the survivors again.
"""
from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable

REFREEZE_S = 600.0

_LOCK = threading.Lock()
_INSTALLED: list[Callable] = []


def freeze_after_full_collections(refreeze_s: float = REFREEZE_S,
                                  clock: Callable[[], float] = time.monotonic) -> Callable[[str, dict], None]:
    """Install the policy (once per process; a second call returns the installed callback)."""
    with _LOCK:
        if _INSTALLED:
            return _INSTALLED[0]
        last_thaw = [clock()]

        def on_collection(phase: str, info: dict) -> None:
            if info.get("generation") != 2:
                return
            if phase == "start" and clock() - last_thaw[0] >= refreeze_s:
                gc.unfreeze()            # this collection walks everything once, so stale frozen cycles are freed
                last_thaw[0] = clock()
            elif phase == "stop":
                gc.freeze()              # every object left is reachable: later collections skip them

        gc.callbacks.append(on_collection)
        _INSTALLED.append(on_collection)
        return on_collection


def uninstall() -> None:
    """Remove the policy and unfreeze everything (tests; a process that wants the default collector back)."""
    with _LOCK:
        for callback in _INSTALLED:
            if callback in gc.callbacks:
                gc.callbacks.remove(callback)
        _INSTALLED.clear()
    gc.unfreeze()
