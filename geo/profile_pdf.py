"""A printable A4 area profile, drawn server-side with fpdf2 (and matplotlib for the static map).

Page 1: title, date, headline figures, key sentences and a static map; page 2: the spine chart and
the sources and licence lines. Text is set in DejaVu Sans when the font is installed (any Unicode
name prints as typed); otherwise in Helvetica with characters outside Latin-1 replaced, so a place
name can never break the document. Pure: no Streamlit.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from fpdf import FPDF  # noqa: E402


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAGE_W, MARGIN = 210.0, 12.0
INK, MUTED, RULE = (20, 20, 20), (80, 80, 80), (150, 150, 150)
SPINE_EXCLUDED_UNITS = ("rank", "decile", "percentile")
LATIN_FALLBACKS = {"—": "-", "–": "-", "≤": "<=", "≥": ">=", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...",
                   "•": "-", "◀": "<", "▶": ">"}


@dataclass
class ProfileDocument:
    """Everything the PDF prints; every figure is already formatted by the caller."""

    title: str
    subtitle: str
    date: str
    headlines: list[tuple[str, str, str]]          # label, figure, note (period and comparators)
    sentences: list[str]
    spine: pd.DataFrame                            # from metrics.profile.area_spine
    map_layer: gpd.GeoDataFrame | None = None      # polygons with a "colour" column (hex)
    map_outline: gpd.GeoDataFrame | None = None
    map_title: str = ""
    map_legend: list[tuple[str, str]] = field(default_factory=list)   # (hex colour, label)
    sources: list[str] = field(default_factory=list)
    licence: list[str] = field(default_factory=list)
    home: str = "Leeds"                            # the district the spine compares with (the store's home)


@dataclass
class SceneDocument:
    """One meeting-deck slide (metrics/deck_scenes.py): drawn on screen by components/deck.py, printed here."""

    kind: str                                      # map | gap | place | trend | against
    title: str
    headline: str
    figures: list[tuple[str, str, str]]            # label, figure, note (period)
    sources: str                                   # one line
    map_layer: gpd.GeoDataFrame | None = None      # code, name, colour (hex), focal (bool), value_text
    map_outline: gpd.GeoDataFrame | None = None    # the focal area's outline
    map_legend: list[tuple[str, str]] = field(default_factory=list)
    map_title: str = ""
    chart: pd.DataFrame | None = None              # lines: panel, period, order, value, series; bars: name, value, focal, leeds
    chart_kind: str = ""
    chart_title: str = ""
    page: str = ""
    params: dict[str, str] = field(default_factory=dict)
    focal_code: str | None = None


def safe_text(text: object, unicode_font: bool) -> str:
    """Text the chosen font can print: control characters dropped; Latin-1 only for core fonts."""
    clean = "".join(ch if ch.isprintable() else " " for ch in str(text))
    if unicode_font:
        return clean
    clean = "".join(LATIN_FALLBACKS.get(ch, ch) for ch in clean)
    return clean.encode("latin-1", "replace").decode("latin-1")


def _polygons(geometry) -> list:
    """Exterior rings of a (multi)polygon as coordinate arrays (holes are not needed at this scale)."""
    parts = getattr(geometry, "geoms", [geometry])
    return [list(part.exterior.coords) for part in parts if not part.is_empty]


def static_map_png(layer: gpd.GeoDataFrame, outline: gpd.GeoDataFrame | None = None, width_in: float = 4.2,
                   height_in: float = 3.6, dpi: int = 120) -> bytes:
    """PNG of polygons filled with their ``colour`` column, in British National Grid (true shapes)."""
    from matplotlib.collections import PolyCollection

    projected = layer.to_crs(27700)
    fig = plt.figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    rings, colours = [], []
    for geometry, colour in zip(projected.geometry, projected["colour"]):
        for ring in _polygons(geometry):
            rings.append(ring)
            colours.append(colour)
    ax.add_collection(PolyCollection(rings, facecolors=colours, edgecolors="white", linewidths=0.4))
    if outline is not None and not outline.empty:
        edges = [ring for geometry in outline.to_crs(27700).geometry for ring in _polygons(geometry)]
        ax.add_collection(PolyCollection(edges, facecolors="none", edgecolors="#e69f00", linewidths=2.2))
    minx, miny, maxx, maxy = projected.total_bounds
    if outline is not None and not outline.empty:
        ominx, ominy, omaxx, omaxy = outline.to_crs(27700).total_bounds
        minx, miny, maxx, maxy = min(minx, ominx), min(miny, ominy), max(maxx, omaxx), max(maxy, omaxy)
    pad = 0.03 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


class _Profile(FPDF):
    def __init__(self, footer_text: str, unicode: bool, orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer_text
        self.unicode = unicode and (FONT_DIR / "DejaVuSans.ttf").is_file() and (FONT_DIR / "DejaVuSans-Bold.ttf").is_file()
        if self.unicode:
            self.add_font("Body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "Body" if self.unicode else "Helvetica"
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=14)

    def t(self, text: object) -> str:
        return safe_text(text, self.unicode)

    def font(self, size: float, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-11)
        self.font(7, colour=MUTED)
        self.cell(0, 4, self.t(f"{self.footer_text} · page {self.page_no()} of {{nb}}"), align="C")


def _headlines(pdf: _Profile, headlines: list[tuple[str, str, str]]) -> None:
    """Headline figures in a three-column grid of boxes."""
    gap = 3.0
    col_w, box_h = (PAGE_W - 2 * MARGIN - 2 * gap) / 3, 19.0
    top = pdf.get_y()
    for n, (label, figure, note) in enumerate(headlines):
        col, row = n % 3, n // 3
        x, y = MARGIN + col * (col_w + gap), top + row * (box_h + gap)
        _figure_box(pdf, x, y, col_w, box_h, (label, figure, note), PROFILE_BOX)
    rows = (len(headlines) + 2) // 3
    pdf.set_xy(MARGIN, top + rows * (box_h + gap) + 1)


@dataclass(frozen=True)
class BoxStyle:
    """Type sizes and offsets (mm) of a figure box: label, figure and note, top to bottom."""

    label_size: float
    label_height: float
    figure_top: float
    figure_size: float
    figure_height: float
    note_top: float
    note_size: float
    note_height: float


PROFILE_BOX = BoxStyle(7.5, 3.5, 5.5, 13, 6, 12, 6.3, 2.7)  # three to a row on the A4 profile
SLIDE_BOX = BoxStyle(9, 4, 6.5, 18, 8, 15.5, 7, 3)  # beside a slide's chart, read from across a room


def _figure_box(pdf: _Profile, x: float, y: float, width: float, height: float,
                figure: tuple[str, str, str], style: BoxStyle) -> None:
    """One (label, figure, note) in a ruled box: the one drawing both the profile and the slides use."""
    label, value, note = figure
    inner = width - 4
    pdf.set_draw_color(*RULE)
    pdf.rect(x, y, width, height)
    pdf.set_xy(x + 2, y + 1.5)
    pdf.font(style.label_size, colour=MUTED)
    pdf.cell(inner, style.label_height, _fit(pdf, label, inner))
    pdf.set_xy(x + 2, y + style.figure_top)
    pdf.font(style.figure_size, bold=True)
    pdf.cell(inner, style.figure_height, _fit(pdf, value, inner))
    pdf.set_xy(x + 2, y + style.note_top)
    pdf.font(style.note_size, colour=MUTED)
    pdf.multi_cell(inner, style.note_height, pdf.t(note), align="L", max_line_height=style.note_height)


def _fit(pdf: _Profile, text: str, width: float) -> str:
    """The text, shortened with an ellipsis if it is wider than ``width`` (binary search on length)."""
    text = pdf.t(text)
    if pdf.get_string_width(text) <= width:
        return text
    ellipsis = "…" if pdf.unicode else "..."
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if pdf.get_string_width(text[:mid] + ellipsis) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ellipsis


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _spine(pdf: _Profile, spine: pd.DataFrame, reserve: float, home: str = "Leeds") -> int:
    """Draw the spine chart rows that fit above ``reserve`` mm; returns how many were drawn."""
    rows = spine[(spine["polarity"] != "neutral") & ~spine["unit"].isin(SPINE_EXCLUDED_UNITS)]
    label_w, value_w, chart_w, leeds_w = 70.0, 17.0, 80.0, 17.0
    x_chart = MARGIN + label_w + value_w + 3
    top = pdf.get_y()
    available = 297 - 14 - top - 6 - reserve
    row_h = max(min(available / max(len(rows), 1), 5.0), 3.0)
    rows = rows.head(int(available // row_h))
    pdf.font(7, bold=True)
    pdf.set_xy(MARGIN, top)
    pdf.cell(label_w, 4, pdf.t("Indicator (period)"))
    pdf.cell(value_w, 4, pdf.t("This area"), align="R")
    pdf.set_x(x_chart)
    pdf.cell(chart_w / 2, 4, pdf.t("◀ worse" if pdf.unicode else "< worse"))
    pdf.cell(chart_w / 2, 4, pdf.t("better ▶" if pdf.unicode else "better >"), align="R")
    pdf.cell(leeds_w, 4, pdf.t(home), align="R")
    y = top + 5
    for row in rows.itertuples():
        pdf.set_fill_color(232, 232, 232)
        pdf.rect(x_chart, y + row_h * 0.2, chart_w, row_h * 0.6, style="F")
        if pd.notna(row.pos_q1) and pd.notna(row.pos_q3):
            pdf.set_fill_color(190, 190, 190)
            pdf.rect(x_chart + chart_w * row.pos_q1, y + row_h * 0.2, chart_w * (row.pos_q3 - row.pos_q1),
                     row_h * 0.6, style="F")
        if pd.notna(row.pos_leeds):
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.5)
            x = x_chart + chart_w * row.pos_leeds
            pdf.line(x, y + row_h * 0.05, x, y + row_h * 0.95)
        if pd.notna(row.pos_england):
            pdf.set_fill_color(255, 255, 255)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.25)
            x = x_chart + chart_w * row.pos_england
            pdf.rect(x - 0.8, y + row_h / 2 - 0.8, 1.6, 1.6, style="DF")
        if pd.notna(row.pos_value):
            pdf.set_fill_color(*_hex(row.colour))
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.25)
            radius = min(row_h * 0.38, 1.6)
            pdf.circle(x_chart + chart_w * row.pos_value, y + row_h / 2, radius, style="DF")
        pdf.font(6.3)
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w, row_h, _fit(pdf, f"{row.label} ({row.period})", label_w - 1))
        pdf.cell(value_w, row_h, pdf.t(row.value_text), align="R")
        pdf.set_x(x_chart + chart_w)
        pdf.cell(leeds_w, row_h, pdf.t(row.leeds_text), align="R")
        y += row_h
    pdf.set_line_width(0.2)
    pdf.set_y(y + 1.5)
    return len(rows)


def needs_unicode(doc: ProfileDocument) -> bool:
    """True when some text would lose characters in Latin-1 (then the slower embedded font is used)."""
    texts = [doc.title, doc.subtitle, doc.map_title, *doc.sentences, *doc.sources, *doc.licence,
             *(t for card in doc.headlines for t in card), *(label for _, label in doc.map_legend),
             *doc.spine.get("label", pd.Series(dtype=str)).astype(str), *doc.spine.get("value_text", pd.Series(dtype=str)).astype(str)]
    return any(safe_text(t, unicode_font=False) != "".join(ch if ch.isprintable() else " " for ch in str(t))
               and any(ord(ch) > 255 and ch not in LATIN_FALLBACKS for ch in str(t)) for t in texts)


def _front_page(pdf: _Profile, doc: ProfileDocument, made: str = "Profile made") -> None:
    """Title, headline figures, key points and the static map: the profile's first page (and a pack's ward page)."""
    pdf.add_page()
    pdf.font(20, bold=True)
    pdf.multi_cell(0, 9, pdf.t(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.font(9.5, colour=MUTED)
    pdf.multi_cell(0, 4.6, pdf.t(f"{doc.subtitle} · {made} {doc.date}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _headlines(pdf, doc.headlines)
    pdf.font(11, bold=True)
    pdf.cell(0, 6, pdf.t("Key points"), new_x="LMARGIN", new_y="NEXT")
    pdf.font(9.5)
    for sentence in doc.sentences:
        pdf.multi_cell(0, 4.6, pdf.t(f"• {sentence}" if pdf.unicode else f"- {sentence}"), align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if doc.map_layer is not None and not doc.map_layer.empty:
        pdf.ln(1)
        pdf.font(11, bold=True)
        pdf.cell(0, 6, pdf.t(doc.map_title), new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
        height = min(297 - 18 - top - 12, 110)
        if height > 40:
            png = static_map_png(doc.map_layer, doc.map_outline, width_in=4.6, height_in=4.6 * height / 120)
            pdf.image(io.BytesIO(png), x=MARGIN, y=top, w=120, h=height, keep_aspect_ratio=True)
            pdf.set_xy(MARGIN + 124, top + 2)
            for colour, label in doc.map_legend:
                pdf.set_fill_color(*_hex(colour))
                pdf.set_draw_color(80, 80, 80)
                pdf.rect(pdf.get_x(), pdf.get_y() + 0.6, 5, 3.2, style="DF")
                pdf.set_x(pdf.get_x() + 6.5)
                pdf.font(7.5)
                pdf.cell(54, 4.4, pdf.t(label), new_x="LEFT", new_y="NEXT")
                pdf.set_x(MARGIN + 124)
            pdf.set_xy(MARGIN + 124, top + height - 14)
            pdf.font(6.3, colour=MUTED)
            pdf.multi_cell(60, 2.8, align="L", text=pdf.t("Map: Source: Office for National Statistics licensed under the Open "
                                          "Government Licence v3.0. Contains OS data © Crown copyright and "
                                          "database right 2024."))


def profile_pdf(doc: ProfileDocument, unicode: bool | None = None) -> bytes:
    """The profile as PDF bytes (two A4 pages). ``unicode`` forces or forbids the embedded font."""
    pdf = _Profile(footer_text=f"{doc.title} · Best City Atlas · {doc.date}",
                   unicode=needs_unicode(doc) if unicode is None else unicode)
    pdf.set_title(pdf.t(doc.title))
    pdf.set_creator("Best City Atlas")
    _front_page(pdf, doc)
    pdf.add_page()
    pdf.font(13, bold=True)
    home = doc.home
    pdf.cell(0, 7, pdf.t(f"{doc.title}: every indicator on the {home} range"), new_x="LMARGIN", new_y="NEXT")
    pdf.font(7.5, colour=MUTED)
    pdf.multi_cell(0, 3.4, align="L", text=pdf.t(
        f"Each bar spans {home} areas of the same kind, worst on the left, best on the right (darker middle = middle "
        f"half of areas). Dot = this area; black line = {home}; white square = England (at the edge when outside the "
        f"range). Dot colour: purple better / light similar / orange worse than {home} where a 95% confidence interval "
        f"exists; otherwise the area's fifth within {home} (darker = worse). Ranks, deciles, percentiles and "
        "indicators with no better or worse direction are in the app."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.font(6.3, colour=MUTED)
    width = PAGE_W - 2 * MARGIN
    reserve = 8 + sum(2.8 * (int(pdf.get_string_width(pdf.t(line)) / (width - 4)) + 1) for line in doc.sources + doc.licence)
    _spine(pdf, doc.spine, reserve, home)
    pdf.font(6.3, colour=MUTED)
    for line in doc.sources + doc.licence:
        pdf.multi_cell(0, 2.8, pdf.t(line), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# ---------- committee pack: a summary page, then one page per ward ----------

JUDGEMENT_FILLS = {"worse": (253, 217, 181), "better": (216, 208, 234), "similar": (240, 240, 240)}


@dataclass
class PackCell:
    """One cell of the pack's summary table: the figure and, where one was tested, the word against Leeds."""

    text: str
    word: str = ""            # "worse", "better", "similar" or ""


@dataclass
class CommitteePack:
    """Everything the committee pack prints; every figure is already formatted by the caller."""

    title: str
    subtitle: str
    date: str
    sentences: list[str]
    columns: list[str]                              # area names (committee, wards, Leeds)
    rows: list[tuple[str, list[PackCell]]]          # measure label (period), one cell per column
    table_note: str
    sections: list[tuple[str, list[str]]]           # heading, lines
    wards: list[ProfileDocument]
    sources: list[str]
    footer: str                                     # the short source line printed on every page


class _Pack(_Profile):
    def footer(self) -> None:
        self.set_y(-12.5)
        self.font(6.5, colour=MUTED)
        self.multi_cell(0, 3, self.t(f"{self.footer_text} · page {self.page_no()} of {{nb}}"), align="C")


def _pack_table(pdf: _Pack, pack: CommitteePack) -> None:
    """Measures as rows, areas as columns; tested cells shaded and worded (never colour alone)."""
    width = PAGE_W - 2 * MARGIN
    label_w = 52.0
    col_w = (width - label_w) / max(len(pack.columns), 1)
    top = pdf.get_y()
    pdf.font(6.8, bold=True)
    for n, name in enumerate(pack.columns):
        pdf.set_xy(MARGIN + label_w + n * col_w, top)
        pdf.multi_cell(col_w, 3, pdf.t(name), align="C", max_line_height=3)
    y = top + 10
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN, y - 0.5, MARGIN + width, y - 0.5)
    row_h = 8.0
    for label, cells in pack.rows:
        pdf.set_xy(MARGIN, y + 0.5)
        pdf.font(6.8)
        pdf.multi_cell(label_w - 2, 3.2, pdf.t(label), align="L", max_line_height=3.2)
        for n, cell in enumerate(cells):
            x = MARGIN + label_w + n * col_w
            if cell.word in JUDGEMENT_FILLS:
                pdf.set_fill_color(*JUDGEMENT_FILLS[cell.word])
                pdf.rect(x + 0.4, y + 0.3, col_w - 0.8, row_h - 0.6, style="F")
            pdf.set_xy(x, y + 0.8)
            pdf.font(7.5, bold=True)
            pdf.cell(col_w, 3.6, pdf.t(cell.text), align="C")
            if cell.word:
                pdf.set_xy(x, y + 4.3)
                pdf.font(6.3)
                pdf.cell(col_w, 3, pdf.t(cell.word), align="C")
        y += row_h
        pdf.line(MARGIN, y, MARGIN + width, y)
    pdf.set_xy(MARGIN, y + 1.5)
    pdf.font(6.5, colour=MUTED)
    pdf.multi_cell(0, 3, pdf.t(pack.table_note), align="L", new_x="LMARGIN", new_y="NEXT")


