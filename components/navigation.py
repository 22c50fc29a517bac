"""The app's own page navigation: Streamlit's sidebar menu is hidden, and plain links take its place.

Streamlit's sectioned menu puts section headings straight inside a <ul>, which axe-core reports as serious
WCAG failures (rules 'list' and 'listitem') that app code cannot change. ``st.page_link`` renders ordinary
links, so each section is a bold label followed by its links, reachable with Tab like any other link.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable

import streamlit as st
from streamlit.navigation.page import StreamlitPage

_SECTIONS: dict[str, dict[str, list[StreamlitPage]]] = {}
_SECTIONS_LOCK = threading.Lock()


def cached_sections(home: str, build: Callable[[str], dict[str, list[StreamlitPage]]]) -> dict[str, list[StreamlitPage]]:
    """The app's pages by section, fresh for this run: ``build(home)`` runs once per process and home district
    (each st.Page resolves its script's path on the disk), and each run gets its own copies, because st.navigation
    marks the page it returns as the one this run may call (a flag that must not be shared between sessions)."""
    with _SECTIONS_LOCK:
        if home not in _SECTIONS:
            _SECTIONS[home] = build(home)
        sections = _SECTIONS[home]
    return {section: [copy.copy(page) for page in pages] for section, pages in sections.items()}


def app_navigation(sections: dict[str, list[StreamlitPage]]) -> StreamlitPage:
    """Register the pages with Streamlit (menu hidden) and draw the app's own links in the sidebar."""
    current = st.navigation(sections, position="hidden")
    with st.sidebar:
        for section, pages in sections.items():
            st.markdown(f"**{section}**")
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon or None)
    return current
