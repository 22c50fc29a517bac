"""BCA_DISTRICT (issue 17 item 4): the same atlas for two other core cities, built from the same mirror.

Manchester and Newcastle upon Tyne (district codes unchanged since 2024, unlike Sheffield's) each get a full store
(one per session, shared by the tests that ask: ~25 s CPU each), then EVERY page of the app is rendered for each
with AppTest: no exception, the district's name in the page's own text, no "Leeds" in its headings, labels and
answer sentences (Leeds is named only as a peer or as the owner of a Leeds-only source), the Leeds-only pages say
"Not available for <district>: …". One figure per city is checked against the raw files read with the csv module
(not the lookup code the build uses): its neighbourhoods in England's most deprived 10% (File 7), and for
Manchester the four MSOAs created in 2021 that the life-expectancy SII leaves out, with their residents."""
import csv
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT, data_dir

pytestmark = pytest.mark.data
CITIES = {"E08000003": "Manchester", "E08000021": "Newcastle upon Tyne"}
PAGES = re.findall(r'st\.Page\("(app_pages/[a-z_]+\.py)"', (REPO_ROOT / "app.py").read_text())
NOT_AVAILABLE = {"app_pages/warm_spaces.py": "the warm and welcome spaces list is Leeds City Council's"}
EMPTY_FIRST_VIEW = {"app_pages/compare.py", "app_pages/deck.py"}    # no area chosen / no scene yet: no figure to name
LEEDS_AS_OWNER = re.compile(r"Leeds City Council|official Leeds|Leeds-only")   # a Leeds source named as such


def _rows(path: str, **where) -> list[dict]:
    with open(data_dir() / path, newline="") as fh:
        return [r for r in csv.DictReader(fh) if all(r[k] == v for k, v in where.items())]


# Non-default views with a table whose columns hold the home district's figures (the pillars' KPI table and its KPI
# history, the profile's accessible table): the column is the district's, never "Leeds"; nor are the expanders'
# labels, the history's heading, the profile's comparison words ("Better than ...") or the spine chart's key.
TABLE_VIEWS = [("app_pages/pillars.py", {"pillar_view": "kpis"}), ("app_pages/profile.py", {"profile_tab": "table"}),
               ("app_pages/profile.py", {"profile_tab": "spine"})]
COMPARISON_COLUMNS = re.compile(r"^(Compared with |By$)")     # the profile table's words for each indicator's verdict


def _view_labels(at: AppTest, page: str) -> list[str]:
    """A non-default view's own labels: headings, columns, expander labels, the comparison words in the profile's
    table and the spine chart's key (a markdown list)."""
    texts = _headings_and_labels(at, page) + [e.label for e in at.main.expander]
    texts += [str(v) for d in at.main.dataframe for c in d.value.columns if COMPARISON_COLUMNS.match(str(c))
              for v in d.value[c].unique()]
    texts += [e.value for e in at.main.markdown if "black line =" in e.value]
    return texts


def _headings_and_labels(at: AppTest, page: str) -> list[str]:
    """What names the page's own figures: headings, metric and widget labels, bold answer sentences, table columns
    (not the cities page's columns: Leeds is one of the peers there)."""
    main = at.main
    texts = [e.value for kind in ("title", "header", "subheader") for e in getattr(main, kind)]
    texts += [e.label for e in main.metric]
    texts += [e.label for kind in ("radio", "selectbox", "toggle", "multiselect", "checkbox", "slider", "text_input")
              for e in getattr(main, kind)]
    texts += [e.value.split("\n")[0] for e in main.markdown if e.value.startswith(("**", "#"))]
    if page != "app_pages/cities.py":
        texts += [str(c) for d in main.dataframe for c in d.value.columns]
    return texts


def _page_text(at: AppTest) -> str:
    main = at.main
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
             for e in getattr(main, kind)]
    widgets = [w for kind in ("radio", "selectbox", "multiselect") for w in getattr(main, kind)]
    shown = [str(o) for w in widgets for o in w.options]      # as shown (formatted)
    return " ".join(parts + [e.label for e in main.metric] + [w.label for w in widgets] + shown)


