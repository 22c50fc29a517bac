"""Map your own data: upload a file keyed by Leeds areas, choose what it means, see it mapped (this session only)."""
import streamlit as st

from components import store, user_upload_view
from data.user_upload import DEFAULT_THRESHOLD, MAX_UPLOAD_MB

st.title("Map your own data")
home = store.home_name()
st.markdown(f"Upload a file with **one row per {home} area** to see it mapped beside the atlas's own figures; it "
            "stays in **this browser session only**.")
with st.expander("What files work, and how small counts are protected"):
    st.markdown(
        f"Upload a CSV or Excel file with **one row per {home} area**: a column of ward, MSOA or LSOA codes "
        f"(2021 LSOAs; 2011 LSOAs can be converted) or ward names, and one or more columns of numbers. "
        f"Files up to **{MAX_UPLOAD_MB} MB**.\n\n"
        f"Your data stays in **this browser session only**: it is not saved to disk or shared with anyone, and it is "
        f"gone when you close the tab. Counts below {DEFAULT_THRESHOLD} (you can change this) are shown as **[c]**, "
        f"and so are enough other areas that, from every figure shown and every ward, committee and {home} total, "
        f"each hidden small count could be any number from 1 to {DEFAULT_THRESHOLD} (ONS disclosure guidance). "
        f"Formulas in the file are never run.")

upload = user_upload_view.uploader()
if upload is None:
    st.info("No data loaded yet. Example layout: `ward_code,clients` then one line per ward, such as "
            "`E05011384,42`.", icon=":material/upload_file:")
else:
    st.subheader("What does the column mean?")
    choice = user_upload_view.options(upload)
    indicator = user_upload_view.indicator(upload, choice)
    if indicator is not None:
        st.subheader(f"Map of your data by {user_upload_view.LEVEL_LABELS[indicator.level]}")
        user_upload_view.show(indicator, st.session_state["committee"])
