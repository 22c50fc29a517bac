"""Choosing a community committee changes what the pages say, not only the zoom (issue 14, item 9).

Expected figures are recomputed here from the processed store's own files (LSOA deciles and the committee
column of the area layers), independently of the page code.
"""
import re

import pytest

from data.settings import REPO_ROOT  # noqa: F401  (the app fixture needs the repo)
from data.store import read_areas, read_values

pytestmark = pytest.mark.data
COMMITTEE, NAME = "outer-north-west", "Outer North West"


@pytest.fixture(scope="module")
def committee_wards(processed_store) -> set[str]:
    wards = read_areas(processed_store, "ward24")
    return set(wards.loc[wards["committee_code"] == COMMITTEE, "display_name"].astype(str))


@pytest.fixture(scope="module")
def decile_1_count(processed_store) -> tuple[int, int]:
    lsoas = read_areas(processed_store, "lsoa21")
    codes = set(lsoas.loc[lsoas["committee_code"] == COMMITTEE, "code"].astype(str))
    values = read_values(processed_store)
    deciles = values[(values["indicator_id"] == "imd_imd_decile") & (values["period"] == "2025")
                     & values["area_code"].isin(codes)]
    return int((deciles["value"] == 1).sum()), len(codes)


def _open(app, page: str):
    app.session_state["committee"] = COMMITTEE
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_home_page_speaks_of_the_chosen_committee(app, committee_wards, decile_1_count):
    _open(app, "overview")
    assert NAME in app.title[0].value and "Leeds" not in app.title[0].value
    metrics = {m.label: m.value for m in app.metric}
    in_1, total = decile_1_count
    assert metrics[f"{NAME} neighbourhoods in England's most deprived 10%"].startswith(f"{in_1} of {total} ")
    assert any(label.startswith(f"{NAME} residents") and "Leeds" in label for label in metrics)
    # the map's table (the committee home's own tables come before it: tests/app/test_committee_home.py)
    table = next(d.value for d in app.dataframe if "Area" in d.value.columns and "Code" in d.value.columns)
    assert table.iloc[0]["Area"].startswith("Leeds")                      # Leeds to compare with
    assert set(table["Area"].iloc[1:]) == committee_wards                  # then only its own wards
    legend = next(m.value for m in app.markdown if "Map legend" in m.value)
    counts = [int(n) for n in re.findall(r"\((\d+)\)</span>", legend)]
    assert sum(counts) == len(committee_wards) and f"{NAME} only" in legend


def test_home_page_for_all_of_leeds_is_unchanged(app):
    _open(app, "overview")
    app.session_state["committee"] = "all"
    app.run()
    assert app.title[0].value == "Where deprivation is deepest in Leeds"
    assert app.dataframe[0].value.shape[0] == 33


def test_explorer_counts_and_lists_the_committees_areas_against_leeds(app, committee_wards):
    _open(app, "explorer")
    legend = next(m.value for m in app.markdown if "Map legend" in m.value)
    counts = [int(n) for n in re.findall(r"\((\d+)\)</span>", legend)]
    assert sum(counts) == len(committee_wards) and f"{NAME} only" in legend
    table = next(d.value for d in app.dataframe if "Area" in d.value.columns)
    assert table.iloc[0]["Area"].startswith("Leeds")
    assert set(table["Area"].iloc[1:]) == committee_wards
