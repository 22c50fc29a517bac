"""Pillars' small multiples (issue 14, item 12): life expectancy is drawn as dots on a scale that does not start
at zero (bars from zero all looked alike), and every 'better' mark is at least 3:1 against the white page."""
import pytest

from components import pillars
from components import store
from geo.palettes import contrast_ratio

pytestmark = pytest.mark.data


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _title(spec: dict) -> str:
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else text


@pytest.fixture(scope="module")
def specs(processed_store):
    return pillars._cached_small_multiple_specs(pillar="Health and Wellbeing", level="ward24", committee="all",
                                         stamp=store.built_at())


def test_life_expectancy_is_dots_on_a_scale_not_from_zero(specs):
    charts = [s for s in specs if "life expectancy" in _title(s).lower()]
    assert charts, [_title(s) for s in specs]
    for spec in charts:
        marks = _layers(spec)[0]
        mark = marks["mark"]["type"] if isinstance(marks["mark"], dict) else marks["mark"]
        assert mark in ("circle", "point"), _title(spec)
        assert marks["encoding"]["y"]["scale"]["zero"] is False


def test_every_better_and_worse_mark_stands_out_from_white(specs):
    for spec in specs:
        colours = _layers(spec)[0]["encoding"]["color"]["scale"]["range"][:2]      # worse, better
        assert all(contrast_ratio(c, "#ffffff") >= 3.0 for c in colours), (_title(spec), colours)


def test_titles_are_wrapped_not_cut(specs):
    for spec in specs:
        text = spec["title"]["text"]
        lines = text if isinstance(text, list) else [text]
        assert all(len(line) <= 34 for line in lines), lines