@pytest.mark.parametrize("code", list(CITIES))
def test_the_build_takes_the_districts_areas_from_the_lookup_and_england_wide_layers(district_store, code):
    _, manifest = district_store(code)
    assert manifest["district"]["name"] == CITIES[code]
    assert manifest["counts"]["lsoa21"] == len(_rows("imd/imd2025_lsoa21_england.csv", lad24_code=code))
    assert manifest["counts"]["committee"] == 0 and manifest["counts"]["ward24"] > 0
    assert "warm_spaces" in manifest["left_out"]["leeds_only_sources"]


@pytest.mark.parametrize("code", list(CITIES))
def test_every_page_renders_for_the_district_and_names_it(district_store, monkeypatch, code):
    folder, _ = district_store(code)
    name = CITIES[code]
    monkeypatch.setenv("BCA_DISTRICT", code)
    monkeypatch.setenv("BCA_PROCESSED_DIR", str(folder))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    at.query_params["committee"] = "inner-east"          # a Leeds committee in a link: ignored, with the notice
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Ignored link parameter 'committee'" in re.sub(r"\\(.)", r"\1", i.value) for i in at.info)
    assert at.session_state["committee"] == "all"
    assert at.title[0].value == f"Where deprivation is deepest in {name}"
    file7 = _rows("imd/imd2025_lsoa21_england.csv", lad24_code=code)
    first = at.metric[0]
    assert first.label == f"{name} neighbourhoods in England's most deprived 10%"
    assert first.value.startswith(f"{sum(r['imd_decile'] == '1' for r in file7)} of {len(file7)} ")
    assert at.sidebar.radio(key="benchmark").label == f"Compare {name} with"

    assert len(PAGES) >= 15
    problems = []
    for page in PAGES:
        at.switch_page(page).run()
        if at.exception:
            problems.append((page, "exception", [e.value[:300] for e in at.exception]))
            continue
        if not at.title:
            problems.append((page, "no title"))
        if page not in EMPTY_FIRST_VIEW and name not in _page_text(at):
            problems.append((page, f"{name} is not named on the page"))
        leeds = [t for t in _headings_and_labels(at, page) if "Leeds" in t and not LEEDS_AS_OWNER.search(t)]
        if leeds:
            problems.append((page, "Leeds in its headings or labels", leeds))
        if page in NOT_AVAILABLE and not any(i.value.startswith(f"Not available for {name}: {NOT_AVAILABLE[page]}")
                                             for i in at.info):
            problems.append((page, "no 'Not available' sentence"))
        if page == "app_pages/change.py":            # the district's own series: its summary, and why there are fewer
            problems += _district_change_summary(at, name)
        if page == "app_pages/inequalities.py" and code == "E08000003":
            problems += _manchester_life_expectancy_gaps(at)
    for page, state in TABLE_VIEWS:                      # views whose tables name the home district in columns
        for key, value in state.items():
            at.session_state[key] = value
        at.switch_page(page).run()
        tables = [[str(c) for c in d.value.columns] for d in at.main.dataframe]
        columns = [c for t in tables if t and t[0] in ("KPI", "Indicator") for c in t]
        leeds = [t for t in _view_labels(at, page) if "Leeds" in t and not LEEDS_AS_OWNER.search(t)]
        if at.exception or not any(name in c for c in columns) and state.get("profile_tab") != "spine" or leeds:
            problems.append((page, state, "labels", leeds or columns, [e.value[:200] for e in at.exception]))
    assert not problems, problems


def _manchester_life_expectancy_gaps(at: AppTest) -> list:
    """The SII sentence names the MSOAs that have no 2016-20 life expectancy (2021 MSOAs absent from the ONS file),
    and their residents, both read here from the raw lookup, life-expectancy and Census files."""
    lookup = _rows("lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv", lad24_code="E08000003")
    with_le = {r["msoa11_code"] for r in _rows("health/life_expectancy_at_birth_msoa11_2016_2020_england.csv")}
    msoas = {r["msoa21_code"]: r["msoa21_name"] for r in lookup}
    missing = {code: name for code, name in msoas.items() if code not in with_le}
    lsoas = {r["lsoa21_code"] for r in lookup if r["msoa21_code"] in missing}
    residents = sum(int(r["usual_residents_census2021"]) for r in
                    _rows("population/population_census2021_lsoa21_ew.csv", lad24_code="E08000003")
                    if r["lsoa21_code"] in lsoas)
    sentence = next((i.value for i in at.info if i.value.startswith("Computed over")), "")
    expected = [f"Computed over {len(msoas) - len(missing)} of Manchester's {len(msoas)} MSOAs",
                f"{residents:,} residents", *missing.values()]
    wrong = [e for e in expected if e not in sentence]
    return [("app_pages/inequalities.py", "left-out MSOAs", wrong, sentence)] if wrong or len(missing) != 4 else []


