"""The change page's views of the time series: every measure at a glance, one measure in depth, monthly demand.

Widgets and layout only; the numbers come from metrics.trends over the store's series table.
"""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import streamlit as st

from data.safe_text import csv_safe
from data.words import possessive
from components import benchmark, store
from components.charts import table_arrow
from components.footer import sources_and_method
from metrics.captions import area_change_sentence, leeds_change_sentence, summary_change_sentence
from components import trend_view as tv
from data.series import Trend
from metrics.trends import (FELL, IMPROVED, NO_CLEAR, NOISE, NOT_TESTED, ROSE, WORSENED, default_pair,
                            leeds_changes, rank_changes, series_periods, summarise, summary_table)

LEVEL_WORDS = {"lsoa21": "Neighbourhoods (LSOA)", "msoa": "MSOAs", "ward24": "Wards", "committee": "Community committees"}
JUDGEMENT_ORDER = [IMPROVED, WORSENED, ROSE, FELL, NO_CLEAR, NOISE, NOT_TESTED]


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_summary(stamp: str) -> pd.DataFrame:
    return summary_table(tv.cached_series_table(stamp), tv.catalogue(), store.home(stamp)["name"])


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_summary_sources(stamp: str) -> list[tuple[str, str]]:
    """(source, periods) behind every summary row: Leeds' rows of the series shown, between its two periods."""
    table, pairs = _cached_summary(stamp), []
    for trend_id, series_id, start, end in zip(table["trend_id"], table.get("series_id", pd.Series(index=table.index)),
                                               table.get("From", pd.Series(index=table.index)),
                                               table.get("To", pd.Series(index=table.index))):
        if isinstance(series_id, str):
            rows = tv.cached_trend_rows(trend_id, stamp)
            pairs += [(s, f"{start} to {end}") for s in rows[(rows["series_id"] == series_id)
                                                              & (rows["area_level"] == "lad")]["source"].unique()]
    return list(dict.fromkeys(pairs))


def summary_section(stamp: str) -> None:
    """Is Leeds getting better? Answer first: one sentence, the counts, one row per measure; the method one click away."""
    view = _cached_summary_view(stamp)
    st.markdown(f"**{view.sentence}**")
    cols = st.columns(4)
    for col, (label, count) in zip(cols, view.counts):
        col.metric(label, count)
    shown = _cached_summary_shown(stamp, benchmark.current())
    st.dataframe(shown.arrow, hide_index=True, width="stretch", height=36 * (shown.rows + 1) + 3)
    if benchmark.current() != benchmark.ENGLAND:
        st.caption(benchmark.trend_note(stamp))
    sources_and_method(view.sources, view.method)


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_summary_view(stamp: str) -> SimpleNamespace:
    """The summary's sentence, counts, method and sources, made once per store and shared read-only
    (``_cached_summary`` is st.cache_data: each call unpickles a copy of the table)."""
    table, home = _cached_summary(stamp), store.home(stamp)["name"]
    judged = table["Judgement"].value_counts()
    counts = [("Improved", int(judged.get(IMPROVED, 0))), ("Worsened", int(judged.get(WORSENED, 0))),
              ("No clear change", int(judged.get(NO_CLEAR, 0) + judged.get(NOISE, 0))),
              ("Rose or fell (not judged)", int(judged.get(ROSE, 0) + judged.get(FELL, 0)))]
    method = [f"For every measure with a time series, {possessive(home)} change between the first and the latest period of its "
              "**current definition** (monthly series: the latest month against a year earlier). Each judgement "
              "follows the measure's stated rule, listed below; measures that are neither better nor worse when they "
              "rise (prices, pay in cash terms, Universal Credit caseloads) are only said to rise or fall.",
              "“England” is England's judgement over the same periods where it is published. Pick a measure above "
              "for its chart, its breaks and the areas where it improved or worsened.",
              "\n\n".join(f"**{trend.short_label}.** {tv.rule_text(trend, home)}" for trend in tv.catalogue().trends
                         if trend.id in set(table["trend_id"]))]
    return SimpleNamespace(sentence=summary_change_sentence(table["Judgement"], home), counts=counts, method=method,
                           sources=_cached_summary_sources(stamp))


