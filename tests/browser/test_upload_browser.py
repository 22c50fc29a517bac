"""Real-browser path of an officer's own data: upload through the file picker, then see it on a ward's profile
and beside the pillar intersections, in the same browser session (the upload never leaves it)."""
from __future__ import annotations

import re

from tests.browser.conftest import screenshot, wait_for_app, wait_for_rerun

XSS = "<img src=x onerror=alert(1)>"
CSV = ("ward,clients\nArmley,30\nPudsey,12\nHunslet and Riverside,20\nKillingbeck and Seacroft,3\n"
       f"{XSS},9\n")


def _go(page, title: str) -> None:
    """Navigate inside the app (a fresh page load would start a new session without the upload)."""
    page.get_by_role("link", name=title).first.click()
    wait_for_app(page)


def test_an_upload_follows_the_session_to_profile_and_pillars(page, app_url, tmp_path):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    csv = tmp_path / "clients.csv"
    csv.write_text(CSV, encoding="utf-8")

    page.goto(f"{app_url}/upload")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    page.get_by_text("Loaded clients.csv").wait_for()
    wait_for_app(page)
    assert page.get_by_text(re.compile(r"rows? not matched to a Leeds area")).count() == 1
    screenshot(page, "upload_loaded")
    polarity = page.locator('[data-testid="stSelectbox"]', has=page.locator("label", has_text="Which way is better?"))
    polarity.locator("input").click()
    page.keyboard.type("Higher is better")
    page.locator('[role="option"]', has_text="Higher is better").first.wait_for()
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))

    _go(page, "Area profile")
    ward = page.locator('[data-testid="stSelectbox"]', has=page.locator("label", has_text=re.compile("^Ward$")))
    ward.locator("input").click()
    page.keyboard.type("Armley")
    page.locator('[role="option"]', has_text="Armley").first.wait_for()
    wait_for_rerun(page, lambda: page.keyboard.press("Enter"))
    sentence = page.get_by_text(re.compile(r"Your data, clients: 30, ranking 2 of 2 Leeds wards"))
    sentence.wait_for()
    sentence.scroll_into_view_if_needed()
    screenshot(page, "upload_on_profile")

    _go(page, "Pillars and intersections")
    sentence = page.get_by_text("worst 20% of Leeds wards on your data, clients")
    sentence.wait_for()
    sentence.scroll_into_view_if_needed()
    screenshot(page, "upload_on_pillars")
    assert not dialogs, dialogs

    _go(page, "Map your own data")                   # the options chosen earlier are still in force
    assert polarity.locator("input").input_value().startswith("Higher is better"), polarity.locator("input").input_value()                      # the script in the unmatched name never ran


HOSTILE_HEADING = "[Sign in](https://x.invalid) ![](https://x.invalid/p.png)"


def test_an_uploaded_heading_never_becomes_a_link_or_fetches_an_image(page, app_url, tmp_path):
    """Issue 13: a column heading written as Markdown shows as text on the upload page and on the explorer's
    toggle; no link to the outside appears and the browser never asks for the image."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "x.invalid" in request.url else None)
    csv = tmp_path / "hostile.csv"
    csv.write_text(f"ward,{HOSTILE_HEADING}\nArmley,30\nPudsey,12\nHunslet and Riverside,20\n", encoding="utf-8")
    page.goto(f"{app_url}/upload")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    page.get_by_text("Loaded hostile.csv").wait_for()
    wait_for_app(page)
    page.get_by_role("link", name="Map explorer").first.click()
    wait_for_app(page)
    toggle = page.get_by_text("Show your uploaded data:", exact=False).first
    toggle.wait_for()
    screenshot(page, "upload_hostile_heading_explorer")
    assert "[Sign in](https://x.invalid)" in toggle.inner_text().replace("\u2060", "")   # shown as typed
    assert page.locator('a[href*="x.invalid"]').count() == 0
    assert page.locator('img[src*="x.invalid"]').count() == 0
    assert not asked, asked
