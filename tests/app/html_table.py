"""Read an HTML table the app draws (st.markdown) back into rows, as a reader sees it: no parser beyond the stdlib."""
from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Cells(HTMLParser):
    """Rows of an HTML table as lists of cell texts (a cell's pieces joined with ' | ')."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(" | ".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None and data.strip():
            self.cell.append(data.strip())


def table_frame(markup: str) -> pd.DataFrame:
    """The first row is the header; the first column the row labels."""
    parser = _Cells()
    parser.feed(markup)
    head, *body = parser.rows
    return pd.DataFrame(body, columns=head).set_index(head[0])
