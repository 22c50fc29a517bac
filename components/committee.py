"""The committee home: the home page when a community committee is chosen (issue 19 item 2).

Draws the large committee picker, the committee's wards against Leeds, what changed, its pillar
intersections, its warm-space coverage and the one-click committee pack (PDF). The numbers come from
metrics.committee; cached wrappers (named ``cached_*``) are keyed by the store stamp.
"""
from __future__ import annotations

import datetime as dt
import html
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from components import store
from components.charts import table_arrow
from components.profile import cached_spine_inputs
from components.state import synced
from components.trend_view import cached_series_table, catalogue as series_catalogue
from data.catalogue import level_ids
from data.registry import PILLARS
from data.safe_text import csv_safe
from geo.profile_pdf import committee_pack_pdf
from metrics import committee as cm
from metrics import pillars as pv
from metrics.committee_pack import committee_pack
from metrics.pillar_values import kpi_ids

PICKER_KEY = "_w_home_committee"


def committee_names() -> dict[str, str]:
    """'all' then every committee code with its name (as the sidebar lists them)."""
    catalogue = store.area_catalogue()
    return {"all": "All of Leeds"} | {c.code: c.name for c in catalogue.community_committees.committees}


def no_committees_sentence() -> str:
    """What another district's atlas says where Leeds' pages offer community committees."""
    return (f"Community committees are a Leeds City Council grouping of wards: {store.home(store.built_at())['name']} "
            "has none in this atlas, so committee views are not available here.")


def committee_picker() -> None:
    """A large, labelled committee picker at the top of the home page, bound to the sidebar's choice."""
    if not store.home_is_leeds(store.built_at()):
        st.caption(no_committees_sentence())
        return
    names = committee_names()
    current = st.session_state.get("committee", "all")
    st.session_state[PICKER_KEY] = current if current in names else "all"
    with st.container(key="committee_picker"):
        st.selectbox("Choose a community committee (or All of Leeds)", list(names), key=PICKER_KEY,
                     format_func=names.get, on_change=synced("committee", PICKER_KEY),
                     help="Leeds has ten community committees, each a group of wards. Choosing one turns this page "
                          "into that committee's home: its wards against Leeds, what changed and its printable pack.")


# ---------- cached figures ----------

@st.cache_resource(show_spinner=False, max_entries=16)
def cached_ward_rows(committee: str, stamp: str) -> pd.DataFrame:
    """The committee, its wards and Leeds on the headline measures (shared read-only)."""
    return cm.ward_rows(store.values(stamp), store.registry(), store.areas("ward24", stamp),
                        store.areas("committee", stamp), committee, cm.load_config().measures)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_changes(committee: str, stamp: str) -> pd.DataFrame:
    """The committee's changes: every stored series at committee level, then the deprivation editions."""
    table = cached_series_table(stamp)
    changes = cm.committee_changes(table[table["area_level"].isin(["committee", "lad"])], series_catalogue().trends,
                                   committee)
    iod = cm.deprivation_change(store.values(stamp), store.registry(), committee, cm.load_config().deprivation_change)
    return pd.concat([pd.DataFrame([iod]), changes], ignore_index=True) if iod else changes


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_categories(stamp: str) -> SimpleNamespace:
    """Each neighbourhood's combination of weak pillars under the home page's view (data/committee_home.yaml)."""
    view = cm.load_config().intersections
    lsoas = pd.DataFrame(store.areas(view.level, stamp).drop(columns="geometry"))
    scores = pv.pillar_scores(store.values(stamp), lsoas, store.registry(), view.level, view.basis)
    rules = {p: pv.threshold_rule(view.threshold, scores.leeds[p]) for p in PILLARS}
    population = lsoas.set_index("code")["population"]
    result = pv.intersections(scores.scores, scores.polarity, rules, population)
    return SimpleNamespace(categories=result.categories, population=population,
                           committee_of=lsoas.set_index("code")["committee_code"],
                           sources=sorted({store.registry().get(k).latest.source
                                           for p in PILLARS for k in kpi_ids(store.registry(), p)}))


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_intersections(committee: str, stamp: str) -> pd.DataFrame:
    found = cached_categories(stamp)
    return cm.committee_intersections(found.categories, found.population, found.committee_of, committee)


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_warm_spaces(committee: str, stamp: str) -> dict:
    bands = cm.warm_space_bands()
    return cm.warm_space_coverage(store.table("warm_spaces", stamp), store.table("warm_space_access", stamp),
                                  pd.DataFrame(store.areas("lsoa21", stamp).drop(columns="geometry")),
                                  pd.DataFrame(store.areas("ward24", stamp).drop(columns="geometry")), committee, bands)


@st.cache_data(show_spinner="Making the committee pack…", max_entries=10)
def cached_committee_pack(committee: str, stamp: str, date: str) -> bytes:
    """The committee pack PDF, built only when the button is pressed."""
    layers = {lv: store.areas(lv, stamp) for lv in level_ids()}
    pack = committee_pack(store.values(stamp), store.registry(), store.sources(), layers, committee, date,
                          cached_ward_rows(committee, stamp), cached_changes(committee, stamp),
                          cached_intersections(committee, stamp), cached_warm_spaces(committee, stamp),
                          cached_spine_inputs("ward24", stamp))
    return committee_pack_pdf(pack)


