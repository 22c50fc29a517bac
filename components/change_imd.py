"""IMD 2019 -> 2025 by neighbourhood: the 'slipped back' test, decile moves and wards then and now."""
import pandas as pd
import streamlit as st

from data.safe_text import csv_safe
from components import store
from components import change as view
from components.footer import sources_and_method
from metrics.captions import imd_change_sentence
from metrics.change import (BAND_LABELS, CHANGE_LABELS, SLIPPED_RULE, decile_movement, lookup_counts,
                            movement_summary, slipped_back, ward_share_change)


def imd_section() -> None:
    """The deprivation view of the change page (IoD 2019 and 2025 compared by decile and percentile)."""
    stamp = store.built_at()
    values = store.values(stamp)
    change = view.cached_change(stamp)
    pairs = [("imd2019_lsoa11", "2019"), ("imd2025_lsoa21", "2025")]

    st.header("How deprivation changed, 2019 to 2025")
    counts = lookup_counts(pd.DataFrame(store.areas("lsoa21", stamp).drop(columns="geometry")))
    summary = movement_summary(change)
    st.markdown(f"**{imd_change_sentence(summary, len(change))}**")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Moved to a more deprived decile", f"{summary['More deprived decile']} of {len(change)}")
    c2.metric("Moved to a less deprived decile", f"{summary['Less deprived decile']} of {len(change)}")
    c3.metric("Slipped back a national band", summary["Slipped back a band"], help=SLIPPED_RULE)
    c4.metric("Split / merged since 2011", f"{counts['S']} / {counts['M']}",
              help="2019 figures are published for 2011 LSOAs. Split 2021 LSOAs inherit their 2011 parent's value; merged "
                   "ones take the value of their population-weighted mean rank. Both are flagged in the tables.")
    sources_and_method(pairs, [
        f"Each {store.home(stamp)['name']} neighbourhood (LSOA 2021) in the English Indices of Deprivation **2019** and **2025**, compared by "
        "**national decile and percentile** (a decile is a tenth of England's neighbourhoods ranked from the most "
        "deprived) — never by score or raw rank, because the two editions rank different numbers of neighbourhoods "
        "(32,844 and 33,755).", SLIPPED_RULE,
        f"ONS LSOA 2011 → 2021 lookup: {counts['U']} unchanged, {counts['S']} split, {counts['M']} merged"
        + (f", {counts['X']} irregular" if counts.get("X") else "") + "."])

    tabs = st.tabs(["Map of moves", "Slipped back", "Wards then and now", "All neighbourhoods"])
    with tabs[0]:
        view.change_map(st.session_state.get("committee", "all"), stamp)
        st.subheader("How many neighbourhoods moved between deciles")
        st.caption("Rows: national decile in 2019; columns: in 2025 (1 = most deprived 10% of England).")
        st.dataframe(decile_movement(change), width="stretch")
    with tabs[1]:
        st.markdown(f"**Rule.** {SLIPPED_RULE} It is the council's own test: communities in the 3% most deprived must not "
                    "slip back into the 1% most deprived.")
        slipped = slipped_back(change)
        into_1 = int((slipped["band_2025"] == 0).sum())
        st.markdown(f"**{len(slipped)}** neighbourhoods slipped back; **{into_1}** of them are now in England's "
                    f"{BAND_LABELS[0]}.")
        table = slipped.rename(columns={"display_name": "Neighbourhood", "code": "LSOA code",
                                        "percentile_2019": "Percentile 2019", "percentile_2025": "Percentile 2025",
                                        "band_2019_label": "Band 2019", "band_2025_label": "Band 2025",
                                        "lookup_flag": "2011 → 2021 boundary"})
        st.dataframe(table[["Neighbourhood", "LSOA code", "Percentile 2019", "Percentile 2025", "Band 2019", "Band 2025",
                            "2011 → 2021 boundary"]], hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.2f") for c in ("Percentile 2019",
                                                                                              "Percentile 2025")})
        st.caption("Percentile = 100 × rank ÷ LSOAs in England (0 = most deprived).")
    with tabs[2]:
        wards = ward_share_change(values, store.areas("ward24", stamp))
        st.markdown("Share of each ward's residents living in neighbourhoods in England's most deprived 10%, by the 2019 "
                    "and the 2025 deciles (both with Census 2021 populations).")
        view.ward_share_chart(wards)
        shown = wards.rename(columns={"name": "Ward", "committee_name": "Committee", "share_2019": "2019 (%)",
                                      "share_2025": "2025 (%)", "share_change": "Change (points)"})
        st.dataframe(shown[["Ward", "Committee", "2019 (%)", "2025 (%)", "Change (points)"]], hide_index=True,
                     width="stretch", column_config={c: st.column_config.NumberColumn(format="%.1f")
                                                     for c in ("2019 (%)", "2025 (%)", "Change (points)")})
    with tabs[3]:
        table = change.rename(columns={"display_name": "Neighbourhood", "code": "LSOA code", "decile_2019": "Decile 2019",
                                       "decile_2025": "Decile 2025", "decile_change": "Decile change",
                                       "percentile_2019": "Percentile 2019", "percentile_2025": "Percentile 2025",
                                       "percentile_change": "Percentile change", "lookup_flag": "2011 → 2021 boundary"})
        columns = ["Neighbourhood", "LSOA code", "Decile 2019", "Decile 2025", "Decile change", "Percentile 2019",
                   "Percentile 2025", "Percentile change", "2011 → 2021 boundary"]
        st.dataframe(table[columns].sort_values("Percentile change"), hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.2f") for c in
                                    ("Percentile 2019", "Percentile 2025", "Percentile change")})
        st.download_button("Download (CSV)", csv_safe(table[columns]).to_csv(index=False).encode("utf-8"),
                           file_name=f"{store.file_stem(stamp)}_imd_change_2019_2025_lsoa21.csv", mime="text/csv")
        flagged = change[change["lsoa11_change"].astype(str) != "U"]
        st.caption(f"{len(flagged)} neighbourhoods are flagged as " + " or ".join(
            sorted({CHANGE_LABELS.get(str(c), str(c)).lower() for c in flagged["lsoa11_change"]})) +
            ": their 2019 values were carried from 2011 LSOAs.")
