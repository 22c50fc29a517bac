"""Benchmark the data foundation; prints figures, asserts nothing.

    python bench/run.py [--builds 3] [--renders 5]

Figures: cold build time (median of N into a fresh folder), processed store size, GeoJSON bytes sent for
the ward and LSOA layers, server-side time to render the map page cold and after changing the geography
(AppTest, median of N), and peak memory of this process.
"""
from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.getLogger("streamlit").setLevel(logging.ERROR)

from data.pipeline.build import build  # noqa: E402
from data.settings import REPO_ROOT, processed_dir  # noqa: E402


def median_seconds(samples: list[float]) -> str:
    return f"{statistics.median(samples):.3f} s (min {min(samples):.3f}, max {max(samples):.3f}, n={len(samples)})"


def cold_builds(n: int) -> list[float]:
    times = []
    for _ in range(n):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            build(out_dir=Path(tmp) / "processed")
            times.append(time.perf_counter() - started)
    return times


def deck_bytes(level: str) -> dict[str, int]:
    """Bytes of the deck JSON the deprivation map page sends to the browser, per layer, at one level."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["level"] = level
    at.run()
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    sizes = {layer["id"]: len(json.dumps(layer.get("data", []), separators=(",", ":"))) for layer in spec["layers"]}
    sizes["total"] = len(at.get("deck_gl_json_chart")[0].proto.json)
    return sizes


def render_times(n: int) -> tuple[float, list[float]]:
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    cold = time.perf_counter() - started
    warm = []
    for i in range(n):
        at.session_state["level"] = "lsoa21" if i % 2 == 0 else "ward24"
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    if at.exception:
        raise SystemExit(f"the app raised: {at.exception[0].value}")
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--renders", type=int, default=5)
    args = parser.parse_args()

    builds = cold_builds(args.builds)
    print(f"cold build:                {median_seconds(builds)}  (target < 20 s)")
    if not (processed_dir() / "manifest.json").exists():
        build()
    size = sum(p.stat().st_size for p in processed_dir().glob("*"))
    print(f"processed store size:      {size / 1e6:.2f} MB")
    for level, target in (("ward24", 60), ("lsoa21", 250)):
        sizes = deck_bytes(level)
        layers = ", ".join(f"{k} {v / 1e3:.1f} KB" for k, v in sizes.items() if k != "total")
        print(f"{level} map JSON:           area layer {sizes['areas'] / 1e3:.1f} KB (target < {target} KB); "
              f"whole deck {sizes['total'] / 1e3:.1f} KB [{layers}]")
    cold, warm = render_times(args.renders)
    print(f"map page render, cold:     {cold:.3f} s (AppTest, includes loading the store)")
    print(f"rerender, geography change:{median_seconds(warm)}  (target < 0.3 s)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
