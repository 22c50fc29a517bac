"""Best City Atlas: the frame. Page config, navigation, shared sidebar, URL state and footer."""
import streamlit as st

from components.footer import footer
from components.params import PARAMS
from components.sidebar import shared_sidebar
from components.state import init_from_url, write_url
from components.store import ensure_store

st.set_page_config(page_title="Best City Atlas — Leeds", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Deprivation map", icon=":material/map:", default=True),
    st.Page("pages/sources.py", title="Data sources and methods", icon=":material/menu_book:", url_path="sources"),
]

ensure_store()
notices = init_from_url(PARAMS)
navigation = st.navigation(PAGES)
shared_sidebar()
for notice in notices:
    st.info(notice, icon=":material/link_off:")
navigation.run()
write_url(PARAMS)
footer()
