"""Which of our Python files one figure passes through, from its raw file to the map explorer's tooltip.

Issue 15 counted the trail of a ward fuel-poverty figure by hand; this traces it while the code runs, so the count
can be repeated on any commit (`python tools/figure_trail.py`, or `--root` for another checkout).

How: a profile hook records every call of our code (data/, geo/, metrics/, components/, app_pages/, app.py) as a
call tree, and notes for each call whether the figure goes in (an argument) or comes out (the return value). The
figure is "carried" by the raw file's path, a table row holding one of the area's raw rows (its LSOA code and a
number of that row), a table row holding the area's code and its value, the value itself, or its formatted text
(alone, or in text that names the area). The trail is a backward slice of that tree from the two sinks:
the call that writes the store's values table (the build) and the call that hands the map to st.pydeck_chart
(the explorer page, run with AppTest, every cache cleared first). A call is on it when it leads to a sink while
holding the figure (an argument or a local at that moment), or when the figure comes out of it, before the sink,
into a call already on it (directly, or through a library such as a cache: a result's identity links the call
that made it to the call that holds it). Calls that only read the figure (a sentence above the map, the table under
it, the derived indexes) are not: the figure does not reach the tooltip through them.

What is not counted: modules that are only imported (a settings constant, an exception class), and the colour
(the classes): the tooltip shows the value, its rank and context; the class decides the fill, not the text.
"""
from __future__ import annotations

import argparse
import dataclasses
import html
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import types
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

CODE_DIRS = ("data", "geo", "metrics", "components", "app_pages")
SINK_FUNCTIONS = {"pydeck_chart", "to_parquet"}
_MEMO: dict[int, tuple] = {}


