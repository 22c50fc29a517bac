"""App-wide CSS (components/app.css): labels that wrap instead of being cut, a visible focus ring, less top space.

st.html sends a style-only block to the page's event container, so it takes no room in the layout.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

CSS_PATH = Path(__file__).with_name("app.css")


def apply_app_styles() -> None:
    """Called by app.py on every run (Streamlit redraws the page, so the style must be sent each time)."""
    st.html(CSS_PATH)
