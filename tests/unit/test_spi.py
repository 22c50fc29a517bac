"""Unit tests for the SPI-method engine and its framework schema, on tiny fake frames.

Most expected values are worked by hand. A handy identity: for a single-indicator
component the score is the straight-line position of the (transformed) value between
dystopia (0) and utopia (100), whatever the standardisation.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.spi import (
    SpiResult,
    compute_spi,
    peer_strengths_weaknesses,
    principal_component_weights,
    rank_change,
)
from metrics.spi_framework import Framework, load_framework, parse_framework

EXAMPLE_YAML = """
name: Fake test index
dimensions:
  - id: d_needs
    name: Basic Human Needs
    components:
      - id: c_one
        name: Component one
        indicators:
          - id: x_score
            direction: higher_is_better
            utopia: 10
            dystopia: 0
            reason: "Fake: 10 is the best plausible, 0 the worst."
          - id: y_rate
            direction: lower_is_better
            utopia: 0
            dystopia: 100
            reason: "Fake: a rate of 0 is ideal, 100 is the worst plausible."
      - {id: c_water, name: Water, missing: "No fake data on water."}
      - {id: c_shelter, name: Shelter, missing: "No fake data on shelter."}
      - {id: c_safety, name: Safety, missing: "No fake data on safety."}
  - id: d_wellbeing
    name: Foundations of Wellbeing
    components:
      - id: c_two
        name: Component two
        indicators:
          - id: w_pct
            direction: lower_is_better
            transform: {cap: [0, 50]}
            utopia: 0
            dystopia: 40
            reason: "Fake: 0% is ideal, 40% is the worst plausible."
      - {id: c_info, name: Information, missing: "No fake data on information."}
      - {id: c_health, name: Health, missing: "No fake data on health."}
      - {id: c_environment, name: Environment, missing: "No fake data on environment."}
  - id: d_opportunity
    name: Opportunity
    components:
      - {id: c_rights, name: Rights, missing: "No fake data on rights."}
      - {id: c_freedom, name: Freedom, missing: "No fake data on freedom."}
      - {id: c_inclusion, name: Inclusion, missing: "No fake data on inclusion."}
      - {id: c_education, name: Education, missing: "No fake data on education."}
