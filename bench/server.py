"""Run the app on a free loopback port for browser tests and benchmarks; always stopped afterwards."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy.run import ROOT, start_streamlit, stop_process


class ServerStartError(RuntimeError):
    """The server exited or did not answer its health check in time."""


@dataclass(frozen=True)
class LocalServer:
    url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid


PORTS_ENV = "BCA_PORTS"  # e.g. "9000-9099": take free ports from this range (several people share one machine)
_handed_out: set[int] = set()  # a port given but not yet listened on is not free for the next caller


def free_port() -> int:
    """A free 127.0.0.1 port: any (the OS picks) or, with $BCA_PORTS = "LOW-HIGH", the first free one in it."""
    span = os.environ.get(PORTS_ENV, "")
    low, _, high = span.partition("-")
    candidates = range(int(low), int(high) + 1) if low.isdigit() and high.isdigit() else [0]
    for port in candidates:
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            if port:
                _handed_out.add(port)
            return sock.getsockname()[1]
    raise ServerStartError(f"no free port in ${PORTS_ENV}={span}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def streamlit_server(log_path: Path | None = None, start_timeout_s: float = 90, root: Path = ROOT,
                     env: dict[str, str] | None = None) -> Iterator[LocalServer]:
    """`streamlit run server.py` (the README's command; `app.py` in an older checkout without it) on 127.0.0.1
    until the block ends (terminated, then killed if it lingers).

    `root` is the checkout to serve (another commit's worktree for before/after benches); `env` is added
    to this process's environment (e.g. BCA_PROCESSED_DIR)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = start_streamlit(port, log, root, env)
    try:
        deadline = time.monotonic() + start_timeout_s
        while not healthy(url):
            if process.poll() is not None:
                raise ServerStartError(f"streamlit exited with code {process.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                raise ServerStartError(f"streamlit did not answer /_stcore/health within {start_timeout_s:.0f} s")
            time.sleep(0.3)
        yield LocalServer(url, process)
    finally:
        stop_process(process)
        if log_path:
            log.close()
