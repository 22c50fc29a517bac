"""Every URL parameter of the app with its session key and default (declared once, here)."""
from __future__ import annotations

import re
from functools import lru_cache

from components import store
from components.state import (Param, choice, choice_list, clock, clock_text, code_like, code_list, codes, int_in,
                              search_text, words_list)
from data.catalogue import home_district, load_areas, load_warm_spaces_config
from data.deck import CONFIG as DECK_CONFIG
from data.deck import DeckError, decode_link
from data.registry import PILLARS, load_registry
from metrics.custom_area import MAX_NAME, clean_name, decode_selection
from metrics.intersections import intersection_categories

MAP_LEVELS = ["lsoa21", "msoa", "ward24", "committee"]
# The Pillars page's views (issue 19: one view at a time, each within two screens), id -> label
PILLAR_VIEWS = {"meet": "Where the pillars meet", "map": "One pillar on a map", "kpis": "A pillar's KPIs",
                "domains": "Deprivation domains together", "two": "Two measures on one map"}


def _committees() -> list[str]:
    """Leeds' community committees; another home district has none, so a committee code in its links is ignored
    with the usual notice (the sidebar has no committee picker there). The setting, not the store, decides: the
    store's folder follows it, and link parsing must not read the store (unit tests have none)."""
    if home_district() != load_areas().leeds.code:
        return ["all"]
    return ["all"] + [c.code for c in load_areas().community_committees.committees]


ONS_CODE = re.compile(r"[EWSNK]\d{8}")


def _area_code(code: str) -> bool:
    """An ONS area code (LSOA, MSOA, ward, Leeds, England) or a Leeds community committee."""
    return bool(ONS_CODE.fullmatch(code)) or code in _committees()


def _ward_code(code: str) -> bool:
    return code.startswith("E05") and bool(ONS_CODE.fullmatch(code))


def _joined(values: object) -> str:
    return ",".join(values) if isinstance(values, (list, tuple)) else str(values)


WARM_SPACES_VIEWS = ["map", "gaps", "dashboard"]
WARM_SPACES_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def _indicators() -> list[str]:
    return load_registry().ids


def _periods() -> list[str]:
    return sorted({p for i in load_registry().indicators for p in i.periods})


