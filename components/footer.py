"""Footer with the attributions the Open Government Licence asks for, generated from sources.yaml."""
from __future__ import annotations

import streamlit as st

from components.store import sources


def attribution_lines(source_ids: list[str] | None = None) -> list[str]:
    """One line per distinct attribution text for the given sources (all app sources by default)."""
    catalogue = sources()
    ids = source_ids or [s for s, src in catalogue.sources.items() if src.used_by == "app"]
    lines = []
    for source_id in ids:
        text = catalogue.attribution_text(source_id)
        if text not in lines:
            lines.append(text)
    return lines


def footer() -> None:
    st.divider()
    st.caption(" ".join(attribution_lines()) + " Publishers: ONS, MHCLG, DESNZ. See **Data sources** for every "
               "file, edition and licence.")


def source_line(source_id: str, period: str) -> str:
    """'Source: <publisher>, <dataset> (<period>). <attribution>' for a figure's caption."""
    catalogue = sources()
    source = catalogue.sources[source_id]
    conversion = catalogue.conversion(source_id)
    when = f"{period}, {conversion.label}" if conversion else period
    return f"Source: {source.publisher}, {source.dataset} ({when}). {catalogue.attribution_text(source_id)}"
