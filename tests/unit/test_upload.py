"""The upload matrix: one test per kind of bad input, suppression (incl. secondary) and escaping.

Every test runs on a tiny, obviously fake set of areas (codes E0x9xxxxxx are not real Leeds codes).
"""
from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from data.safe_text import safe_text
from data.user_upload import (MAX_ROWS, MAX_UPLOAD_BYTES, IndicatorOptions, Reference, UploadError, check_size, is_formula,
                              normalise_name, read_upload)
from metrics.user_upload import display_properties, make_indicator

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ref() -> Reference:
    wards = pd.DataFrame({"code": ["E05900001", "E05900002", "E05900003"],
                          "name": ["Alpha & Beta", "Gamma", "Café Hill"],
                          "population": [100, 100, 100]})
    wards["display_name"] = wards["name"]
    wards["ward24_code"] = wards["code"]
    lsoas = pd.DataFrame({"code": [f"E0190000{i}" for i in range(1, 7)],
                          "ward24_code": ["E05900001"] * 3 + ["E05900002"] * 3,
                          "population": [1000, 1000, 1000, 1000, 600, 400]})
    lsoas["name"] = "Fake " + lsoas["code"].str[-1]
    lsoas["display_name"] = lsoas["name"]
    msoas = pd.DataFrame({"code": ["E02900001"], "name": ["Fake M"], "display_name": ["Fake M"],
                          "ward24_code": ["E05900001"], "population": [3000]})
    # 2011 -> 2021: 1-3 unchanged; E01800001 split into 5 and 6; E01800002 + E01800003 merged into 4.
    lookup = pd.DataFrame({
        "lsoa11_code": ["E01900001", "E01900002", "E01900003", "E01800001", "E01800001", "E01800002", "E01800003"],
        "lsoa21_code": ["E01900001", "E01900002", "E01900003", "E01900005", "E01900006", "E01900004", "E01900004"],
        "change_code": ["U", "U", "U", "S", "S", "M", "M"]})
    return Reference({"ward24": wards, "lsoa21": lsoas, "msoa": msoas}, lookup)


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# ---------------------------------------------------------------- the happy paths
def test_ward_codes_are_read_with_their_numbers(ref):
    upload = read_upload(csv("ward_code,clients\nE05900001,12\nE05900002,40\n"), "a.csv", ref)
    assert upload.level == "ward24" and upload.key == "code"
    assert upload.values["clients"].to_dict() == {"E05900001": 12.0, "E05900002": 40.0}


def test_ward_names_match_ignoring_case_and_punctuation_and_report_the_rest(ref):
    upload = read_upload(csv("Ward,n\nALPHA AND BETA,9\ngamma!,10\nNowhere,11\n"), "a.csv", ref)
    assert upload.key == "name"
    assert sorted(upload.values.index) == ["E05900001", "E05900002"]
    assert upload.unmatched == ["Nowhere"]
    assert any("did not match" in n for n in upload.notices)
    assert normalise_name("Alpha & Beta") == normalise_name("alpha-and beta")


def test_a_negative_number_is_a_value_not_a_formula(ref):
    upload = read_upload(csv("ward_code,change\nE05900001,-5\nE05900002,+3\n"), "a.csv", ref)
    assert upload.values["change"].tolist() == [-5.0, 3.0]
    assert not is_formula("-5") and is_formula("-2+3+cmd|' /C calc'!A0")


# ---------------------------------------------------------------- encodings
def test_utf8_with_byte_order_mark_keeps_the_first_heading_clean(ref):
    upload = read_upload("ward_code,n\nE05900001,6\n".encode("utf-8-sig"), "a.csv", ref)
    assert upload.key_column == "ward_code"


def test_windows_1252_is_read_with_a_notice(ref):
    upload = read_upload(csv("ward,n\nCafé Hill,6\n", "cp1252"), "a.csv", ref)
    assert list(upload.values.index) == ["E05900003"]
    assert any("Windows-1252" in n for n in upload.notices)


def test_undecodable_bytes_are_refused_with_an_encoding_message(ref):
    data = b"ward,n\nGamma,6\n\x81\x8d\x8f\xff\xfe bad\n"
    with pytest.raises(UploadError, match="encoding is not recognised"):
        read_upload(data, "a.csv", ref)


