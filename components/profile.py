"""Streamlit rendering for the area profile page (and the meeting slide): cards, spine chart, maps, lists.

The figures come from the pure modules (metrics.profile, metrics.spine, geo.profile_pdf); this module only
draws them; components/compare.py and components/change.py draw the other two place pages. Its cached
wrappers are named ``cached_*``.
"""
from __future__ import annotations

import datetime as dt
import html
from functools import lru_cache

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from components import benchmark, store
from components.charts import show_spec, vega_spec
from components.footer import source_line
from components.map import deck_template, legend, show_map, with_selection
from data.catalogue import level_ids
from geo.choropleth import features, representative_points, view_for_bounds
from geo.palettes import class_colours, hex_to_rgba
from geo.boundaries import best_fit_outlines
from geo.profile_pdf import profile_pdf
from metrics.profile import (Headline, area_spine, deprived_neighbourhoods, find_places,
                             headline_figures, key_sentences, member_lsoas, spine_inputs, trend_frame)
from metrics.profile_document import decile_map_layer, profile_document
from metrics.similar_areas import indicator_matrix, load_config, most_similar, standardise
from metrics.spine import BETTER, SIMILAR_LABEL, WORSE, ci_count, for_home, home_words, significance_colours

SPINE_HIDDEN_UNITS = ("rank", "decile", "percentile")
# The profile's tabs: URL id -> label (components/params.py lists the same ids for the link's profile_tab).
PROFILE_TABS = {"spine": "Every indicator (spine chart)", "table": "Table", "map": "Map", "deprived": "Deprived Leeds",
                "trends": "Change over time", "wards": "Its wards side by side", "similar": "Similar wards"}
# The spine rows' columns its chart draws or shows in tooltips (the others stay out of the spec sent each change).
SPINE_CHART_COLUMNS = ("row", "label", "colour", "pos_q1", "pos_q3", "pos_leeds", "pos_england", "pos_value",
                       "value_text", "leeds_text", "england_text", "comparison", "rank", "n_areas", "left_value_text",
                       "right_value_text", "pos_group", "group_text")
DECILE_TOOLTIP = "<b>{name}</b><br/>IMD 2025: {decile_text}"


# ---------- cached data ----------

@st.cache_resource(show_spinner=False, max_entries=8)
def cached_spine_inputs(level: str, stamp: str):
    return spine_inputs(store.values(stamp), store.registry(), level)


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_profile(level: str, code: str, stamp: str) -> tuple[list[Headline], pd.DataFrame]:
    """Headline cards and spine rows for one area, shared read-only by every session (a resource, not data:
    copying the rows out of the cache on every run was ~5 ms of a "Ward" change)."""
    values = store.values(stamp)
    headlines = headline_figures(values, store.registry(), level, code, store.home_name())
    spine = area_spine(values, store.registry(), level, code, cached_spine_inputs(level, stamp))
    return headlines, spine


@st.cache_data(show_spinner="Making the PDF…", max_entries=32)
def cached_profile_pdf(level: str, code: str, stamp: str, date: str) -> bytes:
    layers = {lv: store.areas(lv, stamp) for lv in level_ids()}
    doc = profile_document(store.values(stamp), store.registry(), store.sources(), layers, level, code, date,
                           cached_spine_inputs(level, stamp), home=store.home(stamp)["name"])
    return profile_pdf(doc)


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_key_sentences(level: str, code: str, name: str, stamp: str) -> list[str]:
    """The profile's key sentences for one area (shared, read-only)."""
    headlines, spine = cached_profile(level, code, stamp)
    return key_sentences(name, level, headlines, spine, home=store.home(stamp)["name"])


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_similar_z(stamp: str) -> pd.DataFrame:
    """The wards' z-scores on the similar-wards indicators, computed once per store (shared, read-only)."""
    return standardise(indicator_matrix(store.values(stamp), load_config()))


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_similar_wards(code: str, stamp: str) -> pd.DataFrame:
    """The wards most like ``code`` (shared, read-only): area_code, name, distance, shared."""
    config = load_config()
    return most_similar(cached_similar_z(stamp), code, cached_area_names(config.level, stamp), config.neighbours,
                        config.min_shared)


