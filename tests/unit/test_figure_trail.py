"""tools/figure_trail.py: the tracer finds the files a figure passes through, and only those (obviously fake
modules and numbers; the real count is `python tools/figure_trail.py`, written up in the issue 15 notes)."""
from __future__ import annotations

import importlib
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from tools.figure_trail import Figure, Tracer, trail

FIGURE = Figure("A1", 12.25, ("12.2", "12.2%"), "fake/raw.csv", ("L1",), (5.0, 40.0), "fake_rate", "fake_2020")

FAKE_MODULES = {
    "settings.py": """
        FOLDER = "fake"
    """,
    "raw.py": """
        import pandas as pd

        def locate(name):
            return name + "/raw.csv"

        def read(path):
            return pd.DataFrame({"code": ["L1", "L2"], "count": [5.0, 7.0]})
    """,
    "aggregate.py": """
        import functools
        import pandas as pd

        @functools.lru_cache
        def to_area(key):
            return pd.DataFrame({"code": ["A1", "A2"], "value": [12.25, 3.5]})
    """,
    "words.py": """
        def text(value):
            return f"{value:.1f}%"

        def table(frame):
            return frame.assign(shown=[text(v) for v in frame["value"]])
    """,
    "headline.py": '''
        from fakepkg.aggregate import to_area

        def sentence(key):
            frame = to_area(key)                  # the first call, outside the trail: the cache serves the map
            return f"{len(frame)} areas"
    ''',
    "draw.py": """
        from fakepkg.words import text

        def draw(frame, sink):
            rows = [{"code": c, "value_text": text(v)} for c, v in zip(frame["code"], frame["value"])]
            sink(rows)
    """,
    "page.py": """
        from fakepkg import settings
        from fakepkg.aggregate import to_area
        from fakepkg.draw import draw
        from fakepkg.headline import sentence
        from fakepkg.raw import locate, read
        from fakepkg.words import table

        def run(sink):
            raw = read(locate(settings.FOLDER))
            key = len(raw)
            sentence(key)
            draw(to_area(key), sink)
            return table(to_area(key))                 # after the map: the table under it is not on the trail
    """,
}


def pydeck_chart(rows):
    """Stands in for st.pydeck_chart: a library function (not ours) that receives the figure."""
    return rows


@pytest.fixture
def fakepkg(tmp_path):
    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in FAKE_MODULES.items():
        (package / name).write_text(textwrap.dedent(source))
    sys.path.insert(0, str(tmp_path))
    yield package
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m == "fakepkg" or m.startswith("fakepkg.")]:
        del sys.modules[name]


def test_the_trail_is_the_files_the_figure_passes_through_to_the_sink(fakepkg):
    page = importlib.import_module("fakepkg.page")
    sink_hits = []

    def is_sink(frame, figure):
        sink_hits.append(frame.f_code.co_name)
        return any(figure.carried_by(v) for v in frame.f_locals.values())

    with Tracer(FIGURE, [fakepkg], is_sink) as tracer:
        page.run(pydeck_chart)
    files = {path.rsplit("/", 1)[-1]: names for path, names in trail(tracer.calls).items()}
    assert sink_hits == ["pydeck_chart"]
    # raw path -> raw rows -> the area's value (made first for the headline, then served by the cache) -> its text
    named = {file: [n for n in names if not n.startswith("<")] for file, names in files.items()}  # not comprehensions
    assert named == {"raw.py": ["locate", "read"], "aggregate.py": ["to_area"], "words.py": ["text"],
                     "draw.py": ["draw"], "page.py": ["run"]}
    # not on it: a module only imported (settings), and a call that only reads the figure (the headline)


def test_no_sink_reached_means_no_trail(fakepkg):
    page = importlib.import_module("fakepkg.page")
    with Tracer(FIGURE, [fakepkg], lambda frame, figure: False) as tracer:
        page.run(pydeck_chart)
    assert trail(tracer.calls) == {}


@pytest.mark.parametrize("obj,carries", [
    (12.25, True), (12.3, False), (np.float64(12.25), True), ("12.2%", True), ("12.2 people", False),
    ('{"code":"A1","value_text":"12.2%"}', True), ('{"code":"A9","value_text":"12.2%"}', False),
    ("/somewhere/fake/raw.csv", True), (pd.Series([1.0, 12.25]), True), (pd.Series([1.0, 2.0]), False),
    (pd.Series([12.25], index=["A1"]), True), (pd.Series([12.25, 1.0], index=["A2", "A1"]), False),
    (pd.DataFrame({"code": ["A1"], "value": [12.25]}), True), (pd.DataFrame({"code": ["A2"], "value": [12.25]}), False),
    (pd.DataFrame({"code": ["L1"], "n": [40.0]}), True), (pd.DataFrame({"code": ["L1"], "n": [41.0]}), False),
    (pd.DataFrame({"area_code": ["A1", "A1"], "indicator_id": ["other", "fake_rate"], "value": [12.25, 1.0]}), False),
    (pd.DataFrame({"area_code": ["A1"], "indicator_id": ["fake_rate"], "value": [12.25]}), True),
    (pd.DataFrame({"area_code": ["A1"], "source": ["fake_series"], "value": [12.25]}), False),     # a time series' point
    (pd.DataFrame({"value_text": ["12.2%"]}), True), (pd.Series(["1.0%", "12.2%"]), True),          # tooltip text
    (pd.DataFrame({"code": ["A1", "A2"], "value_text": ["1.0%", "12.2%"]}), False),                 # another area's
    (pd.DataFrame({"code": ["A1", "A2"], "value_text": ["12.2%", "1.0%"]}), True),
    ({"rows": [{"table": pd.DataFrame({"code": ["A1"], "value": [12.25]})}]}, True), (None, False), (7, False),
])
def test_the_forms_a_figure_takes(obj, carries):
    assert FIGURE.carried_by(obj) is carries


def test_a_deck_drawn_from_a_geometry_file_shows_the_figure_in_its_tooltip_list_at_the_areas_place():
    """Geometry once: the layer's data is a URL and the values travel as a per-area list in the tooltip."""
    deck = {"layers": [{"pickable": True, "data": "/geo/ward24.geojson?v=abc"}]}
    order = {"ward24": ["A0", "A1", "A2"]}.get
    shown = '<style>.t>span{display:none}</style><b>{name}</b><span class="t"><span>1.0</span><span>12.2%</span><span>9.9</span></span>'
    elsewhere = shown.replace("<span>12.2%</span><span>9.9</span>", "<span>9.9</span><span>12.2%</span>")
    assert FIGURE.in_deck(deck, shown, lambda level: order(level, []))
    assert not FIGURE.in_deck(deck, elsewhere, lambda level: order(level, []))   # another area's cell
    assert not FIGURE.in_deck(deck, shown, lambda level: [])                      # the area not in the file
