"""Print the project's import graph per floor and the imports that break the floors.

    python tools/import_graph.py           # edges between folders, then problems
    python tools/import_graph.py --check   # exit 1 if any problem is found
    python tools/import_graph.py --pipeline data.build,data.inputs   # which modules form the pipeline floor

Floors, bottom up: data (vocabulary) -> geo -> metrics -> data.pipeline | components -> app_pages.
A problem is an import that runs upward, an import of project code hidden inside a function, or a
module loaded by a name string (importlib / __import__). Stdlib and third-party imports are ignored.
tests/unit/test_architecture.py runs the same checks, so this script is the tool and the test its guard.
"""
from __future__ import annotations

import ast
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"data": 0, "geo": 1, "metrics": 2, "data.pipeline": 3, "components": 3, "app_pages": 4, "app": 4}
PROJECT = ("data", "geo", "metrics", "components", "app_pages")
# The pipeline package, plus the thin `python -m data.build` / `python -m data.export` entry points.
PIPELINE = ["data.pipeline", "data.build", "data.export"]
# Sideways imports on the same floor that are allowed, with the reason.
ALLOWED = {("components", "data.pipeline"): "components/store.py rebuilds a missing or stale store"}


@dataclass(frozen=True)
class Import:
    source: str        # importing module, dotted
    target: str        # imported module, dotted
    line: int
    nested: bool       # inside a function or class body


def floor_of(module: str) -> str | None:
    """The floor a dotted module name belongs to (data.pipeline before data)."""
    if module == "app":
        return "app"
    if any(module == p or module.startswith(p + ".") for p in PIPELINE):
        return "data.pipeline"
    top = module.split(".")[0]
    return top if top in FLOORS else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in PROJECT:
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if "processed" not in f.parts]


def _nested_nodes(tree: ast.AST) -> set[int]:
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner |= {id(n) for n in ast.walk(node) if n is not node}
    return inner


def imports_of(path: Path) -> tuple[list[Import], list[tuple[str, int, str]]]:
    """Project imports of one file, and its string imports (module, line, call)."""
    source = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    inner = _nested_nodes(tree)
    found, strings = [], []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            targets = [t for t in targets if _is_module(t)] or [node.module]
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in ("importlib.import_module", "import_module", "__import__"):
                strings.append((source, node.lineno, name))
        for target in targets:
            if floor_of(target):
                found.append(Import(source, target, node.lineno, id(node) in inner))
    return found, strings


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def problems(imports: list[Import], strings: list[tuple[str, int, str]]) -> list[str]:
    out = []
    for imp in imports:
        src, dst = floor_of(imp.source), floor_of(imp.target)
        where = f"{imp.source}:{imp.line} imports {imp.target}"
        if src != dst and FLOORS[dst] > FLOORS[src]:
            out.append(f"upward: {where} ({src} is below {dst})")
        elif src != dst and FLOORS[dst] == FLOORS[src] and (src, dst) not in ALLOWED:
            out.append(f"sideways: {where} ({src} and {dst} share a floor)")
        if imp.nested:
            out.append(f"hidden: {where} inside a function")
    for source, line, call in strings:
        out.append(f"string import: {source}:{line} calls {call}")
    return out


def collect() -> tuple[list[Import], list[tuple[str, int, str]]]:
    imports, strings = [], []
    for path in project_files():
        found, called = imports_of(path)
        imports += found
        strings += called
    return imports, strings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--pipeline" in argv:            # e.g. an older tree whose pipeline modules sat directly in data/
        PIPELINE[:] = argv[argv.index("--pipeline") + 1].split(",")
    imports, strings = collect()
    edges = Counter((floor_of(i.source), floor_of(i.target)) for i in imports
                    if floor_of(i.source) != floor_of(i.target))
    print("Imports between floors (importing -> imported: count):")
    for (src, dst), n in sorted(edges.items(), key=lambda e: (FLOORS[e[0][0]], e[0][0], FLOORS[e[0][1]], e[0][1])):
        print(f"  {src:>13} -> {dst:<13} {n}")
    found = problems(imports, strings)
    print(f"\n{len(found)} problem(s)" + (":" if found else "."))
    for line in found:
        print(f"  {line}")
    return 1 if found and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main())
