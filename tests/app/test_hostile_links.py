"""Hostile links (issue 13): non-ASCII digits and Markdown in parameter names or values never raise and
never put a live link on any page; every page opens with a plain notice instead."""
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT

pytestmark = pytest.mark.data
PAGES = re.findall(r'st\.Page\("(app_pages/[a-z_]+\.py)"', (REPO_ROOT / "app.py").read_text())
HOSTILE = {"classes": "²", "meeting_step": "⁴", "level": "[Sign in](//ev.il)", "[Sign in again](//ev.il)": "1",
           "benchmark": "[core](//ev.il)"}
LIVE = re.compile(r"(?<!\\)\]\((?:https?:)?//ev\.il")


def test_every_page_opens_with_plain_notices_for_a_hostile_link(processed_store):
    assert len(PAGES) >= 11
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params.update(HOSTILE)
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        notices = [html.unescape(re.sub(r"\\(.)", r"\1", i.value)) for i in at.info]   # as Markdown shows them
        assert any("Ignored link parameter 'classes'" in n for n in notices), page
        assert any("Ignored unknown link parameter" in n for n in notices), page
        assert any("Ignored link parameter 'benchmark'" in n for n in notices), page
        everything = " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(i.value for i in at.info)
        assert not LIVE.search(everything), page
    assert at.session_state["classes"] == 5 and at.session_state["meeting_step"] == 0
    assert at.session_state["benchmark"] == "england"


WARM_HOSTILE = {"ws_q": "\u202etxt.exe [x](//ev.il)", "ws_at": "25:00", "ws_days": "Mo,Mo", "ws_view": "../etc",
                "ws_wards": "E05011384,<b>", "ws_types": "Church,=cmd()", "ws_space": "ws1;drop",
                "ws_level": "lad", "ws_need": "x" * 101, "warm": "yes"}


def test_the_warm_spaces_page_ignores_each_hostile_parameter_with_a_plain_notice(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params.update(WARM_HOSTILE)
    at.run()
    at.switch_page("app_pages/warm_spaces.py").run()
    assert not at.exception, [e.value for e in at.exception]
    notices = " ".join(html.unescape(re.sub(r"\\(.)", r"\1", i.value)) for i in at.info)
    assert notices.count("Ignored link parameter") == 5 and "more link parameters that were not valid" in notices
    everything = " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(i.value for i in at.info)
    assert not LIVE.search(everything) and "\u202e" not in everything
    state = at.session_state
    assert (state["ws_query"], state["ws_at"], state["ws_days"], state["ws_wards"], state["ws_types"]) == ("", None, [], [], [])
    assert (state["ws_view"], state["ws_level"], state["warm_spaces_layer"]) == ("map", "ward24", "0")


def test_a_link_known_in_form_but_not_in_the_list_is_trimmed_with_a_notice(processed_store):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"ws_wards": "E05011384,E05999999", "ws_types": "Library,Nowhere"})
    at.run()
    at.switch_page("app_pages/warm_spaces.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="ws_wards").value == ["E05011384"] and at.multiselect(key="ws_types").value == ["Library"]
    notices = " ".join(i.value for i in at.info)
    assert "Ignored 1 ward code" in notices and "Ignored 1 type of space" in notices


@pytest.mark.parametrize("value", ["[Sign in](//ev.il)", "inner-east<script>", "ｉnner-east",
                                   "outer-nowhere", "inner-east" * 20])
def test_a_hostile_committee_link_gets_a_plain_message_and_the_leeds_home(processed_store, value):
    """?committee= with markup, look-alike letters, a path, an unknown code or an over-long value: the committee home
    is not opened, a plain notice says the value was ignored, and nothing from the value becomes a link."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params["committee"] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [html.unescape(re.sub(r"\\(.)", r"\1", i.value)) for i in at.info]
    assert any("Ignored link parameter 'committee'" in n and "not a valid value" in n for n in notices), notices
    assert at.title[0].value == "Where deprivation is deepest in Leeds"
    assert at.session_state["committee"] == "all"
    picker = next(s for s in at.selectbox if s.label.startswith("Choose a community committee"))
    assert picker.value == "all"
    everything = " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(i.value for i in at.info)
    assert not LIVE.search(everything) and "<script>" not in everything


CUSTOM_HOSTILE = [
    ({"custom": "a" + "A" * 200}, "custom"),                                   # over-long: not even parsed
    ({"custom": "a" + "/" * 82}, "custom"),                                     # base64, not base64url
    ({"custom": "[Sign in](//ev.il)"}, "custom"),
    ({"custom_name": "[Sign in](//ev.il)" * 8}, "custom_name"),                # over 60 characters
    ({"custom_name": "a\u202e\u2066b"}, "custom_name"),                        # bidi controls
    ({"custom_name": "line\nbreak"}, "custom_name"),
]


@pytest.mark.parametrize("query,name", CUSTOM_HOSTILE)
def test_the_custom_area_page_refuses_hostile_area_links_in_one_plain_sentence(processed_store, query, name):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    at.switch_page("app_pages/custom_area.py").run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [html.unescape(re.sub(r"\\(.)", r"\1", i.value)) for i in at.info]
    refused = [n for n in notices if n.startswith(f"Ignored link parameter '{name}': ")]
    assert len(refused) == 1 and refused[0].count(". ") == 0 and refused[0].endswith("."), notices
    everything = " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(i.value for i in at.info)
    assert not LIVE.search(everything)
    assert at.session_state["custom_area"] == "" and at.session_state["custom_name"] == ""
