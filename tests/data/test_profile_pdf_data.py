"""The printable profile from the real store: made for every ward, opens, two A4 pages, names the ward; page 1
rendered to PNG. Moved out of tests/unit (it was most of the unit suite's time)."""
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from data.catalogue import load_sources
from data.registry import load_registry
from data.store import read_areas, read_values
from geo.profile_pdf import profile_pdf
from data.catalogue import level_ids
from metrics.profile import spine_inputs
from metrics.profile_document import profile_document

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.data
def test_pdf_for_every_ward(processed_store, tmp_path):
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils (pdfinfo) not installed")
    values, registry, sources = read_values(processed_store), load_registry(), load_sources()
    layers = {lv: read_areas(processed_store, lv) for lv in level_ids()}
    inputs = spine_inputs(values, registry, "ward24")
    wards = layers["ward24"]
    assert len(wards) == 33
    started = time.monotonic()
    for code, name in zip(wards["code"], wards["name"]):
        doc = profile_document(values, registry, sources, layers, "ward24", code, "1 January 2026", inputs)
        data = profile_pdf(doc)
        assert data[:5] == b"%PDF-", name
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(data)
        assert _pages(path) == 2, name
        text = _text(path)
        assert name in text, name
        assert "Open Government Licence" in text and "1 January 2026" in text
    per_ward = (time.monotonic() - started) / len(wards)
    assert per_ward < 4, f"{per_ward:.2f} s per ward PDF"   # ~0.5 s on an idle 2-core machine


@pytest.mark.data
def test_pdf_page_one_renders_for_a_known_ward(processed_store):
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) not installed")
    values, registry, sources = read_values(processed_store), load_registry(), load_sources()
    layers = {lv: read_areas(processed_store, lv) for lv in level_ids()}
    code = layers["ward24"].set_index("name").loc["Gipton & Harehills", "code"]
    doc = profile_document(values, registry, sources, layers, "ward24", code, "1 January 2026")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "profile_gipton_harehills.pdf"
    pdf.write_bytes(profile_pdf(doc))
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "profile_page")],
                   check=True)
    png = next(ARTIFACTS.glob("profile_page-*1.png"))
    assert png.stat().st_size > 20_000              # a real page with a map, not a blank one
    text = _text(pdf)
    assert "75.9%" in text and "Residents in England's most deprived 10%" in text