@lru_cache(maxsize=32)
def cached_area_names(level: str, stamp: str) -> dict[str, str]:
    """Code -> display name for a level, in the store's order (wards alphabetical); shared, read-only."""
    layer = store.areas(level, stamp)
    frame = pd.DataFrame(layer[["code", "display_name"]]).sort_values("display_name")
    return dict(zip(frame["code"].astype(str), frame["display_name"].astype(str)))


def level_of_code(code: str | None, stamp: str) -> str | None:
    """The level whose layer holds ``code`` (None when no layer does)."""
    if not code:
        return None
    return _cached_levels_of_codes(stamp).get(str(code))


@lru_cache(maxsize=4)
def _cached_levels_of_codes(stamp: str) -> dict[str, str]:
    """Code -> the first level (in level_ids order) whose layer holds it, built once per store: looking the code up
    in every layer's set of codes on each run was ~10 ms of a profile "Ward" change."""
    found: dict[str, str] = {}
    for level in level_ids():
        for code in store.areas(level, stamp)["code"].astype(str):
            found.setdefault(code, level)
    return found


@lru_cache(maxsize=1024)
def cached_area_caption(level: str, code: str, stamp: str) -> str | None:
    """'Code …· ward: … · community committee: …' under the profile's heading (LSOA, MSOA and ward only), made once
    per area: selecting the area's row from the layer (a GeoDataFrame) on every run cost ~15 ms."""
    if level not in ("lsoa21", "msoa", "ward24"):
        return None
    layer = store.areas(level, stamp)
    row = pd.DataFrame(layer.drop(columns="geometry"))
    row = row[row["code"] == code].iloc[0]
    parts = [f"Code {html.escape(code)}"]
    if level == "lsoa21":
        parts.append(f"ward: {html.escape(str(row['ward24_name']))}")
    if "committee_name" in row:
        parts.append(f"community committee: {html.escape(str(row['committee_name']))}")
    return " · ".join(parts)


def tab_ids(level: str) -> list[str]:
    """The profile tabs a kind of area has: a committee adds its wards, a ward its most similar wards."""
    extra = {"committee": ["wards"], "ward24": ["similar"]}.get(level, [])
    return ["spine", "table", "map", "deprived", "trends"] + extra


def tab_label(tab: str, home: str = "Leeds") -> str:
    """A tab's label; "Deprived Leeds" names the home district ("Deprived Manchester")."""
    return f"Deprived {home}" if tab == "deprived" else PROFILE_TABS[tab]


def tab_id(label: str) -> str:
    """The URL id of a tab label (the tabs widget's value), whichever district "Deprived <home>" names."""
    return next(t for t, text in PROFILE_TABS.items() if text == label or t == "deprived" and label.startswith("Deprived "))


# ---------- place search ----------

def _land(level: str, code: str) -> None:
    st.session_state["profile_level"] = level
    st.session_state["area"] = code
    st.session_state["_search_matches"] = None


def place_search(stamp: str) -> None:
    """Search box: a single match opens its profile; several are offered as buttons."""
    with st.form("place_search", border=False):
        cols = st.columns([4, 1], vertical_alignment="bottom")
        query = cols[0].text_input("Find a place", placeholder="Ward, LSOA or MSOA name or code, e.g. Harehills",
                                   help="Postcode search is not available: the data folder holds no postcode lookup.")
        submitted = cols[1].form_submit_button("Search", width="stretch")
    if submitted:
        layers = {lv: store.areas(lv, stamp) for lv in ("ward24", "committee", "msoa", "lsoa21")}
        matches, message = find_places(query, layers)
        if message:
            st.session_state["_search_matches"] = None
            st.warning(message)
        elif len(matches) == 1:
            row = matches.iloc[0]
            _land(row["level"], row["code"])
        else:
            st.session_state["_search_matches"] = matches.to_dict("records")
    matches = st.session_state.get("_search_matches")
    if matches:
        st.markdown(f"**{len(matches)} places match** — choose one:")
        levels = store.area_catalogue().levels
        cols = st.columns(3)
        for n, row in enumerate(matches):
            cols[n % 3].button(f"{row['display_name']} ({levels[row['level']].short})", key=f"_match_{row['code']}",
                               on_click=_land, args=(row["level"], row["code"]), width="stretch")


