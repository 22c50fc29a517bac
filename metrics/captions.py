"""Plain-English headline sentences generated from the figures a page shows (issue 19, item 3).

Each function takes the table a map, chart or profile draws and returns one sentence. Every number in
the sentence is computed here from that table (tests/data/test_captions_data.py recomputes them from the
store independently), counts use data.words so nouns agree, and no technical term appears unexplained:
a page puts the sentence above its map or chart, and the method one click away.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from data.words import count, join_names, ordinal, possessive

Nouns = tuple[str, str]            # (singular, plural), e.g. ("ward", "wards")
MAX_NAMES = 5                      # list the areas by name only when there are this few


def _values(table: pd.DataFrame, name_col: str, value_col: str) -> pd.DataFrame:
    """Areas with a value, in name order (so ties are broken by name, the same on every run)."""
    frame = table[[name_col, value_col]].rename(columns={name_col: "name", value_col: "value"})
    frame = frame.assign(value=pd.to_numeric(frame["value"], errors="coerce")).dropna(subset=["value"])
    return frame.sort_values("name", kind="stable")


def extremes_sentence(table: pd.DataFrame, *, measure: str, polarity: str, nouns: Nouns,
                      fmt: Callable[[float], str] | None = None, leeds: float | None = None, where: str = "Leeds'",
                      name_col: str = "name", value_col: str = "value", home: str = "Leeds") -> str:
    """'Measure: worst in A (23.1%) and best in B (6.0%) of Leeds' 33 wards; 14 of the 33 are worse than Leeds as a
    whole (13.4%).' Areas without a value are said to be so ('the 29 of Leeds' 33 wards with a value'). Worst/best
    follow the measure's polarity; a neutral measure says highest/lowest and no 'worse than Leeds'. ``fmt`` formats a value (values are left out when None, e.g. for a composite score)."""
    frame = _values(table, name_col, value_col)
    n = len(frame)
    among = f"{where} {count(n, *nouns)}" if n == len(table) else \
        f"the {n} of {where} {count(len(table), *nouns)} with a value"
    if n == 0:
        return f"{measure}: no {nouns[1]} have a value."
    show = (lambda v: f" ({fmt(float(v))})") if fmt else (lambda v: "")
    high = frame.loc[frame["value"].idxmax()]
    low = frame.loc[frame["value"].idxmin()]
    if n == 1:
        return f"{measure}: {high['name']}{show(high['value'])} is the only one of {where} {nouns[1]} with a value."
    if polarity == "neutral":
        text = (f"{measure}: highest in {high['name']}{show(high['value'])} and lowest in "
                f"{low['name']}{show(low['value'])} of {among}")
        return text + "."
    worst, best = (high, low) if polarity == "lower_is_better" else (low, high)
    text = (f"{measure}: worst in {worst['name']}{show(worst['value'])} and best in {best['name']}"
            f"{show(best['value'])} of {among}")
    if leeds is not None and not pd.isna(leeds):
        worse = int((frame["value"] > leeds).sum() if polarity == "lower_is_better" else (frame["value"] < leeds).sum())
        text += f"; {worse} of the {n} are worse than {home} as a whole{show(leeds)}"
    return text + "."


def deprivation_sentence(name: str, lsoa_deciles: pd.Series, area_scores: pd.Series, code: str, nouns: Nouns,
                         home: str = "Leeds") -> str:
    """'Gipton & Harehills: 9 of its 10 neighbourhoods are in England's most deprived 10%; the 2nd most deprived of
    Leeds' 33 wards.'

    ``lsoa_deciles``: the national deprivation decile (1 = most deprived tenth of England) of each of the
    area's neighbourhoods (LSOAs); ``area_scores``: the average deprivation score of every area of the level
    (higher = more deprived; for a ward, the population-weighted average of its neighbourhoods' scores), indexed by
    code. The rank counts areas with a higher score, plus one."""
    deciles = pd.to_numeric(lsoa_deciles, errors="coerce").dropna()
    inside = int((deciles == 1).sum())
    text = (f"{name}: {inside} of its {count(len(deciles), 'neighbourhood')} "
            f"{'is' if inside == 1 else 'are'} in England's most deprived 10%")
    scores = pd.to_numeric(area_scores, errors="coerce").dropna()
    if code in scores.index and len(scores) > 1:
        rank = int((scores > scores[code]).sum()) + 1
        text += (f"; the {'most' if rank == 1 else ordinal(rank) + ' most'} deprived of {possessive(home)} {count(len(scores), *nouns)} "
                 "by its residents' average deprivation")
    return text + "."


