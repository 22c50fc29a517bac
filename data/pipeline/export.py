"""Export the numbers behind the app as CSV, for officers and for our own checks.

    python -m data.export --level ward24 --out wards.csv [--period latest]
    python -m data.export --list-indicators
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from data.settings import DataError, processed_dir
from data.registry import load_registry
from data.catalogue import level_ids
from data.store import read_areas, read_values, store_status


def registry_csv() -> str:
    """The registry as CSV: id, label, unit, period, polarity, pillars, source."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "label", "unit", "period", "polarity", "pillars", "source"])
    for ind in load_registry().indicators:
        writer.writerow([ind.id, ind.label, ind.unit, "; ".join(ind.periods), ind.polarity, "; ".join(ind.pillars),
                         "; ".join(dict.fromkeys(e.source for e in ind.editions))])
    return buffer.getvalue()


def wide_table(level: str, processed: Path, period: str = "latest") -> pd.DataFrame:
    """One row per area (code, name), one column per indicator (latest period unless told otherwise)."""
    areas = read_areas(processed, level)
    values = read_values(processed)
    values = values[values["area_level"] == level]
    registry = load_registry()
    columns = {}
    for ind in registry.indicators:
        wanted = ind.latest.period if period == "latest" else period
        if wanted not in ind.periods:
            continue
        sel = values[(values["indicator_id"] == ind.id) & (values["period"] == wanted)]
        if sel.empty:
            continue
        columns[ind.id] = sel.set_index("area_code")["value"]
    wide = pd.DataFrame(columns)
    return areas[["code", "name"]].merge(wide, left_on="code", right_index=True, how="left")


def write_atomic(text: str, out: Path) -> None:
    """Write to a temporary file beside ``out`` and rename, so a failure never leaves half a file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.export", description="Export indicator values as CSV.")
    parser.add_argument("--level", help=f"one of {', '.join(level_ids())}")
    parser.add_argument("--out", type=Path, help="CSV file to write")
    parser.add_argument("--period", default="latest", help="period label, e.g. 2019 (default: each indicator's latest)")
    parser.add_argument("--list-indicators", action="store_true", help="print the registry as CSV")
    args = parser.parse_args(argv)
    try:
        if args.list_indicators:
            sys.stdout.write(registry_csv())
            return 0
        if args.level not in level_ids():
            raise DataError(f"--level must be one of {', '.join(level_ids())} (got {args.level!r}).")
        if args.out is None:
            raise DataError("--out FILE.csv is required with --level.")
        processed = processed_dir()
        status = store_status(processed)
        if not status.usable:
            raise DataError(f"{status.message} Run `python -m data.build` first.")
        table = wide_table(args.level, processed, args.period)
        write_atomic(table.to_csv(index=False), args.out)
    except DataError as exc:
        print(f"Export failed: {exc}", file=sys.stderr)
        return 1
    print(f"Wrote {len(table)} areas x {table.shape[1] - 2} indicators to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