@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_summary_shown(stamp: str, choice: str) -> SimpleNamespace:
    """The summary table as shown (``frame``, and ``arrow`` converted once for st.dataframe), with ``choice``'s group
    column (the benchmark chosen in this run), made once per store and choice and shared read-only: its sources and
    change texts cost ~30 ms a run."""
    table = _cached_summary(stamp)
    shown = table.assign(Change=[tv.signed(tv.measure(t), c) if pd.notna(c) else "–"
                                 for t, c in zip(table["trend_id"], table.get("change", pd.Series(index=table.index)))],
                         Source=[_source_of(t, s, stamp) for t, s in zip(table["trend_id"], table.get("series_id"))])
    home = store.home(stamp)["name"]
    columns = ["Measure", "Judgement", "From", "To", f"{home} then", f"{home} now", "Change", "England", "Source"]
    shown = benchmark.trend_column(shown.reindex(columns=[*columns, "trend_id", "series_id"]), stamp, after="England")
    frame = shown.drop(columns=["trend_id", "series_id"])
    return SimpleNamespace(frame=frame, arrow=table_arrow(frame), rows=len(frame))


def _source_of(trend_id: str, series_id, stamp: str) -> str:
    if not isinstance(series_id, str):
        return ""
    rows = tv.cached_trend_rows(trend_id, stamp)
    sources = rows[(rows["series_id"] == series_id) & (rows["area_level"] == "lad")]["source"].unique()
    catalogue = store.sources()
    return "; ".join(catalogue.sources[s].publisher for s in sources)


def trend_section(trend: Trend, committee: str, stamp: str) -> None:
    """One measure: Leeds against England and the region, then where it improved or worsened."""
    view = _cached_trend_view(trend.id, stamp)
    st.header(trend.label)
    home = store.home_name()
    if view.changes:
        latest = view.changes[-1]
        st.markdown("**" + leeds_change_sentence(trend.short_label, latest["start"], latest["end"],
                                                 trend.format_value(latest["value_start"]),
                                                 trend.format_value(latest["value_end"]), latest["judgement"],
                                                 home) + "**")
    if not view.comparators.empty:
        tv.show_chart(view.comparators, trend, tv.comparator_codes(stamp), f"{trend.short_label}: {home} and comparators",
                      view=("comparators", trend.id, stamp))
        for change in view.changes:
            st.markdown(f"**{home}, {tv.series_label(trend, change['series_id'])}:** "
                        f"{tv.change_text(trend, change['value_start'], change['value_end'], change['change'], change['judgement'], change['start'], change['end'])}.")
    method = [" ".join(f"**{tv.series_label(trend, s.id)}:** {s.definition}" if len(trend.series) > 1 else s.definition
                       for s in trend.series)]
    if any(s.rate == "derived" for s in trend.series):
        names = "; ".join(s.denominator_label for s in trend.series if s.denominator_label)
        st.info(f"A rate derived by the atlas, not the publisher's figure. Denominator: {names}.",
                icon=":material/calculate:")
    method += [f"Caveat: {trend.caveat}", f"Rule: {tv.rule_text(trend, home)}"]
    sources_and_method(view.sources, method)
    if not view.levels:
        st.info(f"{trend.short_label} is published for local authorities only: there are no ward or neighbourhood "
                "figures to compare.", icon=":material/info:")
        return
    area_section(trend, view.levels, committee, stamp)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_trend_view(trend_id: str, stamp: str) -> SimpleNamespace:
    """A measure's figures above its areas, made once per measure and store and shared read-only: the home district's
    changes, the comparators' rows and their sources, the levels with small-area values (computing them on every
    "Measure" change was over half of its rerun, bench/pages.py --profile)."""
    trend = tv.measure(trend_id)
    rows = tv.cached_trend_rows(trend_id, stamp)
    comparators = rows[rows["area_level"].isin(tv.COMPARATORS)]
    return SimpleNamespace(changes=leeds_changes(rows, trend, "lad"), comparators=comparators,
                           sources=tv.source_pairs(comparators), levels=tv.levels_of(trend_id, stamp))


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_level_view(trend_id: str, level: str, stamp: str) -> SimpleNamespace:
    """A measure's series at one level and the periods of each (shared read-only)."""
    trend = tv.measure(trend_id)
    small = tv.cached_trend_rows(trend_id, stamp)
    small = small[small["area_level"] == level]
    present = set(small["series_id"])
    series_ids = [s.id for s in trend.series if s.id in present]
    with_values = small[small["value"].notna()]
    return SimpleNamespace(series_ids=series_ids, periods={s: series_periods(with_values, s) for s in series_ids})


