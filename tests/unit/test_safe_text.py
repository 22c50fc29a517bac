"""data.safe_text: user text escaped once, for the place it lands (issue 13)."""
from __future__ import annotations

import re

import pytest

from data.safe_text import csv_cell, plain, safe_text

HOSTILE = "[Sign in](https://x) ![](https://x/p.png) <img src=x onerror=alert(1)> :red[hi] $x$ &amp; **b**"


def displayed(markdown: str) -> str:
    """What CommonMark shows for backslash-escaped punctuation: the mark itself."""
    markdown = markdown.replace("\u2060", "")                                  # the invisible word joiner
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def test_markdown_escapes_every_mark_that_could_form_a_link_image_tag_or_directive():
    out = safe_text(HOSTILE, limit=None)
    assert displayed(out) == HOSTILE                        # the reader sees exactly what was typed
    for live in ("](", "![", "<img", ":red[", "**", "&amp;"):
        assert live not in out.replace("\\" + live[0], "")  # each opening mark is escaped


def test_bare_urls_and_addresses_cannot_be_autolinked():
    out = safe_text("see https://x.invalid/p.png, www.x.invalid or a@x.invalid", limit=None)
    assert "://" not in out and "www." not in out and "\u2060\\@" in out
    assert displayed(out) == "see https://x.invalid/p.png, www.x.invalid or a@x.invalid"


def test_markdown_text_cannot_start_a_new_block():
    out = safe_text("ok\n# Heading\n- item\n> quote", limit=None)
    assert "\n" not in out and displayed(out) == "ok # Heading - item > quote"


def test_html_escapes_once_and_deck_fields_stay_plain_for_streamlit_to_escape():
    assert safe_text("Guiseley & Rawdon", "html") == "Guiseley &amp; Rawdon"
    assert safe_text("Guiseley & Rawdon", "deck") == "Guiseley & Rawdon"
    assert safe_text("<b>", "html") == "&lt;b&gt;"
    assert "&amp;amp;" not in safe_text(safe_text("A & B", "plain"), "html")


def test_plain_drops_control_characters_and_shortens():
    assert plain("a\x00b\x1b[31mc") == "ab[31mc"
    assert plain("x" * 100, 10) == "x" * 9 + "…"
    assert plain("x" * 100, None) == "x" * 100


@pytest.mark.parametrize("cell, expected", [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
                                            ("+cmd", "'+cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("-2+3+cmd|' /C calc'!A0",
                                                                                          "'-2+3+cmd|' /C calc'!A0"),
                                            ("\tx", "'\tx"), ("-5", "-5"), ("-1,234.5", "-1,234.5"), (-5, -5),
                                            ("Armley", "Armley")])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(cell, expected):
    assert csv_cell(cell) == expected


def test_pdf_text_is_latin_1():
    assert safe_text("Café → x", "pdf") == "Café ? x"


def test_unknown_place_is_an_error():
    with pytest.raises(ValueError):
        safe_text("x", "rtf")


def test_csv_downloads_neutralise_uploaded_headings_and_text_cells():
    import pandas as pd

    from data.safe_text import csv_safe
    from geo.exports import csv_bytes

    table = pd.DataFrame({"Area": ["=HYPERLINK(\"http://x\",\"Sign in\")", "Armley"], "@SUM(A1)": [-5, 3],
                          "Figure": ["-5", "+cmd|' /C calc'!A0"]})
    safe = csv_safe(table)
    assert list(safe.columns) == ["Area", "'@SUM(A1)", "Figure"]
    assert safe["Area"].tolist()[0].startswith("'=")
    assert safe.iloc[:, 1].tolist() == [-5, 3] and safe["Figure"].tolist() == ["-5", "'+cmd|' /C calc'!A0"]
    text = csv_bytes(table).decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text and "'=HYPERLINK" in text and table.iloc[0, 0].startswith("=")


def test_streamlit_escapes_deck_tooltip_fields_itself():
    """Map fields are left plain because Streamlit's pydeck chart escapes each {field} it puts into the
    tooltip HTML. If a Streamlit upgrade drops that, this fails and fields must be escaped again."""
    from pathlib import Path

    import streamlit

    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    sources = [p.read_text(errors="ignore") for p in bundle.glob("DeckGlJsonChart*.js")]
    assert sources and any("replaceAll(/[&<>\"']/g" in js for js in sources)


def test_map_fields_are_plain_text_once_in_the_deck():
    import json

    from components.map import deck_template, plain_field

    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "code": "E05000001",
               "name": "Guiseley &amp; Rawdon", "note": "<br/><i>partial</i>", "fill": [1, 2, 3, 4]}
    spec = json.loads(deck_template([feature], None, [{"name": "Gipton &amp; Harehills", "position": [0, 0]}],
                                    {"latitude": 0, "longitude": 0, "zoom": 9}, "<b>{name}</b>"))
    text = json.dumps(spec)
    assert "&amp;" not in text and "Guiseley & Rawdon" in text and "Gipton & Harehills" in text
    assert plain_field("<br/><i>partial</i>") == "partial" and plain_field(5) == 5
