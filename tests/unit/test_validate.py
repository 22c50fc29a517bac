"""Each validation error names the file and the problem in one sentence."""
import pandas as pd
import pytest

from data.settings import DataError
from data.pipeline.inputs import (require_columns, require_count, require_deciles, require_known_codes, require_numeric,
                           require_unique)


def test_missing_column_is_named():
    frame = pd.DataFrame({"lsoa21_code": ["E01FAKE1"]})
    with pytest.raises(DataError, match=r"fake\.csv: missing column imd_score\."):
        require_columns(frame, ["lsoa21_code", "imd_score"], "fake.csv")


def test_duplicate_codes_are_counted_and_shown():
    frame = pd.DataFrame({"code": ["E01FAKE1", "E01FAKE1", "E01FAKE2"]})
    with pytest.raises(DataError, match=r"fake\.csv: 1 duplicate code value\(s\), e\.g\. E01FAKE1\."):
        require_unique(frame, "code", "fake.csv")


def test_unknown_codes_are_reported():
    with pytest.raises(DataError, match=r"2 unknown ward code\(s\), e\.g\. E05NOPE1, E05NOPE2"):
        require_known_codes(pd.Series(["E05FAKE1", "E05NOPE1", "E05NOPE2"]), {"E05FAKE1"}, "wards.geojson", "ward")


@pytest.mark.parametrize("bad", [0, 11, 3.5, "ten"])
def test_decile_outside_range(bad):
    frame = pd.DataFrame({"imd_decile": [1, 10, bad]})
    with pytest.raises(DataError, match=r"fake\.csv: column imd_decile has values outside 1-10"):
        require_deciles(frame, ["imd_decile"], "fake.csv")


def test_deciles_allow_missing_values():
    require_deciles(pd.DataFrame({"imd_decile": [1.0, None, 10.0]}), ["imd_decile"], "fake.csv")


def test_text_in_numeric_column():
    frame = pd.DataFrame({"households": ["10", "twelve"]})
    with pytest.raises(DataError, match=r"column households has text where numbers are expected \(e\.g\. 'twelve'\)"):
        require_numeric(frame, ["households"], "fake.csv")


def test_leeds_count_mismatch():
    with pytest.raises(DataError, match=r"lookup\.csv: found 32 Leeds wards, expected 33\."):
        require_count(32, 33, "lookup.csv", "wards")
