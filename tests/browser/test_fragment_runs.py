"""A view change on a page with a fragment reruns only that fragment, and still writes the link.

Driven by bench/ws_load.py's websocket client, which speaks Streamlit's protocol as the browser does: the server
names the fragment a run was for, so a full rerun (store check, sidebar, navigation, footer: ~15-20 ms of server
time a change on the profile) is told apart from a fragment run. ``Session.change`` fails when the scenario's URL
parameter did not change, so each change also proves the link was written. Scenarios: bench/scenarios.yaml.
"""
from __future__ import annotations

import pytest

from bench.scenarios import load_scenarios
from bench.ws_load import Session
from tests.conftest import run_alone


async def _changes(url: str, name: str, count: int) -> tuple[list[bool], str]:
    session = Session(url, load_scenarios()[name])
    try:
        await session.open()
        runs, position = [], 0
        for _ in range(count):
            figures, position = await session.change(position)
            runs.append(figures.fragment_run)
        return runs, session.query
    finally:
        await session.close()


@pytest.mark.parametrize("name", ["profile", "change_measures", "meeting_deck", "compare", "pillars", "social_progress"])
def test_a_change_reruns_only_its_fragment_and_writes_the_link(app_url, name):
    runs, query = run_alone(_changes(app_url, name, 3))   # Playwright holds the main thread's loop
    assert runs == [True] * 3, f"{name}: full reruns where a fragment run was expected ({runs}); link now {query}"
