"""App-wide CSS (components/app.css): labels that wrap instead of being cut, a visible focus ring, less top space.

st.html sends a style-only block to the page's event container, so it takes no room in the layout.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

CSS_PATH = Path(__file__).with_name("app.css")


def apply_app_styles() -> None:
    """Called by app.py on every run (Streamlit redraws the page, so the style must be sent each time)."""
    st.html(cached_style_block())


@lru_cache(maxsize=1)
def cached_style_block() -> str:
    """The stylesheet as the style block ``st.html(CSS_PATH)`` sends, read once per process instead of on every run."""
    return f"<style>{CSS_PATH.read_text(encoding='utf-8')}</style>"
