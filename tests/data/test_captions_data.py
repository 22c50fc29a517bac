"""Headline sentences against the store (issue 19, item 3): every figure a sentence states is recomputed here
independently with pandas from the store's files (values.parquet, areas_*.parquet), not through the app's code."""
import re

import pandas as pd
import pytest

from components import captions_view
from components import pillars as pillar_view
from components import store

pytestmark = pytest.mark.data
GIPTON = "E05011394"


@pytest.fixture(scope="module")
def raw(processed_store):
    values = pd.read_parquet(processed_store / "values.parquet")
    lsoas = pd.read_parquet(processed_store / "areas_lsoa21.parquet", columns=["code", "ward24_code", "population"])
    wards = pd.read_parquet(processed_store / "areas_ward24.parquet", columns=["code", "name"])
    return values, lsoas, wards


def _series(values: pd.DataFrame, indicator: str, level: str, period: str) -> pd.Series:
    rows = values[(values["indicator_id"] == indicator) & (values["area_level"] == level) & (values["period"] == period)]
    return rows.set_index("area_code")["value"].astype(float)


def test_a_wards_deprivation_sentence_states_its_neighbourhoods_and_rank(raw):
    values, lsoas, wards = raw
    sentence = captions_view.cached_deprivation_sentence(level="ward24", code=GIPTON, name="Gipton & Harehills",
                                                         stamp=store.built_at())
    mine = lsoas.loc[lsoas["ward24_code"] == GIPTON, "code"]
    deciles = _series(values, "imd_imd_decile", "lsoa21", "2025").reindex(mine)
    scores = _series(values, "imd_imd_score", "ward24", "2025")
    rank = int(scores.rank(ascending=False, method="min")[GIPTON])
    stated = re.match(r"Gipton & Harehills: (\d+) of its (\d+) neighbourhoods are in England's most deprived 10%; "
                      r"the (?:most|(\d+)(?:st|nd|rd|th) most) deprived of Leeds' (\d+) wards", sentence)
    assert stated, sentence
    assert int(stated[1]) == int((deciles == 1).sum()) and int(stated[2]) == len(mine) == deciles.notna().sum()
    assert int(stated[3] or 1) == rank and int(stated[4]) == len(wards) == 33


def test_a_map_sentence_names_the_worst_and_best_and_counts_those_worse_than_leeds(raw):
    values, _, wards = raw
    sentence = captions_view.cached_map_sentence(indicator_id="fuel_poverty", level="ward24", period="2020",
                                                 scheme="quantiles", k=5, committee="all", outline=False,
                                                 stamp=store.built_at())
    ward_values = _series(values, "fuel_poverty", "ward24", "2020")
    named = ward_values.rename(index=dict(zip(wards["code"], wards["name"])))
    leeds = float(_series(values, "fuel_poverty", "lad", "2020").iloc[0])
    assert f"worst in {named.idxmax()} (" in sentence and f"best in {named.idxmin()} (" in sentence, sentence
    assert f"of Leeds' {len(wards)} wards" in sentence
    assert f"; {int((ward_values > leeds).sum())} of the {len(ward_values)} are worse than Leeds as a whole" in sentence


def test_the_domains_headline_counts_neighbourhoods_and_people(raw):
    values, lsoas, _ = raw
    sentence = pillar_view.domain_headline(["Health", "Income", "Living environment"], 1)
    deciles = pd.DataFrame({d: _series(values, f"imd_{d}_decile", "lsoa21", "2025")
                            for d in ("health", "income", "environment")})
    worst = deciles.index[(deciles <= 1).all(axis=1)]
    people = int(round(lsoas.set_index("code").loc[worst, "population"].sum()))
    assert sentence == (f"{len(worst)} neighbourhoods, home to {people:,} people, are in England's most deprived 10% "
                        "on all three of Health, Income and Living environment.")


