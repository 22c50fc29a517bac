"""Best City Atlas as a council would deploy it: three replicas behind HAProxy (python -m deploy.run), used by
a reader in chromium. A session stays on its replica across reruns and reloads; an upload and downloads work
through the proxy; when the replica dies the reader lands on a healthy one, with the view restored and told
why. The tests share one cluster and run in file order: the last one kills a replica."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest

from components.reconnect import MOVED_SENTENCE
from deploy.settings import load_config
from tests.browser.conftest import APP_READY_TIMEOUT_MS, screenshot, wait_for_app
from tests.browser.test_widgets_stick import ERROR, NO_WEBGL, _pick, _shown
from tests.deploy.conftest import health, sessions, wait_for

COOKIE = load_config().replicas.cookie
FAKE_CSV = "ward,clients\nArmley,30\nPudsey,12\nHunslet and Riverside,20\nKillingbeck and Seacroft,3\n"  # made up


@pytest.fixture
def reader(chromium_browser):
    """A fresh browser context (own cookies, so its own session and affinity); maps are not drawn (no WebGL)."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    context.add_init_script(NO_WEBGL)
    page = context.new_page()
    page.set_default_timeout(APP_READY_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def affinity(page) -> str:
    """The replica the proxy's cookie names for this reader."""
    return {c["name"]: c["value"] for c in page.context.cookies()}.get(COOKIE, "")


def served_by(page, cluster) -> str:
    """The replica that answers this reader's requests through the proxy (its cookie goes along)."""
    return page.request.get(f"{cluster.url}/healthz").json()["replica"]


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_a_session_stays_on_its_replica_across_reruns_and_a_reload(cluster, reader):
    before = sessions(cluster)
    sockets = []
    reader.on("websocket", lambda socket: sockets.append(socket))
    reader.goto(f"{cluster.url}/explorer")
    wait_for_app(reader)
    home = affinity(reader)
    assert home in before and served_by(reader, cluster) == home
    opened = wait_for(lambda: (now := sessions(cluster))[home] == before[home] + 1 and now,
                      what=f"one new session on {home}")
    assert {k: v for k, v in opened.items() if k != home} == {k: v for k, v in before.items() if k != home}

    for shown, code in [("Equal intervals", "equal_interval"), ("Quantiles", "quantiles")]:
        _pick(reader, "Classes by", shown)                     # a rerun on the server that holds the session
        assert _shown(reader, "Classes by").startswith(shown) and query(reader).get("scheme", "quantiles") == code
    assert len(sockets) == 1 and not sockets[0].is_closed()   # one websocket all along: one replica
    assert sessions(cluster) == opened and served_by(reader, cluster) == home

    reader.reload()                                           # a new session, on the same replica
    wait_for_app(reader)
    assert affinity(reader) == home and served_by(reader, cluster) == home and len(sockets) == 2
    wait_for(lambda: sessions(cluster) == opened, what="the reloaded session on the same replica")
    assert reader.locator(ERROR).count() == 0


def test_an_upload_and_downloads_work_through_the_proxy(cluster, reader, tmp_path):
    csv = tmp_path / "clients.csv"
    csv.write_text(FAKE_CSV, encoding="utf-8")
    reader.goto(f"{cluster.url}/upload")
    wait_for_app(reader)
    home = affinity(reader)
    reader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))   # PUT via the proxy
    reader.get_by_text("Loaded clients.csv").wait_for()
    wait_for_app(reader)
    screenshot(reader, "deploy_upload_loaded")

    reader.get_by_role("link", name="Map explorer").first.click()       # same session: the upload is offered
    wait_for_app(reader)
    reader.get_by_text(re.compile(r"Show your uploaded data: .*clients")).wait_for()
    with reader.expect_download() as caught:                             # served from the session's replica
        reader.get_by_role("button", name="Table (CSV)").click()
    lines = caught.value.path().read_text(encoding="utf-8").splitlines()
    assert any("Armley" in line for line in lines) and len([l for l in lines if l.count(",") >= 2]) >= 33
    assert affinity(reader) == home and served_by(reader, cluster) == home
    assert reader.locator(ERROR).count() == 0


def test_a_dead_replicas_reader_lands_on_a_healthy_one_with_the_view_and_a_message(cluster, reader):
    reader.goto(f"{cluster.url}/explorer?scheme=equal_interval&classes=4")
    wait_for_app(reader)
    home = affinity(reader)
    assert _shown(reader, "Classes by").startswith("Equal intervals")
    assert reader.get_by_text(MOVED_SENTENCE).count() == 0

    killed = time.monotonic()
    cluster.kill(home)
    reader.get_by_text(MOVED_SENTENCE).wait_for(timeout=120_000)
    (cluster.log_dir / "failover.txt").write_text(f"{home} killed -> message shown after "
                                                  f"{time.monotonic() - killed:.1f} s\n")  # a figure, not a bound
    wait_for_app(reader)
    screenshot(reader, "deploy_moved")
    assert affinity(reader) not in ("", home) and served_by(reader, cluster) not in ("", home)
    assert query(reader).get("scheme") == "equal_interval" and query(reader).get("classes") == "4"
    assert _shown(reader, "Classes by").startswith("Equal intervals")       # the view, restored from the URL
    assert reader.locator(ERROR).count() == 0

    _pick(reader, "Classes by", "Natural breaks")                           # the new session works
    assert query(reader).get("scheme") == "natural_breaks"
    reader.get_by_role("link", name="Data sources and methods").first.click()
    wait_for_app(reader)
    assert reader.get_by_text(MOVED_SENTENCE).count() == 0                  # said once, not on every page
    assert health(cluster.url)["status"] == "ok"
