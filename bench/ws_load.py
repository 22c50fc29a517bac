"""Server load test: N concurrent Streamlit sessions over websockets change one page's widget; prints figures.

    python bench/ws_load.py [--sessions 1 10 25] [--changes 5] [--timeout 600] [--page explorer]
    python bench/ws_load.py --url http://127.0.0.1:8080 --pid 101 102 103 --sessions 75   # a running proxy

This module is also the protocol layer of bench/pages.py (every page, before/after ratios, profiles).

Starts its own `streamlit run server.py` on a free 127.0.0.1 port (log in a temporary file), or with `--url`
uses a server or proxy already running on 127.0.0.1 (`--pid` names the processes whose memory and CPU to
report: the replicas behind a proxy, summed; bench/replicas.py does this for python -m deploy.run), and speaks
Streamlit's own protocol to it, as the browser does, without a browser: each session is one websocket on
/_stcore/stream sending BackMsg protobufs and reading ForwardMsg protobufs. Nothing is rendered, so the
figures are the server's alone (the load generator shares the CPUs; its CPU time is printed too).

What a session does is a scenario of bench/scenarios.yaml (`--page` names one; the default is the map
explorer's indicator picker at ward level): open the page's URL with its first query ("first view": connect,
run, until script_finished), then change the scenario's widget `--changes` times, cycling through its
options. A change is one WidgetState with the option's text (a list of texts for a multiselect) and, when
the widget sits in an st.fragment, that fragment's id, as the frontend sends them. All sessions change at
once, each waiting for its own run to end before the next change, with no pause. A warm-up session visits
every option once before the rounds, so no round pays for cold shared caches.
Rerun time = from sending the change to `script_finished`. Bytes = every websocket frame received from
sending the change to `script_finished`.
A rerun counts only if it finished successfully, showed no exception, stayed on the page and, when the
scenario names a URL parameter, changed it; anything else, a timeout or a closed socket is an error.
The client keeps the messages Streamlit marks cacheable and sends their hashes back with each rerun, so the
server replaces repeated large elements by references, and it expires them exactly as the 1.67 frontend
does (frontend/connection/src/ForwardMessageCache.ts): after each successful run (or fragment run) that
carries a run identity, entries not used for more than `maxCachedMessageAge` runs (2, sent in new_session)
are dropped, a fragment run only ageing its own fragments' entries. Keeping every hash forever would
under-count the bytes a browser receives.
Memory = the server's VmRSS (summed over `--pid` processes; per process in `Round.rss_open_each`): before the round, with the N sessions open after their changes, and the peak
(sampled every 0.1 s). CPU seconds per round are printed for the server, this client and all other
processes (noise: the machine has 2 cores; with other work running the times are not comparable).
Bounded: at most 40 sessions on one server (100 through --url, e.g. several replicas), a time limit per run and per round, 127.0.0.1 only. Asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.load import MAX_SESSIONS, percentile, rss_mb  # noqa: E402
from bench.scenarios import MULTI_KINDS, SINGLE_KINDS, Scenario, ScenarioError, load_scenarios, next_value  # noqa: E402
from bench.server import ServerStartError, streamlit_server  # noqa: E402

RUN_TIMEOUT_S = float(os.environ.get("BCA_BENCH_RUN_TIMEOUT_S", "120"))   # per run; raise it on a loaded machine
MAX_URL_SESSIONS = 100  # with --url: a proxy in front of several replicas
MAX_MESSAGE_BYTES = 128 * 2**20
# Offer permessage-deflate as every browser does; the server uses it only if server.enableWebsocketCompression
# is on. BCA_BENCH_COMPRESSION=0 makes the client refuse it (to measure the uncompressed wire).
COMPRESSION = os.environ.get("BCA_BENCH_COMPRESSION", "1") != "0"
DEFAULT_MAX_MESSAGE_AGE = 2  # global.maxCachedMessageAge; the server sends its own value in new_session
SETTLED_STATUSES = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# Widgets a scenario can change, with the WidgetState field the frontend fills (Streamlit 1.67 serdes).
WIDGET_KINDS = {k: "string_value" for k in SINGLE_KINDS} | {k: "string_array_value" for k in MULTI_KINDS} \
    | {"button": "trigger_value"}


# ---- pure helpers ---------------------------------------------------------------------------------------

def summary(times: list[float]) -> dict[str, float]:
    """Count, median, p95 (nearest rank, as bench/load.py) and max of a list of numbers (NaN when empty)."""
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
                  value: str | tuple[str, ...] = "", kind: str = "selectbox", cached: tuple[str, ...] = (),
                  fragment_id: str = "") -> bytes:
    """A serialized BackMsg.rerun_script: the first run names the page by URL path, later ones by hash.

    A changed widget is sent as one WidgetState holding the option's text (selectbox, radio) or the list of
    texts (multiselect, segmented control), as the 1.67 serdes read them; widgets not sent keep their
    previous values on the server. A widget drawn inside an ``st.fragment`` is sent with that fragment's
    id, as the browser does, so only the fragment reruns.
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
        texts = (value,) if isinstance(value, str) else tuple(value)
        if WIDGET_KINDS[kind] == "trigger_value":
            widget.trigger_value = True                  # a press, as the browser sends it
        elif WIDGET_KINDS[kind] == "string_value":
            if len(texts) != 1:
                raise ValueError(f"a {kind} takes one option, not {len(texts)}")
            widget.string_value = texts[0]
        else:
            widget.string_array_value.data.extend(texts)
    state.cached_message_hashes.extend(cached)
    return msg.SerializeToString()


