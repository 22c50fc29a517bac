"""A meeting deck's scenes as slides: for each scene (a page's view as its URL state) the title, one plain-English
headline, three to five large figures, one source line and the map or chart, all computed from the store.

Pure (no Streamlit). components/deck.py draws a slide on screen; geo/profile_pdf.py prints it (one page per scene).
Scene parameters arrive already validated by the app's link rules (components/params.py); defaults here are the
pages' own defaults. The slide kinds and the trend slide's measures are configured in data/deck.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from data.deck import CONFIG, Scene
from data.query import comparator_value, indicator_frame, select
from data.words import possessive
from geo.boundaries import best_fit_outlines
from geo.choropleth import classify_indicator
from geo.profile_pdf import SceneDocument
from metrics.profile import LEVEL_NAMES, headline_figures, key_sentences, member_lsoas, ordinal, area_spine
from metrics.profile_document import decile_map_layer
from metrics.trends import area_trend_rows

MAP_CREDIT = ("Map: Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
              "Contains OS data © Crown copyright and database right 2024.")
PLACE_FIGURES = ("imd_imd_score", "imd_imd_pct_most_deprived", "imd_imd_decile", "life_expectancy_female",
                 "life_expectancy_male")


@dataclass(frozen=True)
class SceneInputs:
    """What a slide is made from: the store's tables and the catalogues, as loaded."""

    values: pd.DataFrame
    registry: Any
    sources: Any
    areas: Any                          # level -> GeoDataFrame (code, display_name, parents, geometry)
    series: pd.DataFrame
    series_catalogue: Any
    home_code: str = ""                 # the home district's code; "" = the store's district layer's one area

    @property
    def home(self) -> str:
        """The district the store was built for (Leeds unless BCA_DISTRICT named another)."""
        return self.home_code or str(self.areas["lad"]["code"].iloc[0])

    @property
    def home_name(self) -> str:
        """The home district's name for the slides' words ("Leeds" unless the store is another district's)."""
        lad = self.areas["lad"]
        rows = lad[lad["code"].astype(str) == self.home]
        return str(rows["display_name"].iloc[0]) if len(rows) else "Leeds"


def source_text(sources, source_id: str, period: str) -> str:
    """'Publisher, dataset (period)' for one figure's source (the short form; licences are on the details)."""
    source = sources.sources[source_id]
    return f"{source.publisher}, {source.dataset} ({period})"


def _sources_line(sources, pairs) -> str:
    found = [source_text(sources, s, p) for s, p in dict.fromkeys(pairs) if s and p and s in sources.sources]
    return "Source: " + "; ".join(found) + "." if found else ""


def _name(inputs: SceneInputs, level: str, code: str) -> str:
    layer = inputs.areas[level]
    rows = layer[layer["code"] == code]
    return str(rows["display_name"].iloc[0]) if len(rows) else code


def focal_area(inputs: SceneInputs, params: dict[str, str]) -> tuple[str, str]:
    """(level, code) the scene is about: its area, else its committee, else the home district."""
    area = params.get("area")
    if area:
        for level in ("ward24", "committee", "msoa", "lsoa21", "lad"):
            if area in set(inputs.areas[level]["code"].astype(str)):
                return level, area
    committee = params.get("committee", "all")
    if committee != "all":
        return "committee", committee
    return "lad", inputs.home


def _fmt(indicator, value) -> str:
    return indicator.format_value(None if value is None or pd.isna(value) else float(value))


def _worst_word(indicator) -> str:
    return "highest" if indicator.polarity == "neutral" else "worst"


# ---------- map slides: one indicator across Leeds, the focal area spotlit ----------

def _map_indicator(scene: Scene, registry) -> tuple[str, str]:
    params = scene.params
    if scene.page == "explorer":
        indicator_id = params.get("indicator", "imd_imd_score")
    elif scene.page == "social-progress":
        indicator_id = params.get("spi_measure", "spi_index")
    elif scene.page == "inequalities":
        indicator_id = f"life_expectancy_{params.get('le_sex', 'female')}"
    else:
        indicator_id = "imd_imd_decile" if params.get("level") == "lsoa21" else CONFIG.default_indicator
    indicator = registry.get(indicator_id)
    period = params.get("period") if scene.page == "explorer" and params.get("period") in indicator.periods \
        else indicator.latest.period
    return indicator_id, period


