"""Footer with the attributions the Open Government Licence asks for, generated from sources.yaml."""
from __future__ import annotations

import re
from functools import lru_cache

import streamlit as st

from components.store import sources


def attribution_lines(source_ids: list[str] | None = None) -> list[str]:
    """One line per distinct attribution text for the given sources (all app sources by default)."""
    return list(cached_attribution_lines(tuple(source_ids or ())))


@lru_cache(maxsize=64)
def cached_attribution_lines(source_ids: tuple[str, ...]) -> tuple[str, ...]:
    """attribution_lines, once per process (the catalogue is fixed while the app runs; the footer asks on every run)."""
    catalogue = sources()
    ids = source_ids or [s for s, src in catalogue.sources.items() if src.used_by == "app"]
    lines = []
    for source_id in ids:
        text = catalogue.attribution_text(source_id)
        if text not in lines:
            lines.append(text)
    return tuple(lines)


def footer() -> None:
    st.divider()
    st.caption(" ".join(attribution_lines()) + " Publishers: ONS, MHCLG, DESNZ. See **Data sources** for every "
               "file, edition and licence.")


def source_line(source_id: str, period: str) -> str:
    """'Source: <publisher>, <dataset> (<period>). <attribution>' for a figure's caption."""
    return cached_source_line(str(source_id), str(period))


@lru_cache(maxsize=1024)
def cached_source_line(source_id: str, period: str) -> str:
    """source_line, once per process: the catalogue is fixed while the app runs."""
    catalogue = sources()
    source = catalogue.sources[source_id]
    conversion = catalogue.conversion(source_id)
    when = f"{period}, {conversion.label}" if conversion else period
    return f"Source: {source.publisher}, {source.dataset} ({when}). {catalogue.attribution_text(source_id)}"


def merged_source_line(pairs) -> str:
    """One 'Sources:' line for a section (issue 19: one merged line instead of a paragraph per source): each
    publisher once with its datasets (their parenthesised details left to the full lines) and periods, then each
    distinct attribution text once. (Cached: the catalogue is fixed for the process; a rerun costs a lookup.)"""
    return cached_merged_source_line(tuple((str(s), str(p)) for s, p in pairs))


@lru_cache(maxsize=512)
def cached_merged_source_line(pairs: tuple[tuple[str, str], ...]) -> str:
    catalogue = sources()
    by_publisher: dict[str, list[str]] = {}
    for source_id, period in dict.fromkeys((str(s), str(p)) for s, p in pairs):
        source = catalogue.sources[source_id]
        dataset = re.sub(r"\s*\([^)]*\)", "", source.dataset).strip()
        by_publisher.setdefault(source.publisher, []).append(f"{dataset} ({period})")
    attributions = dict.fromkeys(catalogue.attribution_text(s) for s, _ in pairs)
    return ("Sources: " + "; ".join(f"{publisher}: {', '.join(dict.fromkeys(items))}"
                                    for publisher, items in by_publisher.items()) + ". " + " ".join(attributions))


def sources_and_method(pairs, method: list[str] | tuple[str, ...] = (), label: str = "Method, caveats and full sources",
                       note: str = "", full: list[str] | None = None) -> None:
    """A section's foot: the merged source line (``note`` appended, e.g. a series' original publisher), and the
    method, caveats and full source lines one click away (``full`` replaces the catalogue's lines where a page
    words them itself, e.g. an IoD edition on its own LSOAs, not converted)."""
    pairs = list(dict.fromkeys(pairs))
    if pairs:
        st.caption(merged_source_line(pairs) + (f" {note}" if note else ""))
    with st.expander(label):
        for paragraph in filter(None, method):
            st.markdown(paragraph)
        lines = list(full if full is not None else (source_line(source, period) for source, period in pairs))
        if lines:                       # one element, not one per source: a collapsed expander is still sent
            st.caption("  \n".join(lines))