# ---------- headline cards ----------

def headline_cards(headlines: list[Headline], columns: int = 4) -> None:
    """Metric cards with their notes, then one source line per distinct source and period."""
    for start in range(0, len(headlines), columns):
        cols = st.columns(columns)
        for col, card in zip(cols, headlines[start:start + columns]):
            with col.container(border=True):
                st.metric(card.label, card.text)
                caption = " · ".join(p for p in (card.period, card.note) if p)
                if caption:
                    st.caption(caption)
    lines = list(dict.fromkeys(source_line(h.source_id, h.period) for h in headlines if h.source_id and h.period))
    st.caption(" ".join(lines))


# ---------- spine chart ----------

def spine_filter(spine: pd.DataFrame, key: str) -> pd.DataFrame:
    """Theme picker above the spine (all themes by default)."""
    themes = list(dict.fromkeys(spine["theme"].dropna()))
    chosen = st.multiselect("Themes", themes, default=[], key=key, placeholder="All themes",
                            help="Leave empty to show every theme.")
    return spine[spine["theme"].isin(chosen)] if chosen else spine


def spine_chart(spine: pd.DataFrame, area_name: str, view: tuple | None = None) -> None:
    """Altair spine: Leeds range (worst left), middle half, Leeds line, England square, the area's dot (and the
    chosen benchmark group's average as a diamond).

    ``view`` names what the rows are (e.g. level, code and themes): the spec is then looked up by it and the
    benchmark, without adding the group's columns and hashing the rows again on every run (~60 % of a
    profile "Ward" change's server time under load, bench/pages.py --profile)."""
    stamp = store.built_at()
    home = store.home_name()                      # the district the atlas is built for (Leeds by default)
    if view is not None:
        spec = _cached_spine_spec_of_view(view, benchmark.current(), area_name, stamp, home, spine)
    else:
        spec = _cached_spine_spec(for_home(benchmark.with_spine_group(spine, stamp), home), area_name, home)
    if spec is None:
        st.info("No indicators to chart for this area.")
        return
    show_spec(spec, width="stretch")
    _spine_key()


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_spine_spec_of_view(view: tuple, choice: str, area_name: str, stamp: str, home: str, _spine: pd.DataFrame
                               ) -> dict | None:
    """The spec of one view's rows with ``choice``'s group average (``_spine`` is not hashed: ``view`` names it)."""
    return _cached_spine_spec(for_home(benchmark.with_spine_group(_spine, stamp), home), area_name, home)


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_spine_spec(spine: pd.DataFrame, area_name: str, home: str = "Leeds") -> dict | None:
    """The spine as a finished spec, keyed by the rows' content (building it cost ~0.5 s a run)."""
    rows = spine[~spine["unit"].isin(SPINE_HIDDEN_UNITS)].copy()
    if rows.empty:
        return None
    rows["row"] = rows["label"] + " (" + rows["period"] + ")"
    rows = rows[[c for c in SPINE_CHART_COLUMNS if c in rows]]   # what the marks and tooltips use: half the bytes
    order = rows["row"].tolist()
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=360, labelFontSize=13))
    x = alt.X("start:Q", scale=alt.Scale(domain=[-0.06, 1.06]), axis=alt.Axis(
        values=[0, 1], labelExpr="datum.value == 0 ? 'worse / lower' : 'better / higher'", title=None, labelFontSize=13))
    base = alt.Chart(rows.assign(start=0.0, end=1.0))
    tooltip = [alt.Tooltip("label:N", title="Indicator"), alt.Tooltip("value_text:N", title=area_name[:40]),
               alt.Tooltip("leeds_text:N", title=home), alt.Tooltip("england_text:N", title="England"),
               alt.Tooltip("comparison:N", title="Compared"), alt.Tooltip("rank:Q", title="Rank (1 = worst)"),
               alt.Tooltip("n_areas:Q", title="Areas"), alt.Tooltip("left_value_text:N", title="Left end"),
               alt.Tooltip("right_value_text:N", title="Right end")]
    track = base.mark_bar(color="#e6e6e6", height=14).encode(x=x, x2="end:Q")
    middle = base.mark_bar(color="#b4b4b4", height=14).encode(x="pos_q1:Q", x2="pos_q3:Q")
    leeds = base.mark_tick(color="#000000", thickness=3, size=20).encode(x="pos_leeds:Q")
    england = base.mark_point(shape="square", filled=True, fill="#ffffff", stroke="#000000", size=70).encode(
        x="pos_england:Q")
    dot = base.mark_circle(size=190, stroke="#000000", strokeWidth=1, opacity=1).encode(
        x="pos_value:Q", color=alt.Color("colour:N", scale=None), tooltip=tooltip)
    layers = [track, middle, leeds, england]
    if "pos_group" in rows:
        layers.append(base.mark_point(shape="diamond", filled=True, color="#7b3294", size=90).encode(
            x="pos_group:Q", tooltip=[alt.Tooltip("label:N", title="Indicator"),
                                      alt.Tooltip("group_text:N", title="Group average (range)")]))
    # The rows' axis (with its list of every row, for their order) once for all layers, not once per layer: the
    # same chart, ~15 KB less spec to serialise, send and parse on each change of area.
    return vega_spec(alt.layer(*layers, dot).encode(y=y).properties(height=24 * len(rows), width="container"))


