"""Ward and committee outlines drawn over LSOA fills coincide with them (issue 14, item 8): the outline is
dissolved from the very LSOAs that are filled, on the profile map, in the PDF and on meeting slides."""
import pytest

from data.catalogue import level_ids, load_sources
from data.registry import load_registry
from data.store import read_areas, read_values
from geo.boundaries import best_fit_outlines
from metrics.profile_document import profile_document
from metrics.profile import member_lsoas

pytestmark = pytest.mark.data
BNG = 27700


def _mismatch_m2(fills, outline) -> float:
    """Area (m²) inside the fills but not the outline, or inside the outline but not the fills."""
    union = fills.to_crs(BNG).union_all()
    return float(union.symmetric_difference(outline.to_crs(BNG).union_all()).area)


@pytest.fixture(scope="module")
def layers(processed_store):
    return {lv: read_areas(processed_store, lv) for lv in level_ids()}


@pytest.mark.parametrize("level", ["ward24", "committee", "msoa"])
def test_every_outline_matches_its_lsoas(layers, level):
    lsoas = layers["lsoa21"]
    outlines = best_fit_outlines(lsoas, level).set_index("code")
    assert len(outlines) == len(layers[level])
    for code in outlines.index:
        members = member_lsoas(lsoas, level, code)
        assert _mismatch_m2(members, outlines.loc[[code]].set_geometry("geometry")) < 1.0, code


def test_the_official_ward_line_does_not_fit_the_lsoas(layers):
    """Why: the 20 m ward boundary and the super-generalised LSOAs disagree by hectares."""
    lsoas, wards = layers["lsoa21"], layers["ward24"]
    code = wards.set_index("name").loc["Little London & Woodhouse", "code"]
    assert _mismatch_m2(member_lsoas(lsoas, "ward24", code), wards[wards["code"] == code]) > 10_000


@pytest.mark.parametrize("level,name", [("ward24", "Little London & Woodhouse"), ("committee", "Inner East")])
def test_the_pdf_map_outline_coincides_with_its_fills(processed_store, layers, level, name):
    code = layers[level].set_index("name").loc[name, "code"]
    doc = profile_document(read_values(processed_store), load_registry(), load_sources(), layers, level, code,
                           "1 January 2026")
    assert _mismatch_m2(doc.map_layer, doc.map_outline) < 1.0
    assert "best-fit" in doc.map_title
