"""Data sources and methods: every input file (publisher, edition, licence, checksum) and the registry."""
import pandas as pd
import streamlit as st

from components import store
from components.footer import sources_and_method
from metrics.captions import indicators_sentence, sources_sentence

st.title("Data sources and methods")
catalogue = store.sources()
used = [s for s in catalogue.sources.values() if s.used_by == "app"]
licence_name = {s.licence: catalogue.licences[s.licence].name if s.licence in catalogue.licences else s.licence
                for s in used}
st.markdown(f"**{sources_sentence([s.publisher for s in used], [licence_name[s.licence] for s in used])}**")
rows = [{"Dataset": s.dataset, "Publisher": s.publisher, "Edition": s.edition, "Period": s.period,
         "Geography": f"{s.geography} ({s.vintage})", "Licence": licence_name[s.licence],
         "File": s.path, "SHA-256": s.sha256[:12] + "…"} for s in used]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
manifest = store.manifest()
sources_and_method([], [
    "Every figure in Best City Atlas comes from the open data listed here, checked file by file against the "
    "published versions before use. Nothing is estimated or filled in; where a figure cannot be computed the "
    "app says so.",
    f"Figures{'' if store.home_is_leeds(store.built_at()) else ' for ' + store.home_name()} prepared "
    f"{manifest.get('built_at')} from the files above "
    f"({manifest.get('indicators')} indicators, {manifest.get('value_rows'):,} values)."])

st.subheader("Indicators")
registry = store.registry()
pillar = st.selectbox("Pillar", ["All", "Health and Wellbeing", "Inclusive Growth", "Zero Carbon"], key="sources_pillar")
indicators = [i for i in registry.indicators if pillar == "All" or pillar in i.pillars]
st.markdown(f"**{indicators_sentence([i.polarity for i in indicators], '' if pillar == 'All' else pillar)}**")
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
