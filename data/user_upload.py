"""The upload feature's reading floor: a user's own CSV or Excel file, read and validated (no Streamlit here).

Officers upload service data keyed by Leeds ward, MSOA or LSOA codes (or ward names). Nothing here
writes to disk: the file arrives as bytes and leaves as frames held in the user's session. Every
problem a user can fix raises :class:`UploadError` with one specific, plain message; formulas are
never evaluated, and any text taken from the file is quoted plainly (:func:`data.safe_text.plain`) in
messages, which the page escapes once where it shows them, so HTML or Markdown in a file shows as text.

Steps: :func:`read_upload` (bytes -> :class:`Upload`: cells, key column, matched areas, numbers) here,
then ``metrics.user_upload.make_indicator`` (an :class:`Upload` plus the user's choices ->
:class:`UserIndicator`, with 2011 LSOAs converted when asked and small counts suppressed as "[c]").
The feature has one word on every floor: data/user_upload.py reads, metrics/user_upload.py computes,
components/user_upload_view.py draws.
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from data.settings import DataError
from data.registry import Polarity, format_figure
from data.safe_text import plain
from data.store import read_areas, read_manifest, read_store_table

MAX_UPLOAD_MB = 50                      # the files the app reads
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# The widget and server receive files up to this size (server.maxUploadSize), so a file between the two
# limits reaches the app and gets its own message in an alert region, not the widget's hover-only icon.
MAX_RECEIVE_MB = 100
MAX_ROWS = 200_000
MAX_COLUMNS = 200                       # a Leeds file needs an area column and a few value columns
MAX_CELLS = 500_000                     # a CSV costs a few microseconds per cell: ~2 s at this limit
MAX_EXCEL_CELLS = 50_000                # openpyxl needs ~50 µs of CPU per cell: ~2.5 s at this limit (a CSV is faster)
KEY_SAMPLE = 2_000                      # rows looked at to choose the area column (matching then uses all)
MAX_ABS_VALUE = 1e15                    # far beyond any Leeds figure; larger values are typing or export errors
# An .xlsx is a zip archive: these are checked from its directory before anything is unpacked. Python's
# zipfile stops each member at its declared size, so the declared sizes bound what openpyxl can unpack.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_ZIP_RATIO = 100                     # real workbooks compress 5-20 times; zip bombs thousands of times
MAX_ZIP_MEMBERS = 1_000
DEFAULT_THRESHOLD = 5
LEVEL_LABELS = {"lsoa21": "LSOA (2021)", "lsoa11": "LSOA (2011)", "msoa": "MSOA (2021)", "ward24": "ward (2024)"}
CODE_PATTERN = re.compile(r"^[EWSN]\d{8}$")
PREFIX_LEVEL = {"E01": "lsoa", "W01": "lsoa", "E02": "msoa", "W02": "msoa", "E05": "ward24", "W05": "ward24"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MISSING_MARKERS = {"", "[c]", "[x]", "[z]", "[low]", "..", ":", "*", "-", "c", "x", "n/a", "na", "#n/a", "null"}
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

Kind = Literal["count", "rate"]


class UploadError(ValueError):
    """A problem with an uploaded file, in one plain sentence the user can act on."""


# ---------------------------------------------------------------- reference areas
@dataclass(frozen=True)
class Reference:
    """The Leeds areas an upload is matched against (from the processed store and the ONS lookup).

    ``areas[level]`` has columns code, name, display_name, ward24_code, population (and committee_code
    when the store has it) for levels lsoa21, msoa and ward24. ``lsoa11`` is the ONS LSOA 2011 -> 2021 lookup restricted to Leeds (columns
    lsoa11_code, lsoa21_code, change_code), or None when it could not be read.
    """

    areas: dict[str, pd.DataFrame]
    lsoa11: pd.DataFrame | None = None
    lsoa11_problem: str | None = None
    home: str = "Leeds"                 # the district the store was built for: how notices name the whole table

    def codes(self, level: str) -> set[str]:
        return set(self.areas[level]["code"])


def load_reference(processed: Path) -> Reference:
    """Read the reference areas and the Leeds LSOA 2011 -> 2021 lookup from the store.

    A missing or unreadable lookup does not stop uploads: it only disables the 2011 conversion, and the
    reason is kept in ``lsoa11_problem`` so the page can say so.
    """
    areas = {}
    for level in ("lsoa21", "msoa", "ward24"):
        layer = read_areas(processed, level)
        frame = pd.DataFrame(layer.drop(columns="geometry"))
        if "ward24_code" not in frame:
            frame["ward24_code"] = frame["code"]
        columns = ["code", "name", "display_name", "ward24_code", "population"]
        extra = [c for c in ("committee_code", "committee_name") if c in frame]
        areas[level] = frame[columns + extra].copy()
    try:
        home = (read_manifest(processed).get("district") or {}).get("name", "Leeds")
    except (OSError, ValueError):        # no manifest (yet): a store built before the setting is Leeds'
        home = "Leeds"
    try:
        lookup = read_store_table(processed, "lookup_lsoa11_lsoa21")
    except DataError as exc:
        return Reference(areas, None, str(exc), home)
    return Reference(areas, lookup[["lsoa11_code", "lsoa21_code", "change_code"]].reset_index(drop=True), home=home)


# ---------------------------------------------------------------- text safety
# Messages quote the file's text plainly (data.safe_text.plain); the page escapes the whole message once,
# for the place it lands (data.safe_text.safe_text).
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
NUMBER_STARTS = frozenset("0123456789+-.£nNiI")
SPECIAL = {"nan": "nan", "+nan": "nan", "-nan": "nan", "inf": "inf", "+inf": "inf", "infinity": "inf",
           "+infinity": "inf", "-inf": "-inf", "-infinity": "-inf"}


def is_formula(text: str) -> bool:
    """True for a cell a spreadsheet would run as a formula (=, +, -, @ first) that is not a number."""
    stripped = text.strip() if text[:1] not in ("\t", "\r") else text
    if not stripped or not stripped.startswith(FORMULA_STARTS):
        return False
    if set(stripped) <= {"-"}:
        return False
    value, problem = _parse_number(stripped)
    return value is None and problem is None


def _parse_number(text: str) -> tuple[float | None, str | None]:
    """(value, None) for a usable number; (None, problem) for NaN, inf, -inf, "overflow" (beyond a float)
    or "huge" (beyond MAX_ABS_VALUE); (None, None) for text. Only ASCII digits count as digits."""
    cleaned = text.strip()
    if not cleaned or cleaned[0] not in NUMBER_STARTS:
        return None, None                            # fast exit for the common text cell
    if len(cleaned) < 16 and cleaned.isdigit() and cleaned.isascii():
        return float(cleaned), None                  # fast path for the common whole number
    cleaned = cleaned.replace(",", "").replace("£", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    special = SPECIAL.get(cleaned.lower())
    if special:
        return None, special
    if not NUMBER.fullmatch(cleaned):
        return None, None
    number = float(cleaned)
    if not math.isfinite(number):
        return None, "overflow"
    if abs(number) > MAX_ABS_VALUE:
        return None, "huge"
    return number, None


def _number(text: str) -> float | None:
    return _parse_number(text)[0]


def number_problem(cell: str, where: str) -> str:
    """The sentence for a cell that looks like a number but cannot be used as one (see _parse_number)."""
    problem = _parse_number(cell)[1]
    shown = plain(cell, 30)
    return {
        "nan": f"{where} holds '{shown}' (\"not a number\"), which is how some programs write a missing value. "
               f"Leave the cell empty, or write [x], when there is no value.",
        "inf": f"{where} holds '{shown}' (infinity), which is not a figure that can be mapped; it often comes from "
               f"dividing by zero. Leave the cell empty, or write [x], where the rate cannot be calculated.",
        "-inf": f"{where} holds '{shown}' (minus infinity), which is not a figure that can be mapped; it often comes "
                f"from dividing by zero. Leave the cell empty, or write [x], where the rate cannot be calculated.",
        "overflow": f"{where} holds '{shown}', a number too large for any computer to hold. Check the cell: it is "
                    f"probably a typing or export error.",
        "huge": f"{where} holds '{shown}', which is larger than any figure for a Leeds area can be (the limit is "
                f"{MAX_ABS_VALUE:,.0f}). Check the cell: it is probably a typing or export error.",
    }[problem]


def normalise_name(name: str) -> str:
    """Case- and punctuation-insensitive form of a ward name ('&' and 'and' are the same)."""
    text = str(name).lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]", "", text)


# ---------------------------------------------------------------- reading cells
def check_size(n_bytes: int, home: str = "Leeds") -> None:
    """Refuse a file over the limit before reading any of it (``home``: the district whose rows to keep)."""
    if n_bytes > MAX_UPLOAD_BYTES:
        raise UploadError(f"The file is {n_bytes / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB. "
                          f"Upload only the {home} rows and the columns you want to map.")


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Text of a CSV: UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, else Windows-1252
    with a notice; a file that is none of these is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise UploadError("The file says it is UTF-16 text but cannot be read as such; save it again as "
                              "'CSV UTF-8'.") from None
    if b"\x00" in data[:4096]:
        raise UploadError("The file is not a text CSV (it contains binary data). Upload a CSV saved as "
                          "'CSV UTF-8', or an Excel .xlsx workbook.")
    for encoding in ("utf-8-sig", "utf-8"):
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError:
            continue
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UploadError(f"The file's text encoding is not recognised (byte {exc.start + 1} cannot be read as "
                          f"UTF-8 or Windows-1252). Save it again as 'CSV UTF-8' and upload that.") from None
    return text, ["The file is not UTF-8, so it was read as Windows-1252 (Excel's older CSV format). "
                  "Check that names with accents or symbols look right below."]


class _Limit:
    """Counts cells as rows arrive and refuses a file over the column or cell limit straight away, so the
    cost of reading stays in proportion to the cells actually kept (never to a claimed sheet size)."""

    def __init__(self, max_cells: int | None = None, advice: str = "", home: str = "Leeds") -> None:
        self.cells, self.max_cells, self.advice, self.home = 0, max_cells or MAX_CELLS, advice, home

    def too_wide(self, width: int) -> UploadError:
        return UploadError(f"The file has {width:,} columns or more; the limit is {MAX_COLUMNS}. Keep the area column "
                           f"and the columns you want to map, and upload that.")

    def take(self, row: list[str]) -> list[str]:
        while row and row[-1] == "":
            row = row[:-1]
        if len(row) > MAX_COLUMNS:
            raise self.too_wide(len(row))
        self.cells += len(row)
        if self.cells > self.max_cells:
            raise UploadError(f"The file has more than {self.max_cells:,} filled cells (rows x columns), the limit "
                              f"here. Upload only the {self.home} rows and the columns you want to map{self.advice}.")
        return row


def _csv_rows(text: str, home: str = "Leeds") -> list[list[str]]:
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    limit, rows = _Limit(home=home), []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(limit.take(row))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise UploadError(f"The file cannot be read as CSV ({plain(exc)}). Check for unmatched quote "
                          f"marks.") from None
    return rows


def check_archive(data: bytes, home: str = "Leeds") -> None:
    """Refuse an .xlsx whose zip directory promises too much (a "zip bomb") before anything is unpacked.

    Reads only the archive's directory (milliseconds): member count, total declared unpacked size and
    the ratio of unpacked to packed size. Python's zipfile never unpacks a member beyond its declared
    size, so these figures bound the work openpyxl can be made to do.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UploadError("The file is not a readable Excel workbook (it is not a valid .xlsx archive). Save it "
                          "again as .xlsx or as 'CSV UTF-8'.") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError(f"The workbook holds {len(members):,} parts, far more than a spreadsheet has (the limit is "
                          f"{MAX_ZIP_MEMBERS:,}), so it was not opened. Save it again from Excel, or as 'CSV UTF-8'.")
    unpacked = sum(m.file_size for m in members)
    packed = max(sum(m.compress_size for m in members), 1)
    if unpacked > MAX_UNZIPPED_BYTES:
        raise UploadError(f"The workbook would unpack to {unpacked / 1024 / 1024:,.0f} MB, over the limit of "
                          f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB, so it was not opened. Upload only the {home} rows "
                          f"and the columns you want to map.")
    if unpacked > 1024 * 1024 and unpacked / packed > MAX_ZIP_RATIO:
        raise UploadError(f"The workbook is compressed {unpacked / packed:,.0f} times (real spreadsheets are compressed "
                          f"under {MAX_ZIP_RATIO} times), so it was not opened: it may be built to exhaust the "
                          f"server. Save it again from Excel, or as 'CSV UTF-8'.")