def _spine_key() -> None:
    st.markdown(_cached_spine_key_markup(benchmark.current(), store.home_name()), unsafe_allow_html=True)


@lru_cache(maxsize=8)
def _cached_spine_key_markup(choice: str, home: str = "Leeds") -> str:
    """The spine's key as one HTML list, made once per benchmark choice and home district (a frame and palette per
    run cost ~5 ms)."""
    colours, words = significance_colours(), home_words(home)
    rows = [(colours[label], words[label] + suffix) for label, suffix in
            ((BETTER, " (95% CI)"), (SIMILAR_LABEL, ""), (WORSE, ""))]
    rows.append((class_colours(5, "lower_is_better")[-1], f"No CI: worst fifth in {home} (lighter = better fifths)"))
    items = "".join(f'<li style="display:flex;gap:.5rem;align-items:center"><span aria-hidden="true" style="width:1rem;'
                    f'height:1rem;border-radius:50%;border:1px solid #000;background:{html.escape(colour)}"></span>'
                    f"{html.escape(label)}</li>" for colour, label in rows)
    return ('<ul style="list-style:none;padding-left:0;display:flex;flex-wrap:wrap;gap:1.2rem">' + items +
            f'<li>▮ black line = {html.escape(home)}</li><li>□ square = England</li>'
            f'<li>grey band = middle half of {html.escape(home)} areas</li>'
            + (f"<li>◆ purple diamond = {html.escape(benchmark.CHOICES[choice])} average</li>"
               if choice != benchmark.ENGLAND else "") + "</ul>")


def spine_table(spine: pd.DataFrame, level: str = "ward24") -> None:
    """The accessible alternative to the spine chart (with the chosen benchmark group's column)."""
    stamp = store.built_at()
    home = store.home_name()                      # the district the atlas is built for (Leeds by default)
    spine = for_home(benchmark.add_column(spine, spine["indicator_id"], spine["period"], stamp, after="england_text"), home)
    table = spine.rename(columns={"label": "Indicator", "period": "Period", "value_text": "This area",
                                  "leeds_text": home, "england_text": "England", "rank": "Rank (1 = worst)",
                                  "n_areas": "Areas compared", "comparison": f"Compared with {home}", "method": "By",
                                  "theme": "Theme"})
    group = [c for c in table.columns if c == benchmark.column_name(benchmark.current())]
    st.dataframe(table[["Indicator", "Period", "This area", home, "England", *group, "Rank (1 = worst)",
                        "Areas compared", f"Compared with {home}", "By", "Theme"]], hide_index=True, width="stretch")
    if group:
        st.caption(benchmark.note(level, stamp))