"""

AREAS = ["A", "B", "C"]


@pytest.fixture
def example_framework() -> Framework:
    return parse_framework(EXAMPLE_YAML)


@pytest.fixture
def example_values() -> pd.DataFrame:
    return pd.DataFrame(
        {"x_score": [2.0, 4.0, 6.0], "y_rate": [80.0, 60.0, 40.0], "w_pct": [10.0, 20.0, 30.0]},
        index=pd.Index(AREAS, name="ward_code"),
    )


def indicator(indicator_id: str, utopia: float, dystopia: float, **extra: object) -> dict[str, object]:
    direction = "higher_is_better" if utopia > dystopia else "lower_is_better"
    return {"id": indicator_id, "direction": direction, "utopia": utopia, "dystopia": dystopia,
            "reason": "Fake anchors.", **extra}


def framework_dict(measured: dict[int, list[dict[str, object]]]) -> dict[str, object]:
    """3 x 4 framework; ``measured[d]`` lists indicator-bearing components for dimension d, the rest are missing."""
    dimensions = []
    for dimension_number in range(3):
        components = [dict(component) for component in measured.get(dimension_number, [])]
        while len(components) < 4:
            filler = f"gap_{dimension_number}_{len(components)}"
            components.append({"id": filler, "name": filler, "missing": "No fake data."})
        dimensions.append({"id": f"dim_{dimension_number}", "name": f"Dimension {dimension_number}",
                           "components": components})
    return {"dimensions": dimensions}


def single_indicator_framework(**indicator_fields: object) -> Framework:
    fields: dict[str, object] = {"id": "v", "direction": "higher_is_better", "utopia": 10, "dystopia": 0,
                                 "reason": "Fake anchors."}
    fields.update(indicator_fields)
    return Framework.model_validate(framework_dict({0: [{"id": "comp", "name": "Comp", "indicators": [fields]}]}))


def single_indicator_scores(values: list[float], **indicator_fields: object) -> SpiResult:
    frame = pd.DataFrame({"v": values}, index=AREAS[: len(values)])
    return compute_spi(frame, single_indicator_framework(**indicator_fields))


# --- the worked example: two components, three areas ---------------------------------------


def test_example_component_scores_match_hand_computation(example_framework, example_values):
    # c_one: x and y are each 20%, 40%, 60% of the way from dystopia to utopia -> same scores.
    # c_two: single indicator, (40 - w) / 40 -> 75, 50, 25.
    result = compute_spi(example_values, example_framework)
    assert result.components["c_one"].tolist() == pytest.approx([20.0, 40.0, 60.0])
    assert result.components["c_two"].tolist() == pytest.approx([75.0, 50.0, 25.0])
    assert result.components.index.name == "ward_code"


def test_example_dimensions_and_index_average_over_measured_parts(example_framework, example_values):
    result = compute_spi(example_values, example_framework)
    assert result.dimensions["d_needs"].tolist() == pytest.approx([20.0, 40.0, 60.0])
    assert result.dimensions["d_opportunity"].isna().all()
    assert result.index.tolist() == pytest.approx([47.5, 45.0, 42.5])
    assert any("index averages over the 2 dimension" in note for note in result.notes)
    assert any("d_needs averages over its 1 measured" in note and "c_water" in note for note in result.notes)


def test_framework_missing_components_are_reported_for_every_area(example_framework, example_values):
    result = compute_spi(example_values, example_framework)
    assert result.components["c_water"].isna().all()
    water = result.missing[result.missing["component"] == "c_water"]
    assert sorted(water["area"]) == AREAS
    assert water["reason"].iloc[0] == "component not measured: No fake data on water."
    assert len(result.missing) == 10 * 3  # ten unmeasured components, three areas


def test_example_weights_table(example_framework, example_values):
    weights = compute_spi(example_values, example_framework).weights
    # x and -y are perfectly correlated: first PC is (1, 1)/sqrt(2) -> 0.5 each.
    assert weights.to_dict("records") == [
        {"component": "c_one", "indicator": "x_score", "weight": pytest.approx(0.5), "method": "pca"},
        {"component": "c_one", "indicator": "y_rate", "weight": pytest.approx(0.5), "method": "pca"},
        {"component": "c_two", "indicator": "w_pct", "weight": 1.0, "method": "single"},
    ]


# --- missing data ---------------------------------------------------------------------------


def test_strict_rule_makes_component_dimension_and_index_missing(example_framework, example_values):
    values = example_values.copy()
    values.loc["B", "y_rate"] = np.nan
    result = compute_spi(values, example_framework, missing_rule="strict")
    # A and C keep their scores: both indicators sit at the same fraction between anchors.
    assert result.components["c_one"].tolist() == pytest.approx([20.0, np.nan, 60.0], nan_ok=True)
    assert np.isnan(result.dimensions.loc["B", "d_needs"])
    assert np.isnan(result.index["B"])
    assert result.index["A"] == pytest.approx(47.5)
    gap = result.missing[(result.missing["area"] == "B") & (result.missing["component"] == "c_one")]
    assert gap["reason"].tolist() == ["no value for indicator(s): y_rate"]
    # Only two complete areas remain, so PCA falls back to equal weights and says why.
    assert set(result.weights.loc[result.weights["component"] == "c_one", "method"]) == {"equal_fallback"}
    assert any("c_one: equal weights used instead of PCA because only 2 areas" in note for note in result.notes)


def test_mean_of_available_rule_averages_what_is_there():
    framework = Framework.model_validate(framework_dict({
        0: [{"id": "c_x", "name": "X", "indicators": [indicator("x", 10, 0)]},
            {"id": "c_w", "name": "W", "indicators": [indicator("w", 0, 40)]}],
        1: [{"id": "c_v", "name": "V", "indicators": [indicator("v", 100, 0)]}],
        2: [{"id": "c_u", "name": "U", "indicators": [indicator("u", 100, 0)]}],
    }))
    values = pd.DataFrame({"x": [2.0, 4.0, np.nan], "w": [10.0, 20.0, 30.0], "v": [50.0, 60.0, 70.0],
                           "u": [10.0, 20.0, 30.0]}, index=AREAS)
    strict = compute_spi(values, framework, missing_rule="strict")
    lenient = compute_spi(values, framework, missing_rule="mean_of_available")
    # dim_0 = mean(x score 20/40/NaN, w score 75/50/25)
    assert strict.dimensions["dim_0"].tolist() == pytest.approx([47.5, 45.0, np.nan], nan_ok=True)
    assert lenient.dimensions["dim_0"].tolist() == pytest.approx([47.5, 45.0, 25.0])
    assert strict.index.tolist() == pytest.approx([(47.5 + 50 + 10) / 3, (45 + 60 + 20) / 3, np.nan], nan_ok=True)
    assert lenient.index["C"] == pytest.approx((25 + 70 + 30) / 3)
    assert lenient.coverage.loc["C", "dim_0"] == 1 and lenient.coverage.loc["A", "dim_0"] == 2
    assert strict.coverage.loc["C", "dim_0"] == 0
    assert any(note.startswith("mean_of_available: 1 area(s) have dimension dim_0") for note in lenient.notes)
    assert any(note.startswith("strict: 1 area(s) have no score for dimension dim_0") for note in strict.notes)


# --- scaling, transforms and direction ----------------------------------------------------------


def test_scores_within_anchors_stay_in_range():
    result = single_indicator_scores([0.0, 3.0, 10.0])
    assert result.components["comp"].tolist() == pytest.approx([0.0, 30.0, 100.0])
    assert not any("capped" in note for note in result.notes)


def test_scores_beyond_anchors_are_capped_and_noted():
    result = single_indicator_scores([-5.0, 5.0, 15.0])
    assert result.components["comp"].tolist() == pytest.approx([0.0, 50.0, 100.0])
    assert any("comp: 2 area score(s) fell beyond utopia or dystopia" in note for note in result.notes)


def test_log_transform_applies_to_values_and_anchors():
    result = single_indicator_scores([1.0, 10.0, 100.0], transform="log", utopia=100, dystopia=1)
    assert result.components["comp"].tolist() == pytest.approx([0.0, 50.0, 100.0])


def test_log_transform_rejects_non_positive_values():
    with pytest.raises(ValueError, match="v is log-transformed but 1 area"):
        single_indicator_scores([0.0, 10.0, 100.0], transform="log", utopia=100, dystopia=1)


def test_cap_transform_clips_before_scoring(example_framework):
    # w_pct is capped to [0, 50]: 70 counts as 50, i.e. beyond dystopia 40 -> score 0.
    values = pd.DataFrame({"x_score": [2.0, 4.0, 6.0], "y_rate": [80.0, 60.0, 40.0], "w_pct": [10.0, 20.0, 70.0]},
                          index=AREAS)
    result = compute_spi(values, example_framework)
    assert result.components["c_two"].tolist() == pytest.approx([75.0, 50.0, 0.0])


def test_direction_flip_gives_identical_scores():
    higher = single_indicator_scores([2.0, 5.0, 9.0], utopia=10, dystopia=0)
    lower = single_indicator_scores([-2.0, -5.0, -9.0], direction="lower_is_better", utopia=-10, dystopia=0)
    assert higher.components["comp"].tolist() == pytest.approx([20.0, 50.0, 90.0])
    assert lower.components["comp"].tolist() == pytest.approx([20.0, 50.0, 90.0])


def test_missing_indicator_column_is_an_error(example_framework, example_values):
    with pytest.raises(ValueError, match="no column for framework indicator.*w_pct"):
        compute_spi(example_values.drop(columns="w_pct"), example_framework)


def test_nullable_dtypes_count_as_missing_values():
    frame = pd.DataFrame({"v": pd.array([0, 5, None, 10], dtype="Int64")}, index=["A", "B", "C", "D"])
    result = compute_spi(frame, single_indicator_framework())
    assert result.components["comp"].tolist() == pytest.approx([0.0, 50.0, np.nan, 100.0], nan_ok=True)
    assert result.missing.loc[result.missing["component"] == "comp", "area"].tolist() == ["C"]


def test_bad_indicator_frames_are_rejected():
    framework = single_indicator_framework()
    with pytest.raises(ValueError, match="Indicator column v is not numeric"):
        compute_spi(pd.DataFrame({"v": ["1", "2"]}, index=["A", "B"]), framework)
    with pytest.raises(ValueError, match="repeats area codes: A"):
        compute_spi(pd.DataFrame({"v": [1.0, 2.0]}, index=["A", "A"]), framework)


def test_constant_indicator_cannot_be_standardised():
    with pytest.raises(ValueError, match="v has the same value in every area"):
        single_indicator_scores([3.0, 3.0, 3.0])


def test_unknown_options_are_rejected(example_framework, example_values):
    with pytest.raises(ValueError, match="weighting must be one of pca, equal"):
        compute_spi(example_values, example_framework, weighting="factor")
    with pytest.raises(ValueError, match="missing_rule must be one of"):
        compute_spi(example_values, example_framework, missing_rule="impute")


# --- weighting ---------------------------------------------------------------------------------

# a and b identical, corr(a, c) = 0.5. Correlation matrix [[1,1,.5],[1,1,.5],[.5,.5,1]]:
# first eigenvector (1+sqrt3)/2, (1+sqrt3)/2, 1 -> weights (1+sqrt3)/(2(2+sqrt3)) twice and 2-sqrt3.
SQRT3 = math.sqrt(3)
PCA_WEIGHT_AB = (1 + SQRT3) / (2 * (2 + SQRT3))
PCA_WEIGHT_C = 2 - SQRT3
UNEQUAL_AREAS = ["P", "Q", "R", "S"]


def unequal_setup(c_direction: str = "higher_is_better") -> tuple[pd.DataFrame, Framework]:
    sign = 1.0 if c_direction == "higher_is_better" else -1.0
    values = pd.DataFrame({"a": [1.0, -1.0, 0.0, 0.0], "b": [1.0, -1.0, 0.0, 0.0],
                           "c": [sign * 1.0, 0.0, 0.0, sign * -1.0]}, index=UNEQUAL_AREAS)
    c_indicator = indicator("c", sign * 2, sign * -2)
    framework = Framework.model_validate(framework_dict({0: [{"id": "comp", "name": "Comp", "indicators": [
        indicator("a", 2, -2), indicator("b", 2, -2), c_indicator]}]}))
    return values, framework


def weights_of(result: SpiResult) -> dict[str, float]:
    table = result.weights[result.weights["component"] == "comp"]
    return dict(zip(table["indicator"], table["weight"]))


@pytest.mark.parametrize("c_direction", ["higher_is_better", "lower_is_better"])
def test_pca_weights_match_hand_computation_after_orientation(c_direction):
    values, framework = unequal_setup(c_direction)
    result = compute_spi(values, framework, weighting="pca")
    weights = weights_of(result)
    assert weights == pytest.approx({"a": PCA_WEIGHT_AB, "b": PCA_WEIGHT_AB, "c": PCA_WEIGHT_C})
    assert sum(weights.values()) == pytest.approx(1.0)
    assert min(weights.values()) >= 0
    assert set(result.weights["method"]) == {"pca"}


def test_equal_and_pca_weights_give_different_scores():
    # Same sd and anchors for all three, so score = 50 + 25 * sum(weight * value).
    values, framework = unequal_setup()
    pca = compute_spi(values, framework, weighting="pca").components["comp"]
    equal = compute_spi(values, framework, weighting="equal").components["comp"]
    assert equal.tolist() == pytest.approx([75.0, 50 - 25 * 2 / 3, 50.0, 50 - 25 / 3])
    assert pca.tolist() == pytest.approx([75.0, 50 - 25 * 2 * PCA_WEIGHT_AB, 50.0, 50 - 25 * PCA_WEIGHT_C])
    assert pca["Q"] < equal["Q"] and pca["S"] > equal["S"]


def test_mixed_sign_loadings_fall_back_to_equal_weights_with_reason():
    values, _ = unequal_setup()
    values["c"] = -values["c"]  # now pulls against a and b although declared higher_is_better
    _, framework = unequal_setup()
    result = compute_spi(values, framework, weighting="pca")
    assert weights_of(result) == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    assert set(result.weights["method"]) == {"equal_fallback"}
    assert any("comp: equal weights used instead of PCA because the first principal component has loadings "
               "of mixed sign" in note for note in result.notes)


def test_uncorrelated_indicators_have_no_unique_first_component():
    standardised = pd.DataFrame({"a": [1.0, -1.0, 0.0, 0.0], "b": [0.0, 0.0, 1.0, -1.0]})
    outcome = principal_component_weights(standardised)
    assert outcome.weights is None
    assert outcome.fallback_reason is not None and "not unique" in outcome.fallback_reason


# --- rank change ---------------------------------------------------------------------------------


def result_with_index(scores: dict[str, float]) -> SpiResult:
    empty = pd.DataFrame()
    return SpiResult(index=pd.Series(scores, dtype=float), dimensions=empty, components=empty, weights=empty,
                     missing=empty, notes=[])


def test_rank_change_counts_places_gained():
    table = rank_change(result_with_index({"A": 90, "B": 50, "C": 70, "D": np.nan}),
                        result_with_index({"A": 60, "B": 80, "C": 70, "D": 10}))
    assert list(table.index) == ["A", "C", "B", "D"]
    assert table.loc[["A", "B", "C"], "rank_a"].tolist() == [1, 3, 2]
    assert table.loc[["A", "B", "C"], "rank_b"].tolist() == [3, 1, 2]
    assert table.loc[["A", "B", "C"], "places_gained"].tolist() == [-2, 2, 0]
    assert pd.isna(table.loc["D", "rank_a"]) and table.loc["D", "rank_b"] == 4


def test_rank_change_needs_same_areas():
    with pytest.raises(ValueError, match="same areas"):
        rank_change(result_with_index({"A": 1}), result_with_index({"B": 1}))


# --- peers ---------------------------------------------------------------------------------------


def test_peer_strengths_and_weaknesses():
    scores = pd.DataFrame({
        "good": [80.0, 50.0, 52.0, 54.0, 0.0, 0.0],
        "middling": [52.5, 50.0, 52.0, 54.0, 0.0, 0.0],
        "bad": [40.0, 50.0, 52.0, 54.0, 0.0, 0.0],
        "crime_rate": [3.0, 10.0, 11.0, 12.0, 0.0, 0.0],
        "gap": [np.nan, 1.0, 1.0, 1.0, 1.0, 1.0],
    }, index=["A", "B", "C", "D", "E", "F"])
    income = pd.Series({"A": 10.0, "B": 11.0, "C": 9.0, "D": 12.5, "E": 20.0, "F": 30.0})
    table, peers = peer_strengths_weaknesses(scores, "A", income, n_peers=3, lower_is_better=["crime_rate"])
    assert peers == ["B", "C", "D"]  # distances 1, 1, 2.5; tie broken by code
    by_item = table.set_index("item")
    # peers 50, 52, 54: median 52, median absolute deviation 2
    assert by_item.loc["good", ["peer_median", "band"]].tolist() == [52.0, 2.0]
    assert by_item["verdict"].to_dict() == {"good": "strength", "middling": "neutral", "bad": "weakness",
                                            "crime_rate": "strength", "gap": "missing"}


def test_peer_mean_absolute_deviation_band():
    scores = pd.DataFrame({"s": [60.0, 50.0, 52.0, 60.0]}, index=["A", "B", "C", "D"])
    income = pd.Series({"A": 0.0, "B": 1.0, "C": 2.0, "D": 3.0})
    table, _ = peer_strengths_weaknesses(scores, "A", income, n_peers=3, spread="mean_abs_dev")
    # peers 50, 52, 60: median 52; deviations 2, 0, 8 -> mean 10/3; A is 8 better -> strength
    assert table.loc[0, "band"] == pytest.approx(10 / 3)
    assert table.loc[0, "verdict"] == "strength"


def test_peer_selection_errors():
    scores = pd.DataFrame({"s": [1.0, 2.0]}, index=["A", "B"])
    with pytest.raises(ValueError, match="fewer than n_peers=15"):
        peer_strengths_weaknesses(scores, "A", pd.Series({"A": 1.0, "B": 2.0}))
    with pytest.raises(ValueError, match="Area A has no peer_key value"):
        peer_strengths_weaknesses(scores, "A", pd.Series({"B": 2.0}), n_peers=1)


# --- framework schema ---------------------------------------------------------------------------


def valid_dict() -> dict[str, object]:
    return copy.deepcopy(framework_dict({0: [{"id": "comp", "name": "Comp",
                                              "indicators": [indicator("v", 10, 0), indicator("w", 0, 5)]}]}))


def first_indicator(raw: dict[str, object]) -> dict[str, object]:
    return raw["dimensions"][0]["components"][0]["indicators"][0]  # type: ignore[index]


def test_example_yaml_loads_from_file(tmp_path: Path):
    path = tmp_path / "spi.yaml"
    path.write_text(EXAMPLE_YAML, encoding="utf-8")
    framework = load_framework(path)
    assert framework.indicator_ids == ("x_score", "y_rate", "w_pct")
    assert [component.id for component in framework.dimensions[0].measured_components] == ["c_one"]
    assert framework.components[4].indicators[0].transform.cap == (0.0, 50.0)


def test_rejects_wrong_number_of_dimensions():
    raw = valid_dict()
    raw["dimensions"] = raw["dimensions"][:2]  # type: ignore[index]
    with pytest.raises(ValueError, match="exactly 3 dimensions, found 2"):
        Framework.model_validate(raw)


def test_rejects_wrong_number_of_components():
    raw = valid_dict()
    raw["dimensions"][1]["components"].pop()  # type: ignore[index]
    with pytest.raises(ValueError, match="exactly 4 components, found 3"):
        Framework.model_validate(raw)


def test_rejects_duplicate_indicator_ids():
    raw = valid_dict()
    raw["dimensions"][1]["components"][0] = {  # type: ignore[index]
        "id": "other", "name": "Other", "indicators": [indicator("v", 10, 0)]}
    with pytest.raises(ValueError, match="indicator ids must be unique, but these repeat: v"):
        Framework.model_validate(raw)


def test_rejects_equal_anchors():
    raw = valid_dict()
    first_indicator(raw)["dystopia"] = 10
    with pytest.raises(ValueError, match="utopia equal to dystopia"):
        Framework.model_validate(raw)


@pytest.mark.parametrize("direction, utopia, dystopia, expected", [
    ("higher_is_better", 0, 10, "must be above"),
    ("lower_is_better", 10, 0, "must be below"),
])
def test_rejects_utopia_on_wrong_side(direction, utopia, dystopia, expected):
    raw = valid_dict()
    first_indicator(raw).update(direction=direction, utopia=utopia, dystopia=dystopia)
    with pytest.raises(ValueError, match=expected):
        Framework.model_validate(raw)


@pytest.mark.parametrize("transform, expected", [
    ("sqrt", "transform must be 'log' or"),
    ({"winsorise": [0, 1]}, "transform must be 'log' or"),
    ({"cap": [10, 0]}, "lower < upper"),
    ({"cap": [2, 8]}, "outside its cap"),
])
def test_rejects_bad_transforms(transform, expected):
    raw = valid_dict()
    first_indicator(raw)["transform"] = transform
    with pytest.raises(ValueError, match=expected):
        Framework.model_validate(raw)


def test_rejects_component_without_indicators_or_reason():
    raw = valid_dict()
    raw["dimensions"][2]["components"][0] = {"id": "empty", "name": "Empty"}  # type: ignore[index]
    with pytest.raises(ValueError, match="no indicators and no `missing` reason"):
        Framework.model_validate(raw)


def test_load_framework_reports_one_plain_sentence(tmp_path: Path):
    path = tmp_path / "spi.yaml"
    path.write_text(EXAMPLE_YAML.replace("transform: {cap: [0, 50]}", "transform: sqrt"), encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path} is not a valid SPI framework at dimensions.1.components.0.indicators.0")
    assert "transform must be 'log' or {cap: [lower, upper]}, not 'sqrt'" in message


def test_load_framework_rejects_unreadable_and_malformed_files(tmp_path: Path):
    with pytest.raises(ValueError, match="Cannot read SPI framework file"):
        load_framework(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("dimensions: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid YAML"):
        load_framework(broken)