@dataclass(frozen=True)
class Widget:
    """A widget as the page drew it: what a change needs (id, fragment) and what it offers."""

    kind: str
    id: str
    label: str
    options: tuple[str, ...]
    value: tuple[str, ...] | None  # the value the server sends (set, or the default); None = unknown
    fragment: str = ""
    forced: bool = False  # set by the script (session state): the browser shows it instead of its own


@dataclass(frozen=True)
class Event:
    """What a ForwardMsg means to the load test.

    kind: finished (value = status name; run = the fragment ids of the run, None without run identity),
    exception (message), query (new query string), page (page hash of a navigation message), widget,
    new_session (value = the cache's max message age), not_found, ref (value = hash of a cached message),
    other. element: the element type of a delta, for the byte breakdown.
    """

    kind: str
    value: str = ""
    hash: str = ""  # set when the message is cacheable: the client remembers it, like the browser
    fragment: str = ""
    element: str = ""
    widget: Widget | None = None
    run: tuple[str, ...] | None = None


def _widget(kind: str, element, fragment: str) -> Widget:
    if kind == "button":                                 # one "option" (its label); a press never shows as set
        return Widget(kind, element.id, element.label, (element.label,), None, fragment)
    if kind == "button_group":
        options = tuple(o.content for o in element.options)
    else:
        options = tuple(element.options)
    forced = element.set_value
    if kind in ("selectbox", "radio"):
        if forced:
            value = (element.raw_value,) if element.HasField("raw_value") else ()
        elif element.HasField("default") and 0 <= element.default < len(options):
            value = (options[element.default],)
        else:
            value = None
    elif forced:
        value = tuple(element.raw_values)
    else:
        value = tuple(options[i] for i in element.default if 0 <= i < len(options))
    return Widget(kind, element.id, element.label, options, value, fragment, forced)


def parse_forward_msg(data: bytes) -> Event:
    msg = ForwardMsg()
    msg.ParseFromString(data)
    kind = msg.WhichOneof("type")
    cached = msg.hash if msg.metadata.cacheable else ""
    if kind == "script_finished":
        run = tuple(msg.metadata.run.fragment_ids) if msg.metadata.HasField("run") else None
        return Event("finished", ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished), run=run)
    if kind == "new_session":
        return Event("new_session", str(msg.new_session.config.max_cached_message_age))
    if kind == "page_info_changed":
        return Event("query", msg.page_info_changed.query_string)
    if kind == "navigation":
        return Event("page", msg.navigation.page_script_hash)
    if kind == "page_not_found":
        return Event("not_found", msg.page_not_found.page_name)
    if kind == "ref_hash":
        return Event("ref", msg.ref_hash, element="ref")
    if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
        return Event("exception", msg.session_event.script_compilation_exception.message)
    if kind == "delta":
        fragment = msg.delta.fragment_id
        delta_type = msg.delta.WhichOneof("type")
        if delta_type != "new_element":
            return Event("other", hash=cached, fragment=fragment, element=delta_type or "")
        element = msg.delta.new_element
        element_type = element.WhichOneof("type") or ""
        if element_type == "exception":
            return Event("exception", f"{element.exception.type}: {element.exception.message}"[:200], hash=cached,
                         fragment=fragment, element=element_type)
        if element_type in WIDGET_KINDS:
            return Event("widget", hash=cached, fragment=fragment, element=element_type,
                         widget=_widget(element_type, getattr(element, element_type), fragment))
        return Event("other", hash=cached, fragment=fragment, element=element_type)
    return Event("other", hash=cached, element=kind or "")