def _excel_rows(data: bytes, home: str = "Leeds") -> list[list[str]]:
    """Cells of the first sheet as text; formula cells keep their formula text (never calculated).

    The archive is checked first (:func:`check_archive`); the sheet's own claim about its size is
    ignored (``reset_dimensions``) so a forged dimension cannot make openpyxl pad every row.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_archive(data, home)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UploadError(f"The file is not a readable Excel workbook ({exc.__class__.__name__}). Save it again "
                          f"as .xlsx or as 'CSV UTF-8'.") from None
    try:
        sheet = book.worksheets[0]
        others = [ws.title for ws in book.worksheets[1:]]
        limit, rows = _Limit(min(MAX_EXCEL_CELLS, MAX_CELLS), ", or save it as 'CSV UTF-8' (read faster, so it may be larger)",
                             home), []
        claimed = sheet.max_column                   # from the sheet's own <dimension>: free to read
        if claimed and claimed > MAX_COLUMNS:
            raise limit.too_wide(claimed)
        sheet.reset_dimensions()                     # then ignore the claim: a forged one must not pad rows
        for row in sheet.iter_rows(values_only=True):
            if len(row) > MAX_COLUMNS and any(v is not None for v in row[MAX_COLUMNS:]):
                raise limit.too_wide(len(row))
            rows.append(limit.take([_excel_text(v) for v in row[:MAX_COLUMNS]]))
            if len(rows) > MAX_ROWS + 1:
                break
        filled = [r for r in rows if any(c.strip() for c in r)]
        if len(filled) < 2 and others:
            raise UploadError(f"The first sheet ('{plain(sheet.title, 31)}') has {'no rows' if not filled else 'only a heading row'}: "
                              f"only the first sheet of a workbook is read, and this one has {len(others) + 1} sheets. "
                              f"Move the data to the first sheet (drag its tab to the left), or save that sheet as "
                              f"'CSV UTF-8', and upload again.")
        return rows
    except UploadError:
        raise
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise UploadError(f"The workbook could not be read ({exc.__class__.__name__}). Save it again as .xlsx or as "
                          f"'CSV UTF-8'.") from None
    finally:
        book.close()


def _excel_text(value: object) -> str:
    """A cell's value as the text the rest of the reader expects; formulas keep their "=" text."""
    if value is None:
        return ""
    if hasattr(value, "text"):                      # ArrayFormula / DataTableFormula
        text = str(value.text or "")
        return text if text.startswith("=") else "=" + text
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))
    return str(value)


