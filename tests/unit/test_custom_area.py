"""Custom areas (issue 19.6): the link's bitset, hostile tokens and names, pasted entries, the registry's
aggregation rules on a tiny fake table, and small-number protection that differencing cannot undo.
Fake areas only (E019.../E059... are not real codes)."""
from __future__ import annotations

import itertools
import random

import numpy as np
import pandas as pd
import pytest

from data.registry import Registry
from data.user_upload import IndicatorOptions, Reference, read_upload
from tests.unit.fake_places import fake_codes, fake_reference
from metrics.user_upload import make_indicator
from metrics.custom_area import (CUSTOM, MAX_ENTRIES, NOT_GIVEN_MSOA, NOT_GIVEN_SPI, aggregate_custom, clean_name,
                                 decode_selection, encode_selection, parse_entries, token_length, upload_total)
from metrics.suppression import feasibility_intervals

UNIVERSE = sorted(f"E01{n:06d}" for n in range(11264, 11264 + 488))


# ---------------------------------------------------------------- the link

def test_every_selection_round_trips_in_a_token_of_fixed_length_within_a_link_value():
    rng = random.Random(19)
    for size in (1, 2, 7, 100, 487, 488):
        codes = sorted(rng.sample(UNIVERSE, size))
        token = encode_selection(codes, UNIVERSE)
        assert len(token) == token_length(488) == 83 <= 100
        assert decode_selection(token, UNIVERSE) == codes
    assert encode_selection(["E01011264", "E01011264", "not a code"], UNIVERSE) == \
        encode_selection(["E01011264"], UNIVERSE)
    assert encode_selection([], UNIVERSE) == ""


@pytest.mark.parametrize("token", [
    "", "a", "b" + "A" * 82, "a" + "A" * 81, "a" + "A" * 83, "a" + "A" * 82,        # wrong version/length, empty set
    "a" + "A" * 80 + "=", "a" + "A" * 81 + "!", "a" + "A" * 81 + "²", "a" + "+" * 82, "a" + "/" * 82,
    "a" + "A" * 81 + "B",                                   # a second spelling: stray bits in the padding
    "a" + "A" * 40 + "[x](//ev.il)" + "A" * 30, None, 12,
])
def test_hostile_or_malformed_tokens_decode_to_nothing(token):
    assert decode_selection(token, UNIVERSE) is None


def test_a_bit_beyond_the_last_lsoa_is_refused():
    small = UNIVERSE[:487]                                 # 61 bytes, one spare bit at the end
    token = encode_selection(UNIVERSE[-1:], UNIVERSE)      # the 488th bit
    assert decode_selection(token, small) is None
    assert decode_selection(encode_selection(small[-1:], small), small) == small[-1:]


def test_names_are_trimmed_bounded_and_free_of_control_and_format_characters():
    assert clean_name("  Harehills   centre ") == "Harehills centre"
    assert clean_name("Gipton & <b>Harehills</b> [x](//ev.il)") == "Gipton & <b>Harehills</b> [x](//ev.il)"  # escaped where shown
    assert clean_name("x" * 60) == "x" * 60
    for bad in ("", "   ", "x" * 61, "a\nb", "a\x00b", "evil\u202egnp.exe", "zero\u200bwidth", None, 5):
        assert clean_name(bad) is None, bad


# ---------------------------------------------------------------- paste and upload

POSTCODES = {"LS11UR": UNIVERSE[0], "LS62AA": UNIVERSE[1]}


def test_pasted_codes_and_postcodes_resolve_offline_in_order_without_repeats():
    parsed = parse_entries(f"{UNIVERSE[2]}\nls1 1ur; {UNIVERSE[2].lower()}\tLS6 2AA, {UNIVERSE[3]} {UNIVERSE[4]}",
                           UNIVERSE, POSTCODES)
    assert parsed.codes == [UNIVERSE[2], UNIVERSE[0], UNIVERSE[1], UNIVERSE[3], UNIVERSE[4]]
    assert parsed.notes == ["Found 5 Leeds neighbourhoods (LSOAs) (2 entries were postcodes)."]


def test_every_entry_left_out_is_named_plainly():
    parsed = parse_entries('lsoa21_code\nE01000001\n"SW1A 1AA"\n[x](//ev.il)\nnot a code\n' + UNIVERSE[0],
                           UNIVERSE, POSTCODES)
    assert parsed.codes == [UNIVERSE[0]]
    text = " ".join(parsed.notes)
    assert "1 code is not a Leeds 2021 LSOA and left out: 'E01000001'" in text
    assert "1 postcode is not a Leeds postcode" in text and "'SW1A 1AA'" in text
    assert "3 entries are neither 2021 LSOA codes nor postcodes" in text and "'[x](//ev.il)'" in text
    assert parsed.notes[0] == "Found 1 Leeds neighbourhood (LSOA)."