# ---------- drawing ----------

def merged_sources(pairs) -> str:
    """One source line for a section: each (source id, period) as 'publisher, dataset (period)', then each distinct
    licence sentence once (several source_line()s repeated the licence after every source)."""
    catalogue = store.sources()
    pairs = [(s, p) for s, p in dict.fromkeys(pairs) if s in catalogue.sources]
    named = "; ".join(f"{catalogue.sources[s].publisher}, {catalogue.sources[s].dataset} ({p})" for s, p in pairs)
    licences = " ".join(dict.fromkeys(catalogue.attribution_text(s) for s, _ in pairs))
    return f"Sources: {named}. {licences}" if pairs else ""


def pack_button(committee: str, name: str, stamp: str) -> None:
    """One click: the pack is built when the button is pressed (deferred data), never on a rerun."""
    today = dt.date.today().strftime("%d %B %Y")
    wards = int((store.areas("ward24", stamp)["committee_code"] == committee).sum())
    safe = "".join(ch if ch.isalnum() else "_" for ch in name)[:60]
    st.download_button(f"Download the {name} committee pack (PDF, {1 + wards} pages)",
                       lambda: cached_committee_pack(committee, stamp, today), file_name=f"committee_pack_{safe}.pdf",
                       mime="application/pdf", type="primary", on_click="ignore", key=f"_pack_{committee}",
                       icon=":material/picture_as_pdf:",
                       help="A summary page for the committee, then one page per ward, with the sources on every page.")


JUDGEMENT_CLASSES = {cm.WORSE: "worse", cm.BETTER: "better", cm.SIMILAR_WORDS: "similar"}


