"""One helper for every piece of text a user controls (URL parameters, uploaded cells, headings, file names,
labels): made safe for the place it lands, escaped exactly once, there.

Code that builds messages keeps such text *plain* (:func:`plain`: printable, one line, shortened); the
code that puts a message on the page, in a tooltip, a PDF or a CSV calls :func:`safe_text` with ``into``
set to that place. Escaping earlier, or twice, is what showed "&amp;" and stray backslashes to readers.

Places:
- ``markdown``: Streamlit Markdown (st.markdown, st.info/error/..., widget labels and help, captions).
  Every ASCII punctuation mark is backslash-escaped (CommonMark shows the mark itself), so no link,
  image, emphasis, HTML tag, entity, ``:material/..:`` icon, ``:red[..]`` colour or ``$`` maths can form;
  a word joiner (U+2060, invisible) goes into "://", "www." and before "@", so no bare URL or e-mail
  address is autolinked either.
- ``html``: HTML the app writes itself (st.markdown with unsafe_allow_html, tooltip templates).
- ``deck``: fields of a map (tooltip values, labels): plain. Streamlit 1.67 HTML-escapes every {field} it
  interpolates into a deck tooltip and a TextLayer draws text as it is, so escaping here would show
  "&amp;" (components.map.plain_field undoes any that slips through; tests pin Streamlit's escaping).
- ``pdf``: fpdf2's core fonts (Latin-1): characters they cannot draw become "?".
- ``csv``: a cell a spreadsheet would run as a formula (starts = + - @ tab or CR) gets a leading "'"
  (OWASP's advice for CSV injection); numbers are left alone by the callers (they are not text).
- ``plain``: data grids, alt text, file names: only :func:`plain`.
"""
from __future__ import annotations

import html
import re
from typing import Literal

Place = Literal["markdown", "html", "deck", "pdf", "csv", "plain"]
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")          # every ASCII punctuation character
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?", re.ASCII)


def plain(value: object, limit: int | None = 60) -> str:
    """Text as a reader should see it: control characters (incl. newlines) dropped or made spaces, runs of
    spaces kept as typed, shortened to ``limit`` characters with "…" (None: no limit). Not yet escaped."""
    text = "".join(ch if ch.isprintable() else (" " if ch in "\n\r\t" else "") for ch in str(value))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def safe_text(value: object, into: Place = "markdown", limit: int | None = 60) -> str:
    """``value`` as plain text (see :func:`plain`), escaped once for ``into``."""
    text = plain(value, limit)
    if into == "markdown":
        # GFM autolinks bare "https://..", "www." and "a@b.c" even when every mark is escaped: an invisible
        # word joiner (U+2060) inside each keeps it text.
        text = re.sub(r"(?i)(www)\.", "\\1\u2060.", text.replace("://", ":\u2060//").replace("@", "\u2060@"))
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    if into == "html":
        return html.escape(text, quote=True)
    if into == "deck":
        return text
    if into == "pdf":
        return text.encode("latin-1", "replace").decode("latin-1")
    if into == "csv":
        return csv_cell(text)
    if into == "plain":
        return text
    raise ValueError(f"Unknown place {into!r} for safe_text.")


def csv_cell(value: object) -> object:
    """A value for a CSV export: text that a spreadsheet would run as a formula is neutralised; numbers,
    missing values and other types pass unchanged (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_safe(table):
    """A copy of a table for a CSV download with every heading and text cell passed through :func:`csv_cell`
    (uploaded headings and names reach downloads; a spreadsheet must never run them)."""
    out = table.copy()
    out.columns = [csv_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(csv_cell)
    return out