def test_empty_and_over_long_input_get_a_sentence_not_an_error():
    assert parse_entries("", UNIVERSE, POSTCODES).notes[0].startswith("Nothing was given")
    assert parse_entries("nonsense", UNIVERSE, POSTCODES).notes[0] == "Found no Leeds neighbourhood (LSOA) in what was given."
    many = parse_entries("\n".join(UNIVERSE * 5), UNIVERSE, POSTCODES)
    assert len(many.codes) == 488
    assert f"Only the first {MAX_ENTRIES:,} of 2,440 entries were read." in many.notes


# ---------------------------------------------------------------- aggregation by the registry's rules

def _indicator(id_, rule, value, weight=None, native="lsoa21", period="2025", source="s1", **extra):
    return {"id": id_, "label": id_, "short_label": id_, "unit": "%", "format": "{:.1f}", "polarity": "lower_is_better",
            "pillars": [], "theme": "t", "native_level": native, "definition": "d", "caveat": "c",
            "editions": [{"period": period, "source": source, "value": value}],
            "aggregation": {"rule": rule, "weight": weight, **({"reason": "Deciles belong to single LSOAs."}
                                                               if rule == "none" else {})}, **extra}


@pytest.fixture(scope="module")
def fake():
    registry = Registry.model_validate({"indicators": [
        _indicator("score", "weighted_mean", {"column": "score"}, "population"),
        _indicator("rank", "none", {"column": "rank"}),
        _indicator("decile", "none", {"column": "imd_decile"}),
        _indicator("pct_most", "sum_ratio", {"share_where": {"column": "imd_decile", "equals": 1}, "scale": 100},
                   aggregated_only=True),
        _indicator("rate", "sum_ratio", {"ratio": {"numerator": ["a"], "denominator": "b"}, "scale": 100}, ci="wilson"),
        _indicator("hh_rate", "weighted_mean", {"column": "x"}, "households"),
        _indicator("count", "sum", {"column": "n"}),
        _indicator("le", "weighted_mean", {"column": "le"}, "person_years", native="msoa"),
        _indicator("spi", "none", {"derived": "spi", "output": "index"}, derived_levels=["lsoa21", "ward24"]),
    ]})
    members = pd.DataFrame({"code": ["L1", "L2", "L3"], "population": [1000, 3000, 2000],
                            "households": [500, 1000, 1000]})
    rows = []
    add = lambda i, code, value, num=np.nan, den=np.nan: rows.append(  # noqa: E731
        {"area_level": "lsoa21", "area_code": code, "indicator_id": i, "period": "2025", "value": value,
         "lower_ci": np.nan, "upper_ci": np.nan, "numerator": num, "denominator": den, "coverage": 1.0})
    for code, score, rank, decile, (a, b), x, n in zip(["L1", "L2", "L3"], [50.0, 10.0, 30.0], [100, 30000, 9000],
                                                     [1, 10, 3], [(10, 100), (30, 200), (0, 50)], [4.0, 8.0, 1.0],
                                                     [5, 7, 11]):
        add("score", code, score)
        add("rank", code, rank)
        add("decile", code, decile)
        add("rate", code, 100 * a / b, a, b)
        add("hh_rate", code, x)
        add("count", code, n)
    add("score", "L9", 99.0)                               # not a member: never counted
    return registry, members, pd.DataFrame(rows)


def test_each_indicator_follows_its_registry_rule(fake):
    registry, members, values = fake
    figures, not_given = aggregate_custom(values, registry, members)
    got = figures.set_index("indicator_id")
    # IMD the MHCLG way: population-weighted average of LSOA scores (not of ranks, not a plain mean)
    assert got.at["score", "value"] == pytest.approx((50 * 1000 + 10 * 3000 + 30 * 2000) / 6000)
    assert got.at["pct_most", "value"] == pytest.approx(100 * 1000 / 6000)     # people in decile-1 LSOAs
    assert got.at["rate", "value"] == pytest.approx(100 * 40 / 350)            # summed, then divided
    assert got.at["rate", "lower_ci"] < got.at["rate", "value"] < got.at["rate", "upper_ci"]   # Wilson
    assert got.at["hh_rate", "value"] == pytest.approx((4 * 500 + 8 * 1000 + 1 * 1000) / 2500)
    assert got.at["count", "value"] == 23
    assert set(figures["period"]) == {"2025"} and (figures["coverage"] == 1).all()
    reasons = not_given.set_index("indicator_id")["reason"]
    assert set(reasons.index) == {"rank", "decile", "le", "spi"}
    assert reasons["rank"] == "Deciles belong to single LSOAs." and reasons["le"] == NOT_GIVEN_MSOA
    assert reasons["spi"] == NOT_GIVEN_SPI


