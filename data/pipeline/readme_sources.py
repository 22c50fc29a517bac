"""Regenerate the README's data-sources table from sources.yaml (one source of truth).

    python -m data.pipeline.readme_sources          # rewrite the table in README.md
    python -m data.pipeline.readme_sources --check  # exit 1 if README.md is out of date
"""
from __future__ import annotations

import sys

from data.catalogue import load_sources
from data.settings import REPO_ROOT

START, END = "<!-- sources-table:start -->", "<!-- sources-table:end -->"


def sources_table() -> str:
    catalogue = load_sources()
    lines = ["| Dataset | Publisher | Edition / period | Geography | Licence | File |", "|---|---|---|---|---|---|"]
    for source in catalogue.sources.values():
        licence = catalogue.licences[source.licence].name if source.licence in catalogue.licences else source.licence
        use = "" if source.used_by == "app" else f" (used by {source.used_by})"
        lines.append(f"| {source.dataset}{use} | {source.publisher} | {source.edition}, {source.period} | "
                     f"{source.geography} ({source.vintage}) | {licence} | `{source.path}` |")
    return "\n".join(lines)


def render(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{sources_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = REPO_ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in argv:
        if current != wanted:
            print("README.md sources table is out of date: run `python -m data.pipeline.readme_sources`.", file=sys.stderr)
            return 1
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
