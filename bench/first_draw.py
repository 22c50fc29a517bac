"""Time to the first drawn map in a real browser on a warm server (issue 20: <= 3 s). Prints figures; asserts
nothing.

    python bench/first_draw.py [--loads 5] [--paths / /explorer?level=lsoa21 ...] [--url http://127.0.0.1:PORT]

Starts `streamlit run server.py` on 127.0.0.1 (or uses --url), loads each path once to warm the server's
caches, then opens it `--loads` times, each in a fresh browser context (cold HTTP cache, new session, as a
newcomer): Debian chromium with software WebGL (SwiftShader, as tests/browser), 1400x900. Per load: seconds
from navigation to the first websocket frame, to the first deck.gl canvas, and to the first screenshot of that
canvas showing a drawn map (>= 4 distinct colours; screenshots are taken back to back, so the figure is an
upper bound by up to one screenshot's time, which is printed too). Wall times on a shared machine: the load
average is printed with them.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import streamlit_server  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic"]
CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
LIMIT_S = 120.0


def colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((120, 120), Image.NEAREST)
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return len(set(pixels))


def one_load(browser, url: str) -> dict:
    """Open `url` in a fresh context; seconds to the first frame, the canvas and the first drawn picture."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    marks: dict[str, float] = {}
    started = time.perf_counter()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: marks.setdefault(
        "first_frame_s", time.perf_counter() - started)))
    try:
        page.goto(url)
        canvas = page.locator(CANVAS).first
        try:
            canvas.wait_for(timeout=LIMIT_S * 1000)
        except Exception:
            page.screenshot(path=str(ROOT / "bench" / "results" / "first_draw_failed.png"))
            raise
        marks["canvas_s"] = time.perf_counter() - started
        shots = []
        while time.perf_counter() - started < LIMIT_S:
            t0 = time.perf_counter()
            png = canvas.screenshot()
            shots.append(time.perf_counter() - t0)
            if colours(png) >= 4:
                marks["drawn_s"] = time.perf_counter() - started
                break
        marks["screenshot_s"] = statistics.median(shots) if shots else float("nan")
    finally:
        context.close()
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--paths", nargs="+", default=["/explorer?level=ward24", "/explorer?level=lsoa21", "/pillars"])
    parser.add_argument("--url", help="a server already running on 127.0.0.1")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        url = args.url or stack.enter_context(streamlit_server(Path(os.devnull))).url
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        stack.callback(browser.close)
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; server {url}")
        print("| path | loads | first frame s | canvas s | first drawn map s (median, min-max) | screenshot s |")
        print("|---|---|---|---|---|---|")
        for path in args.paths:
            one_load(browser, url + path)                                     # warm the server's caches
            runs = [one_load(browser, url + path) for _ in range(args.loads)]
            drawn = [r["drawn_s"] for r in runs if "drawn_s" in r]

            def med(key: str) -> str:
                values = [r[key] for r in runs if key in r]
                return f"{statistics.median(values):.2f}" if values else "–"
            spread = f"{min(drawn):.2f}-{max(drawn):.2f}" if drawn else "never drawn"
            print(f"| {path} | {len(runs)} | {med('first_frame_s')} | {med('canvas_s')} | {med('drawn_s')} ({spread}) "
                  f"| {med('screenshot_s')} |", flush=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