NOUNS = {"lsoa21": ("neighbourhood", "neighbourhoods"), "msoa": ("MSOA", "MSOAs"), "ward24": ("ward", "wards"),
         "committee": ("community committee", "community committees")}


@st.cache_resource(show_spinner=False, max_entries=128)
def _cached_area_view(trend_id: str, series_id: str, level: str, start: str, end: str, committee: str,
                      stamp: str) -> SimpleNamespace:
    """Everything "Where it improved and where it worsened" shows for one view, ready to draw and shared read-only:
    the counts, the sentence, the ranked table (converted to Arrow once), its sources and notes, and the areas the
    chart below can follow."""
    trend = tv.measure(trend_id)
    rows = tv.cached_trend_rows(trend_id, stamp)
    changes = tv.cached_area_changes(trend_id, series_id, level, start, end, stamp)
    if committee != "all":
        changes = changes[changes["committee_name"] == tv.committee_label(committee)]
    counts = summarise(changes.dropna(subset=["judgement"]))
    sentence = area_change_sentence(changes.assign(name=changes["display_name"].fillna(changes["name"])),
                                    measure=trend.short_label, start=start, end=end, polarity=trend.polarity,
                                    nouns=NOUNS[level], fmt=lambda v: tv.signed(trend, v))
    ranked = rank_changes(changes, trend.polarity)
    table = pd.DataFrame({
        "Area": ranked["display_name"].fillna(ranked["name"]), "Code": ranked["code"],
        "Committee": ranked["committee_name"], start: ranked["value_start"], end: ranked["value_end"],
        "Change": ranked["change"], "Judgement": ranked["judgement"]})
    options = changes.dropna(subset=["change"])
    return SimpleNamespace(counts=counts, shown=[j for j in JUDGEMENT_ORDER if counts.get(j)], areas=len(changes),
                           sentence=sentence, table=table, arrow=table_arrow(table),
                           sources=tv.source_pairs(rows[rows["series_id"] == series_id]),
                           converted=_converted_note(rows, series_id, start, end),
                           names=dict(zip(options["code"], options["display_name"].fillna(options["name"]))))


