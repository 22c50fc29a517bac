"""Custom area: the picking map, the list, paste and upload boxes, and the area's profile (drawing only).

The set lives in session state as its link token (``custom_area``, written to the URL as ``?custom=``);
the name as ``custom_name``. Widgets change them only in callbacks, which run before the page is drawn,
so the list, the map outline and the figures always agree. The numbers come from metrics.custom_area.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components import store
from components.footer import source_line, sources_and_method
from components.map import (NO_LINE, SELECTED_LINE, GeometryRef, clicked_code, deck_template, legend, show_map,
                            table_tooltip, with_selected_positions)
from components.profile import headline_cards
from components.user_upload_view import current_indicator
from data.safe_text import csv_safe, safe_text
from data.words import count, possessive
from geo.choropleth import features, geometry_url, representative_points, view_for_bounds
from geo.palettes import hex_to_rgba
from metrics.custom_area import (DEFAULT_NAME, MAX_NAME, MAX_TEXT, aggregate_custom, clean_name, custom_headlines,
                                 custom_table, decode_selection, encode_selection, not_given_groups, parse_entries,
                                 upload_total)
from data.query import values_by_area
from metrics.captions import custom_area_sentence
from metrics.profile_document import decile_map_layer

TOKEN_KEY, NAME_KEY = "custom_area", "custom_name"
LIST_KEY, MAP_KEY, LAST_CLICK = "_w_custom_lsoas", "_custom_map", "_custom_last_click"
NOTES_KEY = "_custom_notes"
TOOLTIP = "<b>{name}</b><br/>IMD 2025: {decile_text}<br/>{chosen}"
MAX_UPLOAD_BYTES = 1_000_000


# ---------- cached data ----------

@st.cache_resource(show_spinner=False, max_entries=2)
def cached_universe(stamp: str) -> tuple[str, ...]:
    """Leeds' 2021 LSOA codes, sorted: the bit order of every custom-area link (shared, read-only)."""
    return tuple(sorted(store.areas("lsoa21", stamp)["code"].astype(str)))


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_lsoa_names(stamp: str) -> dict[str, str]:
    """Code -> 'Leeds 011A (Otley & Yeadon)', sorted by name (shared, read-only)."""
    layer = pd.DataFrame(store.areas("lsoa21", stamp)[["code", "display_name"]]).sort_values("display_name")
    return dict(zip(layer["code"].astype(str), layer["display_name"].astype(str)))


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_leeds_postcodes(stamp: str) -> dict[str, str]:
    """Tidy postcode ('LS11UR') -> LSOA21 code, from the store's copy of the ONS Postcode Directory."""
    table = store.table("postcodes_leeds", stamp)
    return dict(zip(table["postcode"].astype(str), table["lsoa21_code"].astype(str)))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_figures(token: str, stamp: str):
    """(headlines, table, not-given groups, residents, wards) for one custom area, per link token."""
    codes = decode_selection(token, cached_universe(stamp)) or []
    lsoas = store.areas("lsoa21", stamp)
    members = pd.DataFrame(lsoas[lsoas["code"].isin(codes)].drop(columns="geometry"))
    values, registry = store.values(stamp), store.registry()
    figures, not_given = aggregate_custom(values, registry, members)
    home = store.home(stamp)["name"]
    return (custom_headlines(figures, not_given, values, registry, home), custom_table(figures, values, registry, home),
            not_given_groups(not_given, registry), int(members["population"].sum()),
            sorted(members["ward24_name"].astype(str).unique()))


