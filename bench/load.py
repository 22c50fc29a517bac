"""Load test: N concurrent real browser sessions change indicators on the map explorer; prints figures.

    python bench/load.py [--sessions 1 10 25] [--changes 4] [--timeout 240]

Starts its own `streamlit run app.py` on a free 127.0.0.1 port, opens N Playwright contexts (each its
own Streamlit session) in one headless Debian chromium, and in every session picks a different
indicator with the keyboard a few times. Rerun time = from pressing Enter in the indicator picker
until the app has written the new indicator into the URL (the last step of every run, in app.py),
as seen by the browser. Memory = the server process's resident set (VmRSS) after each round.
Bounded: at most 25 sessions by default and a time limit per round. Asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import streamlit_server  # noqa: E402
from data.registry import load_registry  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--no-first-run"]
MAX_SESSIONS = 40
PICKER = "Indicator (type to search)"
CYCLE = ["fuel_poverty", "life_expectancy_female", "census_hh_deprived_1plus", "life_expectancy_male",
         "imd_income_score"]                  # all available at ward level (the explorer lists only those)
CHANGE_TIMEOUT_MS = 30_000


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def indicator_labels() -> dict[str, str]:
    """Search text for each indicator in the cycle: its label as the picker shows it."""
    from data.catalogue import load_areas
    from data.query import indicators_for_level

    registry = load_registry()
    available, _ = indicators_for_level(registry.indicators, list(load_areas().levels), "ward24")
    usable = {i.id for i in available}
    return {i: f"{registry.get(i).theme}: {registry.get(i).label}" for i in CYCLE if i in usable}


async def session(browser, url: str, labels: dict[str, str], changes: int, offset: int, times: list[float],
                  errors: list[str]) -> None:
    """One user: open the explorer at ward level, then pick `changes` indicators by keyboard."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        await page.goto(f"{url}/explorer?level=ward24")
        await page.get_by_role("combobox", name=PICKER).wait_for()
        ids = list(labels)
        for n in range(changes):
            target = ids[(offset + n) % len(ids)]
            picker = page.get_by_role("combobox", name=PICKER)
            await picker.click()
            await page.keyboard.type(labels[target][:40])
            await page.wait_for_timeout(150)
            started = time.perf_counter()
            await page.keyboard.press("Enter")
            await page.wait_for_function("(id) => location.search.includes('indicator=' + id)", arg=target,
                                         polling=25, timeout=CHANGE_TIMEOUT_MS)
            times.append(time.perf_counter() - started)
            if await page.locator('[data-testid="stException"]').count():
                errors.append(f"exception shown after choosing {target}")
    except Exception as exc:  # noqa: BLE001 - a failed session is a figure to report, not a crash of the bench
        errors.append(f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()


async def run_round(browser, url: str, n: int, changes: int, limit_s: float) -> tuple[list[float], list[str]]:
    labels = indicator_labels()
    times: list[float] = []
    errors: list[str] = []
    tasks = [session(browser, url, labels, changes, k, times, errors) for k in range(n)]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=limit_s)
    except asyncio.TimeoutError:
        errors.append(f"round stopped at the {limit_s:.0f} s limit")
    return times, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--changes", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=240.0, help="time limit per round, seconds")
    args = parser.parse_args(argv)
    if max(args.sessions) > MAX_SESSIONS:
        raise SystemExit(f"at most {MAX_SESSIONS} sessions")
    with streamlit_server() as local:
        await measure(args, local.url, local.process)


async def measure(args, url: str, server) -> None:
    """Warm up one session, then run each round of N concurrent sessions and print the figures."""
    from playwright.async_api import async_playwright

    idle = rss_mb(server.pid)
    print(f"server pid {server.pid}, idle RSS {idle:.0f} MB, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # warm-up: the home page, then one session to fill the shared caches
            context = await browser.new_context()
            home = await context.new_page()
            await home.goto(url)
            await home.get_by_role("heading", level=1).first.wait_for(timeout=120_000)
            await context.close()
            _, errors = await run_round(browser, url, 1, 1, args.timeout)
            if errors:
                raise SystemExit(f"warm-up session failed: {errors[0]}")
            warm = rss_mb(server.pid)
            print(f"after warm-up: RSS {warm:.0f} MB")
            print(f"{'sessions':>8} {'reruns':>6} {'median s':>9} {'p95 s':>7} {'max s':>7} {'RSS MB':>7} "
                  f"{'MB/session':>10} {'errors':>6}")
            for n in args.sessions:
                started = time.perf_counter()
                times, errors = await run_round(browser, url, n, args.changes, args.timeout)
                rss = rss_mb(server.pid)
                median = statistics.median(times) if times else float("nan")
                p95 = percentile(times, 0.95) if times else float("nan")
                print(f"{n:>8} {len(times):>6} {median:>9.3f} {p95:>7.3f} {max(times or [float('nan')]):>7.3f} "
                      f"{rss:>7.0f} {(rss - warm) / n:>10.1f} {len(errors):>6}   "
                      f"({time.perf_counter() - started:.0f} s wall)")
                for error in sorted(set(errors))[:5]:
                    print(f"         ! {error}")
        finally:
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
