"""Obviously fake wards, committees and LSOAs (E059..., E019... are not real codes) for the upload and custom-area
disclosure tests: wards in committees of two, each ward with the same number of LSOAs, everyone weighing 1."""
from __future__ import annotations

import pandas as pd

from data.user_upload import Reference


def fake_codes(n_wards: int, lsoas_per_ward: int) -> tuple[list[str], dict[str, str], list[str], dict[str, str]]:
    """(wards, committee of each ward, LSOAs, ward of each LSOA)."""
    wards = [f"E0590000{i}" for i in range(1, n_wards + 1)]
    committee = {w: f"committee-{i // 2 + 1}" for i, w in enumerate(wards)}
    lsoas = [f"E019000{i:02d}" for i in range(1, n_wards * lsoas_per_ward + 1)]
    ward_of = {code: wards[i // lsoas_per_ward] for i, code in enumerate(lsoas)}
    return wards, committee, lsoas, ward_of


def fake_reference(n_wards: int, lsoas_per_ward: int) -> Reference:
    """The upload reader's reference tables for the fake places (no MSOAs, no lookup)."""
    ward_codes, committee, lsoa_codes, ward_of = fake_codes(n_wards, lsoas_per_ward)
    wards = pd.DataFrame({"code": ward_codes, "name": [f"Fake ward {i}" for i in range(n_wards)], "population": 1})
    wards["display_name"], wards["ward24_code"] = wards["name"], wards["code"]
    wards["committee_code"] = wards["code"].map(committee)
    lsoas = pd.DataFrame({"code": lsoa_codes, "name": [f"Fake LSOA {i}" for i in range(len(lsoa_codes))],
                          "population": 1})
    lsoas["display_name"], lsoas["ward24_code"] = lsoas["name"], lsoas["code"].map(ward_of)
    lsoas["committee_code"] = lsoas["ward24_code"].map(committee)
    return Reference({"ward24": wards, "lsoa21": lsoas, "msoa": wards.iloc[0:0]}, None, "n/a")