def spine_note(spine: pd.DataFrame, level: str, view: tuple | None = None) -> None:
    """The caption under the theme picker; ``view`` (level, code, stamp) names the rows, so the text is made once
    per area instead of counting the intervals on every run."""
    st.caption(_cached_spine_note_text(*view) if view is not None else _spine_note_of(spine, level))


@lru_cache(maxsize=512)
def _cached_spine_note_text(level: str, code: str, stamp: str) -> str:
    return _spine_note_of(cached_profile(level, code, stamp)[1], level)


def _spine_note_of(spine: pd.DataFrame, level: str) -> str:
    tested = ci_count(spine)
    home = store.home_name()
    peers = f"the {len(store.areas('ward24', store.built_at()))} wards" if level == "lad" else \
        f"the {int(spine['n_areas'].max() or 0)} {home} areas of this kind"
    return (f"Each bar spans {peers}, worst on the left (for indicators without a better or worse direction, "
            f"lowest on the left). {tested} indicators have a 95% confidence interval and are coloured by "
            f"significance against {home} (the same count as in the summary sentence); the rest by the area's fifth within {home}. Ranks, deciles and "
            "percentiles are listed in the table, not charted. Periods and sources differ by indicator "
            "(see the table and the Data sources page).")


# ---------- maps ----------

@st.cache_data(show_spinner=False, max_entries=64)
def _cached_decile_payload(level: str, code: str, stamp: str):
    lsoas = store.areas("lsoa21", stamp)
    if level == "lsoa21":
        ward = lsoas.loc[lsoas["code"] == code, "ward24_code"].iloc[0]
        members = member_lsoas(lsoas, "ward24", ward)
    else:
        members = member_lsoas(lsoas, level, code)
    layer, legend_rows = decile_map_layer(lsoas, store.values(stamp), members["code"].tolist())
    layer = layer.merge(pd.DataFrame(lsoas[["code", "display_name"]]), on="code")
    layer["fill"] = [hex_to_rgba(c, 235) for c in layer["colour"]]
    layer["name"] = layer["display_name"]
    layer["decile_text"] = layer["decile"].map(lambda d: "no data" if pd.isna(d) else f"national decile {int(d)}")
    area_features = features(layer, ["code", "name", "fill", "decile_text"])
    # outlines dissolved from the same LSOA shapes as the fills, so they coincide (an LSOA is its own outline)
    if level == "lsoa21":
        outline_layer = best_fit_outlines(lsoas[lsoas["code"] == code], "lsoa21")
    else:
        outline_layer = best_fit_outlines(members, "ward24" if level in ("committee", "lad") else level)
    outline_features = features(outline_layer, ["code"])
    labels = representative_points(outline_layer).to_dict("records") \
        if level == "committee" else []
    view = view_for_bounds(tuple(layer.total_bounds))
    counts = layer["decile"].value_counts(dropna=False)
    template = deck_template(area_features, outline_features, labels, view, DECILE_TOOLTIP)
    return template, legend_rows, {("no data" if pd.isna(d) else int(d)): int(n) for d, n in counts.items()}


BEST_FIT_CAPTION = ("Neighbourhoods (LSOAs) are placed in wards and committees by the ONS best-fit lookup, so the "
                    "outlines here are drawn from those LSOAs and can differ slightly from the official boundaries.")


