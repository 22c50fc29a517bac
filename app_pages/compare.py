"""Compare areas: 2-6 areas of the same kind side by side against a comparator (Leeds, England or a committee),
better / similar / worse in words and colour, with the chart that suits the choice. The body is an st.fragment."""
import streamlit as st

from components import store
from components import compare as view
from components.profile import cached_area_names
from components.params import PARAMS
from components.state import bound_select, keep_url_state, write_url

COMPARE_LEVELS = ["lsoa21", "msoa", "ward24", "committee"]
stamp = store.built_at()
levels = store.area_catalogue().levels


def _level_changed() -> None:
    st.session_state["compare"] = ""


st.title("Compare areas")
st.markdown("Choose **2 to 6** areas of the same kind, a comparator and the indicators. Each area is called better, "
            "similar or worse than the comparator where its figure has a 95% confidence interval; the link in your "
            "browser's address bar reopens exactly this comparison.")


@st.fragment
def compare_body() -> None:
    """The pickers, table and chart as a fragment: a change of the areas, comparator or indicators reruns this part
    only, not the app's frame (store check, sidebar, navigation, footer: ~15-20 ms of server time a change). A
    fragment run skips app.py, so it repeats the frame's two URL steps itself (keep, then write), as the profile does."""
    keep_url_state(PARAMS)
    level = bound_select("Kind of area", COMPARE_LEVELS, "compare_level", format_func=lambda lv: levels[lv].label,
                         on_change=_level_changed)
    names = cached_area_names(level, stamp)
    committee = st.session_state.get("committee", "all")
    if not st.session_state.get("compare") and level == "ward24" and committee != "all":
        wards = store.areas("ward24", stamp)
        st.session_state["compare"] = ",".join(wards[wards["committee_code"] == committee]["code"].astype(str).head(6))
    codes = view.bound_codes(f"{levels[level].nouns[:1].upper()}{levels[level].nouns[1:]} to compare", names, "compare")

    if len(codes) < 2:
        st.info("Choose at least two areas to compare (up to six).")
    else:
        view.compare_view(level, codes, stamp, key="_compare", url_keys=True)
    write_url(PARAMS)


compare_body()
