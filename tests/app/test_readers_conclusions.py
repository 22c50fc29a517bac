"""AppTest of issue 14's rules that change what a reader concludes: coverage, the SII sentence, CI counts,
the diverging scheme. Each test fails on the code before its fix."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.data

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _page(page: str, level: str = "ward24", committee: str = "all", **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(page)
    at.session_state["level"] = level
    at.session_state["committee"] = committee
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_explorer_marks_partial_coverage_in_table_and_ranks_the_ward(processed_store):
    at = _page("app_pages/explorer.py", indicator="iod_entry_to_he")
    table = at.dataframe[-1].value.set_index("Area")
    assert table.loc["Hunslet & Riverside", "Not entering HE"] == table.loc["Hunslet & Riverside", "Not entering HE"]
    assert table.loc["Hunslet & Riverside", "Coverage"].startswith("Partial: the smaller areas with a value hold 94.8%")
    assert table.loc["Adel & Wharfedale", "Coverage"] == "complete"
    assert table["Rank (1 = worst)"].notna().all()
    about = "\n".join(str(m.value) for m in at.markdown)
    assert "Coverage rule" in about and "90%" in about


def test_sii_and_range_are_each_named_and_the_council_figure_is_not_set_beside_them(processed_store):
    at = _page("app_pages/inequalities.py", level="msoa")
    text = "\n".join(str(m.value) for m in at.markdown)
    assert "fitted line puts women's life expectancy" in text and "(Slope Index of Inequality" in text
    # the most v least deprived tenth, as the page's own gap table gives it (women 5.1, men 7.9 years)
    assert "women in the most deprived tenth of Leeds' population live 5.1 years shorter lives" in text
    assert "men in the most deprived tenth of Leeds' population live 7.9 years shorter lives" in text
    info = "\n".join(i.value for i in at.info)
    assert "13 years for women and 11 for men" in info and "cannot be reproduced" in info
