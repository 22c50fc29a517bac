"""A click on a page link in a real browser opens what the link names (issue 14, item 7)."""
from tests.browser.conftest import screenshot, wait_for_app

LITTLE_LONDON = "E05011403"


def test_open_the_profile_link_opens_the_explorers_area(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.goto(f"{app_url}/explorer?level=ward24&area={LITTLE_LONDON}")
    wait_for_app(page)
    page.get_by_role("link", name="Open the profile of Little London & Woodhouse").click()
    page.locator("h1", has_text="Area profile").wait_for()
    wait_for_app(page)
    screenshot(page, "link_explorer_to_profile")
    assert page.locator("h2", has_text="Little London & Woodhouse").count() == 1, page.locator("h2").all_inner_texts()
    assert f"area={LITTLE_LONDON}" in page.url
