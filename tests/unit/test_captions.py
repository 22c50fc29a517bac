"""Headline sentences (metrics.captions, issue 19 item 3) on tiny, obviously fake tables: each figure the
sentence states is the one the table gives, nouns agree with their counts, ties break by name."""
import pandas as pd
import pytest

from data.words import join_names, ordinal
from metrics import captions

WARDS = ("ward", "wards")


def _table(values: dict) -> pd.DataFrame:
    return pd.DataFrame({"name": list(values), "value": list(values.values())})


def test_ordinals_and_joined_names():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 102, 111)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "102nd", "111th"]
    assert (join_names(["A"]), join_names(["A", "B"]), join_names(["A", "B", "C"]), join_names([])) == \
        ("A", "A and B", "A, B and C", "")


def test_extremes_follow_polarity_and_count_the_areas_worse_than_leeds():
    table = _table({"Fakeham": 30.0, "Testby": 10.0, "Mockton": 20.0, "Nowhere": None})
    text = captions.extremes_sentence(table, measure="Fake rate", polarity="lower_is_better", nouns=WARDS,
                                      fmt=lambda v: f"{v:.0f}%", leeds=15.0)
    assert text == ("Fake rate: worst in Fakeham (30%) and best in Testby (10%) of the 3 of Leeds' 4 wards with a value; "
                    "2 of the 3 are worse than Leeds as a whole (15%).")
    better = captions.extremes_sentence(table, measure="Fake score", polarity="higher_is_better", nouns=WARDS)
    assert better == "Fake score: worst in Testby and best in Fakeham of the 3 of Leeds' 4 wards with a value."
    neutral = captions.extremes_sentence(table, measure="Fake share", polarity="neutral", nouns=WARDS, leeds=15.0)
    assert neutral == "Fake share: highest in Fakeham and lowest in Testby of the 3 of Leeds' 4 wards with a value."
    complete = captions.extremes_sentence(table.dropna(), measure="M", polarity="neutral", nouns=WARDS)
    assert complete == "M: highest in Fakeham and lowest in Testby of Leeds' 3 wards."


def test_extremes_break_ties_by_name_and_handle_one_or_no_area():
    tied = _table({"Zed": 5.0, "Abe": 5.0, "Mid": 1.0})
    assert captions.extremes_sentence(tied, measure="M", polarity="lower_is_better", nouns=WARDS).startswith(
        "M: worst in Abe and best in Mid")
    assert captions.extremes_sentence(_table({"Solo": 1.0}), measure="M", polarity="neutral", nouns=WARDS) == \
        "M: Solo is the only one of Leeds' wards with a value."
    assert captions.extremes_sentence(_table({"A": None}), measure="M", polarity="neutral", nouns=WARDS) == \
        "M: no wards have a value."


def test_deprivation_sentence_counts_decile_one_and_ranks_by_score():
    deciles = pd.Series([1, 1, 1, 2, None])
    scores = pd.Series({"W1": 40.0, "W2": 55.0, "W3": 10.0})
    assert captions.deprivation_sentence("Fakeham", deciles, scores, "W1", WARDS) == \
        ("Fakeham: 3 of its 4 neighbourhoods are in England's most deprived 10%; the 2nd most deprived of Leeds' 3 wards "
         "by its residents' average deprivation.")
    assert captions.deprivation_sentence("Top", pd.Series([1]), scores, "W2", WARDS) == \
        ("Top: 1 of its 1 neighbourhood is in England's most deprived 10%; the most deprived of Leeds' 3 wards "
         "by its residents' average deprivation.")


def _summary(areas: int, people: float, share: float) -> pd.DataFrame:
    return pd.DataFrame({"areas": [areas], "population": [people], "population_share": [share]}, index=["All three"])


