"""Leeds among England's cities: pure functions from the store's cities tables to tables and chart specs.

The page (app_pages/cities.py) only wires widgets to these. Every figure keeps its source and period: tables carry
them in columns, charts in their titles and captions. Ranks: 1 = the highest value (the series mix measures where
higher is better and worse, so the page says so rather than calling a rank good or bad).
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from geo.palettes import class_colours, no_data_colour

ENGLAND, CORE, SIMILAR = "england", "core", "similar"     # URL values of the comparator group (?benchmark=)
GROUP_LABELS = {ENGLAND: "England", CORE: "Core cities", SIMILAR: "Similar districts"}
ONS = "ONS Explore Local Statistics"
HOME_COLOUR, OTHER_COLOUR, ENGLAND_COLOUR, REGION_COLOUR = "#b2182b", "#4d4d4d", "#2166ac", "#5aae61"


@dataclass(frozen=True)
class Group:
    """A comparator group: Leeds plus peers (code -> name), drawn with England and the region."""
    name: str
    peers: dict[str, str]


def indicator_options(series: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Label shown in the chooser -> (dataset, indicator), sorted by label."""
    pairs = series[["dataset", "indicator", "measure"]].drop_duplicates(["dataset", "indicator"]).astype(str)
    labels = {f"{r.indicator} ({r.measure})": (r.dataset, r.indicator) for r in pairs.itertuples()}
    return dict(sorted(labels.items()))


def iod_source(catalogue, source_id: str, lsoas: str) -> str:
    """'Source: <publisher>, <dataset> (<edition>, <LSOA vintage>). <attribution>': each edition on its own LSOAs."""
    source = catalogue.sources[source_id]
    return f"Source: {source.publisher}, {source.dataset} ({source.edition}, {lsoas}). {catalogue.attribution_text(source_id)}"


def group_for(choice: str, config: dict, neighbours: pd.DataFrame) -> Group:
    """The peers of Leeds in the chosen group: the seven core cities or the k most similar districts (England: none,
    Leeds is ranked among all England's districts)."""
    if choice == ENGLAND:
        return Group("England's districts", {})
    if choice == SIMILAR:
        k = int(config["neighbours"]["k"])
        near = neighbours[neighbours["rank"].between(1, k)]
        return Group(f"the {k} most similar districts", dict(zip(near["area_code"], near["area_name"])))
    return Group("the seven other core cities", dict(config["core_cities"]))


def one_indicator(series: pd.DataFrame, dataset: str, indicator: str) -> pd.DataFrame:
    rows = series[(series["dataset"] == dataset) & (series["indicator"] == indicator)]
    return rows.assign(**{c: rows[c].astype(str) for c in ("area_code", "area_name", "area_level", "duration",
                                                             "measure", "unit", "source_org", "period")})


def period_label(period: str) -> str:
    """'2023-01-01/P1Y' -> '2023 (1 year from 2023-01-01)'; a plain date stays a date."""
    start, _, duration = period.partition("/")
    if not duration:
        return start
    return f"{duration[1:].lower().replace('y', ' year').replace('m', ' month')}s from {start}".replace("1 years", "1 year")


def latest_table(rows: pd.DataFrame, config: dict, group: Group) -> tuple[pd.DataFrame, str]:
    """Leeds, its peers, the region and England at the latest period Leeds has: value, rank in the group
    (1 = highest) and rank among England's districts with a value, with source and period on every row."""
    home = config["home"]["code"]
    leeds = rows[rows["area_code"] == home]
    if leeds.empty:
        return pd.DataFrame(), ""
    period = leeds.sort_values("period_start")["period"].iloc[-1]
    at = rows[rows["period"] == period]
    districts = at[at["area_level"] == "district"].copy()
    districts["england_rank"] = districts["observation"].rank(ascending=False, method="min").astype(int)
    n_districts = len(districts)
    wanted = [home, *group.peers]
    table = districts[districts["area_code"].isin(wanted)].copy()
    table["group_rank"] = table["observation"].rank(ascending=False, method="min").astype(int)
    others = at[at["area_code"].isin([config["region"]["code"], config["england"]["code"]])].copy()
    table = pd.concat([table.sort_values("group_rank"), others], ignore_index=True)
    out = pd.DataFrame({
        "Area": table["area_name"],
        "Value": table["observation"].round(2),
        "Unit": table["unit"].where(table["unit"] != "nan", table["measure"]),
        f"Rank in group (of {len(wanted)})": table["group_rank"].astype("Int64"),
        f"Rank of England's districts (of {n_districts})": table["england_rank"].astype("Int64"),
        "Period": period_label(period),
        "Source": table["source_org"] + " via " + ONS,
    })
    if not group.peers:
        out = out.drop(columns=f"Rank in group (of {len(wanted)})")
    names = {config["region"]["code"]: config["region"]["name"], config["england"]["code"]: config["england"]["name"]}
    missing = [{"Area": names[c], "Period": period_label(period), "Source": f"not published in {ONS} for this period"}
               for c in names if c not in set(others["area_code"])]
    return pd.concat([out, pd.DataFrame(missing)], ignore_index=True) if missing else out, period


