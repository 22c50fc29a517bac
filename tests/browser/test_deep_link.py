"""A shared link must reopen the same view even when it is the first request a fresh server sees."""
from tests.browser.conftest import screenshot, streamlit_server, wait_for_app, wait_for_map_drawn

LINK = "/explorer?level=lsoa21&indicator=fuel_poverty&scheme=natural_breaks&classes=7&committee=inner-east"


def test_deep_link_as_first_request_to_a_fresh_server(chromium_browser, processed_store):
    with streamlit_server("streamlit-server-deep-link") as url:
        context = chromium_browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        try:
            page.goto(url + LINK)
            wait_for_app(page)
            wait_for_map_drawn(page)                        # deck.gl has painted before the picture
            screenshot(page, "deep_link_first_request")
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "KeyError" not in body and "Traceback" not in body
            assert page.locator("h1", has_text="Map explorer").count() == 1
            assert "fuel poverty" in body.lower()
            assert "7 classes" in body.lower() or "Natural breaks" in body
            assert page.locator('[data-testid="stSidebar"]').count() == 1      # the frame ran (shared sidebar)
        finally:
            context.close()
