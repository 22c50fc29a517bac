"""The meeting deck on screen: 'add this view' (sidebar), the deck's builder, and present mode.

A deck lives in session state as its link value (``deck``, a URL parameter like any other, so the address
bar always carries it); data/deck.py validates it, metrics/deck_scenes.py makes each scene's slide from the
store, and geo/profile_pdf.py prints the slides. Present mode is meeting mode (components/meeting.py) on
the deck page: the same stepper, with the arrow keys, Page Up / Page Down and Esc.
"""
from __future__ import annotations

import datetime as dt
import html
import json

import streamlit as st

from components import meeting, store
from components.map import PreparedDeck, deck_template, with_selection
from components.params import PARAMS, SCENE_EXCLUDED, scene_param_notices
from components.profile import cached_area_names
from components.state import keep_url_state, write_url
from data.catalogue import level_ids
from data.deck import CONFIG, Deck, DeckError, Edit, Scene, decode_link, encode_link, from_file, to_file
from data.safe_text import plain
from data.series import load_series_catalogue
from geo.choropleth import features, representative_points, view_for_bounds
from geo.palettes import hex_to_rgba
from geo.profile_pdf import SceneDocument, chart_png, deck_pdf
from metrics.deck_scenes import SceneInputs, scene_document

DECK_PAGE = "app_pages/deck.py"
SLIDE_TOOLTIP = "<b>{name}</b><br/>{value_text}"
FOCAL_LINE = [0, 0, 0, 255]          # the spotlit area: a black line on its full-strength colour
DIMMED_ALPHA = 55                     # the other areas: their colour faded towards the white page
LABEL_PX = 20                         # map labels in present mode (the brief: at least 18 px)
MAP_HEIGHT = 430                      # fits under the title and headline at 1280x720 (and 1920x1080)

