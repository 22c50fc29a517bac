"""Data sources and methods: every input file (publisher, edition, licence, checksum) and the registry."""
import pandas as pd
import streamlit as st

from components import store

st.title("Data sources and methods")
st.markdown("Every figure in Best City Atlas comes from the open data listed here, checked file by file against the "
            "published versions before use. Nothing is estimated or filled in; where a figure cannot be computed the "
            "app says so.")
catalogue = store.sources()
rows = [{"Dataset": s.dataset, "Publisher": s.publisher, "Edition": s.edition, "Period": s.period,
         "Geography": f"{s.geography} ({s.vintage})", "Licence": catalogue.licences[s.licence].name if s.licence in catalogue.licences else s.licence,
         "File": s.path, "SHA-256": s.sha256[:12] + "…"} for s in catalogue.sources.values() if s.used_by == "app"]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
manifest = store.manifest()
st.caption(f"Figures prepared {manifest.get('built_at')} from the files above "
           f"({manifest.get('indicators')} indicators, {manifest.get('value_rows'):,} values).")

st.subheader("Indicators")
registry = store.registry()
pillar = st.selectbox("Pillar", ["All", "Health and Wellbeing", "Inclusive Growth", "Zero Carbon"], key="sources_pillar")
indicators = [i for i in registry.indicators if pillar == "All" or pillar in i.pillars]
table = pd.DataFrame([{"Indicator": i.label, "Id": i.id, "Unit": i.unit, "Period": ", ".join(i.periods),
                       "Better when": {"higher_is_better": "higher", "lower_is_better": "lower",
                                       "neutral": "neither (context)"}[i.polarity],
                       "Why": i.polarity_reason or "",
                       "Pillars": ", ".join(i.pillars), "Theme": i.theme,
                       "Larger areas": i.aggregation.describe(i.native_level), "Caveat": i.caveat} for i in indicators])
st.dataframe(table, hide_index=True, width="stretch")
st.markdown("Licence: data are © Crown copyright, available under the "
            "[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
            "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v3.0. "
            "Contains OS data © Crown copyright and database right 2024.")
