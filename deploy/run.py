"""N replicas of the app (one Streamlit process each) behind HAProxy on this machine, in one command.

    python -m deploy.run --replicas 3 --port 8080          # http://127.0.0.1:8080 ; Ctrl-C stops everything
    python -m deploy.run --store-only                      # build the store if needed, then exit (containers)

The store is built first if it is missing or stale (once, not by every replica). Replica k listens on
127.0.0.1:(port + k) and is named rk (its affinity cookie value). The proxy configuration is rendered from
deploy/haproxy.cfg.template into the log folder. A replica that exits is started again; if the proxy
exits, everything stops with a non-zero status. `start_cluster` is the same thing as a context manager,
for tests and benches.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from data.settings import processed_dir
from data.store import store_status
from deploy.haproxy import Replica, render
from deploy.settings import load_config
from deploy.warm import warm

ROOT = Path(__file__).resolve().parent.parent
MAX_REPLICAS = 8
START_TIMEOUT_S = 120.0
WARM_PAGES = ("", "explorer")  # the home page loads the store and the map layers; the explorer its caches


class ClusterError(RuntimeError):
    """Something did not start: the message says what, and where its log is."""


@dataclass
class ReplicaProcess:
    name: str
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else -1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    """Running replicas and the proxy in front of them; `url` is what readers open."""

    url: str
    replicas: list[ReplicaProcess]
    proxy: subprocess.Popen
    log_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def replica(self, name: str) -> ReplicaProcess:
        return next(r for r in self.replicas if r.name == name)

    def kill(self, name: str) -> None:
        """Stop a replica abruptly (SIGKILL), as a crash would."""
        replica = self.replica(name)
        if replica.alive():
            replica.process.kill()
            replica.process.wait(timeout=10)

    def restart_exited(self) -> list[str]:
        """Start again every replica whose process ended; their names."""
        restarted = []
        for replica in self.replicas:
            if replica.process is not None and not replica.alive():
                replica.restarts += 1
                _spawn(replica, self.env)
                restarted.append(replica.name)
        if restarted:  # warmed once it answers, in the background of the proxy's own health checks
            health = load_config().health.path
            ready = [r.url for r in self.replicas if r.name in restarted]
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline and not all(http_status(u + health) == 200 for u in ready):
                time.sleep(0.5)
            warm(ready, WARM_PAGES)
        return restarted


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """HTTP status of a GET (None when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_until(condition, timeout_s: float, what: str, interval_s: float = 0.2, check=None) -> None:
    """Poll `condition` until it is true; `check` may raise early (a process that died)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if check is not None:
            check()
        if time.monotonic() > deadline:
            raise ClusterError(f"{what} within {timeout_s:.0f} s")
        time.sleep(interval_s)


def ensure_store(log=print) -> None:
    """Build the processed store once, before any replica starts, if it is missing, stale or incomplete."""
    status = store_status(processed_dir())
    if status.state == "ok":
        return
    log(f"Building the data store first ({status.state}); this takes about 20 s.")
    result = subprocess.run([sys.executable, "-m", "data.build"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise ClusterError("the data store could not be built: " + (result.stderr.strip().splitlines() or ["?"])[-1])


def start_streamlit(port: int, log, root: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`streamlit run server.py` (`app.py` in an older checkout without it), headless on 127.0.0.1:``port``, output
    to ``log``: the one way the replicas, the benches and the browser tests start the app. ``root`` is the checkout
    to serve; ``env`` is added to this process's environment."""
    script = "server.py" if (root / "server.py").is_file() else "app.py"
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})


def _spawn(replica: ReplicaProcess, env: dict[str, str]) -> None:
    log = open(replica.log_path, "ab")
    try:
        replica.process = start_streamlit(replica.port, log, env={load_config().replicas.name_env: replica.name, **env})
    finally:
        log.close()  # the child holds its own descriptor


