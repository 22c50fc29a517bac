"""URL parameters are parsed strictly and echoed only as escaped text (issue 13)."""
from __future__ import annotations

import html
import re

import pytest

from components.params import PARAMS
from components.state import MAX_NOTICES, MAX_PARAMS, parse_params
from data.safe_text import safe_text

LINK = re.compile(r"(?<!\\)\]\(|(?<!\\)!\[|(?<!\\)<")          # a live Markdown link/image or HTML tag


@pytest.mark.parametrize("name, raw", [("classes", "²"), ("classes", "٣"), ("classes", "1_0"), ("classes", "05 "),
                                       ("classes", "00000000004"), ("meeting_step", "⁴"), ("meeting_step", "-1"),
                                       ("imd_decile", "１"), ("area", "E0501138４"), ("area", "E05011384<b>"),
                                       ("area", "Ｅ05011384"), ("area", "x" * 31), ("area", "nowhere"),
                                       ("compare", "E05011384,<i>"), ("compare", ",".join(["E05011384"] * 7)),
                                       ("level", "[Sign in](//ev.il)"), ("indicator", "a" * 5000)])
def test_values_that_are_not_strictly_valid_are_ignored_with_a_notice(name, raw):
    clean, notices = parse_params({name: raw}, PARAMS)
    assert clean == {} and len(notices) == 1 and f"Ignored link parameter '{name}'" in notices[0]
    assert not LINK.search(safe_text(notices[0], limit=None))


@pytest.mark.parametrize("name, raw, key, value", [("classes", "7", "classes", 7), ("meeting_step", "0", "meeting_step", 0),
                                                    ("area", "E05011384", "area", "E05011384"),
                                                    ("area", "inner-east", "area", "inner-east"),
                                                    ("compare", "E05011384,E05011393", "compare", "E05011384,E05011393"),
                                                    ("compare", "", "compare", "")])
def test_valid_values_are_kept(name, raw, key, value):
    assert parse_params({name: raw}, PARAMS) == ({key: value}, [])


def test_unknown_parameter_name_is_quoted_as_text_never_as_a_link():
    clean, notices = parse_params({"[Sign in again](//ev.il)": "1"}, PARAMS)
    assert clean == {} and notices == ["Ignored unknown link parameter '[Sign in again](//ev.il)'."]
    shown = safe_text(notices[0], limit=None)
    assert not LINK.search(shown) and html.unescape(re.sub(r"\\(.)", r"\1", shown)) == notices[0]


def test_many_parameters_give_few_notices():
    raw = {f"junk{i}": "1" for i in range(MAX_PARAMS + 40)}
    clean, notices = parse_params(raw, PARAMS)
    assert clean == {} and len(notices) == MAX_NOTICES + 1 and "more link parameters" in notices[-1]


def test_the_profile_tab_link_parameter_names_exactly_the_profile_tabs():
    from components.profile import PROFILE_TABS, tab_id, tab_ids

    param = PARAMS["profile_tab"]
    assert all(param.parse(t) == t for t in PROFILE_TABS) and param.parse("Map") is None
    assert param.default == tab_ids("ward24")[0] == "spine"
    assert set(tab_ids("ward24")) | set(tab_ids("committee")) == set(PROFILE_TABS)
    assert [tab_id(label) for label in PROFILE_TABS.values()] == list(PROFILE_TABS)


def test_a_committee_code_in_a_link_is_ignored_for_another_home_district(monkeypatch):
    """Leeds' community committees exist only in Leeds' atlas: for another district (BCA_DISTRICT) the code is
    ignored with the usual notice, and compare_with offers only the district and England."""
    assert parse_params({"committee": "inner-east"}, PARAMS) == ({"committee": "inner-east"}, [])
    monkeypatch.setenv("BCA_DISTRICT", "E08000003")
    for name in ("committee", "compare_with"):
        clean, notices = parse_params({name: "inner-east"}, PARAMS)
        assert clean == {} and notices and f"Ignored link parameter '{name}'" in notices[0]
    assert parse_params({"committee": "all", "compare_with": "england"}, PARAMS)[0] == {"committee": "all",
                                                                                       "compare_with": "england"}