def _district_change_summary(at: AppTest, name: str) -> list:
    """The change page follows the district's own series (published per district): its summary sentence and table
    name it, and a note says why some measures are not shown."""
    note = next((i.value for i in at.info if i.value.startswith(f"For {name} the atlas follows the ")), "")
    sentence = next((m.value for m in at.main.markdown if m.value.startswith(f"**{name} improved on ")), "")
    table = next((d.value for d in at.main.dataframe if f"{name} now" in d.value.columns), None)
    if not note or not sentence or table is None or table.empty:
        return [("app_pages/change.py", "no district summary", note, sentence)]
    return []


def _ons_series(code: str, dataset: str, indicator: str) -> list[float]:
    """One area's values of an ONS Explore Local Statistics dataset, oldest first, from the raw core-cities file
    (csv module; SOURCES.md: England, Yorkshire and The Humber, Leeds and the other core cities). Rows ONS marks
    x, z or c carry no value."""
    rows = [r for r in _rows("timeseries/ons_explore_local_statistics_core_cities.csv", dataset=dataset,
                             indicator=indicator, area_code=code) if r["status"] not in ("x", "z", "c")]
    return [float(r["observation"]) for r in sorted(rows, key=lambda r: r["period"]) if r["observation"]]


def test_the_pillars_kpi_history_is_the_districts_own_ons_series(district_store, monkeypatch):
    """Manchester's atlas: the Inclusive Growth KPI history shows Manchester's employment rate (ONS APS via Explore
    Local Statistics), period by period as the raw file has it, beside England and the North West, never Leeds'."""
    folder, manifest = district_store("E08000003")
    monkeypatch.setenv("BCA_DISTRICT", "E08000003")
    monkeypatch.setenv("BCA_PROCESSED_DIR", str(folder))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    at.run()
    at.session_state["pillar_view"] = "kpis"
    at.session_state["pillar_kpi_pillar"] = "Inclusive Growth"
    at.switch_page("app_pages/pillars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    history = next(d.value for d in at.main.dataframe if "Manchester now" in d.value.columns)
    assert {"Manchester", "England", manifest["district"]["region_name"]} <= set(history.columns)
    assert manifest["district"]["region_name"] == "North West"
    row = history[history["KPI"] == "Lead: Employment rate"].iloc[0]
    manchester = _ons_series("E08000003", "employment-rate", "Employment rate")
    assert len(manchester) >= 10 and manchester != _ons_series("E08000035", "employment-rate", "Employment rate")
    assert [round(v, 1) for v in row["values"]] == manchester
    assert row["Manchester now"] == f"{manchester[-1]:.1f}%"


# --- issue 17 item 4, the rest: social progress, composite, PDF, deck and upload name the district -------------------

CALIBRATION = re.compile(r"The goalposts \([^)]*\) are calibrated on Leeds: [^.]*?Leeds' (\d+) neighbourhoods \(LSOAs\)\."
                         r"( They are not recalibrated for [^:]+: [^.]*\.)?")


def _district_app(monkeypatch, folder, code: str) -> AppTest:
    monkeypatch.setenv("BCA_DISTRICT", code)
    monkeypatch.setenv("BCA_PROCESSED_DIR", str(folder))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _all_text(at: AppTest) -> list[str]:
    """Every sentence and label the page shows (headings, text, notes, metric and widget labels and options, table
    columns), as written."""
    main = at.main
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                                  "success") for e in getattr(main, kind)]
    texts += [e.label for e in main.metric] + [e.label for e in main.expander]
    for kind in ("radio", "selectbox", "multiselect", "toggle", "checkbox"):
        for widget in getattr(main, kind):
            texts += [widget.label] + [str(o) for o in getattr(widget, "options", [])]
    return texts + [str(c) for d in main.dataframe for c in d.value.columns]


def _spi_yaml_texts() -> list[str]:
    """The reasons written in data/spi.yaml (they describe Leeds' LSOAs, where the goalposts were set)."""
    import yaml

    framework = yaml.safe_load((REPO_ROOT / "data" / "spi.yaml").read_text())
    return [c.get("missing") or "" for d in framework["dimensions"] for c in d["components"]] + [
        i["reason"] for d in framework["dimensions"] for c in d["components"] for i in c.get("indicators", [])]


