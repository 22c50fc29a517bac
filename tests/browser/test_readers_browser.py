"""Real-browser checks of issue 14's reader rules: the diverging legend, partial coverage in the tooltip,
the SII sentence and the profile's one count of indicators with a confidence interval."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app, wait_for_map_drawn

MAP = '[data-testid="stDeckGlJsonChart"]'
NEXT_FRAMES_JS = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _open(page, url: str, with_map: bool = True) -> None:
    page.goto(url)
    wait_for_app(page)
    if with_map:
        wait_for_map_drawn(page)         # deck.gl draws on the next animation frames: wait until it has


def test_diverging_legend_is_the_difference_from_leeds(page, app_url):
    _open(page, f"{app_url}/explorer?level=ward24&indicator=imd_imd_pct_most_deprived&scheme=diverging")
    legend = page.locator('[aria-label="Map legend"]').first.inner_text()
    screenshot(page, "explorer_diverging_difference")
    assert "Difference from the Leeds value (17.8%), percentage points" in legend, legend
    counts = [int(n) for n in re.findall(r"\((\d+)\)", legend)]
    assert counts[:-1] and all(n > 0 for n in counts[:-1]), legend        # no empty class (last: No data)
    lowest = re.search(r"(-\d+\.\d) –", legend)
    assert lowest and float(lowest.group(1)) >= -17.8, legend             # never below 0% of residents


def test_entry_to_he_wards_are_shown_and_marked_partial_on_hover(page, app_url):
    _open(page, f"{app_url}/explorer?level=ward24&indicator=iod_entry_to_he")
    legend = page.locator('[aria-label="Map legend"]').first.inner_text()
    assert "No data (0)" in legend, legend                                  # was 2 wards blank
    box = page.locator(f"{MAP} canvas").first.bounding_box()
    for fy in (0.5, 0.55, 0.6, 0.45, 0.65, 0.4):
        for fx in (0.45, 0.5, 0.4, 0.55, 0.35, 0.6):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.evaluate(NEXT_FRAMES_JS)             # deck.gl picks under the pointer in its next frame
            tooltip = page.locator(".deck-tooltip")
            if tooltip.count() and tooltip.first.is_visible() and "Partial" in tooltip.first.inner_text():
                screenshot(page, "explorer_partial_tooltip")
                text = tooltip.first.inner_text()
                assert "hold 9" in text and ("Hunslet" in text or "Beeston" in text), text
                assert "&amp;" not in text and "<br" not in text and "<i>" not in text, text   # plain text
                return
    screenshot(page, "explorer_partial_tooltip_missing")
    pytest.fail("no tooltip on Hunslet & Riverside or Beeston & Holbeck said 'Partial'")


def test_sii_sentence_and_council_figures_read_correctly(page, app_url):
    _open(page, f"{app_url}/inequalities?level=msoa", with_map=False)
    page.get_by_text("the fitted line puts women").first.wait_for(timeout=120_000)
    body = page.locator("body").inner_text()
    screenshot(page, "inequalities_sii_sentence")
    assert "could expect to live" not in body
    assert "most deprived tenth of Leeds' population live 5.1 years shorter lives" in body
    assert "cannot be reproduced" in body


def test_profile_counts_confidence_intervals_once(page, app_url):
    _open(page, f"{app_url}/profile?level=ward24&area=E05011399", with_map=False)
    page.get_by_text("95% confidence interval").first.wait_for(timeout=120_000)
    body = page.locator("body").inner_text()
    counts = set(re.findall(r"(\d+) indicators (?:with a|have a) 95% confidence interval", body))
    screenshot(page, "profile_ci_count")
    assert len(counts) == 1, counts
