"""Leeds among England's cities: the store tables behind the cities page (issue 17), configured in data/cities.yaml.

Read once by the build: the ONS Explore Local Statistics district series (every English district, so ranks of
all districts and the similar-districts method need no second file), IoD 2019 (LSOA11) and IoD 2025 (LSOA21).
The app reads only the tables written here (CITY_TABLES): the series, IoD bands, similar districts, IoD 2025 File 10
as published beside the same measures recomputed from File 7 (all districts), each city's life-expectancy SII, and
the small-multiple LSOA maps.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from data.catalogue import SourceCatalogue, cities_config_for, load_cities_config
from data.settings import DataError
from data.pipeline.inputs import read_geo, read_table
from geo.palettes import class_colours, no_data_colour
from geo.small_multiples import decile_colours, panel_png, png_size, shared_box
from metrics.district_summaries import district_summaries, rank_of_districts
from metrics.inequalities import SII_REPETITIONS, district_life_expectancy_sii

DROPPED_STATUS = {"x", "z", "c"}     # ONS status codes: not available, not applicable, confidential
CITY_TABLES = ("cities_series", "cities_deprivation", "cities_neighbours", "cities_file10", "cities_le_sii",
               "cities_map")


def city_codes(config: dict) -> dict[str, str]:
    """Leeds first, then the seven other core cities: code -> name."""
    return {config["home"]["code"]: config["home"]["name"], **config["core_cities"]}


def _segments(frame: pd.DataFrame) -> pd.Series:
    """Number the unbroken runs of each area's series: a new run where the period length changes or a period is
    missing (a gap longer than 1.5 times the series' usual step), so a chart never draws a line across a break."""
    keys = ["dataset", "indicator", "area_code"]
    ordered = frame.sort_values([*keys, "period_start"])
    groups = ordered.groupby(keys, sort=False, observed=True)
    step = groups["period_start"].diff().dt.days
    usual = step.groupby([ordered[k] for k in keys], observed=True).transform("median")
    first = step.isna()
    broken = ~first & ((ordered["duration"] != groups["duration"].shift()) | (step > 1.5 * usual))
    return broken.astype("int64").groupby([ordered[k] for k in keys], observed=True).cumsum().reindex(frame.index)


def district_series(raw: pd.DataFrame, config: dict, districts: pd.DataFrame) -> pd.DataFrame:
    """Every current English district, the regions and England, one row per dataset, indicator, area and period.

    Superseded codes are recoded to the LAD24 code (config `recode`); rows of other retired districts are dropped;
    ONS status x/z/c rows and blank observations are dropped; where a recoded district appears twice for one
    period the row under the newer code is kept.
    """
    frame = raw.copy()
    frame["newer_code"] = frame["area_code"].isin(config.get("recode", {}))
    frame["area_code"] = frame["area_code"].replace(config.get("recode", {}))
    regions = set(districts["region24_code"].dropna())
    keep = set(districts["lad24_code"]) | regions | {config["england"]["code"]}
    frame = frame[frame["area_code"].isin(keep) & frame["observation"].notna()
                  & ~frame["status"].fillna("").isin(DROPPED_STATUS)]
    frame = (frame.sort_values("newer_code", ascending=False)
             .drop_duplicates(["dataset", "indicator", "area_code", "period"]))
    parts = frame["period"].str.split("/", n=1, expand=True)
    frame = frame.assign(period_start=pd.to_datetime(parts[0], errors="coerce"),
                         duration=parts[1] if parts.shape[1] > 1 else None)
    if frame["period_start"].isna().any():
        bad = frame.loc[frame["period_start"].isna(), "period"].iloc[0]
        raise DataError(f"ONS local statistics: period {bad!r} is not an ISO 8601 date or interval.")
    frame["duration"] = frame["duration"].fillna("")
    level = np.where(frame["area_code"] == config["england"]["code"], "england",
                     np.where(frame["area_code"].isin(regions), "region", "district"))
    names = districts.drop_duplicates("lad24_code").set_index("lad24_code")["lad24_name"]
    frame["area_name"] = frame["area_code"].map(names).fillna(frame["area_name"])
    frame["area_level"] = level
    frame["segment"] = _segments(frame)
    columns = ["dataset", "indicator", "area_code", "area_name", "area_level", "period", "period_start", "duration",
               "segment", "observation", "measure", "unit", "lci_95", "uci_95", "status"]
    out = frame[columns].sort_values(["dataset", "indicator", "area_code", "period_start"]).reset_index(drop=True)
    for column in ("dataset", "indicator", "area_code", "area_name", "area_level", "duration", "measure", "unit", "status"):
        out[column] = out[column].astype("category")
    return out


def band_counts(ranks: pd.Series, groups: pd.Series, shares: list[float], total: int) -> pd.DataFrame:
    """LSOAs per group and how many rank in England's most deprived share p (rank <= floor(total * p))."""
    frame = pd.DataFrame({"group": groups.to_numpy(), "rank": ranks.to_numpy()})
    out = frame.groupby("group").size().rename("lsoas").to_frame()
    for p in shares:
        cut = math.floor(total * p)
        out[f"in_{round(p * 100)}pct"] = (frame["rank"] <= cut).groupby(frame["group"]).sum()
    return out.reset_index().rename(columns={"group": "area_code"})


def deprivation_table(imd19: pd.DataFrame, imd25: pd.DataFrame, lookup11: pd.DataFrame, lookup21: pd.DataFrame,
                      config: dict) -> pd.DataFrame:
    """Per city, the region and England: LSOAs in England's most deprived 10/3/1% in IoD 2019 and IoD 2025.

    Each edition is counted on its own geography (2019: 32,844 LSOA 2011; 2025: 33,755 LSOA 2021) against its own
    England ranking; LSOA11s are placed in a district with the ONS LSOA11 -> LAD22 lookup (core-city codes are the
    same in 2022 and 2024). The slip test follows the LSOAs in the 2019 3% (but not the 1%) whose boundaries did not
    change (ONS change code U) and counts how many are in the 2025 1%.
    """
    shares = config["deprivation_shares"]
    cities = city_codes(config)
    region, england = config["region"]["code"], config["england"]["code"]
    lad_region = lookup21.drop_duplicates("lad24_code").set_index("lad24_code")["region24_code"]
    lsoa11_lad = lookup11.drop_duplicates("lsoa11_code").set_index("lsoa11_code")["lad22_code"]
    rows = []
    for edition, imd, lad in (("2019", imd19, imd19["lsoa11_code"].map(lsoa11_lad)), ("2025", imd25, imd25["lad24_code"])):
        total = len(imd)
        if lad.isna().any():
            raise DataError(f"IoD {edition}: {int(lad.isna().sum())} LSOAs have no district in the lookup.")
        lad = lad.replace(config.get("recode", {}))
        by_city = band_counts(imd["imd_rank"], lad, shares, total)
        by_city = by_city[by_city["area_code"].isin(cities)]
        by_region = band_counts(imd["imd_rank"], lad.map(lad_region).fillna(""), shares, total)
        by_region = by_region[by_region["area_code"] == region]
        whole = band_counts(imd["imd_rank"], pd.Series(england, index=imd.index), shares, total)
        table = pd.concat([by_city, by_region, whole], ignore_index=True)
        table["edition"], table["england_lsoas"] = edition, total
        table["lsoa_vintage"] = "LSOA 2011" if edition == "2019" else "LSOA 2021"
        rows.append(table)
    out = pd.concat(rows, ignore_index=True)
    for p in shares:
        col = f"in_{round(p * 100)}pct"
        out[f"share_{round(p * 100)}pct"] = 100 * out[col] / out["lsoas"]
    out["slip_3_to_1"], out["slip_base"] = pd.NA, pd.NA
    slip = slip_test(imd19, imd25, lookup11, lsoa11_lad.replace(config.get("recode", {})), shares)
    for code, (base, slipped) in slip.items():
        mask = (out["area_code"] == code) & (out["edition"] == "2025")
        out.loc[mask, "slip_base"], out.loc[mask, "slip_3_to_1"] = base, slipped
    names = {**cities, region: config["region"]["name"], england: config["england"]["name"]}
    out["area_name"] = out["area_code"].map(names)
    out["slip_3_to_1"] = out["slip_3_to_1"].astype("Int64")
    out["slip_base"] = out["slip_base"].astype("Int64")
    return out


def slip_test(imd19: pd.DataFrame, imd25: pd.DataFrame, lookup11: pd.DataFrame, lsoa11_lad: pd.Series,
              shares: list[float]) -> dict[str, tuple[int, int]]:
    """District -> (LSOAs in the 2019 3% but not the 2019 1%, with unchanged boundaries; how many of them are in
    the 2025 1%): the council's test that neighbourhoods in the 3% most deprived must not slip into the 1%."""
    three, one19, one = (math.floor(len(imd19) * 0.03), math.floor(len(imd19) * 0.01),
                         math.floor(len(imd25) * 0.01))
    if 0.03 not in shares or 0.01 not in shares:
        return {}
    unchanged = lookup11[lookup11["change_code"] == "U"].set_index("lsoa11_code")["lsoa21_code"]
    base = imd19[imd19["imd_rank"].between(one19 + 1, three)][["lsoa11_code"]].copy()
    base["lsoa21_code"] = base["lsoa11_code"].map(unchanged)
    base = base.dropna(subset=["lsoa21_code"])
    rank25 = imd25.set_index("lsoa21_code")["imd_rank"]
    base["slipped"] = base["lsoa21_code"].map(rank25) <= one
    base["lad"] = base["lsoa11_code"].map(lsoa11_lad)
    grouped = base.groupby("lad")["slipped"].agg(["size", "sum"])
    return {code: (int(r["size"]), int(r["sum"])) for code, r in grouped.iterrows()}


def neighbours_table(series: pd.DataFrame, config: dict) -> pd.DataFrame:
    """Every district's standardised distance from Leeds over the configured variables (rank 0 = Leeds itself).

    Columns: area_code, area_name, distance, rank, then per variable its value (v_<n>) and z-score (z_<n>).
    """
    home = config["home"]["code"]
    districts = series[series["area_level"] == "district"]
    values = {}
    for n, var in enumerate(config["neighbours"]["variables"]):
        rows = districts[(districts["dataset"] == var["dataset"]) & (districts["indicator"] == var["indicator"])
                         & (districts["period"] == var["period"])]
        if rows.empty:
            raise DataError(f"cities.yaml: no district values for {var['indicator']} in {var['period']}.")
        values[n] = rows.set_index(rows["area_code"].astype(str))["observation"]
    table = pd.DataFrame(values)
    table.index = table.index.astype(str)
    complete = table.dropna()
    if home not in complete.index:
        raise DataError("cities.yaml: Leeds lacks a value for one of the neighbour variables.")
    z = (complete - complete.mean()) / complete.std(ddof=0)
    distance = np.sqrt(((z - z.loc[home]) ** 2).sum(axis=1))
    out = pd.DataFrame({"area_code": complete.index, "distance": distance.to_numpy()})
    for n in values:
        out[f"v_{n}"], out[f"z_{n}"] = complete[n].to_numpy(), z[n].to_numpy()
    names = districts.drop_duplicates("area_code").set_index(districts.drop_duplicates("area_code")["area_code"].astype(str))["area_name"].astype(str)
    out["area_name"] = out["area_code"].map(names)
    out = out.sort_values(["distance", "area_code"]).reset_index(drop=True)
    out["rank"] = np.arange(len(out))
    out.attrs["left_out"] = int(len(table) - len(complete))
    return out[["area_code", "area_name", "distance", "rank", *[c for c in out if c[:2] in ("v_", "z_")]]]


def file10_table(file10: pd.DataFrame, imd25: pd.DataFrame, population: pd.DataFrame, numerators: pd.DataFrame,
                 config: dict) -> pd.DataFrame:
    """Every district's IoD 2025 summary measures: as MHCLG publish them (File 10) and recomputed from File 7 by
    MHCLG's method (metrics.district_summaries), each with its rank of all districts; long: one row per district
    and measure. The population weights are Census 2021 usual residents: File 7's own denominators (mid-2022)
    are not in the mirror. The scales are File 8's numerators summed (LSOAs with a blank numerator left out and
    counted in ``blank``)."""
    recode = config.get("recode", {})
    lsoas = (imd25[["lsoa21_code", "lad24_code", "imd_score", "imd_rank", "imd_decile"]]
             .merge(population[["lsoa21_code", "usual_residents_census2021"]], on="lsoa21_code", how="left")
             .merge(numerators[["lsoa21_code", "income_domain_numerator", "employment_domain_numerator"]],
                    on="lsoa21_code", how="left"))
    if lsoas["usual_residents_census2021"].isna().any():
        raise DataError(f"Census 2021 population is missing for {int(lsoas['usual_residents_census2021'].isna().sum())} "
                        "IoD 2025 LSOAs.")
    computed = district_summaries(pd.DataFrame({
        "district": lsoas["lad24_code"].replace(recode), "score": lsoas["imd_score"], "rank": lsoas["imd_rank"],
        "decile": lsoas["imd_decile"], "population": lsoas["usual_residents_census2021"],
        "income_numerator": lsoas["income_domain_numerator"],
        "employment_numerator": lsoas["employment_domain_numerator"]})).set_index("district")
    published = file10.assign(area_code=file10["ltla24_code"].replace(recode)).set_index("area_code")
    missing = set(computed.index) ^ set(published.index)
    if missing:
        raise DataError(f"IoD 2025 File 10 and File 7 disagree on the districts (e.g. {sorted(missing)[0]}).")
    if not set(city_codes(config)) <= set(published.index):
        raise DataError("IoD 2025 File 10 lacks one of the core cities.")
    out = []
    for m in config["file10"]:
        ours = computed[m["computed"]]
        blank = computed[m["blank"]] if m.get("blank") else pd.Series(0, index=computed.index)
        out.append(pd.DataFrame({
            "area_code": published.index, "area_name": published["ltla24_name"].to_numpy(), "measure": m["label"],
            "value": published[m["value"]].astype(float).to_numpy(), "rank": published[m["rank"]].astype(float).to_numpy(),
            "computed": ours.reindex(published.index).to_numpy(),
            "computed_rank": rank_of_districts(ours).reindex(published.index).astype(float).to_numpy(),
            "blank": blank.reindex(published.index).astype(int).to_numpy(), "districts": len(published)}))
    return pd.concat(out, ignore_index=True)


def le_sii_table(england_le: pd.DataFrame, lookup21: pd.DataFrame, config: dict, period: str,
                 repetitions: int = SII_REPETITIONS) -> pd.DataFrame:
    """Each city's life-expectancy SII (women, men) by the Inequalities page's method, from the stored England MSOA
    table filtered to the city's 2021 MSOAs, with 95% limits and what was left out (metrics.inequalities)."""
    rows = []
    for code, name in city_codes(config).items():
        msoas = sorted(lookup21.loc[lookup21["lad24_code"] == code, "msoa21_code"].dropna().unique())
        for sex in ("female", "male"):
            sii = district_life_expectancy_sii(england_le, msoas, sex, repetitions=repetitions)
            r = sii.result
            rows.append({"area_code": code, "area_name": name, "sex": sex, "period": period,
                         "sii": r.sii if r else np.nan, "lower": r.sii_lower[0.95] if r else np.nan,
                         "upper": r.sii_upper[0.95] if r else np.nan, "deciles": len(sii.groups),
                         "msoas": sii.msoas, "used": sii.used, "suppressed": sii.suppressed,
                         "no_figure": sii.no_figure, "reason": sii.reason})
    return pd.DataFrame(rows)


def map_table(layer: pd.DataFrame, imd25: pd.DataFrame, config: dict) -> pd.DataFrame:
    """The small-multiple maps, drawn once here: one PNG per city of its LSOAs (the core-cities layer) by national
    IMD 2025 decile, on one colour scale (decile 1 darkest, as every IMD decile map in the atlas) and one
    distance scale (``map`` in cities.yaml). One row per city: code, name, png, width/height in pixels, LSOAs,
    LSOAs in decile 1, LSOAs without a decile and LSOAs per decile (decile_1 ... decile_10). A city missing from the layer gets no row."""
    settings = config["map"]
    deciles = imd25.set_index("lsoa21_code")["imd_decile"]
    ramp, missing = class_colours(10, "higher_is_better"), no_data_colour()
    own = {c: layer[layer["lad24_code"] == c] for c in city_codes(config) if (layer["lad24_code"] == c).any()}
    box = shared_box(own, settings["margin_km"] * 1000)
    rows = []
    for code, lsoas in own.items():
        city_deciles = lsoas["lsoa21_code"].map(deciles)
        png = panel_png(lsoas, decile_colours(city_deciles.tolist(), ramp, missing), box, settings["px_per_km"])
        width, height = png_size(png)
        rows.append({"city_code": code, "city_name": city_codes(config)[code], "png": png, "width": width,
                     "height": height, "km_per_100px": round(100 / settings["px_per_km"], 2), "lsoas": len(lsoas),
                     "in_decile_1": int((city_deciles == 1).sum()), "without_decile": int(city_deciles.isna().sum()),
                     **{f"decile_{d}": int((city_deciles == d).sum()) for d in range(1, 11)}})
    return pd.DataFrame(rows)


def cities_tables(sources: SourceCatalogue, data_dir: Path, lookup11: pd.DataFrame,
                  home: dict | None = None, england_le: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The store tables, from the raw files (checksums were checked by the build); ``home`` (see
    data.catalogue.cities_config_for) when the atlas is built for another district; ``england_le`` the stored
    England MSOA life-expectancy table (data/pipeline/england.py), for each city's SII."""
    config = cities_config_for(load_cities_config(), home)
    s = sources.sources
    lookup21 = read_table(s["lookup_lsoa21_ward24"], data_dir, check_sha=False)
    lookup21 = lookup21[lookup21["lad24_code"].str.startswith("E")]
    districts = lookup21.drop_duplicates("lad24_code")[["lad24_code", "lad24_name", "region24_code"]]
    raw = read_table(s["ons_local_statistics_lad"], data_dir, columns=["observation"], check_sha=False)
    meta = read_table(s["ons_local_statistics_datasets"], data_dir, check_sha=False)
    series = district_series(raw, config, districts)
    labels = meta.set_index("dataset")
    publisher = labels["source_org"].str.replace("|", "; ", regex=False).fillna("publisher not named in the ONS metadata")
    series["source_org"] = series["dataset"].astype(str).map(publisher).astype("category")
    series["source_date"] = series["dataset"].astype(str).map(labels["source_date"]).astype("category")
    neighbours = neighbours_table(series, config)
    imd19 = read_table(s["imd2019_lsoa11"], data_dir, check_sha=False)
    imd25 = read_table(s["imd2025_lsoa21"], data_dir, columns=["imd_score"], check_sha=False)
    deprivation = deprivation_table(imd19, imd25, lookup11, lookup21, config)
    columns = [c for m in config["file10"] for c in (m["value"], m["rank"])]
    population = read_table(s["population_census2021"], data_dir, columns=["usual_residents_census2021"], check_sha=False)
    numerators = read_table(s["imd2025_indicators_lsoa21"], data_dir,
                            columns=["income_domain_numerator", "employment_domain_numerator"], check_sha=False)
    file10 = file10_table(read_table(s["imd2025_lad_summaries"], data_dir, columns=columns, check_sha=False),
                          imd25, population, numerators, config)
    maps = map_table(read_geo(s["lsoa21_bsc_core_cities"], data_dir, check_sha=False), imd25, config)
    le = (le_sii_table(england_le, lookup21, config, s["life_expectancy_msoa11"].period)
          if england_le is not None else pd.DataFrame())
    return {"cities_series": series, "cities_deprivation": deprivation, "cities_neighbours": neighbours,
            "cities_file10": file10, "cities_le_sii": le, "cities_map": maps}