def area_section(trend: Trend, levels: list[str], committee: str, stamp: str) -> None:
    """Where it improved and where it worsened: level, definition and two periods of one series."""
    st.subheader("Where it improved and where it worsened")
    c1, c2 = st.columns([2, 3])
    with c1:
        default = levels.index("ward24") if "ward24" in levels else 0
        level = st.radio("Areas", levels, index=default, format_func=LEVEL_WORDS.get, horizontal=True,
                         key=f"change_level_{trend.id}")
    at_level = _cached_level_view(trend.id, level, stamp)
    series_ids = at_level.series_ids
    with c2:
        if len(series_ids) > 1:
            series_id = st.radio("Definition (periods of one definition only)", series_ids, index=len(series_ids) - 1,
                                 format_func=lambda s: tv.series_label(trend, s), key=f"change_series_{trend.id}")
        else:
            series_id = series_ids[0]
    periods = at_level.periods[series_id]
    pair = default_pair(periods)
    if pair is None:
        st.info(f"Only one period ({', '.join(periods) or 'none'}) of this definition at this level: no change can "
                "be computed.")
        return
    start, end = st.select_slider("Compare", options=periods, value=pair, key=f"change_periods_{trend.id}_{series_id}_{level}")
    if start == end:
        st.info("Pick two different periods to see a change.")
        return
    view = _cached_area_view(trend.id, series_id, level, start, end, committee, stamp)
    st.markdown("**" + view.sentence + "**")
    cols = st.columns(max(len(view.shown), 1))
    for col, judgement in zip(cols, view.shown):
        col.metric(judgement.capitalize(), f"{view.counts[judgement]} of {view.areas}")
    if NOISE in view.shown:
        st.caption(f"Within the noise: {trend.change_rule.text}")
    tv.change_map(trend, series_id, level, start, end, committee, stamp)
    fmt = tv._num_format(trend)
    table = view.table
    st.dataframe(view.arrow, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format=fmt) for c in (start, end, "Change")})
    st.download_button("Download (CSV)", lambda: csv_safe(table).to_csv(index=False).encode("utf-8"),   # made on click
                       key=f"change_csv_{trend.id}",
                       file_name=f"{store.file_stem(store.built_at())}_{trend.id}_{level}_{start}_{end}.csv".replace("/", "-").replace(" ", "_"),
                       mime="text/csv")
    st.caption(f"Ordered from the most improved to the most worsened{' (largest rise first)' if trend.polarity == 'neutral' else ''}.")
    sources_and_method(view.sources, [view.converted, f"Rule: {trend.change_rule.text}"])
    area_chart(trend, level, view.names, stamp)


def _converted_note(rows: pd.DataFrame, series_id: str, start: str, end: str) -> str:
    converted = rows[(rows["series_id"] == series_id) & rows["period"].isin([start, end]) & rows["converted"]]
    if converted.empty:
        return ""
    periods = ", ".join(sorted(converted["period"].unique()))
    return (f"{periods}: published on 2011 LSOAs and carried to 2021 LSOAs with the ONS lookup (split LSOAs share "
            "their parent's counts by Census 2021 households; totals are unchanged). ")


def area_chart(trend: Trend, level: str, names: dict[str, str], stamp: str) -> None:
    """One area's line against Leeds, every series, breaks marked (``names``: code -> name of the areas with a change)."""
    if not names:
        return
    code = st.selectbox("Follow one area over time", list(names), format_func=names.get,
                        key=f"change_area_{trend.id}_{level}")
    tv.show_chart(_cached_area_rows(trend.id, level, code, stamp), trend, {**tv.comparator_codes(stamp), code: names[code]},
                  f"{names[code]} against {store.home_name()} and England",
                  view=("area", trend.id, level, code, stamp))


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_area_rows(trend_id: str, level: str, code: str, stamp: str) -> pd.DataFrame:
    """One area's rows and the comparators' of a measure (shared read-only)."""
    rows = tv.cached_trend_rows(trend_id, stamp)
    return rows[((rows["area_level"] == level) & (rows["area_code"] == code)) | rows["area_level"].isin(tv.COMPARATORS)]


