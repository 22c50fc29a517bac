"""The map legend: colour swatches, class ranges and counts, as accessible HTML text."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st


def legend_markup(rows: pd.DataFrame, title: str) -> str:
    """Legend rows (colour, label, count) as HTML; the counts make 'no data' visible too (pure, cacheable)."""
    items = "".join(
        f'<li style="display:flex;align-items:center;gap:.5rem;margin:.1rem 0">'
        f'<span aria-hidden="true" style="display:inline-block;width:1.4rem;height:1rem;background:{html.escape(str(r.colour))};'
        f'border:1px solid #555"></span><span>{html.escape(str(r.label))} ({int(r.count)})</span></li>'
        for r in rows.itertuples())
    return (f'<div role="group" aria-label="Map legend"><strong>{html.escape(title)}</strong>'
            f'<ul style="list-style:none;padding-left:0;margin:.25rem 0">{items}</ul></div>')


def show_legend(markup: str) -> None:
    """Draw legend HTML made by legend_markup (escaped there)."""
    st.markdown(markup, unsafe_allow_html=True)


def legend(rows: pd.DataFrame, title: str) -> None:
    """Render legend rows (colour, label, count) under a title."""
    show_legend(legend_markup(rows, title))