def test_all_three_sentence_names_few_areas_and_agrees_in_number():
    assert captions.all_three_sentence(_summary(2, 2500.4, 0.125), ["Zed", "Abe"], WARDS) == \
        "2 wards, home to 2,500 people (12.5% of Leeds' residents), are weak on all three pillars: Abe and Zed."
    assert captions.all_three_sentence(_summary(1, 1.0, 0.001), ["Abe"], WARDS).startswith(
        "1 ward, home to 1 person (0.1% of Leeds' residents), is weak")
    assert "pillars." in captions.all_three_sentence(_summary(6, 6000, 0.5), list("ABCDEF"), WARDS)
    assert captions.all_three_sentence(_summary(0, 0, 0), [], WARDS) == \
        "No ward is weak on all three pillars with these thresholds."


def test_kpi_sentence_counts_only_kpis_with_an_england_figure():
    overview = pd.DataFrame({"label": ["A", "B", "C"], "leeds_vs_england": ["worse", "better", ""]})
    assert captions.kpi_sentence(overview, "Fake") == \
        "Leeds is worse than England on 1 of the 2 Fake KPIs that have an England figure: A."
    assert captions.kpi_sentence(overview.iloc[[2]], "Fake") == \
        "None of the Fake KPIs has an England figure to compare Leeds with."
    assert captions.kpi_sentence(overview, "Fake", home="Manchester").startswith("Manchester is worse than England on 1")


def test_domains_and_both_worse_sentences():
    assert captions.domains_sentence(_summary(3, 4500, 0.1), ["Health", "Income", "Crime"], 2) == \
        "3 neighbourhoods, home to 4,500 people, are in England's most deprived 20% on all three of Health, Income and Crime."
    table = pd.DataFrame({"area": ["A", "B", "C", "D"], "x_class": [3, 3, 1, None], "y_class": [3, 2, 1, 3]})
    assert captions.both_worse_sentence(table, "X", "Y", WARDS) == "1 of 3 wards is in the worse third on both X and Y: A."


@pytest.mark.parametrize("jargon", ["z-score", "SII", "UpSet", "IoD", "decile"])
def test_sentences_use_no_unexplained_terms(jargon):
    texts = [captions.all_three_sentence(_summary(2, 2500, 0.1), ["A", "B"], WARDS),
             captions.deprivation_sentence("F", pd.Series([1, 2]), pd.Series({"W": 1.0, "V": 2.0}), "W", WARDS),
             captions.domains_sentence(_summary(3, 4500, 0.1), ["H", "I", "L"], 1),
             captions.extremes_sentence(_table({"A": 1.0, "B": 2.0}), measure="M", polarity="neutral", nouns=WARDS),
             captions.summary_change_sentence(pd.Series(["improved", "rose", "within the noise"])),
             captions.area_change_sentence(pd.DataFrame({"name": ["A", "B"], "change": [1.0, -1.0],
                                                         "judgement": ["worsened", "improved"]}),
                                           measure="M", start="a", end="b", polarity="lower_is_better", nouns=WARDS)]
    assert not any(jargon.lower() in t.lower() for t in texts)


def test_summary_change_sentence_counts_each_judgement_once():
    judgements = pd.Series(["improved", "improved", "worsened", "within the noise", "no clear change", "rose",
                            "one period only", None])
    assert captions.summary_change_sentence(judgements) == (
        "Leeds improved on 2 of the 7 measures followed over time and worsened on 1; 2 show no clear change and "
        "1 rose or fell (measures that are neither better nor worse when they rise).")
    assert captions.summary_change_sentence(pd.Series(["worsened"])) == \
        "Leeds improved on 0 of the 1 measure followed over time and worsened on 1."