def all_three_sentence(summary: pd.DataFrame, names: Sequence[str], nouns: Nouns, category: str = "All three",
                       home: str = "Leeds") -> str:
    """'3 wards, home to 72,345 people (9.0% of Leeds' residents), are weak on all three pillars: A, B and C.'

    ``summary``: areas, population and population_share per category (metrics.intersections.category_summary);
    ``names``: the areas in the category (named when there are at most five)."""
    row = summary.loc[category]
    areas = int(row["areas"])
    if areas == 0:
        return f"No {nouns[0]} is weak on all three pillars with these thresholds."
    people = int(round(float(row["population"])))
    verb = "is" if areas == 1 else "are"
    text = (f"{count(areas, *nouns)}, home to {count(people, 'person', 'people')} "
            f"({float(row['population_share']) * 100:.1f}% of {possessive(home)} residents), {verb} weak on all three pillars")
    return text + (f": {join_names(sorted(names))}." if len(names) <= MAX_NAMES else ".")


def kpi_sentence(overview: pd.DataFrame, pillar: str, home: str = "Leeds") -> str:
    """'Leeds is worse than England on 3 of the 5 Health and Wellbeing KPIs that have an England figure: A, B and C.'

    ``overview``: metrics.pillars.kpi_overview (label, leeds_vs_england: better / worse / same / '')."""
    compared = overview[overview["leeds_vs_england"] != ""]
    if compared.empty:
        return f"None of the {pillar} KPIs has an England figure to compare {home} with."
    worse = compared.loc[compared["leeds_vs_england"] == "worse", "label"].tolist()
    text = (f"{home} is worse than England on {len(worse)} of the {count(len(compared), f'{pillar} KPI')} "
            f"that {'has' if len(compared) == 1 else 'have'} an England figure")
    return text + (f": {join_names(worse)}." if worse else ".")


def domains_sentence(summary: pd.DataFrame, domains: Sequence[str], max_decile: int, home: str = "Leeds") -> str:
    """'12 neighbourhoods, home to 20,000 people, are in England's most deprived 10% on all three of Health,
    Income and Living environment.' (``summary`` as category_summary, over the three domains.)"""
    row = summary.loc["All three"]
    areas, people = int(row["areas"]), int(round(float(row["population"])))
    where = f"England's most deprived {max_decile * 10}%"
    if areas == 0:
        return f"No {home} neighbourhood is in {where} on all three of {join_names(domains)}."
    verb = "is" if areas == 1 else "are"
    return (f"{count(areas, 'neighbourhood')}, home to {count(people, 'person', 'people')}, {verb} in {where} "
            f"on all three of {join_names(domains)}.")


def both_worse_sentence(table: pd.DataFrame, x_label: str, y_label: str, nouns: Nouns) -> str:
    """'9 of 33 wards are in the worse third on both A and B: ...' (``table``: metrics.pillars.Bivariate.table,
    x_class / y_class 1-3 with 3 = the worse third; areas missing either value are not counted)."""
    both = table.dropna(subset=["x_class", "y_class"])
    hit = both[(both["x_class"] == 3) & (both["y_class"] == 3)]
    names = sorted(hit["area"].astype(str))
    text = (f"{len(hit)} of {count(len(both), *nouns)} {'is' if len(hit) == 1 else 'are'} in the worse third on both "
            f"{x_label} and {y_label}")
    return text + (f": {join_names(names)}." if 0 < len(names) <= MAX_NAMES else ".")