def chart_frame(rows: pd.DataFrame, config: dict, group: Group) -> pd.DataFrame:
    """Long rows for the small multiples: one panel per city; England's series repeated in every panel."""
    home = config["home"]["code"]
    codes = [home, *group.peers]
    names = {home: config["home"]["name"], **group.peers}
    places = rows[rows["area_code"].isin(codes)].copy()
    places["panel"] = places["area_code"].map(names)
    places["line"] = places["area_code"].map(lambda c: config["home"]["name"] if c == home else "This district")
    england = rows[rows["area_code"] == config["england"]["code"]]
    region = rows[rows["area_code"] == config["region"]["code"]]
    repeated = [england.assign(panel=names[c], line="England") for c in codes] + \
        [region.assign(panel=names[c], line=config["region"]["name"]) for c in codes]
    frame = pd.concat([places, *repeated], ignore_index=True)
    frame["run"] = frame["line"] + "-" + frame["area_code"] + "-" + frame["segment"].astype(str)
    frame["year"] = frame["period_start"]
    frame["period_text"] = frame["period"].map(period_label)
    order = {n: i for i, n in enumerate(names[c] for c in codes)}
    frame["order"] = frame["panel"].map(order)
    return frame[["panel", "order", "line", "run", "year", "observation", "period_text", "area_name"]]


def small_multiples(frame: pd.DataFrame, title: str, unit: str, home: str = "Leeds",
                    region: str = "Yorkshire and The Humber") -> alt.FacetChart:
    """One small chart per place, Leeds' panel in red, England and the region dashed in each; a break starts a new line."""
    colours = alt.Scale(domain=[home, "This district", "England", region],
                        range=[HOME_COLOUR, OTHER_COLOUR, ENGLAND_COLOUR, REGION_COLOUR])
    base = alt.Chart(frame).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("year:T", title=None),
        y=alt.Y("observation:Q", title=unit, scale=alt.Scale(zero=False)),
        color=alt.Color("line:N", scale=colours, title=None, legend=alt.Legend(orient="top")),
        strokeDash=alt.condition((alt.datum.line == "England") | (alt.datum.line == region),
                                 alt.value([4, 3]), alt.value([1, 0])),
        detail="run:N",
        tooltip=[alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("period_text:N", title="Period"),
                 alt.Tooltip("observation:Q", title=unit, format=",.2f")],
    ).properties(width=170, height=120)
    return base.facet(facet=alt.Facet("panel:N", title=None, sort=alt.SortField("order")), columns=4).properties(
        title=title).resolve_scale(y="shared")


def deprivation_view(deprivation: pd.DataFrame, home: str) -> pd.DataFrame:
    """IoD 2019 and 2025 side by side per area (Leeds first): share of its LSOAs in England's most deprived 10%, 3%
    and 1%."""
    rows = []
    for code, g in deprivation.groupby("area_code", sort=False):
        e = {r.edition: r for r in g.itertuples()}
        if not {"2019", "2025"} <= set(e):
            continue
        old, new = e["2019"], e["2025"]
        row = {"Area": new.area_name}
        for p in (10, 3, 1):
            row[f"{p}% 2019"] = round(getattr(old, f"share_{p}pct"), 1)
            row[f"{p}% 2025"] = round(getattr(new, f"share_{p}pct"), 1)
        row["LSOAs 2019 / 2025"] = f"{old.lsoas} / {new.lsoas}"
        row["3% → 1% (2019 → 2025)"] = ("" if pd.isna(new.slip_3_to_1)
                                        else f"{int(new.slip_3_to_1)} of {int(new.slip_base)}")
        rows.append(row)
    out = pd.DataFrame(rows)
    leeds = deprivation.loc[deprivation["area_code"] == home, "area_name"]
    first = out["Area"].isin(set(leeds))
    return pd.concat([out[first], out[~first]], ignore_index=True)


def neighbour_view(neighbours: pd.DataFrame, config: dict, k: int) -> pd.DataFrame:
    """The k districts nearest Leeds with their distance and their value of each variable."""
    variables = config["neighbours"]["variables"]
    near = neighbours[neighbours["rank"] <= k]
    out = pd.DataFrame({"Rank": near["rank"], "District": near["area_name"], "Distance": near["distance"].round(2)})
    for n, var in enumerate(variables):
        out[f"{var['indicator']} ({period_label(var['period'])})"] = near[f"v_{n}"].round(1).to_numpy()
    return out.reset_index(drop=True)


def _cell(value: float, rank: float) -> str:
    if pd.isna(value):
        return "not computed"
    number = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return f"{number} ({int(rank)})" if pd.notna(rank) else number


