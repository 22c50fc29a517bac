"""Inequalities page (AppTest): the read-aloud sentences, SII charts' tables, gaps and the indicator tool."""
from streamlit.testing.v1 import AppTest

from components.params import PARAMS
from components.state import parse_params
from data.settings import REPO_ROOT
from metrics.inequalities import SUPPRESSED


def _open(processed_store, **state) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("app_pages/inequalities.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def _frame_with(at, column):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with a '{column}' column"
    return frames


def test_default_view_reads_the_gap_aloud_with_england_and_suppressed_msoas(processed_store):
    at = _open(processed_store, level="msoa")
    text = _markdown(at)
    assert "the fitted line puts women's life expectancy" in text and "the fitted line puts men's life" in text
    assert "least deprived end (Slope Index of Inequality, 95% CI" in text
    assert "could expect to live" not in text                      # the old sentence read the SII as the tenths' gap
    metrics = {m.label: m.value for m in at.metric}
    assert any(label.startswith("England, women") for label in metrics)
    assert "within Leeds" in _captions(at)
    # decile tables behind both SII charts, ten deciles each
    deciles = _frame_with(at, "Decile (1 = most deprived)")
    assert len(deciles) >= 2 and all(len(frame) == 10 for frame in deciles[:2])
    # unpublished MSOAs are listed as suppressed, with no value (never zero)
    statuses = _frame_with(at, "Status")
    gaps = next(f for f in statuses if "Gap to Leeds" in f.columns)
    suppressed = gaps[gaps["Status"] == SUPPRESSED]
    assert len(suppressed) == 5 and suppressed["Value"].isna().all()
    assert set(gaps["Compared with Leeds (95% CI)"]) >= {"Significantly lower", "Significantly higher"}


def test_national_deciles_and_ward_approximations_are_labelled(processed_store):
    at = _open(processed_store, level="ward24", sii_deciles="national", le_sex="male")
    assert "England's IMD 2025 LSOA deciles" in _captions(at)
    assert any("approximations" in w.value for w in at.warning)
    assert any(m.label == "Leeds, men (approximation)" for m in at.metric)
    gaps = next(f for f in _frame_with(at, "Gap to Leeds"))
    assert len(gaps) == 33


def test_page_choices_round_trip_through_link_parameters():
    clean, notices = parse_params({"sii_deciles": "national", "sii_indicator": "fuel_poverty", "le_sex": "male",
                                   "sii_deciles_typo": "x"}, PARAMS)
    assert clean == {"sii_deciles": "national", "sii_indicator": "fuel_poverty", "le_sex": "male"}
    assert len(notices) == 1
    assert parse_params({"sii_deciles": "everywhere"}, PARAMS)[0] == {}


def test_indicator_tool_computes_a_proportion_sii_at_lsoa_level(processed_store):
    at = _open(processed_store, level="lsoa21", sii_indicator="fuel_poverty")
    assert "Fuel poverty" in _markdown(at) or "fuel poverty" in _markdown(at).lower()
    assert "proportion (phe_sii value type 2)" in _captions(at)
    assert any("showing MSOAs" in i.value for i in at.info)
    tables = _frame_with(at, "Numerator (pooled)")
    assert len(tables[0]) == 10
