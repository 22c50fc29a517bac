"""Layout at meeting-room and phone sizes (issue 14, items 10, 11 and 13): no label cut with an ellipsis, pillar
buttons inside the screen, the explorer's map in the upper half of a 1400x900 screen, a readable side panel."""
import pytest

from tests.browser.conftest import screenshot, wait_for_app, wait_until

SIZES = [(1400, 900), (1920, 1080), (320, 800)]
LITTLE_LONDON = "E05011403"
PAGES = ["", f"explorer?area={LITTLE_LONDON}", f"profile?area={LITTLE_LONDON}", "pillars"]

CUT_TEXT = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')) {
    if (!el.offsetParent || el.closest('[data-testid="stDataFrame"], canvas, input, .vega-embed')) continue;
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim())
      cut.push(el.innerText.trim().slice(0, 60));
  }
  return cut;
}"""
OFF_SCREEN_BUTTONS = """() => Array.from(document.querySelectorAll('[data-testid="stButtonGroup"] button'))
  .filter(b => b.offsetParent)
  .filter(b => { const r = b.getBoundingClientRect(); const g = b.parentElement.getBoundingClientRect();
                 return r.right > Math.min(window.innerWidth, g.right) + 1 || r.left < g.left - 1; })
  .map(b => b.innerText)"""


def _open(page, url: str) -> None:
    """The page drawn (its title shown) and its script idle: one idle wait, after the title, is enough."""
    page.goto(url)
    page.locator("h1").first.wait_for(state="visible")
    wait_for_app(page)


def _settled(page):
    """Cut labels and off-screen buttons once the web fonts are in and two looks in a row agree (the layout has
    stopped moving): a condition instead of a fixed half-second pause."""
    looks: list = []

    def same_twice():
        if not page.evaluate("document.fonts.status === 'loaded'"):
            return None
        looks.append((page.evaluate(CUT_TEXT), page.evaluate(OFF_SCREEN_BUTTONS)))
        return looks[-1] if len(looks) > 1 and looks[-1] == looks[-2] else None

    return wait_until(same_twice, what="the layout settling")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_label_is_cut_and_button_rows_fit(chromium_browser, app_url, size):
    width, height = size
    context = chromium_browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        problems = {}
        for path in PAGES:
            _open(page, f"{app_url}/{path}")
            cut, off = _settled(page)
            if cut or off:
                problems[path or "home"] = {"cut": cut[:6], "buttons off screen": off}
                screenshot(page, f"layout_{width}_{(path or 'home').split('?')[0]}")
        assert not problems, problems
    finally:
        context.close()


def test_explorer_map_starts_in_the_upper_half_at_1400x900(page, app_url):
    _open(page, f"{app_url}/explorer")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"]').first
    canvas.wait_for(state="visible")
    top = canvas.bounding_box()["y"]
    screenshot(page, "layout_explorer_1400x900")
    assert top < 450, f"the map starts {top:.0f} px down a 900 px screen"


def test_side_panel_key_figures_are_readable(page, app_url):
    _open(page, f"{app_url}/explorer?area={LITTLE_LONDON}")
    table = page.locator(".bca-key-figures table")
    table.wait_for(state="visible")
    table.scroll_into_view_if_needed()
    screenshot(page, "layout_explorer_side_panel")
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('.bca-key-figures td, .bca-key-figures th'))
        .map(c => [c.innerText, c.scrollWidth <= c.clientWidth + 1, c.getBoundingClientRect().width])""")
    assert len(cells) >= 5 * 4
    assert all(fits for _, fits, _ in cells), [text for text, fits, _ in cells if not fits]
    assert min(width for _, _, width in cells) >= 30, "a key-figures column is too narrow to read"
    link = page.get_by_role("link", name="Open the profile of Little London & Woodhouse")
    assert link.evaluate("a => a.scrollWidth <= a.clientWidth + 1")