def test_leeds_and_area_change_sentences_state_the_table_figures():
    assert captions.leeds_change_sentence("Fake rate", "2019", "2022", "15%", "13%", "improved") == \
        "Fake rate in Leeds went from 15% (2019) to 13% (2022): improved."
    changes = pd.DataFrame({"name": ["Mockton", "Fakeham", "Testby", "Nowhere", "Aaville"],
                            "change": [-3.0, 1.0, -3.0, None, 0.0],
                            "judgement": ["improved", "worsened", "improved", None, "no clear change"]})
    text = captions.area_change_sentence(changes, measure="Fake rate", start="2019", end="2022",
                                         polarity="lower_is_better", nouns=WARDS, fmt=lambda v: f"{v:+.0f}")
    assert text == ("Fake rate, 2019 to 2022: improved in 2 of the 4 wards and worsened in 1; the largest fall was in "
                    "Mockton (-3), the largest rise was in Fakeham (+1).")
    neutral = captions.area_change_sentence(changes.assign(judgement=["fell", "rose", "fell", None, "rose"]),
                                            measure="Fake count", start="2019", end="2022", polarity="neutral",
                                            nouns=WARDS)
    assert neutral.startswith("Fake count, 2019 to 2022: rose in 2 of the 4 wards and fell in 2; the largest fall")
    assert captions.area_change_sentence(changes.iloc[3:4], measure="X", start="a", end="b", polarity="neutral",
                                         nouns=WARDS) == "X, a to b: no wards have values for both periods."


def test_city_rank_sentence_states_leeds_value_and_ranks_as_the_table_does():
    table = pd.DataFrame({"Area": ["Fakeham", "Leeds", "Yorkshire and The Humber", "England"],
                          "Value": [30.0, 21.25, 22.0, None], "Unit": ["%", "%", "%", None],
                          "Rank in group (of 2)": pd.array([1, 2, None, None], dtype="Int64"),
                          "Rank of England's districts (of 296)": pd.array([1, 80, None, None], dtype="Int64")})
    assert captions.city_rank_sentence(table, indicator="Fake rate", period="2024", group="core cities") == (
        "Fake rate (2024): Leeds 21.25%, the 80th highest of England's 296 districts with a value and the 2nd highest "
        "of the 2 core cities; Yorkshire and The Humber 22%.")
    alone = table.drop(columns="Rank in group (of 2)").assign(Area=["Leeds", "Fakeham", "Region", "England"])
    assert captions.city_rank_sentence(alone, indicator="Fake rate", period="2024") == \
        "Fake rate (2024): Leeds 30%, the highest of England's 296 districts with a value; Region 22%."
    assert captions.city_rank_sentence(table.iloc[:1], indicator="X", period="2024") == "X: Leeds has no value for 2024."


def _long(rows):
    return pd.DataFrame(rows, columns=["label", "period", "polarity", "area", "value", "value_text", "comparator",
                                       "comparator_text", "call"])


def test_compare_sentence_for_one_indicator_and_for_several():
    one = _long([["Fake rate", "2024", "lower_is_better", "Mockton", 30.0, "30%", 20.0, "20%", "worse"],
                 ["Fake rate", "2024", "lower_is_better", "Fakeham", 10.0, "10%", 20.0, "20%", "better"],
                 ["Fake rate", "2024", "lower_is_better", "Testby", 30.0, "30%", 20.0, "20%", "worse"],
                 ["Fake rate", "2024", "lower_is_better", "Nowhere", None, "–", 20.0, "20%", "not compared"]])
    assert captions.compare_sentence(one, "Leeds") == (
        "Fake rate (2024): worst in Mockton (30%) and best in Fakeham (10%) of the 3 areas with a figure; 2 are "
        "worse than Leeds (20%) and 1 better, beyond what chance would explain.")
    several = pd.concat([one, one.assign(label="Fake score", call=["worse", "similar", "similar", "not compared"])])
    assert captions.compare_sentence(several, "Leeds") == (
        "Across 2 indicators and 4 areas: 3 worse than Leeds and 1 better, beyond what chance would explain "
        "(2 similar, 2 not compared); Mockton is worse on the most: 2 of the 2.")


def test_sources_and_indicators_sentences_count_what_the_tables_list():
    assert captions.sources_sentence(["Fake Office", "Mock Dept", "Fake Office"], ["OGL", "OGL", "Other"]) == (
        "Every figure comes from 3 open data files from 2 publishers, under 2 licences: OGL (2 files) and "
        "Other (1 file).")
    assert captions.indicators_sentence(["lower_is_better", "neutral", "lower_is_better"], "Fake pillar") == (
        "3 indicators (Fake pillar): 2 are better when lower, 0 better when higher and 1 neither (shown for context).")