def query_param(query_string: str, name: str) -> str | None:
    values = parse_qs(query_string).get(name)
    return values[0] if values else None


def indicator_in_query(query_string: str) -> str | None:
    return query_param(query_string, "indicator")


T = TypeVar("T")


class MessageCache(Generic[T]):
    """The browser's ForwardMsg cache (Streamlit 1.67 frontend, ForwardMessageCache.ts), with its expiry.

    Each entry remembers the run count when it was last received or referenced, and the fragment its delta
    was drawn in. After a successful run, `finish_run` advances the count and drops the entries older than
    `max_age` runs; a fragment run ages only the entries of its own fragments (as the frontend does).
    """

    def __init__(self) -> None:
        self.run_count = 0
        self._entries: dict[str, tuple[int, str, T]] = {}  # hash -> (run count at last use, fragment, payload)

    def hashes(self) -> tuple[str, ...]:
        """What the browser sends back with a rerun: every hash it still holds."""
        return tuple(self._entries)

    def receive(self, hash_: str, payload: T, fragment: str = "") -> None:
        """A cacheable message arrived in full: stored, or its age reset if it was already held."""
        if hash_ in self._entries:
            _, fragment0, payload0 = self._entries[hash_]
            self._entries[hash_] = (self.run_count, fragment0, payload0)
        else:
            self._entries[hash_] = (self.run_count, fragment, payload)

    def reference(self, hash_: str) -> T | None:
        """A reference arrived: the held payload (its age reset), or None for a miss (a bug in the browser)."""
        entry = self._entries.get(hash_)
        if entry is None:
            return None
        self._entries[hash_] = (self.run_count, entry[1], entry[2])
        return entry[2]

    def finish_run(self, max_age: int, fragment_ids: tuple[str, ...] = ()) -> None:
        """A run ended successfully: count it and expire what was not used for more than `max_age` runs."""
        self.run_count += 1
        for hash_, (used, fragment, _) in list(self._entries.items()):
            if fragment_ids and (not fragment or fragment not in fragment_ids):
                continue
            if self.run_count - used > max_age:
                del self._entries[hash_]


@dataclass
class RunFigures:
    """What one run cost the client: seconds, bytes received and bytes per element type."""

    seconds: float = 0.0
    bytes: int = 0       # message bytes (after decompression): what the browser parses
    wire: int = 0        # bytes on the socket, frames included: what the network carries (compressed if agreed)
    by_element: Counter = field(default_factory=Counter)
    fragment_run: bool = False


# ---- the async driver -----------------------------------------------------------------------------------

class RunError(Exception):
    """A run that did not do what was asked: the message is the figure to report."""