def area_decile_map(level: str, code: str, stamp: str, key: str, height: int = 480) -> None:
    """The area's LSOAs (or its ward's, for an LSOA) coloured by national IMD 2025 decile."""
    template, legend_rows, counts = _cached_decile_payload(level, code, stamp)
    deck = with_selection(template, [], DECILE_TOOLTIP)
    what = "its ward's neighbourhoods" if level == "lsoa21" else "its neighbourhoods (LSOAs)"
    show_map(deck, key=key, alt=f"Map of {what} by national IMD 2025 decile; the same figures are in the "
                                f"'Deprived {store.home(stamp)['name']}' list and the Deprivation map table.", height=height)
    frame = pd.DataFrame({"colour": [c for c, _ in legend_rows], "label": [t for _, t in legend_rows],
                          "count": [counts.get(int(t.split()[1]) if t.startswith("Decile") else "no data", 0)
                                    for _, t in legend_rows]})
    legend(frame, "National IMD 2025 decile (1 = most deprived 10% in England)")
    st.caption(BEST_FIT_CAPTION + " " + source_line("imd2025_lsoa21", "2025"))


# ---------- lists, trends and committees ----------

def deprived_list(level: str, code: str, stamp: str) -> None:
    """The area's 'Deprived Leeds' neighbourhoods (national IMD decile 1)."""
    table, residents = _cached_deprived_table(level, code, stamp)
    if table is None:
        st.markdown("None of its neighbourhoods is in England's most deprived 10% (IMD 2025).")
        return
    st.markdown(f"**{table.num_rows}** of its neighbourhoods are in England's most deprived 10% (IMD 2025), home to "
                f"**{residents:,}** residents (Census 2021).")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"National percentile (0 = most deprived)": st.column_config.NumberColumn(format="%.1f"),
                                "IMD score": st.column_config.NumberColumn(format="%.1f")})
    st.caption(source_line("imd2025_lsoa21", "2025") + f" 'Deprived {store.home(stamp)['name']}' = LSOAs in England's "
               "most deprived decile.")


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_deprived_table(level: str, code: str, stamp: str) -> tuple[pa.Table | None, int]:
    """The area's deprived neighbourhoods as Arrow (converted once) and their residents, per area."""
    rows = deprived_neighbourhoods(store.values(stamp), store.areas("lsoa21", stamp), level, code)
    if rows.empty:
        return None, 0
    table = rows.rename(columns={"display_name": "Neighbourhood", "code": "LSOA code", "population": "Residents",
                                 "imd_imd_percentile": "National percentile (0 = most deprived)",
                                 "imd_imd_score": "IMD score"})
    table = table[["Neighbourhood", "LSOA code", "National percentile (0 = most deprived)", "IMD score", "Residents"]]
    return pa.Table.from_pandas(table, preserve_index=False), int(rows["population"].sum())


def trend_charts(level: str, code: str, stamp: str) -> None:
    """A small line chart for every indicator with more than one period (this area and the home district)."""
    trends = _cached_trends(level, code, stamp, store.home_name())
    if trends is None:
        st.info("No indicator has more than one period for this kind of area.")
        return
    spec, table = trends
    show_spec(spec)
    with st.expander("Trend figures as a table"):
        st.dataframe(table, width="stretch")
    st.caption("IMD editions are compared by decile, percentile or the share of residents in England's most deprived "
               "10%, never by score or raw rank. " + source_line("imd2025_lsoa21", "2025") + " " +
               source_line("imd2019_lsoa11", "2019"))


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_trends(level: str, code: str, stamp: str, home: str = "Leeds") -> tuple[dict, pd.DataFrame] | None:
    """The trend small multiples as a finished spec and their table, per area (shared, read-only)."""
    trend = trend_frame(store.values(stamp), store.registry(), level, code, home)
    if trend.empty:
        return None
    chart = alt.Chart(trend).mark_line(point=alt.OverlayMarkDef(size=70)).encode(
        x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=12)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=["This area", home],
                                                                range=["#0072b2", "#000000"])),
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(domain=["This area", home],
                                                                           range=[[1, 0], [5, 3]])),
        tooltip=["label:N", "period:N", "series:N", alt.Tooltip("value:Q", format=".1f")],
    ).properties(width=210, height=150).facet(facet=alt.Facet("label:N", title=None), columns=4)
    return vega_spec(chart), trend.pivot_table(index="label", columns=["series", "period"], values="value").round(2)