def demand_section(stamp: str, committee: str) -> None:
    """Monthly Universal Credit households by MSOA: latest month, change over 12 months, where it rose most."""
    trend = tv.catalogue().get("universal_credit_households")
    view = _cached_demand_view(committee, stamp)
    start, end = view.start, view.end
    st.header("Monthly demand: households on Universal Credit")
    st.markdown("**" + view.sentence + "**")
    c1, c2, c3 = st.columns(3)
    c1.metric(f"Leeds households on UC, {end}", trend.format_value(view.leeds.get(end)))
    c2.metric(f"Change since {start}", tv.signed(trend, view.leeds.get(end) - view.leeds.get(start)))
    c3.metric("Latest month", end + (" (provisional)" if view.provisional else ""))
    st.subheader(f"The ten MSOAs where it rose most, {start} to {end}")
    tv.show_chart(view.picked, trend, view.names, "Households on Universal Credit, month by month: the five MSOAs that rose most",
                  view=("demand", trend.id, view.series_id, start, end, view.top5, stamp))
    st.dataframe(view.arrow, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.0f") for c in (start, end, "Change")} |
                 {"Change (%)": st.column_config.NumberColumn(format="%.1f")})
    sources_and_method(view.sources, [f"Caveat: {trend.caveat}", f"Rule: {trend.change_rule.text}"])
    claimant_snapshot(stamp, committee)


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_demand_view(committee: str, stamp: str) -> SimpleNamespace:
    """What the monthly demand section shows for a committee ('all': Leeds), ready to draw and shared read-only."""
    trend = tv.catalogue().get("universal_credit_households")
    rows = tv.cached_trend_rows(trend.id, stamp)
    msoa = rows[rows["area_level"] == "msoa"]
    series_id = trend.series[0].id
    periods = series_periods(msoa[msoa["value"].notna()], series_id)
    start, end = default_pair(periods)
    leeds = rows[(rows["area_level"] == "lad") & rows["period"].isin([start, end])].set_index("period")["value"]
    changes = tv.cached_area_changes(trend.id, series_id, "msoa", start, end, stamp)
    if committee != "all":
        changes = changes[changes["committee_name"] == tv.committee_label(committee)]
    sentence = area_change_sentence(changes.assign(name=changes["display_name"].fillna(changes["name"])),
                                    measure=trend.short_label, start=start, end=end, polarity=trend.polarity,
                                    nouns=("MSOA", "MSOAs"), fmt=lambda v: tv.signed(trend, v))
    top = changes.dropna(subset=["change"]).sort_values("change", ascending=False).head(10)
    table = pd.DataFrame({"MSOA": top["display_name"], "Code": top["code"], start: top["value_start"],
                          end: top["value_end"], "Change": top["change"],
                          "Change (%)": 100 * top["change"] / top["value_start"]})
    return SimpleNamespace(series_id=series_id, start=start, end=end, leeds=leeds, sentence=sentence,
                           provisional=bool(rows[rows["period"] == end]["provisional"].any()),
                           picked=msoa[msoa["area_code"].isin(top["code"].head(5))],
                           names=dict(zip(top["code"], top["display_name"])), top5=tuple(top["code"].head(5)),
                           arrow=table_arrow(table), sources=tv.source_pairs(rows[rows["period"].isin(periods)]))


