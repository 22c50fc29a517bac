"""Every catalogue entry is documented and consistent (provenance as a feature, datasette-style)."""
import re

import pytest

from data.catalogue import load_areas, load_sources
from data.pipeline.readme_sources import main as readme_check
from data.registry import PILLARS, load_registry
from data.series import load_series_catalogue

REGISTRY = load_registry()


@pytest.mark.parametrize("indicator", REGISTRY.indicators, ids=lambda i: i.id)
def test_every_indicator_is_documented(indicator):
    assert len(indicator.definition) > 20 and len(indicator.caveat) > 10
    assert indicator.pillars and set(indicator.pillars) <= set(PILLARS)
    assert indicator.format.format(1234.5678)           # a working format string
    for edition in indicator.editions:
        assert edition.source in load_sources().sources and edition.period


def test_every_app_source_has_attribution_licence_and_checksum():
    catalogue = load_sources()
    for source_id, source in catalogue.sources.items():
        assert re.fullmatch(r"[0-9a-f]{64}", source.sha256), source_id
        assert catalogue.attribution_text(source_id), source_id
        if source.used_by == "app":
            assert source.licence in catalogue.licences, source_id


def test_every_registry_source_is_catalogued_and_every_catalogued_source_is_used():
    used = {e.source for i in REGISTRY.indicators for e in i.editions} | set(load_series_catalogue().sources())
    app_sources = {s for s, src in load_sources().sources.items() if src.used_by == "app"}
    structural = {"wards24_bgc", "lsoa21_bsc", "msoa21_bsc", "lad24_bsc", "lookup_lsoa21_ward24", "lookup_lsoa11_lsoa21",
                  "population_mid2020_lsoa11", "imd2025_lad_summaries",
                  "ons_local_statistics_lad", "ons_local_statistics_datasets",   # the cities page (data/pipeline/cities.py)
                  "lsoa21_bsc_core_cities", "lsoa21_bsc_england", "lad24_bsc_england"}   # another district (BCA_DISTRICT)
    assert used <= app_sources
    assert app_sources - used - structural == set()


def test_committees_cover_33_distinct_wards():
    committees = load_areas().community_committees.committees
    wards = [w for c in committees for w in c.wards]
    assert len(committees) == 10 and len(wards) == 33 and len(set(wards)) == 33


def test_readme_sources_table_is_up_to_date():
    assert readme_check(["--check"]) == 0


def test_polarity_is_stated_for_every_indicator():
    assert {i.polarity for i in REGISTRY.indicators} <= {"higher_is_better", "lower_is_better", "neutral"}


def test_every_trend_is_documented_and_its_indicator_exists():
    for trend in load_series_catalogue().trends:
        assert len(trend.caveat) > 20 and len(trend.change_rule.text) > 20, trend.id
        assert trend.format.format(1234.5678) and trend.pillars, trend.id
        assert trend.indicator is None or trend.indicator in REGISTRY.ids, trend.id
        for series in trend.series:
            assert len(series.definition) > 20, series.id


def test_editions_from_2011_lsoas_say_so_in_label_and_caveat():
    """Issue 14 item 4: driven by each source's geography in sources.yaml (read here as plain YAML)."""
    import yaml

    from data.settings import CATALOGUE_DIR
    from data.registry import load_registry

    raw = yaml.safe_load((CATALOGUE_DIR / "sources.yaml").read_text(encoding="utf-8"))
    on_2011 = {sid for sid, s in raw["sources"].items() if s["geography"] == "lsoa11"}
    seen = 0
    for indicator in load_registry().indicators:
        for edition in indicator.editions:
            label = indicator.period_label(edition.period)
            if edition.source in on_2011:
                seen += 1
                assert label == f"{edition.period} (converted from 2011 LSOAs)", indicator.id
                assert "2011 LSOAs" in indicator.caveat, indicator.id
            else:
                assert label == edition.period, indicator.id
    assert seen > 20


def test_neutral_context_measures_state_why():
    from data.registry import load_registry

    registry = load_registry()
    assert registry.get("census_disabled").polarity == "neutral"
    assert "need, not a failure" in registry.get("census_disabled").polarity_reason
    assert all(i.polarity_reason for i in registry.indicators if i.polarity == "neutral")


def test_indicators_trends_and_uploads_format_a_figure_by_one_rule():
    """One number-formatting rule: the same unit and format read the same on a map, a trend and an upload."""
    from data.registry import Indicator, format_figure
    from data.series import Trend

    for unit in ("%", "years", "per 1,000", "people", "households", "score", "rank", "£", "ratio", "kWh"):
        assert (Indicator.model_construct(unit=unit, format="{:.1f}").format_value(12.34)
                == Trend.model_construct(unit=unit, format="{:.1f}").format_value(12.34)
                == format_figure(12.34, "{:.1f}", unit)), unit
    assert format_figure(1.5, "{:.2f}", "per 1,000") == "1.50 per 1,000"
    assert format_figure(12.34, "{:.1f}", "%") == "12.3%"
    assert format_figure(23.4, "{:.1f}", "score") == "23.4"
    assert format_figure(float("nan"), "{:.1f}", "years") == format_figure(None, "{:.1f}", "years") == "no data"
