"""The app's own page navigation: Streamlit's sidebar menu is hidden, and plain links take its place.

Streamlit's sectioned menu puts section headings straight inside a <ul>, which axe-core reports as serious
WCAG failures (rules 'list' and 'listitem') that app code cannot change. ``st.page_link`` renders ordinary
links, so each section is a bold label followed by its links, reachable with Tab like any other link.
"""
from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage


def app_navigation(sections: dict[str, list[StreamlitPage]]) -> StreamlitPage:
    """Register the pages with Streamlit (menu hidden) and draw the app's own links in the sidebar."""
    current = st.navigation(sections, position="hidden")
    with st.sidebar:
        for section, pages in sections.items():
            st.markdown(f"**{section}**")
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon or None)
    return current