@dataclasses.dataclass(frozen=True)
class Figure:
    """One figure and the forms it takes on its way: raw path and rows, the value, its text."""
    area_code: str
    value: float
    texts: tuple[str, ...]                        # the value as the app writes it ("13.6%", "13.6")
    raw_path: str = ""                            # the raw file, relative to the data folder
    raw_codes: tuple[str, ...] = ()               # codes of the raw rows the value is built from (one is enough)
    raw_numbers: tuple[float, ...] = ()           # numbers of those rows
    indicator_id: str = ""                        # a table row naming another indicator or source is another
    source_id: str = ""                           # figure, even with the same number (a time series' 2020 point)

    def carried_by(self, obj: object, depth: int = 0, seen: set | None = None) -> bool:
        """True when ``obj`` holds the figure in one of its forms (containers searched a few levels deep)."""
        seen = set() if seen is None else seen
        if id(obj) in seen or depth > 4:
            return False
        seen.add(id(obj))
        if obj is None or isinstance(obj, (bool, int, bytes, type, types.FunctionType, types.MethodType,
                                           types.ModuleType, types.BuiltinFunctionType)):
            return False
        if isinstance(obj, float):
            return math.isclose(obj, self.value, rel_tol=1e-9, abs_tol=1e-12)
        if isinstance(obj, (str, os.PathLike)):
            return self._text(os.fspath(obj))
        module = type(obj).__module__ or ""
        if module.startswith(("pandas", "geopandas", "numpy")):
            return self._memo(obj, self._pandas if module[0] != "n" else self._array)
        if isinstance(obj, dict):
            items = list(obj.values())[:2000]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            items = list(obj)[:2000]
        elif dataclasses.is_dataclass(obj) or module.startswith(("data.", "geo.", "metrics.", "components.")) \
                or hasattr(obj, "model_fields"):
            items = list(getattr(obj, "__dict__", {}).values())
        else:
            return False
        return any(self.carried_by(item, depth + 1, seen) for item in items)

    def _memo(self, obj, check: Callable[[object], bool]) -> bool:
        """The answer for a table or array seen before in this shape (the build hands the same frames to many
        calls; weak references, so a result is never given to another object that reuses the id)."""
        shape = (getattr(obj, "shape", None), tuple(map(str, getattr(obj, "columns", ())))[:200])
        known = _MEMO.get(id(obj))
        if known is not None and known[0]() is obj and known[1] == shape:
            return known[2]
        found = check(obj)
        try:
            _MEMO[id(obj)] = (weakref.ref(obj), shape, found)
        except TypeError:
            pass
        return found

    def in_deck(self, deck: dict, tooltip_html: str = "", positions: Callable[[str], list[str]] | None = None) -> bool:
        """True when a pickable layer of a deck.gl spec has the area's feature showing the figure's text: in the
        layer's rows, or (geometry once) in the tooltip's per-area list at the area's position in the level's file."""
        for layer in deck.get("layers", []):
            rows = layer.get("data") if layer.get("pickable") else None
            if isinstance(rows, str) and tooltip_html and positions is not None and self._in_tooltip_table(
                    rows, tooltip_html, positions):
                return True
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict) and row.get("code") == self.area_code \
                        and any(v in self.texts for v in row.values() if isinstance(v, str)):
                    return True
        return False

    def _in_tooltip_table(self, url: str, tooltip_html: str, positions: Callable[[str], list[str]]) -> bool:
        """The figure's text at the area's place in a per-area list of the tooltip (components.map.table_tooltip)."""
        level = re.search(r"/geo/([A-Za-z0-9_]+)\.geojson", url)
        codes = positions(level.group(1)) if level else []
        if self.area_code not in codes:
            return False
        at = codes.index(self.area_code)
        for table in re.findall(r'<span class="[^"]*">((?:<span>.*?</span>)+)</span>', tooltip_html):
            cells = [html.unescape(c) for c in re.findall(r"<span>(.*?)</span>", table)]
            if len(cells) == len(codes) and cells[at] in self.texts:
                return True
        return False

    def _text(self, text: str) -> bool:
        if self.raw_path and text.replace("\\", "/").endswith(self.raw_path):
            return True
        if text in self.texts:
            return True
        return len(text) > 8 and self.area_code in text and any(t in text for t in self.texts)

    def _array(self, obj) -> bool:
        import numpy as np

        if isinstance(obj, np.floating):
            return math.isclose(float(obj), self.value, rel_tol=1e-9)
        if isinstance(obj, np.ndarray) and obj.dtype.kind == "f":
            return bool(np.isclose(obj, self.value, rtol=1e-9, atol=0).any())
        return False

    def _pandas(self, obj) -> bool:
        import numpy as np
        import pandas as pd

        if isinstance(obj, pd.Series):
            if obj.dtype.kind in "OSU" or isinstance(obj.dtype, pd.StringDtype):
                return bool(obj.isin(self.texts).any())          # the figure's text (a tooltip column)
            if obj.dtype.kind == "f":
                if obj.index.dtype.kind in "OSU" and self.area_code in obj.index:
                    hit = obj[obj.index == self.area_code].to_numpy()
                    return bool(np.isclose(hit.astype(float), self.value, rtol=1e-9).any())
                return bool(np.isclose(obj.to_numpy(), self.value, rtol=1e-9).any())
            return False
        if not isinstance(obj, pd.DataFrame) or obj.empty:
            return False
        return self._rows(obj, (self.area_code,), (self.value,)) \
            or bool(self.raw_codes) and self._rows(obj, self.raw_codes, self.raw_numbers) or self._text_cells(obj)

    def _text_cells(self, frame) -> bool:
        """The figure's text in a cell: in the area's row where the table has area codes, anywhere where not."""
        import numpy as np

        text_columns = [c for c in frame.columns if frame[c].dtype.kind in "OSU"]
        hits = np.zeros(len(frame), dtype=bool)
        for column in text_columns:
            hits |= frame[column].isin(self.texts).to_numpy(dtype=bool)
        if not hits.any():
            return False
        code_columns = [c for c in text_columns if str(c) == "code" or str(c).endswith("_code")]
        return not code_columns or any(frame.loc[hits, c].eq(self.area_code).any() for c in code_columns)

    def _rows(self, frame, codes: Iterable[str], numbers: Iterable[float]) -> bool:
        """A row naming one of ``codes`` (any text column, or the index) and holding one of ``numbers`` (and,
        where the table says, this figure's indicator and source)."""
        import numpy as np
        import pandas as pd

        codes, numbers = list(codes), np.asarray(list(numbers), dtype=float)
        mask = np.zeros(len(frame), dtype=bool)
        if frame.index.dtype.kind in "OSU":
            mask |= frame.index.isin(codes)
        for column in frame.columns:
            series = frame[column]
            if series.dtype == object or isinstance(series.dtype, (pd.CategoricalDtype, pd.StringDtype)):
                mask |= series.isin(codes).to_numpy(dtype=bool)
        for column, wanted in (("indicator_id", self.indicator_id), ("source", self.source_id)):
            if wanted and column in frame.columns and mask.any():
                mask &= (frame[column].astype(str) == wanted).to_numpy(dtype=bool)
        if not mask.any():
            return False
        rows = frame[mask]
        for column in rows.columns:
            if rows[column].dtype.kind in "fiu":
                cells = rows[column].to_numpy(dtype=float)
                if np.isclose(cells[:, None], numbers[None, :], rtol=1e-9, atol=0).any():
                    return True
        return False


@dataclasses.dataclass
class Call:
    file: str
    name: str
    parent: int | None
    takes: bool = False          # the figure is among its arguments
    gives: bool = False          # the figure is in what it returns
    sink: bool = False           # it hands the figure to a sink (directly, or through a library call)
    holds: bool = False          # it held the figure (an argument or a local) when a sink was reached under it
    sink_at: int = 0             # how many calls had started when it reached the sink
    fed_by: set[int] = dataclasses.field(default_factory=set)   # other calls whose result it holds (e.g. cached)


class Tracer:
    """A profile hook that records our calls as a tree, with what each one takes and gives."""

    def __init__(self, figure: Figure, roots: Iterable[Path], is_sink: Callable[[object, Figure], bool]):
        self.figure, self.is_sink = figure, is_sink
        self.roots = tuple(str(r.resolve()) + os.sep for r in roots)
        self.calls: list[Call] = []
        self.produced: dict[int, tuple[object, int]] = {}   # id of a result that carries the figure -> (it, call)
        self.local = threading.local()

    def _ours(self, filename: str) -> bool:
        return filename.startswith(self.roots)

    def _stack(self) -> list[int]:
        if not hasattr(self.local, "stack"):
            self.local.stack = []
        return self.local.stack

    def _frames(self) -> list:
        if not hasattr(self.local, "frames"):
            self.local.frames = []
        return self.local.frames

    def hook(self, frame, event, arg):
        if event == "call":
            code = frame.f_code
            stack = self._stack()
            if self._ours(code.co_filename):
                parent = stack[-1] if stack else None
                args = [frame.f_locals.get(n) for n in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]]
                self.calls.append(Call(code.co_filename, code.co_name, parent,
                                       takes=any(self.figure.carried_by(a) for a in args)))
                stack.append(len(self.calls) - 1)
                self._frames().append(frame)
            elif code.co_name in SINK_FUNCTIONS and stack and self.is_sink(frame, self.figure):
                caller = self.calls[stack[-1]]
                caller.sink, caller.sink_at = True, len(self.calls)
                for index, held in zip(stack, self._frames()):
                    call = self.calls[index]
                    call.holds = call.holds or call.takes or any(self.figure.carried_by(v) for v in held.f_locals.values())
        elif event == "return" and self._ours(frame.f_code.co_filename):
            stack = self._stack()
            if stack:
                index = stack.pop()
                for value in frame.f_locals.values():       # a result that came back through a library (a cache)
                    made = self.produced.get(id(value))
                    if made is not None and made[0] is value and made[1] != index:
                        self.calls[index].fed_by.add(made[1])
                self._frames().pop()
                call = self.calls[index]
                if self.figure.carried_by(arg):
                    call.gives = True
                    if not isinstance(arg, (str, float)):
                        self.produced[id(arg)] = (arg, index)

    def __enter__(self) -> Tracer:
        threading.setprofile(self.hook)
        sys.setprofile(self.hook)
        return self

    def __exit__(self, *exc) -> None:
        sys.setprofile(None)
        threading.setprofile(None)


def default_sink(frame, figure: Figure) -> bool:
    """st.pydeck_chart given a deck that carries the figure, or a values.parquet written (the store's values)."""
    local = frame.f_locals
    if frame.f_code.co_name == "pydeck_chart":
        deck = local.get("pydeck_obj")
        tooltip = getattr(deck, "_tooltip", None) or {}
        return deck is not None and figure.in_deck(json.loads(deck.to_json()), tooltip.get("html", "")
                                                   if isinstance(tooltip, dict) else "", _file_order)
    path = local.get("path")
    return path is not None and os.fspath(path).endswith("values.parquet") and figure.carried_by(local.get("self"))


def _file_order(level: str) -> list[str]:
    """Area codes in the order of a level's geometry file (the route serves read_areas' order; geo.choropleth)."""
    from data.settings import processed_dir
    from data.store import read_areas

    return read_areas(processed_dir(), level)["code"].astype(str).tolist()


def trail(calls: list[Call]) -> dict[str, list[str]]:
    """The backward slice: file -> functions on the trail (see the module docstring)."""
    children: dict[int | None, list[int]] = {}
    for i, call in enumerate(calls):
        children.setdefault(call.parent, []).append(i)
    on = set()
    for i, call in enumerate(calls):                # sinks and the callers holding the figure when it got there
        if call.sink:
            j: int | None = i
            while j is not None:
                if calls[j].holds or calls[j].sink:
                    on.add(j)
                j = calls[j].parent
    before = max((c.sink_at for c in calls if c.sink), default=0)   # a call begun after the sink cannot feed it
    todo = list(on)
    while todo:                                     # the calls the figure came out of, into a call on the trail
        index = todo.pop()
        for child in children.get(index, []) + sorted(calls[index].fed_by):
            if calls[child].gives and child not in on and child < before:
                on.add(child)
                todo.append(child)
    found: dict[str, set[str]] = {}
    for i in on:
        found.setdefault(calls[i].file, set()).add(calls[i].name)
    return {file: sorted(names) for file, names in sorted(found.items())}


# ---------- the real figure: ward fuel poverty on the explorer ----------

def _registry_entry(root: Path, indicator_id: str) -> dict:
    import yaml

    files = [root / "data" / "indicators.yaml", *sorted((root / "data" / "indicators.d").glob("*.yaml"))]
    for path in files:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = raw.get("indicators", []) if isinstance(raw, dict) else raw or []
        for entry in entries:
            if isinstance(entry, dict) and entry.get("id") == indicator_id:
                return entry
    raise SystemExit(f"{indicator_id} is not in {root / 'data' / 'indicators.yaml'}")