def committee_pack_pdf(pack: CommitteePack, unicode: bool | None = None) -> bytes:
    """The committee pack as PDF bytes: page 1 the committee against Leeds, then one page per ward."""
    texts = [pack.title, pack.subtitle, pack.footer, pack.table_note, *pack.sentences, *pack.columns, *pack.sources,
             *(label for label, _ in pack.rows), *(c.text for _, cells in pack.rows for c in cells),
             *(line for _, lines in pack.sections for line in lines)]
    wants_unicode = any(needs_unicode(doc) for doc in pack.wards) or any(
        any(ord(ch) > 255 and ch not in LATIN_FALLBACKS for ch in str(t)) for t in texts)
    pdf = _Pack(footer_text=pack.footer, unicode=wants_unicode if unicode is None else unicode)
    pdf.set_title(pdf.t(pack.title))
    pdf.set_creator("Best City Atlas")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.font(18, bold=True)
    pdf.multi_cell(0, 8, pdf.t(pack.title), new_x="LMARGIN", new_y="NEXT")
    pdf.font(9, colour=MUTED)
    pdf.multi_cell(0, 4.4, pdf.t(f"{pack.subtitle} · Pack made {pack.date}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.font(10.5, bold=True)
    pdf.cell(0, 5.5, pdf.t("Its wards against Leeds"), new_x="LMARGIN", new_y="NEXT")
    pdf.font(8)
    for sentence in pack.sentences:
        pdf.multi_cell(0, 3.7, pdf.t(f"• {sentence}" if pdf.unicode else f"- {sentence}"), align="L",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    _pack_table(pdf, pack)
    for heading, lines in pack.sections:
        pdf.ln(1.5)
        pdf.font(10.5, bold=True)
        pdf.cell(0, 5.5, pdf.t(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.font(8)
        for line in lines:
            pdf.multi_cell(0, 3.7, pdf.t(f"• {line}" if pdf.unicode else f"- {line}"), align="L",
                           new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.font(6, colour=MUTED)
    for line in pack.sources:
        pdf.multi_cell(0, 2.7, pdf.t(line), align="L", new_x="LMARGIN", new_y="NEXT")
    for doc in pack.wards:
        _front_page(pdf, doc, made="Page of the committee pack made")
    return bytes(pdf.output())


def _scene_page(pdf: _Profile, doc: SceneDocument, number: int, total: int) -> None:
    """One landscape page: title, headline, the map (or chart) with its key, the figures, sources in the footer."""
    width = 297.0 - 2 * MARGIN
    pdf.add_page()              # fpdf2 draws a page's footer when the next page starts: set its text after
    pdf.footer_text = f"Scene {number} of {total}. {doc.sources}"
    pdf.font(18, bold=True)
    pdf.multi_cell(width, 8, pdf.t(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.font(11)
    pdf.multi_cell(width, 5, pdf.t(doc.headline), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    top = pdf.get_y()
    visual_w, gap = 165.0, 6.0
    height = 210 - 22 - top
    if doc.map_layer is not None and not doc.map_layer.empty:
        layer = doc.map_layer.copy()
        layer["colour"] = [c if f else _faded(c) for c, f in zip(layer["colour"], layer["focal"])]
        png = static_map_png(layer, doc.map_outline, width_in=visual_w / 25.4, height_in=(height - 14) / 25.4)
        pdf.image(io.BytesIO(png), x=MARGIN, y=top, w=visual_w, h=height - 14, keep_aspect_ratio=True)
        pdf.set_xy(MARGIN, top + height - 13)
        pdf.font(7, colour=MUTED)
        pdf.multi_cell(visual_w, 3, pdf.t(doc.map_title + ": " + "; ".join(label for _, label in doc.map_legend)),
                       align="L", new_x="LMARGIN", new_y="NEXT")
        x = MARGIN
        for colour, _ in doc.map_legend[:12]:
            pdf.set_fill_color(*_hex(colour))
            pdf.rect(x, pdf.get_y() + 0.5, 8, 3, style="F")
            x += 9
    elif doc.chart is not None and not doc.chart.empty:
        png = chart_png(doc, width_in=visual_w / 25.4, height_in=(height - 8) / 25.4)
        pdf.image(io.BytesIO(png), x=MARGIN, y=top, w=visual_w, h=height - 8, keep_aspect_ratio=True)
        pdf.set_xy(MARGIN, top + height - 7)
        pdf.font(7, colour=MUTED)
        pdf.multi_cell(visual_w, 3, pdf.t(doc.chart_title), align="L")
    x0, y = MARGIN + visual_w + gap, top
    col_w = width - visual_w - gap
    for figure in doc.figures:
        _figure_box(pdf, x0, y, col_w, 24, figure, SLIDE_BOX)
        y += 27


def _faded(colour: str, keep: float = 0.25) -> str:
    """A colour mixed towards white: the areas around the spotlit one."""
    red, green, blue = _hex(colour)
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in (red, green, blue))


def chart_png(doc: SceneDocument, width_in: float, height_in: float, dpi: int = 120, font: float = 8) -> bytes:
    """The slide's chart as a picture (paper, and the screen, where it scales to fit): horizontal bars with the
    home district's line, or small line charts of the area and the home district. Every mark is labelled, nothing needs hovering."""
    chart = doc.chart
    fig = plt.figure(figsize=(width_in, height_in), dpi=dpi)
    plt.rcParams.update({"font.size": font})
    if doc.chart_kind == "bars":
        rows = chart.head(12).iloc[::-1]
        ax = fig.add_axes((0.32, 0.08, 0.64, 0.88))
        ax.barh(rows["name"], rows["value"], color=["#08306b" if f else "#9ecae1" for f in rows["focal"]])
        for y, value in enumerate(rows["value"]):
            ax.text(value, y, f" {value:.1f}", va="center", fontsize=font)
        if rows["leeds"].notna().any():
            ax.axvline(float(rows["leeds"].iloc[0]), color="black", linestyle="--", linewidth=1.5)
        ax.tick_params(labelsize=font)
        ax.spines[["top", "right"]].set_visible(False)
    else:
        panels = list(dict.fromkeys(chart["panel"]))
        columns = 2
        for n, panel in enumerate(panels):
            ax = fig.add_subplot((len(panels) + 1) // columns, columns, n + 1)
            for series, group in chart[chart["panel"] == panel].groupby("series", sort=False):
                home = bool(group["is_home"].iloc[0]) if "is_home" in group else series == "Leeds"   # dashed black
                ax.plot(group["period"], group["value"], marker="o", linewidth=1.8,
                        linestyle="--" if home else "-", color="black" if home else "#0072b2", label=series)
            ax.set_title(panel, fontsize=font * 1.1, fontweight="bold")
            ax.tick_params(labelsize=font * 0.8)
            ax.spines[["top", "right"]].set_visible(False)
            ticks = list(dict.fromkeys(chart[chart["panel"] == panel]["period"]))
            step = max(1, len(ticks) // 5)
            ax.set_xticks(range(0, len(ticks), step))
            ax.set_xticklabels(ticks[::step], rotation=30, ha="right")
            if n == 0:
                ax.legend(fontsize=font * 0.9)
        fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def deck_pdf(name: str, scenes: list[SceneDocument], date: str, unicode: bool = True) -> bytes:
    """The meeting papers: one A4 landscape page per scene, its sources in the page's footer."""
    pdf = _DeckPages(footer_text="", unicode=unicode, orientation="L")
    pdf.heading = f"{name} · Best City Atlas · {date}"
    pdf.set_auto_page_break(False)
    pdf.set_title(pdf.t(name))
    pdf.set_creator("Best City Atlas")
    for number, doc in enumerate(scenes, 1):
        _scene_page(pdf, doc, number, len(scenes))
    return bytes(pdf.output())


class _DeckPages(_Profile):
    """Landscape pages whose footer is the scene's source line (it can run to two lines) and the deck's name."""

    heading = ""

    def footer(self) -> None:
        self.set_y(-17)
        self.font(7, colour=MUTED)
        self.multi_cell(0, 3.2, self.t(f"{self.footer_text} {self.heading} · page {self.page_no()} of {{nb}}"),
                        align="L")
