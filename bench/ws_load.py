"""Server load test: N concurrent Streamlit sessions over websockets change indicators; prints figures.

    python bench/ws_load.py [--sessions 1 10 25] [--changes 5] [--timeout 300] [--page explorer]

Starts its own `streamlit run app.py` on a free 127.0.0.1 port (log in a temporary file) and speaks
Streamlit's own protocol to it, as the browser does, without a browser: each session is one websocket on
/_stcore/stream sending BackMsg protobufs and reading ForwardMsg protobufs. Nothing is rendered, so the
figures are the server's alone (the load generator shares the CPUs; its CPU time is printed too).

For each N the sessions open together and load the explorer at ward level ("first view": connect, run,
until script_finished). Then every session changes the indicator picker `--changes` times (one
WidgetState with the option's text and, when the picker sits in an st.fragment, that fragment's id, as the
frontend sends them), all sessions at once, each waiting for its
own run to end before the next change, with no pause (so work the server does after script_finished,
such as Streamlit's post-run gc.collect, delays the next change). A warm-up session visits every indicator
once before the rounds, so no round pays for cold shared caches.
Rerun time = from sending the change to `script_finished`.
A rerun counts only if it finished successfully, showed no exception, stayed on the page, and app.py
wrote the new indicator into the URL (a `page_info_changed` message with `indicator=<id>`, the last step
of every run); anything else, a timeout or a closed socket is an error.
Memory = the server's VmRSS: before the round (earlier sessions closed; Streamlit keeps closed sessions
for reconnection for 2 minutes), with the N sessions open after their changes, and the peak (sampled
every 0.1 s). Sessions are closed at the end of each round. The cacheable messages' hashes are sent back
with each rerun, as the browser does, so repeated large elements come back as references.
CPU seconds per round are printed for the server, this client and all other processes (noise: the
machine has 2 cores; with other work running the times are not comparable).
Bounded: at most 40 sessions, a time limit per run and per round, 127.0.0.1 only. Asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.load import CYCLE, MAX_SESSIONS, PICKER, indicator_labels, percentile, rss_mb  # noqa: E402
from bench.server import ServerStartError, streamlit_server  # noqa: E402

FIRST_QUERY = "level=ward24"
RUN_TIMEOUT_S = 90.0
MAX_MESSAGE_BYTES = 128 * 2**20
SETTLED_STATUSES = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


# ---- pure helpers ---------------------------------------------------------------------------------------

def summary(times: list[float]) -> dict[str, float]:
    """Count, median, p95 (nearest rank, as bench/load.py) and max of a list of seconds (NaN when empty)."""
    if not times:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "max": float("nan")}
    return {"n": len(times), "median": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times)}


def stream_url(http_url: str) -> str:
    """The websocket endpoint of a local server; refuses anything but 127.0.0.1."""
    parts = urlsplit(http_url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"only 127.0.0.1 is load-tested, not {parts.hostname}")
    return f"ws://127.0.0.1:{parts.port}/_stcore/stream"


def rerun_message(query_string: str, *, page_name: str = "", page_hash: str = "", widget_id: str = "",
                  value: str = "", cached: tuple[str, ...] = (), fragment_id: str = "") -> bytes:
    """A serialized BackMsg.rerun_script: the first run names the page by URL path, later ones by hash.

    A changed selectbox is sent as one WidgetState whose string_value is the option's text (the selectbox
    serde in Streamlit 1.67); widgets not sent keep their previous values on the server. A widget drawn
    inside an ``st.fragment`` is sent with that fragment's id, as the browser does, so only it reruns.
    """
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_name = page_name
    state.page_script_hash = page_hash
    state.fragment_id = fragment_id
    if widget_id:
        widget = state.widget_states.widgets.add()
        widget.id = widget_id
        widget.string_value = value
    state.cached_message_hashes.extend(cached)
    return msg.SerializeToString()


@dataclass(frozen=True)
class Event:
    """What a ForwardMsg means to the load test.

    kind: finished (value = status name), exception (message), query (new query string), page (page hash
    of a navigation message), picker (widget id; options; the fragment it is drawn in, if any), not_found,
    ref (hash of a cached message), other.
    """

    kind: str
    value: str = ""
    options: tuple[str, ...] = ()
    hash: str = ""  # set when the message is cacheable: the client remembers it, like the browser
    fragment: str = ""


def parse_forward_msg(data: bytes, picker_label: str = PICKER) -> Event:
    msg = ForwardMsg()
    msg.ParseFromString(data)
    kind = msg.WhichOneof("type")
    cached = msg.hash if msg.metadata.cacheable else ""
    if kind == "script_finished":
        return Event("finished", ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished))
    if kind == "page_info_changed":
        return Event("query", msg.page_info_changed.query_string)
    if kind == "navigation":
        return Event("page", msg.navigation.page_script_hash)
    if kind == "page_not_found":
        return Event("not_found", msg.page_not_found.page_name)
    if kind == "ref_hash":
        return Event("ref", msg.ref_hash)
    if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
        return Event("exception", msg.session_event.script_compilation_exception.message)
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        if element.WhichOneof("type") == "exception":
            return Event("exception", f"{element.exception.type}: {element.exception.message}"[:200], hash=cached)
        if element.WhichOneof("type") == "selectbox" and element.selectbox.label == picker_label:
            return Event("picker", element.selectbox.id, tuple(element.selectbox.options), hash=cached,
                         fragment=msg.delta.fragment_id)
    return Event("other", hash=cached)


def indicator_in_query(query_string: str) -> str | None:
    values = parse_qs(query_string).get("indicator")
    return values[0] if values else None


# ---- the async driver -----------------------------------------------------------------------------------

class RunError(Exception):
    """A run that did not do what was asked: the message is the figure to report."""


class Session:
    """One simulated browser tab: a websocket and what the frontend would remember between runs."""

    def __init__(self, url: str, page: str) -> None:
        self.url, self.page = url, page
        self.ws = None
        self.query = FIRST_QUERY
        self.page_hash = ""
        self.picker_id = ""
        self.picker_fragment = ""
        self.options: tuple[str, ...] = ()
        self.cache: dict[str, Event] = {}  # hash -> event of each cacheable message received

    async def open(self) -> float:
        """Connect and run the page as a new tab would; returns seconds until script_finished."""
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        self.ws = await connect(stream_url(self.url), subprotocols=["streamlit"], proxy=None, compression=None,
                                max_size=MAX_MESSAGE_BYTES, ping_interval=None, open_timeout=RUN_TIMEOUT_S)
        await self._run(rerun_message(self.query, page_name=self.page))
        if not self.picker_id:
            raise RunError(f"no '{PICKER}' on page {self.page}")
        return time.perf_counter() - started

    async def change(self, indicator: str, label: str) -> float:
        """Pick an indicator; returns seconds from sending the change to script_finished."""
        if label not in self.options:
            raise RunError(f"{indicator} is not in the picker's options")
        started = time.perf_counter()
        await self._run(rerun_message(self.query, page_hash=self.page_hash, widget_id=self.picker_id,
                                      value=label, cached=tuple(self.cache), fragment_id=self.picker_fragment),
                        expect=indicator)
        return time.perf_counter() - started

    async def _run(self, payload: bytes, expect: str | None = None) -> None:
        page_before, shown = self.page_hash, None
        async with asyncio.timeout(RUN_TIMEOUT_S):
            await self.ws.send(payload)
            while True:
                event = parse_forward_msg(await self.ws.recv())
                if event.hash:
                    self.cache[event.hash] = event
                if event.kind == "ref":
                    event = self.cache.get(event.value, event)
                if event.kind == "exception":
                    raise RunError(f"exception shown: {event.value}")
                if event.kind == "not_found":
                    raise RunError(f"page not found: {event.value or self.page}")
                if event.kind == "page":
                    if page_before and event.value != page_before:
                        raise RunError("the rerun landed on another page")
                    self.page_hash = event.value
                elif event.kind == "picker":
                    self.picker_id, self.options, self.picker_fragment = event.value, event.options, event.fragment
                elif event.kind == "query":
                    self.query = event.value
                    shown = indicator_in_query(event.value)
                elif event.kind == "finished":
                    if event.value == "FINISHED_EARLY_FOR_RERUN":
                        continue  # the app called st.rerun(); the next run ends the interaction
                    if ForwardMsg.ScriptFinishedStatus.Value(event.value) not in SETTLED_STATUSES:
                        raise RunError(f"script finished with {event.value}")
                    break
        if expect and shown != expect:
            raise RunError(f"URL shows indicator {shown!r} after choosing {expect}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no script_finished within {RUN_TIMEOUT_S:.0f} s"
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return text if isinstance(exc, RunError) else f"{exc.__class__.__name__}: {text}"


@dataclass
class Round:
    n: int
    first: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_before: float = float("nan")
    rss_open: float = float("nan")
    rss_peak: float = float("nan")
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    other_cpu_s: float = 0.0  # every other process on the machine: noise when it is more than a few seconds
    wall_s: float = 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time spent by all processes on all CPUs since boot (user, nice, system, irq, softirq, steal)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks[:3]) + sum(ticks[5:8])) / os.sysconf("SC_CLK_TCK")


async def _sample_peak(pid: int, result: Round) -> None:
    while True:
        result.rss_peak = max(result.rss_peak, rss_mb(pid))
        await asyncio.sleep(0.1)


async def run_round(url: str, pid: int, page: str, n: int, changes: int, labels: dict[str, str],
                    limit_s: float) -> Round:
    """N sessions open together, then all change indicators together; closed at the end."""
    baseline = rss_mb(pid)
    result = Round(n, rss_before=baseline, rss_peak=baseline)
    sessions = [Session(url, page) for _ in range(n)]
    ids = list(labels)
    cpu0, client0, busy0, wall0 = cpu_seconds(pid), time.process_time(), machine_busy_seconds(), time.perf_counter()
    sampler = asyncio.create_task(_sample_peak(pid, result))

    async def first_view(s: Session) -> bool:
        try:
            result.first.append(await s.open())
            return True
        except Exception as exc:  # noqa: BLE001 - a failed session is a figure to report
            result.errors.append(f"first view: {_describe(exc)}")
            return False

    async def user(s: Session, offset: int) -> None:
        try:
            for k in range(changes):
                target = ids[(offset + k) % len(ids)]
                result.reruns.append(await s.change(target, labels[target]))
        except Exception as exc:  # noqa: BLE001
            result.errors.append(f"change: {_describe(exc)}")

    try:
        async with asyncio.timeout(limit_s):
            opened = await asyncio.gather(*(first_view(s) for s in sessions))
            await asyncio.gather(*(user(s, k) for k, (s, ok) in enumerate(zip(sessions, opened)) if ok))
            result.rss_open = rss_mb(pid)
    except TimeoutError:
        result.errors.append(f"round stopped at the {limit_s:.0f} s limit")
    finally:
        sampler.cancel()
        result.server_cpu_s = cpu_seconds(pid) - cpu0
        result.client_cpu_s = time.process_time() - client0
        result.other_cpu_s = machine_busy_seconds() - busy0 - result.server_cpu_s - result.client_cpu_s
        result.wall_s = time.perf_counter() - wall0
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return result


def print_table(rounds: list[Round]) -> None:
    print(f"{'N':>3} {'runs':>5} {'errors':>6} {'first med':>9} {'rerun med':>9} {'p95':>6} {'max':>6} "
          f"{'RSS base':>8} {'RSS open':>8} {'RSS peak':>8} {'MB/sess':>7} {'srv CPU':>7} {'cli CPU':>7} "
          f"{'oth CPU':>7} {'wall':>5}")
    for r in rounds:
        first, rerun = summary(r.first), summary(r.reruns)
        growth = (r.rss_open - r.rss_before) / r.n
        print(f"{r.n:>3} {rerun['n']:>5} {len(r.errors):>6} {first['median']:>9.3f} {rerun['median']:>9.3f} "
              f"{rerun['p95']:>6.3f} {rerun['max']:>6.3f} {r.rss_before:>8.0f} {r.rss_open:>8.0f} "
              f"{r.rss_peak:>8.0f} {growth:>7.1f} {r.server_cpu_s:>7.1f} {r.client_cpu_s:>7.1f} "
              f"{r.other_cpu_s:>7.1f} {r.wall_s:>5.0f}")
    for r in rounds:
        for error in sorted(set(r.errors))[:5]:
            print(f"  N={r.n} ! {error}  (x{r.errors.count(error)})")


def log_problems(log_text: str) -> list[str]:
    """Lines of the server log that report an error."""
    return [line for line in log_text.splitlines() if any(w in line for w in ("Traceback", "Error", "Exception"))]


async def measure(args, url: str, pid: int) -> None:
    labels = indicator_labels()
    missing = [i for i in CYCLE if i not in labels]
    if missing:
        print(f"not available at ward level, skipped: {', '.join(missing)}")
    print(f"server pid {pid}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"idle RSS {rss_mb(pid):.0f} MB")
    warm = await run_round(url, pid, args.page, 1, len(labels), labels, args.timeout)  # fills shared caches
    if warm.errors:
        raise SystemExit(f"warm-up session failed: {warm.errors[0]}")
    print(f"warm-up: first view {warm.first[0]:.2f} s, {len(warm.reruns)} indicators, RSS {rss_mb(pid):.0f} MB")
    print("Measured on the server side: first view = connect + first run; rerun = from sending the indicator "
          "change to script_finished (new indicator in the URL); no rendering. Times in s, memory (VmRSS) in MB; "
          "MB/sess = (RSS open - RSS base) / N; srv/cli/oth CPU = CPU seconds used in the round by the server, "
          "this client and all other processes.")
    rounds = []
    for n in args.sessions:
        rounds.append(await run_round(url, pid, args.page, n, args.changes, labels, args.timeout))
        r = rounds[-1]
        print(f"  N={n}: {len(r.reruns)} reruns, {len(r.errors)} errors, {r.wall_s:.0f} s", flush=True)
    print_table(rounds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0, help="time limit per round, seconds")
    parser.add_argument("--page", default="explorer", help="URL path of a page with the indicator picker")
    args = parser.parse_args(argv)
    if max(args.sessions) > MAX_SESSIONS or min(args.sessions) < 1:
        raise SystemExit(f"sessions must be 1 to {MAX_SESSIONS}")
    log_path = Path(tempfile.mkstemp(prefix="ws_load_", suffix=".log")[1])
    try:
        with streamlit_server(log_path) as local:
            asyncio.run(measure(args, local.url, local.pid))
    except ServerStartError as exc:
        raise SystemExit(f"server did not start: {exc}") from None
    problems = log_problems(log_path.read_text(errors="replace"))
    print(f"server log {log_path}: {len(problems)} error lines" + "".join(f"\n  {p[:160]}" for p in problems[:5]))


if __name__ == "__main__":
    main()
