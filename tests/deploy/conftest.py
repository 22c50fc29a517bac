"""The serving layer for real: three replicas on 127.0.0.1 behind Debian's HAProxy (deploy/run.py's
start_cluster), started once per module, and Debian chromium for a reader. Skips with a reason when haproxy
or chromium is missing (.ci/run installs them). Logs and the rendered haproxy.cfg go to
test-artifacts/deploy-cluster/."""
from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from bench.server import free_port
from deploy.run import ClusterError, start_cluster
from tests.browser.conftest import ARTIFACTS, CHROMIUM  # noqa: F401 - chromium_browser comes from tests/conftest.py

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Everything here is the serving layer (-m deploy); the tests with a reader use a real browser (-m browser)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.deploy)
            if "reader" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def cluster(processed_store):
    """Three warm replicas and the proxy (the real store is built first by the shared fixture, once)."""
    if shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        pytest.skip("haproxy is not installed: apt-get install haproxy (.ci/run does)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium for the deploy tests")
    from tests.conftest import worker_name

    log_dir = ARTIFACTS / worker_name("deploy-cluster")
    shutil.rmtree(log_dir, ignore_errors=True)
    try:
        with start_cluster(3, free_port(), replica_ports=[free_port() for _ in range(3)], log_dir=log_dir,
                           log=lambda _: None) as running:
            yield running
    except ClusterError as exc:
        pytest.fail(str(exc))


def health(url: str) -> dict:
    """A replica's (or, through the proxy, some replica's) /healthz body."""
    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
        return json.loads(response.read())


def sessions(cluster) -> dict[str, int]:
    """Open sessions per live replica, asked of each replica directly (not through the proxy)."""
    return {r.name: health(r.url)["sessions"] for r in cluster.replicas if r.alive()}


def wait_for(condition, timeout_s: float = 60, what: str = "condition"):
    """Poll until `condition()` is truthy (returned); fails the test with `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not met within {timeout_s:.0f} s")
        time.sleep(0.2)
