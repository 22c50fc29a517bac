"""Unit tests for geo.classify and geo.palettes, on tiny obviously fake series."""

from __future__ import annotations

import re
import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest
import yaml

from geo.classify import SCHEMES, classify, diverging_classes
from geo.palettes import (
    DEFAULT_PALETTES_PATH,
    bivariate_colour,
    categorical_colours,
    class_colours,
    contrast_ratio,
    hex_to_rgba,
    legend_rows,
    load_palettes,
    no_data_colour,
    relative_luminance,
    text_colour_for,
)

# Ten distinct fake values (uneven gaps, so the schemes disagree) plus two gaps for "no data".
FAKE = pd.Series(
    [1.0, 2.0, 3.0, np.nan, 7.0, 8.0, 20.0, 21.0, 22.0, np.nan, 40.0, 41.0],
    index=[f"E0100000{i:02d}" for i in range(12)],
    name="fake_rate",
)
FAKE_PRESENT = FAKE.dropna().to_numpy()
MAPCLASSIFY_SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}


@pytest.fixture(autouse=True)
def _quiet_numba_notice():
    # mapclassify says once per Fisher-Jenks call that numba is absent; irrelevant to correctness.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        yield


def _all_class_colours(book) -> set[str]:
    ramps = (book.sequential, book.sequential_neutral, book.diverging)
    return {colour for ramp in ramps for colours in ramp.values() for colour in colours}


# ---------------------------------------------------------------- breaks match mapclassify


@pytest.mark.parametrize("scheme", sorted(MAPCLASSIFY_SCHEMES))
@pytest.mark.parametrize("k", [3, 4, 5])
def test_breaks_and_classes_match_mapclassify(scheme, k):
    reference = MAPCLASSIFY_SCHEMES[scheme](FAKE_PRESENT, k=k)
    result = classify(FAKE, scheme, k=k)
    assert result.bins == pytest.approx(list(reference.bins))
    assert list(result.class_of[FAKE.notna()]) == list(reference.yb)
    assert result.counts == tuple(reference.counts)
    assert result.lower_bound == 1.0


def test_fixed_breaks_match_mapclassify_user_defined():
    reference = mapclassify.UserDefined(FAKE_PRESENT, bins=[5, 25, 41])
    result = classify(FAKE, "fixed", fixed_breaks=[5, 25, 41])
    assert result.bins == (5.0, 25.0, 41.0) == tuple(reference.bins)
    assert result.counts == (3, 5, 2) == tuple(reference.counts)


def test_schemes_are_a_registry_with_quantiles_as_default():
    assert set(SCHEMES) == {"quantiles", "natural_breaks", "equal_interval", "fixed"}
    assert classify(FAKE).bins == classify(FAKE, "quantiles", k=5).bins
    assert classify(FAKE).scheme == "quantiles"


def test_natural_breaks_differ_from_quantiles_on_clustered_values():
    # Clusters at 1-3, 7-8, 20-22, 40-41: Fisher-Jenks should cut between the clusters.
    assert classify(FAKE, "natural_breaks", k=4).bins == (3.0, 8.0, 22.0, 41.0)
    assert classify(FAKE, "quantiles", k=4).bins != (3.0, 8.0, 22.0, 41.0)


# ---------------------------------------------------------------- no data


def test_nan_is_no_data_with_class_minus_one_and_counted_separately():
    result = classify(FAKE, "quantiles", k=5)
    assert result.no_data_count == 2
    assert list(result.class_of[FAKE.isna()]) == [-1, -1]
    assert (result.class_of[FAKE.notna()] >= 0).all()
    assert sum(result.counts) == 10
    assert result.class_of.index.equals(FAKE.index)


def test_nullable_integer_missing_values_are_no_data():
    values = pd.Series([4, pd.NA, 9, 1, 6], dtype="Int64")
    result = classify(values, "equal_interval", k=3)
    assert list(result.class_of) == [1, -1, 2, 0, 1]  # bins 3.67, 6.33, 9
    assert result.no_data_count == 1


def test_all_missing_gives_no_classes_and_everything_no_data():
    result = classify(pd.Series([np.nan, np.nan, np.nan]), "natural_breaks", k=4)
    assert result.n_classes == 0
    assert result.no_data_count == 3
    assert list(result.class_of) == [-1, -1, -1]
    assert result.labels() == ["No data"]


# ---------------------------------------------------------------- fixed breaks


