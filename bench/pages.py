"""Every page's speed under load, optionally against another commit in the same run; prints a markdown table.

    python bench/pages.py [--pages NAME ...] [--sessions 1 10 25] [--rounds 3] [--changes 5] [--ref REV]
    python bench/pages.py --profile [--pages NAME ...] [--changes 10]
    python bench/pages.py --widgets PAGE [QUERY]          # a page's widgets and options, to write a scenario

Each page's scenario (bench/scenarios.yaml) is driven by bench/ws_load.py's websocket client, which speaks
Streamlit's protocol like a browser with its 1.67 message cache: per page and per N, `--rounds` rounds of N
sessions that open the page and change its widget `--changes` times each. Per page it reports the server
time per rerun (median at N = 1; median and p95 at each other N), the server's CPU ms per rerun (from
/proc while the changes ran), websocket KB received per change and per first view, and the server's RSS
after the page's rounds and at its peak. A warm-up session visits every option first on each server.

--ref REV serves REV from a temporary git worktree (its own data store, built by its own data.build) on
its own port, alternates the rounds between the two servers (this checkout first in even rounds, REV first
in odd ones) and prints this ÷ REV ratios; the worktree is removed afterwards.
--profile samples the server with py-spy (requirements-bench.txt) during one N = 1 round per page and
prints the top 10 functions by inclusive time in the script runs; no timing table (sampling slows it).

Results: the table on stdout and everything (every rerun's time and bytes) in bench/results/*.json
(git-ignored). The machine has 2 shared cores: each row says how many cores other processes used during
its rounds; prefer ratios measured in one run. Bounded like ws_load.py (<= 40 sessions, 127.0.0.1 only).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import MAX_SESSIONS, percentile, rss_mb  # noqa: E402
from bench.profile import ProfilerError, format_costs, parse_collapsed, py_spy, rank, thread_shares  # noqa: E402
from bench.scenarios import Scenario, ScenarioError, load_scenarios  # noqa: E402
from bench.server import ServerStartError, streamlit_server  # noqa: E402
from bench.worktree import WorktreeError, checkout  # noqa: E402
from bench.ws_load import (MAX_MESSAGE_BYTES, Round, RunError, log_problems, parse_forward_msg,  # noqa: E402
                           rerun_message, run_round, stream_url, warm_up)

RESULTS = ROOT / "bench" / "results"
PROFILE_RATE_HZ = 100
START_TIMEOUT_S = 300   # a loaded 2-core machine (a stress run beside it) took over 90 s to answer the health check


@dataclass
class Target:
    """One server under test: this checkout ("this") or the --ref commit ("ref")."""

    name: str
    commit: str
    url: str
    pid: int
    log: Path


@dataclass
class PageRun:
    """One page's rounds on one server."""

    rounds: dict[int, list[Round]] = field(default_factory=dict)
    warm_first_s: float = float("nan")   # the warm-up's first view: the page's first visit on this server
    rss_after: float = float("nan")
    errors: list[str] = field(default_factory=list)


# ---- figures (pure) -------------------------------------------------------------------------------------

def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def page_figures(run: PageRun) -> dict:
    """The table's figures for one page on one server, from its rounds (times in ms, bytes in KB)."""
    per_n = {}
    for n, rounds in sorted(run.rounds.items()):
        times = [t for r in rounds for t in r.reruns]
        reruns = len(times)
        change_cpu = sum(r.change_cpu_s for r in rounds if r.change_cpu_s == r.change_cpu_s)
        per_n[n] = {"reruns": reruns, "errors": sum(len(r.errors) for r in rounds),
                    "median_ms": _median(times) * 1000, "p95_ms": percentile(times, 0.95) * 1000 if times else
                    float("nan"), "cpu_ms": change_cpu / reruns * 1000 if reruns else float("nan"),
                    "first_ms": _median([t for r in rounds for t in r.first]) * 1000,
                    "others_cores": _median([r.other_cpu_s / r.wall_s for r in rounds if r.wall_s > 0])}
    # Bytes do not depend on N: N = 1 rounds when there are some, every round otherwise.
    byte_rounds = run.rounds.get(1) or [r for rounds in run.rounds.values() for r in rounds]
    changes = [b for r in byte_rounds for b in r.rerun_bytes]
    wire = [b for r in byte_rounds for b in r.rerun_wire]
    sessions = sum(len(r.first) for r in byte_rounds)
    elements = sum((r.by_element for r in byte_rounds), Counter())
    total = sum(elements.values())
    fragment = sum(r.fragment_runs for r in byte_rounds)
    kind = "fragment" if changes and fragment == len(changes) else "full" if fragment == 0 else "mixed"
    peaks = [r.rss_peak for rounds in run.rounds.values() for r in rounds]
    return {"n": per_n, "kb_change": _median(changes) / 1024, "kb_change_max": max(changes, default=0) / 1024,
            "kb_wire_change": _median(wire) / 1024, "kb_wire_first": _median([b for r in byte_rounds
                                                                            for b in r.first_wire]) / 1024,
            "compressed": f"{sum(r.compressed for r in byte_rounds)}/{sessions}",
            "kb_first": _median([b for r in byte_rounds for b in r.first_bytes]) / 1024, "run": kind,
            "elements": {k: round(v / total, 3) for k, v in elements.most_common(4)} if total else {},
            "rss_after": run.rss_after, "rss_peak": max(peaks, default=float("nan")),
            "cold_first_ms": run.warm_first_s * 1000, "errors": run.errors + [e for rounds in run.rounds.values()
                                                                                for r in rounds for e in r.errors]}


