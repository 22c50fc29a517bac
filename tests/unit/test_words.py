"""Words a reader sees (issue 14 item 17): counted nouns from config, one bracket, no '(s)'."""
from __future__ import annotations

from data.catalogue import load_areas
from data.registry import load_registry
from data.words import count
from metrics.profile import ordinal


def test_counted_nouns():
    assert (count(1, "ward"), count(0, "ward"), count(4, "ward"), count(2, "area code")) == \
        ("1 ward", "0 wards", "4 wards", "2 area codes")
    levels = load_areas().levels
    assert levels["ward24"].count(33) == "33 wards" and levels["lsoa21"].count(1) == "1 neighbourhood (LSOA)"
    assert levels["committee"].count(10) == "10 community committees"


def test_one_bracket_for_label_details():
    registry = load_registry()
    assert registry.get("life_expectancy_female").titled("years") == "Life expectancy (women, years)"
    assert registry.get("iod_ypll").titled("2025") == "Premature death (YPLL, 2025)"
    assert registry.get("fuel_poverty").titled() == "Fuel poverty"


def test_ordinals_say_which_end():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 33)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "33rd"]


def test_board_member_labels_explain_before_jargon():
    labels = " ".join(i.label for i in load_registry().indicators)
    for term in ("IoD domain score", "(LILEE)", "z-score"):
        assert term not in labels


def test_possessive_follows_the_way_leeds_has_always_been_written():
    from data.words import possessive
    assert possessive("Leeds") == "Leeds'" and possessive("Manchester") == "Manchester's"