def stop_process(process: subprocess.Popen | None) -> None:
    """Terminate a child, then kill it if it lingers (15 s)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def start_cluster(replicas: int = 3, port: int = 8080, *, replica_ports: list[int] | None = None,
                  bind_host: str = "127.0.0.1", log_dir: Path | None = None, env: dict[str, str] | None = None,
                  timeout_s: float = START_TIMEOUT_S, warm_pages: tuple[str, ...] = WARM_PAGES,
                  log=print) -> Iterator[Cluster]:
    """Start `replicas` app processes and HAProxy on `port`; everything is stopped when the block ends.

    Each replica opens `warm_pages` once before the proxy starts, all replicas at once: the cold start
    (store, page modules, shared caches) is paid here, not by the first reader or a failed-over one."""
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ClusterError(f"--replicas must be 1 to {MAX_REPLICAS}")
    haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if haproxy is None:
        raise ClusterError("haproxy is not installed (Debian: apt-get install haproxy)")
    ports = replica_ports or [port + k for k in range(1, replicas + 1)]
    if len(ports) != replicas:
        raise ClusterError("one port per replica is needed")
    busy = [p for p in [port, *ports] if not port_is_free(p, bind_host if p == port else "127.0.0.1")]
    if busy:
        raise ClusterError(f"port {busy[0]} is already in use; choose another --port")
    ensure_store(log)
    with ExitStack() as stack:
        if log_dir is None:
            log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bca-cluster-")))
        log_dir.mkdir(parents=True, exist_ok=True)
        members = [ReplicaProcess(f"r{k}", p, log_dir / f"r{k}.log") for k, p in enumerate(ports, start=1)]
        health = load_config().health.path
        proxy = None
        try:
            for member in members:
                _spawn(member, env or {})

            def any_died() -> None:
                for member in members:
                    if not member.alive():
                        raise ClusterError(f"replica {member.name} exited with code {member.process.returncode}: "
                                           f"{_tail(member.log_path)} (log {member.log_path})")

            wait_until(lambda: all(http_status(m.url + health) == 200 for m in members), timeout_s,
                       "the replicas did not all answer their health check", check=any_died)
            for problem in warm([m.url for m in members], warm_pages):
                log(f"warning: a replica could not be warmed ({problem}); it still serves")
            config_path = log_dir / "haproxy.cfg"
            config_path.write_text(render([Replica(m.name, f"127.0.0.1:{m.port}") for m in members],
                                          f"{bind_host}:{port}"), encoding="utf-8")
            checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config_path)], capture_output=True, text=True)
            if checked.returncode != 0:
                raise ClusterError(f"haproxy refused {config_path}: {checked.stderr.strip()[:300]}")
            proxy_log = open(log_dir / "haproxy.log", "ab")
            proxy = subprocess.Popen([haproxy, "-db", "-f", str(config_path)], stdout=proxy_log,
                                     stderr=subprocess.STDOUT)
            proxy_log.close()
            url = f"http://{'127.0.0.1' if bind_host in ('0.0.0.0', '') else bind_host}:{port}"

            def proxy_died() -> None:
                if proxy.poll() is not None:
                    raise ClusterError(f"haproxy exited: {_tail(log_dir / 'haproxy.log')}")

            wait_until(lambda: http_status(url + health) == 200, timeout_s, "the proxy did not answer",
                       check=proxy_died)
            yield Cluster(url, members, proxy, log_dir, dict(env or {}))
        finally:
            stop_process(proxy)
            for member in members:
                stop_process(member.process)


def _interrupt(signum, frame) -> None:
    """SIGTERM (a service manager stopping us) ends the run as Ctrl-C does: replicas and proxy stopped."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3, help=f"app processes, 1 to {MAX_REPLICAS} (default 3)")
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port; replicas use the next ones")
    parser.add_argument("--host", default="127.0.0.1", help="address the proxy listens on (0.0.0.0: all)")
    parser.add_argument("--log-dir", type=Path, help="logs and the rendered haproxy.cfg (default: a temporary folder)")
    parser.add_argument("--store-only", action="store_true",
                        help="build the data store if it is missing or stale, then exit (the compose file's first step)")
    args = parser.parse_args(argv)
    if args.store_only:
        try:
            ensure_store()
        except ClusterError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"data store: {store_status(processed_dir()).state}")
        return 0
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be 1 to {MAX_REPLICAS}")
    if not 1024 <= args.port <= 65535 - MAX_REPLICAS:
        parser.error("--port must be 1024 to 65527")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with start_cluster(args.replicas, args.port, bind_host=args.host, log_dir=args.log_dir) as cluster:
            names = ", ".join(f"{r.name} {r.url}" for r in cluster.replicas)
            print(f"Best City Atlas: {cluster.url}  ({len(cluster.replicas)} replicas: {names}; logs in "
                  f"{cluster.log_dir}). Ctrl-C stops everything.", flush=True)
            while True:
                time.sleep(1.0)
                if cluster.proxy.poll() is not None:
                    print("error: haproxy stopped; stopping the replicas", file=sys.stderr)
                    return 1
                for name in cluster.restart_exited():
                    print(f"replica {name} had stopped; started it again", flush=True)
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", flush=True)
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
