"""Real-browser checks that a reader's choice sticks: shown after the run, in the link, no error, and twice in a row.

AppTest sets session state directly, so it cannot see a widget whose next run puts the old value back, a pick
that needs two attempts, or a choice Streamlit forgets when the reader switches pages; a browser can. Each
test loads its page once and drives it like a user: keyboard for selects (click, type, Enter), clicks for
radios, segmented controls, toggles and buttons, sidebar links to switch pages. The scorecard and
page-switch tests failed before the fixes in components/state.py (bound_select, keep_url_state).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import APP_READY_TIMEOUT_MS, screenshot, wait_for_app, wait_until

ERROR = '[data-testid="stException"], [data-testid="stAlertContentError"]'      # a traceback or an st.error
# deck.gl gets no WebGL context and draws nothing: in software GL on two cores every rerun of a page with maps
# takes 4-6 times longer. Widget state does not depend on the drawing (the map tests cover that), and map
# selections only come from clicks, which these tests do not make.
NO_WEBGL = """(() => { const get = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    return /webgl/i.test(kind) ? null : get.call(this, kind, ...rest); }; })();"""


# ---------- helpers ----------

def _labelled(page, testids: str, label: str):
    return page.locator(testids, has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))).first


def _select(page, label: str):
    return _labelled(page, '[data-testid="stSelectbox"], [data-testid="stMultiSelect"]', label)


def _type_and_enter(page, box, text: str, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    """Focus the box, type, wait for a matching option, Enter: what a keyboard user does."""
    box.locator("input").click(timeout=timeout_ms)
    page.keyboard.type(text)
    page.get_by_role("option", name=re.compile(re.escape(text), re.I)).first.wait_for(timeout=timeout_ms)
    page.keyboard.press("Enter")
    wait_for_app(page, timeout_ms)


def _pick(page, label: str, text: str, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    _type_and_enter(page, _select(page, label), text, timeout_ms)


def _shown(page, label: str) -> str:
    return _select(page, label).locator("input").input_value()


def _radios(page, label: str):
    return _labelled(page, '[data-testid="stRadio"]', label)


def _click_radio(page, label: str, option: str) -> None:
    _radios(page, label).get_by_text(option, exact=True).click()
    wait_for_app(page)


def _radio_shown(page, label: str) -> str:
    return _radios(page, label).locator("input:checked").evaluate("el => el.closest('label').innerText").strip()


def _segments(page, label: str):
    return page.locator(f'[role="radiogroup"][aria-label="{label}"]').first


def _click_segment(page, label: str, option: str) -> None:
    _segments(page, label).get_by_role("radio", name=option, exact=True).click()
    wait_for_app(page)


def _segment_shown(page, label: str) -> str:
    return _segments(page, label).locator('[aria-checked="true"]').inner_text().strip()


def _nav(page, title: str, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    """Switch pages inside the session (loading a URL would start a new session)."""
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True).click(timeout=timeout_ms)
    wait_for_app(page, timeout_ms)


def _params(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _assert_clean(page, where: str) -> None:
    errors = page.locator(ERROR)
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:400]}"


def _open(page, app_url: str, path: str) -> None:
    page.add_init_script(NO_WEBGL)
    page.goto(f"{app_url}{path}")
    wait_for_app(page)
    _assert_clean(page, f"opening {path}")


@pytest.fixture(scope="module", autouse=True)
def _frame_first(chromium_browser, app_url):
    """Open the front page once: on a fresh server a deep-linked first request skips st.navigation."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(NO_WEBGL)
    try:
        tab = context.new_page()
        tab.goto(app_url)
        wait_for_app(tab)
    finally:
        context.close()


# ---------- one page load per page: each change is shown, reaches the link, and a second change works too ----------

