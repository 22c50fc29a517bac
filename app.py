"""Best City Atlas: the frame. Page config, navigation (the app's own links: components/navigation.py), shared sidebar, URL state and footer."""
import streamlit as st

from components.deck import add_view_control
from components.footer import footer
from components.meeting import apply_meeting_mode
from components.navigation import app_navigation, cached_sections
from components.params import PARAMS
from components.reconnect import reconnect_notice, rerun_after_reconnect
from components.sidebar import shared_sidebar
from components.state import init_from_url, keep_url_state, write_url
from components.styles import apply_app_styles
from components.store import built_at, ensure_store, home_is_leeds, home_name
from data.safe_text import safe_text

st.set_page_config(page_title="Best City Atlas — Leeds", page_icon="🗺️", layout="wide")


def pages(home: str) -> dict[str, list]:
    """The app's pages by section; the cities page is named after the home district (Leeds unless BCA_DISTRICT)."""
    return {
        "Maps": [
            st.Page("app_pages/overview.py", title="Deprivation map", icon=":material/map:", default=True),
            st.Page("app_pages/explorer.py", title="Map explorer", icon=":material/layers:", url_path="explorer"),
            st.Page("app_pages/inequalities.py", title="Inequalities", icon=":material/monitoring:", url_path="inequalities"),
            st.Page("app_pages/social_progress.py", title="Social progress", icon=":material/diversity_3:", url_path="social-progress"),
            st.Page("app_pages/pillars.py", title="Pillars and intersections", icon=":material/join_inner:", url_path="pillars"),
        ],
        "Places": [
            st.Page("app_pages/profile.py", title="Area profile", icon=":material/location_city:", url_path="profile"),
            st.Page("app_pages/custom_area.py", title="Custom area", icon=":material/draw:", url_path="custom-area"),
            st.Page("app_pages/compare.py", title="Compare areas", icon=":material/compare_arrows:", url_path="compare"),
            st.Page("app_pages/change.py", title="Change over time", icon=":material/trending_up:", url_path="change"),
            st.Page("app_pages/cities.py", title=f"{home} among England's cities", icon=":material/apartment:", url_path="cities"),
            st.Page("app_pages/warm_spaces.py", title="Warm spaces", icon=":material/fireplace:", url_path="warm-spaces"),
            st.Page("app_pages/deck.py", title="Meeting deck", icon=":material/slideshow:", url_path="deck"),
        ],
        "Your data and about": [
            st.Page("app_pages/upload.py", title="Map your own data", icon=":material/upload_file:", url_path="upload"),
            st.Page("app_pages/sources.py", title="Data sources and methods", icon=":material/menu_book:", url_path="sources"),
            st.Page("app_pages/accessibility.py", title="Accessibility statement", icon=":material/accessibility:", url_path="accessibility"),
        ],
    }


moved = reconnect_notice()
rerun_after_reconnect()  # first: the browser forgets it on every full run, and a page may stop early
ensure_store()
if not home_is_leeds(built_at()):
    st.set_page_config(page_title=f"Best City Atlas — {home_name()}")   # calls are additive: only the title changes
notices = init_from_url(PARAMS)
keep_url_state(PARAMS)
apply_app_styles()
navigation = app_navigation(cached_sections(home_name(), pages))
apply_meeting_mode(exit_button=navigation.url_path != "deck")     # the deck's presenter draws its own exit
shared_sidebar()
add_view_control(navigation.url_path)
if moved:
    st.warning(moved, icon=":material/sync_problem:")
for notice in notices:
    st.info(safe_text(notice, limit=None), icon=":material/link_off:")
navigation.run()
write_url(PARAMS)
if not (navigation.url_path == "deck" and st.session_state.get("meeting") == "1"):
    footer()            # a presented scene carries its own source line and map credit, and must fit the screen
