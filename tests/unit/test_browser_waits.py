"""The browser harness's idle wait (tests/browser/conftest.py), on a scripted page: it waits for the server's answer
to the browser's last message rather than for a fixed second of quiet, and keeps the older rule where it cannot see."""
from __future__ import annotations

import time

import pytest

import tests.browser.conftest as harness

IDLE = {"existed": True, "state": "notRunning", "sent": 1, "answered": True, "quiet_ms": 5_000, "loading": False}


class ScriptedPage:
    """Answers wait_for_app's looks from a list (the last one repeats); ``after_action`` replaces them."""

    def __init__(self, looks: list[dict]):
        self.looks, self.seen = list(looks), 0

    def locator(self, _selector):
        return self

    def wait_for(self, timeout=None):
        return None

    def evaluate(self, _script):
        self.seen += 1
        return self.looks.pop(0) if len(self.looks) > 1 else self.looks[0]


def _timed(call) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


def test_an_idle_page_is_ready_at_once_not_after_a_second_of_quiet():
    page = ScriptedPage([IDLE])
    harness.wait_for_app(page)
    assert page.seen == 1                                 # one look: the older rule looked for over a second


def test_a_still_page_is_not_ready_until_the_server_answers_the_last_message():
    unanswered = {**IDLE, "sent": 2, "answered": False}                   # a click sent, no run started yet
    page = ScriptedPage([unanswered] * 5 + [{**IDLE, "state": "running", "sent": 2}, {**IDLE, "sent": 2}])
    harness.wait_for_app(page)
    assert page.seen == 7


@pytest.mark.parametrize("existed", [True, False], ids=["monitored", "older rule"])
def test_a_page_is_not_ready_while_an_element_still_shows_its_loading_skeleton(monkeypatch, existed):
    monkeypatch.setattr(harness, "FALLBACK_QUIET_S", 0.1)
    loading = {**IDLE, "existed": existed, "loading": True}         # the run is over, a chart's code still loading
    page = ScriptedPage([loading] * 8 + [{**IDLE, "existed": existed}])
    harness.wait_for_app(page)
    assert page.seen == 9


def test_a_page_without_the_monitor_keeps_the_older_rule(monkeypatch):
    monkeypatch.setattr(harness, "FALLBACK_QUIET_S", 0.2)
    page = ScriptedPage([{**IDLE, "existed": False}, IDLE])     # installed by this wait: it saw nothing before
    assert _timed(lambda: harness.wait_for_app(page)) >= 0.2


def test_a_page_that_never_stills_falls_back_to_the_older_rule(monkeypatch):
    monkeypatch.setattr(harness, "FALLBACK_QUIET_S", 0.2)
    page = ScriptedPage([{**IDLE, "quiet_ms": 0}])                      # something keeps changing the DOM
    assert _timed(lambda: harness.wait_for_app(page)) >= 0.2


def test_a_running_script_is_never_idle():
    with pytest.raises(TimeoutError, match="still running"):
        harness.wait_for_app(ScriptedPage([{**IDLE, "state": "running"}]), timeout_ms=300)


def test_a_rerun_is_seen_by_the_message_the_action_sent():
    page = ScriptedPage([IDLE])
    page_after = [{**IDLE, "sent": 2, "answered": False}, {**IDLE, "sent": 2, "state": "running"}, {**IDLE, "sent": 2}]

    def click():
        page.looks = list(page_after)

    harness.wait_for_rerun(page, click)
    assert page.seen == 4                     # before, after the click, running, idle (the old rule: 5 s of looks)
