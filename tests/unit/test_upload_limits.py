"""Hostile and extreme uploads (issue 13): zip bombs, very wide files, cell limits, and numbers that are not
figures (overflow, NaN, inf, -inf). Fake areas only (E059xxxxx are not real codes)."""
from __future__ import annotations

import io
import re
import time
import zipfile

import pandas as pd
import pytest

from data import user_upload as up
from data.user_upload import Reference, UploadError, read_upload

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def ref() -> Reference:
    wards = pd.DataFrame({"code": ["E05900001", "E05900002"], "name": ["Alpha", "Gamma"], "population": [1, 1]})
    wards["display_name"], wards["ward24_code"] = wards["name"], wards["code"]
    return Reference({"ward24": wards, "lsoa21": wards.iloc[0:0], "msoa": wards.iloc[0:0]}, None, "n/a")


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, body: bytes, count: int = 1) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            dst.writestr(member, src.read(member))
        for i in range(count):
            dst.writestr(f"{name}{i}", body)
    return out.getvalue()


@pytest.fixture()
def no_openpyxl(monkeypatch):
    """Fails the test if the workbook is opened: archive checks must refuse before anything is parsed."""
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a file the archive check should have refused")
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


GOOD = [["ward_code", "n"], ["E05900001", 6], ["E05900002", 7]]


# ---------------------------------------------------------------- zip archives
def test_zip_bomb_is_refused_from_the_directory_before_parsing(ref, monkeypatch, no_openpyxl):
    monkeypatch.setattr(up, "MAX_UNZIPPED_BYTES", 4 * 1024 * 1024)
    bomb = with_member(workbook(GOOD), "xl/media/pad", b" " * (6 * 1024 * 1024))
    start = time.perf_counter()
    with pytest.raises(UploadError, match=r"would unpack to 6 MB, over the limit of 4 MB, so it was not opened"):
        read_upload(bomb, "a.xlsx", ref)
    assert time.perf_counter() - start < 2        # milliseconds in practice; generous for a busy machine