def summary_change_sentence(judgements: pd.Series, home: str = "Leeds") -> str:
    """'Leeds improved on 5 of the 14 measures followed over time and worsened on 3; 4 show no clear change and
    2 rose or fell (measures that are neither better nor worse when they rise).' ``judgements``: one per measure,
    as metrics.trends judges them; measures with one period only are counted as such."""
    j = judgements.fillna("").astype(str)
    judged = j[j != "one period only"]
    counts = judged.value_counts()
    unclear = int(counts.get("no clear change", 0) + counts.get("within the noise", 0))
    moved = int(counts.get("rose", 0) + counts.get("fell", 0))
    text = (f"{home} improved on {int(counts.get('improved', 0))} of the {count(len(judged), 'measure')} followed over "
            f"time and worsened on {int(counts.get('worsened', 0))}")
    extra = []
    if unclear:
        extra.append(f"{unclear} {'shows' if unclear == 1 else 'show'} no clear change")
    if moved:
        extra.append(f"{moved} rose or fell (measures that are neither better nor worse when they rise)")
    return text + (f"; {' and '.join(extra)}" if extra else "") + "."


def leeds_change_sentence(measure: str, start: str, end: str, value_start: str, value_end: str, judgement: str,
                          home: str = "Leeds") -> str:
    """'Fuel poverty in Leeds went from 15.1% (2019) to 13.0% (2022): improved.' (values already formatted)."""
    return f"{measure} in {home} went from {value_start} ({start}) to {value_end} ({end}): {judgement}."


def area_change_sentence(changes: pd.DataFrame, *, measure: str, start: str, end: str, polarity: str, nouns: Nouns,
                         fmt: Callable[[float], str] | None = None, name_col: str = "name") -> str:
    """'Fuel poverty, 2019 to 2022: improved in 20 of the 33 wards and worsened in 5; the largest fall was in A
    (−3.1 percentage points), the largest rise in B (+0.4 percentage points).'

    ``changes``: one row per area with ``change`` (end minus start) and ``judgement`` (metrics.trends). Areas
    without a change are left out of the count; ties are broken by name."""
    frame = changes.assign(change=pd.to_numeric(changes["change"], errors="coerce")).dropna(subset=["change"])
    frame = frame.sort_values(name_col, kind="stable")
    n = len(frame)
    if n == 0:
        return f"{measure}, {start} to {end}: no {nouns[1]} have values for both periods."
    counts = frame["judgement"].fillna("").astype(str).value_counts()
    if polarity == "neutral":
        head = (f"{measure}, {start} to {end}: rose in {int(counts.get('rose', 0))} of the {count(n, *nouns)} and "
                f"fell in {int(counts.get('fell', 0))}")
    else:
        head = (f"{measure}, {start} to {end}: improved in {int(counts.get('improved', 0))} of the {count(n, *nouns)} "
                f"and worsened in {int(counts.get('worsened', 0))}")
    show = (lambda v: f" ({fmt(float(v))})") if fmt else (lambda v: "")
    low, high = frame.loc[frame["change"].idxmin()], frame.loc[frame["change"].idxmax()]
    parts = []
    if low["change"] < 0:
        parts.append(f"the largest fall was in {low[name_col]}{show(low['change'])}")
    if high["change"] > 0:
        parts.append(f"the largest rise was in {high[name_col]}{show(high['change'])}")
    return head + (f"; {', '.join(parts)}" if parts else "") + "."


def _plain(value: float) -> str:
    """A value as the table shows it (rounded to 2 decimals), without trailing zeros: 21.25, 21.2, 1,234."""
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