def explorer_change(level: str, committee: str, stamp: str) -> None:
    """The map explorer's change mode: any measure with two comparable periods at this level, mapped as the change.

    The period picker offers the periods of one series (one definition) at a time, so a change never spans a
    break; the palette diverges from no change (purple better, orange worse; for neutral measures fell / rose).
    """
    measures = _cached_measures_at(level, stamp)
    if not measures:
        st.info("No measure has two comparable periods at this level: pick another geography in the sidebar.")
        return
    labels = {m: f"{tv.measure(m).theme}: {tv.measure(m).label}" for m in measures}
    mid = st.selectbox("Measure with two or more comparable periods (type to search)", measures, format_func=labels.get,
                       key="explorer_change_measure")
    trend = tv.measure(mid)
    rows = tv.cached_trend_rows(mid, stamp)
    small = rows[(rows["area_level"] == level) & rows["value"].notna()]
    series_ids = [s.id for s in trend.series if s.id in set(small["series_id"])]
    c1, c2 = st.columns([2, 3])
    with c1:
        series_id = series_ids[-1] if len(series_ids) == 1 else st.radio(
            "Definition (periods of one definition only)", series_ids, index=len(series_ids) - 1,
            format_func=lambda s: tv.series_label(trend, s), key=f"explorer_change_series_{mid}")
    periods = series_periods(small, series_id)
    with c2:
        start, end = st.select_slider("Change between", options=periods, value=default_pair(periods),
                                      key=f"explorer_change_periods_{mid}_{series_id}_{level}")
    if start == end:
        st.info("Pick two different periods to map a change.")
        return
    tv.change_map(trend, series_id, level, start, end, committee, stamp)
    st.caption(f"Rule: {trend.change_rule.text} " + _converted_note(rows, series_id, start, end)
               + tv.sources_caption(trend, rows[(rows["series_id"] == series_id) & rows["period"].isin([start, end])]))
    changes = tv.cached_area_changes(mid, series_id, level, start, end, stamp)
    if committee != "all":
        changes = changes[changes["committee_name"] == tv.committee_label(committee)]
    counts = summarise(changes.dropna(subset=["judgement"]))
    st.markdown(" · ".join(f"**{counts[j]}** {j}" for j in JUDGEMENT_ORDER if counts.get(j)) +
                f" (of {len(changes)} areas).")
    ranked = rank_changes(changes, trend.polarity)
    table = pd.DataFrame({"Area": ranked["display_name"].fillna(ranked["name"]), "Code": ranked["code"],
                          start: ranked["value_start"], end: ranked["value_end"], "Change": ranked["change"],
                          "Judgement": ranked["judgement"]})
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format=tv._num_format(trend)) for c in (start, end, "Change")})


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_measures_at(level: str, stamp: str) -> list[str]:
    """Measures with at least two periods of one series at a level: series.yaml trends, then IoD editions."""
    table = tv.cached_series_table(stamp)
    rows = table[(table["area_level"] == level) & table["value"].notna()]
    periods = rows.groupby("series_id")["period"].nunique()
    with_two = set(periods[periods >= 2].index)
    trends = [t.id for t in tv.catalogue().trends if any(s.id in with_two for s in t.series)]
    registry = [m for m in tv.registry_measures()
                if level in store.registry().get(m[len(tv.REGISTRY_PREFIX):]).levels(list(store.area_catalogue().levels))]
    return trends + registry


def claimant_snapshot(stamp: str, committee: str) -> None:
    """The ward claimant rate, July and October 2023: a four-month snapshot, not a trend."""
    trend = tv.catalogue().get("claimant_rate_ward")
    view = _cached_claimant_view(committee, stamp)
    start, end = view.start, view.end
    st.subheader(f"Claimant rate by ward, {start} and {end} (a snapshot)")
    st.dataframe(view.arrow, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.1f")
                                for c in (f"{start} (%)", f"{end} (%)", "Change (points)")})
    sources_and_method(view.sources, [trend.caveat, f"Rule: {trend.change_rule.text}"])


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_claimant_view(committee: str, stamp: str) -> SimpleNamespace:
    """The claimant snapshot's table for a committee ('all': Leeds), converted once and shared read-only."""
    trend = tv.catalogue().get("claimant_rate_ward")
    series_id = trend.series[0].id
    rows = tv.cached_trend_rows(trend.id, stamp)
    periods = series_periods(rows[rows["area_level"] == "ward24"], series_id)
    start, end = periods[0], periods[-1]
    changes = tv.cached_area_changes(trend.id, series_id, "ward24", start, end, stamp)
    if committee != "all":
        changes = changes[changes["committee_name"] == tv.committee_label(committee)]
    top = changes.sort_values(["value_end", "change"], ascending=False)
    table = pd.DataFrame({"Ward": top["name"], "Committee": top["committee_name"], f"{start} (%)": top["value_start"],
                          f"{end} (%)": top["value_end"], "Change (points)": top["change"],
                          "Judgement": top["judgement"]})
    return SimpleNamespace(start=start, end=end, arrow=table_arrow(table), sources=tv.source_pairs(rows))