def test_fixed_values_beyond_last_break_form_an_extra_top_class_up_to_the_maximum():
    values = pd.Series([0.5, 2.0, 3.5, 9.0, np.nan])
    result = classify(values, "fixed", fixed_breaks=[1, 2, 3])
    assert result.bins == (1.0, 2.0, 3.0, 9.0)
    assert list(result.class_of) == [0, 1, 3, 3, -1]
    assert result.counts == (1, 1, 0, 2)
    assert result.labels("{:.0f}")[-2:] == ["3 – 9", "No data"]


def test_fixed_overflow_beyond_ten_classes_is_refused():
    with pytest.raises(ValueError, match="above the last fixed break"):
        classify(pd.Series([1.0, 50.0]), "fixed", fixed_breaks=list(range(1, 11)))


def test_fixed_imd_deciles_use_national_breaks_not_local_spread():
    # Fake "national" decile cut-offs; the local values sit in deciles 1, 2 and 10 only.
    national = [8.0, 11.0, 14.0, 17.0, 21.0, 25.0, 30.0, 35.0, 45.0, 90.0]
    result = classify(pd.Series([5.0, 9.0, 60.0]), "fixed", fixed_breaks=national)
    assert result.n_classes == 10
    assert list(result.class_of) == [0, 1, 9]


def test_fixed_first_class_without_data_below_it_is_labelled_as_up_to():
    result = classify(pd.Series([15.0, 25.0]), "fixed", fixed_breaks=[10, 20, 30])
    assert result.labels("{:.0f}") == ["≤ 10", "10 – 20", "20 – 30", "No data"]


@pytest.mark.parametrize(
    ("scheme", "fixed_breaks", "message"),
    [
        ("fixed", None, "needs fixed_breaks"),
        ("quantiles", [1, 2, 3], "only used by the 'fixed' scheme"),
        ("fixed", [3, 2, 5], "strictly increasing"),
        ("fixed", [1, 2], "3 to 10 upper bounds"),
    ],
)
def test_fixed_breaks_misuse_is_refused(scheme, fixed_breaks, message):
    with pytest.raises(ValueError, match=message):
        classify(FAKE, scheme, fixed_breaks=fixed_breaks)


# ---------------------------------------------------------------- few distinct values, bad input


@pytest.mark.parametrize("scheme", sorted(MAPCLASSIFY_SCHEMES))
def test_fewer_distinct_values_than_k_gives_fewer_classes(scheme):
    values = pd.Series([1.0, 1.0, 2.0, 2.0, 3.0, np.nan])
    result = classify(values, scheme, k=6)
    assert result.k_requested == 6
    assert result.n_classes == 3
    assert sum(result.counts) == 5
    assert result.bins[-1] == 3.0


@pytest.mark.parametrize("scheme", sorted(MAPCLASSIFY_SCHEMES))
def test_a_single_distinct_value_gives_one_class(scheme):
    result = classify(pd.Series([4.0, 4.0, np.nan]), scheme, k=5)
    assert result.bins == (4.0,)
    assert list(result.class_of) == [0, 0, -1]
    assert result.labels() == ["4.0 – 4.0", "No data"]


@pytest.mark.parametrize("bad_k", [2, 11, 0, 3.5, True])
def test_k_out_of_range_names_k(bad_k):
    with pytest.raises(ValueError, match=r"k must be .* from 3 to 10; got k="):
        classify(FAKE, "quantiles", k=bad_k)


def test_unknown_scheme_lists_the_known_ones():
    with pytest.raises(ValueError, match="Unknown classification scheme 'jenks'.*natural_breaks"):
        classify(FAKE, "jenks")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (pd.Series(["a", "b", "c"]), "must be numeric"),
        (pd.Series([1.0, np.inf, 2.0]), "infinity"),
        ([1.0, 2.0, 3.0], "pandas Series"),
    ],
)
def test_bad_values_are_refused(values, message):
    with pytest.raises(ValueError, match=message):
        classify(values, "quantiles", k=3)


# ---------------------------------------------------------------- labels


def test_labels_use_callers_format_and_end_with_no_data():
    result = classify(FAKE, "fixed", fixed_breaks=[5, 25, 41])
    assert result.labels("{:.1f}") == ["1.0 – 5.0", "5.0 – 25.0", "25.0 – 41.0", "No data"]
    assert result.labels("{:,.0f}") == ["1 – 5", "5 – 25", "25 – 41", "No data"]