def read_cells(data: bytes, filename: str, home: str = "Leeds") -> tuple[list[list[str]], list[str]]:
    """Rows of text cells from a CSV or Excel file, plus notices (e.g. about the encoding); ``home`` is the district
    whose rows the limits' messages ask for."""
    check_size(len(data), home)
    suffix = Path(filename or "").suffix.lower()
    if not data or not data.strip():
        raise UploadError("The file is empty. Upload a file with a header row and one row per area.")
    if suffix == ".xls":
        raise UploadError("Old Excel .xls files are not supported. Save it as .xlsx or as 'CSV UTF-8'.")
    if suffix in EXCEL_SUFFIXES:
        rows, notices = _excel_rows(data, home), []
    elif suffix in TEXT_SUFFIXES or suffix == "":
        text, notices = decode_text(data)
        rows = _csv_rows(text, home)
    else:
        raise UploadError(f"Files of type '{plain(suffix)}' are not supported; upload a .csv or .xlsx file.")
    rows = [[c.strip() if not c.startswith(("\t", "\r")) else c for c in r] for r in rows]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise UploadError("The file is empty. Upload a file with a header row and one row per area.")
    if len(rows) > MAX_ROWS + 1:
        raise UploadError(f"The file has more than {MAX_ROWS:,} rows; upload only the {home} rows.")
    return rows, notices


