"""The 'map your own data' widgets: uploader, options, messages, preview and map of the user's indicator.

Uploaded data lives only in ``st.session_state`` (keys below): it is never cached with st.cache_*
(those caches are shared between sessions) and never written to disk. Other pages can read the
current indicator with :func:`current_indicator`.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components import store
from components.indicator_map import map_view
from components.map import deck_template, legend, show_map, with_selection
from data.settings import DataError, processed_dir
from data.words import count, possessive
from data.user_upload import (DEFAULT_THRESHOLD, LEVEL_LABELS, MAX_RECEIVE_MB, MAX_UPLOAD_MB, IndicatorOptions, Reference,
                              Upload, UploadError, UserIndicator, load_reference, read_upload)
from data.safe_text import safe_text
from geo.classify import classify
from geo.choropleth import dimmed_outside, fill_colours
from geo.choropleth import features, representative_points
from geo.palettes import class_colours, legend_rows
from components.footer import sources_and_method
from metrics.captions import extremes_sentence
from metrics.user_upload import display_properties, make_indicator, protection_sentence, user_data_for_place

FILE_KEY = "user_file"
UPLOAD_KEY = "user_upload"              # data.user_upload.Upload (session only)
UPLOAD_NAME_KEY = "user_upload_name"
ERROR_KEY = "user_upload_error"
MEMO_KEY = "user_indicator_memo"         # (upload id, options, store) -> indicator, this session only
INDICATOR_KEY = "user_indicator"        # data.user_upload.UserIndicator (session only), for other pages
HIDDEN_REASON = "Hidden to protect small numbers"
TOOLTIP = "<b>{name}</b><br/>{label}: {shown}<br/>{note}"
POLARITY_LABELS = {"lower_is_better": "Lower is better (high values are worse)",
                   "higher_is_better": "Higher is better (low values are worse)",
                   "neutral": "Neither (just more or less)"}


@st.cache_resource(show_spinner=False)
def cached_reference(stamp: str) -> Reference:
    """Leeds areas and the 2011 LSOA lookup (public reference data, shared across sessions)."""
    try:
        return load_reference(processed_dir())
    except DataError as exc:
        st.error(str(exc))
        st.stop()


def parse_file(data: bytes, filename: str, ref: Reference) -> tuple[Upload | None, str | None]:
    """The parsed upload, or the plain message saying why it was refused (never both)."""
    try:
        return read_upload(data, filename, ref), None
    except UploadError as exc:
        return None, str(exc)


def _on_file_change() -> None:
    """Parse once per new file (in the widget callback), keeping only the result in the session."""
    uploaded = st.session_state.get(FILE_KEY)
    for key in (UPLOAD_KEY, UPLOAD_NAME_KEY, ERROR_KEY, INDICATOR_KEY, MEMO_KEY):
        st.session_state.pop(key, None)
    if uploaded is None:
        return
    upload, error = parse_file(uploaded.getvalue(), uploaded.name, cached_reference(store.built_at()))
    st.session_state[UPLOAD_NAME_KEY] = uploaded.name
    if error:
        st.session_state[ERROR_KEY] = error
    else:
        st.session_state[UPLOAD_KEY] = upload


def uploader() -> Upload | None:
    """File picker and its outcome message; returns the current session's parsed upload, if any."""
    # Any type and up to MAX_RECEIVE_MB reach the app, which says in an alert (role=alert) why a file is
    # refused: the widget's own refusal is a red icon with hover-only text (WCAG 3.3.1).
    st.file_uploader(f"Choose a CSV or Excel (.xlsx) file, up to {MAX_UPLOAD_MB} MB", key=FILE_KEY,
                     on_change=_on_file_change, max_upload_size=MAX_RECEIVE_MB,
                     help="One row per area: a column of ward, MSOA or LSOA codes (or ward names) and one or more "
                          "columns of numbers.")
    st.caption(f"Accepted: .csv, .txt, .tsv, .xlsx and .xlsm files up to {MAX_UPLOAD_MB} MB (only the first sheet "
               f"of a workbook is read). Larger files, or other types, are refused with the reason.")
    name = st.session_state.get(UPLOAD_NAME_KEY)
    if st.session_state.get(ERROR_KEY):
        st.error(f"**{safe_text(name or 'The file')} was not loaded.** "
                 f"{safe_text(st.session_state[ERROR_KEY], limit=None)}",
                 icon=":material/error:")
        return None
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is not None:
        st.success(f"Loaded {safe_text(name or 'your file')}: "
                   f"{count(len(upload.values), f'{store.home_name()} {LEVEL_LABELS[upload.level]} area')} matched by {upload.key} in column "
                   f"'{safe_text(upload.key_column)}'.", icon=":material/check_circle:")
        for warning in upload.warnings:
            st.warning(safe_text(warning, limit=None), icon=":material/warning:")
        if upload.unmatched:
            with st.expander(f"{count(len(upload.unmatched), 'row')} not matched to a {store.home_name()} area"):
                st.dataframe(pd.DataFrame({"Not matched (as written in the file)": [str(u) for u in upload.unmatched]}),
                             hide_index=True)
    return upload


