"""Meeting deck slides on the real store (issue 19.1): the figures a slide states equal an independent pandas
recomputation from the long values table, and the meeting papers print one page per scene with its source footer."""
from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest

from data.catalogue import level_ids, load_sources
from data.deck import Scene
from data.settings import processed_dir
from data.registry import load_registry
from data.series import load_series_catalogue
from data.store import read_areas, read_series, read_values
from geo.profile_pdf import deck_pdf
from metrics.deck_scenes import SceneInputs, scene_document

pytestmark = pytest.mark.data
WARD = {"level": "ward24", "area": "E05011394"}            # Gipton & Harehills
SCENES = [Scene(page="profile", params=WARD), Scene(page="", params=WARD),
          Scene(page="inequalities", params={**WARD, "le_sex": "male"}), Scene(page="change", params=WARD),
          Scene(page="compare", params=WARD)]


@pytest.fixture(scope="module")
def inputs(processed_store) -> SceneInputs:
    p = processed_dir()
    return SceneInputs(read_values(p), load_registry(), load_sources(), {lv: read_areas(p, lv) for lv in level_ids()},
                       read_series(p), load_series_catalogue())


def _value(values: pd.DataFrame, indicator: str, level: str, code: str, period: str) -> float:
    rows = values[(values["indicator_id"] == indicator) & (values["area_level"] == level)
                  & (values["area_code"] == code) & (values["period"] == period)]
    return float(rows["value"].iloc[0])


def test_map_slide_figures_equal_an_independent_recomputation(inputs):
    doc = scene_document(SCENES[1], inputs, level_ids())
    values = inputs.values
    wards = values[(values["indicator_id"] == "imd_imd_score") & (values["area_level"] == "ward24")
                   & (values["period"] == "2025")].dropna(subset=["value"])
    mine = _value(values, "imd_imd_score", "ward24", "E05011394", "2025")
    rank = int((wards["value"] > mine).sum()) + 1                      # higher score = more deprived = worse
    leeds = _value(values, "imd_imd_score", "lad", "E08000035", "2025")
    figures = {label: figure for label, figure, _ in doc.figures}
    assert figures["Gipton & Harehills"] == f"{mine:.1f}"
    assert rank == 1 and figures["Rank in Leeds"] == f"1st of {len(wards)}"   # Leeds' most deprived ward
    assert figures["Leeds"] == f"{leeds:.1f}"
    assert figures["Range across Leeds' wards"] == f"{wards['value'].min():.1f} – {wards['value'].max():.1f}"
    assert doc.headline.startswith("Gipton & Harehills has the worst IMD score of Leeds' 33 wards")
    assert doc.map_layer["focal"].sum() == 1 and doc.focal_code == "E05011394"
    assert "Office for National Statistics licensed under the Open Government Licence" in doc.sources
    assert "(2025)" in doc.sources


def test_gap_and_against_slides_state_what_the_values_say(inputs):
    values = inputs.values
    gap = scene_document(SCENES[2], inputs, level_ids())
    mine = _value(values, "life_expectancy_male", "ward24", "E05011394", "2016-20")
    leeds = _value(values, "life_expectancy_male", "lad", "E08000035", "2016-20")
    figures = {label: figure for label, figure, _ in gap.figures}
    assert figures["Against Leeds"] == f"{mine - leeds:+.1f} years"
    wards = values[(values["indicator_id"] == "life_expectancy_male") & (values["area_level"] == "ward24")]["value"]
    assert figures["Gap across Leeds' wards"] == f"{wards.max() - wards.min():.1f} years"
    assert f"{abs(mine - leeds):.1f} years less than the Leeds average" in gap.headline
    against = scene_document(SCENES[4], inputs, level_ids())
    wards = inputs.areas["ward24"]
    inner_east = wards[wards["committee_code"] == "inner-east"]["code"]
    scores = values[(values["indicator_id"] == "imd_imd_score") & (values["area_level"] == "ward24")
                    & (values["period"] == "2025") & values["area_code"].isin(inner_east)]["value"]
    leeds = _value(values, "imd_imd_score", "lad", "E08000035", "2025")
    assert against.title == "Inner East against Leeds"
    assert {label: f for label, f, _ in against.figures}["Wards worse than Leeds"] == \
        f"{int((scores > leeds).sum())} of {len(scores)}"
    assert sorted(against.chart["value"].round(6)) == sorted(scores.round(6))


def test_meeting_papers_print_one_page_per_scene_with_its_source_footer(inputs, tmp_path):
    docs = [scene_document(s, inputs, level_ids()) for s in SCENES]
    path = tmp_path / "deck.pdf"
    path.write_bytes(deck_pdf("Inner East, March", docs, "6 December 2026"))
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == len(SCENES)
    for number, (page, doc) in enumerate(zip(pages, docs), 1):
        flat = re.sub(r"\s+", " ", page)
        assert doc.title in flat, number
        assert f"Scene {number} of {len(SCENES)}. Source:" in flat, number
        first_source = doc.sources.split(";")[0].split(". Map:")[0]
        assert re.sub(r"\s+", " ", first_source)[:60] in flat, number
        assert f"page {number} of {len(SCENES)}" in flat and "Inner East, March" in flat
        for _, figure, _ in doc.figures[:3]:
            assert figure in flat, (number, figure)
    maps = [n for n, d in enumerate(docs, 1) if d.map_layer is not None]
    for number in maps:
        assert "Open Government Licence" in re.sub(r"\s+", " ", pages[number - 1])
