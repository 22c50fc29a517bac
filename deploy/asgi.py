"""The HTTP layer server.py adds to Streamlit's ASGI app: security headers on every response and /healthz.

Pure ASGI (no BaseHTTPMiddleware): it only edits the header list of ``http.response.start``, so streamed
and static responses pass through untouched and websockets are not wrapped at all.
"""
from __future__ import annotations

import gzip
import os
from functools import lru_cache

from data.catalogue import level_ids
from data.settings import DataError, processed_dir
from data.store import build_stamp, read_areas, store_status
from deploy.settings import DeployConfig, load_config
from geo.choropleth import GEOMETRY_ROUTE, geometry_json, geometry_version


class SecurityHeaders:
    """Set each configured header on every HTTP response (replacing a value the app set itself)."""

    def __init__(self, app, headers: dict[str, str] | None = None) -> None:
        self.app = app
        chosen = load_config().security_headers if headers is None else headers
        self._names = {name.lower().encode("latin-1") for name in chosen}
        self._headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in chosen.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self._names]
                message = {**message, "headers": kept + self._headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def replica_name(config: DeployConfig | None = None) -> str:
    """This process's replica name ('' when it runs alone, outside deploy/run.py or the compose file)."""
    return os.environ.get((config or load_config()).replicas.name_env, "")


async def healthz(request):
    """200 when Streamlit's runtime accepts browser connections, else 503: what HAProxy's check reads.

    The body names the replica, its open sessions (a tab is one) and the store's state (ok, stale, missing or
    corrupt: a session would build it), never a path. The store does not decide health: a replica without
    one still serves (it builds it).
    """
    from starlette.responses import JSONResponse
    from streamlit.runtime import Runtime

    runtime = Runtime.instance() if Runtime.exists() else None
    ready = bool(runtime) and (await runtime.is_ready_for_browser_connection)[0]
    sessions = runtime._session_mgr.num_active_sessions() if ready else 0  # no public count in 1.67
    body = {"status": "ok" if ready else "starting", "replica": replica_name(), "sessions": sessions,
            "store": store_status(processed_dir()).state}
    return JSONResponse(body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})


FOREVER = "public, max-age=31536000, immutable"


@lru_cache(maxsize=8)
def geometry_body(level: str, stamp: str) -> tuple[bytes, bytes]:
    """A level's geometry file for one build of the store, plain and gzipped (built once per process)."""
    raw = geometry_json(read_areas(processed_dir(), level), level)
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


async def geometry(request):
    """A level's polygons as GeoJSON, read from the store (never the raw data folder), for the browser to fetch
    once: maps then send only colours and values on a change (components.map). The URL's ``v`` names the store
    build, so a response for the current build is cached for good; any other ``v`` (or none) is revalidated.
    Unknown levels get 404; nothing ever names a path."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import PlainTextResponse, Response

    level = request.path_params["level"]
    if level not in level_ids():
        return PlainTextResponse("No such geography.", status_code=404, headers={"Cache-Control": "no-store"})
    stamp = build_stamp(processed_dir())
    try:
        raw, zipped = await run_in_threadpool(geometry_body, level, stamp) if stamp else (None, None)
    except DataError:
        raw = None
    if raw is None:
        return PlainTextResponse("The map boundaries are not ready yet; reload the page in a minute.",
                                 status_code=503, headers={"Cache-Control": "no-store", "Retry-After": "30"})
    version = geometry_version(stamp)
    etag = f'"{level}-{version}"'
    headers = {"ETag": etag, "Vary": "Accept-Encoding",
               "Cache-Control": FOREVER if request.query_params.get("v") == version else "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(zipped, media_type="application/json", headers=headers | {"Content-Encoding": "gzip"})
    return Response(raw, media_type="application/json", headers=headers)


def routes(config: DeployConfig | None = None) -> list:
    from starlette.routing import Route

    return [Route((config or load_config()).health.path, healthz, methods=["GET", "HEAD"]),
            Route(GEOMETRY_ROUTE.replace("{level}", "{level:str}"), geometry, methods=["GET", "HEAD"])]


def middleware(config: DeployConfig | None = None) -> list:
    from starlette.middleware import Middleware

    return [Middleware(SecurityHeaders, headers=(config or load_config()).security_headers)]