def figure_for(root: Path, processed: Path, data_dir: Path, indicator_id: str, level: str,
               area: str | None) -> tuple[Figure, str]:
    """The figure to follow (the area with the median value unless given) and its period, read from the store."""
    import pandas as pd
    import yaml

    entry = _registry_entry(root, indicator_id)
    period = str(entry["editions"][0]["period"])
    values = pd.read_parquet(processed / "values.parquet")
    rows = values[(values["indicator_id"] == indicator_id) & (values["area_level"] == level)
                  & (values["period"] == period)].dropna(subset=["value"]).sort_values("value")
    row = rows[rows["area_code"] == area].iloc[0] if area else rows.iloc[len(rows) // 2]
    value = float(row["value"])
    number = entry.get("format", "{:.1f}").format(value)
    unit = entry.get("unit", "")
    texts = (number, number + unit, f"{number} {unit}".strip())
    sources = yaml.safe_load((root / "data" / "sources.yaml").read_text(encoding="utf-8"))
    sources = sources.get("sources", sources)
    source = sources[entry["editions"][0]["source"]]
    raw = pd.read_csv(data_dir / source["path"])
    lsoas = pd.read_parquet(processed / "areas_lsoa21.parquet", columns=None)
    members = lsoas.loc[lsoas.get(f"{level}_code", lsoas["code"]) == row["area_code"], "code"].astype(str)
    key = raw.columns[0]
    inside = raw[raw[key].astype(str).isin(set(members))]
    raw_codes, raw_numbers = (), ()
    if len(inside):
        first = inside.iloc[0]
        raw_codes = (str(first[key]),)
        raw_numbers = tuple(float(v) for v in first.drop(key) if isinstance(v, (int, float)) and not pd.isna(v)
                            and float(v) not in (0.0, 1.0))
    return Figure(str(row["area_code"]), value, tuple(dict.fromkeys(texts)), source["path"], raw_codes,
                  raw_numbers, indicator_id, entry["editions"][0]["source"]), period


def _clear_caches(root: Path) -> None:
    """Every st.cache_* and every lru_cache of our modules, so the run computes what it would on a cold start."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    for module in list(sys.modules.values()):
        if (getattr(module, "__file__", None) or "").startswith(str(root)):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def trace_app(root: Path, figure: Figure, indicator_id: str, level: str, period: str) -> list[Call]:
    """Open the explorer on the figure's indicator and level, clear every cache, and trace one full run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("app_pages/explorer.py")
    at.session_state["level"], at.session_state["committee"] = level, "all"
    at.session_state["indicator"], at.session_state["period"] = indicator_id, period
    at.run()
    _clear_caches(root)
    tracer = Tracer(figure, [root / d for d in CODE_DIRS] + [root / "app.py"], default_sink)
    with tracer:
        at.run()
    if at.exception:
        raise SystemExit(f"the explorer failed: {[e.value for e in at.exception]}")
    if not any(c.sink for c in tracer.calls):
        raise SystemExit(f"{figure.texts[0]} for {figure.area_code} never reached the map's tooltip")
    return tracer.calls


def trace_build(root: Path, figure: Figure, data_dir: Path) -> list[Call]:
    """Run `python -m data.build` into a temporary folder (the real store is left alone) and trace it."""
    import runpy

    with tempfile.TemporaryDirectory(prefix="figure-trail-") as out:
        sys.argv = ["data.build", "--data-dir", str(data_dir), "--out", str(Path(out) / "processed")]
        tracer = Tracer(figure, [root / d for d in CODE_DIRS], default_sink)
        with tracer:
            try:
                runpy.run_module("data.build", run_name="__main__")
            except SystemExit as exc:
                if exc.code:
                    raise
    if not any(c.sink for c in tracer.calls):
        raise SystemExit(f"the build never wrote {figure.area_code}'s value to values.parquet")
    return tracer.calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout to trace (default: this one; its store must be built)")
    parser.add_argument("--indicator", default="fuel_poverty")
    parser.add_argument("--level", default="ward24")
    parser.add_argument("--area", help="area code (default: the area with the median value)")
    parser.add_argument("--side", choices=("both", "build", "app"), default="both")
    parser.add_argument("--json", type=Path, help="also write the trail as JSON here")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.side == "both":        # each side in its own process: the build's imports must not warm the app's
        found: dict[str, list[str]] = {}
        for side in ("build", "app"):
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                cmd = [sys.executable, __file__, "--root", str(root), "--indicator", args.indicator, "--level",
                       args.level, "--side", side, "--json", out.name] + (["--area", args.area] if args.area else [])
                subprocess.run(cmd, check=True, cwd=root, stdout=subprocess.DEVNULL)
                for file, names in json.loads(Path(out.name).read_text())["files"].items():
                    found[file] = sorted(set(found.get(file, [])) | set(names))
        _report(found, f"{args.indicator} at {args.level}: build + explorer", args.json)
        return 0
    sys.path.insert(0, str(root))
    os.chdir(root)
    data_dir = Path(os.environ.get("BCA_DATA_DIR") or root.parent / "shared" / "data").resolve()
    processed = Path(os.environ.get("BCA_PROCESSED_DIR") or root / "data" / "processed").resolve()
    figure, period = figure_for(root, processed, data_dir, args.indicator, args.level, args.area)
    print(f"following {figure.texts[-1]} ({figure.area_code}, {period}); raw rows {figure.raw_codes} of {figure.raw_path}",
          file=sys.stderr)
    calls = trace_build(root, figure, data_dir) if args.side == "build" else \
        trace_app(root, figure, args.indicator, args.level, period)
    found = {str(Path(f).relative_to(root)): names for f, names in trail(calls).items()}
    _report(found, f"{args.indicator} at {args.level}: {args.side}", args.json)
    return 0


def _report(found: dict[str, list[str]], title: str, out: Path | None) -> None:
    print(f"{title}: {len(found)} files")
    for file, names in sorted(found.items()):
        print(f"  {file:40} {', '.join(names)}")
    if out:
        out.write_text(json.dumps({"title": title, "count": len(found), "files": found}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