# (kind, label, what to type or click, text the widget must then show, URL parameter, its expected value)
INDICATOR = "Indicator (type to search)"
STEPS = {
    "explorer": [
        ("select", INDICATOR, "fuel poverty", "Households in fuel poverty", "indicator", "fuel_poverty"),
        ("select", INDICATOR, "Income deprivation: % of people on a low income", "Income deprivation: % of people", "indicator",
         "imd_income_score"),
        ("select", "Classes by", "Natural breaks", "Natural breaks", "scheme", "natural_breaks"),
    ],
    "inequalities": [
        ("select", "Indicator", "fuel poverty", "Households in fuel poverty", "sii_indicator", "fuel_poverty"),
        ("select", "Indicator", "Overcrowded households", "Overcrowded households", "sii_indicator",
         "census_overcrowded"),
    ],
    "social-progress": [
        ("select", "Mapped score", "Health and Wellness", "Health and Wellness", "spi_measure",
         "spi_comp_health_wellness"),
        ("select", "Mapped score", "Personal Safety", "Personal Safety", "spi_measure", "spi_comp_personal_safety"),
        ("radio", "View", "Scorecard", "Scorecard", "spi_view", "scorecard"),
    ],
    # the profile's picker and everything under it are a fragment: the link must still follow each pick
    "profile": [
        ("select", "Ward", "Armley", "Armley", "area", "E05011385"),
        ("select", "Kind of area", "Middle layer area", "Middle layer area (MSOA 2021)", "profile_level", "msoa"),
        ("select", "MSOA", "Leeds 005", "Leeds 005", "area", "E02002334"),
        ("select", "Kind of area", "Ward (2024)", "Ward (2024)", "profile_level", None),
        ("select", "Ward", "Pudsey", "Pudsey", "area", "E05011409"),
    ],
    # the Pillars page draws one view at a time (pillar_view in the link): each view's own widgets
    "pillars?pillar_view=map": [
        ("segment", "Pillar", "Zero Carbon", "Zero Carbon", "pillar", "Zero Carbon"),
        ("segment", "Pillar", "Inclusive Growth", "Inclusive Growth", "pillar", "Inclusive Growth"),
    ],
    "pillars?pillar_view=two": [
        ("select", "Across (red)", "Crime score", "Crime score", "bivar_x", "imd_crime_score"),
        ("select", "Up (blue)", "Employment %", "Employment %", "bivar_y", "imd_employment_score"),
    ],
}
ACT = {"select": _pick, "radio": _click_radio, "segment": _click_segment}
READ = {"select": _shown, "radio": _radio_shown, "segment": _segment_shown}


@pytest.mark.parametrize("path", list(STEPS))
def test_each_choice_sticks_and_reaches_the_link(page, app_url, path):
    _open(page, app_url, f"/{path}")
    for n, (kind, label, action, expected, param, value) in enumerate(STEPS[path], start=1):
        ACT[kind](page, label, action)
        where = f"/{path} step {n} ({label}: {action})"
        _assert_clean(page, where)
        shown = READ[kind](page, label)
        assert expected in shown, f"{where}: the widget shows {shown!r}"
        assert _params(page).get(param) == value, f"{where}: the link has {param}={_params(page).get(param)!r}"
    screenshot(page, "widgets_stick_" + path.replace("?", "_").replace("=", "-"))


def test_sidebar_and_meeting_mode_committee_stick(page, app_url):
    """The change page has no picker of its own: it follows the shared sidebar, which must keep its choices
    across pages and hand the committee to meeting mode, whose own committee select must stick too."""
    _open(page, app_url, "/change")
    msoa = "Middle layer area (MSOA 2021)"
    for label, text, shown, param, value in [
            ("Community committee", "Inner East", "Inner East", "committee", "inner-east"),
            ("Geography", "MSOA", msoa, "level", "msoa"),
            ("Community committee", "Outer West", "Outer West", "committee", "outer-west")]:
        _pick(page, label, text)
        _assert_clean(page, f"/change sidebar {label}: {text}")
        assert (_shown(page, label), _params(page).get(param)) == (shown, value), f"{label} -> {text}: {page.url}"
    screenshot(page, "widgets_stick_change_sidebar")
    _nav(page, "Area profile")
    sidebar = (_shown(page, "Geography"), _shown(page, "Community committee"))
    assert sidebar == (msoa, "Outer West"), f"the sidebar lost a choice on a page switch: {sidebar}"
    assert (_params(page).get("level"), _params(page).get("committee")) == ("msoa", "outer-west"), page.url

    switch = page.locator('[data-testid="stCheckbox"]', has=page.get_by_text("Meeting mode", exact=True))
    switch.locator("label").click()
    wait_for_app(page)
    title = page.locator("h1").first
    committee = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first       # its label is hidden
    assert _params(page).get("meeting") == "1", page.url
    assert committee.locator("input").input_value() == "Outer West"                            # from the sidebar
    assert title.inner_text().strip() == "Outer West community committee"
    _type_and_enter(page, committee, "Inner East")
    assert committee.locator("input").input_value() == "Inner East"
    assert title.inner_text().strip() == "Inner East community committee"
    assert _params(page).get("committee") == "inner-east", page.url
    page.get_by_role("button", name="Next ▶").click()
    wait_for_app(page)
    assert _params(page).get("meeting_step") == "1", page.url
    assert title.inner_text().strip() not in ("", "Inner East community committee")
    _type_and_enter(page, committee, "Outer North East")  # a second change sticks too, and starts the steps again
    assert committee.locator("input").input_value() == "Outer North East"
    assert title.inner_text().strip() == "Outer North East community committee"
    assert _params(page).get("committee") == "outer-north-east" and "meeting_step" not in _params(page), page.url
    _assert_clean(page, "meeting mode")
    screenshot(page, "widgets_stick_meeting")


# ---------- known app bugs (strict: a fix turns them into XPASS) ----------

def test_scorecard_area_pick_sticks_every_time(page, app_url):
    _open(page, app_url, "/social-progress?spi_view=scorecard")
    label = "Area (ward (2024))"
    _pick(page, label, "Armley")
    assert _shown(page, label).startswith("Armley"), _shown(page, label)
    _pick(page, label, "Pudsey")
    screenshot(page, "widgets_stick_scorecard_second_pick")
    assert _shown(page, label).startswith("Pudsey"), f"second pick ignored: the box shows {_shown(page, label)!r}"
    assert _params(page).get("area") == "E05011409", page.url


# A choice made on one page, then a change inside each page's st.fragment, then another page: every choice made so far
# must still be in the link. A fragment run skips app.py, so each fragment re-stores the URL state itself
# (components.state.keep_url_state); a fragment that re-stored only its own keys let the explorer's indicator drop
# out of the link one run after a profile pick (88b6b8d, fixed at page depth by 65eca7a, made one rule since).
# (page title in the sidebar, what to pick inside its fragment: label, text typed, URL parameter and value or None)
FRAGMENT_PAGES = [
    ("Inequalities", "Indicator", "Overcrowded households", "sii_indicator", "census_overcrowded"),
    ("Map explorer", INDICATOR, "fuel poverty", "indicator", "fuel_poverty"),
    ("Area profile", "Ward", "Armley", "area", "E05011385"),
    ("Pillars and intersections", "Show the areas weak on", "Zero Carbon", "combo", "Zero Carbon"),
    ("Change over time", "Measure", "Energy and homes: Fuel poverty", None, None),
    ("Leeds among England's cities", INDICATOR, "Claimant Count (Percentage)", None, None),
]


CHAIN_WAIT_MS = 3 * APP_READY_TIMEOUT_MS       # the cities and pillars pages' first runs take over a minute under load


@pytest.mark.timeout(900)          # seven page loads in one session: one test, so the pages are loaded once each
def test_choices_survive_switching_pages(page, app_url):
    """One session through every page with a fragment: each page's fragment change keeps the choices made on the
    pages before it (checked in the link after the next page switch, the run where a dropped choice shows)."""
    _open(page, app_url, "/accessibility")
    wanted, previous = {}, "the first page"
    for title, label, text, param, value in [*FRAGMENT_PAGES, ("Data sources and methods", None, None, None, None)]:
        before = urlparse(page.url).path
        _nav(page, title, CHAIN_WAIT_MS)
        wait_until(lambda: urlparse(page.url).path != before, CHAIN_WAIT_MS / 1000, f"the switch to {title}")
        wait_for_app(page, CHAIN_WAIT_MS)
        _assert_clean(page, f"opening {title}")
        lost = {k: v for k, v in wanted.items() if _params(page).get(k) != v}
        assert not lost, f"lost after a change in the fragment of {previous}: {lost}; the link is now {page.url}"
        if label is None:
            break
        _pick(page, label, text, CHAIN_WAIT_MS)
        _assert_clean(page, f"{title}: {label} -> {text}")
        if param is not None:          # the fragment's run may start after the pick's idle check on a busy machine
            wait_until(lambda: _params(page).get(param) == value, CHAIN_WAIT_MS / 1000,
                       f"{title}: {label} -> {text} in the link")
            wanted[param] = value
        previous = title
    screenshot(page, "widgets_stick_after_page_switches")