def test_imd_change_sentence_states_the_summary_counts():
    summary = {"More deprived decile": 3, "Same decile": 4, "Less deprived decile": 2, "No data": 1,
               "Slipped back a band": 1}
    assert captions.imd_change_sentence(summary, 10) == (
        "Between the 2019 and 2025 deprivation indices, 3 of Leeds' 10 neighbourhoods moved into a more deprived "
        "tenth of England and 2 into a less deprived one; 1 slipped back into a more deprived national band "
        "(England's most deprived 1%, 3% or 10%).")


def test_deprived_share_sentence_reads_the_table():
    table = pd.DataFrame({"Area": ["Leeds", "Fakeham", "England"], "10% 2019": [22.81, 30.0, 10.0],
                          "10% 2025": [24.4, 43.1, 10.0]})
    assert captions.deprived_share_sentence(table) == (
        "Leeds: 24.4% of its neighbourhoods are in England's most deprived 10% in the 2025 index (22.8% in 2019); "
        "the highest share of the 3 areas listed is Fakeham's (43.1%).")


def test_home_sentence_states_its_figures_and_says_a_missing_share():
    assert captions.home_sentence("Fakeville", 3, 12, 20.04, 4321) == \
        "Fakeville: 3 of its 12 neighbourhoods are in England's most deprived 10%, home to 20.0% of its residents " \
        "(4,321 people)."
    assert captions.home_sentence("Fakeville", 1, 1, float("nan"), 5).endswith(
        "1 of its 1 neighbourhood is in England's most deprived 10%; the share of residents living in them is missing.")


def test_warm_spaces_sentences_count_from_fake_frames():
    shown = pd.DataFrame({"ward24_name": ["Fake A", "Fake A", "Fake B"]})
    assert captions.warm_spaces_sentence(shown, 10) == "3 of the 10 warm space listings match, in 2 wards."
    assert captions.warm_spaces_sentence(shown, 3) == "All 3 warm space listings shown, in 2 wards."
    assert captions.warm_spaces_sentence(shown.iloc[:0], 3).startswith("None of the 3 warm space listings match")
    summary = pd.DataFrame({"Neighbourhoods": ["All LSOAs", "England's most deprived 10% (IMD decile 1)"], "Residents": [1000, 300],
                            "Residents beyond 800 m": [250, 40]})
    assert captions.warm_gap_sentence(summary, 800) == (
        "250 of Leeds' 1,000 residents (25.0%) live in neighbourhoods more than 800 m in a straight line from the "
        "nearest warm space; 40 of them in neighbourhoods among England's most deprived 10%.")
    assert "missing" in captions.warm_gap_sentence(summary, 1500)
    table = pd.DataFrame({"Area": ["Fake A", "Fake B", "Fake C"], "Spaces per 1,000 residents": [0.0, 0.5, None]})
    assert captions.warm_response_sentence(table, WARDS) == (
        "Warm spaces per 1,000 residents: fewest in Fake A (0.00) and most in Fake B (0.50) of Leeds' 3 wards; "
        "1 has none.")


def test_custom_area_sentence_counts_deciles_and_says_missing_ones():
    deciles = pd.Series([1, 1, 4, None], index=["FAKE1", "FAKE2", "FAKE3", "FAKE4"])
    assert captions.custom_area_sentence("Fake area", deciles, 1234, 1) == (
        "Fake area: 2 of its 4 neighbourhoods are in England's most deprived 10% (1 without a deprivation figure); "
        "1,234 residents in 1 ward.")
    assert captions.custom_area_sentence("X", pd.Series([3.0]), 5, 2).startswith(
        "X: 0 of its 1 neighbourhood are in")


def test_change_sentences_name_another_home_district():
    """Built for another district, the change page's sentences name it (its own series), never Leeds."""
    assert captions.summary_change_sentence(pd.Series(["improved", "worsened"]), home="Manchester").startswith(
        "Manchester improved on 1 of the 2 measures")
    assert captions.leeds_change_sentence("Employment rate", "2004", "2023", "60.0%", "71.4%", "improved",
                                          home="Manchester") == \
        "Employment rate in Manchester went from 60.0% (2004) to 71.4% (2023): improved."
