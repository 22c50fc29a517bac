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


def test_home_text_names_the_district_only_where_leeds_is_the_district_computed_in():
    """Catalogue texts for another district's atlas: method words name it; facts about Leeds and Leeds sources stay."""
    from data.words import home_text
    assert home_text("Crime: decile within Leeds", "Fakeville") == "Crime: decile within Fakeville"
    assert home_text("Crime Leeds decile", "Fakeville") == "Crime Fakeville decile"
    assert home_text("Decile of Leeds' own LSOAs (1 = the most deprived 10% of Leeds LSOAs)", "Fakeville") == \
        "Decile of Fakeville's own LSOAs (1 = the most deprived 10% of Fakeville LSOAs)"
    assert home_text("Relative to Leeds only: every area of Leeds has one; 0 = the average Leeds area.", "Fakeville") \
        == "Relative to Fakeville only: every area of Fakeville has one; 0 = the average Fakeville area."
    for fact in ("Two Leeds LSOAs are blank in the source.", "NOT the council's official Leeds Social Progress Index",
                 "identical to 2021 MSOAs in Leeds"):
        assert home_text(fact, "Fakeville") == fact
    assert home_text("decile within Leeds", "Leeds") == "decile within Leeds"


def test_the_registry_and_areas_for_another_district_name_it_and_leave_leeds_as_it_was():
    from data.catalogue import areas_for_home
    from data.registry import for_home
    registry, areas = load_registry(), load_areas()
    assert for_home(registry, "Leeds") is registry
    fake = for_home(registry, "Fakeville")
    decile = fake.get("imd_imd_leeds_decile")
    assert decile.label.endswith("decile within Fakeville") and "Within-Fakeville" in decile.aggregation.reason
    assert registry.get("imd_imd_leeds_decile").label.endswith("decile within Leeds")        # the loaded one untouched
    assert [i.id for i in fake.indicators] == [i.id for i in registry.indicators]
    moved = areas_for_home(areas, "Fakeville")
    assert moved.levels["lad"].label == "Fakeville" and areas.levels["lad"].label == "Leeds"