def city_rank_sentence(table: pd.DataFrame, *, indicator: str, period: str, home: str = "Leeds",
                       group: str = "") -> str:
    """'Children in poverty (2024): Leeds 21.3%, the 80th highest of England's 296 districts with a value and the 4th
    highest of the 8 core cities; Yorkshire and The Humber 22.0%.'

    ``table``: components.cities_view.latest_table (Area, Value, Unit, 'Rank of England's districts (of n)' and,
    with a group, 'Rank in group (of m)'; 1 = the highest value, which may be better or worse)."""
    rows = table.set_index("Area")
    if home not in rows.index or pd.isna(rows.loc[home, "Value"]):
        return f"{indicator}: {home} has no value for {period}."
    unit = rows.loc[home, "Unit"] if "Unit" in rows.columns else ""
    unit = unit if unit == "%" else f" {unit}" if isinstance(unit, str) and unit and unit != "nan" else ""
    show = lambda area: f"{area} {_plain(rows.loc[area, 'Value'])}{unit}"   # noqa: E731
    place = lambda rank: "highest" if int(rank) == 1 else f"{ordinal(int(rank))} highest"   # noqa: E731
    text = f"{indicator} ({period}): {show(home)}"
    national = next((c for c in rows.columns if c.startswith("Rank of England's districts")), None)
    if national and pd.notna(rows.loc[home, national]):
        text += f", the {place(rows.loc[home, national])} of England's {national.split('(of ')[1].rstrip(')')} districts with a value"
    in_group = next((c for c in rows.columns if c.startswith("Rank in group")), None)
    if in_group and group and pd.notna(rows.loc[home, in_group]):
        text += f" and the {place(rows.loc[home, in_group])} of the {in_group.split('(of ')[1].rstrip(')')} {group}"
    others = [a for a in rows.index if a != home and pd.notna(rows.loc[a, "Value"])
              and (national is None or pd.isna(rows.loc[a, national]))]      # the region and England rows
    return text + (f"; {', '.join(show(a) for a in others)}" if others else "") + "."


def compare_sentence(long: pd.DataFrame, comparator: str) -> str:
    """The compare table in one sentence. One indicator: 'Life expectancy (women, 2016-20): lowest in A (78.1 years)
    and highest in B (84.0 years) of the 5 areas; 2 are worse than Inner East committee (81.2 years) and 1 better,
    beyond what chance would explain.' Several: 'Across 6 indicators and 2 areas, 4 figures are worse than Leeds
    and 2 better beyond what chance would explain (5 similar, 1 not compared); A is worse on the most: 3 of the 6.'

    ``long``: metrics.compare.compare_long with value_text / comparator_text (a figure as the table shows it);
    'worse' and 'better' are its calls (95% intervals that do not overlap); ties are broken by name."""
    calls = long["call"].astype(str).value_counts()
    beyond = f"{int(calls.get('worse', 0))} worse than {comparator} and {int(calls.get('better', 0))} better"
    indicators = list(dict.fromkeys(long["label"]))
    if len(indicators) == 1:
        row0 = long.iloc[0]
        frame = long.assign(v=pd.to_numeric(long["value"], errors="coerce")).dropna(subset=["v"]).sort_values("area", kind="stable")
        head = f"{row0['label']} ({row0['period']})"
        if frame.empty:
            return f"{head}: none of the {count(long['area'].nunique(), 'area')} has a figure."
        high, low = frame.loc[frame["v"].idxmax()], frame.loc[frame["v"].idxmin()]
        if row0["polarity"] == "neutral":
            first, second = ("highest", high), ("lowest", low)
        else:
            worst, best = (high, low) if row0["polarity"] == "lower_is_better" else (low, high)
            first, second = ("worst", worst), ("best", best)
        text = (f"{head}: {first[0]} in {first[1]['area']} ({first[1]['value_text']}) and {second[0]} in "
                f"{second[1]['area']} ({second[1]['value_text']}) of the {count(len(frame), 'area')} with a figure")
        if row0["polarity"] == "neutral" or pd.isna(row0["comparator"]):
            return text + "."
        compared = int(calls.get("worse", 0) + calls.get("better", 0) + calls.get("similar", 0))
        if compared == 0:
            return text + f"; none has a 95% interval to compare with {comparator}."
        return (text + f"; {int(calls.get('worse', 0))} {'is' if calls.get('worse', 0) == 1 else 'are'} worse than "
                f"{comparator} ({row0['comparator_text']}) and {int(calls.get('better', 0))} better, beyond what "
                "chance would explain.")
    others = ", ".join(f"{int(calls.get(c, 0))} {c}" for c in ("similar", "higher", "lower", "not compared")
                       if calls.get(c, 0))
    text = (f"Across {count(len(indicators), 'indicator')} and {count(long['area'].nunique(), 'area')}: "
            f"{beyond}, beyond what chance would explain" + (f" ({others})" if others else ""))
    worse = long[long["call"] == "worse"].groupby("area").size()
    if len(worse):
        top = sorted(worse.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        text += f"; {top[0]} is worse on the most: {top[1]} of the {len(indicators)}"
    return text + "."


def sources_sentence(publishers: Sequence[str], licences: Sequence[str]) -> str:
    """'Every figure comes from 41 open data files from 6 publishers (ONS, MHCLG, ...), under 2 licences: Open
    Government Licence v3.0 (39 files) and ... (2 files).' One entry per file in each sequence."""
    names = list(dict.fromkeys(publishers))
    counts = pd.Series(list(licences), dtype=object).value_counts()
    terms = join_names([f"{name} ({count(int(n), 'file')})" for name, n in
                        sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))])
    return (f"Every figure comes from {count(len(publishers), 'open data file')} from "
            f"{count(len(names), 'publisher')}, under {count(len(counts), 'licence')}: {terms}.")