def options(upload: Upload) -> IndicatorOptions:
    """Widgets for what the column means: which column, count or rate, polarity, label, threshold.

    They keep their values for the session (persist_state), so coming back to this page does not quietly
    rebuild the indicator other pages show from the defaults.
    """
    columns = upload.value_columns
    c1, c2 = st.columns(2)
    value_column = c1.selectbox("Column to map", columns, key="user_value_column", persist_state="session")
    kind = c2.radio("This column holds", ["count", "rate"], key="user_kind", persist_state="session", horizontal=True,
                    format_func=lambda k: {"count": "Counts (people, cases)", "rate": "Rates or percentages"}[k])
    polarity = c1.selectbox("Which way is better?", list(POLARITY_LABELS), key="user_polarity", persist_state="session",
                            format_func=POLARITY_LABELS.get)
    label = c2.text_input("Label for the map and table", value=str(value_column)[:80], max_chars=80,
                          key=f"user_label_{value_column}", persist_state="session")
    threshold = c1.number_input("Hide counts below", min_value=1, max_value=100, value=DEFAULT_THRESHOLD, step=1,
                                key="user_threshold", persist_state="session",
                                help="Counts from 1 up to this number minus one are shown as [c] (ONS disclosure "
                                     "guidance); 5 hides 1 to 4.")
    numerator = None
    if kind == "rate":
        others = [c for c in columns if c != value_column]
        picked = c2.selectbox("Counts behind the rate (to check for small numbers)", ["(none)"] + others,
                              key="user_numerator", persist_state="session")
        numerator = None if picked == "(none)" else picked
    convert = False
    if upload.level == "lsoa11":
        st.warning("This file uses **2011 LSOA codes**. The app maps 2021 LSOAs; the ONS lookup can convert them "
                   "(counts are shared out by population, merged areas average their rates).",
                   icon=":material/swap_horiz:")
        convert = st.checkbox("Convert 2011 LSOAs to 2021", key="user_convert_2011", persist_state="session")
    return IndicatorOptions(value_column, kind, polarity, label, int(threshold), numerator, convert)


def indicator(upload: Upload, choice: IndicatorOptions) -> UserIndicator | None:
    """Build the session's indicator (or show why not); keeps it in session state for other pages."""
    memo_key = (id(upload), choice, store.built_at())
    memo = st.session_state.get(MEMO_KEY)
    if memo is not None and memo[0] == memo_key:        # the protection's LP check takes ~1-2 s: once per choice
        st.session_state[INDICATOR_KEY] = memo[1]
        return memo[1]
    try:
        built = make_indicator(upload, choice, cached_reference(store.built_at()))
        st.session_state[MEMO_KEY] = (memo_key, built)
    except UploadError as exc:
        st.session_state.pop(INDICATOR_KEY, None)
        st.error(safe_text(exc, limit=None), icon=":material/error:")
        return None
    st.session_state[INDICATOR_KEY] = built
    return built


def current_indicator() -> UserIndicator | None:
    """The indicator this session uploaded, if any (for other pages to offer it)."""
    return st.session_state.get(INDICATOR_KEY)


def profile_panel(level: str, code: str, stamp: str) -> None:
    """This session's uploaded figures for a profile's place (its own, its smaller areas', or its parent's)."""
    ind = current_indicator()
    if ind is None:
        return
    layers = {lv: store.areas(lv, stamp) for lv in ("lsoa21", "msoa", "ward24")}
    home = store.home(stamp)["name"]
    place = user_data_for_place(ind.table, ind.level, ind.polarity, ind.label, level, code, layers, home)
    with st.container(border=True):
        st.markdown(f"**Your uploaded data**: {safe_text(ind.label, limit=80)} (this session only, not saved or "
                    f"shared)")
        st.markdown(safe_text(place.sentence, limit=400))
        if not place.rows.empty:
            st.dataframe(place.rows, hide_index=True, width="stretch",
                         column_config={f"Rank in {home}": st.column_config.NumberColumn(
                             help="1 = worst by the direction you chose (highest when neither)")})
        if ind.n_primary + ind.n_secondary:
            st.caption(safe_text(protection_sentence(ind.threshold, ind.n_primary + ind.n_secondary, home),
                                 limit=None))
        elif ind.kind == "count":
            st.caption(f"No count is below {ind.threshold}, so nothing is hidden.")