@dataclass(frozen=True)
class PickingMap:
    """The picking map, built once per store (shared, read-only)."""
    url_template: str           # polygons from /geo/lsoa21.geojson (fetched once), the selection by position
    url_tooltip: str            # its tooltip: each LSOA's decile by position (components.map.table_tooltip)
    file_codes: tuple[str, ...]  # the LSOAs in the geometry file's order
    template: str               # the same map with its polygons inline (the warm spaces layer draws over it)
    legend: pd.DataFrame
    outlines: dict[str, dict]   # code -> outline feature, for the inline map's selection layer


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_map(stamp: str) -> PickingMap:
    """The picking map (LSOAs by IMD 2025 decile, ward outlines and labels) drawn from the geometry files, as the
    indicator maps are (issue 20.2): a change of the area sends a colour per LSOA for the cyan outlines, not the
    polygons (64 KB on the wire per change when they were inline); its legend rows; each LSOA's outline feature."""
    lsoas = store.areas("lsoa21", stamp)
    layer, legend_rows = decile_map_layer(lsoas, store.values(stamp), lsoas["code"].tolist())
    layer = layer.merge(pd.DataFrame(lsoas[["code", "display_name"]]), on="code")
    layer["fill"] = [hex_to_rgba(c, 220) for c in layer["colour"]]
    layer["name"] = layer["display_name"]
    layer["decile_text"] = layer["decile"].map(lambda d: "no data" if pd.isna(d) else f"national decile {int(d)}")
    layer["chosen"] = "Click to add or remove"
    area_features = features(layer, ["code", "name", "fill", "decile_text", "chosen"])
    wards = store.areas("ward24", stamp)
    labels, view = representative_points(wards).to_dict("records"), view_for_bounds(tuple(lsoas.total_bounds))
    template = deck_template(area_features, features(wards, ["code"]), labels, view, TOOLTIP)
    in_file_order = layer.set_index("code").reindex(lsoas["code"].astype(str))
    lsoa_file = geometry_url("lsoa21", stamp)
    url_template = deck_template(GeometryRef(lsoa_file, tuple(tuple(f) for f in in_file_order["fill"])),
                                 geometry_url("ward24", stamp), labels, view, TOOLTIP, selection_from=lsoa_file)
    url_tooltip = table_tooltip(TOOLTIP, {"decile_text": in_file_order["decile_text"].tolist(),
                                          "chosen": in_file_order["chosen"].tolist()})
    outlines = {f["code"]: {"type": "Feature", "geometry": f["geometry"], "properties": {"code": f["code"]}}
                for f in area_features}
    counts = layer["decile"].value_counts(dropna=False)
    counts = {("no data" if pd.isna(d) else int(d)): int(n) for d, n in counts.items()}
    legend_frame = pd.DataFrame({"colour": [c for c, _ in legend_rows], "label": [t for _, t in legend_rows],
                                 "count": [counts.get(int(t.split()[1]) if t.startswith("Decile") else "no data", 0)
                                           for _, t in legend_rows]})
    return PickingMap(url_template, url_tooltip, tuple(in_file_order.index), template, legend_frame, outlines)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_sentence(token: str, name: str, stamp: str) -> str:
    """The area's answer-first sentence (issue 19), from its neighbourhoods' deciles and the profile's figures."""
    codes = decode_selection(token, cached_universe(stamp)) or []
    _, _, _, residents, wards = cached_figures(token, stamp)
    deciles = values_by_area(store.values(stamp), "imd_imd_decile", "lsoa21", "2025").reindex(codes)
    return custom_area_sentence(safe_text(name, limit=MAX_NAME), deciles, residents, len(wards))   # name as text


def headline(name: str, stamp: str) -> None:
    """The area's sentence in bold, above the map (answer first)."""
    sentence = cached_sentence(st.session_state.get(TOKEN_KEY) or "", name, stamp)
    st.markdown("**" + sentence + "**")


# ---------- the set, in session state ----------

def current_codes(stamp: str) -> list[str]:
    """The LSOAs of the area being built (sorted codes; empty when none)."""
    return decode_selection(st.session_state.get(TOKEN_KEY) or "", cached_universe(stamp)) or []


def _store_codes(codes, stamp: str) -> None:
    """Write the set (token for the link, list widget's value) — callbacks only, before widgets are drawn."""
    universe = cached_universe(stamp)
    token = encode_selection(codes, universe)
    st.session_state[TOKEN_KEY] = token
    _show_in_list(decode_selection(token, universe) or [])


def _show_in_list(codes: list[str]) -> None:
    """Put the set into the list widget, unless it shows that set already (in the reader's order). A widget whose
    key is written goes out with its value, so a list rewritten on every run re-sent its 488 names with every
    change; left alone it goes as a cached reference (components.state.bound, the same rule)."""
    shown = st.session_state.get(LIST_KEY)
    if shown is None or set(shown) != set(codes):
        st.session_state[LIST_KEY] = codes


def _list_changed() -> None:
    _store_codes(st.session_state.get(LIST_KEY) or [], store.built_at())


def _map_clicked() -> None:
    """A click adds the LSOA, or takes it out if it is in. The chart keeps one selected LSOA: clicking it
    again empties the selection, which also means 'this one again'."""
    stamp = store.built_at()
    code = clicked_code(st.session_state.get(MAP_KEY)) or st.session_state.get(LAST_CLICK)
    st.session_state[LAST_CLICK] = clicked_code(st.session_state.get(MAP_KEY))
    if not code:
        return
    codes = set(current_codes(stamp))
    codes.symmetric_difference_update({code})
    _store_codes(codes, stamp)


