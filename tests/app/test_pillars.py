"""Pillars page (AppTest): thresholds drive the category counts and the list of areas.

Each view is rendered in a fresh session with its choices seeded in session state (AppTest reruns a
multipage app through its frame reliably only on the first switch_page run).
"""
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT

THRESHOLD_KEYS = ("pillar_thr_health", "pillar_thr_growth", "pillar_thr_carbon")


def _render(threshold: str, combo: str = "All three") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["level"] = "ward24"
    for key in THRESHOLD_KEYS:
        at.session_state[key] = threshold
    at.session_state["pillar_combo"] = combo
    at.switch_page("app_pages/pillars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counts(at) -> dict[str, int]:
    for frame in (d.value for d in at.dataframe):
        if "Weak on" in frame.columns and "Health and Wellbeing" in set(frame["Weak on"]):
            return dict(zip(frame["Weak on"], frame["Areas"]))
    raise AssertionError("no category counts table on the page")


def _area_list(at):
    for frame in (d.value for d in at.dataframe):
        if "Code" in frame.columns and any(str(c).startswith("Health:") for c in frame.columns):
            return frame
    raise AssertionError("no list of areas on the page")


@pytest.fixture(scope="module")
def worst20(processed_store):
    return _render("worst20")


def test_default_view_counts_every_ward_once_and_lists_all_three(worst20):
    counts = _counts(worst20)
    assert len(counts) == 8 and sum(counts.values()) == 33
    assert len(_area_list(worst20)) == counts["All three"] > 0
    headline = worst20.subheader[0].value                       # issue 19: the answer first, as a sentence
    assert headline.startswith(f"{counts['All three']} wards, home to ") and "weak on all three pillars" in headline
    assert any("Download these" in b.label for b in worst20.get("download_button"))


def test_changing_thresholds_changes_counts_and_list(worst20):
    before, listed = _counts(worst20), _area_list(worst20)
    at = _render("leeds")
    after = _counts(at)
    assert sum(after.values()) == 33
    assert after != before and after["All three"] > before["All three"]
    assert len(_area_list(at)) == after["All three"]
    assert set(_area_list(at)["Code"]) > set(listed["Code"])
    assert any("worse than the leeds value" in m.value for m in at.markdown)


def test_choosing_a_combination_lists_its_areas(processed_store):
    at = _render("worst20", combo="None")
    counts = _counts(at)
    assert len(_area_list(at)) == counts["None"]
    assert any(f"{counts['None']} wards weak on: None" in m.value for m in at.markdown)
