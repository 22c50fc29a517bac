"""The meeting deck's model and its two encodings (issue 19.1): round trips, and hostile or oversized links and
files refused with one plain sentence (never a traceback)."""
from __future__ import annotations

import base64
import json
import zlib

import pytest

from components.params import PARAMS, deck_refusal, scene_param_notices
from components.state import parse_params
from data.deck import (CONFIG, Deck, DeckError, Edit, Scene, decode_link, encode_link, from_file, to_file)

WARD = {"level": "ward24", "area": "E05011394"}          # fake-looking but well-formed ONS ward code


def _deck(n: int = 3, name: str = "Inner East — March") -> Deck:
    pages = ["profile", "", "inequalities", "change", "compare"]
    return Deck(name=name, scenes=tuple(Scene(page=pages[i % len(pages)], params=dict(WARD)) for i in range(n)))


def _link(body: object) -> str:
    raw = json.dumps(body).encode()
    return "d1" + base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def test_link_and_file_round_trip_keep_order_name_and_params():
    deck = _deck(CONFIG.max_scenes)
    assert decode_link(encode_link(deck)) == deck
    assert from_file(to_file(deck), "deck.json") == deck
    assert [s.page for s in decode_link(encode_link(deck)).scenes] == [s.page for s in deck.scenes]


def test_a_full_deck_link_is_compact():
    assert len(encode_link(_deck(CONFIG.max_scenes))) < 400


@pytest.mark.parametrize("text, words", [
    ("x" * (CONFIG.max_link_chars + 1), "too long"),
    ("d2abc", "not one this app wrote"),
    ("d1<script>", "not one this app wrote"),
    ("d1AAAA", "damaged"),
    (_link({"n": "x", "s": []})[:-6], "cut short"),
    ("d1" + base64.urlsafe_b64encode(zlib.compress(b" " * 200_000, 9)).decode().rstrip("="), "more than"),
    (_link([1, 2]), "unexpected layout"),
    (_link({"n": "x", "s": [["profile"]]}), "unexpected layout"),
    (_link({"n": "x", "s": [["nowhere", {}]]}), "not a page that can be a scene"),
    (_link({"n": "x", "s": [["profile", {}]] * (CONFIG.max_scenes + 1)}), "at most 12"),
    (_link({"n": "a\nb", "s": []}), "one line of printable text"),
    (_link({"n": "x", "s": [["profile", {"Bad-Name": "1"}]]}), "scenes.0.params"),
    (_link({"n": "x", "s": [["profile", {"area": "E" * 101}]]}), "scenes.0.params"),
], ids=lambda v: v if len(v) < 40 else None)
def test_hostile_links_are_refused_with_one_sentence(text, words):
    with pytest.raises(DeckError) as caught:
        decode_link(text)
    message = str(caught.value)
    assert words in message and "\n" not in message and "Traceback" not in message


def test_scene_values_must_pass_the_apps_own_link_rules():
    bad = Deck(name="x", scenes=(Scene(page="profile", params={"area": "E0501139x"}),))
    with pytest.raises(DeckError, match="scene 1: 'E0501139x' is not a valid value for 'area'"):
        decode_link(encode_link(bad), scene_param_notices)
    nested = Deck(name="x", scenes=(Scene(page="profile", params={"deck": "d1"}),))
    with pytest.raises(DeckError, match="'deck' is not a parameter a scene can carry"):
        decode_link(encode_link(nested), scene_param_notices)


def test_the_deck_link_parameter_goes_through_the_apps_url_rules():
    good = encode_link(_deck())
    assert parse_params({"deck": good}, PARAMS) == ({"deck": good}, [])
    clean, notices = parse_params({"deck": "d1AAAA"}, PARAMS)
    assert clean == {} and notices == ["Ignored link parameter 'deck': The deck in this link is damaged (it could "
                                       "not be unpacked); ask for the link again."]
    assert "too long" in deck_refusal("d1" + "A" * 5000)
    clean, notices = parse_params({"deck": "d1" + "A" * 5000}, PARAMS)
    assert clean == {} and "too long" in notices[0]


@pytest.mark.parametrize("data, words", [
    (b"x" * (CONFIG.max_file_bytes + 1), "too large"),
    (b"\xff\xfe not text", "not JSON text"),
    (b"kind: best-city-atlas-deck\n", "not JSON text"),
    (json.dumps({"kind": "something-else", "version": 1}).encode(), "not a deck file from this app"),
    (json.dumps({"kind": "best-city-atlas-deck", "version": 9, "name": "x", "scenes": []}).encode(), "version"),
    (json.dumps({"kind": "best-city-atlas-deck", "version": 1, "name": "x", "scenes": [], "extra": 1}).encode(),
     "extra"),
    (json.dumps({"kind": "best-city-atlas-deck", "version": 1, "name": "x",
                 "scenes": [{"page": "profile", "params": {}}] * 13}).encode(), "at most 12"),
    (json.dumps({"kind": "best-city-atlas-deck", "version": 1, "name": "",
                 "scenes": []}).encode(), "name"),
    (b"[" * 10_000, "not JSON text"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_malformed_files_get_a_clear_message(data, words):
    with pytest.raises(DeckError) as caught:
        from_file(data, "my deck.json")
    assert words in str(caught.value) and "'my deck.json'" in str(caught.value)


def test_a_file_with_an_invalid_scene_value_names_the_scene():
    body = json.loads(to_file(_deck(2)))
    body["scenes"][1]["params"]["classes"] = "²"
    with pytest.raises(DeckError, match="scene 2: '²' is not a valid value for 'classes'"):
        from_file(json.dumps(body).encode(), "deck.json", scene_param_notices)


def test_edits_add_move_remove_rename_and_cap():
    deck = _deck(3)
    moved = Edit.move(deck, 0, 1)
    assert [s.page for s in moved.scenes] == ["", "profile", "inequalities"]
    assert Edit.move(deck, 0, -1) == deck                      # the first cannot move up
    assert [s.page for s in Edit.remove(deck, 1).scenes] == ["profile", "inequalities"]
    assert Edit.rename(deck, "  Board  ").name == "Board"
    full = _deck(CONFIG.max_scenes)
    with pytest.raises(DeckError, match="at most 12 scenes"):
        Edit.add(full, Scene(page="profile"))
    assert len(Edit.add(deck, Scene(page="change")).scenes) == 4