def test_labels_never_show_negative_zero():
    result = classify(pd.Series([-0.04, 0.5, 1.0]), "fixed", fixed_breaks=[0.0, 0.6, 1.0])
    assert result.labels("{:.1f}")[0] == "0.0 – 0.0"


def test_bad_format_string_is_refused():
    with pytest.raises(ValueError, match="cannot format a single number"):
        classify(FAKE).labels("{value:.1f}")


# ---------------------------------------------------------------- diverging


@pytest.mark.parametrize("k", [4, 5])
def test_diverging_breaks_are_symmetric_about_the_centre(k):
    values = pd.Series([92.0, 97.0, 100.0, 104.0, 112.0, np.nan])
    result = diverging_classes(values, centre=100.0, k=k)
    edges = np.array([result.lower_bound, *result.bins])
    assert result.lower_bound == pytest.approx(88.0)  # farthest value is 12 above the centre
    assert result.bins[-1] == pytest.approx(112.0)
    assert edges - 100.0 == pytest.approx(-(edges[::-1] - 100.0))
    assert np.diff(edges) == pytest.approx([24.0 / k] * k)
    assert result.no_data_count == 1
    assert sum(result.counts) == 5


def test_diverging_even_k_puts_the_centre_on_a_break():
    result = diverging_classes(pd.Series([1.0, 2.0, 9.0]), centre=4.0, k=4)
    assert result.bins == pytest.approx((1.5, 4.0, 6.5, 9.0))
    assert list(result.class_of) == [0, 1, 3]


def test_diverging_rounding_never_adds_a_class_above_the_maximum():
    # 0.77 + (4.88 - 0.77) is 4.879999999999999 in floating point, just below the maximum.
    result = diverging_classes(pd.Series([4.88, 1.0]), centre=0.77, k=5)
    assert result.n_classes == 5
    assert list(result.class_of) == [4, 2]


def test_diverging_all_values_at_the_centre_is_one_class():
    result = diverging_classes(pd.Series([3.0, 3.0]), centre=3.0, k=5)
    assert result.bins == (3.0,)
    assert list(result.class_of) == [0, 0]


def test_diverging_refuses_a_missing_centre():
    with pytest.raises(ValueError, match="centre must be a finite number"):
        diverging_classes(FAKE, centre=np.nan)


# ---------------------------------------------------------------- colours and polarity


def test_polarity_flips_palette_order_so_worse_is_always_dark():
    lower_better = class_colours(5, "lower_is_better")
    higher_better = class_colours(5, "higher_is_better")
    assert higher_better == lower_better[::-1]
    # lower_is_better: the highest class (worst) is the darkest; higher_is_better: class 0 is.
    assert relative_luminance(lower_better[-1]) < relative_luminance(lower_better[0])
    assert relative_luminance(higher_better[0]) < relative_luminance(higher_better[-1])


def test_neutral_polarity_uses_a_different_palette_in_low_to_high_order():
    neutral = class_colours(5, "neutral")
    assert set(neutral).isdisjoint(class_colours(5, "lower_is_better"))
    assert relative_luminance(neutral[-1]) < relative_luminance(neutral[0])


def test_diverging_polarity_puts_the_worse_colour_on_the_worse_side():
    book = load_palettes()
    worse_end = book.diverging[5][-1]  # orange end of PuOr as stored
    assert class_colours(5, "lower_is_better", palette="diverging")[-1] == worse_end
    assert class_colours(5, "higher_is_better", palette="diverging")[0] == worse_end


@pytest.mark.parametrize("n", range(3, 11))
def test_class_colours_give_n_distinct_colours(n):
    colours = class_colours(n, "lower_is_better")
    assert len(colours) == len(set(colours)) == n


def test_one_or_two_classes_take_middle_or_ends_of_the_three_class_list():
    three = class_colours(3, "lower_is_better")
    assert class_colours(1, "lower_is_better") == [three[1]]
    assert class_colours(2, "lower_is_better") == [three[0], three[2]]
    assert class_colours(0, "neutral") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((11, "lower_is_better"), "n_classes must be"),
        ((5, "good"), "Unknown polarity 'good'"),
        ((5, "neutral", "rainbow"), "Unknown class palette 'rainbow'"),
    ],
)
def test_class_colours_refuse_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        class_colours(*args)


def test_categorical_and_bivariate_palettes():
    assert categorical_colours()[:3] == ["#000000", "#e69f00", "#56b4e9"]  # Okabe-Ito order
    assert len(set(categorical_colours())) == 8
    assert bivariate_colour(0, 0) == "#e8e8e8"
    assert bivariate_colour(2, 0) == "#c85a5a"
    assert bivariate_colour(0, 2) == "#64acbe"
    with pytest.raises(ValueError, match="x_class must be 0, 1 or 2"):
        bivariate_colour(3, 0)


