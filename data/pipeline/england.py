"""England-wide inputs the app needs at run time, read once by the build and stored.

The England SII (Inequalities page) groups every English MSOA by its population-weighted IMD score and
weights it by ONS person-years; Leeds MSOA life expectancy is weighted by the same person-years. The app
reads them from the store (table ``england_le_msoa``), never from the raw folder.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.catalogue import SourceCatalogue
from data.pipeline.inputs import read_table

LE_RAW_SEX = {"female": "Females", "male": "Males"}      # the ONS file's words; the store uses female / male


def read_england_inputs(sources: SourceCatalogue, data_dir: Path, check_sha: bool = True) -> dict[str, pd.DataFrame]:
    """The four England-wide files the England SII needs, read and checked via read_table."""
    s = sources.sources
    return {
        "life_expectancy": read_table(s["life_expectancy_msoa11"], data_dir,
                                      columns=["population_person_years", "life_expectancy_at_birth",
                                               "le_lower_95ci", "le_upper_95ci"], check_sha=check_sha),
        "lookup": read_table(s["lookup_lsoa21_ward24"], data_dir, check_sha=check_sha),
        "imd": read_table(s["imd2025_lsoa21"], data_dir, columns=["imd_score"], check_sha=check_sha),
        "population": read_table(s["population_census2021"], data_dir, columns=["usual_residents_census2021"],
                                 check_sha=check_sha),
    }


def msoa_imd_scores(lookup: pd.DataFrame, imd: pd.DataFrame, population: pd.DataFrame) -> pd.Series:
    """Population-weighted mean IMD score of each English MSOA21 (the MHCLG district method, one level down)."""
    lsoa = (lookup[lookup["lsoa21_code"].str.startswith("E")][["lsoa21_code", "msoa21_code"]]
            .merge(imd[["lsoa21_code", "imd_score"]], on="lsoa21_code", how="inner")
            .merge(population[["lsoa21_code", "usual_residents_census2021"]], on="lsoa21_code", how="inner"))
    lsoa["weighted"] = lsoa["imd_score"] * lsoa["usual_residents_census2021"]
    sums = lsoa.groupby("msoa21_code")[["weighted", "usual_residents_census2021"]].sum()
    return (sums["weighted"] / sums["usual_residents_census2021"]).rename("imd_score")


def england_msoa_table(inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per English MSOA (2011 code) and sex: life expectancy with its CI, ONS person-years and the
    MSOA's population-weighted IMD score (missing where the 2011 code is not a 2021 MSOA).

    Inputs: the four England-wide frames of read_england_inputs (life_expectancy, lookup, imd, population).
    """
    le = inputs["life_expectancy"]
    scores = msoa_imd_scores(inputs["lookup"], inputs["imd"], inputs["population"])
    sex = le["sex"].map({raw: word for word, raw in LE_RAW_SEX.items()})
    table = pd.DataFrame({
        "msoa11_code": le["msoa11_code"].astype(str), "sex": sex, "value": le["life_expectancy_at_birth"],
        "lower_ci": le["le_lower_95ci"], "upper_ci": le["le_upper_95ci"],
        "person_years": le["population_person_years"].astype(float)})
    table["imd_score"] = table["msoa11_code"].map(scores)
    return table[table["sex"].notna()].reset_index(drop=True)


def england_life_expectancy(sources: SourceCatalogue, data_dir: Path) -> pd.DataFrame:
    """One row per English MSOA (2011 code) and sex, as stored (checksums were checked by the build)."""
    return england_msoa_table(read_england_inputs(sources, data_dir, check_sha=False))
