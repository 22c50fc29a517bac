"""'Find my area' by postcode on the home page, explorer, profile and warm spaces (AppTest, offline store)."""


def _search(at, raw):
    at.text_input(key="find_postcode").input(raw).run()
    assert not at.exception, [e.value for e in at.exception]
    return " ".join(s.value for s in at.success), " ".join(w.value for w in at.warning)


def test_home_a_leeds_postcode_selects_its_lsoa_and_links_onward(app):
    found, _ = _search(app, "ls6   2aa")
    assert found.startswith("LS6 2AA is in Leeds 044D \\(LSOA\\)") and "Headingley \\& Hyde Park ward" in found
    assert app.session_state["level"] == "lsoa21" and app.session_state["area"] == "E01011440"
    assert "ONS Postcode Directory" in " ".join(c.value for c in app.caption)


MISSES = [("m1 1ae", "M1 1AE is in Manchester\\, not in Leeds"),
          ("<b>LS1</b>", "That is not a UK postcode"),
          ("ZZ1 1ZZ", "ZZ1 1ZZ is not in the ONS Postcode Directory")]


def test_home_misses_each_get_a_clear_sentence_and_change_nothing(app):
    level = app.session_state["level"]
    for raw, sentence in MISSES:
        found, warned = _search(app, raw)
        assert not found and warned.startswith(sentence), raw
        assert "<b>" not in warned and app.session_state["level"] == level


def test_explorer_and_profile_open_on_the_postcodes_lsoa(app):
    app.switch_page("app_pages/explorer.py").run()
    _search(app, "LS1 1UR")
    assert app.session_state["level"] == "lsoa21" and app.session_state["area"].startswith("E01")
    app.switch_page("app_pages/profile.py").run()
    assert not app.exception and app.header[0].value.startswith("Leeds 111A")


def test_warm_spaces_lists_the_nearest_spaces_to_a_postcode(app):
    app.switch_page("app_pages/warm_spaces.py").run()
    _search(app, "LS9 7ST")
    nearest = app.dataframe[0].value
    assert len(nearest) == 5 and nearest["Straight-line distance (m)"].is_monotonic_increasing
    assert nearest.iloc[0]["Name"] == "41-47 Cromwell Mount, Leeds LS9 7ST"
