"""Leeds among England's cities: pure functions from the store's cities tables to tables and chart specs.

The page (app_pages/cities.py) only wires widgets to these. Every figure keeps its source and period: tables carry
them in columns, charts in their titles and captions. Ranks: 1 = the highest value (the series mix measures where
higher is better and worse, so the page says so rather than calling a rank good or bad).
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

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
        [region.assign(panel=names[c], line="Yorkshire and The Humber") for c in codes]
    frame = pd.concat([places, *repeated], ignore_index=True)
    frame["run"] = frame["line"] + "-" + frame["area_code"] + "-" + frame["segment"].astype(str)
    frame["year"] = frame["period_start"]
    frame["period_text"] = frame["period"].map(period_label)
    order = {n: i for i, n in enumerate(names[c] for c in codes)}
    frame["order"] = frame["panel"].map(order)
    return frame[["panel", "order", "line", "run", "year", "observation", "period_text", "area_name"]]


def small_multiples(frame: pd.DataFrame, title: str, unit: str) -> alt.FacetChart:
    """One small chart per place, Leeds' panel in red, England and the region dashed in each; a break starts a new line."""
    colours = alt.Scale(domain=["Leeds", "This district", "England", "Yorkshire and The Humber"],
                        range=[HOME_COLOUR, OTHER_COLOUR, ENGLAND_COLOUR, REGION_COLOUR])
    base = alt.Chart(frame).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("year:T", title=None),
        y=alt.Y("observation:Q", title=unit, scale=alt.Scale(zero=False)),
        color=alt.Color("line:N", scale=colours, title=None, legend=alt.Legend(orient="top")),
        strokeDash=alt.condition((alt.datum.line == "England") | (alt.datum.line == "Yorkshire and The Humber"),
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


def file10_view(file10: pd.DataFrame, home: str) -> pd.DataFrame:
    """One row per File 10 measure, one column per city (Leeds first): 'value (rank)' as MHCLG publishes them."""
    cities = [home, *[c for c in dict.fromkeys(file10["area_code"]) if c != home]]
    names = file10.drop_duplicates("area_code").set_index("area_code")["area_name"]
    cell = file10.assign(text=[f"{v:,.0f} ({int(r)})" if abs(v) >= 1000 else f"{v:.4g} ({int(r)})"
                               for v, r in zip(file10["value"], file10["rank"])])
    wide = cell.pivot(index="measure", columns="area_code", values="text")
    order = list(dict.fromkeys(file10["measure"]))
    wide = wide.loc[order, cities]
    wide.columns = [names[c] for c in cities]
    return wide.rename_axis("Measure (rank of England's districts)").reset_index()
