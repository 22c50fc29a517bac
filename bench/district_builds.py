"""Benchmark the build for Leeds and for other districts (issue 17.5); prints figures, asserts nothing.

    python bench/district_builds.py [--repeat 3] [--districts E08000035 E08000003 ...]

Each build runs `python -m data.build` in a child process with $BCA_DISTRICT set, into a fresh temporary
store folder, so every run reads the England-wide tables from the raw folder as a first start would. Reports per
district the median wall time and the median CPU time (user + system of the child: the figure to compare on a
shared machine), and the same for the whole set. Default districts: Leeds and the seven other core cities of
data/cities.yaml. A build that fails is reported with its message and counted, not retried.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.catalogue import load_cities_config  # noqa: E402
from data.settings import DISTRICT_ENV, PROCESSED_DIR_ENV, REPO_ROOT  # noqa: E402


def core_cities() -> dict[str, str]:
    """Leeds (the home) first, then the other core cities, as data/cities.yaml names them."""
    config = load_cities_config()
    return {config["home"]["code"]: config["home"]["name"], **config["core_cities"]}


def one_build(code: str) -> tuple[float, float, str]:
    """(wall s, CPU s, error or "") of one cold build of ``code``'s atlas into a fresh folder."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, DISTRICT_ENV: code, PROCESSED_DIR_ENV: str(Path(tmp) / "processed")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "data.build", "--out", str(Path(tmp) / "processed")],
                              cwd=REPO_ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    error = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1]
    return wall, cpu, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds per district (median reported)")
    parser.add_argument("--districts", nargs="*", help="district codes (default: Leeds and the core cities)")
    args = parser.parse_args(argv)
    names = core_cities()
    codes = args.districts or list(names)
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {args.repeat} build(s) per district")
    totals_wall, totals_cpu, failed = 0.0, 0.0, 0
    for code in codes:
        runs = [one_build(code) for _ in range(args.repeat)]
        errors = [e for _, _, e in runs if e]
        walls, cpus = [w for w, _, e in runs if not e], [c for _, c, e in runs if not e]
        failed += len(errors)
        if walls:
            totals_wall += statistics.median(walls)
            totals_cpu += statistics.median(cpus)
            print(f"{code} {names.get(code, ''):<28} wall {statistics.median(walls):6.1f} s  CPU {statistics.median(cpus):6.1f} s"
                  f"  (n={len(walls)})" + (f"  {len(errors)} failed: {errors[0]}" if errors else ""))
        else:
            print(f"{code} {names.get(code, ''):<28} every build failed: {errors[0]}")
    print(f"all districts (sum of medians): wall {totals_wall:.1f} s, CPU {totals_cpu:.1f} s; failed builds: {failed}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
