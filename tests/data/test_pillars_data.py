"""Pillar composites and intersections on the real store: complete, one category per area, populations add up."""
import pandas as pd
import pytest

from data.registry import PILLARS, load_registry
from data.store import read_areas, read_values
from metrics import pillars as pv
from metrics.pillar_values import kpis_at_level

LEEDS_POPULATION = 811_915
pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def store(processed_store):
    areas = {lv: pd.DataFrame(read_areas(processed_store, lv).drop(columns="geometry"))
             for lv in ("lsoa21", "msoa", "ward24")}
    return read_values(processed_store), areas, load_registry()


@pytest.mark.parametrize("level", ["lsoa21", "ward24"])
@pytest.mark.parametrize("basis", ["composite", "lead"])
@pytest.mark.parametrize("threshold", ["worst10", "worst25", "leeds"])
def test_every_area_in_exactly_one_category_and_populations_add_up(store, level, basis, threshold):
    values, areas, registry = store
    scores = pv.pillar_scores(values, areas[level], registry, level, basis)
    rules = {p: pv.threshold_rule(threshold, scores.leeds[p]) for p in PILLARS}
    population = areas[level].set_index("code")["population"].astype(float)
    result = pv.intersections(scores.scores, scores.polarity, rules, population)
    assert len(result.categories) == len(areas[level]) and result.categories.notna().all()
    assert result.categories.index.is_unique
    assert int(result.summary["areas"].sum()) == len(areas[level])
    assert result.summary["population"].sum() == LEEDS_POPULATION
    assert result.combinations["population"].sum() == LEEDS_POPULATION
    assert result.summary["population_share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("level, expected", [("lsoa21", 488), ("msoa", 107), ("ward24", 33)])
def test_composites_cover_every_area(store, level, expected):
    values, _, _ = store
    for pillar in PILLARS:
        rows = values[(values["indicator_id"] == pv.composite_id(pillar)) & (values["area_level"] == level)]
        assert len(rows) == expected and rows["value"].notna().all(), pillar
        # mean of z-scores: centred near 0 among Leeds' areas (exactly 0 only without missing KPI values)
        assert abs(rows["value"].mean()) < 0.05


def test_life_expectancy_is_left_out_at_lsoa_only(store):
    _, _, registry = store
    used_lsoa, left_lsoa = kpis_at_level(registry, "Health and Wellbeing", "lsoa21")
    used_ward, left_ward = kpis_at_level(registry, "Health and Wellbeing", "ward24")
    assert "life_expectancy_female" in left_lsoa and len(used_lsoa) == 5
    assert not left_ward and len(used_ward) == 6


def test_each_pillar_has_a_lead_and_five_supporting_kpis_with_rationales(store):
    _, _, registry = store
    for pillar in PILLARS:
        kpis = registry.pillar_kpis[pillar]
        assert len(kpis.supporting) == 5 and "proxy" in kpis.note.lower()
        assert all(k.rationale.startswith('"') for k in [kpis.lead, *kpis.supporting])


def test_imd_domain_intersection_health_and_income(store):
    values, areas, _ = store
    result = pv.domain_intersections(values, areas["lsoa21"], ["Health", "Income", "Employment"], 1)
    assert result.summary["population"].sum() == LEEDS_POPULATION
    population = areas["lsoa21"].set_index("code")["population"].astype(float)
    both = pv.pair_overlaps(result.flags, population).set_index("pair").loc["Health and Income"]
    deciles = pv.domain_deciles(values, pd.Index(areas["lsoa21"]["code"]), ["Health", "Income"])
    assert both["areas"] == int(((deciles["Health"] == 1) & (deciles["Income"] == 1)).sum()) > 0
