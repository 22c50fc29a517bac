"""Download buttons for a mapped view: tidy CSV (metadata in columns), GeoJSON, GeoPackage and a board-paper PNG.

The files are produced by the pure functions in geo/exports.py, each only when its button is clicked
(Streamlit's deferred ``data`` callable), so they never slow down a rerun.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components import store
from components.footer import source_line
from components.indicator_map import MapView, legend_title
from data.registry import Indicator
from geo.choropleth import hex_fills, within_committee
from geo.exports import Provenance, csv_bytes, export_layer, geojson_bytes, geopackage_bytes, map_png
from metrics.tidy_export import ExportContext, tidy_table

GIS_COLUMNS = {"code": "code", "display_name": "name", "value": "value", "rank": "rank_worst", "class": "class",
               "national_decile": "nat_decile", "lower_ci": "lower_ci", "upper_ci": "upper_ci",
               "ward24_name": "ward", "committee_name": "committee"}


def provenance(indicator: Indicator, level: str, period: str) -> Provenance:
    """Title, source line, period and licence for an exported view, from the catalogues."""
    source_id = indicator.edition(period).source
    catalogue = store.sources()
    licence = catalogue.licences.get(catalogue.sources[source_id].licence)
    licence_text = f"{licence.name} ({licence.url})" if licence else catalogue.sources[source_id].licence
    level_label = store.area_catalogue().levels[level].label
    return Provenance(title=f"{indicator.label}, {indicator.period_label(period)}, by {level_label.lower()} — {store.home_name()}",
                      source=source_line(source_id, period), period=indicator.period_label(period), licence=licence_text)


def tidy_csv(indicator: Indicator, level: str, period: str, table: pd.DataFrame) -> bytes:
    """The view's rows as a Fingertips-style tidy CSV (built when its button is clicked)."""
    stamp = store.built_at()
    meta = provenance(indicator, level, period)
    areas = store.area_catalogue()
    home = store.home(stamp)                      # the district the store was built for (Leeds by default)
    context = ExportContext(area_type=areas.levels[level].label, leeds=(home["name"], home["code"]),
                            england=(areas.england.name, areas.england.code),
                            leeds_value=store.comparator(indicator.id, period, "lad", stamp),
                            england_value=store.comparator(indicator.id, period, "england", stamp),
                            source=meta.source, licence=meta.licence)
    return csv_bytes(tidy_table(table, indicator, period, context))


def csv_button(indicator: Indicator, level: str, period: str, table: pd.DataFrame, stem: str,
               label: str = "Download this table (CSV)") -> None:
    """One tidy-CSV download button (pages outside the explorer)."""
    st.download_button(label, lambda: tidy_csv(indicator, level, period, table), file_name=f"{stem}.csv",
                       mime="text/csv", on_click="ignore", help=csv_help())


def csv_help() -> str:
    return ("One row per area in the column layout of OHID's Fingertips downloads, values rounded as shown, with "
            f"source, licence and caveat in their own columns; {store.home_name()} and England rows at the end.")


def export_buttons(indicator: Indicator, level: str, period: str, committee: str, display_table: pd.DataFrame,
                   view: MapView, selected: str | None = None) -> None:
    """Four download buttons in a row for the view as shown (committee filter included)."""
    stamp = store.built_at()
    meta = provenance(indicator, level, period)
    stem = f"{store.file_stem(stamp)}_{indicator.id}_{level}_{period}" + ("" if committee == "all" else f"_{committee}")
    title = legend_title(indicator, period, view.classed)

    def layer() -> tuple[pd.DataFrame, pd.DataFrame]:
        """The areas shown and their rows; built only when a layer or image is downloaded (not every rerun)."""
        shown = within_committee(view.table, level, committee)
        areas = store.areas(level, stamp)
        return areas[areas["code"].isin(shown["code"])], shown

    def png() -> bytes:
        areas, _ = layer()
        fills = hex_fills(view.classed.classification.class_of, view.classed.colours)
        fills = fills.set_axis(view.table["code"].to_numpy()).reindex(areas["code"]).to_numpy()
        outlines = store.areas("committee" if level == "committee" else "ward24", stamp)
        if committee != "all":
            outlines = outlines[outlines["code"].isin(areas["ward24_code"] if "ward24_code" in areas else areas["code"])]
        everything = store.areas(level, stamp)
        highlight = everything[everything["code"] == selected] if selected else None
        name = str(highlight["display_name"].iloc[0]) if highlight is not None and len(highlight) else ""
        return map_png(areas, fills, view.legend, meta, outlines=outlines, legend_title=title,
                       labels=outlines[["name", "geometry"]], highlight=highlight, highlight_name=name)

    row = st.container(horizontal=True)       # one block, not four columns: fewer messages per rerun
    row.download_button("Table (CSV)", lambda: tidy_csv(indicator, level, period, within_committee(view.table, level, committee)),
                        file_name=f"{stem}.csv", mime="text/csv", on_click="ignore", icon=":material/table:",
                        help=csv_help())
    row.download_button("Layer (GeoJSON)", lambda: geojson_bytes(export_layer(*layer(), GIS_COLUMNS)),
                        file_name=f"{stem}.geojson", mime="application/geo+json", on_click="ignore",
                        icon=":material/map:", help="Boundaries with values, WGS84 (EPSG:4326).")
    row.download_button("Layer (GeoPackage)", lambda: geopackage_bytes(export_layer(*layer(), GIS_COLUMNS), stem),
                        file_name=f"{stem}.gpkg", mime="application/geopackage+sqlite3", on_click="ignore",
                        icon=":material/layers:", help="For QGIS / ArcGIS, British National Grid (EPSG:27700).")
    row.download_button("Map image (PNG, A4)", png,
                        file_name=f"{stem}.png", mime="image/png", on_click="ignore", icon=":material/image:",
                        help="A4 landscape at 150 dpi with ward names, the selected area outlined, title, legend, source and "
                             "licence, for board papers.")
