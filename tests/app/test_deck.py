"""The meeting deck (issue 19.1) as an officer uses it: add views from pages, reorder, rename, present and step;
a hostile deck link opens with a plain notice. The figures shown are the pure slide builder's (real store)."""
from __future__ import annotations

import re

import pytest

from data.deck import Deck, Scene, decode_link, encode_link

pytestmark = pytest.mark.data
WARD = "E05011394"          # Gipton & Harehills


def _markdown(at) -> str:
    return " ".join(str(m.value) for m in at.markdown)


def _counter(at) -> str | None:
    found = re.search(r"Scene (\d+) of (\d+)", _markdown(at))
    return found.group(0) if found else None


def test_build_a_deck_from_pages_then_reorder_rename_and_present(app):
    at = app
    at.query_params.update({"level": "ward24", "area": WARD})
    at.switch_page("app_pages/profile.py").run()
    at.button(key="_deck_add").click().run()
    assert "Added this view as scene 1." in [c.value for c in at.sidebar.caption]
    at.switch_page("app_pages/inequalities.py").run()
    at.button(key="_deck_add").click().run()
    at.switch_page("app_pages/deck.py").run()
    assert not at.exception, [e.value for e in at.exception]
    deck = decode_link(at.session_state["deck"])
    assert [s.page for s in deck.scenes] == ["profile", "inequalities"]
    assert deck.scenes[0].params["area"] == WARD and "deck" not in deck.scenes[0].params
    text = _markdown(at)
    assert "**1.** Gipton &amp; Harehills: Area profile" in text
    assert "**2.** Gipton &amp; Harehills: Life expectancy gap" in text
    at.button(key="_deck_down_0").click().run()
    assert [s.page for s in decode_link(at.session_state["deck"]).scenes] == ["inequalities", "profile"]
    at.text_input(key="_deck_name").input("Inner East, March").run()
    assert decode_link(at.session_state["deck"]).name == "Inner East, March"
    assert at.query_params["deck"] == at.session_state["deck"]              # the link carries the deck
    assert any(f"?deck={at.session_state['deck']}" in c.value for c in at.code)
    at.button(key="_deck_remove_1").click().run()
    assert len(decode_link(at.session_state["deck"]).scenes) == 1
    at.switch_page("app_pages/overview.py").run()
    at.button(key="_deck_add").click().run()
    at.switch_page("app_pages/deck.py").run()
    [present] = [b for b in at.button if b.label == "Present the deck"]
    present.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _counter(at) == "Scene 1 of 2"
    assert "The life expectancy gap" in _markdown(at) or "life expectancy gap" in _markdown(at)
    at.button(key="_meeting_next").click().run()
    assert _counter(at) == "Scene 2 of 2"
    assert "Gipton &amp; Harehills has the worst IMD score of Leeds&#x27; 33 wards: 58.0" in _markdown(at)
    for figure in ("58.0", "1st of 33", "24.1"):
        assert f"<div class='deck-figure-value'>{figure}</div>" in _markdown(at)
    [chart] = at.get("deck_gl_json_chart")
    assert '"getSize":20' in chart.proto.json                              # map labels at 20 px
    at.button(key="_meeting_pgdn").click().run()                            # Page Down's twin wraps round
    assert _counter(at) == "Scene 1 of 2"
    at.button(key="_meeting_exit").click().run()
    assert _counter(at) is None and at.title[0].value == "Meeting deck"


def test_a_presented_deck_link_opens_at_its_scene_and_a_hostile_one_gets_a_sentence(app):
    at = app
    deck = Deck(name="Board", scenes=(Scene(page="change", params={"area": WARD}),
                                      Scene(page="compare", params={"committee": "inner-east"})))
    at.query_params.update({"deck": encode_link(deck), "meeting": "1", "meeting_step": "1"})
    at.switch_page("app_pages/deck.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _counter(at) == "Scene 2 of 2"
    assert "Inner East against Leeds" in _markdown(at)
    assert len(at.get("image")) == 1                                       # the chart, as a picture that fits
    for raw, words in ((encode_link(deck)[:-4], "cut short"), ("d1" + "A" * 3000, "too long"),
                       ("[Sign in](//ev.il)", "not one this app wrote")):
        at.query_params.clear()
        at.query_params.update({"deck": raw})
        at.switch_page("app_pages/deck.py").run()
        assert not at.exception
        notices = [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]          # as Markdown shows them
        assert any("Ignored link parameter 'deck'" in n and words in n for n in notices), notices
        assert at.session_state["deck"] == encode_link(deck)              # refused: the open deck stays