# ---------------------------------------------------------------- the upload
@dataclass(frozen=True)
class Upload:
    """A parsed, matched upload: one row per Leeds area, numbers only, ready for the user's choices.

    Attributes
    ----------
    level
        "lsoa21", "lsoa11" (needs conversion), "msoa" or "ward24".
    key
        "code" or "name" (ward names matched case- and punctuation-insensitively).
    key_column
        The column that held the codes or names.
    values
        Index = area code (of ``level``), one float column per value column (NaN = no value given).
    unmatched
        Keys in the file that matched no Leeds area (as written in the file; escape before showing).
    notices
        Plain sentences about what was done (encoding, ignored columns, markers read as missing).
    """

    level: str
    key: str
    key_column: str
    values: pd.DataFrame
    unmatched: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    n_rows: int = 0
    warnings: list[str] = field(default_factory=list)     # shown at the top, above the preview

    @property
    def value_columns(self) -> list[str]:
        return list(self.values.columns)


def _table(rows: list[list[str]]) -> pd.DataFrame:
    header = rows[0]
    width = max(len(r) for r in rows)
    header = header + [""] * (width - len(header))
    for position, cell in enumerate(header):
        if is_formula(cell):
            raise UploadError(f"Column heading {_column_letter(position)} is a formula "
                              f"('{plain(cell)}'). Formulas are never run here; type a plain heading.")
    looks_like_data = [c for c in header if CODE_PATTERN.match(c.upper()) or _number(c) is not None]
    if looks_like_data:
        raise UploadError(f"The first row looks like data ('{plain(looks_like_data[0])}'), not column "
                          f"headings. Add a header row, for example: ward_code,value.")
    names = [c if c else f"Column {_column_letter(i)}" for i, c in enumerate(header)]
    seen: dict[str, int] = {}
    for name in names:
        seen[name.lower()] = seen.get(name.lower(), 0) + 1
    repeated = [n for n, count in seen.items() if count > 1]
    if repeated:
        raise UploadError(f"Two columns have the same heading ('{plain(repeated[0])}'); give each column "
                          f"its own heading.")
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    if not body:
        raise UploadError("The file has a header row but no data rows. Add one row per area below the headings.")
    return pd.DataFrame(body, columns=names, dtype=object)


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_row(index: int) -> int:
    """Row number as the user sees it in a spreadsheet (the heading is row 1)."""
    return int(index) + 2


