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


def test_home_page_shows_mhclg_lsoa_share_and_our_residents_share_under_their_own_names(processed_store):
    """Recomputed from the raw IoD2025 and Census files: 84 of 488 LSOAs (MHCLG's 17.2%), 17.8% of residents."""
    import pandas as pd

    from data.settings import data_dir

    root = data_dir()
    lookup = pd.read_csv(root / "lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv", dtype=str)
    leeds = lookup.loc[lookup["lad24_code"] == "E08000035", ["lsoa21_code"]]
    imd = pd.read_csv(root / "imd/imd2025_lsoa21_england.csv", usecols=["lsoa21_code", "imd_decile"])
    pop = pd.read_csv(root / "population/population_census2021_lsoa21_ew.csv",
                      usecols=["lsoa21_code", "usual_residents_census2021"])
    rows = leeds.merge(imd, on="lsoa21_code").merge(pop, on="lsoa21_code")
    first = rows["imd_decile"] == 1
    summary = pd.read_csv(root / "imd/imd2025_lad24_summaries_england.csv").set_index("ltla24_code")
    mhclg = summary.loc["E08000035", "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]
    assert round(100 * first.mean(), 1) == round(100 * mhclg, 1)          # our LSOA count is MHCLG's measure
    people = rows.loc[first, "usual_residents_census2021"].sum()
    residents = 100 * people / rows["usual_residents_census2021"].sum()

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    metrics = {m.label: m for m in at.metric}
    lsoas = metrics["Leeds neighbourhoods in England's most deprived 10%"]
    assert lsoas.value == f"{first.sum()} of {len(rows)} ({100 * first.mean():.1f}%)"
    assert "MHCLG's district measure" in lsoas.proto.help
    ours = metrics["Leeds residents living in them"]
    assert ours.value == f"{residents:.1f}% ({people:,.0f} people)"
    assert "not MHCLG's" in ours.proto.help


def test_a_2019_edition_says_it_was_converted_from_2011_lsoas(processed_store):
    at = _page("app_pages/explorer.py", level="lsoa21", indicator="imd_imd_decile", period="2019")
    radio = at.radio(key="_w_period")
    assert "2019 (converted from 2011 LSOAs)" in radio.options and "2025" in radio.options
    legend = next(str(m.value) for m in at.markdown if "Map legend" in str(m.value))
    assert "2019 (converted from 2011 LSOAs)" in legend
    assert any("2019, converted from 2011 LSOAs" in c.value for c in at.caption)


def test_profile_counts_indicators_with_a_confidence_interval_once(processed_store):
    """One count, one definition: the summary sentence and the chart note agree with the table."""
    import re

    from data.store import read_areas

    wards = read_areas(processed_store, "ward24").set_index("name")
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["area"] = str(wards.loc["Gipton & Harehills", "code"])
    at.run()
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join([str(m.value) for m in at.markdown] + [c.value for c in at.caption])
    counts = {int(n) for n in re.findall(r"(\d+) indicators (?:with a|have a) 95% confidence interval", text)}
    counts |= {int(n) for n in re.findall(r"Of the (\d+) indicators with a 95% confidence interval", text)}
    at.session_state["profile_tab"] = "table"                # only the open tab is drawn
    at.run()
    table = next(d.value for d in at.dataframe if "Compared with Leeds" in d.value.columns)
    with_ci = int((table["By"] == "significance vs Leeds (95% CI)").sum())
    assert counts == {with_ci}, (counts, with_ci)
    assert "indicators with a confidence interval it is" not in text


def test_diverging_legend_is_of_the_difference_from_leeds(processed_store):
    """Classes recomputed from the raw IoD2025, lookup and Census files: ward shares minus the Leeds share."""
    import re

    import pandas as pd

    from data.settings import data_dir

    root = data_dir()
    lookup = pd.read_csv(root / "lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv", dtype=str)
    leeds = lookup.loc[lookup["lad24_code"] == "E08000035", ["lsoa21_code", "ward24_code"]]
    imd = pd.read_csv(root / "imd/imd2025_lsoa21_england.csv", usecols=["lsoa21_code", "imd_decile"])
    pop = pd.read_csv(root / "population/population_census2021_lsoa21_ew.csv",
                      usecols=["lsoa21_code", "usual_residents_census2021"])
    rows = leeds.merge(imd, on="lsoa21_code").merge(pop, on="lsoa21_code")
    rows["in_first"] = rows["usual_residents_census2021"].where(rows["imd_decile"] == 1, 0)
    city = 100 * rows["in_first"].sum() / rows["usual_residents_census2021"].sum()
    wards = rows.groupby("ward24_code")[["in_first", "usual_residents_census2021"]].sum()
    difference = 100 * wards["in_first"] / wards["usual_residents_census2021"] - city

    at = _page("app_pages/explorer.py", indicator="imd_imd_pct_most_deprived", scheme="diverging")
    legend = next(str(m.value) for m in at.markdown if "Map legend" in str(m.value))
    assert f"Difference from the Leeds value ({city:.1f}%), percentage points" in legend
    ranges = re.findall(r"([+-]?\d+\.\d) – ([+-]?\d+\.\d) \((\d+)\)", legend)
    assert ranges, legend
    assert float(ranges[0][0]) == pytest.approx(round(difference.min(), 1))   # 0% is the floor: -17.8, never below
    assert float(ranges[-1][1]) == pytest.approx(round(difference.max(), 1))
    assert all(int(count) > 0 for *_, count in ranges)                       # no empty class
    assert sum(int(count) for *_, count in ranges) == 33


def test_committee_caption_counts_wards_with_the_configured_noun(processed_store):
    at = _page("app_pages/explorer.py", committee="inner-east")
    assert any(c.value.startswith("3 of 33 wards, in the chosen community committee") for c in at.caption)


def test_spi_sensitivity_ranking_says_which_ranks_rest_on_fewer_components(processed_store):
    at = _page("app_pages/social_progress.py", level="lsoa21", spi_view="sensitivity")
    table = next(d.value for d in at.dataframe if "Coverage" in d.value.columns)
    partial = table[table["Coverage"] != "complete"]
    assert len(partial) == 2 and partial["Coverage"].str.contains("Opportunity: 1 of 2 components").all()
