"""Uploaded figures meeting places and intersections (metrics.user_upload), on small fake areas."""
import math

import pandas as pd
import pytest

from metrics.user_upload import overlap_sentence, user_data_for_place, worst_share_flags

LSOAS = pd.DataFrame({"code": ["L1", "L2", "L3", "L4"], "msoa21_code": ["M1", "M1", "M2", "M2"],
                      "ward24_code": ["W1", "W1", "W1", "W2"], "committee_code": ["C1", "C1", "C1", "C2"]})
WARDS = pd.DataFrame({"code": ["W1", "W2"], "committee_code": ["C1", "C2"]})
MSOAS = pd.DataFrame({"code": ["M1", "M2"], "ward24_code": ["W1", "W2"], "committee_code": ["C1", "C2"]})
LAYERS = {"lsoa21": LSOAS, "ward24": WARDS, "msoa": MSOAS}


def upload(codes, values, reasons=None):
    reasons = reasons or [""] * len(codes)
    shown = ["[c]" if r else ("no data" if v != v else f"{v:g}") for v, r in zip(values, reasons)]
    return pd.DataFrame({"code": codes, "display_name": [f"Fake {c}" for c in codes], "value": values,
                         "shown": shown, "reason": reasons})


LSOA_UPLOAD = upload(["L1", "L2", "L3", "L4"], [10.0, float("nan"), 30.0, 20.0], ["", "primary", "", ""])


def test_same_level_gives_the_areas_figure_and_worst_first_rank():
    place = user_data_for_place(LSOA_UPLOAD, "lsoa21", "lower_is_better", "Fake cases", "lsoa21", "L3", LAYERS)
    assert place.relation == "same"
    assert place.rows["Figure"].tolist() == ["30"]
    assert place.rows["Rank in Leeds"].tolist() == [1]                  # highest value, lower is better: worst
    assert place.sentence == "Your data, Fake cases: 30, ranking 1 of 3 Leeds LSOAs (1 = worst)."


def test_higher_is_better_turns_the_rank_round():
    place = user_data_for_place(LSOA_UPLOAD, "lsoa21", "higher_is_better", "Fake", "lsoa21", "L3", LAYERS)
    assert place.rows["Rank in Leeds"].tolist() == [3]


def test_hidden_value_says_why_and_has_no_rank():
    place = user_data_for_place(LSOA_UPLOAD, "lsoa21", "lower_is_better", "Fake", "lsoa21", "L2", LAYERS)
    assert place.rows["Figure"].tolist() == ["[c] (hidden to protect small numbers)"]
    assert pd.isna(place.rows["Rank in Leeds"].iloc[0])
    assert "ranking" not in place.sentence


def test_a_ward_lists_its_lsoas_worst_first_with_hidden_last():
    place = user_data_for_place(LSOA_UPLOAD, "lsoa21", "lower_is_better", "Fake", "ward24", "W1", LAYERS)
    assert place.relation == "members"
    assert place.rows["Code"].tolist() == ["L3", "L1", "L2"]            # L4 is in W2
    assert "3 LSOAs in this place: 2 have a figure" in place.sentence


def test_leeds_lists_every_area_and_a_committee_its_msoas():
    leeds = user_data_for_place(LSOA_UPLOAD, "lsoa21", "lower_is_better", "Fake", "lad", "E08000035", LAYERS)
    assert sorted(leeds.rows["Code"]) == ["L1", "L2", "L3", "L4"]
    msoa_upload = upload(["M1", "M2"], [5.0, 7.0])
    committee = user_data_for_place(msoa_upload, "msoa", "lower_is_better", "Fake", "committee", "C2", LAYERS)
    assert committee.rows["Code"].tolist() == ["M2"]


def test_an_lsoa_gets_its_wards_figure_when_the_upload_is_by_ward():
    ward_upload = upload(["W1", "W2"], [4.0, 9.0])
    place = user_data_for_place(ward_upload, "ward24", "lower_is_better", "Fake", "lsoa21", "L4", LAYERS)
    assert place.relation == "parent"
    assert place.rows["Code"].tolist() == ["W2"]
    assert place.sentence == "This place lies in Fake W2: your data, Fake: 9, ranking 1 of 2 Leeds wards (1 = worst)."


def test_an_area_outside_the_upload_says_so():
    ward_upload = upload(["W1"], [4.0])
    place = user_data_for_place(ward_upload, "ward24", "lower_is_better", "Fake", "lsoa21", "L4", LAYERS)
    assert place.relation == "none" and place.rows.empty
    assert "has no ward for this place" in place.sentence


@pytest.mark.parametrize("polarity, expected", [("lower_is_better", ["E", "D"]), ("higher_is_better", ["A", "B"]),
                                                ("neutral", ["E", "D"])])
def test_worst_share_flags_follow_polarity(polarity, expected):
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, float("nan")], index=list("ABCDEX"))
    flags = worst_share_flags(values, polarity, share=0.4)              # ceil(5 * 0.4) = 2 areas
    assert sorted(flags[flags.fillna(False).astype(bool)].index) == sorted(expected)
    assert pd.isna(flags["X"])


def test_ties_at_the_cut_are_all_in():
    flags = worst_share_flags(pd.Series([5.0, 5.0, 1.0, 0.0], index=list("ABCD")), "lower_is_better", share=0.25)
    assert flags.tolist() == [True, True, False, False]
    assert math.ceil(4 * 0.25) == 1


def test_overlap_sentence_counts_hits_and_unknowns():
    flags = pd.Series([True, False, pd.NA, True], index=["L1", "L2", "L3", "L4"], dtype="boolean")
    text = overlap_sentence(flags, ["L1", "L2", "L3"], "Fake cases", "All three", "LSOAs", "lower_is_better")
    assert text == ("Of the 3 LSOAs weak on All three, 1 is also in the worst 20% of Leeds LSOAs on your data, "
                    "Fake cases (1 has no figure in your data or it is hidden).")


def test_another_home_district_names_the_rank_and_the_sentence():
    """Issue 17 item 4: in another district's atlas the rank column and sentence name that district."""
    place = user_data_for_place(LSOA_UPLOAD, "lsoa21", "lower_is_better", "Fake cases", "lsoa21", "L3", LAYERS,
                                home="Fakeville")
    assert place.rows.columns.tolist() == ["Area", "Code", "Figure", "Rank in Fakeville"]
    assert place.sentence == "Your data, Fake cases: 30, ranking 1 of 3 Fakeville LSOAs (1 = worst)."
    members = user_data_for_place(LSOA_UPLOAD, "lsoa21", "lower_is_better", "Fake", "ward24", "W1", LAYERS,
                                  home="Fakeville")
    assert "ranks 1 of 3 in Fakeville" in members.sentence and "Leeds" not in members.sentence
