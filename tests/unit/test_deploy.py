"""The serving layer (deploy/, server.py's pieces): its YAML, the security headers, the proxy configuration,
the reconnect notice and the fault sentence. The real proxy and replicas are exercised in tests/deploy."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from components.errors import fault_sentence, new_reference, public_text
from components.reconnect import MOVED_SENTENCE, previous_session_id
from deploy.asgi import SecurityHeaders
from deploy.haproxy import Replica, main as haproxy_main, render
from deploy.settings import DeployConfigError, load_config, parse_config
from tests.unit.test_ws_load import run_alone

ROOT = Path(__file__).resolve().parents[2]
CONFIG_TEXT = (ROOT / "deploy" / "config.yaml").read_text()


# ---- deploy/config.yaml ---------------------------------------------------------------------------------

def test_the_shipped_config_asks_for_the_headers_a_public_page_needs():
    headers = {k.lower(): v for k, v in load_config().security_headers.items()}
    assert headers["x-frame-options"] in ("DENY", "SAMEORIGIN")
    assert "frame-ancestors" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert load_config().health.path == "/healthz"


@pytest.mark.parametrize("change, field", [
    (("X-Frame-Options: SAMEORIGIN", "X Frame: SAMEORIGIN"), "security_headers"),
    (("path: /healthz", "path: /_stcore/healthz"), "health.path"),
    (("tunnel_timeout: 1h", "tunnel_timeout: an hour"), "replicas.tunnel_timeout"),
    (("cookie: bca_replica", "cookie: bca replica"), "replicas.cookie"),
    (("health_check_rise: 2", "health_check_rise: 2\n  extra: 1"), "replicas.extra"),
])
def test_a_wrong_value_is_refused_naming_its_field(change, field):
    with pytest.raises(DeployConfigError, match=re.escape(field)):
        parse_config(CONFIG_TEXT.replace(*change))


def test_text_that_is_not_yaml_is_refused_in_a_sentence():
    with pytest.raises(DeployConfigError, match="not valid YAML"):
        parse_config("security_headers: [unclosed")


# ---- the security-headers middleware ---------------------------------------------------------------------

async def _call(app, scope):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def _inner_app(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html"), (b"X-Frame-Options", b"ALLOWALL")]})
        await send({"type": "http.response.body", "body": b"<p>hi</p>"})
    else:
        await send({"type": "websocket.accept"})


def test_every_http_response_gets_the_configured_headers_once_and_the_body_is_untouched():
    app = SecurityHeaders(_inner_app, headers={"X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff"})
    start, body = run_alone(_call(app, {"type": "http", "path": "/"}))
    headers = start["headers"]
    assert [v for k, v in headers if k == b"x-frame-options"] == [b"SAMEORIGIN"]   # replaced, not doubled
    assert (b"x-content-type-options", b"nosniff") in headers and (b"content-type", b"text/html") in headers
    assert body == {"type": "http.response.body", "body": b"<p>hi</p>"}


def test_websockets_pass_through_unwrapped():
    app = SecurityHeaders(_inner_app, headers={"X-Frame-Options": "SAMEORIGIN"})
    assert run_alone(_call(app, {"type": "websocket", "path": "/_stcore/stream"})) == [{"type": "websocket.accept"}]


def test_server_py_serves_app_py_with_the_headers_health_route_and_fault_handler():
    namespace: dict = {}
    exec(compile((ROOT / "server.py").read_text(), "server.py", "exec"), namespace)  # noqa: S102 - our own file
    app = namespace["app"]
    assert app.script_path == Path("app.py")
    assert [r.path for r in app._user_routes] == ["/healthz", "/geo/{level:str}.geojson"]
    assert [m.cls for m in app._user_middleware] == [SecurityHeaders]
    assert app._on_script_error.__name__ == "show_fault"


# ---- error details ----------------------------------------------------------------------------------------

def test_streamlit_never_shows_error_details_to_the_public():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_the_fault_sentence_is_plain_and_carries_the_reference():
    reference = new_reference()
    assert re.fullmatch(r"[0-9a-f]{8}", reference) and reference != new_reference()
    sentence = fault_sentence(reference)
    assert reference in sentence and not re.search(r"[/\\]|Traceback|Error|\.py", sentence)


@pytest.mark.parametrize("message, shown", [
    ("The data folder /srv/atlas/data is not reachable (set BCA_DATA_DIR).", "The data folder is not reachable."),
    ("The processed store /app/data/processed has not been built yet.", "The processed store has not been built yet."),
    ("imd/imd2025.csv is missing from the data folder /srv/data.", "imd/imd2025.csv is missing from the data folder."),
    ("The data folder /tmp/x does not exist; set BCA_DATA_DIR to the folder that holds the raw data.",
     "The data folder does not exist."),
    ("Read /etc/atlas/secret.yaml first.", "Read a server folder first."),
    ("Source: https://www.ons.gov.uk/a/b, 1/2 of 100/1000 people; geo/leeds.geojson",
     "Source: https://www.ons.gov.uk/a/b, 1/2 of 100/1000 people; geo/leeds.geojson"),
])
def test_public_text_keeps_the_sentence_and_drops_server_paths_and_settings(message, shown):
    assert public_text(message) == shown


FAULTY_PAGE = """
import streamlit as st
from components.errors import show_fault
st.title("before")
try:
    open("/nonexistent/secret/path.csv")
