"""The 'map your own data' page, driven by seeding session state with a parsed upload.

AppTest cannot simulate a file upload, so the parsing (data.user_upload.read_upload, also what the
uploader's callback calls) runs here and its result is put where the callback would put it.
"""
import html
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.user_upload_view import ERROR_KEY, INDICATOR_KEY, UPLOAD_KEY, UPLOAD_NAME_KEY
from data.settings import REPO_ROOT
from data.user_upload import UploadError, load_reference, read_upload
from geo.choropleth import DIM_ALPHA, FULL_ALPHA

pytestmark = pytest.mark.data
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ref(processed_store):
    return load_reference(processed_store)


@pytest.fixture()
def page(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/upload.py")
    return at


def shown(markdown: str) -> str:
    """Markdown as the reader sees it (user text reaches the page backslash-escaped, data.safe_text)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def seeded(at, upload, name="clients.csv"):
    at.session_state[UPLOAD_KEY] = upload
    at.session_state[UPLOAD_NAME_KEY] = name
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_without_a_file_explains_what_to_upload(page):
    page.run()
    assert not page.exception
    assert any("No data loaded yet" in i.value for i in page.info)
    assert any("50 MB" in m.value and "this browser session only" in m.value for m in page.markdown)


def test_ward_names_upload_is_mapped_with_suppression_and_unmatched_report(page, ref):
    upload = read_upload(b"ward,clients\nArmley,3\nGipton and Harehills,12\nHEADINGLEY & HYDE PARK,40\n"
                         + XSS.encode() + b",9\n", "clients.csv", ref)
    at = seeded(page, upload)
    assert any("Loaded clients" in s.value and "3 Leeds ward" in s.value for s in at.success)
    unmatched, table = at.dataframe[0].value, at.dataframe[1].value
    assert unmatched.iloc[0, 0] == XSS                       # shown as text in a data grid, never as HTML
    assert len(table) == 33
    figures = table.set_index("Area")["clients"]
    assert figures["Armley"] == "[c]" and figures["Gipton & Harehills"] == "[c]"      # primary + secondary
    assert figures["Headingley & Hyde Park"] == "40" and figures["Pudsey"] == "no data"
    assert any("could be any number from 1 to 5" in shown(i.value) for i in at.info)
    legend = [m.value for m in at.markdown if "Map legend" in m.value]
    assert legend and "clients" in legend[0]
    assert at.session_state[INDICATOR_KEY].label == "clients"


def test_label_with_script_is_escaped_in_the_legend(page, ref):
    upload = read_upload(b"ward_code,n\nE05011385,30\nE05011394,12\n", "x.csv", ref)
    page.session_state["user_label_n"] = XSS
    at = seeded(page, upload)
    legend = next(m.value for m in at.markdown if "Map legend" in m.value)
    assert "<img" not in legend and "&lt;img src=x onerror=alert(1)&gt;" in legend
    assert XSS in at.dataframe[0].value.columns


def test_refused_file_shows_its_message_and_no_map(page, ref):
    with pytest.raises(UploadError) as caught:
        read_upload(b"ward_code,n\nE05011385,1\nE05011385,2\n", "dupes.csv", ref)
    page.session_state[ERROR_KEY] = str(caught.value)
    page.session_state[UPLOAD_NAME_KEY] = "dupes.csv"
    page.run()
    assert not page.exception
    assert any("was not loaded" in e.value and "appears more than once" in e.value for e in page.error)
    assert not [m for m in page.markdown if "Map legend" in m.value]


def test_2011_lsoas_offer_the_conversion_then_map(page, ref):
    lookup = ref.lsoa11
    only11 = sorted(set(lookup["lsoa11_code"]) - set(ref.areas["lsoa21"]["code"]))
    body = "lsoa11_code,n\n" + "".join(f"{code},{20 + i}\n" for i, code in enumerate(only11))
    at = seeded(page, read_upload(body.encode(), "old.csv", ref))
    assert any("2011 LSOA codes" in w.value for w in at.warning)
    assert any("Convert 2011 LSOAs to 2021" in e.value for e in at.error)        # not converted until asked
    at.checkbox(key="user_convert_2011").check().run()
    assert not at.exception
    assert not at.error
    assert any("Converted from 2011 to 2021 LSOAs" in i.value for i in at.info)
    assert len(at.dataframe[-1].value) == 488


def test_accessibility_statement_states_target_tests_limits_and_contact(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/accessibility.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "WCAG) 2.2 at level AA" in text and "axe-core" in text and "contact the Best City Atlas team" in text
    assert "cannot be read by a screen reader" in text
    contrast = at.table[0].value
    assert (contrast["Meets 4.5:1"] == "Yes").all() and contrast["Contrast ratio"].iloc[0] == "17.4:1"


def test_uploaded_data_is_offered_on_the_map_explorer(processed_store, ref):
    """Issue 8: an upload works on the map explorer for this session (toggle), at its own geography."""
    upload = read_upload(b"ward,clients\nArmley,30\nPudsey,12\n", "clients.csv", ref)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/upload.py")
    seeded(at, upload)
    at.switch_page("app_pages/explorer.py").run()
    toggle = [t for t in at.toggle if t.label.startswith("Show your uploaded data: clients")]
    assert toggle, [t.label for t in at.toggle]
    toggle[0].set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value
    assert len(table) == 33 and table.set_index("Area")["clients"]["Armley"] == "30"
    at.session_state["level"] = "lsoa21"
    at.run()
    assert any("switch the geography" in c.value for c in at.caption)


def _with_upload(ref, body: bytes, label: str | None = None):
    """A fresh app session whose upload page has parsed ``body`` (as the uploader's callback would)."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/upload.py")
    if label:
        at.session_state["user_label_clients"] = label
    return seeded(at, read_upload(body, "clients.csv", ref))


def test_uploaded_data_shows_on_a_ward_profile_and_on_its_lsoas_profiles(processed_store, ref):
    """Issue 8: the profile of a ward shows its uploaded figure and rank; an LSOA's profile shows its ward's."""
    at = _with_upload(ref, b"ward,clients\nArmley,30\nPudsey,12\nHunslet and Riverside,20\n", label=XSS)
    wards = ref.areas["ward24"].set_index("name")["code"]
    at.session_state["area"] = wards["Armley"]
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "ranking 1 of 3 Leeds wards (1 = worst)" in shown(text)          # lower is better: 30 is the worst
    assert not re.search(r"(?<!\\)<img", text) and XSS in shown(text)    # escaped once: shown as typed
    panel = next(d.value for d in at.dataframe if "Rank in Leeds" in d.value.columns)
    assert panel.to_dict("records") == [{"Area": "Armley", "Code": wards["Armley"], "Figure": "30", "Rank in Leeds": 1}]

    lsoas = ref.areas["lsoa21"]
    at.session_state["area"] = lsoas.loc[lsoas["ward24_code"] == wards["Pudsey"], "code"].iloc[0]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "This place lies in Pudsey: your data" in shown(text) and "ranking 3 of 3 Leeds wards" in shown(text)


def test_uploaded_data_joins_the_pillar_intersections_and_the_bivariate_map(processed_store, ref):
    """Issue 8: on the pillars page the upload sits beside the weak-pillar areas and can be one bivariate axis,
    and a shared link never carries it."""
    wards = ref.areas["ward24"]["name"].tolist()
    body = "ward,clients\n" + "".join(f"{name},{10 + i}\n" for i, name in enumerate(wards))
    at = _with_upload(ref, body.encode())
    at.switch_page("app_pages/pillars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    listed = next(d.value for d in at.dataframe if "Your data: clients" in d.value.columns)
    assert set(listed["In the worst 20% of your data"]) <= {"Yes", "No"} and len(listed) >= 1
    assert any(shown(m.value).startswith("Of the ") and "worst 20% of Leeds wards on your data" in shown(m.value)
               for m in at.markdown)

    at.segmented_control(key="_w_pillar_view").set_value("two").run()     # issue 19: one view at a time
    assert "Your data: clients" in at.selectbox(key="_w_bivar_x").options
    at.session_state["bivar_x"] = "your_data"           # set_value would format the option outside the app
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Your data: clients and" in shown(m.value) and "33 wards" in m.value for m in at.markdown)
    assert "bivar_x" not in at.query_params


def test_upload_map_fades_wards_outside_the_chosen_committee(processed_store, ref):
    """Issue 8: with a community committee chosen, the upload map fades the other committees' wards."""
    import json

    at = _with_upload(ref, b"ward,clients\nArmley,30\nPudsey,12\n")
    at.session_state["committee"] = "inner-east"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    areas = next(layer for layer in spec["layers"] if layer["id"] == "areas")["data"]
    alpha = {f["code"]: f["fill"][3] for f in areas}
    wards = pd.read_parquet(processed_store / "areas_ward24.parquet", columns=["code", "committee_code"])
    inside = set(wards.loc[wards["committee_code"] == "inner-east", "code"])
    assert inside and len(alpha) == 33
    assert {alpha[c] for c in inside} == {FULL_ALPHA} and {a for c, a in alpha.items() if c not in inside} == {DIM_ALPHA}


def test_mixed_codes_and_names_are_said_at_the_top_and_limits_are_visible_text(page, ref):
    upload = read_upload(b"ward,clients\nE05011385,30\nPudsey,12\nHunslet and Riverside,20\n", "mixed.csv", ref)
    at = seeded(page, upload, name="mixed.csv")
    assert at.warning and "mixes ward" in shown(at.warning[0].value)
    assert any("up to 50 MB" in c.value and "first sheet" in c.value for c in at.caption)


def test_uploaded_map_answers_first_and_its_sentence_names_no_hidden_figure(page, ref):
    """Issue 19 items 3-4: a sentence from the figures shown stands above the map; [c] figures are left out of it
    (only Headingley & Hyde Park's 40 is shown, so it is the only ward named); one merged source line and the
    method one click away."""
    upload = read_upload(b"ward,clients\nArmley,3\nGipton and Harehills,12\nHEADINGLEY & HYDE PARK,40\n",
                         "clients.csv", ref)
    at = seeded(page, upload)
    elements = list(at.main)
    headline = next(i for i, e in enumerate(elements)
                    if getattr(e, "type", "") == "markdown" and shown(e.value).startswith("**clients: "))
    assert headline < next(i for i, e in enumerate(elements) if getattr(e, "type", "") == "deck_gl_json_chart")
    text = shown(elements[headline].value)
    assert text == "**clients: Headingley & Hyde Park (40) is the only one of Leeds' wards with a value.**"
    merged = [c.value for c in at.caption if c.value.startswith("Sources: ")]
    assert len(merged) == 1 and "Wards Boundaries UK BGC, Leeds wards (2024)" in merged[0] and "this session only" in merged[0]
    assert any(e.label == "Method, caveats and full sources" for e in at.expander)
