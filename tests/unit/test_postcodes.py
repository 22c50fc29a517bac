"""Postcode search, pure: tidy and validate what a reader typed, and one clear sentence per outcome."""
import pytest

from metrics.postcodes import classify, display, tidy

LEEDS_ROW = {"postcode": "LS11UR", "lsoa21_code": "E01000000", "lsoa21_name": "Fakeleeds 001A", "msoa21_code": "E02000000",
             "ward24_code": "E05999901", "ward24_name": "Fakeward North", "committee_code": "fake",
             "committee_name": "Fake Committee", "lon": -1.5, "lat": 53.8, "easting": 430000.0, "northing": 433000.0}


@pytest.mark.parametrize("raw, compact", [
    ("ls1 1ur", "LS11UR"), (" LS11UR ", "LS11UR"), ("Ls1   1Ur", "LS11UR"), ("LS1\t1UR", "LS11UR"),
    ("SW1A 1AA", "SW1A1AA"), ("w1a0ax", "W1A0AX"), ("EC1A 1BB", "EC1A1BB"), ("B1 1AA", "B11AA"),
])
def test_valid_shapes_are_tidied(raw, compact):
    assert tidy(raw) == compact


@pytest.mark.parametrize("raw", ["", "LS1", "LS1 1U", "1LS 1UR", "LS1 1UR1", "<script>alert(1)</script>",
                                 "LS1 1UR; DROP TABLE", "**LS1 1UR**", "LS1-1UR", "ＬＳ1 1UR", "L S 1 1 U R X"])
def test_other_text_is_not_a_postcode(raw):
    assert tidy(raw) is None


def test_display_puts_one_space_before_the_inward_code():
    assert display("LS11UR") == "LS1 1UR" and display("SW1A1AA") == "SW1A 1AA"


def test_a_leeds_postcode_selects_its_areas():
    result = classify("  ls1   1ur ", LEEDS_ROW, None)
    assert result.kind == "leeds" and result.lsoa21_code == "E01000000" and result.ward24_code == "E05999901"
    assert result.sentence == ("LS1 1UR is in Fakeleeds 001A (LSOA), Fakeward North ward, Fake Committee "
                               "community committee.")


@pytest.mark.parametrize("raw, other, expected", [
    ("sw1a1aa", {"lad_code": "E09000033", "lad_name": "Westminster"}, "SW1A 1AA is in Westminster, not in Leeds"),
    ("CF10 1AA", {"lad_code": "W06000015", "lad_name": None}, "CF10 1AA is in the local authority with code W06000015, not in Leeds"),
    ("bt1 1aa", None, "BT1 1AA is a Northern Ireland postcode, not in Leeds"),
    ("ZZ1 1ZZ", None, "ZZ1 1ZZ is not in the ONS Postcode Directory"),
    ("LS1 <b>", None, "That is not a UK postcode"),
    ("   ", None, "Type a postcode"),
])
def test_every_miss_gets_its_own_sentence_without_the_raw_input(raw, other, expected):
    result = classify(raw, None, other)
    assert result.kind != "leeds" and result.sentence.startswith(expected)
    assert "<" not in result.sentence and raw.strip() not in result.sentence or raw.strip() == result.postcode


def test_another_home_district_is_named_and_has_no_committee_clause():
    """Issue 17 item 4: in another district's atlas a home postcode has no committee (Leeds' grouping) and a miss
    names that district, not Leeds."""
    row = {**LEEDS_ROW, "committee_code": None, "committee_name": None}
    found = classify("LS1 1UR", row, None, home="Fakeville")
    assert found.sentence == "LS1 1UR is in Fakeleeds 001A (LSOA), Fakeward North ward."
    away = classify("M1 1AA", None, {"lad_name": "Elsewhere", "lad_code": "E0"}, home="Fakeville")
    assert away.sentence == "M1 1AA is in Elsewhere, not in Fakeville: this atlas covers Fakeville only."