def indicators_sentence(polarities: Sequence[str], pillar: str = "") -> str:
    """'52 indicators (Health and Wellbeing): 40 are better when lower, 9 better when higher and 3 neither.'"""
    p = pd.Series(list(polarities), dtype=object).value_counts()
    where = f" ({pillar})" if pillar else ""
    return (f"{count(len(polarities), 'indicator')}{where}: {int(p.get('lower_is_better', 0))} "
            f"{'is' if p.get('lower_is_better', 0) == 1 else 'are'} better when lower, "
            f"{int(p.get('higher_is_better', 0))} better when higher and {int(p.get('neutral', 0))} neither "
            "(shown for context).")


def imd_change_sentence(summary: dict, n: int) -> str:
    """'Between the 2019 and 2025 deprivation indices, 120 of Leeds' 488 neighbourhoods moved into a more deprived
    tenth of England and 98 into a less deprived one; 4 slipped back into a more deprived national band (England's most deprived 1%, 3% or 10%).' (``summary``:
    metrics.change.movement_summary; a tenth is a national decile, explained in place.)"""
    slipped = int(summary["Slipped back a band"])
    return (f"Between the 2019 and 2025 deprivation indices, {int(summary['More deprived decile'])} of Leeds' "
            f"{count(n, 'neighbourhood')} moved into a more deprived tenth of England and "
            f"{int(summary['Less deprived decile'])} into a less deprived one; {slipped} slipped back into a more "
            "deprived national band (England's most deprived 1%, 3% or 10%).")


def deprived_share_sentence(table: pd.DataFrame, home: str = "Leeds") -> str:
    """'Leeds: 24.4% of its neighbourhoods are in England's most deprived 10% in the 2025 index (22.8% in 2019);
    the highest share of the 9 areas listed is Manchester's (43.1%).' (``table``: cities_view.deprivation_view;
    shares compare relative position only, the editions being on different neighbourhoods.)"""
    rows = table.set_index("Area")
    if home not in rows.index:
        return f"{home} has no deprivation figures in both editions."
    top = rows["10% 2025"].astype(float)
    top = top[top == top.max()].sort_index().index[0]
    return (f"{home}: {rows.loc[home, '10% 2025']:.1f}% of its neighbourhoods are in England's most deprived 10% in "
            f"the 2025 index ({rows.loc[home, '10% 2019']:.1f}% in 2019); the highest share of the "
            f"{count(len(rows), 'area')} listed is {top}'s ({rows.loc[top, '10% 2025']:.1f}%).")


