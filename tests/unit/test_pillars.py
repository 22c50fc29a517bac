"""Pillar composites and intersections on tiny, obviously fake frames."""
import numpy as np
import pandas as pd
import pytest

from metrics import pillar_values as pvals
from metrics import pillars as pv

PILLARS = ["Health and Wellbeing", "Inclusive Growth", "Zero Carbon"]
UP = {p: "higher_is_better" for p in PILLARS}


def _eight_area_scores() -> pd.DataFrame:
    """One fake area per combination: -1 = weak (below 0), +1 = fine, higher is better."""
    patterns = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)]
    rows = [[-1.0 if weak else 1.0 for weak in p] for p in patterns]
    return pd.DataFrame(rows, columns=PILLARS, index=[f"A{i}" for i in range(8)])


def test_all_eight_categories_are_reachable_and_each_area_gets_one():
    scores = _eight_area_scores()
    rules = {p: pv.threshold_rule("leeds", -0.5) for p in PILLARS}     # weak = worse than -0.5
    population = pd.Series(100.0, index=scores.index)
    result = pv.intersections(scores, UP, rules, population)
    assert result.categories.astype(str).tolist() == [
        "None", "Health and Wellbeing", "Inclusive Growth", "Zero Carbon",
        "Health and Wellbeing + Inclusive Growth", "Health and Wellbeing + Zero Carbon",
        "Inclusive Growth + Zero Carbon", "All three"]
    assert result.summary["areas"].tolist() == [1] * 8
    assert result.summary["population"].sum() == 800
    assert set(result.combinations["population"]) == {100.0}


def test_worst_share_threshold_respects_polarity():
    values = pd.DataFrame({p: [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10] for p in PILLARS}, index=list("abcdefghij"))
    polarity = {"Health and Wellbeing": "higher_is_better", "Inclusive Growth": "lower_is_better",
                "Zero Carbon": "higher_is_better"}
    rules = {p: pv.threshold_rule("worst20", float("nan")) for p in PILLARS}
    result = pv.intersections(values, polarity, rules, pd.Series(1.0, index=values.index))
    assert list(result.flags.index[result.flags["Health and Wellbeing"]]) == ["a", "b"]
    assert list(result.flags.index[result.flags["Inclusive Growth"]]) == ["i", "j"]
    assert result.categories["a"] == "Health and Wellbeing + Zero Carbon"
    assert result.categories["j"] == "Inclusive Growth"


def test_worse_than_leeds_respects_polarity():
    values = pd.DataFrame({p: [10.0, 20, 30] for p in PILLARS}, index=list("abc"))
    polarity = {"Health and Wellbeing": "higher_is_better", "Inclusive Growth": "lower_is_better",
                "Zero Carbon": "lower_is_better"}
    rules = {p: pv.threshold_rule("leeds", 15.0) for p in PILLARS}
    flags = pv.intersections(values, polarity, rules, pd.Series(1.0, index=values.index)).flags
    assert flags["Health and Wellbeing"].tolist() == [True, False, False]
    assert flags["Inclusive Growth"].tolist() == [False, True, True]


def test_ties_at_the_threshold_count_as_weak():
    # the stated rule: an area exactly at the cut-off is weak, so equal areas are treated alike
    values = pd.DataFrame({p: [1.0, 1.0, 3, 4, 5] for p in PILLARS}, index=list("abcde"))
    result = pv.intersections(values, UP, {p: pv.threshold_rule("worst20", 0) for p in PILLARS},
                              pd.Series(1.0, index=values.index))
    assert result.flags["Zero Carbon"].tolist() == [True, True, False, False, False]   # 40% weak, not 20%
    at_leeds = pv.intersections(values, UP, {p: pv.threshold_rule("leeds", 3.0) for p in PILLARS},
                                pd.Series(1.0, index=values.index))
    assert at_leeds.flags["Health and Wellbeing"].tolist() == [True, True, True, False, False]


def test_leeds_threshold_without_a_leeds_value_is_refused():
    with pytest.raises(ValueError, match="no Leeds value"):
        pv.threshold_rule("leeds", float("nan"))
    with pytest.raises(ValueError, match="Unknown threshold"):
        pv.threshold_rule("worst50", 0.0)


