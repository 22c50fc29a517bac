"""Profile a live Streamlit server with py-spy and rank what its script runs spend time in.

py-spy (pinned in requirements-bench.txt) samples the server process from outside, so the server runs
unchanged; bench/pages.py --profile drives a page's scenario meanwhile. AppTest + cProfile would only see
the test thread waiting (AppTest runs the script in another thread), hence a sampler on the real server.
The parsing and ranking here are pure (tested in tests/unit/test_ws_load.py).
"""
from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_THREAD = "ScriptRunner"   # Streamlit names each session's script thread "ScriptRunner.scriptThread"
# Frames every script run passes through (threads, the runner, navigation, app.py's frame): their inclusive
# time is the whole run's, so they would fill the ranking without saying anything.
WRAPPERS = ("/threading.py", "/concurrent/futures/", "/asyncio/", "/streamlit/runtime/scriptrunner/",
            "/streamlit/runtime/scriptrunner_utils/", "/streamlit/navigation/", "/streamlit/runtime/fragment.py",
            "/streamlit/runtime/metrics_util.py", "/contextlib.py")


@dataclass(frozen=True)
class Cost:
    frame: str        # "function (short/path.py:first line)"
    inclusive: int    # samples in which the function was on the stack (once per sample)
    own: int          # samples in which it was the innermost frame


def parse_collapsed(text: str) -> list[tuple[str, tuple[str, ...], int]]:
    """py-spy's raw (collapsed) output with --threads: (thread name, frames outermost first, samples) per line."""
    stacks = []
    for line in text.splitlines():
        body, _, count = line.rpartition(" ")
        if not body or not count.isdigit():
            continue
        parts = body.split(";")
        thread, frames = (parts[0], tuple(parts[1:])) if parts[0].startswith("thread (") else ("", tuple(parts))
        stacks.append((thread.split(": ", 1)[-1], frames, int(count)))
    return stacks


def short_frame(frame: str) -> str:
    """'f (/long/site-packages/pkg/mod.py:12)' -> 'f (pkg/mod.py:12)'; the project's files relative to it."""
    name, _, where = frame.partition(" (")
    for marker in ("/site-packages/", f"{ROOT}/", "/lib/python3."):
        if marker in where:
            where = where.split(marker, 1)[1]
            if marker == "/lib/python3.":
                where = "stdlib/" + where.split("/", 1)[-1]
            break
    return f"{name} ({where}" if where else name


def is_wrapper(frame: str) -> bool:
    return any(w in frame for w in WRAPPERS) or frame.startswith("<module> (") and frame.rstrip(")").split(
        ":")[0].endswith("/app.py")


def is_project(frame: str) -> bool:
    """A frame of this repository's code (app pages, components, metrics, data, geo), not a library's."""
    where = frame.partition(" (")[2]
    return where.startswith(f"{ROOT}/") and "/site-packages/" not in where and not is_wrapper(frame)


def rank(stacks: list[tuple[str, tuple[str, ...], int]], select: str = "project", thread_prefix: str = SCRIPT_THREAD,
         top: int = 10) -> tuple[int, list[Cost]]:
    """Samples in the matching threads, and the `top` functions by inclusive samples (counted once per sample).

    select: "project" = this repository's functions; "calls" = the library functions the project calls
    directly (where its time goes once it leaves our code, e.g. Altair's to_dict); "all" = every function
    but the wrappers every run passes through.
    """
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for thread, frames, count in stacks:
        if not thread.startswith(thread_prefix):
            continue
        total += count
        if frames:
            own[frames[-1]] += count
        chosen, caller_is_project = set(), False  # caller: the nearest enclosing frame that is no wrapper
        for frame in frames:
            if is_wrapper(frame):
                continue
            project = is_project(frame)
            if select == "project":
                keep = project
            elif select == "calls":
                keep = caller_is_project and not project
            else:
                keep = True
            if keep:
                chosen.add(frame)
            caller_is_project = project
        for frame in chosen:
            inclusive[frame] += count
    ranked = sorted(inclusive.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return total, [Cost(short_frame(f), n, own[f]) for f, n in ranked]


def thread_shares(stacks: list[tuple[str, tuple[str, ...], int]]) -> Counter:
    """Samples per thread kind (script runs vs the server's own threads), to see work done outside scripts."""
    shares: Counter = Counter()
    for thread, _, count in stacks:
        shares["script runs" if thread.startswith(SCRIPT_THREAD) else thread.split("-")[0] or "?"] += count
    return shares


def format_costs(total: int, costs: list[Cost], rate_hz: int, reruns: int) -> list[str]:
    """Markdown rows: share of the script samples, and ms per rerun (samples / rate / reruns)."""
    per_rerun = 1000 / rate_hz / max(reruns, 1)
    lines = ["| # | function (inclusive) | share of script time | ms per rerun | own ms per rerun |",
             "|---|---|---|---|---|"]
    for k, c in enumerate(costs, 1):
        lines.append(f"| {k} | `{c.frame}` | {c.inclusive / max(total, 1):.0%} | {c.inclusive * per_rerun:.0f} | "
                     f"{c.own * per_rerun:.0f} |")
    return lines


class ProfilerError(RuntimeError):
    """py-spy is missing or could not attach (it needs ptrace rights over the server)."""


@contextmanager
def py_spy(pid: int, out: Path, rate_hz: int = 100) -> Iterator[Path]:
    """py-spy records the process while the block runs; stopped with SIGINT, which makes it write `out`."""
    exe = shutil.which("py-spy")
    if exe is None:
        raise ProfilerError("py-spy is not installed: pip install -r requirements-bench.txt")
    process = subprocess.Popen([exe, "record", "-p", str(pid), "-o", str(out), "--format", "raw", "-r",
                                str(rate_hz), "--full-filenames", "--function", "--threads", "--nonblocking"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield out
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    if not out.exists():
        raise ProfilerError(f"py-spy wrote no profile: {output.decode(errors='replace').strip()[-300:]}")