def test_the_coverage_rule_holds_for_custom_areas_too(fake):
    registry, members, values = fake
    thin = values[~((values["indicator_id"] == "score") & (values["area_code"] == "L2"))]   # half the people
    figures, _ = aggregate_custom(thin, registry, members)
    row = figures.set_index("indicator_id").loc["score"]
    assert pd.isna(row["value"]) and row["coverage"] == pytest.approx(0.5)
    figures, _ = aggregate_custom(thin, registry, members, min_coverage=0.5)
    assert figures.set_index("indicator_id").at["score", "value"] == pytest.approx((50 * 1000 + 30 * 2000) / 3000)


def test_one_lsoa_gives_its_own_figures(fake):
    registry, members, values = fake
    figures, _ = aggregate_custom(values, registry, members[members["code"] == "L2"])
    got = figures.set_index("indicator_id")["value"]
    assert got["score"] == 10 and got["count"] == 7 and got["rate"] == pytest.approx(15) and got["pct_most"] == 0
    assert CUSTOM == "custom"


# ---------------------------------------------------------------- small numbers

WARDS, COMMITTEE, LSOAS, WARD_OF = fake_codes(4, 4)          # 4 wards, committees of 2, 4 LSOAs per ward


@pytest.fixture(scope="module")
def ref() -> Reference:
    return fake_reference(4, 4)


def _upload(ref, counts: dict[str, int], threshold: int = 5):
    body = "code,n\n" + "".join(f"{code},{value}\n" for code, value in counts.items())
    return make_indicator(read_upload(body.encode(), "a.csv", ref), IndicatorOptions("n", threshold=threshold), ref)


def test_differencing_two_areas_cannot_undo_suppression(ref):
    counts = {code: 20 + i for i, code in enumerate(LSOAS)}
    counts[LSOAS[0]] = 2                                          # a small count in ward 1
    ind = _upload(ref, counts)
    hidden = set(ind.table.loc[ind.table["reason"] != "", "code"])
    assert LSOAS[0] in hidden and len(hidden) >= 2
    ward_1 = [c for c in LSOAS if WARD_OF[c] == WARDS[0]]
    shown_in_ward = [c for c in ward_1 if c not in hidden]
    # the attack: (small cell + a shown cell) minus the shown cell, or the ward total minus the rest
    assert upload_total(ind.table, ind.known_totals, [LSOAS[0], shown_in_ward[0]], "n").value is None
    assert upload_total(ind.table, ind.known_totals, [LSOAS[0]], "n").value is None
    # a whole ward adds nothing a reader cannot know: its total is given, and it is right
    whole = upload_total(ind.table, ind.known_totals, ward_1, "n")
    assert whole.value == sum(counts[c] for c in ward_1)
    # no hidden cell: the plain sum of the shown figures
    assert upload_total(ind.table, ind.known_totals, shown_in_ward, "n").value == sum(counts[c] for c in shown_in_ward)


def test_no_set_of_custom_areas_narrows_any_hidden_count(ref):
    """The audit: publish every custom total the rule allows for many random areas, then recompute each
    hidden small count's feasibility interval (LP) with all of them added: each still spans 1..threshold."""
    rng = random.Random(13)
    wards = [[c for c in LSOAS if WARD_OF[c] == w] for w in WARDS]
    with_hidden = 0
    for trial in range(4):
        counts = {code: rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]) for code in LSOAS}
        ind = _upload(ref, counts)
        truth = pd.Series(counts)
        hidden = pd.Series(ind.table.set_index("code")["reason"] != "").reindex(truth.index)
        totals = [(name, pd.Index(members)) for name, members, _ in ind.known_totals]
        areas = [rng.sample(LSOAS, rng.randint(1, 10)) for _ in range(40)]
        areas += wards + [a + b for a, b in itertools.combinations(wards, 2)] + [wards[0] + wards[1][:2]]
        published = []
        for area in areas:
            result = upload_total(ind.table, ind.known_totals, area, "n")
            if result.value is not None:
                assert result.value == truth[list(area)].sum()
                published.append((f"custom {len(published)}", pd.Index(area)))
                with_hidden += bool(hidden[list(area)].any())
        assert published
        primary = [c for c in truth.index if hidden[c] and 0 < truth[c] < 5]
        if not primary:
            continue
        intervals = feasibility_intervals(truth, hidden, totals + published, 1.0, cells=primary)
        for code in primary:
            low, high = intervals.loc[code]
            assert low <= 1 + 1e-6 and high >= 5 - 1e-6, (trial, code, low, high)
    assert with_hidden >= 4          # areas holding hidden counts were published too (their sum was known)


def test_a_missing_figure_or_no_known_totals_means_no_total(ref):
    counts = {code: 30 for code in LSOAS}
    del counts[LSOAS[5]]
    ind = _upload(ref, counts)
    gap = upload_total(ind.table, ind.known_totals, LSOAS[4:7], "n")
    assert gap.value is None and "1 of its 3 neighbourhoods have no figure" in gap.sentence
    counts = {code: 30 for code in LSOAS} | {LSOAS[0]: 1}
    ind = _upload(ref, counts)
    assert upload_total(ind.table, (), LSOAS[:4], "n").value is None         # nothing known: nothing derived