def similar_wards(code: str, name: str, stamp: str) -> None:
    """'Wards most like X': five links to their profiles with distances, then the method and its sources."""
    config, registry = load_config(), store.registry()
    st.subheader(f"Wards most like {name}")
    similar = cached_similar_wards(code, stamp)
    if similar.empty:
        st.info(f"No ward can be compared with {name}: it has too few of the indicators below.")
    listed = len(config.indicators)
    for row in similar.itertuples():
        count = "" if row.shared == listed else f", on {row.shared} of {listed} indicators"
        st.page_link("app_pages/profile.py", label=f"{row.name} — distance {row.distance:.2f}{count}",
                     query_params={"level": config.level, "area": row.area_code}, icon=":material/location_city:")
    measures = "; ".join(f"{registry.get(i.id).short_label} ({i.period})" for i in config.indicators)
    st.caption(f"How: each of {listed} need indicators is put on a common scale (a z-score: how many standard "
               f"deviations a ward is from the average {store.home(stamp)['name']} ward), and wards are ranked by the straight-line "
               "(Euclidean) distance between their scores; smaller means more alike, ties go by name. A ward missing "
               "an indicator is compared on those both have, scaled up to all of them, and its count is shown; "
               f"wards sharing fewer than {config.min_shared} are left out. Indicators: {measures}.")
    lines = dict.fromkeys(source_line(registry.get(i.id).edition(i.period).source, i.period)
                          for i in config.indicators)
    st.caption(" ".join(lines))


def profile_pdf_button(level: str, code: str, name: str, stamp: str) -> None:
    """'Download profile' with a server-made A4 PDF."""
    today = dt.date.today().strftime("%d %B %Y")
    safe = "".join(ch if ch.isalnum() else "_" for ch in name)[:60]
    # one click: the PDF is made when the button is pressed (deferred data), not on every rerun
    st.download_button("Download profile (PDF, A4)", lambda: cached_profile_pdf(level, code, stamp, today),
                       file_name=f"profile_{safe}.pdf", mime="application/pdf", type="primary", on_click="ignore",
                       key=f"_pdf_{code}", icon=":material/picture_as_pdf:",
                       help="Two A4 pages: headline figures, the neighbourhood map and every indicator against "
                            f"{store.home(stamp)['name']}.")


def print_css() -> None:
    """Let the page print cleanly from the browser: no sidebar, header or buttons on paper."""
    st.markdown("<style>@media print {[data-testid='stSidebar'], header, [data-testid='stToolbar'], .stButton, "
                ".stDownloadButton, [data-testid='stForm'] {display: none !important;} "
                ".block-container {max-width: 100% !important; padding: 0 !important;}}</style>",
                unsafe_allow_html=True)


# ---------- meeting slide ----------

def meeting_slide(level: str, code: str, name: str, stamp: str) -> None:
    """One projector view: the name, a headline sentence, a large map and four big figures."""
    headlines, spine = cached_profile(level, code, stamp)
    st.title(name)
    st.markdown(f"**{html.escape(key_sentences(name, level, headlines, spine, home=store.home(stamp)['name'])[0])}**")
    left, right = st.columns([3, 2])
    with left:
        if level == "lad":
            st.markdown(f"All of {store.home(stamp)['name']}: see each ward with **Next ▶**.")
        area_decile_map(level, code, stamp, key=f"_meeting_map_{code}", height=640)
    with right:
        wanted = {"imd_imd_score", "imd_imd_pct_most_deprived", "life_expectancy_female", "life_expectancy_male",
                  "spi"}
        for card in [h for h in headlines if h.key in wanted]:
            with st.container(border=True):
                st.metric(card.label, card.text)
                st.caption(" · ".join(p for p in (card.period, card.note) if p))
    lines = list(dict.fromkeys(source_line(h.source_id, h.period) for h in headlines if h.source_id and h.period))
    st.caption(" ".join(lines))
