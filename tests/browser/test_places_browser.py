"""Real-browser checks of the place pickers: a choice made with the keyboard must stick (and reach the link).

AppTest sets session state directly, so it cannot see a widget whose next run puts the old value back;
a browser can (this was a real bug on the profile and compare pages).
"""
from __future__ import annotations

import re

from tests.browser.conftest import screenshot, wait_for_app, wait_for_rerun


def _pick(page, label: str, text: str) -> None:
    box = page.locator('[data-testid="stMultiSelect"], [data-testid="stSelectbox"]',
                       has=page.locator("label", has_text=re.compile(f"^{label}$")))
    box.locator("input").click()
    page.keyboard.type(text)
    page.locator('[role="option"]', has_text=text).first.wait_for()     # the list has filtered to it
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))


def test_profile_and_compare_keep_what_the_reader_picks(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.goto(f"{app_url}/profile")
    wait_for_app(page)
    _pick(page, "Ward", "Armley")
    page.get_by_role("heading", name="Armley").wait_for()
    assert "area=E05011385" in page.url, page.url

    page.get_by_role("link", name="Compare areas").first.click()
    wait_for_app(page)
    _pick(page, "Wards to compare", "Pudsey")
    page.keyboard.press("Escape")
    _pick(page, "Wards to compare", "Armley")
    page.keyboard.press("Escape")
    wait_for_app(page)
    assert re.search(r"compare=E05\d{6}%2CE05\d{6}", page.url), page.url
    screenshot(page, "compare_two_wards_by_keyboard")