def _add_entries(text: str) -> None:
    stamp = store.built_at()
    parsed = parse_entries(text, cached_universe(stamp), cached_leeds_postcodes(stamp), store.home(stamp)["name"])
    before = set(current_codes(stamp))
    added = [c for c in parsed.codes if c not in before]
    _store_codes(before | set(parsed.codes), stamp)
    notes = list(parsed.notes)
    if parsed.codes:
        notes.append(f"{len(added):,} of them were new to the area; it now has {len(before) + len(added):,}.")
    st.session_state[NOTES_KEY] = notes


def _pasted() -> None:
    _add_entries(st.session_state.get("_custom_paste", ""))


def _uploaded() -> None:
    upload = st.session_state.get("_custom_file")
    if upload is None:
        st.session_state[NOTES_KEY] = ["Choose a file first: a CSV or text file of LSOA codes or postcodes."]
        return
    if upload.size > MAX_UPLOAD_BYTES:
        st.session_state[NOTES_KEY] = [f"The file is {upload.size / 1e6:.1f} MB; a list of codes or postcodes is at "
                                       f"most {MAX_UPLOAD_BYTES / 1e6:.0f} MB. Nothing was added."]
        return
    raw = upload.getvalue()[:MAX_TEXT * 4]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        st.session_state[NOTES_KEY] = ["The file is not text (UTF-8): save it as CSV or plain text of LSOA codes or "
                                       "postcodes. Nothing was added."]
        return
    _add_entries(text)


def _clear() -> None:
    _store_codes([], store.built_at())
    st.session_state[NOTES_KEY] = []


def _name_changed() -> None:
    st.session_state[NAME_KEY] = clean_name(st.session_state.get("_w_custom_name", "")) or ""


# ---------- widgets ----------

def name_box() -> str:
    """The area's name (plain; escaped wherever it is shown)."""
    if st.session_state.get("_w_custom_name") != (st.session_state.get(NAME_KEY) or ""):     # as _show_in_list
        st.session_state["_w_custom_name"] = st.session_state.get(NAME_KEY) or ""
    st.text_input("Name of the area", key="_w_custom_name", max_chars=MAX_NAME, on_change=_name_changed,
                  placeholder=DEFAULT_NAME, help="Up to 60 characters; it goes into the link with the area.")
    return st.session_state.get(NAME_KEY) or DEFAULT_NAME


def picking_map(codes: list[str], stamp: str) -> None:
    """All Leeds LSOAs by IMD 2025 decile; the area's LSOAs outlined; a click adds or removes one."""
    drawn = cached_map(stamp)
    chosen = set(codes)
    deck = with_selected_positions(drawn.url_template, [SELECTED_LINE if c in chosen else NO_LINE for c in drawn.file_codes],
                                   drawn.url_tooltip, (drawn.template, TOOLTIP),
                                   [drawn.outlines[c] for c in codes if c in drawn.outlines])
    show_map(deck, key=MAP_KEY, height=560, on_select=_map_clicked,
             alt=f"Map of {possessive(store.home(stamp)['name'])} neighbourhoods (LSOAs) by national IMD 2025 decile; the custom area's neighbourhoods "
                 "are outlined in cyan. The same neighbourhoods are listed in the box beside the map.")
    legend(drawn.legend, "National IMD 2025 decile (1 = most deprived 10%)")
    st.caption("Click a neighbourhood to add it; click it again to take it out. Cyan outline = in the area. "
               + source_line("imd2025_lsoa21", "2025"))


def pick_list(codes: list[str], stamp: str) -> None:
    names = cached_lsoa_names(stamp)
    _show_in_list(codes)
    st.multiselect("Neighbourhoods in the area", list(names), key=LIST_KEY, format_func=names.get,
                   on_change=_list_changed, placeholder="Type a neighbourhood or ward name, or click the map",
                   help="Neighbourhoods are 2021 LSOAs, named by their ONS name and their ward.")