def test_category_colours_are_eight_distinct_and_stable():
    colours = pv.category_colours(PILLARS)
    assert len(set(colours.values())) == 8
    assert colours["All three"] == "#000000"
    assert pv.pale_hex("#000000", 255) == "#000000" and pv.pale_hex("#000000", 0) == "#ffffff"


def test_composite_is_mean_of_oriented_z_scores():
    table = pd.DataFrame({"up": [1.0, 2.0, 3.0], "down": [30.0, 20.0, 10.0]}, index=list("abc"))
    z, mean, sd = pvals.standardise(table, {"up": "higher_is_better", "down": "lower_is_better"})
    # both KPIs say c is best: z(up) = z(-down) = +1.2247 for c
    assert z.loc["c", "up"] == pytest.approx(np.sqrt(1.5)) and z.loc["c", "down"] == pytest.approx(np.sqrt(1.5))
    score, share = pvals.composite(z)
    assert score.tolist() == pytest.approx([-np.sqrt(1.5), 0.0, np.sqrt(1.5)])
    assert share.tolist() == [1.0, 1.0, 1.0]
    # a reference with up = 2 and down = 20 is the average area
    assert pvals.place_on_scale(pd.Series({"up": 2.0, "down": 20.0}), mean, sd,
                                {"up": "higher_is_better", "down": "lower_is_better"}) == pytest.approx(0.0)


def test_composite_needs_two_thirds_of_the_kpis():
    z = pd.DataFrame({"k1": [1.0, 1.0], "k2": [1.0, np.nan], "k3": [1.0, np.nan]}, index=["a", "b"])
    score, share = pvals.composite(z)
    assert score["a"] == pytest.approx(1.0) and np.isnan(score["b"])
    assert share["b"] == pytest.approx(1 / 3)


def test_neutral_kpi_is_refused_in_a_pillar():
    with pytest.raises(Exception, match="needs a direction"):
        pvals.standardise(pd.DataFrame({"k": [1.0, 2.0]}), {"k": "neutral"})


class _Ind:
    def __init__(self, id_, polarity):
        self.id, self.polarity = id_, polarity

        class _Latest:
            period = "2025"
        self.latest = _Latest()


def _values(rows):
    return pd.DataFrame(rows, columns=["area_level", "area_code", "indicator_id", "period", "value"])


def test_bivariate_classes_put_the_worse_third_at_three_whatever_the_polarity():
    codes = [f"L{i}" for i in range(6)]
    rows = [("lsoa21", c, "good_high", "2025", float(i)) for i, c in enumerate(codes)]
    rows += [("lsoa21", c, "bad_high", "2025", float(i)) for i, c in enumerate(codes)]
    areas = pd.DataFrame({"code": codes, "display_name": codes})
    result = pv.bivariate(_values(rows), areas, _Ind("good_high", "higher_is_better"),
                          _Ind("bad_high", "lower_is_better"), "lsoa21")
    first, last = result.table.iloc[0], result.table.iloc[-1]
    assert (first["x_class"], first["y_class"]) == (3, 1)     # lowest "good" value = worst third on x
    assert (last["x_class"], last["y_class"]) == (1, 3)
    assert result.correlation.pearson_r == pytest.approx(1.0)


def test_domain_intersections_use_national_deciles_at_or_below_the_threshold():
    codes = ["L1", "L2", "L3"]
    rows = []
    for domain, deciles in (("Health", [1, 2, 5]), ("Income", [1, 1, 9]), ("Living environment", [3, 1, 1])):
        rows += [("lsoa21", c, pv.IMD_DOMAINS[domain], "2025", float(d)) for c, d in zip(codes, deciles)]
    lsoas = pd.DataFrame({"code": codes, "population": [10, 20, 30]})
    one = pv.domain_intersections(_values(rows), lsoas, ["Health", "Income", "Living environment"], 1)
    assert one.categories.astype(str).tolist() == ["Health + Income", "Income + Living environment", "Living environment"]
    two = pv.domain_intersections(_values(rows), lsoas, ["Health", "Income", "Living environment"], 2)
    assert two.categories["L2"] == "All three"
    overlaps = pv.pair_overlaps(one.flags, lsoas.set_index("code")["population"])
    assert overlaps.set_index("pair").loc["Health and Income", "population"] == 10
