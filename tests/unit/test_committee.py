"""The committee home's pure measures (metrics/committee.py, metrics/committee_pack.py) on tiny, obviously fake
frames: significance against Leeds by the Fingertips rule, words for every judgement, missing figures said in a
sentence, pillar overlaps and warm-space coverage counted for the committee only."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from data.settings import DataError
from metrics import committee as cm
from metrics.committee_pack import short_publisher
from metrics.intersections import intersection_categories


def _indicator(polarity="lower_is_better", period="2021", unit="%"):
    return SimpleNamespace(polarity=polarity, latest=SimpleNamespace(period=period, source="fake_source"),
                           format_value=lambda v: "no data" if v is None or v != v else f"{v:.1f}{unit}")


REGISTRY = SimpleNamespace(get=lambda i: {"bad": _indicator(), "good": _indicator("higher_is_better", unit=" y"),
                                          "noci": _indicator()}[i])
WARDS = pd.DataFrame({"code": ["W1", "W2", "W3", "W9"], "name": ["Beta", "Alpha", "Gamma", "Elsewhere"],
                      "committee_code": ["c1", "c1", "c1", "c2"]})
COMMITTEES = pd.DataFrame({"code": ["c1", "c2"], "name": ["Fake Committee", "Other"]})


def _row(level, code, indicator, value, lower=np.nan, upper=np.nan, period="2021"):
    return {"area_level": level, "area_code": code, "indicator_id": indicator, "period": period, "value": value,
            "lower_ci": lower, "upper_ci": upper}


VALUES = pd.DataFrame([
    _row("lad", "E08000035", "bad", 10.0, 9.5, 10.5),
    _row("committee", "c1", "bad", 12.0, 11.0, 13.0),
    _row("ward24", "W1", "bad", 14.0, 12.0, 16.0),        # interval above Leeds: worse (lower is better)
    _row("ward24", "W2", "bad", 10.5, 9.0, 12.0),         # interval includes Leeds: similar
    _row("ward24", "W3", "bad", 7.0, 6.0, 9.0),           # interval below Leeds: better
    _row("ward24", "W9", "bad", 30.0, 29.0, 31.0),        # another committee's ward: never shown
    _row("lad", "E08000035", "good", 80.0, 79.0, 81.0),
    _row("ward24", "W1", "good", 76.0, 75.0, 77.0),       # below Leeds, higher is better: worse
    _row("ward24", "W2", "good", 84.0, 83.0, 85.0),       # better
    _row("lad", "E08000035", "noci", 5.0),
    _row("committee", "c1", "noci", 6.0),
    _row("ward24", "W1", "noci", 7.0),
    _row("ward24", "W2", "noci", 4.0),
    _row("ward24", "W3", "noci", 9.0),
])
MEASURES = (cm.Measure(id="bad", label="Bad thing"), cm.Measure(id="good", label="Good thing"),
            cm.Measure(id="noci", label="No interval"))


@pytest.fixture(scope="module")
def rows():
    return cm.ward_rows(VALUES, REGISTRY, WARDS, COMMITTEES, "c1", MEASURES)


def test_ward_rows_list_the_committee_its_wards_by_name_then_leeds(rows):
    areas = rows.drop_duplicates("code")
    assert areas["name"].tolist() == ["Fake Committee", "Alpha", "Beta", "Gamma", "Leeds"]
    assert areas["kind"].tolist() == ["committee", "ward", "ward", "ward", "leeds"]
    assert "W9" not in set(rows["code"])


def test_significance_is_the_interval_against_leeds_value_turned_by_polarity(rows):
    judged = rows.set_index(["indicator_id", "code"])["judgement"]
    assert judged[("bad", "W1")] == cm.WORSE and judged[("bad", "W2")] == cm.SIMILAR_WORDS
    assert judged[("bad", "W3")] == cm.BETTER and judged[("bad", "c1")] == cm.WORSE
    assert judged[("good", "W1")] == cm.WORSE and judged[("good", "W2")] == cm.BETTER
    assert judged[("noci", "W1")] == cm.NOT_TESTED                     # no interval: no judgement
    assert judged[("good", "W3")] == cm.NO_FIGURE and judged[("good", "c1")] == cm.NO_FIGURE
    assert judged[("bad", "E08000035")] == ""                          # Leeds is the benchmark


def test_the_wide_table_says_the_judgement_in_words_in_the_cell(rows):
    table = cm.ward_table(rows).set_index("Area")
    assert table.loc["Fake Committee (committee)", "Bad thing (2021)"] == "12.0% · worse than Leeds"
    assert table.loc["Gamma", "Bad thing (2021)"] == "7.0% · better than Leeds"
    assert table.loc["Alpha", "No interval (2021)"] == "4.0%"          # untested: the figure only
    assert table.loc["Gamma", "Good thing (2021)"] == "no figure"
    assert table.loc["Leeds", "Good thing (2021)"] == "80.0 y"


def test_sentences_count_the_wards_and_name_what_cannot_be_shown(rows):
    sentences = cm.ward_sentences(rows)
    assert "Bad thing: of its 3 wards, 1 is worse than Leeds, 1 is better than Leeds, 1 is not clearly different." in sentences
    assert "Good thing: of its 3 wards, 1 is worse than Leeds, 1 is better than Leeds." in sentences
    assert any(s.startswith("Good thing: no figure is held for Fake Committee, Gamma") for s in sentences)
    assert not any(s.startswith("No interval: of") for s in sentences)
    assert cm.untested_measures(rows) == ["No interval"]


def test_unknown_committee_is_a_clear_error():
    with pytest.raises(KeyError, match="nowhere"):
        cm.ward_rows(VALUES, REGISTRY, WARDS, COMMITTEES, "nowhere", MEASURES)


def test_intersections_count_only_the_committees_neighbourhoods_with_leeds_beside():
    labels = intersection_categories(["A", "B", "C"])
    categories = pd.Series(pd.Categorical([labels[0], labels[-1], labels[4], labels[-1]], categories=labels,
                                          ordered=True), index=["L1", "L2", "L3", "L4"])
    population = pd.Series([100, 200, 300, 400], index=["L1", "L2", "L3", "L4"])
    committee_of = pd.Series(["c1", "c1", "c1", "c2"], index=["L1", "L2", "L3", "L4"])
    summary = cm.committee_intersections(categories, population, committee_of, "c1")
    assert summary["areas"].sum() == 3 and summary.loc[labels[-1], "areas"] == 1
    assert summary.loc[labels[-1], "population_share"] == pytest.approx(200 / 600)
    assert summary.loc[labels[-1], "leeds_share"] == pytest.approx(600 / 1000)
    sentence = cm.intersection_sentence(summary, "Fake")
    assert sentence.startswith("2 of Fake's 3 neighbourhoods, home to 500 people (83.3% of its residents), are weak")
    assert sentence.endswith("across Leeds the share is 90.0%.")


def test_warm_space_coverage_counts_own_spaces_and_residents_beyond_each_band():
    spaces = pd.DataFrame({"space_id": ["s1", "s2", "s3", "s4"], "ward24_code": ["W1", "W2", "W2", "W9"],
                           "duplicate_of": [None, None, "s2", None]})              # s3 is s2 listed twice
    lsoas = pd.DataFrame({"code": ["L1", "L2", "L3"], "committee_code": ["c1", "c1", "c2"],
                          "population": [1000, 3000, 6000]})
    access = pd.DataFrame({"lsoa21_code": ["L1", "L2", "L3"], "distance_m": [500.0, 1000.0, 2000.0]})
    coverage = cm.warm_space_coverage(spaces, access, lsoas, WARDS, "c1", [800, 1500])
    assert coverage["spaces"] == 2 and coverage["leeds_spaces"] == 3
    assert coverage["per_1000"] == pytest.approx(0.5)
    first, second = coverage["bands"]
    assert (first["residents"], first["lsoas"], first["share"]) == (3000, 1, pytest.approx(75.0))
    assert (second["residents"], second["leeds_share"]) == (0, pytest.approx(60.0))
    lines = cm.warm_space_sentences(coverage, "Fake")
    assert lines[0] == "Fake has 2 listed warm spaces, 0.50 per 1,000 residents (Leeds 3, 0.30 per 1,000)."
    assert lines[2].startswith("No neighbourhood of Fake is more than 1.5 km")


def test_config_names_the_file_when_it_is_wrong(tmp_path):
    bad = tmp_path / "committee_home.yaml"
    bad.write_text("measures: []\n")
    with pytest.raises(DataError, match="committee_home.yaml"):
        cm.load_config(bad)


def test_shipped_config_measures_exist_and_are_plain_english():
    from data.registry import load_registry
    config, registry = cm.load_config(), load_registry()
    assert len(config.measures) >= 5
    for measure in (*config.measures, config.deprivation_change):
        registry.get(measure.id)
        text = f"{measure.label} {measure.explain}".lower()
        assert "z-score" not in text and "domain score" not in text and "iod" not in text


def test_publishers_are_shortened_from_the_config_else_printed_in_full():
    assert short_publisher("Office for National Statistics") == "ONS"
    assert short_publisher("Department for Energy Security and Net Zero (formerly BEIS)") == "DESNZ"
    assert short_publisher("A Fake Publisher Nobody Lists") == "A Fake Publisher Nobody Lists"