def file10_view(file10: pd.DataFrame, home: str, codes: list[str]) -> pd.DataFrame:
    """Two rows per File 10 measure (as MHCLG publish it; recomputed here from File 7/8), one column per city
    (``home`` first): 'value (rank of all districts)'; the last column is the largest gap between the two over
    every district, the tolerance the open data allow."""
    cities = [home, *[c for c in codes if c != home]]
    own = file10[file10["area_code"].isin(cities)]
    names = own.drop_duplicates("area_code").set_index("area_code")["area_name"]
    order = list(dict.fromkeys(file10["measure"]))
    gap = (file10["computed"] - file10["value"]).abs().groupby(file10["measure"]).max()
    rows = []
    for measure in order:
        m = own[own["measure"] == measure].set_index("area_code")
        for label, value, rank in (("published (MHCLG File 10)", "value", "rank"),
                                   ("recomputed here from File 7", "computed", "computed_rank")):
            row = {"Measure (rank of England's districts)": measure, "Figures": label}
            row.update({names[c]: _cell(m.at[c, value], m.at[c, rank]) for c in cities if c in m.index})
            row["Largest gap, all districts"] = "" if value == "value" else f"{gap[measure]:.4g}"
            rows.append(row)
    return pd.DataFrame(rows)


def file10_notes(file10: pd.DataFrame, codes: list[str]) -> list[str]:
    """Sentences on what the recomputation left out for the shown cities (blank File 8 numerators), in ``codes``' order."""
    own = file10[file10["area_code"].isin(codes) & (file10["blank"] > 0)]
    order = {c: i for i, c in enumerate(codes)}
    out = []
    for measure, g in own.groupby("measure", sort=False):
        g = g.sort_values("area_code", key=lambda s: s.map(order))
        parts = [f"{int(r.blank)} LSOA{'s' if r.blank > 1 else ''} in {r.area_name}" for r in g.itertuples()]
        out.append(f"{measure}: recomputed without {', '.join(parts)}, whose File 8 numerator is blank (not "
                   "published), so the recomputed figure is a little low there.")
    return out


SEX_WORDS = {"female": "Women", "male": "Men"}
LE_SOURCE = "ONS life expectancy and person-years by MSOA; MHCLG IoD 2025 (File 7); ONS Census 2021"


def le_sii_view(le: pd.DataFrame, home: str) -> pd.DataFrame:
    """One row per city: the life-expectancy SII (years) for women and men with 95% limits, and the MSOAs
    behind it (used; not published by ONS; no 2016-20 figure because the 2021 MSOA is new or changed)."""
    cities = [home, *[c for c in dict.fromkeys(le["area_code"]) if c != home]]
    rows = []
    for code in cities:
        g = le[le["area_code"] == code].set_index("sex")
        row = {"Area": g["area_name"].iloc[0]}
        for sex, word in SEX_WORDS.items():
            r = g.loc[sex]
            row[f"{word}: SII, years (95% CI)"] = (f"{r.sii:.1f} ({r.lower:.1f} to {r.upper:.1f})" if pd.notna(r.sii)
                                                   else f"not computed: {r.reason}")
            row[f"{word}: MSOAs used"] = f"{int(r.used)} of {int(r.msoas)}"
        first = g.iloc[0]
        row["MSOAs not published (women / men)"] = f"{int(g.loc['female', 'suppressed'])} / {int(g.loc['male', 'suppressed'])}"
        row["MSOAs with no 2016-20 figure"] = int(first["no_figure"])
        row["Period"] = first["period"]
        row["Source"] = LE_SOURCE
        rows.append(row)
    return pd.DataFrame(rows)


def map_alt(row) -> str:
    """Alt text of one city's map: what it shows and its counts (the same counts as its caption)."""
    owner = f"{row.city_name}'" if row.city_name.endswith("s") else f"{row.city_name}'s"
    return (f"Map of {owner} {row.lsoas:,} neighbourhoods (LSOAs) coloured by national IMD 2025 decile, "
            f"darkest = decile 1 (England's most deprived 10%); {row.in_decile_1:,} of them are in decile 1.")


def map_caption(row) -> str:
    missing = f"; {row.without_decile} without a decile (grey)" if row.without_decile else ""
    return f"**{row.city_name}**: {row.in_decile_1:,} of {row.lsoas:,} LSOAs in decile 1{missing}"


def decile_legend(maps: pd.DataFrame) -> pd.DataFrame:
    """Legend rows (colour, label, count) of the maps: the ten national deciles (1 darkest) with the LSOAs of every
    city drawn, then no data if any LSOA lacks a decile."""
    colours = class_colours(10, "higher_is_better")
    ends = {1: " (1 = most deprived 10%)", 10: " (least deprived 10%)"}
    rows = [{"colour": colours[d - 1], "label": f"Decile {d}{ends.get(d, '')}", "count": int(maps[f"decile_{d}"].sum())}
            for d in range(1, 11)]
    if maps["without_decile"].sum():
        rows.append({"colour": no_data_colour(), "label": "No data", "count": int(maps["without_decile"].sum())})
    return pd.DataFrame(rows)


MAP_SHOWN_PX = 215      # four maps to a row in the page's width; drawn at twice that or more, so sharp on dense screens


def map_display(maps: pd.DataFrame) -> tuple[int, float]:
    """Width each map is shown at (pixels) and the km that 100 shown pixels cover (the same for every map)."""
    drawn = int(maps["width"].iloc[0])
    shown = min(drawn, MAP_SHOWN_PX)
    return shown, float(maps["km_per_100px"].iloc[0]) * drawn / shown
