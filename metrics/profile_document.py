"""The printable profile's content for one area, assembled from the store: headline figures, key sentences,
the spine, a map of its neighbourhoods by national IMD decile, sources and licence lines.

Pure (no Streamlit); geo/profile_pdf.py draws the result as an A4 PDF. This sits in metrics/ because it is
made from the measures in metrics.profile; the PDF drawing below it knows nothing of them.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from data.query import values_by_area
from geo.boundaries import best_fit_outlines
from geo.palettes import class_colours, no_data_colour
from geo.profile_pdf import ProfileDocument
from metrics.profile import LEVEL_NAMES, area_spine, headline_figures, key_sentences, member_lsoas


def decile_map_layer(lsoas: gpd.GeoDataFrame, values: pd.DataFrame, codes: list[str], period: str = "2025") -> tuple[
        gpd.GeoDataFrame, list[tuple[str, str]]]:
    """LSOAs coloured by national IMD decile (decile 1 darkest) and the legend: all ten deciles from 1, then no data."""
    colours = class_colours(10, "higher_is_better")    # class 0 = decile 1 = darkest
    deciles = values_by_area(values, "imd_imd_decile", "lsoa21", period)
    layer = lsoas[lsoas["code"].isin(codes)][["code", "geometry"]].copy()
    layer["decile"] = layer["code"].map(deciles)
    layer["colour"] = [colours[int(d) - 1] if pd.notna(d) else no_data_colour() for d in layer["decile"]]
    # every decile, from 1, so the key reads the same for every place (even where decile 1 is absent)
    ends = {1: " (1 = most deprived 10%)", 10: " (least deprived 10%)"}
    legend = [(colours[d - 1], f"Decile {d}{ends.get(d, '')}") for d in range(1, 11)]
    if layer["decile"].isna().any():
        legend.append((no_data_colour(), "No data"))
    return layer, legend


def profile_document(values: pd.DataFrame, registry, sources, layers: dict[str, gpd.GeoDataFrame], level: str,
                     code: str, date: str, inputs=None, home: str = "Leeds") -> ProfileDocument:
    """Assemble the document for one area from the store (registry and source catalogue as loaded); ``home``: the
    district the store was built for, whose figures the area is set against."""
    area = layers[level][layers[level]["code"] == code]
    if area.empty:
        raise KeyError(f"No {LEVEL_NAMES.get(level, level)} with code {code!r} in the store.")
    name = str(area["display_name"].iloc[0])
    headlines = headline_figures(values, registry, level, code, home=home)
    spine = area_spine(values, registry, level, code, inputs)
    cards = [(h.label, h.text, "; ".join(p for p in (f"{h.period}" if h.period else "", h.note) if p))
             for h in headlines]
    lsoas = layers["lsoa21"]
    if level == "lsoa21":
        ward = lsoas.loc[lsoas["code"] == code, "ward24_code"].iloc[0]
        members, outline = member_lsoas(lsoas, "ward24", ward), area
        map_title = "Its ward's neighbourhoods by national IMD 2025 decile (this LSOA outlined)"
    else:
        members = member_lsoas(lsoas, level, code)
        # drawn from the filled LSOAs themselves, so fills and outline coincide (best fit, not the official line)
        outline = best_fit_outlines(members, "ward24" if level in ("lad", "committee") else level)
        map_title = ("Neighbourhoods (LSOAs) by national IMD 2025 decile" + (" (ward outlines)" if level in ("lad", "committee") else "")
                     + "; outlines drawn from the best-fit LSOAs")
    map_layer, legend = decile_map_layer(lsoas, values, members["code"].tolist())
    used = list(dict.fromkeys([h.source_id for h in headlines if h.source_id] + spine["source_id"].tolist()))
    source_lines = [f"{sources.sources[s].publisher}: {sources.sources[s].dataset} ({sources.sources[s].period})."
                    for s in used if s in sources.sources]
    licence_lines = list(dict.fromkeys(sources.attribution_text(s) for s in used if s in sources.sources))
    subtitle = {"lad": f"{home} as a whole"}.get(level, f"{home} {LEVEL_NAMES[level]} · code {code}")
    return ProfileDocument(
        title=name, subtitle=subtitle, date=date, headlines=cards,
        sentences=key_sentences(name, level, headlines, spine, home=home), spine=spine, map_layer=map_layer,
        map_outline=outline, map_title=map_title, map_legend=legend,
        sources=["Sources: " + " ".join(source_lines)],
        licence=licence_lines + ["Map: Source: Office for National Statistics licensed under the Open Government "
                                 "Licence v3.0. Contains OS data © Crown copyright and database right 2024.",
                                 "Made with Best City Atlas from open data; figures as stored in the app's data "
                                 "store on the date above."], home=home)
