"""Geometry once (issue 20.2): a level's polygons as a file served by server.py's route, and a map's colours and
tooltip values as short lists read by each area's position in that file."""
from __future__ import annotations

import gzip
import json

import geopandas as gpd
import pytest
from shapely.geometry import box
from starlette.applications import Starlette
from starlette.middleware import Middleware
from types import SimpleNamespace
from urllib.parse import urlsplit

from components.map import GeometryRef, deck_template, fill_expression, table_tooltip
from data.store import build_stamp
from deploy import asgi
from deploy.asgi import SecurityHeaders, geometry_body, routes
from geo.choropleth import geometry_collection, geometry_url, geometry_version
from tests.conftest import run_alone


def _layer() -> gpd.GeoDataFrame:
    """Two obviously fake squares."""
    return gpd.GeoDataFrame({"code": ["X01", "X02"], "display_name": ["Fake A (Ward)", "Fake B"],
                             "committee_name": ["Inner Test", None]},
                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")


def test_the_file_holds_geometry_position_name_and_context_only():
    features = geometry_collection(_layer(), "lsoa21")["features"]
    assert [f["n"] for f in features] == [1, 2] and [f["code"] for f in features] == ["X01", "X02"]
    assert features[0]["name"] == "Fake A (Ward)" and features[0]["context_text"] == "Committee: Inner Test"
    assert features[1]["context_text"] == ""                         # no committee: no "Committee: " line
    assert set(features[0]) == {"type", "geometry", "properties", "code", "n", "name", "context_text"}
    assert geometry_collection(_layer(), "committee")["features"][0]["context_text"] == ""


def test_a_new_build_gets_a_new_url():
    assert geometry_url("ward24", "2026-01-01") != geometry_url("ward24", "2026-01-02")
    assert geometry_url("ward24", "s").startswith("/geo/ward24.geojson?v=")


def test_the_fill_expression_indexes_a_palette_by_one_character_per_position():
    red, blue = (255, 0, 0, 235), (0, 0, 255, 235)
    expression = fill_expression([red, blue, red])
    assert expression == '([[255,0,0,235],[0,0,255,235]])[("_010")[n]]'


def _evaluate(expression: str, n: int) -> list[int]:
    """What deck.gl computes for the area at position n (the expression is JSON-literal enough to parse)."""
    palette_text, chars_text = expression[1:].split(")[(", 1)
    palette, chars = json.loads(palette_text), json.loads(chars_text.split(")[", 1)[0])
    return palette[int(chars[n], 36) if chars[n].isalnum() else -1]


def test_every_area_gets_its_own_colour_back():
    fills = [(i, 0, 0, 255) for i in range(30)] + [(3, 0, 0, 255)]
    expression = fill_expression(fills)
    assert [_evaluate(expression, n) for n in range(1, 32)] == [list(f) for f in fills]


def test_the_tooltip_table_shows_only_the_hovered_position_and_escapes_values():
    html = table_tooltip("<b>{name}</b><br/>{value_text} ({period})<br/>{note}",
                         {"value_text": ["<1%", "{x}"], "note": ["", ""]})
    assert html.startswith("<style>.bca-tip>span{display:none}.bca-tip>span:nth-child({n}){display:inline}</style>")
    assert '<span class="bca-tip"><span>&lt;1%</span><span>&#123;x&#125;</span></span>' in html
    assert "{name}" in html and "{period}" in html          # left for the file (and the page) to fill
    assert html.endswith("<br/>")                          # the same (empty) for every area: written once


def test_a_deck_from_the_file_sends_no_geometry_and_recolours_by_trigger():
    spec = deck_template(GeometryRef("/geo/lsoa21.geojson?v=1", ((1, 2, 3, 255),)), "/geo/ward24.geojson?v=1", [],
                         {"latitude": 0, "longitude": 0, "zoom": 9}, "<b>{name}</b>")
    layers = {layer["id"]: layer for layer in json.loads(spec)["layers"] if layer["id"] != "selected"}
    assert layers["areas"]["data"] == "/geo/lsoa21.geojson?v=1" and layers["outlines"]["data"] == "/geo/ward24.geojson?v=1"
    assert layers["areas"]["getFillColor"] == "@@=" + fill_expression([(1, 2, 3, 255)])
    other = deck_template(GeometryRef("/geo/lsoa21.geojson?v=1", ((9, 9, 9, 255),)), None, [],
                          {"latitude": 0, "longitude": 0, "zoom": 9}, "")
    trigger = layers["areas"]["updateTriggers"]["getFillColor"]
    assert trigger != json.loads(other)["layers"][0]["updateTriggers"]["getFillColor"]
    assert "coordinates" not in spec


class _Client:
    """GET through an ASGI app without a network (starlette's TestClient needs a package the app does not)."""

    def __init__(self, app):
        self.app = app

    def get(self, url: str, headers: dict[str, str] | None = None):
        parts = urlsplit(url)
        headers = {"accept-encoding": "gzip", **{k.lower(): v for k, v in (headers or {}).items()}}
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": parts.path, "raw_path": parts.path.encode(), "query_string": parts.query.encode(),
                 "root_path": "", "server": ("test", 80), "client": ("test", 1),
                 "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        run_alone(self.app(scope, receive, send))   # a browser test earlier may hold the main thread's loop
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        content = gzip.decompress(body) if response_headers.get("content-encoding") == "gzip" else body
        return SimpleNamespace(status_code=start["status"], headers=response_headers, content=content,
                               text=content.decode("utf-8", "replace"), json=lambda: json.loads(content))


@pytest.fixture()
def client(monkeypatch, tmp_path):
    """server.py's routes and headers on a fake store of one level (the manifest names the build)."""
    (tmp_path / "manifest.json").write_text(json.dumps({"built_at": "fake-build"}))
    monkeypatch.setattr(asgi, "processed_dir", lambda: tmp_path)
    monkeypatch.setattr(asgi, "read_areas", lambda processed, level: _layer())
    geometry_body.cache_clear()
    app = Starlette(routes=routes(), middleware=[Middleware(SecurityHeaders, headers={"X-Content-Type-Options": "nosniff"})])
    yield _Client(app)
    geometry_body.cache_clear()


def test_the_route_serves_the_current_build_for_good_with_an_etag(client, tmp_path):
    version = geometry_version(build_stamp(tmp_path))
    response = client.get(f"/geo/ward24.geojson?v={version}")
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert response.json()["features"][0]["code"] == "X01"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"            # the security headers still apply
    again = client.get(f"/geo/ward24.geojson?v={version}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    stale = client.get("/geo/ward24.geojson?v=old")
    assert stale.status_code == 200 and stale.headers["cache-control"] == "no-cache"
    plain = client.get("/geo/ward24.geojson", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and json.loads(plain.content)["type"] == "FeatureCollection"


@pytest.mark.parametrize("path", ["/geo/nowhere.geojson", "/geo/..%2Fmanifest.geojson", "/geo/values.geojson"])
def test_unknown_levels_are_refused_without_naming_a_path(client, tmp_path, path):
    response = client.get(path)
    assert response.status_code in (404, 400) and str(tmp_path) not in response.text


def test_a_store_that_cannot_be_read_is_a_plain_503(client, monkeypatch, tmp_path):
    from data.settings import DataError

    def broken(processed, level):
        raise DataError(f"{processed}/areas_ward24.parquet is broken")

    monkeypatch.setattr(asgi, "read_areas", broken)
    response = client.get("/geo/ward24.geojson")
    assert response.status_code == 503 and str(tmp_path) not in response.text and "parquet" not in response.text
