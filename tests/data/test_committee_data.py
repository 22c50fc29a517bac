"""The committee home and pack on the real store (issue 19 item 2).

The wards-against-Leeds figures are recomputed here with plain pandas from the store's own files (values and
area layers), independently of metrics/committee.py; and the committee pack is built for all ten committees
(each once, in one module fixture), checked with pdftotext: one summary page plus one page per ward, each ward's
name on its page and the source footer on every page.
"""
from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
import yaml

from data.settings import CATALOGUE_DIR
from data.registry import load_registry
from data.store import read_areas, read_values
from metrics import committee as cm

pytestmark = pytest.mark.data
DATE = "6 December 2026"


def expected_ward_figures(processed, committee: str) -> pd.DataFrame:
    """Independent recomputation: ward name x measure id -> (value, judgement) from values.parquet alone.

    Judgement: worse / better than Leeds when the ward's 95% interval lies wholly on one side of Leeds' value
    (turned by polarity), similar when it includes it; '' where the store holds no interval; 'no figure' where it holds no value.
    """
    config = yaml.safe_load((CATALOGUE_DIR / "committee_home.yaml").read_text(encoding="utf-8"))
    registry = load_registry()
    wards = pd.DataFrame(read_areas(processed, "ward24").drop(columns="geometry"))
    wards = wards[wards["committee_code"] == committee]
    values = pd.read_parquet(processed / "values.parquet")
    values = values.astype({"indicator_id": str, "area_level": str, "period": str, "area_code": str})
    out = []
    for measure in config["measures"]:
        indicator = registry.get(measure["id"])
        rows = values[(values["indicator_id"] == measure["id"]) & (values["period"] == indicator.latest.period)]
        leeds = rows.loc[rows["area_level"] == "lad", "value"].iloc[0]
        own = rows[rows["area_level"] == "ward24"].set_index("area_code")
        for code, name in zip(wards["code"], wards["name"]):
            if code not in own.index or pd.isna(own.loc[code, "value"]):
                out.append({"name": name, "indicator_id": measure["id"], "value": None, "judgement": "no figure"})
                continue
            value, low, high = own.loc[code, ["value", "lower_ci", "upper_ci"]]
            if pd.isna(low) or pd.isna(high):
                judgement = ""
            elif low > leeds:
                judgement = "better" if indicator.polarity == "higher_is_better" else "worse"
            elif high < leeds:
                judgement = "worse" if indicator.polarity == "higher_is_better" else "better"
            else:
                judgement = "similar"
            out.append({"name": name, "indicator_id": measure["id"], "value": float(value), "judgement": judgement})
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def store_frames(processed_store):
    return (read_values(processed_store), {lv: read_areas(processed_store, lv) for lv in ("ward24", "committee")})


@pytest.mark.parametrize("committee", ["inner-east", "outer-north-west", "outer-south"])
def test_ward_rows_equal_an_independent_recomputation(processed_store, store_frames, committee):
    values, layers = store_frames
    rows = cm.ward_rows(values, load_registry(), layers["ward24"], layers["committee"], committee,
                        cm.load_config().measures)
    wards = rows[rows["kind"] == "ward"]
    expected = expected_ward_figures(processed_store, committee)
    assert len(wards) == len(expected) > 0
    words = {cm.WORSE: "worse", cm.BETTER: "better", cm.SIMILAR_WORDS: "similar", cm.NOT_TESTED: "", cm.NO_FIGURE: "no figure"}
    got = wards.assign(word=wards["judgement"].map(words)).set_index(["name", "indicator_id"])
    for row in expected.itertuples():
        mine = got.loc[(row.name, row.indicator_id)]
        assert mine["word"] == row.judgement, (row.name, row.indicator_id)
        if row.judgement == "no figure":
            assert pd.isna(mine["value"]) and mine["text"] == "no figure"
        else:
            assert mine["value"] == pytest.approx(row.value)


@pytest.fixture(scope="module")
def packs(processed_store):
    """Every committee's pack, built once each by the function the page's button calls (bare mode)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    from components import store
    from components.committee import cached_committee_pack

    stamp = store.built_at()
    committees = read_areas(processed_store, "committee")
    return {code: cached_committee_pack(code, stamp, DATE) for code in committees["code"]}


def test_the_pack_builds_for_all_ten_committees_with_a_page_per_ward_and_sources_on_every_page(processed_store, packs, tmp_path):
    wards = read_areas(processed_store, "ward24")
    names = dict(zip(read_areas(processed_store, "committee")["code"], read_areas(processed_store, "committee")["name"]))
    assert len(packs) == 10
    for code, pdf in packs.items():
        assert pdf.startswith(b"%PDF")
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
        pages = [p for p in text.split("\f") if p.strip()]
        members = wards[wards["committee_code"] == code].sort_values("name")["name"].tolist()
        assert len(pages) == 1 + len(members), (code, len(pages))
        assert f"{names[code]} community committee" in pages[0]
        for page_text, ward in zip(pages[1:], members):
            assert page_text.lstrip().startswith(ward), (code, ward)         # one page per ward, in order
        for n, page_text in enumerate(pages, start=1):
            flat = " ".join(page_text.split())
            assert "Sources: MHCLG, ONS" in flat and f"page {n} of {len(pages)}" in flat, (code, n)
            assert "Best City Atlas" in flat
        assert "Ministry of Housing, Communities and Local Government" in pages[0]   # the full source list
