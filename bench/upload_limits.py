"""Worst cases for the upload reader (issue 13): how long each hostile or extreme file takes to be refused
or read, and the peak memory it adds. Prints a table; asserts nothing.

    python bench/upload_limits.py [--rounds 3] [--only zip_bomb,wide_csv]

The files are made here, in memory (a 1.5 GB zip bomb takes a few seconds to compress). Areas are a tiny,
obviously fake set (E05900001...), so no data store is needed. Each case runs in a child process so its
peak memory (ru_maxrss) is its own.
"""
from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import resource
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from data.user_upload import MAX_CELLS, MAX_COLUMNS, MAX_EXCEL_CELLS, Reference, UploadError, read_upload  # noqa: E402

WARDS = [f"E0590{i:04d}" for i in range(1, 34)]
LSOAS = [f"E0190{i:04d}" for i in range(1, 5001)]


def reference() -> Reference:
    wards = pd.DataFrame({"code": WARDS, "name": [f"Fake ward {i}" for i in range(33)], "population": 100})
    wards["display_name"], wards["ward24_code"] = wards["name"], wards["code"]
    lsoas = pd.DataFrame({"code": LSOAS, "name": [f"Fake LSOA {i}" for i in range(len(LSOAS))], "population": 100,
                          "ward24_code": [WARDS[i % 33] for i in range(len(LSOAS))]})
    lsoas["display_name"] = lsoas["name"]
    return Reference({"ward24": wards, "lsoa21": lsoas, "msoa": wards.iloc[0:0]}, None, "not needed here")


def _workbook(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(unpacked_mb: int = 1536) -> bytes:
    """A real workbook whose sheet is padded with ~1.5 GB of blanks: a ~1.5 MB file, as in the audit."""
    base = _workbook([["ward_code", "n"], [WARDS[0], 6]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                   compresslevel=9) as dst:
        for member in src.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(member, src.read(member))
                continue
            body = src.read(member)
            cut = body.index(b"<sheetData>") + len(b"<sheetData>")
            with dst.open(member.filename, "w", force_zip64=True) as sink:
                sink.write(body[:cut])
                chunk = b" " * (1024 * 1024)
                for _ in range(unpacked_mb):
                    sink.write(chunk)
                sink.write(body[cut:])
    return out.getvalue()


def forged_dimension() -> bytes:
    """A small workbook whose sheet claims to be A1:XFD1048576 (openpyxl would pad every row to it)."""
    base = _workbook([["ward_code", "n"]] + [[w, 6] for w in WARDS])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            body = src.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)
            dst.writestr(member, body)
    return out.getvalue()


def wide_csv(columns: int = 5000, rows: int = 33) -> bytes:
    header = ",".join(["ward_code"] + [f"v{i}" for i in range(columns - 1)])
    body = "\n".join(",".join([WARDS[r % 33]] + [str(r + i) for i in range(columns - 1)]) for r in range(rows))
    return (header + "\n" + body + "\n").encode()


def wide_xlsx(columns: int = 5000, rows: int = 33) -> bytes:
    return _workbook([["ward_code"] + [f"v{i}" for i in range(columns - 1)]]
                     + [[WARDS[r % 33]] + [r + i for i in range(columns - 1)] for r in range(rows)])


def _largest_rows(cells: int) -> list[list[object]]:
    """The largest table accepted: MAX_COLUMNS columns, as many rows as the cell limit allows, every row a
    distinct fake LSOA, so the whole reader runs (matching, numbers, formulas check)."""
    rows = cells // MAX_COLUMNS - 1
    return ([["lsoa_code"] + [f"v{i}" for i in range(MAX_COLUMNS - 1)]]
            + [[LSOAS[r]] + [(r * 7 + i) % 997 for i in range(MAX_COLUMNS - 1)] for r in range(rows)])


def largest_csv() -> bytes:
    return ("\n".join(",".join(map(str, row)) for row in _largest_rows(MAX_CELLS)) + "\n").encode()


def largest_xlsx() -> bytes:
    return _workbook(_largest_rows(MAX_EXCEL_CELLS))


def huge_number(text: str) -> bytes:
    return f"ward_code,n\n{WARDS[0]},{text}\n{WARDS[1]},6\n".encode()


CASES = {
    "zip_bomb": (lambda: zip_bomb(), "bomb.xlsx"),
    "forged_dimension": (forged_dimension, "dim.xlsx"),
    "wide_csv": (wide_csv, "wide.csv"),
    "wide_xlsx": (wide_xlsx, "wide.xlsx"),
    "largest_csv": (largest_csv, "largest.csv"),
    "largest_xlsx": (largest_xlsx, "largest.xlsx"),
    "number_1e300": (lambda: huge_number("1e300"), "n.csv"),
    "number_1e400": (lambda: huge_number("1e400"), "n.csv"),
    "number_nan": (lambda: huge_number("NaN"), "n.csv"),
    "number_-inf": (lambda: huge_number("-inf"), "n.csv"),
}


def _measure(name: str, rounds: int, queue) -> None:
    make, filename = CASES[name]
    data = make()
    ref = reference()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, cpu, outcome = [], [], ""
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            upload = read_upload(data, filename, ref)
            outcome = f"read: {len(upload.values)} areas x {len(upload.value_columns)} columns"
        except UploadError as exc:
            outcome = "refused: " + str(exc)[:90]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((name, len(data), statistics.median(times), statistics.median(cpu), max(0, peak - base_rss) / 1024, outcome))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated case names: " + ", ".join(CASES))
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    print(f"{'case':<18}{'file':>10}{'wall s':>8}{'CPU s':>8}{'+RSS MB':>9}  outcome (medians of --rounds)")
    context = mp.get_context("spawn")
    for name in names:
        queue = context.Queue()
        child = context.Process(target=_measure, args=(name, args.rounds, queue))
        child.start()
        row = queue.get()
        child.join()
        case, size, median, cpu, rss, outcome = row
        print(f"{case:<18}{size / 1024:>8.0f}KB{median:>8.3f}{cpu:>8.3f}{rss:>9.0f}  {outcome}", flush=True)


if __name__ == "__main__":
    main()
