"""MHCLG's district summary measures and one district's life-expectancy SII, on small, obviously fake fixtures."""
import numpy as np
import pandas as pd
import pytest

from components import cities_view as cv
from metrics.district_summaries import district_summaries, extent_weights, local_concentration, rank_of_districts
from metrics.inequalities import district_life_expectancy_sii


def test_extent_weights_are_one_in_the_10_percent_then_slide_to_0_05_at_the_30th_percentile():
    ranks = pd.Series([1, 10, 11, 12, 30, 31, 100])           # of 100 LSOAs: percentile = rank
    weights = extent_weights(ranks, 100)
    assert list(weights.round(6)) == [1.0, 1.0, 0.95, round(0.95 - 0.9 / 19, 6), 0.05, 0.0, 0.0]


def test_local_concentration_counts_only_the_part_of_the_last_lsoa_needed_for_10_percent():
    # 1,000 people; 10% = 100: all 60 of the most deprived LSOA (reversed rank 90) and 40 of the next (rank 80)
    reversed_ranks, people = np.array([80.0, 90.0, 10.0]), np.array([500.0, 60.0, 440.0])
    assert local_concentration(reversed_ranks, people) == pytest.approx((60 * 90 + 40 * 80) / 100)


def test_district_summaries_weight_by_population_and_sum_the_numerators_leaving_blanks_out():
    lsoas = pd.DataFrame({"district": ["X", "X", "Y", "Y"], "score": [40.0, 10.0, 5.0, 5.0], "rank": [1, 3, 2, 4],
                          "decile": [1, 8, 5, 10], "population": [100.0, 300.0, 50.0, 50.0],
                          "income_numerator": [30.0, None, 5.0, 5.0], "employment_numerator": [10.0, 10.0, 1.0, 2.0]})
    out = district_summaries(lsoas).set_index("district")
    assert out.loc["X", "average_score"] == pytest.approx((40 * 100 + 10 * 300) / 400)
    assert out.loc["X", "average_rank"] == pytest.approx((4 * 100 + 2 * 300) / 400)      # reversed: 5 - rank
    assert out.loc["X", "share_10pct"] == 0.5 and out.loc["Y", "share_10pct"] == 0
    assert out.loc["X", "income_scale"] == 30 and out.loc["X", "income_blank"] == 1 and out.loc["Y", "income_blank"] == 0
    assert list(rank_of_districts(out["average_score"])) == [1, 2]


def _le_table(n=12, suppressed=("m3",), extra=()):
    rows = []
    for i in range(n):
        code = f"m{i}"
        value = np.nan if code in suppressed else 70.0 + i
        rows.append({"msoa11_code": code, "sex": "female", "value": value, "lower_ci": value - 1, "upper_ci": value + 1,
                     "person_years": 5000.0, "imd_score": 60.0 - i})
    return pd.DataFrame(rows + list(extra))


def test_a_district_sii_counts_suppressed_and_unplaceable_msoas_and_keeps_suppressed_ones_in_the_deciles():
    table = _le_table()
    sii = district_life_expectancy_sii(table, [f"m{i}" for i in range(12)] + ["new1", "new2"], "female",
                                       repetitions=2000)
    assert (sii.msoas, sii.used, sii.suppressed, sii.no_figure) == (14, 11, 1, 2)
    assert sii.result is not None and sii.result.sii > 0                 # less deprived (higher i) live longer
    decile_3 = sii.groups.set_index("quantile").loc[3]                  # m2 and m3 (suppressed) share decile 3
    assert decile_3["areas"] == 1 and decile_3["population"] == pytest.approx(2 * 5000)   # m3's people still count


def test_a_district_with_too_few_msoas_says_why_instead_of_failing():
    sii = district_life_expectancy_sii(_le_table(n=4, suppressed=()), ["m0", "m1", "m2", "m3"], "female",
                                       repetitions=200)
    assert sii.result is None and "deprivation groups" in sii.reason


def test_le_sii_view_words_missing_figures_and_keeps_home_first():
    le = pd.DataFrame([{"area_code": c, "area_name": n, "sex": s, "period": "2016-20", "sii": v, "lower": v - 1,
                        "upper": v + 1, "deciles": 10, "msoas": 10, "used": 9, "suppressed": 1, "no_figure": 0,
                        "reason": "" if v == v else "Only 3 deprivation groups have a value"}
                       for c, n, v in (("A", "Alpha", 5.0), ("L", "Leeds", np.nan)) for s in ("female", "male")])
    view = cv.le_sii_view(le, "L")
    assert list(view["Area"]) == ["Leeds", "Alpha"]
    assert view.loc[0, "Women: SII, years (95% CI)"].startswith("not computed: Only 3")
    assert view.loc[1, "Men: SII, years (95% CI)"] == "5.0 (4.0 to 6.0)" and view.loc[1, "Women: MSOAs used"] == "9 of 10"