PARAMS: dict[str, Param] = {
    "level": Param("level", "ward24", choice(lambda: MAP_LEVELS)),
    "committee": Param("committee", "all", choice(_committees)),
    "indicator": Param("indicator", "imd_imd_score", choice(_indicators)),
    "period": Param("period", None, choice(_periods)),
    "scheme": Param("scheme", "quantiles", choice(lambda: ["quantiles", "natural_breaks", "equal_interval", "national", "diverging"])),
    "classes": Param("classes", 5, int_in(3, 10)),
    "area": Param("area", None, code_like(_area_code)),
    "outline": Param("outline_deprived", "0", choice(lambda: ["0", "1"])),
    "sii_indicator": Param("sii_indicator", "census_disabled", choice(_indicators)),
    "sii_deciles": Param("sii_deciles", "leeds", choice(lambda: ["leeds", "national"])),
    "le_sex": Param("le_sex", "female", choice(lambda: ["female", "male"])),
    "spi_view": Param("spi_view", "map", choice(lambda: ["map", "scorecard", "sensitivity", "method", "official"])),
    "spi_measure": Param("spi_measure", "spi_index", choice(lambda: [i for i in _indicators() if i.startswith("spi_")])),
    "spi_weighting": Param("spi_weighting", "pca", choice(lambda: ["pca", "equal"])),
    # Pillars page (app_pages/pillars.py): KPI pillar, weak-pillar thresholds, basis, combination, bivariate pair
    "pillar_view": Param("pillar_view", "meet", choice(lambda: list(PILLAR_VIEWS))),
    "pillar": Param("pillar_kpi_pillar", "Health and Wellbeing", choice(lambda: list(PILLARS))),
    "thr_health": Param("pillar_thr_health", "worst20", choice(lambda: ["worst10", "worst20", "worst25", "leeds"])),
    "thr_growth": Param("pillar_thr_growth", "worst20", choice(lambda: ["worst10", "worst20", "worst25", "leeds"])),
    "thr_carbon": Param("pillar_thr_carbon", "worst20", choice(lambda: ["worst10", "worst20", "worst25", "leeds"])),
    "pillar_basis": Param("pillar_basis", "composite", choice(lambda: ["composite", "lead"])),
    "combo": Param("pillar_combo", "All three", choice(lambda: intersection_categories(list(PILLARS)))),
    "imd_decile": Param("pillar_imd_decile", 1, int_in(1, 3)),
    "bivar_x": Param("bivar_x", "imd_income_score", choice(_indicators)),
    "bivar_y": Param("bivar_y", "fuel_poverty", choice(_indicators)),
    # Area profile, compare, change, meeting mode (app_pages/profile.py, compare.py, change.py; components/meeting.py)
    "profile_level": Param("profile_level", "ward24", choice(lambda: ["lsoa21", "msoa", "ward24", "committee", "lad"])),
    "compare": Param("compare", "", code_list(_area_code, most=6)),
    "profile_tab": Param("profile_tab", "spine", choice(lambda: ["spine", "table", "map", "deprived", "trends", "wards",
                                                                "similar"])),
    "compare_with": Param("compare_with", "leeds", choice(lambda: ["leeds", "england"] + _committees()[1:])),
    "compare_ind": Param("compare_ind", [], choice_list(_indicators, most=12), max_length=600, encode=_joined),
    "compare_level": Param("compare_level", "ward24", choice(lambda: ["lsoa21", "msoa", "ward24", "committee"])),
    "meeting": Param("meeting", "0", choice(lambda: ["0", "1"])),
    # The benchmark on every page (sidebar; components/benchmark.py): England, core cities or similar districts
    "benchmark": Param("benchmark", "england", choice(lambda: ["england", "core", "similar"])),
    "meeting_step": Param("meeting_step", 0, int_in(0, 40)),
    # Meeting deck (app_pages/deck.py, components/deck.py): the whole deck in one bounded value (data/deck.py)
    "deck": Param("deck", "", lambda raw: raw if deck_refusal(raw) is None else None,
                  max_length=DECK_CONFIG.max_link_chars, why=lambda raw: deck_refusal(raw) or ""),
    # Warm spaces (issue 18): the layer on every map, and the Warm spaces page's own view, filters and search
    "warm": Param("warm_spaces_layer", "0", choice(lambda: ["0", "1"])),
    "ws_view": Param("ws_view", "map", choice(lambda: WARM_SPACES_VIEWS)),
    "ws_level": Param("ws_level", "ward24", choice(lambda: ["ward24", "msoa", "lsoa21"])),
    "ws_need": Param("ws_need", "fuel_poverty", choice(lambda: _indicators() + list(load_warm_spaces_config().need_series))),
    "ws_q": Param("ws_query", "", search_text(80)),
    "ws_wards": Param("ws_wards", [], codes(_ward_code, most=10), encode=_joined),
    "ws_types": Param("ws_types", [], words_list(most=6, longest=15), encode=_joined),
    "ws_days": Param("ws_days", [], choice_list(lambda: WARM_SPACES_DAYS, most=7), encode=_joined),
    "ws_at": Param("ws_at", None, clock, encode=clock_text),
    "ws_space": Param("ws_space", None, code_like(lambda code: bool(re.fullmatch(r"ws\d{4,5}", code)))),
    "ws_areas": Param("ws_dash_level", "ward24", choice(lambda: ["ward24", "committee"])),
    # Custom area (app_pages/custom_area.py, metrics/custom_area.py): a bitset over Leeds' sorted LSOAs, and its name
    "custom": Param("custom_area", "", lambda raw: raw if _custom_codes(raw) else None,
                    why=lambda raw: "the custom area in this link is not one the atlas wrote, so the area starts "
                                    "empty."),
    "custom_name": Param("custom_name", "", clean_name,
                         why=lambda raw: f"an area's name is 1 to {MAX_NAME} characters of plain text."),
}

SCENE_EXCLUDED = ("deck", "meeting", "meeting_step")
"""Parameters a scene may not carry: a scene is a view, not a deck or a presentation of one."""


def scene_param_notices(raw: dict[str, str]) -> list[str]:
    """One plain sentence per scene parameter the app's link rules refuse (empty when all are valid)."""
    notices = []
    for name, value in raw.items():
        param = PARAMS.get(name)
        if name in SCENE_EXCLUDED or param is None:
            notices.append(f"'{name[:30]}' is not a parameter a scene can carry.")
        elif len(value) > param.max_length or param.parse(value) is None:
            notices.append(f"'{value[:30]}' is not a valid value for '{name}'.")
    return notices


def deck_refusal(raw: str) -> str | None:
    """Why a link's deck value is refused (one sentence), or None when it is a valid deck."""
    if len(raw) > DECK_CONFIG.max_link_chars:
        return (f"the deck in this link is too long ({len(raw):,} characters; at most "
                f"{DECK_CONFIG.max_link_chars:,}).")
    return _cached_refusal(raw)


@lru_cache(maxsize=64)
def _cached_refusal(raw: str) -> str | None:
    try:
        decode_link(raw, scene_param_notices)
    except DeckError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=2)
def cached_lsoa_universe(stamp: str) -> tuple[str, ...]:
    return tuple(sorted(store.areas("lsoa21", stamp)["code"].astype(str)))


def _custom_codes(raw: str) -> list[str] | None:
    """The LSOAs a link's custom-area value names (None unless it is exactly a value the atlas writes)."""
    return decode_selection(raw, cached_lsoa_universe(store.built_at()))
