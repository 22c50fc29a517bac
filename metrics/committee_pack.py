"""The committee pack's content: a summary page (the committee and its wards against Leeds, what changed, where
needs overlap, warm spaces) and one profile page per ward, assembled from the store's figures.

Pure (no Streamlit); geo/profile_pdf.py draws it. The ward pages are the area profile's first page
(metrics.profile_document), so a ward reads the same in its profile and in the pack.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.profile_pdf import CommitteePack, PackCell
from metrics import committee as cm
from metrics.profile import key_indicator_ids
from metrics.profile_document import profile_document

WORDS = {cm.WORSE: "worse", cm.BETTER: "better", cm.SIMILAR_WORDS: "similar", cm.HIGHER: "higher", cm.LOWER: "lower"}


def short_publisher(publisher: str) -> str:
    """The publisher's short name from data/committee_home.yaml (text before any " ("), else the name as written."""
    plain = publisher.split(" (")[0].strip()
    return cm.load_config().publishers.get(plain, plain)


def pack_footer(sources, source_ids: list[str], name: str, date: str) -> str:
    """The line printed on every page: who published the figures (details on page 1), the pack and its date."""
    publishers = list(dict.fromkeys(short_publisher(sources.sources[s].publisher) for s in source_ids
                                    if s in sources.sources))
    return f"Sources: {', '.join(publishers)} (editions and periods on page 1) · {name} committee pack · " \
           f"Best City Atlas · {date}"


def _change_line(row) -> str:
    return (f"{row.Measure}: {row.Then} ({row.From}) to {row.Now} ({row.To}), {row.Judgement}; Leeds over the same "
            f"periods: {row.Leeds}.")


def committee_pack(values: pd.DataFrame, registry, sources, layers: dict[str, gpd.GeoDataFrame], committee: str,
                   date: str, ward_rows: pd.DataFrame, changes: pd.DataFrame, intersections: pd.DataFrame,
                   warm: dict, spine_inputs=None) -> CommitteePack:
    """Assemble the pack for one committee from figures already computed by metrics.committee."""
    committees = layers["committee"]
    own = committees[committees["code"] == committee]
    if own.empty:
        raise KeyError(f"No community committee with code {committee!r} in the store.")
    name = str(own["name"].iloc[0])
    wards = layers["ward24"]
    members = wards[wards["committee_code"] == committee].sort_values("name")
    ward_docs = [profile_document(values, registry, sources, layers, "ward24", str(code), date, spine_inputs)
                 for code in members["code"]]

    columns = list(dict.fromkeys(ward_rows["name"]))
    rows = []
    for (label, period), group in ward_rows.groupby(["label", "period"], sort=False):
        cells = group.set_index("name").reindex(columns)
        rows.append((f"{label} ({period})", [PackCell(t, WORDS.get(j, "")) for t, j in zip(cells["text"], cells["judgement"])]))
    untested = cm.untested_measures(ward_rows)
    note = ("Worse / better / similar: judged against Leeds only where the figure has a 95% confidence interval (a range "
            "allowing for chance): worse or better when that range does not include Leeds' figure (the NHS Fingertips "
            "rule), similar otherwise; shaded orange, purple and grey, with the word in the cell. "
            + (f"No interval is published for: {'; '.join(untested)} (no judgement). " if untested else "")
            + "'no figure': none is held for that area.")

    sections = []
    if not changes.empty:
        sections.append((f"What changed in {name}", [_change_line(r) for r in changes.itertuples()]))
    else:
        sections.append((f"What changed in {name}", ["No time series is held for the committee as a whole."]))
    sections.append(("Where needs overlap", [
        cm.intersection_sentence(intersections, name),
        "A neighbourhood counts as weak on a pillar (Health and Wellbeing, Inclusive Growth, Zero Carbon) when it is "
        "among the fifth of Leeds neighbourhoods doing worst on that pillar's key measures taken together."]))
    sections.append(("Warm spaces", cm.warm_space_sentences(warm, name)
                     + ["Distances are straight lines from a point inside each neighbourhood, not walking distances."]))

    used = list(dict.fromkeys(list(ward_rows["source_id"]) + [s for r in changes.itertuples() for s in r.sources]
                              + ["warm_spaces", "population_census2021"]
                              + _card_sources(registry)))
    used = [s for s in used if s in sources.sources]
    lines = ["Sources: " + " ".join(f"{sources.sources[s].publisher}: {sources.sources[s].dataset} "
                                    f"({sources.sources[s].period})." for s in used)]
    lines += list(dict.fromkeys(sources.attribution_text(s) for s in used))
    lines += ["Maps: Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains "
              "OS data © Crown copyright and database right 2024.",
              "Made with Best City Atlas from open data; figures as stored in the app's data store on the date above."]
    return CommitteePack(
        title=f"{name} community committee", subtitle=f"Leeds community committee · {len(members)} wards: "
        + ", ".join(members["name"].astype(str)), date=date, sentences=cm.ward_sentences(ward_rows),
        columns=columns, rows=rows, table_note=note, sections=sections, wards=ward_docs, sources=lines,
        footer=pack_footer(sources, used, name, date))


def _card_sources(registry) -> list[str]:
    """Sources of the headline cards printed on each ward page (the profile's cards: metrics.profile.headline_figures)."""
    ids = ["population", "imd_imd_score", "imd_imd_pct_most_deprived", "spi_index", "life_expectancy_female",
           "life_expectancy_male", *key_indicator_ids(registry)]
    return [registry.get(i).latest.source for i in dict.fromkeys(ids) if i in registry.ids]
