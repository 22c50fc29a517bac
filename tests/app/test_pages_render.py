"""Every page starts and renders without an exception (AppTest), at the default and LSOA levels."""
import pytest

PAGES = ["overview", "explorer", "inequalities", "social_progress", "pillars", "profile", "compare", "change",
         "upload", "sources", "accessibility"]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(app, page):
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, f"{page} has no title"


def test_overview_headline_figures(app):
    app.switch_page("app_pages/overview.py").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Leeds neighbourhoods in England's most deprived 10%"] == "84 of 488 (17.2%)"
    assert app.dataframe[0].value.shape[0] == 33          # default level: wards


def test_overview_at_lsoa_level_lists_every_neighbourhood(app):
    app.session_state["level"] = "lsoa21"
    app.switch_page("app_pages/overview.py").run()
    table = app.dataframe[0].value
    assert table.shape[0] == 488 and (table["Class"] == "Decile 1 (most deprived 10%)").sum() == 84


def test_footer_carries_the_licence(app):
    app.switch_page("app_pages/overview.py").run()
    captions = " ".join(c.value for c in app.caption)
    assert "Open Government Licence v3.0" in captions and "Crown copyright" in captions