def test_highly_compressed_workbook_is_refused_by_its_ratio(ref, no_openpyxl):
    bomb = with_member(workbook(GOOD), "xl/media/pad", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(UploadError, match=r"compressed [\d,]+ times .* may be built to exhaust the server"):
        read_upload(bomb, "a.xlsx", ref)


def test_workbook_with_thousands_of_parts_is_refused(ref, no_openpyxl):
    many = with_member(workbook(GOOD), "xl/media/p", b"x", count=up.MAX_ZIP_MEMBERS)
    with pytest.raises(UploadError, match=r"holds 1,0\d\d parts"):
        read_upload(many, "a.xlsx", ref)


def _with_dimension(data: bytes, ref_text: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            body = src.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref_text + b'"/>', body)
                assert ref_text in body
            dst.writestr(member, body)
    return out.getvalue()


def test_forged_sheet_dimension_does_not_pad_rows(ref):
    start = time.perf_counter()
    upload = read_upload(_with_dimension(workbook(GOOD), b"A1:B1048576"), "a.xlsx", ref)
    assert upload.value_columns == ["n"] and upload.values["n"].tolist() == [6.0, 7.0]
    assert time.perf_counter() - start < 10                 # a million padded rows would take minutes


def test_a_sheet_claiming_thousands_of_columns_is_refused_before_reading_rows(ref):
    with pytest.raises(UploadError, match=r"16,384 columns or more; the limit is 200"):
        read_upload(_with_dimension(workbook(GOOD), b"A1:XFD3"), "a.xlsx", ref)


# ---------------------------------------------------------------- width and cells
def test_very_wide_csv_is_refused_on_its_first_row(ref):
    header = "ward_code," + ",".join(f"v{i}" for i in range(5000))
    rows = "\n".join("E0590000%d," % (r % 2 + 1) + ",".join("1" * 1 for _ in range(5000)) for r in range(33))
    start = time.perf_counter()
    with pytest.raises(UploadError, match=r"5,001 columns or more; the limit is 200"):
        read_upload((header + "\n" + rows).encode(), "a.csv", ref)
    assert time.perf_counter() - start < 5


def test_very_wide_workbook_is_refused(ref):
    data = workbook([["ward_code"] + [f"v{i}" for i in range(300)], ["E05900001"] + [1] * 300])
    with pytest.raises(UploadError, match=r"301 columns or more; the limit is 200"):
        read_upload(data, "a.xlsx", ref)


def test_cell_limit_names_itself_and_what_to_do(ref, monkeypatch):
    monkeypatch.setattr(up, "MAX_CELLS", 10)
    text = "ward_code,n\n" + "\n".join(f"E0590000{i % 2 + 1},{i}" for i in range(10))
    with pytest.raises(UploadError, match=r"more than 10 filled cells .* only the Leeds rows"):
        read_upload(text.encode(), "a.csv", ref)


def test_excel_cell_limit_suggests_a_csv(ref, monkeypatch):
    monkeypatch.setattr(up, "MAX_EXCEL_CELLS", 4)
    with pytest.raises(UploadError, match=r"more than 4 filled cells .*CSV UTF-8"):
        read_upload(workbook(GOOD), "a.xlsx", ref)


# ---------------------------------------------------------------- numbers that are not figures
@pytest.mark.parametrize("cell, sentence", [
    ("1e300", r"holds '1e300', which is larger than any figure for a Leeds area can be"),
    ("99999999999999999999", r"larger than any figure for a Leeds area can be"),
    ("1e400", r"holds '1e400', a number too large for any computer to hold"),
    ("NaN", r"holds 'NaN' \(\"not a number\"\).* Leave the cell empty"),
    ("inf", r"holds 'inf' \(infinity\)"),
    ("-inf", r"holds '-inf' \(minus infinity\)"),
    ("-Infinity", r"\(minus infinity\)"),
])
def test_numbers_that_are_not_figures_each_get_their_own_sentence(ref, cell, sentence):
    data = f"ward_code,n\nE05900001,{cell}\nE05900002,6\n".encode()
    with pytest.raises(UploadError, match=sentence) as caught:
        read_upload(data, "a.csv", ref)
    assert "Cell B2 (column 'n')" in str(caught.value)
    assert "formula" not in str(caught.value)


@pytest.mark.parametrize("cell", ["²", "٣", "1_000"])
def test_only_ascii_digits_make_a_number(ref, cell):
    data = f"ward_code,n\nE05900001,{cell}\nE05900002,6\n".encode()
    with pytest.raises(UploadError, match="has text where numbers are expected"):
        read_upload(data, "a.csv", ref)


def test_huge_number_in_an_excel_cell_gets_the_same_sentence(ref):
    with pytest.raises(UploadError, match="larger than any figure"):
        read_upload(workbook([["ward_code", "n"], ["E05900001", 1e300]]), "a.xlsx", ref)


# ---------------------------------------------------------------- messages a person can act on (section 3)
def test_data_on_the_second_sheet_says_only_the_first_sheet_is_read(ref):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    data_sheet = book.create_sheet("Data")
    for row in GOOD:
        data_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UploadError, match=r"first sheet \('Notes'\) has no rows: only the first sheet of a workbook "
                                          r"is read, and this one has 2 sheets\. Move the data to the first sheet"):
        read_upload(buffer.getvalue(), "a.xlsx", ref)


def test_old_excel_and_other_types_get_the_apps_own_sentence(ref):
    with pytest.raises(UploadError, match=r"Old Excel \.xls files are not supported"):
        read_upload(b"\xd0\xcf\x11\xe0 old excel", "a.xls", ref)
    with pytest.raises(UploadError, match=r"Files of type '\.pdf' are not supported"):
        read_upload(b"%PDF-1.4", "a.pdf", ref)


def test_cells_are_quoted_as_plain_text_without_entities_or_backslashes(ref):
    cell = "it's \"5\" \\ x"
    with pytest.raises(UploadError) as caught:
        read_upload(f"ward_code,n\nE05900001,6\nE05900002,\"{cell.replace(chr(34), chr(34) * 2)}\"\n".encode(),
                    "a.csv", ref)
    message = str(caught.value)
    assert cell in message and "&quot;" not in message and "&#x27;" not in message and "\\'" not in message


def test_a_column_mixing_ward_codes_and_names_matches_both_and_says_so(ref):
    upload = read_upload(b"ward,n\nE05900001,6\nGamma,7\n", "a.csv", ref)
    assert upload.values["n"].to_dict() == {"E05900001": 6.0, "E05900002": 7.0}
    assert upload.warnings and "mixes ward codes and ward names: 1 row(s) were matched by name" in upload.warnings[0]
    assert "(e.g. 'Gamma')" in upload.warnings[0]
    upload = read_upload(b"ward,n\nAlpha,6\nNowhere,7\nE05900002,9\n", "a.csv", ref)     # mostly names
    assert upload.key == "name" and upload.values["n"].to_dict() == {"E05900001": 6.0, "E05900002": 9.0}
    assert "mixes ward names and ward codes: 1 row(s) were matched by code" in upload.warnings[0]
    assert "(e.g. 'E05900002')" in upload.warnings[0]