def test_hex_to_rgba_for_pydeck():
    assert hex_to_rgba("#FF8000", 128) == [255, 128, 0, 128]
    assert hex_to_rgba("#0a0b0c") == [10, 11, 12, 255]
    with pytest.raises(ValueError, match="Colour must look like"):
        hex_to_rgba("red")
    with pytest.raises(ValueError, match="alpha must be"):
        hex_to_rgba("#000000", 300)


# ---------------------------------------------------------------- contrast


def test_contrast_ratio_of_black_and_white_is_21():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#3366cc", "#3366cc") == pytest.approx(1.0)
    # #767676 is the well-known lightest grey that passes 4.5:1 on white (4.54:1).
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_text_colour_for_picks_the_readable_one():
    assert text_colour_for("#251255") == "#ffffff"
    assert text_colour_for("#fcfdbf") == "#000000"


def test_text_on_every_palette_colour_meets_aa():
    book = load_palettes()
    every_colour = _all_class_colours(book)
    every_colour |= {book.no_data, *book.categorical, *(c for row in book.bivariate for c in row)}
    assert min(contrast_ratio(c, text_colour_for(c)) for c in every_colour) >= 4.5


# ---------------------------------------------------------------- legend


def test_legend_rows_include_a_counted_grey_no_data_row():
    result = classify(FAKE, "fixed", fixed_breaks=[5, 25, 41])
    colours = class_colours(result.n_classes, "lower_is_better")
    legend = legend_rows(result, colours, unit="%", fmt="{:.0f}")
    assert list(legend.columns) == ["colour", "label", "count"]
    assert list(legend["label"]) == ["1 – 5%", "5 – 25%", "25 – 41%", "No data"]
    assert list(legend["count"]) == [3, 5, 2, 2]
    assert list(legend["colour"]) == [*colours, no_data_colour()]
    assert no_data_colour() == "#bdbdbd"


def test_legend_rows_put_a_spaced_unit_after_the_range():
    result = classify(pd.Series([70.0, 80.0, 90.0]), "fixed", fixed_breaks=[75, 85, 95])
    legend = legend_rows(result, class_colours(3, "higher_is_better"), unit="years", fmt="{:.0f}")
    assert legend["label"].iloc[1] == "75 – 85 years"
    assert legend["count"].iloc[-1] == 0


def test_legend_rows_refuse_the_wrong_number_of_colours():
    result = classify(FAKE, "quantiles", k=4)
    with pytest.raises(ValueError, match="Got 3 colours for 4 classes"):
        legend_rows(result, class_colours(3, "neutral"), unit="", fmt="{:.1f}")


# ---------------------------------------------------------------- the YAML itself

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def test_palette_yaml_has_valid_hex_and_a_list_for_every_class_count():
    raw = yaml.safe_load(DEFAULT_PALETTES_PATH.read_text(encoding="utf-8"))
    for key in ("sequential", "sequential_neutral", "diverging"):
        assert raw[key]["source"].strip(), f"{key} names no source"
        for n in range(3, 11):
            colours = raw[key]["classes"][n]
            assert len(colours) == n, f"{key} has {len(colours)} colours for {n} classes"
            assert all(HEX.match(c) for c in colours), f"{key}[{n}] has a bad colour"
    assert HEX.match(raw["no_data"]["colour"])
    assert [HEX.match(entry["hex"]) is not None for entry in raw["categorical"]["colours"]] == [True] * 8
    assert [len(row) for row in raw["bivariate"]["grid"]] == [3, 3, 3]
    assert all(HEX.match(c) for row in raw["bivariate"]["grid"] for c in row)
    assert all(raw[key]["source"].strip() for key in ("no_data", "categorical", "bivariate"))


def test_no_data_grey_is_not_a_class_colour():
    book = load_palettes()
    assert book.no_data not in _all_class_colours(book)


def test_loader_names_a_ramp_that_lacks_a_class_count(tmp_path):
    raw = yaml.safe_load(DEFAULT_PALETTES_PATH.read_text(encoding="utf-8"))
    del raw["diverging"]["classes"][10]
    broken = tmp_path / "palettes.yaml"
    broken.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="'diverging'.*exactly 10 colours for 10 classes"):
        load_palettes(broken)