def _map_level(scene: Scene, indicator, level_ids: list[str]) -> str:
    wanted = scene.params.get("level", "ward24")
    if scene.page == "inequalities" and wanted not in ("msoa", "ward24"):
        wanted = "ward24"
    return wanted if indicator.unavailable_reason(wanted, level_ids) is None else "ward24"


def _classed_layer(inputs: SceneInputs, indicator, level: str, period: str, focal: str | None):
    table = indicator_frame(inputs.values, inputs.areas[level], indicator, level, period)
    classed = classify_indicator(table["value"], indicator, "quantiles", 5)
    class_of = classed.classification.class_of
    colours = [classed.colours[int(c)] if 0 <= int(c) < len(classed.colours) else "#d9d9d9" for c in class_of]
    layer = inputs.areas[level][["code", "geometry"]].merge(
        table[["code", "display_name", "value", "rank"]], on="code")
    layer["colour"] = layer["code"].map(dict(zip(table["code"], colours)))
    layer["name"] = layer["display_name"].astype(str)
    layer["focal"] = layer["code"] == focal if focal else True
    layer["value_text"] = layer["value"].map(lambda v: _fmt(indicator, v))
    n_classes = len(classed.colours)
    legend = list(zip(classed.colours, classed.labels[:n_classes]))
    return gpd.GeoDataFrame(layer, geometry="geometry", crs=inputs.areas[level].crs), table, legend


def map_slide(scene: Scene, inputs: SceneInputs, level_ids: list[str]) -> SceneDocument:
    indicator_id, period = _map_indicator(scene, inputs.registry)
    indicator = inputs.registry.get(indicator_id)
    level = _map_level(scene, indicator, level_ids)
    focal_level, focal_code = focal_area(inputs, scene.params)
    focal = focal_code if focal_level == level else None
    layer, table, legend = _classed_layer(inputs, indicator, level, period, focal)
    nouns = inputs.areas and LEVEL_PLURALS.get(level, level)
    ranked = table[table["value"].notna()]
    n = len(ranked)
    leeds = comparator_value(inputs.values, indicator_id, period, "lad")
    england = comparator_value(inputs.values, indicator_id, period, "england") if indicator.england else None
    what = f"{indicator.short_label} ({indicator.period_label(period)})"
    home, figures = inputs.home_name, []
    if scene.kind == "gap":
        return _gap_slide(scene, inputs, indicator, period, level, layer, ranked, legend, focal, leeds)
    if focal is not None and focal in set(ranked["code"]):
        row = ranked[ranked["code"] == focal].iloc[0]
        name, rank = str(row["display_name"]), int(row["rank"])
        figures.append((name, _fmt(indicator, row["value"]), what))
        figures.append((f"Rank in {home}", f"{ordinal(rank)} of {n}", f"1 = {_worst_word(indicator)}"))
        position = "the" if rank == 1 else f"the {ordinal(rank)}"
        headline = (f"{name} has {position} {_worst_word(indicator)} {indicator.short_label} of {possessive(home)} {n} "
                    f"{nouns}: {_fmt(indicator, row['value'])}"
                    + (f", against {_fmt(indicator, leeds)} for {home}." if leeds is not None else "."))
        title = f"{name}: {indicator.short_label}"
    else:
        worst = ranked.sort_values("rank").iloc[0] if n else None
        headline = (f"{worst['display_name']} has the {_worst_word(indicator)} {indicator.short_label} of "
                    f"{possessive(home)} {n} {nouns} ({_fmt(indicator, worst['value'])})." if worst is not None
                    else f"No {nouns} have a value for {what}.")
        title = f"{indicator.short_label} across {home}"
        if worst is not None:
            figures.append((f"{_worst_word(indicator).capitalize()}: {worst['display_name']}",
                            _fmt(indicator, worst["value"]), what))
    if leeds is not None:
        figures.append((home, _fmt(indicator, leeds), indicator.period_label(period)))
    if england is not None:
        figures.append(("England", _fmt(indicator, england), indicator.period_label(period)))
    if n:
        low, high = ranked["value"].min(), ranked["value"].max()
        figures.append((f"Range across {possessive(home)} {nouns}", f"{_fmt(indicator, low)} – {_fmt(indicator, high)}",
                        f"{n} {nouns}"))
    return _map_document("map", title, headline, figures, inputs, indicator, period, level, layer, legend, scene, focal)


