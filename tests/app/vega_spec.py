"""Walk a finished Vega-Lite spec (a dict from components/charts.py) the way the tests need it."""
from __future__ import annotations


def encodings(node) -> list[dict]:
    """Every mark's or layer's ``encoding`` block, at any depth of the spec."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            found.append(node["encoding"])
        for value in node.values():
            found += encodings(value)
    elif isinstance(node, list):
        for value in node:
            found += encodings(value)
    return found