def _refuse_formulas(table: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        hits = table.index[table[column].map(is_formula)]
        if len(hits):
            cell = table.at[hits[0], column]
            position = list(table.columns).index(column)
            raise UploadError(
                f"Cell {_column_letter(position)}{_sheet_row(hits[0])} holds a formula ('{plain(cell, 40)}'); "
                f"{len(hits)} cell(s) in column '{plain(column)}' do. Formulas are never run here: replace "
                f"them with their values (in Excel: Copy, then Paste Special > Values) and upload again.")


def _key_column(table: pd.DataFrame, reference: Reference) -> tuple[str, str]:
    """The column of area codes (preferred) or of Leeds ward names; ("code"|"name", column)."""
    sample = table.head(KEY_SAMPLE)
    best_code, best_share = None, 0.0
    for column in sample.columns:
        filled = sample[column][sample[column] != ""]
        if filled.empty:
            continue
        share = filled.str.upper().str.match(CODE_PATTERN.pattern).mean()
        if share > best_share:
            best_code, best_share = column, share
    if best_code is not None and best_share >= 0.5:
        return "code", best_code
    ward_names = set(reference.areas["ward24"]["name"].map(normalise_name))
    best_name, best_share = None, 0.0
    for column in sample.columns:
        filled = sample[column][sample[column] != ""]
        if filled.empty or filled.map(lambda v: _number(v) is not None).mean() > 0.5:
            continue
        share = filled.map(normalise_name).isin(ward_names).mean()
        named = any(word in column.lower() for word in ("ward", "name", "area"))
        if share > best_share or (named and best_name is None):
            best_name, best_share = column, max(share, best_share)
    if best_name is not None and best_share > 0:
        return "name", best_name
    home = reference.home
    raise UploadError(f"No column of {home} area codes (like {_example(reference, 'ward24', 'E05011384')} for a ward, "
                      f"{_example(reference, 'msoa', 'E02002330')} for an MSOA or "
                      f"{_example(reference, 'lsoa21', 'E01011264')} for an LSOA) or {home} ward names was found. Put "
                      "the codes or ward names in their own column.")


def _example(reference: Reference, level: str, leeds: str, column: str = "code") -> str:
    """An example a message names: Leeds' as always written, else the home district's first area of the level."""
    if reference.home == "Leeds":
        return leeds
    found = sorted(reference.areas[level][column].astype(str)) if level in reference.areas else []
    return found[0] if found else leeds


def _match_codes(keys: pd.Series, reference: Reference) -> tuple[str, pd.Series, list[str], list[str]]:
    """Level, Leeds code per row (NaN when unmatched), unmatched keys, notices."""
    codes = keys.str.upper()
    is_code = codes.str.match(CODE_PATTERN.pattern)
    prefixes = set(codes[is_code].str[:3])
    levels = {PREFIX_LEVEL.get(p, "other") for p in prefixes}
    if "other" in levels:
        other = sorted(p for p in prefixes if p not in PREFIX_LEVEL)
        raise UploadError(f"The codes starting {', '.join(other)} are not ward (E05), MSOA (E02) or LSOA (E01) "
                          f"codes. Upload data for {reference.home} wards, MSOAs or LSOAs.")
    if len(levels) > 1:
        raise UploadError("The code column mixes different kinds of area ("
                          + ", ".join(sorted(p for p in prefixes)) + "). Upload one kind of area per file.")
    kind = levels.pop()
    notices: list[str] = []
    if kind == "lsoa":
        leeds21 = reference.codes("lsoa21")
        leeds11 = set(reference.lsoa11["lsoa11_code"]) if reference.lsoa11 is not None else set()
        only11 = set(codes) & (leeds11 - leeds21)
        only21 = set(codes) & (leeds21 - leeds11)
        if only11 and only21:
            raise UploadError(f"The file mixes 2011 LSOA codes (e.g. {sorted(only11)[0]}) and 2021 LSOA codes "
                              f"(e.g. {sorted(only21)[0]}). Use one edition of LSOAs per file.")
        if only11:
            level, known = "lsoa11", leeds11
        else:
            level, known = "lsoa21", leeds21
            if not (set(codes) & leeds21) and reference.lsoa11 is None and reference.lsoa11_problem:
                notices.append("2011 LSOA codes could not be checked: " + reference.lsoa11_problem)
    else:
        level = "msoa" if kind == "msoa" else "ward24"
        known = reference.codes(level)
    matched = codes.where(codes.isin(known))
    unmatched = list(dict.fromkeys(keys[matched.isna()]))
    if matched.notna().sum() == 0:
        example = plain(keys.iloc[0])
        raise UploadError(f"None of the {len(keys)} {LEVEL_LABELS[level]} codes in the file (e.g. {example}) is in "
                          f"{reference.home}. This looks like data for another area; upload the {reference.home} "
                          "rows.")
    return level, matched, unmatched, notices


def _match_names(keys: pd.Series, reference: Reference, quiet: bool = False) -> tuple[pd.Series, list[str]]:
    wards = reference.areas["ward24"]
    code_of = dict(zip(wards["name"].map(normalise_name), wards["code"]))
    matched = keys.map(lambda k: code_of.get(normalise_name(k)))
    unmatched = list(dict.fromkeys(keys[matched.isna()]))
    if matched.notna().sum() == 0 and not quiet:
        raise UploadError(f"None of the names in the file matched a {reference.home} ward (e.g. "
                          f"'{plain(keys.iloc[0])}'). Use the 2024 ward names, such as "
                          f"'{_example(reference, 'ward24', 'Gipton & Harehills', 'name')}', or ward codes.")
    return matched, unmatched


def _numbers(table: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Numeric value columns; text-only columns are ignored, text among numbers is refused."""
    out, notices, ignored = {}, [], []
    for column in columns:
        cells = table[column]
        parsed = cells.map(_number)
        present = parsed.notna()
        markers = cells[~present].str.lower().isin(MISSING_MARKERS)
        bad = cells[~present & ~markers]
        is_problem = bad.map(lambda v: _parse_number(v)[1] is not None)
        problems = bad[is_problem]
        if not present.any() and not is_problem.all():
            ignored.append(column)                   # a text column (a stray "nan" in it is just text)
            continue
        if len(problems):
            position = list(table.columns).index(column)
            where = f"Cell {_column_letter(position)}{_sheet_row(problems.index[0])} (column '{plain(column)}')"
            raise UploadError(number_problem(problems.iloc[0], where))
        if not present.any():
            ignored.append(column)
            continue
        if len(bad):
            rows = ", ".join(str(_sheet_row(i)) for i in bad.index[:5])
            raise UploadError(f"Column '{plain(column)}' has text where numbers are expected: "
                              f"'{plain(bad.iloc[0], 30)}' in row {_sheet_row(bad.index[0])}"
                              f"{f' (rows {rows})' if len(bad) > 1 else ''}. Use numbers only; leave a cell "
                              f"empty when there is no value.")
        n_markers = int((cells[~present] != "").sum())
        if n_markers:
            notices.append(f"{n_markers} cell(s) in '{plain(column)}' were marked as missing or suppressed "
                           f"(e.g. '{plain(cells[~present & (cells != '')].iloc[0], 10)}') and are shown as no data.")
        out[column] = parsed.astype(float)
    if ignored:
        notices.append("Columns without numbers were not used: " + ", ".join(f"'{plain(c)}'" for c in ignored) + ".")
    if not out:
        raise UploadError("No column of numbers was found beside the area column. Add at least one column of "
                          "values.")
    return pd.DataFrame(out, index=table.index), notices


def read_upload(data: bytes, filename: str, reference: Reference) -> Upload:
    """Parse and validate an uploaded file against the Leeds areas; raises UploadError on bad input."""
    rows, notices = read_cells(data, filename, reference.home)
    table = _table(rows)
    key, key_column = _key_column(table, reference)
    value_candidates = [c for c in table.columns if c != key_column]
    keys = table[key_column]
    filled = keys != ""
    if not filled.all():
        notices.append(f"{int((~filled).sum())} row(s) with no area were skipped.")
        table, keys = table[filled], keys[filled]
    _refuse_formulas(table, [key_column])
    numeric_like = [c for c in value_candidates if table[c].map(lambda v: _number(v) is not None).any()]
    _refuse_formulas(table, numeric_like)
    warnings: list[str] = []
    is_code = keys.str.upper().str.match(CODE_PATTERN.pattern)
    if key == "code":
        level, matched, unmatched, more = _match_codes(keys, reference)
        others = keys[~is_code]
        if len(others) and level != "ward24":
            warnings.append(f"Column '{plain(key_column)}' mixes {LEVEL_LABELS[level]} codes with other text: "
                            f"{len(others)} row(s) that are not codes (e.g. '{plain(others.iloc[0])}') could "
                            f"not be matched and are left out. Names can be matched only for wards.")
            others = others.iloc[0:0]
        by_other = _match_names(others, reference, quiet=True)[0]
    else:
        level, (matched, unmatched), more = "ward24", _match_names(keys, reference), []
        others = keys[is_code].str.upper()
        by_other = others.where(others.isin(reference.codes("ward24")))
    if by_other.notna().any():                      # a ward column may mix codes and names: match each its way
        matched = matched.fillna(by_other)
        unmatched = list(dict.fromkeys(keys[matched.isna()]))
        other = "name" if key == "code" else "code"
        warnings.append(f"Column '{plain(key_column)}' mixes ward {key}s and ward {other}s: "
                        f"{int(by_other.notna().sum())} row(s) were matched by {other} (e.g. "
                        f"'{plain(keys[by_other.first_valid_index()])}'), the rest by {key}.")
    notices += more
    dupes = matched[matched.notna() & matched.duplicated(keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        rows_of = ", ".join(str(_sheet_row(i)) for i in dupes.index[dupes == first][:5])
        what = "code" if key == "code" else "ward"
        raise UploadError(f"The {what} {plain(keys[dupes.index[0]])} appears more than once (rows {rows_of}); "
                          f"{dupes.nunique()} area(s) are repeated. Keep one row per area.")
    kept = table[matched.notna()]
    values, more = _numbers(kept, [c for c in value_candidates])
    notices += more
    values.index = pd.Index(matched[matched.notna()].to_numpy(), name="code")
    if unmatched:
        notices.append(f"{len(unmatched)} row(s) did not match a {reference.home} {LEVEL_LABELS[level]} and were left out "
                       f"(listed below).")
    return Upload(level, key, key_column, values, unmatched, notices, n_rows=len(table), warnings=warnings)


# ---------------------------------------------------------------- the user's indicator
@dataclass(frozen=True)
class IndicatorOptions:
    """What the user says the column means."""

    value_column: str
    kind: Kind = "count"
    polarity: Polarity = "lower_is_better"
    label: str = ""
    threshold: int = DEFAULT_THRESHOLD
    numerator_column: str | None = None       # for a rate: the counts behind it, checked for small numbers
    convert_2011: bool = False


@dataclass(frozen=True)
class UserIndicator:
    """An uploaded indicator, safe to show: suppressed cells are NaN in ``table.value``.

    ``table`` has one row per Leeds area of ``level`` (all of them, so missing areas show as no data):
    code, name, display_name, value (float, NaN when suppressed or not given), shown (text: the
    formatted number, "[c]" or "no data") and reason ("primary", "secondary" or empty).
    """

    level: str
    label: str
    kind: Kind
    polarity: Polarity
    threshold: int
    fmt: str
    table: pd.DataFrame
    notices: list[str]
    n_primary: int
    n_secondary: int
    # the totals a reader may know (ward, committee, Leeds), as (name, member codes, total), without those
    # the suppression could not protect: metrics.custom_area shows a custom area's total only when they fix it
    known_totals: tuple = ()

    def format_value(self, value: float | None) -> str:
        return format_figure(value, self.fmt, "")