def _map_document(kind, title, headline, figures, inputs, indicator, period, level, layer, legend, scene,
                  focal) -> SceneDocument:
    """A slide with a map of one indicator (the map and gap kinds): at most five figures, the indicator's source
    with the map credit, the focal area outlined."""
    source = indicator.edition(period).source
    return SceneDocument(
        kind=kind, title=title, headline=headline, figures=figures[:5],
        sources=_sources_line(inputs.sources, [(source, period)]) + " " + MAP_CREDIT,
        map_layer=layer, map_outline=layer[layer["focal"]] if focal else None, map_legend=legend,
        map_title=f"{indicator.short_label} ({indicator.period_label(period)}) by {LEVEL_NAMES[level]}",
        page=scene.page, params=dict(scene.params), focal_code=focal)


LEVEL_PLURALS = {"lsoa21": "neighbourhoods", "msoa": "MSOAs", "ward24": "wards", "committee": "community committees"}


def _gap_slide(scene, inputs, indicator, period, level, layer, ranked, legend, focal, leeds) -> SceneDocument:
    """Life expectancy: the focal area against Leeds, and the gap between Leeds' highest and lowest areas."""
    sex = "Women" if indicator.id.endswith("female") else "Men"
    nouns, home = LEVEL_PLURALS[level], inputs.home_name
    high, low = ranked.sort_values("value").iloc[-1], ranked.sort_values("value").iloc[0]
    spread = float(high["value"] - low["value"])
    figures = []
    if focal is not None and focal in set(ranked["code"]):
        row = ranked[ranked["code"] == focal].iloc[0]
        name, value = str(row["display_name"]), float(row["value"])
        gap = value - leeds if leeds is not None else None
        figures.append((f"{sex}, {name}", _fmt(indicator, value), indicator.period_label(period)))
        if gap is not None:
            figures.append((f"Against {home}", f"{gap:+.1f} years", f"{name} minus {home}"))
        side = "less" if gap is not None and gap < 0 else "more"
        headline = (f"{sex} in {name} can expect to live {value:.1f} years"
                    + (f", {abs(gap):.1f} years {side} than the {home} average of {leeds:.1f}." if gap is not None
                       else "."))
        title = f"{name}: the life expectancy gap"
    elif focal is not None:
        name = str(layer.loc[layer["code"] == focal, "name"].iloc[0])
        figures.append((f"{sex}, {name}", "No data", f"{indicator.period_label(period)}; not published for this area"))
        headline = (f"No life expectancy figure for {sex.lower()} in {name} is published for "
                    f"{indicator.period_label(period)}; across {possessive(home)} {nouns} it ranges from {low['value']:.1f} to "
                    f"{high['value']:.1f} years.")
        title = f"{name}: the life expectancy gap"
    else:
        headline = (f"{sex}'s life expectancy across {possessive(home)} {nouns} ranges from {low['value']:.1f} years in "
                    f"{low['display_name']} to {high['value']:.1f} in {high['display_name']}: a gap of {spread:.1f} "
                    "years.")
        title = f"The life expectancy gap, {sex.lower()}"
    if leeds is not None:
        figures.append((f"{sex}, {home}", _fmt(indicator, leeds), indicator.period_label(period)))
    figures.append((f"Gap across {possessive(home)} {nouns}", f"{spread:.1f} years",
                    f"{high['display_name']} {high['value']:.1f}, {low['display_name']} {low['value']:.1f}"))
    return _map_document("gap", title, headline, figures, inputs, indicator, period, level, layer, legend, scene, focal)


# ---------- place slide: one area's neighbourhoods and its headline figures ----------

