"""Accessibility statement: the standard we aim for, how we test it, what falls short and how to tell us."""
import streamlit as st

from components.store import home_name
from geo.palettes import WCAG_AA_TEXT_CONTRAST, contrast_ratio

st.title("Accessibility statement")
st.markdown(
    f"Best City Atlas is meant for everyone who needs to understand poverty and inequality in {home_name()}, including "
    "people who use a keyboard instead of a mouse, a screen reader, screen magnification or high-contrast "
    "settings.\n\n"
    "**Our target is the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.** The app is partly "
    "conformant: the known gaps are listed below.")

st.header("How we test it")
st.markdown(
    "- **Automated checks on every page.** Our browser test suite opens each page in headless Chromium, injects "
    "[axe-core](https://github.com/dequelabs/axe-core) (version 4.10) and fails if it finds any *serious* or "
    "*critical* problem against the WCAG 2.0, 2.1 and 2.2 A and AA rules.\n"
    "- **Keyboard only.** A test moves through the app with the Tab key alone, reaches the area picker on the "
    "map explorer and selects an area by typing its name, without using the mouse.\n"
    "- **Colour contrast.** Text colours in the app theme are checked against the WCAG minimum of "
    f"{WCAG_AA_TEXT_CONTRAST}:1 (figures below), and map legends write each class as text beside its colour. "
    "Map palettes are colour-blind safe (magma, viridis, ColorBrewer PuOr, Okabe-Ito) and were checked in "
    "simulations of the three common colour-vision deficiencies.\n"
    "- **Alternatives to pictures.** Every map has a table with the same figures below it, and a legend in text.")

text, background = st.get_option("theme.textColor"), st.get_option("theme.backgroundColor")
secondary, primary = st.get_option("theme.secondaryBackgroundColor"), st.get_option("theme.primaryColor")
pairs = {"Body text on the page background": (text, background),
         "Body text on the sidebar and panels": (text, secondary),
         "Links and buttons (primary colour) on the page background": (primary, background),
         "Links and buttons (primary colour) on the sidebar": (primary, secondary)}
st.table({"Colours": list(pairs),
          "Contrast ratio": [f"{contrast_ratio(a, b):.1f}:1" for a, b in pairs.values()],
          f"Meets {WCAG_AA_TEXT_CONTRAST}:1": ["Yes" if contrast_ratio(a, b) >= WCAG_AA_TEXT_CONTRAST else "No"
                                               for a, b in pairs.values()]})
st.caption("Computed now from the app's theme settings with the WCAG 2 relative-luminance formula.")

st.header("Known limitations")
st.markdown(
    "- **The maps are drawn with WebGL and cannot be read by a screen reader.** Each map has a short text "
    "description, and the **table below every map** holds the same figures (area, value, rank and class); use "
    "the table instead of the map.\n"
    "- **Selecting an area by clicking the map needs a pointer.** Every page that lets you click the map also "
    "has a picker you can use with the keyboard.\n"
    "- **Hover tooltips on the map** appear only for a mouse pointer; their content is in the tables.\n"
    "- **Some controls come from the Streamlit framework** (menus, the file uploader, data tables). We test them "
    "with axe-core, but we cannot change how they are built; their data tables are navigated with the arrow "
    "keys once focused.\n"
    "- **Files you upload** on *Map your own data* must be CSV or Excel; we cannot check the accessibility of "
    "your own labels.\n"
    "- **Downloads** (CSV, PNG and PDF) have not yet been tested with assistive technology; the CSV files hold "
    "all the figures in plain text.")

st.header("Reporting a problem")
st.markdown(
    "If you find something you cannot use, or need the information in another format, **contact the Best City "
    "Atlas team** and tell us the page, what you were trying to do, and the browser and assistive technology you "
    "use. We will use your report to fix the problem or give you the information another way.")

st.header("Enforcement")
st.markdown(
    "Public sector bodies in the UK must meet the Public Sector Bodies (Websites and Mobile Applications) (No. 2) "
    "Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, you can contact "
    "the Equality Advisory and Support Service (EASS).")