PRESENT_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] {font-size: 18px !important; background: #ffffff;}
.block-container, [data-testid="stMainBlockContainer"] {padding: .6rem 1.6rem .2rem 1.6rem !important;}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {gap: .45rem !important;}
.stButton button {font-size: 1.05rem !important; padding: .3rem 1rem !important; min-height: 2.4rem !important;}
.meeting-counter {font-size: 1.25rem !important; color: #111111;}
h1.deck-title {font-size: clamp(1.5rem, 4.2vh, 2.8rem) !important; font-weight: 700; line-height: 1.15 !important;
  margin: 0 !important; padding: 0 !important; color: #000000;}
.deck-headline {font-size: clamp(1.05rem, 2.7vh, 1.7rem) !important; line-height: 1.3 !important; margin: 0 !important;
  padding-bottom: .35rem;
  color: #111111; font-weight: 600;}
.deck-figure {border: 2px solid #222222; border-radius: .4rem; padding: .15rem .7rem; margin-bottom: .35rem;}
.deck-figure-label {font-size: clamp(.8rem, 1.9vh, 1.3rem); color: #222222; line-height: 1.2;}
.deck-figure-value {font-size: clamp(1.4rem, 4.4vh, 3.4rem); font-weight: 700; color: #000000; line-height: 1.1;}
.deck-figure-note {font-size: clamp(.65rem, 1.45vh, 1rem); color: #333333; line-height: 1.15;}
p.deck-source {font-size: clamp(.75rem, 1.8vh, 1.1rem) !important; color: #222222; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; margin: 0;}
.deck-legend {display: flex; flex-wrap: wrap; gap: .2rem .9rem; font-size: clamp(.7rem, 1.6vh, 1rem); margin: 0;}
.deck-legend span.chip {display: inline-block; width: 1.1em; height: .9em; border: 1px solid #333; margin-right: .3em;
  vertical-align: middle;}
.st-key-deck_stage [data-testid="stImage"] img {max-height: calc(100vh - 17rem) !important; width: auto !important;
  max-width: 100% !important; object-fit: contain;}
</style>
"""


# ---------- the deck in session state ----------

def current_deck() -> Deck:
    """The session's deck (an empty one when there is none; the link value was validated on the way in)."""
    value = st.session_state.get("deck") or ""
    if not value:
        return Deck()
    try:
        return decode_link(value, scene_param_notices)
    except DeckError:
        return Deck()


def _keep(deck: Deck) -> None:
    try:
        st.session_state["deck"] = encode_link(deck) if deck.scenes or deck.name != Deck().name else ""
        st.session_state["_deck_message"] = None
    except DeckError as exc:
        st.session_state["_deck_message"] = str(exc)


def this_view(page: str) -> Scene | None:
    """The current view as a scene: its page and its link parameters (those a scene may carry)."""
    if page not in CONFIG.pages:
        return None
    params = {k: str(v) for k, v in st.query_params.items() if k not in SCENE_EXCLUDED}
    params = {k: v for k, v in params.items() if not scene_param_notices({k: v})}
    return Scene(page=page, params=dict(list(params.items())[: CONFIG.max_params]))


def _add(page: str) -> None:
    scene = this_view(page)
    try:
        _keep(Edit.add(current_deck(), scene))
        st.session_state["_deck_message"] = f"Added this view as scene {len(current_deck().scenes)}."
    except DeckError as exc:
        st.session_state["_deck_message"] = str(exc)


def add_view_control(page: str) -> None:
    """The small sidebar control on every page: add this view to the deck, and a link to the deck."""
    deck = current_deck()
    with st.sidebar:
        st.markdown("**Meeting deck**")
        if page in CONFIG.pages:
            st.button("Add this view as a scene", key="_deck_add", on_click=_add, args=(page,),
                      icon=":material/add_to_queue:", disabled=len(deck.scenes) >= CONFIG.max_scenes,
                      help=f"Adds what this page shows now (its link) to the meeting deck; at most "
                           f"{CONFIG.max_scenes} scenes.")
        elif page != "deck":
            st.caption("This page cannot be a scene yet: add a map, profile, comparison or trend.")
        message = st.session_state.get("_deck_message")
        if message:
            st.caption(plain(message, 200))
        st.page_link(DECK_PAGE, label=f"Open the deck ({len(deck.scenes)} of {CONFIG.max_scenes} scenes)",
                     icon=":material/slideshow:")


# ---------- slides (cached per scene and store) ----------

def _inputs(stamp: str) -> SceneInputs:
    return SceneInputs(store.values(stamp), store.registry(), store.sources(),
                       {lv: store.areas(lv, stamp) for lv in level_ids()}, store.series(stamp),
                       load_series_catalogue(), store.home(stamp)["code"])


def scene_key(scene: Scene) -> str:
    return json.dumps([scene.page, dict(sorted(scene.params.items()))], separators=(",", ":"))


@st.cache_resource(show_spinner="Preparing the scene…", max_entries=128)
def cached_scene(key: str, stamp: str) -> SceneDocument:
    """One scene's slide, made once per store and shared read-only across sessions."""
    page, params = json.loads(key)
    return scene_document(Scene(page=page, params=params), _inputs(stamp), level_ids())


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_slide_map(key: str, stamp: str) -> PreparedDeck | None:
    """The slide's map as a finished deck: the focal area at full strength, the others faded, large labels."""
    doc = cached_scene(key, stamp)
    layer = doc.map_layer
    if layer is None or layer.empty:
        return None
    layer = layer.copy()
    layer["fill"] = [hex_to_rgba(c, 235 if f else DIMMED_ALPHA) for c, f in zip(layer["colour"], layer["focal"])]
    area_features = features(layer, ["code", "name", "fill", "value_text"])
    focal = features(doc.map_outline, []) if doc.map_outline is not None and len(doc.map_outline) else []
    labels = []                      # the place slide is one area, named in its title: no label on dark fills
    if doc.kind != "place" and len(layer) <= 40:
        labels = representative_points(layer).to_dict("records")
        for label in labels:        # the spotlit area's name wins every collision (priorities run -1000..1000)
            label["priority"] = 1000 if label["name"] == _focal_name(doc) else min(label["priority"], 999)
    bounds = tuple(layer.total_bounds)
    template = deck_template(area_features, None, labels, view_for_bounds(bounds, height_px=MAP_HEIGHT),
                             SLIDE_TOOLTIP, label_size=LABEL_PX, selected_line=FOCAL_LINE)
    return with_selection(template, focal, SLIDE_TOOLTIP)


def _focal_name(doc: SceneDocument) -> str | None:
    if doc.focal_code is None or doc.map_layer is None:
        return None
    names = doc.map_layer.loc[doc.map_layer["code"] == doc.focal_code, "name"]
    return str(names.iloc[0]) if len(names) else None


@st.cache_resource(show_spinner=False, max_entries=128)
def cached_slide_chart(key: str, stamp: str) -> bytes | None:
    """The slide's chart as a picture (the PDF's drawing, large type), which scales to any screen without
    scrolling; every mark is labelled, so nothing needs hovering."""
    doc = cached_scene(key, stamp)
    if doc.chart is None or doc.chart.empty:
        return None
    return chart_png(doc, width_in=10, height_in=5.6, dpi=110, font=15)


# ---------- drawing one slide ----------

def _legend(doc: SceneDocument) -> str:
    chips = "".join(f"<span><span class='chip' style='background:{html.escape(c)}'></span>{html.escape(label)}</span>"
                    for c, label in doc.map_legend)
    return f"<div class='deck-legend'><strong>{html.escape(doc.map_title)}:</strong>{chips}</div>"


def _figures(doc: SceneDocument) -> str:
    return "".join(
        f"<div class='deck-figure'><div class='deck-figure-label'>{html.escape(label)}</div>"
        f"<div class='deck-figure-value'>{html.escape(value)}</div>"
        f"<div class='deck-figure-note'>{html.escape(note)}</div></div>" for label, value, note in doc.figures)


def draw_slide(key: str, stamp: str) -> SceneDocument:
    """Title, headline, the map or chart beside three to five large figures, and one source line."""
    doc = cached_scene(key, stamp)
    st.markdown(f"<h1 class='deck-title'>{html.escape(doc.title)}</h1>"
                f"<p class='deck-headline'>{html.escape(doc.headline)}</p>", unsafe_allow_html=True)
    with st.container(key="deck_stage"):
        left, right = st.columns([3, 2] if len(doc.figures) > 3 else [2, 1])
        with left:
            deck = cached_slide_map(key, stamp)
            if deck is not None:
                st.pydeck_chart(deck, height=MAP_HEIGHT, key=f"_deck_map_{doc.kind}",
                                selection_mode="single-object", on_select="ignore",
                                alt=f"Map: {doc.map_title}. The figures beside it give the numbers.")
                st.markdown(_legend(doc), unsafe_allow_html=True)
            else:
                png = cached_slide_chart(key, stamp)
                if png is not None:
                    st.image(png, caption=doc.chart_title)
        with right:
            st.markdown(_figures(doc), unsafe_allow_html=True)
    cols = st.columns([8, 1], vertical_alignment="center")
    cols[0].markdown(f"<p class='deck-source' title='{html.escape(doc.sources)}'>{html.escape(doc.sources)}</p>",
                     unsafe_allow_html=True)
    with cols[1].popover("Details"):
        st.markdown(plain(doc.sources, None))
        if doc.map_title:
            st.markdown(plain(doc.map_title, None))
        st.page_link(_page_file(doc.page), label="Open this view in the atlas", query_params=doc.params)
    return doc


def _page_file(page: str) -> str:
    return {"": "app_pages/overview.py", "social-progress": "app_pages/social_progress.py"}.get(
        page, f"app_pages/{page}.py")


# ---------- the deck page ----------

def scene_label(scene: Scene, stamp: str) -> str:
    """A short name for a scene in the builder and the stepper: its place and its page. Cheap on purpose (a
    lookup, not the slide), so opening a deck of twelve prepares only the scene on screen."""
    code = scene.params.get("area") or scene.params.get("committee")
    name = store.home_name()
    if code and code != "all":
        for level in ("ward24", "committee", "msoa", "lsoa21"):
            found = cached_area_names(level, stamp).get(code)
            if found:
                name = found
                break
    return f"{name}: {CONFIG.pages[scene.page].title}"


def _present() -> None:
    st.session_state["meeting"] = "1"
    st.session_state["meeting_step"] = 0


def _rename() -> None:
    try:
        _keep(Edit.rename(current_deck(), st.session_state["_deck_name"]))
    except Exception:                                         # pydantic: empty or control characters
        st.session_state["_deck_message"] = (f"A deck's name is one line of 1 to {CONFIG.max_name} printable "
                                             "characters; the name was not changed.")


def _edit(action: str, index: int) -> None:
    deck = current_deck()
    _keep(Edit.move(deck, index, -1) if action == "up" else Edit.move(deck, index, 1) if action == "down"
          else Edit.remove(deck, index))


def _open_file() -> None:
    upload = st.session_state.get("_deck_upload")
    if upload is None:
        return
    try:
        deck = from_file(upload.getvalue()[: CONFIG.max_file_bytes + 1], upload.name, scene_param_notices)
    except DeckError as exc:
        st.session_state["_deck_message"] = str(exc)
        return
    _keep(deck)
    st.session_state["_deck_message"] = f"Opened '{plain(deck.name, 80)}' ({len(deck.scenes)} scenes)."


@st.cache_data(show_spinner="Making the PDF…", max_entries=16)
def cached_deck_pdf(value: str, stamp: str, date: str) -> bytes:
    deck = decode_link(value, scene_param_notices)
    return deck_pdf(deck.name, [cached_scene(scene_key(s), stamp) for s in deck.scenes], date)


def builder(stamp: str) -> None:
    """Name, reorder, remove, save (link and file), reopen, print and present the deck."""
    deck = current_deck()
    st.title("Meeting deck")
    st.markdown("An ordered list of **scenes**, each a view of the atlas. Add scenes with **Add this view as a "
                "scene** in the sidebar of any map, profile, comparison or trend page; then present them full "
                "screen (arrow keys or Page Up / Page Down step, Esc leaves) or print them for the meeting papers.")
    message = st.session_state.pop("_deck_message", None)
    if message:
        st.info(plain(message, 300), icon=":material/info:")
    st.session_state["_deck_name"] = deck.name
    st.text_input("Deck name", key="_deck_name", on_change=_rename, max_chars=CONFIG.max_name)
    if not deck.scenes:
        st.info("This deck has no scenes yet.", icon=":material/slideshow:")
    for n, scene in enumerate(deck.scenes):
        cols = st.columns([7, 1, 1, 1, 2], vertical_alignment="center")
        cols[0].markdown(f"**{n + 1}.** {html.escape(scene_label(scene, stamp))} "
                         f"<span style='color:#444'>({html.escape(CONFIG.pages[scene.page].title)})</span>",
                         unsafe_allow_html=True)
        cols[1].button("↑", key=f"_deck_up_{n}", on_click=_edit, args=("up", n), disabled=n == 0,
                       help="Move this scene earlier")
        cols[2].button("↓", key=f"_deck_down_{n}", on_click=_edit, args=("down", n),
                       disabled=n == len(deck.scenes) - 1, help="Move this scene later")
        cols[3].button("✕", key=f"_deck_remove_{n}", on_click=_edit, args=("remove", n), help="Remove this scene")
        cols[4].page_link(_page_file(scene.page), label="Open", query_params=dict(scene.params))
    if deck.scenes:
        st.button("Present the deck", type="primary", on_click=_present, icon=":material/slideshow:",
                  help="Full screen, one scene at a time; arrow keys or Page Up / Page Down step, Esc leaves.")
        value = st.session_state.get("deck", "")
        st.subheader("Share or keep it")
        base = str(getattr(st.context, "url", "") or "").split("?")[0]
        st.markdown("This link reopens the deck (copy it with the button at its right):")
        st.code(f"{base}?deck={value}", language=None, wrap_lines=True)
        safe = "".join(ch if ch.isalnum() else "_" for ch in deck.name)[:60] or "deck"
        cols = st.columns(2)
        cols[0].download_button("Save the deck as a file (JSON)", to_file(deck), file_name=f"{safe}.json",
                                mime="application/json", on_click="ignore", icon=":material/download:")
        today = dt.date.today().strftime("%d %B %Y")
        cols[1].download_button("Meeting papers (PDF, one page per scene)",
                                lambda: cached_deck_pdf(value, stamp, today), file_name=f"{safe}.pdf",
                                mime="application/pdf", on_click="ignore", icon=":material/picture_as_pdf:",
                                help="Made when you press it: one A4 landscape page per scene, sources on each.")
    st.file_uploader("Open a deck file", type=["json"], key="_deck_upload", on_change=_open_file,
                     help=f"A file saved with 'Save the deck as a file' (at most {CONFIG.max_file_bytes // 1024} KB).")


def present(stamp: str) -> None:
    """Present mode: one scene per screen; Previous / Next (arrow keys, Page Up / Down), Esc leaves."""
    st.html(PRESENT_CSS)
    if not current_deck().scenes:
        st.info("This deck has no scenes to present.")
        meeting.exit_control()
        return
    presenter(stamp)


@st.fragment
def presenter(stamp: str) -> None:
    """The step controls and the slide, as a fragment: Previous / Next rerun this part alone, not the app's frame
    (store check, navigation, sidebar). A fragment run skips app.py, so it keeps and writes the link itself; leaving
    the presentation (Esc) reruns the whole page, which brings the controls back."""
    keep_url_state(PARAMS)
    if not meeting.is_on():
        st.rerun()
    deck = current_deck()
    labels = [scene_label(s, stamp) for s in deck.scenes]
    step = meeting.step_controls(labels, noun="Scene", with_exit=True)
    draw_slide(scene_key(deck.scenes[step]), stamp)
    prepare(scene_key(deck.scenes[(step + 1) % len(deck.scenes)]), stamp)
    write_url(PARAMS)


def prepare(key: str, stamp: str) -> None:
    """Make the next scene's slide after this one is on screen (the browser already has it), so that Next
    finds it ready: a cold trend or profile slide takes about a second to make."""
    doc = cached_scene(key, stamp)
    if doc.map_layer is not None:
        cached_slide_map(key, stamp)
    else:
        cached_slide_chart(key, stamp)