except Exception as exc:
    st.session_state["shown"] = show_fault(exc)
"""


def test_show_fault_logs_the_detail_under_the_reference_and_shows_only_the_sentence(caplog):
    from streamlit.testing.v1 import AppTest

    with caplog.at_level(logging.ERROR, logger="bca.errors"):
        at = AppTest.from_string(FAULTY_PAGE, default_timeout=120).run()     # the 3 s default fails on a busy machine
    assert at.session_state["shown"] is True
    [shown] = [e.value for e in at.error]
    [record] = [r for r in caplog.records if r.name == "bca.errors"]
    reference = record.args[0]
    assert shown == fault_sentence(reference)
    assert "/nonexistent/secret" not in shown and "/nonexistent/secret" in str(record.exc_info[1])


# ---- the proxy configuration ------------------------------------------------------------------------------

def _replicas(n=3):
    return [Replica(f"r{k}", f"127.0.0.1:{8650 + k}") for k in range(1, n + 1)]


def test_the_proxy_keeps_sessions_on_their_replica_checks_health_and_keeps_websockets_open():
    text = render(_replicas(), "127.0.0.1:8650")
    assert "balance leastconn" in text and "option redispatch" in text
    assert re.search(r"^\s*cookie bca_replica insert\b", text, re.M)
    assert "option httpchk GET /healthz" in text and "timeout tunnel 1h" in text
    servers = re.findall(r"^\s*server (\S+) (\S+) check cookie (\S+)$", text, re.M)
    assert servers == [("r1", "127.0.0.1:8651", "r1"), ("r2", "127.0.0.1:8652", "r2"), ("r3", "127.0.0.1:8653", "r3")]
    assert "$" not in text


@pytest.mark.skipif(shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists(),
                    reason="haproxy is not installed (apt-get install haproxy)")
def test_haproxy_accepts_the_rendered_configuration(tmp_path):
    path = tmp_path / "haproxy.cfg"
    assert haproxy_main(["--bind", "127.0.0.1:8650", "--server", "r1=127.0.0.1:8651", "--server",
                         "r2=127.0.0.1:8652", "--out", str(path)]) == 0
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("replicas, bind, problem", [
    ([], "127.0.0.1:8650", "at least one"),
    ([Replica("r1", "127.0.0.1:8651"), Replica("r1", "127.0.0.1:8652")], "127.0.0.1:8650", "must differ"),
    (_replicas(1), "8650", "host:port"),
])
def test_a_proxy_that_could_not_work_is_refused(replicas, bind, problem):
    with pytest.raises(ValueError, match=problem):
        render(replicas, bind)


def test_a_bad_server_argument_is_a_usage_error_not_a_file(tmp_path, capsys):
    out = tmp_path / "haproxy.cfg"
    with pytest.raises(SystemExit) as stopped:
        haproxy_main(["--server", "r1=not an address", "--out", str(out)])
    assert stopped.value.code == 2 and not out.exists()
    with pytest.raises(ValueError):
        Replica("R 1", "127.0.0.1:1")


# ---- the reconnect notice ---------------------------------------------------------------------------------

@pytest.mark.parametrize("header, previous", [
    (None, ""), ("streamlit", ""), ("streamlit, PLACEHOLDER_AUTH_TOKEN", ""),
    ("streamlit, 2|ab|cd|1, 6f1c-session", "6f1c-session"), ("streamlit,tok,", ""),
])
def test_the_previous_session_is_read_from_the_websocket_subprotocols(header, previous):
    assert previous_session_id(header) == previous


def test_the_moved_sentence_says_what_happened_and_what_to_do():
    assert "upload it again" in MOVED_SENTENCE and "restored" in MOVED_SENTENCE


# ---- the replicas bench's measuring helpers (bench/ws_load.py, --url/--pid) ------------------------------------

def test_memory_and_cpu_are_summed_over_the_replicas_named():
    import math
    import os

    from bench.load import rss_mb
    from bench.ws_load import cpu_seconds, group_rss_mb, main

    me = os.getpid()
    assert group_rss_mb((me, me)) == pytest.approx(2 * rss_mb(me), rel=0.05)
    assert cpu_seconds((me, me)) == pytest.approx(2 * cpu_seconds(me), rel=0.05)
    assert math.isnan(group_rss_mb(()))
    with pytest.raises(SystemExit, match="--pid"):
        main(["--url", "http://127.0.0.1:8650", "--sessions", "75"])
    with pytest.raises(SystemExit, match="127.0.0.1"):
        main(["--url", "http://example.org:8080", "--pid", "1"])
    with pytest.raises(SystemExit, match="1 to 40"):
        main(["--sessions", "75"])                       # one local server: the old bound stays


# ---- the container files (no Docker daemon on CI: checked as text, run for real by tests/deploy without Docker) ----

def test_the_compose_proxy_configuration_is_the_template_rendered_for_the_compose_replicas():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    apps = sorted(name for name, s in services.items() if "BCA_REPLICA" in (s.get("environment") or {}))
    assert apps == ["app1", "app2", "app3"]
    assert all(services[a]["environment"]["BCA_REPLICA"] == a for a in apps)
    expected = render([Replica(a, f"{a}:8501") for a in apps], "*:8080")
    assert (ROOT / "deploy" / "haproxy.compose.cfg").read_text() == expected, \
        "re-render it: python -m deploy.haproxy --bind '*:8080' --server app1=app1:8501 ... --out deploy/haproxy.compose.cfg"
    for app in apps:
        volumes = services[app]["volumes"]
        assert any(v.endswith(":/data:ro") for v in volumes) and "store:/store:ro" in volumes
        assert services[app]["depends_on"]["store"]["condition"] == "service_completed_successfully"
    assert services["store"]["command"] == ["python", "-m", "deploy.run", "--store-only"]
    assert set(services["proxy"]["depends_on"]) == set(apps)


def test_the_image_serves_server_py_as_an_unprivileged_user_with_a_health_check():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r'^CMD \["streamlit", "run", "server.py"', text, re.M)
    assert re.search(r"^USER atlas$", text, re.M) and "/healthz" in text
    assert "BCA_DATA_DIR=/data" in text and "BCA_PROCESSED_DIR=/store/processed" in text
    for folder in ("app_pages", "components", "data", "deploy", "geo", "metrics", ".streamlit"):
        assert f"COPY {folder} ./{folder}" in text, folder


def test_store_only_builds_nothing_when_the_store_is_in_order(monkeypatch, capsys):
    from data.store import StoreStatus
    from deploy import run

    monkeypatch.setattr(run, "store_status", lambda _: StoreStatus("ok", "Built."))
    monkeypatch.setattr(run.subprocess, "run", lambda *a, **k: pytest.fail("nothing should be built"))
    assert run.main(["--store-only"]) == 0 and "data store: ok" in capsys.readouterr().out


def test_a_failed_store_build_is_a_non_zero_exit_with_the_reason(monkeypatch, capsys):
    from data.store import StoreStatus
    from deploy import run

    monkeypatch.setattr(run, "store_status", lambda _: StoreStatus("missing", "not built"))
    monkeypatch.setattr(run.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, "", "x\nDataError: the lookup is missing"))
    assert run.main(["--store-only"]) == 1
    assert "could not be built: DataError: the lookup is missing" in capsys.readouterr().err


def test_warming_a_replica_that_does_not_answer_is_reported_not_raised():
    from bench.server import free_port
    from deploy.warm import warm

    url = f"http://127.0.0.1:{free_port()}"                 # nothing listens there
    [problem] = warm([url], ("explorer",))
    assert problem.startswith(f"{url} explorer: ")


@pytest.mark.skipif(shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists(),
                    reason="haproxy is not installed (apt-get install haproxy)")
def test_a_busy_port_stops_the_cluster_before_anything_starts(capsys):
    import socket

    from deploy.run import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--replicas", "2", "--port", str(port)]) == 1
    assert f"port {port} is already in use" in capsys.readouterr().err


def test_the_replica_count_is_bounded():
    from deploy.run import main

    with pytest.raises(SystemExit):
        main(["--replicas", "0"])
    with pytest.raises(SystemExit):
        main(["--replicas", "9"])


def test_the_websocket_is_compressed_by_the_apps_own_config():
    """Issue 20: a map's deck JSON deflates ~3.5-6x; tests/browser/test_compression_browser.py checks that
    chromium agrees permessage-deflate with server.py and the maps still draw."""
    import tomllib

    from data.settings import REPO_ROOT

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableWebsocketCompression"] is True
