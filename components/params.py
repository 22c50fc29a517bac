"""Every URL parameter of the app with its session key and default (declared once, here)."""
from __future__ import annotations

from components.state import Param, choice, int_in
from data.catalogue import load_areas
from data.registry import load_registry

MAP_LEVELS = ["lsoa21", "msoa", "ward24", "committee"]


def _committees() -> list[str]:
    return ["all"] + [c.code for c in load_areas().community_committees.committees]


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
    "area": Param("area", None, lambda raw: raw if raw.replace("-", "").isalnum() and len(raw) <= 30 else None),
    "outline": Param("outline_deprived", "0", choice(lambda: ["0", "1"])),
}