def test_the_change_pages_fuel_poverty_sentences_state_the_stores_figures(processed_store):
    """The Leeds line and the ward headline of Change over time > Fuel poverty, against series.parquet read with
    plain pandas: the values either end, the number of wards with both values, the largest fall and rise."""
    from components import trend_view as tv
    from metrics.captions import area_change_sentence

    series = pd.read_parquet(processed_store / "series.parquet")
    series = series[(series["series_id"].astype(str) == "fuel_poverty_lilee")
                    & series["period"].astype(str).isin(["2019", "2022"])]
    wide = series.assign(period=series["period"].astype(str), area_level=series["area_level"].astype(str)) \
        .pivot_table(index=["area_level", "area_code"], columns="period", values="value")
    wards = wide.loc["ward24"].dropna()
    change = (wards["2022"] - wards["2019"])
    names = pd.read_parquet(processed_store / "areas_ward24.parquet", columns=["code", "name"]).set_index("code")["name"]
    trend = tv.measure("fuel_poverty")
    changes = tv.cached_area_changes("fuel_poverty", "fuel_poverty_lilee", "ward24", "2019", "2022", store.built_at())
    text = area_change_sentence(changes.assign(name=changes["display_name"].fillna(changes["name"])),
                                measure="Fuel poverty", start="2019", end="2022", polarity=trend.polarity,
                                nouns=("ward", "wards"), fmt=lambda v: tv.signed(trend, v))
    assert f" of the {len(change)} wards " in text
    fall = change[change == change.min()].index.map(names).sort_values()[0]
    assert f"the largest fall was in {fall} ({tv.signed(trend, change.min())})" in text
    if change.max() > 0:
        rise = change[change == change.max()].index.map(names).sort_values()[0]
        assert f"the largest rise was in {rise} ({tv.signed(trend, change.max())})" in text
    from metrics.trends import leeds_changes
    latest = leeds_changes(tv.cached_trend_rows("fuel_poverty", store.built_at()), trend, "lad")[-1]
    leeds = wide.loc[("lad", "E08000035")]
    assert (latest["start"], latest["end"]) == ("2019", "2022")
    assert (trend.format_value(latest["value_start"]), trend.format_value(latest["value_end"])) == \
        (trend.format_value(leeds["2019"]), trend.format_value(leeds["2022"]))


def test_the_cities_headline_states_leeds_value_and_rank_from_the_store(processed_store):
    """Leeds' value and its rank among England's districts for the default indicator, recomputed from
    cities_series.parquet with plain pandas (rank 1 = the highest value, ties share the best rank)."""
    import yaml

    from components import benchmark
    from components import cities_view as cv
    from data.settings import REPO_ROOT
    from metrics.captions import city_rank_sentence

    default = yaml.safe_load(open(REPO_ROOT / "data/cities.yaml", encoding="utf-8"))["default_indicator"]
    series = pd.read_parquet(processed_store / "cities_series.parquet")
    mine = series[(series["dataset"] == default["dataset"]) & (series["indicator"] == default["indicator"])]
    leeds = mine[mine["area_code"] == "E08000035"].sort_values("period_start").iloc[-1]
    districts = mine[(mine["period"] == leeds["period"]) & (mine["area_level"] == "district")].dropna(subset=["observation"])
    rank = int((districts["observation"] > leeds["observation"]).sum()) + 1
    stamp = store.built_at()
    config = benchmark.cities_config(stamp)
    table, period = cv.latest_table(cv.one_indicator(store.table("cities_series", stamp), default["dataset"],
                                                     default["indicator"]), config,
                                    cv.group_for(cv.ENGLAND, config, store.table("cities_neighbours", stamp)))
    text = city_rank_sentence(table, indicator=default["indicator"], period=cv.period_label(period))
    value = f"{round(float(leeds['observation']), 2):,.2f}".rstrip("0").rstrip(".")
    assert f": Leeds {value}" in text
    place = "highest" if rank == 1 else f"{rank}{'th' if 10 <= rank % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(rank % 10, 'th')} highest"
    assert f"the {place} of England's {len(districts)} districts with a value" in text, text


def test_the_imd_change_headline_counts_decile_moves_from_the_store(raw):
    """Neighbourhoods that moved to a more / less deprived national decile between 2019 and 2025, counted from
    values.parquet with plain pandas (decile 1 = England's most deprived tenth)."""
    from components import change as change_view
    from metrics.captions import imd_change_sentence
    from metrics.change import movement_summary

    values, lsoas, _ = raw
    deciles = {p: _series(values, "imd_imd_decile", "lsoa21", p).reindex(lsoas["code"]) for p in ("2019", "2025")}
    moved = deciles["2025"] - deciles["2019"]
    change = change_view.cached_change(store.built_at())
    text = imd_change_sentence(movement_summary(change), len(change))
    assert f", {int((moved < 0).sum())} of Leeds' {len(lsoas)} neighbourhoods moved into a more deprived tenth" in text
    assert f"England and {int((moved > 0).sum())} into a less deprived one" in text


def test_the_cities_deprivation_sentence_states_leeds_share_from_the_store(raw):
    """Leeds' share of neighbourhoods in England's most deprived 10% (IoD 2025), recomputed from values.parquet."""
    from components import cities_view as cv
    from metrics.captions import deprived_share_sentence

    values, lsoas, _ = raw
    deciles = _series(values, "imd_imd_decile", "lsoa21", "2025").reindex(lsoas["code"])
    share = 100 * (deciles == 1).sum() / len(lsoas)
    table = cv.deprivation_view(store.table("cities_deprivation", store.built_at()), "E08000035")
    assert deprived_share_sentence(table).startswith(f"Leeds: {share:.1f}% of its neighbourhoods are in England's "
                                                     "most deprived 10% in the 2025 index")
