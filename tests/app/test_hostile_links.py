"""Hostile links (issue 13): non-ASCII digits and Markdown in parameter names or values never raise and
never put a live link on any page; every page opens with a plain notice instead."""
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from data.paths import REPO_ROOT

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
