"""deploy/gc_policy.py: a full collection freezes its survivors (later ones skip them), frees the garbage it finds, and
once per period starts by unfreezing everything so cycles that died while frozen are freed too."""
import gc
import weakref

import pytest

from deploy import gc_policy


class Node:
    """A cyclic object (only the cycle collector frees it) that a weak reference can watch."""

    def __init__(self):
        self.me = self


@pytest.fixture
def policy():
    now = [0.0]
    gc_policy.uninstall()
    gc.collect()
    yield now, gc_policy.freeze_after_full_collections(refreeze_s=60.0, clock=lambda: now[0])
    gc_policy.uninstall()
    gc.collect()


def test_a_full_collection_frees_garbage_and_freezes_the_survivors(policy):
    dead, alive = Node(), Node()
    watch = weakref.ref(dead)
    del dead
    gc.collect()
    assert watch() is None                                  # garbage is still collected
    assert gc.get_freeze_count() > 0                         # the survivors are out of the next collections' way
    assert gc.is_tracked(alive)
    frozen = gc.get_freeze_count()
    gc.collect(0)                                           # young collections leave the frozen objects alone
    assert gc.get_freeze_count() >= frozen


def test_frozen_cycles_that_die_are_freed_at_the_next_period(policy):
    now, _ = policy
    node = Node()
    watch = weakref.ref(node)
    gc.collect()                                            # node survives and is frozen
    del node
    gc.collect()
    assert watch() is not None                              # dead but frozen: not walked within the period
    now[0] += 61.0
    gc.collect()                                            # a new period: this collection walks everything once
    assert watch() is None


def test_installed_once(policy):
    _, callback = policy
    assert gc_policy.freeze_after_full_collections() is callback
    assert gc.callbacks.count(callback) == 1