def ward_table_html(rows: pd.DataFrame) -> str:
    """Measures as rows and areas (committee, wards, Leeds) as columns, like the pack. A judged cell carries a class
    (pale orange worse, purple better, grey similar: components/app.css) and says the same in words."""
    frame = rows.assign(column=rows["label"] + " (" + rows["period"] + ")")
    areas = list(dict.fromkeys(zip(frame["name"], frame["kind"])))
    head = "".join(f'<th scope="col">{html.escape(n)}{" (committee)" if k == "committee" else ""}</th>' for n, k in areas)
    body = []
    for column, group in frame.groupby("column", sort=False):
        cells = group.drop_duplicates("name").set_index("name")
        tds = []
        for name, _ in areas:
            text, judgement = cells.loc[name, "text"], cells.loc[name, "judgement"]
            words = JUDGEMENT_CLASSES.get(judgement)
            tds.append(f'<td class="{words}"><b>{html.escape(text)}</b><br><span>{html.escape(judgement)}</span></td>'
                       if words else f"<td><b>{html.escape(text)}</b></td>")
        body.append(f'<tr><th scope="row">{html.escape(column)}</th>{"".join(tds)}</tr>')
    return (f'<div class="bca-committee-wards"><table><thead><tr><th scope="col">Measure (period)</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_ward_view(committee: str, stamp: str) -> SimpleNamespace:
    """Everything the wards section shows, ready to draw (the pivot and the HTML cost more than a rerun should)."""
    rows = cached_ward_rows(committee, stamp)
    table = cm.ward_table(rows)
    periods = rows.drop_duplicates("source_id")[["source_id", "period"]]
    return SimpleNamespace(html=ward_table_html(rows), sentences=cm.ward_sentences(rows),
                           untested=cm.untested_measures(rows),
                           csv=csv_safe(table).to_csv(index=False).encode("utf-8"),
                           sources=merged_sources(zip(periods["source_id"], periods["period"])))


def wards_section(committee: str, name: str, stamp: str) -> None:
    """Its wards against Leeds on the headline measures, with the judgement in words and colour."""
    view = cached_ward_view(committee, stamp)
    st.subheader(f"{name}'s wards against Leeds")
    st.markdown("\n".join(f"- {sentence}" for sentence in view.sentences))
    st.markdown(view.html, unsafe_allow_html=True)
    st.caption("How a ward is judged: where the figure has a 95% confidence interval (a range that allows for chance), "
               "it is called worse or better than Leeds only when that range does not include Leeds' figure — the rule "
               "the NHS Fingertips profiles use — and similar otherwise. Cells judged worse are shaded orange, better "
               "purple, similar grey; the words in the cell say the same. "
               + (f"No interval is published for these, so they are shown without a judgement: {'; '.join(view.untested)}."
                  if view.untested else ""))
    with st.expander("What each measure means, and sources"):
        registry = store.registry()
        st.markdown("\n\n".join(f"**{m.label}** ({registry.get(m.id).latest.period}). {m.explain}"
                                 for m in cm.load_config().measures))
        st.caption(view.sources)
    st.download_button("Download this table (CSV)", view.csv, file_name=f"leeds_committee_{committee}_wards.csv",
                       mime="text/csv", key="_committee_csv")


@st.cache_resource(show_spinner=False, max_entries=16)
def cached_other_views(committee: str, name: str, stamp: str) -> SimpleNamespace:
    """What the changes, overlaps and warm-spaces sections show, ready to draw (shared read-only)."""
    changes = cached_changes(committee, stamp)
    worse = changes[changes["Judgement"] == "worsened"]["Measure"].tolist()
    better = changes[changes["Judgement"] == "improved"]["Measure"].tolist()
    parts = ([f"improved on: {'; '.join(better)}"] if better else []) + ([f"worsened on: {'; '.join(worse)}"] if worse else [])
    shown = changes.rename(columns={"Judgement": name, "Leeds": "Leeds, same periods"})
    summary = cached_intersections(committee, stamp)
    overlaps = pd.DataFrame({"Weak on": [str(c) for c in summary.index], "Neighbourhoods": summary["areas"].to_numpy(),
                             "Residents": summary["population"].to_numpy(),
                             "Share of its residents (%)": (100 * summary["population_share"]).round(1).to_numpy(),
                             "Share of Leeds residents (%)": (100 * summary["leeds_share"]).round(1).to_numpy()})
    catalogue = store.sources()
    changes_shown = shown[["Measure", "From", "To", "Then", "Now", name, "Leeds, same periods"]]
    return SimpleNamespace(
        changes=changes_shown, changes_arrow=table_arrow(changes_shown), overlaps_arrow=table_arrow(overlaps),
        change_sentence=f"{name} " + " and ".join(parts) + ", each by its measure's own rule (below)." if parts else "",
        rules="\n\n".join(f"**{r.Measure}.** {r.rule}" for r in changes.itertuples()),
        change_sources=merged_sources((s, f"{r.From} to {r.To}") for r in changes.itertuples() for s in r.sources),
        overlap_sentence=cm.intersection_sentence(summary, name), overlaps=overlaps,
        overlap_sources=merged_sources((s, catalogue.sources[s].period) for s in cached_categories(stamp).sources),
        warm=cm.warm_space_sentences(cached_warm_spaces(committee, stamp), name),
        warm_credit=catalogue.attribution_text("warm_spaces"))


def changes_section(committee: str, name: str, stamp: str) -> None:
    """What changed in the committee: each stored series' change over its latest comparable periods."""
    view = cached_other_views(committee, name, stamp)
    st.subheader(f"What changed in {name}")
    if view.changes.empty:
        st.info(f"No time series is held for {name} as a whole, so no change can be shown.")
        return
    if view.change_sentence:
        st.markdown(view.change_sentence)
    st.dataframe(view.changes_arrow, hide_index=True, width="stretch")
    with st.expander("How each change is judged, and sources"):
        st.markdown(view.rules)
        st.caption(view.change_sources)
    st.caption("A change is only measured within one definition of a measure (never across a break). "
               "More measures, and ward by ward, on the Change over time page.")


def intersections_section(committee: str, name: str, stamp: str) -> None:
    """Neighbourhoods weak on several of the three Best City pillars (health, growth, zero carbon)."""
    view = cached_other_views(committee, name, stamp)
    st.subheader(f"Where {name}'s needs overlap")
    st.markdown(view.overlap_sentence)
    st.dataframe(view.overlaps_arrow, hide_index=True, width="stretch",
                 column_config={"Residents": st.column_config.NumberColumn(format="%d"),
                                "Share of its residents (%)": st.column_config.NumberColumn(format="%.1f"),
                                "Share of Leeds residents (%)": st.column_config.NumberColumn(format="%.1f")})
    st.caption("A neighbourhood (LSOA) is counted as weak on a pillar — Health and Wellbeing, Inclusive Growth, Zero "
               "Carbon — when it is among the fifth of Leeds neighbourhoods that do worst on that pillar's key "
               "measures taken together. Other choices are on the Pillars page. " + view.overlap_sources)
    st.page_link("app_pages/pillars.py", label="Open the Pillars page for this committee",
                 icon=":material/join_inner:", query_params={"committee": committee, "level": "lsoa21"})


def warm_spaces_section(committee: str, name: str, stamp: str) -> None:
    """Spaces in the committee and residents beyond the straight-line distance bands."""
    view = cached_other_views(committee, name, stamp)
    st.subheader(f"Warm spaces in {name}")
    st.markdown("\n".join(f"- {sentence}" for sentence in view.warm))
    st.caption("Distances are straight lines from a point inside each neighbourhood, not walking distances; duplicate "
               f"listings are counted once. Points: {view.warm_credit} Residents: Office for National Statistics, "
               "Census 2021.")
    st.page_link("app_pages/warm_spaces.py", label="Open the Warm spaces page", icon=":material/fireplace:",
                 query_params={"committee": committee})


def committee_home(committee: str, name: str, stamp: str) -> None:
    """The committee's sections after the map (its wards against Leeds come before the map)."""
    changes_section(committee, name, stamp)
    intersections_section(committee, name, stamp)
    warm_spaces_section(committee, name, stamp)