def paste_and_upload() -> None:
    """Paste or upload LSOA codes or postcodes; what was and was not added is said in sentences."""
    with st.form("custom_paste", border=False):
        st.text_area("Paste LSOA codes or postcodes", key="_custom_paste", height=110,
                     placeholder="E01011264, E01011265\nLS1 1UR\n… one or more per line",
                     help=f"2021 LSOA codes (E01…) or {store.home_name()} postcodes, separated by new lines, commas, semicolons or "
                          "tabs. Postcodes are looked up in the atlas's own copy of the ONS Postcode Directory: "
                          "nothing leaves this server.")
        st.form_submit_button("Add to the area", on_click=_pasted, icon=":material/add:")
    st.file_uploader("Or upload a CSV or text file of LSOA codes or postcodes", key="_custom_file",
                     type=["csv", "txt"], help="At most 1 MB; every cell is read as an entry.")
    cols = st.columns(2)
    cols[0].button("Add the file's entries", on_click=_uploaded, icon=":material/upload_file:")
    cols[1].button("Empty the area", on_click=_clear, icon=":material/delete:")
    for note in st.session_state.get(NOTES_KEY) or []:
        st.info(safe_text(note, limit=None), icon=":material/info:")


# ---------- the profile ----------

def share_link(token: str, name: str) -> None:
    query = urlencode({"custom": token} | ({"custom_name": name} if name != DEFAULT_NAME else {}))
    st.markdown("**Share this area**: the page's address holds the area and its name; copy it from the browser, "
                "or this link's end:")
    st.code(f"custom-area?{query}", language=None, wrap_lines=True)


def profile(codes: list[str], name: str, stamp: str) -> None:
    """The area's headline figures, every indicator by its registry rule, what is not given and why."""
    token = st.session_state.get(TOKEN_KEY) or ""
    headlines, table, groups, residents, wards = cached_figures(token, stamp)
    st.header(safe_text(name, limit=MAX_NAME))
    where = ", ".join(wards[:6]) + (f" and {len(wards) - 6} more" if len(wards) > 6 else "")
    st.caption(safe_text(f"{count(len(codes), 'neighbourhood (LSOA)', 'neighbourhoods (LSOAs)')}, {residents:,} residents (Census 2021), in "
                         f"{'ward' if len(wards) == 1 else 'wards'}: {where}.", limit=None))
    headline_cards(headlines)
    share_link(token, name)
    tabs = st.tabs(["Every indicator", "Not given for a custom area", "Your uploaded data"])
    with tabs[0]:
        shown = table.drop(columns=["source_id", "period", "indicator_id"])
        st.dataframe(shown, hide_index=True, width="stretch")
        sources_and_method(list(zip(table["source_id"], table["period"])), [
            "Each figure is combined from the area's LSOA figures in the data store by the indicator's own "
            "rule (column 'How combined'): counts are summed; rates are summed numerators over summed "
            "denominators, or population- (or household-) weighted means; IMD scores are the population-"
            "weighted average of LSOA scores, as MHCLG does for districts, never an average of ranks. "
            + store.registry().coverage.sentence])
        st.download_button("Download the figures (CSV)", csv_safe(shown.assign(Area=name)).to_csv(index=False),
                           file_name="custom_area.csv", mime="text/csv", icon=":material/download:")
    with tabs[1]:
        for reason, labels in groups:
            st.markdown(f"- **{safe_text(', '.join(labels), limit=None)}**: {safe_text(reason, limit=None)}")
    with tabs[2]:
        uploaded_panel(codes)


def uploaded_panel(codes: list[str]) -> None:
    """This session's uploaded LSOA figures for the area, with a total only where small-number protection
    allows it (metrics.custom_area.upload_total)."""
    ind = current_indicator()
    if ind is None:
        st.caption("No data uploaded in this session: upload LSOA figures on 'Map your own data' to see them here.")
        return
    label = safe_text(ind.label, limit=80)
    if ind.level != "lsoa21":
        st.info(f"Your data ({label}) is by {ind.level.upper()}, not by LSOA: a custom area is made of LSOAs, so it "
                "is not combined here.")
        return
    rows = ind.table[ind.table["code"].astype(str).isin(set(codes))]
    st.markdown(f"**Your uploaded data**: {label} (this session only, not saved or shared)")
    st.dataframe(pd.DataFrame({"Neighbourhood": rows["display_name"], "Code": rows["code"], "Figure": rows["shown"]}),
                 hide_index=True, width="stretch")
    if ind.kind == "count":
        total = upload_total(ind.table, ind.known_totals, codes, ind.label, store.home_name())
        text = total.sentence if total.value is None else f"{total.sentence} Total: {ind.format_value(total.value)}."
        st.markdown(safe_text(text, limit=None))
    else:
        st.caption("Rates are not combined for a custom area: that needs the counts behind them. Each "
                   "neighbourhood's rate is listed.")
