"""IMD 2019 -> 2025 change on a tiny made-up frame: bands, the slipped-back rule, split/merged flags."""
import pandas as pd
import pytest

from metrics.change import (decile_movement, imd_change, lookup_counts, movement_summary, national_band,
                            slipped_back, ward_share_change)

LSOAS = pd.DataFrame({
    "code": ["L1", "L2", "L3", "L4", "L5"],
    "name": ["One", "Two", "Three", "Four", "Five"],
    "display_name": ["One", "Two", "Three", "Four", "Five"],
    "ward24_code": ["W1", "W1", "W2", "W2", "W2"],
    "population": [1000, 1000, 1000, 1000, 1000],
    "lsoa11_change": ["U", "S", "S", "M", "U"],
})
# percentile 2019 -> 2025: L1 2.5 -> 0.8 (3% band into 1%: slipped), L2 0.5 -> 0.9 (stays in 1%),
# L3 9.0 -> 11.0 (improved out of the 10%), L4 12.0 -> 9.5 (into the 3-10% band: slipped), L5 missing 2025.
PCT = {"L1": (2.5, 0.8), "L2": (0.5, 0.9), "L3": (9.0, 11.0), "L4": (12.0, 9.5), "L5": (50.0, None)}
DEC = {"L1": (1, 1), "L2": (1, 1), "L3": (1, 2), "L4": (2, 1), "L5": (5, None)}


def _values() -> pd.DataFrame:
    rows = []
    for code in PCT:
        for n, period in enumerate(("2019", "2025")):
            rows.append(("lsoa21", code, "imd_imd_percentile", period, PCT[code][n]))
            rows.append(("lsoa21", code, "imd_imd_decile", period, DEC[code][n]))
    rows += [("ward24", "W1", "imd_imd_pct_most_deprived", "2019", 100.0),
             ("ward24", "W1", "imd_imd_pct_most_deprived", "2025", 100.0),
             ("ward24", "W2", "imd_imd_pct_most_deprived", "2019", 33.3),
             ("ward24", "W2", "imd_imd_pct_most_deprived", "2025", 66.7)]
    frame = pd.DataFrame(rows, columns=["area_level", "area_code", "indicator_id", "period", "value"])
    return frame.dropna(subset=["value"])


def test_bands_follow_the_stated_limits():
    bands = national_band(pd.Series([0.2, 1.0, 1.01, 3.0, 10.0, 10.5, None]))
    assert bands.tolist()[:6] == [0, 0, 1, 1, 2, 3] and pd.isna(bands.iloc[6])


def test_slipped_back_is_a_move_into_a_more_deprived_band():
    change = imd_change(_values(), LSOAS)
    slipped = slipped_back(change)
    assert slipped["code"].tolist() == ["L1", "L4"]          # sorted most deprived (2025) first
    assert slipped["band_2019_label"].tolist() == ["1-3% most deprived", "Rest of England"]
    assert slipped["band_2025_label"].tolist() == ["1% most deprived", "3-10% most deprived"]
    assert not change.set_index("code").loc["L5", "slipped_back"]    # no 2025 value: never flagged


def test_movement_and_decile_cross_table():
    change = imd_change(_values(), LSOAS).set_index("code")
    assert change.loc["L3", "decile_change"] == 1 and change.loc["L4", "decile_change"] == -1
    assert change.loc["L1", "percentile_change"] == pytest.approx(-1.7)
    summary = movement_summary(change.reset_index())
    assert summary == {"More deprived decile": 1, "Same decile": 2, "Less deprived decile": 1, "No data": 1,
                       "Slipped back a band": 2}
    table = decile_movement(change.reset_index())
    assert table.loc[1, 1] == 2 and table.loc[1, 2] == 1 and table.loc[2, 1] == 1


def test_split_and_merged_lsoas_are_counted_and_flagged():
    assert lookup_counts(LSOAS) == {"U": 2, "S": 2, "M": 1, "X": 0}
    change = imd_change(_values(), LSOAS).set_index("code")
    assert change.loc["L2", "lookup_flag"] == "Split from a 2011 LSOA"
    assert change.loc["L4", "lookup_flag"] == "Merged from 2011 LSOAs"


def test_ward_share_then_and_now():
    wards = pd.DataFrame({"code": ["W1", "W2"], "name": ["Ward one", "Ward two"], "committee_name": ["C", "C"]})
    table = ward_share_change(_values(), wards).set_index("code")
    assert table.loc["W2", "share_change"] == pytest.approx(33.4)
    assert table.loc["W1", "share_2019"] == 100.0