def place_slide(scene: Scene, inputs: SceneInputs) -> SceneDocument:
    level, code = focal_area(inputs, scene.params)
    wanted = scene.params.get("profile_level")
    if wanted and scene.params.get("area") is None and wanted == "lad":
        level, code = "lad", inputs.home
    name = _name(inputs, level, code)
    headlines = headline_figures(inputs.values, inputs.registry, level, code, home=inputs.home_name)
    spine = area_spine(inputs.values, inputs.registry, level, code)
    sentence = key_sentences(name, level, headlines, spine, home=inputs.home_name)[0].split(". ")[0].rstrip(".") + "."
    cards = [h for h in headlines if h.key in PLACE_FIGURES and h.value is not None]
    figures = [(h.label, h.text, "; ".join(p for p in (h.period, h.note) if p)) for h in cards][:5]
    lsoas = inputs.areas["lsoa21"]
    if level == "lsoa21":
        ward = lsoas.loc[lsoas["code"] == code, "ward24_code"].iloc[0]
        members, outline = member_lsoas(lsoas, "ward24", ward), lsoas[lsoas["code"] == code]
    else:
        members = member_lsoas(lsoas, level, code)
        outline = best_fit_outlines(members, "ward24" if level in ("lad", "committee") else level)
    layer, legend = decile_map_layer(lsoas, inputs.values, members["code"].tolist())
    layer = layer.merge(pd.DataFrame(lsoas[["code", "display_name"]]), on="code")
    layer["name"] = layer["display_name"].astype(str)
    layer["focal"] = True
    layer["value_text"] = layer["decile"].map(lambda d: "no data" if pd.isna(d) else f"national decile {int(d)}")
    return SceneDocument(
        kind="place", title=name, headline=sentence, figures=figures,
        sources=_sources_line(inputs.sources, [(h.source_id, h.period) for h in cards]) + " " + MAP_CREDIT,
        map_layer=layer, map_outline=outline, map_legend=[r for r in legend if r[1] != "No data"],
        map_title="Its neighbourhoods (LSOAs) by national IMD 2025 decile (1 = England's most deprived 10%)",
        page=scene.page, params=dict(scene.params), focal_code=code)


# ---------- trend slide: the area's time series against Leeds ----------

def trend_slide(scene: Scene, inputs: SceneInputs) -> SceneDocument:
    level, code = focal_area(inputs, scene.params)
    home = inputs.home_name
    name = _name(inputs, level, code) if level != "lad" else home
    rows = area_trend_rows(inputs.series, inputs.series_catalogue, level, code)
    chosen = rows[rows["trend_id"].isin(CONFIG.trend_measures)] if len(rows) else rows
    chosen = chosen.set_index("trend_id").reindex([t for t in CONFIG.trend_measures if t in set(chosen.get(
        "trend_id", []))]).reset_index().head(4) if len(chosen) else chosen
    series, figures, pairs = [], [], []
    for row in chosen.itertuples():
        trend = inputs.series_catalogue.get(row.trend_id)
        points = inputs.series[(inputs.series["series_id"] == row.series_id)
                               & (((inputs.series["area_level"] == level) & (inputs.series["area_code"] == code))
                                  | ((inputs.series["area_level"] == "lad") & (level != "lad")))]
        points = points[points["value"].notna()].sort_values("period_start")
        for where, group in points.groupby(points["area_level"] == "lad"):
            series.append(pd.DataFrame({"panel": trend.short_label, "period": group["period"].astype(str),
                                        "order": range(len(group)), "value": group["value"].astype(float),
                                        "series": home if where and level != "lad" else name,
                                        "is_home": bool(where and level != "lad")}))
        change = "" if pd.isna(row.change) else f"{'+' if row.change > 0 else '−' if row.change < 0 else '±'}" \
                                                 f"{trend.format_value(abs(float(row.change)))}"
        figures.append((trend.short_label, row.Latest, f"{row.To}; {row.From} → {row.To}: {change} ({row.Judgement})"))
        for source, group in points.groupby("source"):
            pairs.append((str(source), f"{group['period'].iloc[0]} to {group['period'].iloc[-1]}"))
    judged = rows["Judgement"].value_counts() if len(rows) else pd.Series(dtype=int)
    better, worse = int(judged.get("improved", 0)), int(judged.get("worsened", 0))
    headline = (f"Of {len(rows)} measures followed over time for {name}, {better} improved and {worse} worsened "
                "between their first and latest periods; the rest rose, fell or show no clear change."
                if len(rows) else f"No time series is published for {name}.")
    chart = pd.concat(series, ignore_index=True) if series else None
    return SceneDocument(
        kind="trend", title=f"{name}: change over time", headline=headline, figures=figures,
        sources=_sources_line(inputs.sources, pairs), chart=chart, chart_kind="lines",
        chart_title=f"{name} (solid) and {home} (dashed), each measure on its own scale",
        page=scene.page, params=dict(scene.params), focal_code=code)