def home_sentence(place: str, in_decile_1: int, neighbourhoods: int, share: float, people: float) -> str:
    """'Leeds: 114 of its 488 neighbourhoods are in England's most deprived 10%, home to 24.0% of its residents
    (194,000 people).' The home page's answer, from the figures its metrics show."""
    if not neighbourhoods:
        return f"{place}: no neighbourhood has a deprivation figure."
    text = (f"{place}: {in_decile_1} of its {count(neighbourhoods, 'neighbourhood')} "
            f"{'is' if in_decile_1 == 1 else 'are'} in England's most deprived 10%")
    if pd.isna(share) or pd.isna(people):
        return text + "; the share of residents living in them is missing."
    return text + f", home to {share:.1f}% of its residents ({people:,.0f} people)."


def warm_spaces_sentence(shown: pd.DataFrame, total: int) -> str:
    """'42 of the 226 warm space listings match, in 25 wards.' For the map view: how many listings (a space listed
    twice counts twice, as in the list) the search and filters leave, and in how many wards."""
    n = len(shown)
    if n == 0:
        return f"None of the {count(total, 'warm space listing')} match the search and filters."
    wards = shown["ward24_name"].nunique()
    lead = f"All {count(n, 'warm space listing')} shown" if n == total else \
        f"{n} of the {count(total, 'warm space listing')} match"
    return f"{lead}, in {count(wards, 'ward')}."


def warm_gap_sentence(summary: pd.DataFrame, band: int) -> str:
    """'61,000 of Leeds' 812,000 residents (7.5%) live in neighbourhoods more than 800 m in a straight line from the
    nearest warm space; 4,100 of them in England's most deprived 10%.' From residents_beyond's table: the first row
    is all neighbourhoods, the next the first group named."""
    beyond, total = f"Residents beyond {band:,} m", "Residents"
    if summary.empty or beyond not in summary.columns:
        return f"The distance to the nearest warm space is missing, so no count beyond {band:,} m can be given."
    row = summary.iloc[0]
    share = 100 * row[beyond] / row[total] if row[total] else float("nan")
    text = (f"{row[beyond]:,} of Leeds' {row[total]:,} residents" + ("" if pd.isna(share) else f" ({share:.1f}%)") +
            f" live in neighbourhoods more than {band:,} m in a straight line from the nearest warm space")
    if len(summary) > 1:
        group = summary.iloc[1]
        label = str(group["Neighbourhoods"]).split(" (")[0]      # the group's plain name, without its code
        text += f"; {group[beyond]:,} of them in neighbourhoods among {label}"
    return text + "."


def warm_response_sentence(table: pd.DataFrame, nouns: Nouns, name_col: str = "Area",
                           value_col: str = "Spaces per 1,000 residents") -> str:
    """'Warm spaces per 1,000 residents: fewest in A (0.05) and most in B (0.60) of Leeds' 33 wards; 3 have none.'"""
    frame = _values(table, name_col, value_col)
    if frame.empty:
        return f"Warm spaces per 1,000 residents: missing for all {nouns[1]}."
    low, high = frame.loc[frame["value"].idxmin()], frame.loc[frame["value"].idxmax()]
    none = int((frame["value"] == 0).sum())
    return (f"Warm spaces per 1,000 residents: fewest in {low['name']} ({low['value']:.2f}) and most in "
            f"{high['name']} ({high['value']:.2f}) of Leeds' {count(len(table), *nouns)}; "
            f"{none} {'has' if none == 1 else 'have'} none.")


def custom_area_sentence(name: str, lsoa_deciles: pd.Series, residents: int, wards: int) -> str:
    """'My area: 3 of its 5 neighbourhoods are in England's most deprived 10%; 8,123 residents in 2 wards.' The
    custom area's answer, from its neighbourhoods' national deprivation deciles (1 = England's most deprived tenth);
    neighbourhoods without a decile are said to be missing."""
    deciles = pd.to_numeric(lsoa_deciles, errors="coerce")
    known, inside = int(deciles.notna().sum()), int((deciles == 1).sum())
    missing = len(deciles) - known
    text = (f"{name}: {inside} of its {count(len(deciles), 'neighbourhood')} "
            f"{'is' if inside == 1 else 'are'} in England's most deprived 10%")
    if missing:
        text += f" ({missing} without a deprivation figure)"
    return text + f"; {residents:,} residents in {count(wards, 'ward')}."