def test_social_progress_is_built_and_shown_for_the_district_with_its_own_scores(district_store, monkeypatch):
    """The open SPI family is built for Manchester (the committee level it lacks is skipped); the page shows
    Manchester's own scores in every view, names Manchester, and says Leeds only where Leeds is meant: the
    goalposts calibrated on Leeds' LSOAs (its count checked against File 7), the council's official Leeds SPI (no
    'Official scores' view, with a sentence) and the reasons quoted from data/spi.yaml."""
    folder, manifest = district_store("E08000003")
    assert "spi" not in manifest["left_out"]["families"]
    at = _district_app(monkeypatch, folder, "E08000003")
    at.session_state["level"] = "lsoa21"
    allowed = [LEEDS_AS_OWNER, re.compile("|".join(re.escape(t) for t in _spi_yaml_texts() if "Leeds" in t)),
               re.compile(r"^Reason \(as written for Leeds' LSOAs\)$")]         # the column of those reasons
    calibration = []
    problems = []
    for view in ("map", "scorecard", "sensitivity", "method"):
        at.session_state["spi_view"] = view
        at.switch_page("app_pages/social_progress.py").run()
        if at.exception:
            problems.append((view, [e.value[:300] for e in at.exception]))
            continue
        texts = _all_text(at)
        assert not any(t.startswith("Not available for Manchester") for t in texts), view
        assert at.main.radio(key="_w_spi_view").options == ["Map", "Scorecard", "Sensitivity", "Method"]
        assert any("No *Official scores* view for Manchester" in t and "Leeds City Council" in t for t in texts)
        for text in texts:
            calibration += [m.group(1) for m in CALIBRATION.finditer(text)]
            rest = CALIBRATION.sub("", text)
            for pattern in allowed:
                rest = pattern.sub("", rest)
            if "Leeds" in rest:
                problems.append((view, text[:300]))
        if view == "scorecard":
            assert any(m.label.startswith("Rank among Manchester ") for m in at.main.metric)
        if view == "sensitivity":
            assert any(m.value.startswith("How the ranks of Manchester ") for m in at.main.markdown)
    assert not problems, problems
    leeds_lsoas = len(_rows("imd/imd2025_lsoa21_england.csv", lad24_code="E08000035"))
    assert calibration and set(calibration) == {str(leeds_lsoas)}           # "Leeds' 488 neighbourhoods"

    # Manchester's own values: a one-indicator component is the raw value placed between its goalposts
    # (connectivity: dystopia 25, utopia 95, capped to 0-100), read here from Files 7 and 8 with the csv module
    at.session_state["spi_view"] = "map"
    at.session_state["spi_measure"] = "spi_comp_personal_freedom_choice"
    at.switch_page("app_pages/social_progress.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.main.dataframe if "Code" in d.value.columns)
    shown = dict(zip(table["Code"], table[table.columns[2]].astype(float)))
    manchester = {r["lsoa21_code"] for r in _rows("imd/imd2025_lsoa21_england.csv", lad24_code="E08000003")}
    raw = {r["lsoa21_code"]: float(r["connectivity_score"]) for r in _rows("imd/imd2025_lsoa21_indicators_england.csv")
           if r["lsoa21_code"] in manchester and r["connectivity_score"]}
    expected = {c: min(100.0, max(0.0, 100 * (v - 25) / (95 - 25))) for c, v in raw.items()}
    assert len(expected) == len(manchester) == 295 and set(shown) == set(expected)
    assert max(abs(shown[c] - expected[c]) for c in expected) < 0.051          # shown to one decimal


def test_composite_pdf_deck_and_upload_name_the_district(district_store, monkeypatch, tmp_path):
    """Views the page sweep does not open say Manchester where they said Leeds: the pillar composite (headline,
    'Score (0 = Manchester average)', its z-score method), the profile PDF (the spine's range and the headline
    sentence's significance words), two deck slides (Manchester's wards against Manchester; a ward's rank in
    Manchester) and an upload's rank column and sentence. The ward count is read from the raw lookup (csv)."""
    import shutil
    import subprocess

    from components.user_upload_view import UPLOAD_KEY, UPLOAD_NAME_KEY
    from data.deck import Deck, Scene, encode_link
    from data.user_upload import load_reference, read_upload

    folder, _ = district_store("E08000003")
    at = _district_app(monkeypatch, folder, "E08000003")
    wards = len({r["ward24_code"] for r in _rows("lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv",
                                                 lad24_code="E08000003")})
    at.session_state["level"] = "ward24"
    at.session_state["pillar_view"] = "map"
    at.switch_page("app_pages/pillars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"of Manchester's {wards} wards" in at.main.subheader[0].value
    assert any("Score (0 = Manchester average)" in d.value.columns for d in at.main.dataframe)
    method = " ".join(m.value for m in at.main.markdown)
    assert "above or below the average of Manchester's wards" in method and "0 = the average Manchester ward" in method
    leeds = [t for t in _all_text(at) if "Leeds" in LEEDS_AS_OWNER.sub("", t)]
    assert not leeds, leeds

    if shutil.which("pdftotext"):             # the printable profile of one ward (made as the download button does)
        from components import store
        from components.profile import cached_profile_pdf

        stamp = store.built_at()
        code = str(store.areas("ward24", stamp).set_index("name").loc["Harpurhey", "code"])
        pdf = tmp_path / "harpurhey.pdf"
        pdf.write_bytes(cached_profile_pdf("ward24", code, stamp, "1 January 2026"))
        text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                 check=True).stdout)
        assert "it is significantly worse than Manchester on" in text
        assert "Harpurhey: every indicator on the Manchester range" in text and "Leeds" not in text

    first = _rows("lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv", lad24_code="E08000003")[0]
    ward = first["ward24_code"]
    deck = Deck(name="Board", scenes=(Scene(page="compare", params={}),
                                      Scene(page="explorer", params={"level": "ward24", "area": ward})))
    slides = []
    for step in ("0", "1"):
        at.query_params.clear()
        at.query_params.update({"deck": encode_link(deck), "meeting": "1", "meeting_step": step})
        at.switch_page("app_pages/deck.py").run()
        assert not at.exception, [e.value for e in at.exception]
        slides.append(" ".join(str(m.value) for m in at.markdown))
    text = " ".join(slides)
    assert re.search(rf"\d+ of Manchester&#x27;s {wards} wards are worse than Manchester as a whole", text)
    assert f"{html.escape(first['ward24_name'])}: " in text and "Rank in Manchester" in text and "Leeds" not in text

    reference = load_reference(folder)
    names = sorted({r["ward24_name"] for r in _rows("lookups/lookup_lsoa21_msoa21_ward24_lad24_ew.csv",
                                                    lad24_code="E08000003")})[:3]
    upload = read_upload(f"ward,clients\n{names[0]},30\n{names[1]},12\n{names[2]},20\n".encode(), "clients.csv",
                         reference)
    at = _district_app(monkeypatch, folder, "E08000003")      # a fresh session: the deck left meeting mode on
    at.switch_page("app_pages/upload.py")
    at.session_state[UPLOAD_KEY] = upload
    at.session_state[UPLOAD_NAME_KEY] = "clients.csv"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("3 Manchester ward (2024) areas matched" in s.value for s in at.success), [s.value for s in at.success]
    at.session_state["area"] = str(reference.areas["ward24"].set_index("name").loc[names[0], "code"])
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    panel = next(d.value for d in at.dataframe if "Rank in Manchester" in d.value.columns)
    assert panel["Rank in Manchester"].tolist() == [1]                     # 30 is the highest: lower is better
    assert "ranking 1 of 3 Manchester wards" in " ".join(m.value for m in at.markdown)

    codes = sorted(r["lsoa21_code"] for r in _rows("imd/imd2025_lsoa21_england.csv", lad24_code="E08000003"))[:2]
    at.switch_page("app_pages/custom_area.py").run()
    at.text_area(key="_custom_paste").input(f"{codes[0]}, {codes[1]}, E01011264")          # the last is Leeds'
    next(b for b in at.button if b.label == "Add to the area").click().run()
    assert not at.exception, [e.value for e in at.exception]
    notes = " ".join(re.sub(r"\\(.)", r"\1", i.value) for i in at.info)          # as a reader sees them
    assert "Found 2 Manchester neighbourhoods (LSOAs)" in notes and "code is not a Manchester 2021 LSOA" in notes
    assert any("Compared with Manchester (95% CI)" in d.value.columns for d in at.dataframe)