# ---------- against slide: a set of areas side by side with Leeds ----------

def against_slide(scene: Scene, inputs: SceneInputs) -> SceneDocument:
    params = scene.params
    indicator = inputs.registry.get(params.get("indicator", CONFIG.default_indicator))
    period = indicator.latest.period
    committee, title_place = params.get("committee", "all"), None
    if params.get("compare"):
        level, codes = params.get("compare_level", "ward24"), params["compare"].split(",")
        title_place = "The chosen areas"
    else:
        level = "ward24"
        focal_level, focal_code = focal_area(inputs, params)
        wards = inputs.areas["ward24"]
        if focal_level == "ward24":
            committee = str(wards.loc[wards["code"] == focal_code, "committee_code"].iloc[0])
        elif focal_level == "committee":
            committee = focal_code
        codes = wards[wards["committee_code"] == committee]["code"].astype(str).tolist() if committee != "all" \
            else wards["code"].astype(str).tolist()
    table = indicator_frame(inputs.values, inputs.areas[level], indicator, level, period)
    table = table[table["code"].isin(codes) & table["value"].notna()].sort_values("rank")
    leeds = comparator_value(inputs.values, indicator.id, period, "lad")
    focal = params.get("area") if params.get("area") in set(table["code"]) else None
    if committee != "all" and title_place is None:
        committees = inputs.areas["committee"]
        title_place = str(committees.loc[committees["code"] == committee, "display_name"].iloc[0])
    home = inputs.home_name
    whose = possessive(title_place) if title_place else possessive(home)
    title_place = title_place or f"{possessive(home)} wards"
    nouns = LEVEL_PLURALS.get(level, level)
    worse_than = _worse(table["value"], leeds, indicator.polarity) if leeds is not None else None
    figures = []
    if committee != "all" and not params.get("compare"):
        own = select(inputs.values, indicator.id, "committee", period, committee)
        if len(own) and pd.notna(own["value"].iloc[0]):
            figures.append((title_place, _fmt(indicator, own["value"].iloc[0]), indicator.period_label(period)))
    if leeds is not None:
        figures.append((home, _fmt(indicator, leeds), indicator.period_label(period)))
    if worse_than is not None and len(table):
        figures.append((f"{nouns.capitalize()} worse than {home}", f"{int(worse_than.sum())} of {len(table)}",
                        indicator.short_label))
    if len(table):
        top = table.iloc[0]
        figures.append((f"{_worst_word(indicator).capitalize()}: {top['display_name']}", _fmt(indicator, top["value"]),
                        f"rank {int(top['rank'])} of {possessive(home)} {len(inputs.areas[level])} {nouns}"))
    headline = (f"{int(worse_than.sum())} of {whose} {len(table)} {nouns} are worse than {home} as a whole "
                f"on {indicator.short_label} ({_fmt(indicator, leeds)}); the {_worst_word(indicator)} is "
                f"{table.iloc[0]['display_name']} at {_fmt(indicator, table.iloc[0]['value'])}."
                if worse_than is not None and len(table) else f"No values for {indicator.short_label}.")
    chart = pd.DataFrame({"name": table["display_name"].astype(str), "value": table["value"].astype(float),
                          "focal": table["code"] == focal if focal else True, "leeds": leeds})
    return SceneDocument(
        kind="against", title=f"{title_place} against {home}", headline=headline, figures=figures[:5],
        sources=_sources_line(inputs.sources, [(indicator.edition(period).source, period)]), chart=chart,
        chart_kind="bars", chart_title=f"{indicator.short_label} ({indicator.period_label(period)}); line = {home}",
        page=scene.page, params=dict(params), focal_code=focal)


def _worse(values: pd.Series, leeds: float, polarity: str) -> pd.Series:
    return values < leeds if polarity == "higher_is_better" else values > leeds


def scene_document(scene: Scene, inputs: SceneInputs, level_ids: list[str]) -> SceneDocument:
    """The slide for one scene (its kind from data/deck.yaml)."""
    kind = scene.kind
    if kind in ("map", "gap"):
        return map_slide(scene, inputs, level_ids)
    if kind == "place":
        return place_slide(scene, inputs)
    if kind == "trend":
        return trend_slide(scene, inputs)
    return against_slide(scene, inputs)