def ratio(a: float, b: float) -> float:
    return a / b if b and b == b and a == a else float("nan")


def _num(value: float, digits: int = 0) -> str:
    return "–" if value != value else f"{value:,.{digits}f}"


def markdown_table(figures: dict[str, dict], sessions: list[int]) -> list[str]:
    """One row per page: N = 1 median and CPU, median / p95 for each other N, KB, RSS, errors, others' load."""
    others = [n for n in sessions if n != 1]
    head = ["page", "rerun", "N=1 ms (median)", "CPU ms per rerun"] + [f"N={n} median / p95 ms" for n in others] + \
           ["KB per change", "wire KB per change", "first view KB (wire)", "RSS after / peak MB", "errors",
            "others' cores"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page, f in figures.items():
        one = f["n"].get(1, {})
        cells = [page, f["run"], _num(one.get("median_ms", float("nan"))), _num(one.get("cpu_ms", float("nan")))]
        for n in others:
            at = f["n"].get(n, {})
            cells.append(f"{_num(at.get('median_ms', float('nan')))} / {_num(at.get('p95_ms', float('nan')))}")
        loads = [v["others_cores"] for v in f["n"].values() if v["others_cores"] == v["others_cores"]]
        cells += [_num(f["kb_change"]), _num(f.get("kb_wire_change", float("nan")), 1),
                  f"{_num(f['kb_first'])} ({_num(f.get('kb_wire_first', float('nan')))})",
                  f"{_num(f['rss_after'])} / {_num(f['rss_peak'])}",
                  str(len(f["errors"])), _num(max(loads, default=float("nan")), 1)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def ratio_table(this: dict[str, dict], ref: dict[str, dict], sessions: list[int]) -> list[str]:
    """This checkout ÷ the reference, per page: < 1 is faster or smaller."""
    others = [n for n in sessions if n != 1]
    head = ["page", "N=1 ms", "CPU ms"] + [f"N={n} p95" for n in others] + ["KB per change", "wire KB per change"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page in this:
        if page not in ref:
            continue
        a, b = this[page], ref[page]

        def at(f: dict, n: int, key: str) -> float:
            return f["n"].get(n, {}).get(key, float("nan"))
        cells = [page, _num(ratio(at(a, 1, "median_ms"), at(b, 1, "median_ms")), 2),
                 _num(ratio(at(a, 1, "cpu_ms"), at(b, 1, "cpu_ms")), 2)]
        cells += [_num(ratio(at(a, n, "p95_ms"), at(b, n, "p95_ms")), 2) for n in others]
        cells.append(_num(ratio(a["kb_change"], b["kb_change"]), 2))
        cells.append(_num(ratio(a.get("kb_wire_change", float("nan")), b.get("kb_wire_change", float("nan"))), 2))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def round_order(targets: list, k: int) -> list:
    """Round k's server order: alternated, so neither server always runs first (drift, warm CPU caches)."""
    return list(targets) if k % 2 == 0 else list(reversed(targets))


# ---- running --------------------------------------------------------------------------------------------

def _commit(root: Path) -> str:
    out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True,
                           text=True).stdout.strip()
    return out.stdout.strip() + ("+changes" if dirty else "")


async def bench_pages(args, scenarios: list[Scenario], targets: list[Target]) -> dict[str, dict[str, PageRun]]:
    runs: dict[str, dict[str, PageRun]] = {t.name: {} for t in targets}
    for scenario in scenarios:
        print(f"{scenario.name}: {scenario.describe()}  (load average {os.getloadavg()[0]:.1f})", flush=True)
        live = []
        for target in targets:
            run = runs[target.name][scenario.name] = PageRun()
            try:
                warm = await warm_up(target.url, target.pid, scenario, args.timeout)
                run.warm_first_s = warm.first[0]
                live.append(target)
            except RunError as exc:
                run.errors.append(str(exc))
                print(f"  {target.name}: {exc}", flush=True)
        for n in args.sessions:
            for k in range(args.rounds):
                for target in round_order(live, k):
                    r = await run_round(target.url, target.pid, scenario, n, args.changes, args.timeout)
                    runs[target.name][scenario.name].rounds.setdefault(n, []).append(r)
                    rerun = statistics.median(r.reruns) * 1000 if r.reruns else float("nan")
                    print(f"  {target.name} N={n} round {k + 1}: median {rerun:.0f} ms, {len(r.reruns)} reruns, "
                          f"{len(r.errors)} errors, {r.wall_s:.0f} s", flush=True)
        for target in live:
            runs[target.name][scenario.name].rss_after = rss_mb(target.pid)
            # each page's row as soon as it is measured: a run stopped early (a loaded machine) still reports
            row = markdown_table({scenario.name: page_figures(runs[target.name][scenario.name])}, args.sessions)[-1]
            print(f"  {target.name}: {row}", flush=True)
    return runs


async def profile_pages(args, scenarios: list[Scenario], target: Target) -> dict[str, dict]:
    out = {}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for scenario in scenarios:
        await warm_up(target.url, target.pid, scenario, args.timeout)
        raw = RESULTS / f"profile-{scenario.name}-{time.strftime('%Y%m%d-%H%M%S')}.txt"
        with py_spy(target.pid, raw, PROFILE_RATE_HZ):
            r = await run_round(target.url, target.pid, scenario, 1, args.changes, args.timeout)
        stacks = parse_collapsed(raw.read_text())
        total, costs = rank(stacks, "project")
        _, calls = rank(stacks, "calls")
        shares = thread_shares(stacks)
        reruns = len(r.reruns)
        print(f"\n### {scenario.name}: {scenario.describe()}\n")
        print(f"{reruns} reruns (median {statistics.median(r.reruns) * 1000 if reruns else float('nan'):.0f} ms "
              f"while sampled), {total} script-thread samples at {PROFILE_RATE_HZ} Hz "
              f"({total * 1000 / PROFILE_RATE_HZ / max(reruns, 1):.0f} ms per rerun); all threads: "
              + ", ".join(f"{k} {v}" for k, v in shares.most_common(4)) + f"; raw: {raw.relative_to(ROOT)}\n")
        print("Top 10 of this repository's functions by inclusive time:\n")
        print("\n".join(format_costs(total, costs, PROFILE_RATE_HZ, reruns)))
        print("\nTop 10 library functions called from them (where the time goes once it leaves our code):\n")
        print("\n".join(format_costs(total, calls, PROFILE_RATE_HZ, reruns)))
        out[scenario.name] = {"reruns": reruns, "script_samples": total, "threads": dict(shares),
                              "top": [asdict(c) for c in costs], "calls": [asdict(c) for c in calls],
                              "raw": str(raw), "errors": r.errors}
    return out


async def list_widgets(url: str, page: str, query: str) -> None:
    from websockets.asyncio.client import connect

    async with connect(stream_url(url), subprotocols=["streamlit"], proxy=None, max_size=MAX_MESSAGE_BYTES,
                       ping_interval=None) as ws:
        await ws.send(rerun_message(query, page_name=page))
        while True:
            event = parse_forward_msg(await ws.recv())
            if event.kind == "widget":
                w = event.widget
                where = f"fragment {w.fragment[:8]}" if w.fragment else "full run"
                options = "; ".join(w.options[:12]) + (f"; ... ({len(w.options)})" if len(w.options) > 12 else "")
                print(f"{w.kind:<13} {w.label!r} ({where}) value={list(w.value or [])}\n    options: {options}")
            elif event.kind in ("exception", "not_found"):
                print(f"! {event.kind}: {event.value}")
            elif event.kind == "finished":
                break


def _start(stack: ExitStack, name: str, root: Path, env: dict | None, commit: str) -> Target:
    log = Path(tempfile.mkstemp(prefix=f"bench_{name}_", suffix=".log")[1])
    server = stack.enter_context(streamlit_server(log, start_timeout_s=START_TIMEOUT_S, root=root, env=env))
    return Target(name, commit, server.url, server.pid, log)


def _jsonable(runs: dict[str, dict[str, PageRun]]) -> dict:
    def one(r: Round) -> dict:
        d = asdict(r)
        d["by_element"] = dict(r.by_element)
        return d
    return {t: {p: {"rounds": {n: [one(r) for r in rs] for n, rs in run.rounds.items()},
                    "warm_first_s": run.warm_first_s, "rss_after": run.rss_after, "errors": run.errors}
                for p, run in pages.items()} for t, pages in runs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", help="scenario names (default: all of bench/scenarios.yaml)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per page and N (each server)")
    parser.add_argument("--changes", type=int, default=5, help="changes per session per round")
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per round, seconds")
    parser.add_argument("--ref", help="a git revision to measure in the same run (e.g. b6a0c71)")
    parser.add_argument("--profile", action="store_true", help="py-spy top costs per page instead of timings")
    parser.add_argument("--widgets", nargs="+", metavar=("PAGE", "QUERY"), help="list a page's widgets and exit")
    args = parser.parse_args(argv)
    if max(args.sessions) > MAX_SESSIONS or min(args.sessions) < 1 or args.rounds < 1 or args.changes < 1:
        parser.error(f"sessions must be 1 to {MAX_SESSIONS}; rounds and changes at least 1")
    if args.profile and args.ref:
        parser.error("--profile measures this checkout only; run it without --ref")
    try:
        scenarios = load_scenarios()
    except ScenarioError as exc:
        print(f"bench/scenarios.yaml: {exc}", file=sys.stderr)
        return 2
    unknown = [p for p in args.pages or [] if p not in scenarios]
    if unknown:
        print(f"no scenario {', '.join(unknown)}; known: {', '.join(scenarios)}", file=sys.stderr)
        return 2
    chosen = [scenarios[p] for p in args.pages] if args.pages else list(scenarios.values())

    started = datetime.now(timezone.utc)
    load0 = os.getloadavg()
    try:
        with ExitStack() as stack:
            this = _start(stack, "this", ROOT, None, _commit(ROOT))
            if args.widgets:
                asyncio.run(list_widgets(this.url, args.widgets[0], args.widgets[1] if len(args.widgets) > 1 else ""))
                return 0
            targets = [this]
            if args.ref:
                ref = stack.enter_context(checkout(args.ref))
                targets.append(_start(stack, "ref", ref.root, ref.env, ref.commit[:12]))
            print(f"{os.cpu_count()} CPUs, load average {load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f}; servers: "
                  + ", ".join(f"{t.name} = {t.commit} (pid {t.pid})" for t in targets), flush=True)
            if args.profile:
                profiles = asyncio.run(profile_pages(args, chosen, this))
                record = {"profiles": profiles}
            else:
                runs = asyncio.run(bench_pages(args, chosen, targets))
                record = {"runs": _jsonable(runs)}
            logs = {t.name: log_problems(t.log.read_text(errors="replace")) for t in targets}
    except (ServerStartError, WorktreeError, ProfilerError) as exc:
        print(f"bench stopped: {exc}", file=sys.stderr)
        return 1
    load1 = os.getloadavg()
    meta = {"started": started.isoformat(timespec="seconds"), "load_start": load0, "load_end": load1,
            "cpus": os.cpu_count(), "servers": {t.name: t.commit for t in targets}, "sessions": args.sessions,
            "rounds": args.rounds, "changes": args.changes, "log_errors": logs}
    if not args.profile:
        figures = {t.name: {p: page_figures(run) for p, run in runs[t.name].items()} for t in targets}
        record["figures"] = figures
        print(f"\n## Speed per page: {this.commit}, {started:%Y-%m-%d %H:%M} UTC, load average {load0[0]:.1f} at "
              f"start, {load1[0]:.1f} at end, {args.rounds} round(s) x {args.changes} changes per session\n")
        print("\n".join(markdown_table(figures["this"], args.sessions)))
        if args.ref:
            print(f"\n### {args.ref} ({targets[1].commit}), same run\n")
            print("\n".join(markdown_table(figures["ref"], args.sessions)))
            print(f"\n### Ratios: {this.commit} ÷ {args.ref} (< 1 = faster or smaller)\n")
            print("\n".join(ratio_table(figures["this"], figures["ref"], args.sessions)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pages-{'profile-' if args.profile else ''}{started:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"meta": meta, **record}, indent=1, default=str))
    for name, problems in logs.items():
        if problems:
            print(f"server log ({name}): {len(problems)} error lines, e.g. {problems[0][:160]}")
    print(f"\nall figures: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
