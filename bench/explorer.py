"""Map explorer speed (issue 3): server-side rerun time after changing the indicator, bytes per rerun,
and whether the layer JSON is rebuilt when only the selection changes. Prints figures; asserts nothing.

    python bench/explorer.py [--rounds 7]

AppTest runs app_pages/explorer.py without the app.py frame (sidebar, store check, footer), so the times are
the page's own script time; the sidebar's level/committee are set in session state as the sidebar would.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from components import indicator_map  # noqa: E402

INDICATORS = ["imd_imd_score", "fuel_poverty", "imd_income_score", "census_hh_deprived_1plus", "imd_health_score"]


def _run(at: AppTest, level: str) -> float:
    at.session_state["level"] = level
    at.session_state["committee"] = "all"
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def _spec(at: AppTest) -> str:
    return at.get("deck_gl_json_chart")[0].proto.json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--level", default="lsoa21")
    args = parser.parse_args()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/explorer.py")
    _run(at, args.level)
    cold = []
    for indicator in INDICATORS:                      # first view of each indicator: builds its layer JSON
        at.selectbox(key="_w_indicator").set_value(indicator)
        cold.append(_run(at, args.level))
    warm, sizes = [], []
    for _ in range(args.rounds):                      # the same views again: served from the caches
        for indicator in INDICATORS:
            at.selectbox(key="_w_indicator").set_value(indicator)
            warm.append(_run(at, args.level))
            sizes.append(len(_spec(at).encode("utf-8")))

    builds_before = indicator_map.LAYER_BUILDS["count"]
    areas_before = next(layer for layer in json.loads(_spec(at))["layers"] if layer["id"] == "areas")
    at.session_state["area"] = None
    select_times = []
    table_codes = at.dataframe[-1].value["Code"].tolist()
    for code in table_codes[:5]:
        at.session_state["area"] = code
        select_times.append(_run(at, args.level))
    areas_after = next(layer for layer in json.loads(_spec(at))["layers"] if layer["id"] == "areas")
    rebuilt = indicator_map.LAYER_BUILDS["count"] - builds_before

    print(f"Map explorer bench ({args.level}, {len(INDICATORS)} indicators, {args.rounds} warm rounds)")
    print(f"  first view of an indicator (cold caches), median: {statistics.median(cold) * 1000:7.0f} ms")
    print(f"  warm rerun after changing the indicator, median:  {statistics.median(warm) * 1000:7.0f} ms "
          f"(p90 {statistics.quantiles(warm, n=10)[-1] * 1000:.0f} ms; target < 300 ms)")
    print(f"  rerun after changing only the selection, median: {statistics.median(select_times) * 1000:7.0f} ms")
    print(f"  deck JSON sent per rerun: median {statistics.median(sizes) / 1024:.0f} KiB "
          f"(min {min(sizes) / 1024:.0f}, max {max(sizes) / 1024:.0f})")
    print(f"  layer JSON rebuilt when only the selection changed: {'yes' if rebuilt else 'no'} "
          f"({rebuilt} builds over {len(select_times)} selections; area layer identical: "
          f"{areas_before == areas_after})")


if __name__ == "__main__":
    main()
