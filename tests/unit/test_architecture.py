"""The floors and naming rules of ARCHITECTURE.md, checked on the source (AST and text, no imports run).

Floors, bottom up: data (vocabulary) -> geo -> metrics -> data.pipeline | components -> app_pages. The import
graph itself comes from tools/import_graph.py (run it to see the edges between floors).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from tools.import_graph import ROOT, collect, problems

PURE = ("data", "geo", "metrics")
UI = ("components", "app_pages")
LONG_TABLE_FILTER = re.compile(r"""\bvalues(?:\.loc)?\[\s*values\[\s*["'](?:indicator_id|area_level|period|area_code)["']"""
                               r"""|\bvalues\[\s*["'](?:indicator_id|area_level|period|area_code)["']\s*\]\s*(?:==|!=|\.isin)""")
CACHE_DECORATORS = ("st.cache_data", "st.cache_resource", "lru_cache", "functools.lru_cache", "cache", "functools.cache")


def _files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py")) if "processed" not in p.parts]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return found


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_import_runs_upward_hides_in_a_function_or_goes_by_name_string():
    imports, strings = collect()
    assert problems(imports, strings) == []


def test_the_import_graph_check_reports_an_upward_import():
    """The checker is live: a metrics module importing components is reported."""
    from tools.import_graph import Import

    assert problems([Import("metrics.fake", "components.store", 3, False)], [])[0].startswith("upward:")
    assert any(p.startswith("hidden:") for p in problems([Import("geo.fake", "data.settings", 9, True)], []))
    assert problems([], [("data.pipeline.fake", 5, "importlib.import_module")])[0].startswith("string import:")


def test_only_components_pages_and_the_frame_import_streamlit():
    offenders = [_rel(p) for p in _files(*PURE) if any(m == "streamlit" or m.startswith("streamlit.")
                                                         for m in _imports(p))]
    assert offenders == []


def test_pages_and_components_reach_the_store_only_through_components_store():
    """Store loaders live in one module: nothing else in the UI reads store files or imports the pipeline."""
    offenders = []
    for path in _files(*UI):
        if _rel(path) == "components/store.py":
            continue
        bad = {m for m in _imports(path) if m == "data.store" or m.startswith("data.store.")
               or m == "data.pipeline" or m.startswith("data.pipeline.")}
        if bad:
            offenders.append(f"{_rel(path)}: {sorted(bad)}")
    assert offenders == []


def test_only_the_query_module_filters_the_long_table():
    offenders = []
    for path in _files(*PURE, *UI):
        rel = _rel(path)
        if rel == "data/query.py" or rel.startswith("data/pipeline/"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LONG_TABLE_FILTER.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []


def test_the_long_table_filter_pattern_catches_a_hand_written_filter():
    assert LONG_TABLE_FILTER.search('rows = values[(values["indicator_id"] == x) & (values["period"] == p)]')
    assert LONG_TABLE_FILTER.search('codes = values.loc[values["area_level"] == "lad", "area_code"]')
    assert not LONG_TABLE_FILTER.search('rows = select(values, x, level, period)')


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def test_cached_functions_outside_the_store_module_are_named_cached():
    """A feature's cached wrappers sit beside the feature and say so: cached_* (shared, read-only results)."""
    offenders = []
    for path in _files(*UI):
        if _rel(path) == "components/store.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    _decorator_name(d) in CACHE_DECORATORS for d in node.decorator_list):
                if not node.name.lstrip("_").startswith("cached_"):
                    offenders.append(f"{_rel(path)}: {node.name}")
    assert offenders == []


def test_names_say_floor_and_role():
    """Drawing words (view, chart, map) only in components/; numbers words (values) never there."""
    drawing = re.compile(r"(^|_)(view|views|chart|charts|map|maps)($|_)")
    offenders = [_rel(p) for p in _files(*PURE) if drawing.search(p.stem) and p.parent.name != "pipeline"]
    offenders += [_rel(p) for p in _files("components") if p.stem.endswith("_values")]
    assert offenders == []


def test_every_derived_family_is_in_the_store_fingerprint():
    import inspect

    from data.pipeline.derived import FAMILIES
    from data.store import fingerprinted_files

    files = set(fingerprinted_files())
    assert [name for name, fn in FAMILIES.items() if Path(inspect.getfile(fn)).resolve() not in files] == []


def test_class_names_are_unique_across_the_floors():
    """One Indicator class (data.registry); the SPI framework's is FrameworkIndicator."""
    seen: dict[str, list[str]] = {}
    for path in _files(*PURE, "components"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                seen.setdefault(node.name, []).append(_rel(path))
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


def test_no_module_imports_another_modules_private_names():
    """A leading underscore means "this module only": import it and a rename breaks a page at run time."""
    offenders = []
    for path in _files(*PURE, *UI):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
                offenders += [f"{_rel(path)}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []
