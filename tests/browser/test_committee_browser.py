"""The committee home in a real browser (issue 19 item 2): the large, labelled picker changes the home page,
the pack downloads as a PDF in one click, and screenshots at 1400x900 and 1920x1080 (test-artifacts/)."""
from __future__ import annotations

import re

from tests.browser.conftest import screenshot, wait_for_app

PICKER = "Choose a community committee (or All of Leeds)"


def _picker(page):
    return page.locator(".st-key-committee_picker [data-testid='stSelectbox']")


def test_committee_home_picker_pack_and_screens(page, app_url, tmp_path):
    page.goto(f"{app_url}/?committee=inner-east")
    wait_for_app(page)
    title = page.locator("h1").first
    assert title.inner_text().strip() == "Inner East community committee"

    picker = _picker(page)
    label = picker.locator('[data-testid="stWidgetLabel"]')
    assert label.inner_text().strip() == PICKER                                     # labelled, in words
    box = picker.locator('.react-aria-ComboBox [role="group"]').first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300, box                        # large: a big target
    size = label.locator("p").evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size >= 18, size
    value_size = picker.locator("input").evaluate("i => parseFloat(getComputedStyle(i).fontSize)")
    assert value_size >= 18 and picker.locator("input").input_value() == "Inner East", value_size
    screenshot(page, "committee_home_1400")

    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name=re.compile(r"Download the Inner East committee pack")).click()
    path = tmp_path / "pack.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    picker.locator("input").click()
    page.keyboard.type("Outer South")
    page.get_by_role("option", name="Outer South").first.wait_for()
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert title.inner_text().strip() == "Outer South community committee"
    assert "committee=outer-south" in page.url

    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app(page)
    screenshot(page, "committee_home_1920")
    page.locator("h3", has_text="wards against Leeds").first.scroll_into_view_if_needed()
    screenshot(page, "committee_home_1920_wards")

    picker.locator("input").click()
    page.keyboard.type("All of Leeds")
    page.get_by_role("option", name="All of Leeds").first.wait_for()
    page.keyboard.press("Enter")
    wait_for_app(page)
    assert title.inner_text().strip() == "Where deprivation is deepest in Leeds"
    assert "committee=" not in page.url