NOUNS = {"ward24": ("ward", "wards"), "msoa": ("MSOA", "MSOAs"),
         "lsoa21": ("neighbourhood (LSOA)", "neighbourhoods (LSOAs)")}
BOUNDARIES = {"ward24": "wards24_bgc", "msoa": "msoa21_bsc", "lsoa21": "lsoa21_bsc"}   # sources.yaml ids


def show(ind: UserIndicator, committee: str = "all") -> None:
    """Messages, the map with its legend, and the table alternative for the user's indicator.

    With a community committee chosen, areas outside it are faded and the map starts on it, as on the
    explorer; classes are still those of all Leeds, so colours mean the same whichever committee is shown.
    """
    for notice in ind.notices:
        st.info(safe_text(notice, limit=None), icon=":material/info:")
    stamp = store.built_at()
    st.markdown(f"**{headline(ind)}**")
    area_features, outline_features, labels, view, rows, title = _map_payload(ind, committee, stamp)
    deck = with_selection(deck_template(area_features, outline_features, labels, view, TOOLTIP), [], TOOLTIP)
    show_map(deck, key="user_map",
             alt=f"Map of your data, {safe_text(ind.label, 'plain', 80)}, by {LEVEL_LABELS[ind.level]}. The same figures are in the table "
                 f"below the map.")
    legend(rows, title)
    st.subheader("Your figures")
    st.dataframe(table_for_display(ind), hide_index=True, width="stretch")
    boundary = BOUNDARIES[ind.level]
    sources_and_method([(boundary, store.sources().sources[boundary].period)], [
        "Your figures are yours, uploaded in this session only: they are not saved or shared. Colours: five groups "
        "with about the same number of areas each (quantiles), darkest where the figure is worst by the direction "
        "you chose. Figures hidden as [c] are left out of the sentence above, so it reveals none of them."],
        note="Your figures: your file, this session only.")


def headline(ind: UserIndicator) -> str:
    """'<your column>: worst in A (42) and best in B (3) of the 31 of Leeds' 33 wards with a value.' Hidden [c]
    figures are NaN in ``ind.table`` and so never named; the label is the user's text, escaped."""
    return extremes_sentence(ind.table, measure=safe_text(ind.label, limit=80), polarity=ind.polarity,
                             nouns=NOUNS[ind.level], fmt=lambda v: safe_text(ind.format_value(v), limit=40),
                             name_col="display_name", where=possessive(store.home_name()), home=store.home_name())


def _map_payload(ind: UserIndicator, committee: str, stamp: str):
    layer = store.areas(ind.level, stamp)
    table = ind.table.set_index("code").reindex(layer["code"])
    classification = classify(table["value"].reset_index(drop=True), "quantiles", 5)
    colours = class_colours(classification.n_classes, ind.polarity)
    class_of = pd.Series(classification.class_of.to_numpy(), index=table.index)
    props = display_properties(ind).set_index("code").reindex(table.index).reset_index()
    faded = dimmed_outside(layer, ind.level, committee).set_axis(class_of.index)
    props["fill"] = fill_colours(class_of, colours, faded)
    merged = layer[["code", "geometry"]].merge(props, on="code")
    area_features = features(merged, ["code", "name", "fill", "label", "shown", "note"])
    outline_level = "ward24"
    outlines = store.areas(outline_level, stamp)
    outline_features = features(outlines, ["code"])
    labels = (representative_points(outlines).to_dict("records")          # TextLayer draws text: not escaped
              if ind.level == "ward24" else [])
    view = map_view(ind.level, committee, stamp)
    rows = legend_rows(classification, colours, fmt=ind.fmt.replace(",", ""))
    hidden = int((table["reason"].fillna("") != "").sum())
    rows.loc[rows.index[-1], "label"] = "Hidden as [c] or no data" if hidden else "No data"   # the count follows
    return area_features, outline_features, labels, view, rows, f"{ind.label} (quantiles)"


def table_for_display(ind: UserIndicator) -> pd.DataFrame:
    """The table alternative: area, code, the published figure ("[c]" where hidden) and why."""
    # One reason for every hidden cell: saying which are the small ones would narrow them down again.
    reasons = {"primary": HIDDEN_REASON, "secondary": HIDDEN_REASON, "": ""}
    value_heading = ind.label if ind.label not in ("Area", "Code", "Hidden because") else f"{ind.label} (your data)"
    return pd.DataFrame({
        "Area": ind.table["display_name"].astype(str),
        "Code": ind.table["code"].astype(str),
        value_heading: ind.table["shown"].astype(str),
        "Hidden because": ind.table["reason"].map(reasons).fillna(""),
    })