def test_binary_data_is_not_taken_for_text(ref):
    with pytest.raises(UploadError, match="not a text CSV"):
        read_upload(b"PK\x03\x04\x00\x00binary", "a.csv", ref)


# ---------------------------------------------------------------- structure
def test_empty_file(ref):
    for data in (b"", b"  \n\n "):
        with pytest.raises(UploadError, match="The file is empty"):
            read_upload(data, "a.csv", ref)


def test_header_without_rows(ref):
    with pytest.raises(UploadError, match="no data rows"):
        read_upload(csv("ward_code,n\n"), "a.csv", ref)


def test_no_header_row(ref):
    with pytest.raises(UploadError, match="looks like data.*not column\\s+headings"):
        read_upload(csv("E05900001,12\nE05900002,40\n"), "a.csv", ref)


def test_duplicate_codes(ref):
    with pytest.raises(UploadError, match=r"E05900001 appears more than once \(rows 2, 4\)"):
        read_upload(csv("ward_code,n\nE05900001,1\nE05900002,2\nE05900001,3\n"), "a.csv", ref)


def test_duplicate_ward_names_after_normalising(ref):
    with pytest.raises(UploadError, match="appears more than once"):
        read_upload(csv("ward,n\nGamma,1\nGAMMA,2\n"), "a.csv", ref)


def test_codes_from_another_area(ref):
    with pytest.raises(UploadError, match="another area"):
        read_upload(csv("lsoa,n\nE01000001,1\nE01000002,2\n"), "a.csv", ref)


def test_codes_that_are_not_small_areas(ref):
    with pytest.raises(UploadError, match="E08 are not ward"):
        read_upload(csv("code,n\nE08000035,1\n"), "a.csv", ref)


def test_mixed_kinds_of_area(ref):
    with pytest.raises(UploadError, match="mixes different kinds of area"):
        read_upload(csv("code,n\nE05900001,1\nE01900001,2\n"), "a.csv", ref)


def test_no_area_column(ref):
    with pytest.raises(UploadError, match="No column of Leeds area codes"):
        read_upload(csv("thing,n\n1,2\n3,4\n"), "a.csv", ref)


def test_text_in_a_numeric_column_names_cell_and_row(ref):
    with pytest.raises(UploadError, match=r"Column 'n' has text.*'lots' in row 3"):
        read_upload(csv("ward_code,n\nE05900001,5\nE05900002,lots\n"), "a.csv", ref)


def test_suppression_markers_are_missing_values_with_a_notice(ref):
    upload = read_upload(csv("ward_code,n,notes\nE05900001,[c]\nE05900002,8,ok\n"), "a.csv", ref)
    assert upload.values["n"].isna().tolist() == [True, False]
    assert any("marked as missing" in n for n in upload.notices)
    assert any("'notes'" in n for n in upload.notices)          # text-only column left out, and said so


# ---------------------------------------------------------------- formulas
def test_formula_in_a_value_column_is_refused_not_run(ref):
    with pytest.raises(UploadError, match=r"Cell B3 holds a formula .*never run"):
        read_upload(csv('ward_code,n\nE05900001,5\nE05900002,"=HYPERLINK(""http://x"",""y"")"\n'), "a.csv", ref)


def test_formula_in_the_area_column_is_refused(ref):
    with pytest.raises(UploadError, match="holds a formula"):
        read_upload(csv("ward_code,n\nE05900001,5\nE05900002,6\n@SUM(A1),7\n"), "a.csv", ref)


