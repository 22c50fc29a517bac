"""Replicas behind HAProxy against one Streamlit process, in the same run: rerun times and memory per replica.

    python bench/replicas.py [--replicas 3] [--one 25] [--proxied 75] [--page explorer] [--changes 5]
                             [--rounds 1] [--no-pages]

Starts `python -m deploy.run`'s cluster (deploy.run.start_cluster: N replicas of `streamlit run server.py`
and Debian's HAProxy, on free 127.0.0.1 ports), then:
1. memory: one session per replica, straight to the replica, visits every page of bench/scenarios.yaml (first
   view and one change); each replica's VmRSS is printed after each page (shared data should be loaded once
   per process: the growth after the first pages is what the pages' own caches add);
2. warms the scenario's options on every replica (bench/ws_load.py's warm-up);
3. per round: --one sessions on one replica alone (its own URL, its own process), then --proxied sessions
   through the proxy, spread over the replicas by HAProxy (leastconn; a websocket without a cookie is a new
   session). Sessions are bench/ws_load.py's websocket clients (Streamlit's protocol, the browser's message
   cache and its expiry, no rendering). Prints median/p95 per round, each replica's VmRSS with the sessions
   open and MB per extra session, and the most sessions each replica held (its /healthz).
Figures go to bench/results/replicas-*.json. The load generator is one Python process on the same cores:
its CPU time is printed. Asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import rss_mb  # noqa: E402
from bench.scenarios import ScenarioError, load_scenarios  # noqa: E402
from bench.server import free_port  # noqa: E402
from bench.ws_load import MAX_URL_SESSIONS, Round, RunError, run_round, summary, warm_up  # noqa: E402
from deploy.run import ClusterError, start_cluster  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def replica_sessions(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return int(json.loads(response.read())["sessions"])
    except (OSError, ValueError, KeyError):
        return -1


async def _watch_sessions(replicas, most: dict[str, int]) -> None:
    """The most sessions each replica held, from its /healthz, every half second."""
    loop = asyncio.get_running_loop()
    while True:
        for replica in replicas:
            count = await loop.run_in_executor(None, replica_sessions, replica.url)
            most[replica.name] = max(most.get(replica.name, 0), count)
        await asyncio.sleep(0.5)


async def measured_round(url, pids, replicas, scenario, n, changes, timeout) -> tuple[Round, dict[str, int]]:
    most: dict[str, int] = {}
    watcher = asyncio.create_task(_watch_sessions(replicas, most))
    try:
        result = await run_round(url, pids, scenario, n, changes, timeout)
    finally:
        watcher.cancel()
    return result, most


def _row(label: str, r: Round, names: dict[int, str], most: dict[str, int]) -> dict:
    times = summary(r.reruns)
    each = {names[p]: round(v) for p, v in r.rss_open_each.items()}
    return {"round": label, "sessions": r.n, "reruns": times["n"], "errors": len(r.errors),
            "median_s": times["median"], "p95_s": times["p95"], "max_s": times["max"],
            "first_view_median_s": summary(r.first)["median"], "rss_open_mb": each,
            "mb_per_extra_session": (r.rss_open - r.rss_before) / r.n, "most_sessions": most,
            "server_cpu_s": r.server_cpu_s, "client_cpu_s": r.client_cpu_s, "other_cpu_s": r.other_cpu_s,
            "wall_s": r.wall_s, "error_samples": sorted(set(r.errors))[:3]}


async def run(args, cluster) -> dict:
    scenarios = load_scenarios()
    scenario = scenarios[args.page]
    replicas = cluster.replicas
    names = {r.pid: r.name for r in replicas}
    pids = tuple(r.pid for r in replicas)
    out: dict = {"replicas": len(replicas), "cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
                 "page": scenario.name, "changes": args.changes, "rss_idle_mb": {r.name: rss_mb(r.pid) for r in replicas}}
    print(f"{len(replicas)} replicas ({', '.join(f'{r.name} pid {r.pid}' for r in replicas)}) behind {cluster.url}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; idle RSS "
          + ", ".join(f"{k} {v:.0f} MB" for k, v in out["rss_idle_mb"].items()), flush=True)

    if not args.no_pages:
        print("\nVmRSS (MB) of each replica after one session visited each page (first view + one change):")
        print(f"{'page':<22}" + "".join(f"{r.name:>8}" for r in replicas))
        out["rss_after_page_mb"] = {}
        for name, page in scenarios.items():
            results = await asyncio.gather(*(run_round(r.url, r.pid, page, 1, 1, args.timeout) for r in replicas))
            errors = [e for res in results for e in res.errors]
            rss = {r.name: rss_mb(r.pid) for r in replicas}
            out["rss_after_page_mb"][name] = rss
            print(f"{name:<22}" + "".join(f"{v:>8.0f}" for v in rss.values())
                  + (f"   ! {errors[0]}" if errors else ""), flush=True)

    for replica in replicas:
        await warm_up(replica.url, replica.pid, scenario, args.timeout)
    print(f"\nwarm: '{scenario.name}' ({scenario.describe()}) on every replica; rounds of {args.changes} changes "
          "per session, all sessions at once", flush=True)
    rows = []
    for k in range(args.rounds):
        one = replicas[k % len(replicas)]
        r, most = await measured_round(one.url, (one.pid,), replicas, scenario, args.one, args.changes, args.timeout)
        rows.append(_row(f"one replica ({one.name})", r, names, most))
        r, most = await measured_round(cluster.url, pids, replicas, scenario, args.proxied, args.changes, args.timeout)
        rows.append(_row(f"proxy, {len(replicas)} replicas", r, names, most))
        for row in rows[-2:]:
            print(f"  round {k + 1}, {row['round']}: N={row['sessions']} median {row['median_s']:.3f} s, "
                  f"p95 {row['p95_s']:.3f} s, {row['errors']} errors", flush=True)
    out["rounds"] = rows
    out["load_average_end"] = os.getloadavg()

    print(f"\n{'round':<22}{'N':>4}{'runs':>6}{'err':>5}{'median s':>10}{'p95 s':>8}{'max s':>8}{'MB/sess':>8}"
          f"{'srv CPU':>8}{'cli CPU':>8}{'oth CPU':>8}  RSS open MB (sessions held)")
    for row in rows:
        held = ", ".join(f"{k} {v:.0f} ({row['most_sessions'].get(k, '?')})" for k, v in row["rss_open_mb"].items())
        print(f"{row['round']:<22}{row['sessions']:>4}{row['reruns']:>6}{row['errors']:>5}{row['median_s']:>10.3f}"
              f"{row['p95_s']:>8.3f}{row['max_s']:>8.3f}{row['mb_per_extra_session']:>8.1f}{row['server_cpu_s']:>8.1f}"
              f"{row['client_cpu_s']:>8.1f}{row['other_cpu_s']:>8.1f}  {held}")
        for error in row["error_samples"]:
            print(f"    ! {error}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--one", type=int, default=25, help="sessions on one replica alone (default 25)")
    parser.add_argument("--proxied", type=int, default=75, help="sessions through the proxy (default 75)")
    parser.add_argument("--page", default="explorer", help="a scenario of bench/scenarios.yaml (default explorer)")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per round, seconds")
    parser.add_argument("--no-pages", action="store_true", help="skip the memory walk over every page")
    parser.add_argument("--log-dir", type=Path, help="keep the replicas' and the proxy's logs here")
    args = parser.parse_args(argv)
    if not (1 <= args.one <= MAX_URL_SESSIONS and 1 <= args.proxied <= MAX_URL_SESSIONS):
        parser.error(f"sessions must be 1 to {MAX_URL_SESSIONS}")
    try:
        if args.page not in load_scenarios():
            parser.error(f"no scenario '{args.page}' in bench/scenarios.yaml")
        with start_cluster(args.replicas, free_port(), replica_ports=[free_port() for _ in range(args.replicas)],
                           log_dir=args.log_dir) as cluster:
            figures = asyncio.run(run(args, cluster))
    except (ClusterError, ScenarioError, RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"replicas-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"args": vars(args), **figures}, indent=1, default=str))
    print(f"\nfigures: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
