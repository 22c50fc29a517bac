"""The printable profile on tiny fake documents: safe text, Unicode and markup in names.

The real-data checks (a PDF for every ward, page 1 rendered) are in tests/data/test_profile_pdf_data.py.
"""
import shutil
import subprocess
from pathlib import Path

import pytest

from geo.profile_pdf import profile_pdf, safe_text


def test_safe_text_keeps_latin1_and_replaces_the_rest():
    assert safe_text("Gipton & Harehills", unicode_font=False) == "Gipton & Harehills"
    assert safe_text("a — b ≤ 3\x07", unicode_font=False) == "a - b <= 3 "
    assert safe_text("Ŵ", unicode_font=False) == "?"
    assert safe_text("Ŵ", unicode_font=True) == "Ŵ"


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_with_unicode_and_markup_in_the_name():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    layer = gpd.GeoDataFrame({"code": ["X"], "colour": ["#251255"]}, geometry=[box(-1.6, 53.8, -1.5, 53.85)],
                             crs=4326)
    spine = pd.DataFrame(columns=["polarity", "unit", "label", "period", "value_text", "leeds_text", "pos_q1", "pos_q3",
                                  "pos_leeds", "pos_england", "pos_value", "colour"])
    from geo.profile_pdf import ProfileDocument
    doc = ProfileDocument(title="Ŵard <b>&amp; “test”", subtitle="s", date="d", headlines=[("a", "1", "n")],
                          sentences=["x"], spine=spine, map_layer=layer, map_title="m", map_legend=[("#251255", "D1")])
    data = profile_pdf(doc)
    assert data[:5] == b"%PDF-" and len(data) > 1000


def test_markup_in_a_name_is_printed_as_literal_text_in_the_pdf(tmp_path):
    """Issue 8: a name like <img src=x onerror=alert(1)> is shown as text (never interpreted) in the PDF."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed")
    import pandas as pd

    from geo.profile_pdf import ProfileDocument

    evil = "<img src=x onerror=alert(1)>"
    spine = pd.DataFrame(columns=["polarity", "unit", "label", "period", "value_text", "leeds_text", "pos_q1", "pos_q3",
                                  "pos_leeds", "pos_england", "pos_value", "colour"])
    doc = ProfileDocument(title=evil, subtitle="Fake ward for a test", date="1 January 2026",
                          headlines=[("Fake figure", "1.0", "n")], sentences=[f"{evil} is a fake area."], spine=spine)
    path = tmp_path / "evil.pdf"
    path.write_bytes(profile_pdf(doc))
    text = _text(path)
    assert text.count(evil) >= 2            # title and sentence, character for character


def test_decile_legend_starts_at_decile_1_even_where_it_is_absent():
    """Issue 14 item 16: a leafy ward's PDF key began at decile 4 with no word on which end is deprived."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    from metrics.profile_document import decile_map_layer

    lsoas = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    values = pd.DataFrame({"indicator_id": "imd_imd_decile", "area_level": "lsoa21", "period": "2025",
                           "area_code": ["A", "B"], "value": [4.0, 9.0]})
    _, legend = decile_map_layer(lsoas, values, ["A", "B"])
    labels = [label for _, label in legend]
    assert labels[0] == "Decile 1 (1 = most deprived 10%)" and labels[-1] == "Decile 10 (least deprived 10%)"
    assert len(labels) == 10