def test_formula_in_an_excel_workbook_is_refused_not_calculated(ref):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ward_code", "n"])
    sheet.append(["E05900001", 5])
    sheet.append(["E05900002", "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UploadError, match=r"Cell B3 holds a formula \('=1\+1'\)"):
        read_upload(buffer.getvalue(), "a.xlsx", ref)


def test_plain_excel_workbook_is_read(ref):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["ward_code", "n"])
    book.active.append(["E05900002", 7])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_upload(buffer.getvalue(), "a.xlsx", ref).values["n"].tolist() == [7.0]


def test_broken_excel_and_unsupported_types(ref):
    with pytest.raises(UploadError, match="not a readable Excel workbook"):
        read_upload(b"not a zip at all", "a.xlsx", ref)
    with pytest.raises(UploadError, match=r"\.xls files are not supported"):
        read_upload(b"whatever", "a.xls", ref)
    with pytest.raises(UploadError, match="not supported"):
        read_upload(b"whatever", "a.pdf", ref)


# ---------------------------------------------------------------- size
def test_file_over_50_mb_is_refused_before_parsing(ref):
    with pytest.raises(UploadError, match="the limit is 50 MB"):
        check_size(MAX_UPLOAD_BYTES + 1)
    big = b"ward_code,n\n" + b"E05900001,1\n" * (MAX_UPLOAD_BYTES // 12 + 1)
    started = time.perf_counter()
    with pytest.raises(UploadError, match="the limit is 50 MB"):
        read_upload(big, "big.csv", ref)
    assert time.perf_counter() - started < 0.5            # rejected on size alone, nothing parsed


# ---------------------------------------------------------------- vintage
def test_2011_lsoa_codes_need_the_conversion_to_be_asked_for(ref):
    upload = read_upload(csv("lsoa11_code,n\nE01900001,10\nE01800001,20\nE01800002,6\nE01800003,9\n"), "a.csv", ref)
    assert upload.level == "lsoa11"
    with pytest.raises(UploadError, match="2011 LSOA codes.*Convert 2011 LSOAs to 2021"):
        make_indicator(upload, IndicatorOptions("n"), ref)
    converted = make_indicator(upload, IndicatorOptions("n", convert_2011=True, threshold=1), ref)
    values = converted.table.set_index("code")["value"]
    assert converted.level == "lsoa21"
    assert values["E01900005"] == 12 and values["E01900006"] == 8      # 20 split 600:400 by population
    assert values["E01900004"] == 15                                    # merged: 6 + 9
    assert any("ONS lookup" in n for n in converted.notices)


def test_2011_conversion_unavailable_says_why(ref):
    no_lookup = Reference(ref.areas, None, "lookup file missing")
    upload = read_upload(csv("lsoa,n\nE01900001,10\nE01900002,10\n"), "a.csv", ref)
    assert upload.level == "lsoa21"                                     # unchanged codes are 2021 codes too
    upload11 = read_upload(csv("lsoa,n\nE01800001,10\n"), "a.csv", ref)
    with pytest.raises(UploadError, match="lookup is not available.*lookup file missing"):
        make_indicator(upload11, IndicatorOptions("n", convert_2011=True), no_lookup)


# ---------------------------------------------------------------- suppression
def test_small_count_and_its_secondary_are_hidden(ref):
    upload = read_upload(csv("ward_code,n\nE05900001,3\nE05900002,10\nE05900003,20\n"), "a.csv", ref)
    ind = make_indicator(upload, IndicatorOptions("n"), ref)
    table = ind.table.set_index("code")
    assert table.loc["E05900001", "shown"] == "[c]" and table.loc["E05900001", "reason"] == "primary"
    assert table.loc["E05900002", "shown"] == "[c]" and table.loc["E05900002", "reason"] == "secondary"
    assert table.loc["E05900003", "shown"] == "20"
    assert table[["value"]].loc[["E05900001", "E05900002"]].isna().all().all()     # not on the map either
    assert (ind.n_primary, ind.n_secondary) == (1, 1)
    assert any("could be any number from 1 to 5" in n for n in ind.notices)
    notice = next(n for n in ind.notices if "could be any number" in n)
    assert notice.startswith("2 areas are shown as") and "(s)" not in notice


def test_no_suppression_notice_when_nothing_is_hidden(ref):
    upload = read_upload(csv("ward_code,n\nE05900001,30\nE05900002,10\nE05900003,20\n"), "a.csv", ref)
    ind = make_indicator(upload, IndicatorOptions("n"), ref)
    assert not any("0 area" in n or "could be any number" in n for n in ind.notices)


def test_secondary_suppression_within_a_ward_of_lsoas(ref):
    text = "lsoa,n\nE01900001,2\nE01900002,30\nE01900003,50\nE01900004,40\nE01900005,60\nE01900006,70\n"
    ind = make_indicator(read_upload(csv(text), "a.csv", ref), IndicatorOptions("n"), ref)
    reason = ind.table.set_index("code")["reason"]
    assert reason["E01900001"] == "primary"
    assert reason["E01900002"] == "secondary"          # the smallest other cell in the same ward
    assert (reason[["E01900004", "E01900005", "E01900006"]] == "").all()


def test_threshold_is_configurable(ref):
    upload = read_upload(csv("ward_code,n\nE05900001,7\nE05900002,8\nE05900003,20\n"), "a.csv", ref)
    assert make_indicator(upload, IndicatorOptions("n"), ref).n_primary == 0
    assert make_indicator(upload, IndicatorOptions("n", threshold=10), ref).n_primary == 2
    with pytest.raises(UploadError, match="threshold"):
        make_indicator(upload, IndicatorOptions("n", threshold=0), ref)


def test_rates_are_hidden_where_their_counts_are_small(ref):
    upload = read_upload(csv("ward_code,rate,cases\nE05900001,1.5,2\nE05900002,9.5,30\nE05900003,7.25,40\n"),
                         "a.csv", ref)
    ind = make_indicator(upload, IndicatorOptions("rate", kind="rate", numerator_column="cases"), ref)
    shown = ind.table.set_index("code")["shown"]
    assert shown.tolist() == ["[c]", "[c]", "7.2"]
    unchecked = make_indicator(upload, IndicatorOptions("rate", kind="rate"), ref)
    assert any("could not be checked" in n for n in unchecked.notices)


def test_counts_must_be_whole_numbers(ref):
    upload = read_upload(csv("ward_code,n\nE05900001,2.5\nE05900002,8\n"), "a.csv", ref)
    with pytest.raises(UploadError, match="whole numbers.*Choose 'rate'"):
        make_indicator(upload, IndicatorOptions("n"), ref)


# ---------------------------------------------------------------- escaping
def test_script_in_names_is_quoted_plainly_in_messages_and_escaped_where_shown(ref):
    upload = read_upload(csv(f"ward,n\nGamma,9\n{XSS},8\n"), "a.csv", ref)
    assert upload.unmatched == [XSS]                      # kept as written; escaped wherever it is shown
    assert "<" not in safe_text(XSS, "html") and "&lt;img" in safe_text(XSS, "html")
    assert safe_text(XSS).startswith(r"\<img") and r"\>" in safe_text(XSS)      # Markdown: shown as typed
    with pytest.raises(UploadError) as caught:
        read_upload(csv(f"ward,n\nGamma,9\nAlpha & Beta,{XSS}\n"), "a.csv", ref)
    assert XSS in str(caught.value) and "&lt;" not in str(caught.value)        # plain: the page escapes once


def test_script_in_label_is_escaped_in_tooltip_properties(ref):
    upload = read_upload(csv("ward_code,n\nE05900001,9\nE05900002,8\n"), "a.csv", ref)
    ind = make_indicator(upload, IndicatorOptions("n", label=XSS), ref)
    props = display_properties(ind)
    joined = " ".join(props.astype(str).to_numpy().ravel())
    assert XSS in joined and "&lt;" not in joined       # plain: Streamlit escapes each field once (test_safe_text)


def test_script_in_label_is_escaped_in_legend_and_plain_in_table(ref, monkeypatch):
    from components import map as legend_module
    from components.user_upload_view import table_for_display

    upload = read_upload(csv("ward_code,n\nE05900001,9\nE05900002,8\n"), "a.csv", ref)
    ind = make_indicator(upload, IndicatorOptions("n", label=XSS), ref)
    drawn = []
    monkeypatch.setattr(legend_module.st, "markdown", lambda body, **kw: drawn.append(body))
    rows = pd.DataFrame({"colour": ["#fcfdbf"], "label": [XSS], "count": [1]})
    legend_module.legend(rows, ind.label)
    assert "<img" not in drawn[0] and drawn[0].count("&lt;img") == 2
    table = table_for_display(ind)
    assert XSS in table.columns                           # st.dataframe shows cells and headings as text


def test_another_home_districts_upload_messages_name_it(ref):
    """Issue 17 item 4: in another district's atlas the messages ask for that district's rows and areas."""
    fake = Reference(ref.areas, ref.lsoa11, home="Fakeville")
    with pytest.raises(UploadError, match="upload only the Fakeville rows"):
        read_upload(b"ward_code,n\n" + b"E05900001,1\n" * (MAX_ROWS + 2), "many.csv", fake)
    with pytest.raises(UploadError, match="Upload only the Fakeville rows"):
        check_size(MAX_UPLOAD_BYTES + 1, "Fakeville")
    with pytest.raises(UploadError, match=r"No column of Fakeville area codes \(like E059"):   # its own example
        read_upload(b"ward,n\nNowhere,1\n", "names.csv", fake)