class Session:
    """One simulated browser tab: a websocket and what the frontend would remember between runs."""

    def __init__(self, url: str, scenario: Scenario) -> None:
        self.url, self.scenario = url, scenario
        self.ws = None
        self.query = scenario.query
        self.page_hash = ""
        self.widget: Widget | None = None
        self.value: tuple[str, ...] | None = None  # what this tab's widget shows now
        self.max_age = DEFAULT_MAX_MESSAGE_AGE
        self.cache: MessageCache[Event] = MessageCache()
        self.wire = 0             # bytes received on the socket so far
        self.compressed = False   # permessage-deflate agreed with the server

    async def open(self) -> RunFigures:
        """Connect and run the page as a new tab would; the figures run until script_finished."""
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        self.ws = await connect(stream_url(self.url), subprotocols=["streamlit"], proxy=None,
                                compression="deflate" if COMPRESSION else None, max_size=MAX_MESSAGE_BYTES,
                                ping_interval=None, open_timeout=RUN_TIMEOUT_S)
        self.compressed = any(e.name == "permessage-deflate" for e in self.ws.protocol.extensions)
        count = self.ws.protocol.receive_data

        def counted(data: bytes) -> None:  # every byte the socket delivers, before frames are decoded
            self.wire += len(data)
            count(data)
        self.ws.protocol.receive_data = counted
        figures = await self._run(rerun_message(self.query, page_name=self.scenario.page))
        figures.seconds = time.perf_counter() - started
        if self.widget is None:
            raise RunError(f"no {self.scenario.kind} '{self.scenario.label}' on page '{self.scenario.page}'")
        return figures

    async def change(self, position: int) -> tuple[RunFigures, int]:
        """Choose the cycle's option at `position` (or the next, if it is already shown); returns the figures
        and the position after the one used."""
        value, position = next_value(self.scenario.cycle, position, self.value)
        widget = self.widget
        missing = [v for v in value if v not in widget.options]
        if missing:
            raise RunError(f"'{missing[0]}' is not an option of '{widget.label}' (offered: "
                           f"{', '.join(widget.options[:4])}{'...' if len(widget.options) > 4 else ''})")
        param = self.scenario.url_param
        before = query_param(self.query, param) if param else None
        started = time.perf_counter()
        figures = await self._run(rerun_message(self.query, page_hash=self.page_hash, widget_id=widget.id,
                                                value=value, kind=widget.kind, cached=self.cache.hashes(),
                                                fragment_id=widget.fragment))
        figures.seconds = time.perf_counter() - started
        self.value = None if widget.kind == "button" else value
        if param and query_param(self.query, param) == before:
            raise RunError(f"URL parameter '{param}' still {before!r} after choosing {value}")
        return figures, position

    def _remember(self, widget: Widget, seen: set[str]) -> None:
        if widget.kind != self.scenario.kind or widget.label != self.scenario.label:
            return
        seen.add(widget.id)
        if len(seen) > 1:
            raise RunError(f"two {widget.kind}es labelled '{widget.label}' on the page: name it better in "
                           "bench/scenarios.yaml")
        self.widget = widget
        if self.value is None or widget.forced:  # the browser keeps its own value unless the script sets one
            self.value = widget.value

    async def _run(self, payload: bytes) -> RunFigures:
        page_before, figures, seen = self.page_hash, RunFigures(), set()
        wire0 = self.wire
        async with asyncio.timeout(RUN_TIMEOUT_S):
            await self.ws.send(payload)
            while True:
                data = await self.ws.recv()
                event = parse_forward_msg(data)
                figures.bytes += len(data)
                figures.by_element[event.element or event.kind] += len(data)
                if event.hash:
                    self.cache.receive(event.hash, event, event.fragment)
                if event.kind == "ref":
                    held = self.cache.reference(event.value)
                    if held is None:
                        raise RunError(f"cached message {event.value} was referenced after it expired")
                    event = held
                if event.kind == "exception":
                    raise RunError(f"exception shown: {event.value}")
                if event.kind == "not_found":
                    raise RunError(f"page not found: {event.value or self.scenario.page}")
                if event.kind == "new_session":
                    self.max_age = int(event.value)
                elif event.kind == "page":
                    if page_before and event.value != page_before:
                        raise RunError("the rerun landed on another page")
                    self.page_hash = event.value
                elif event.kind == "widget":
                    self._remember(event.widget, seen)
                elif event.kind == "query":
                    self.query = event.value
                elif event.kind == "finished":
                    if event.value == "FINISHED_EARLY_FOR_RERUN":
                        continue  # the app called st.rerun(); the next run ends the interaction
                    if ForwardMsg.ScriptFinishedStatus.Value(event.value) not in SETTLED_STATUSES:
                        raise RunError(f"script finished with {event.value}")
                    if event.run is not None:
                        self.cache.finish_run(self.max_age, event.run)
                    figures.fragment_run = bool(event.run)
                    break
        figures.wire = self.wire - wire0
        return figures

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no script_finished within {RUN_TIMEOUT_S:.0f} s"
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return text if isinstance(exc, RunError) else f"{exc.__class__.__name__}: {text}"


@dataclass
class Round:
    n: int
    first: list[float] = field(default_factory=list)
    first_bytes: list[int] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    rerun_bytes: list[int] = field(default_factory=list)
    first_wire: list[int] = field(default_factory=list)
    rerun_wire: list[int] = field(default_factory=list)
    compressed: int = 0  # sessions that agreed permessage-deflate with the server
    by_element: Counter = field(default_factory=Counter)  # bytes per element type over all changes
    fragment_runs: int = 0
    errors: list[str] = field(default_factory=list)
    rss_before: float = float("nan")
    rss_open: float = float("nan")
    rss_peak: float = float("nan")
    rss_open_each: dict[int, float] = field(default_factory=dict)  # pid -> VmRSS MB with the sessions open
    server_cpu_s: float = 0.0
    change_cpu_s: float = 0.0  # server CPU while the sessions were changing (first views excluded)
    client_cpu_s: float = 0.0
    other_cpu_s: float = 0.0  # every other process on the machine: noise when it is more than a few seconds
    wall_s: float = 0.0


def _pids(pid: int | tuple[int, ...]) -> tuple[int, ...]:
    return (pid,) if isinstance(pid, int) else tuple(pid)


def cpu_seconds(pid: int | tuple[int, ...]) -> float:
    """User + system CPU time of a process (all its threads), or summed over several, from /proc (Linux)."""
    total = 0.0
    for one in _pids(pid):
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def group_rss_mb(pid: int | tuple[int, ...]) -> float:
    """VmRSS of a process, or summed over several (NaN when none is named)."""
    pids = _pids(pid)
    return sum(rss_mb(one) for one in pids) if pids else float("nan")


def machine_busy_seconds() -> float:
    """CPU time spent by all processes on all CPUs since boot (user, nice, system, irq, softirq, steal)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks[:3]) + sum(ticks[5:8])) / os.sysconf("SC_CLK_TCK")


async def _sample_peak(pid: int | tuple[int, ...], result: Round) -> None:
    while True:
        result.rss_peak = max(result.rss_peak, group_rss_mb(pid))
        await asyncio.sleep(0.1)


async def run_round(url: str, pid: int | tuple[int, ...], scenario: Scenario, n: int, changes: int,
                    limit_s: float) -> Round:
    """N sessions open together, then all change the scenario's widget together; closed at the end.

    `pid` is the server, or the replicas behind a proxy at `url` (memory and CPU summed). Session k starts at position k of the option cycle, so the sessions do not all ask for the same view."""
    baseline = group_rss_mb(pid)
    result = Round(n, rss_before=baseline, rss_peak=baseline)
    sessions = [Session(url, scenario) for _ in range(n)]
    cpu0, client0, busy0, wall0 = cpu_seconds(pid), time.process_time(), machine_busy_seconds(), time.perf_counter()
    sampler = asyncio.create_task(_sample_peak(pid, result))

    async def first_view(s: Session) -> bool:
        try:
            figures = await s.open()
            result.first.append(figures.seconds)
            result.first_bytes.append(figures.bytes)
            result.first_wire.append(figures.wire)
            result.compressed += s.compressed
            return True
        except Exception as exc:  # noqa: BLE001 - a failed session is a figure to report
            result.errors.append(f"first view: {_describe(exc)}")
            return False

    async def user(s: Session, offset: int) -> None:
        position = offset
        try:
            for _ in range(changes):
                figures, position = await s.change(position)
                result.reruns.append(figures.seconds)
                result.rerun_bytes.append(figures.bytes)
                result.rerun_wire.append(figures.wire)
                result.by_element.update(figures.by_element)
                result.fragment_runs += figures.fragment_run
        except Exception as exc:  # noqa: BLE001
            result.errors.append(f"change: {_describe(exc)}")

    change_cpu0 = None
    try:
        async with asyncio.timeout(limit_s):
            opened = await asyncio.gather(*(first_view(s) for s in sessions))
            change_cpu0 = cpu_seconds(pid)
            await asyncio.gather(*(user(s, k) for k, (s, ok) in enumerate(zip(sessions, opened)) if ok))
            result.rss_open_each = {one: rss_mb(one) for one in _pids(pid)}
            result.rss_open = group_rss_mb(pid)
    except TimeoutError:
        result.errors.append(f"round stopped at the {limit_s:.0f} s limit")
    finally:
        sampler.cancel()
        cpu1 = cpu_seconds(pid)
        result.server_cpu_s = cpu1 - cpu0
        result.change_cpu_s = cpu1 - change_cpu0 if change_cpu0 is not None else float("nan")
        result.client_cpu_s = time.process_time() - client0
        result.other_cpu_s = machine_busy_seconds() - busy0 - result.server_cpu_s - result.client_cpu_s
        result.wall_s = time.perf_counter() - wall0
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return result


async def warm_up(url: str, pid: int | tuple[int, ...], scenario: Scenario, limit_s: float) -> Round:
    """One session visits every option of the cycle once, so the measured rounds find warm shared caches."""
    warm = await run_round(url, pid, scenario, 1, len(scenario.cycle), limit_s)
    if warm.errors:
        raise RunError(f"warm-up of '{scenario.name}' failed: {warm.errors[0]}")
    return warm


def print_table(rounds: list[Round]) -> None:
    print(f"{'N':>3} {'runs':>5} {'errors':>6} {'first med':>9} {'rerun med':>9} {'p95':>6} {'max':>6} "
          f"{'KB/chg':>6} {'wire':>6} {'RSS base':>8} {'RSS open':>8} {'RSS peak':>8} {'MB/sess':>7} {'srv CPU':>7} "
          f"{'cli CPU':>7} {'oth CPU':>7} {'wall':>5}")
    for r in rounds:
        first, rerun, sent = summary(r.first), summary(r.reruns), summary(r.rerun_bytes)
        growth = (r.rss_open - r.rss_before) / r.n
        print(f"{r.n:>3} {rerun['n']:>5} {len(r.errors):>6} {first['median']:>9.3f} {rerun['median']:>9.3f} "
              f"{rerun['p95']:>6.3f} {rerun['max']:>6.3f} {sent['median'] / 1024:>6.0f} {summary(r.rerun_wire)['median'] / 1024:>6.1f} {r.rss_before:>8.0f} "
              f"{r.rss_open:>8.0f} {r.rss_peak:>8.0f} {growth:>7.1f} {r.server_cpu_s:>7.1f} "
              f"{r.client_cpu_s:>7.1f} {r.other_cpu_s:>7.1f} {r.wall_s:>5.0f}")
    for r in rounds:
        for error in sorted(set(r.errors))[:5]:
            print(f"  N={r.n} ! {error}  (x{r.errors.count(error)})")


def log_problems(log_text: str) -> list[str]:
    """Lines of the server log that report an error."""
    return [line for line in log_text.splitlines() if any(w in line for w in ("Traceback", "Error", "Exception"))]


async def measure(args, scenario: Scenario, url: str, pid: int | tuple[int, ...]) -> None:
    print(f"server pid {pid}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"idle RSS {group_rss_mb(pid):.0f} MB; scenario {scenario.name}: {scenario.describe()}")
    warm = await warm_up(url, pid, scenario, args.timeout)
    print(f"warm-up: first view {warm.first[0]:.2f} s, {len(warm.reruns)} changes, RSS {group_rss_mb(pid):.0f} MB")
    print("Measured on the server side: first view = connect + first run; rerun = from sending the change to "
          "script_finished; no rendering. Times in s, memory (VmRSS) in MB; KB/chg = median websocket KB "
          "received per change (browser cache rules); MB/sess = (RSS open - RSS base) / N; srv/cli/oth CPU = "
          "CPU seconds used in the round by the server, this client and all other processes.")
    rounds = []
    for n in args.sessions:
        rounds.append(await run_round(url, pid, scenario, n, args.changes, args.timeout))
        r = rounds[-1]
        print(f"  N={n}: {len(r.reruns)} reruns, {len(r.errors)} errors, {r.wall_s:.0f} s", flush=True)
    print_table(rounds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=600.0, help="time limit per round, seconds")
    parser.add_argument("--page", default="explorer", help="a scenario name of bench/scenarios.yaml")
    parser.add_argument("--url", help="a server or proxy already running on 127.0.0.1 (none is started)")
    parser.add_argument("--pid", type=int, nargs="*", default=[],
                        help="with --url: the server processes (replicas) whose memory and CPU to report")
    args = parser.parse_args(argv)
    limit = MAX_URL_SESSIONS if args.url else MAX_SESSIONS
    if max(args.sessions) > limit or min(args.sessions) < 1:
        raise SystemExit(f"sessions must be 1 to {limit}")
    if args.url:
        try:
            stream_url(args.url)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        if not args.pid:
            raise SystemExit("--url needs --pid: the server processes to measure (e.g. each replica's)")
    try:
        scenario = load_scenarios()[args.page]
    except ScenarioError as exc:
        raise SystemExit(str(exc)) from None
    except KeyError:
        raise SystemExit(f"no scenario '{args.page}' in bench/scenarios.yaml") from None
    if args.url:
        try:
            asyncio.run(measure(args, scenario, args.url, tuple(args.pid)))
        except RunError as exc:
            raise SystemExit(str(exc)) from None
        return
    log_path = Path(tempfile.mkstemp(prefix="ws_load_", suffix=".log")[1])
    try:
        with streamlit_server(log_path) as local:
            asyncio.run(measure(args, scenario, local.url, local.pid))
    except ServerStartError as exc:
        raise SystemExit(f"server did not start: {exc}") from None
    except RunError as exc:
        raise SystemExit(str(exc)) from None
    problems = log_problems(log_path.read_text(errors="replace"))
    print(f"server log {log_path}: {len(problems)} error lines" + "".join(f"\n  {p[:160]}" for p in problems[:5]))


if __name__ == "__main__":
    main()
