"""The shared browser harness: one Streamlit server per test session and a Playwright page in Debian chromium.

Fixtures: ``app_url`` (session), ``page`` (function; viewport 1400x900) and the helpers ``wait_for_app(page)``,
``wait_until(check)``, ``wait_for_map_drawn(page)``, ``hover_tooltip(page, x, y)`` and ``screenshot(page, name)``
(PNG in test-artifacts/, git-ignored). Tests wait for conditions (elements, state, URL, pixels), never for a
fixed time: a busy machine makes fixed waits flaky, generous bounds on a condition do not. Import the helpers with
``from tests.browser.conftest import wait_for_app, screenshot``. Tests skip with a reason when
/usr/bin/chromium or Playwright is missing.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.server import ServerStartError, streamlit_server as local_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]
SERVER_START_TIMEOUT_S = 90
APP_READY_TIMEOUT_MS = 60_000


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test (select or deselect with -m browser)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@contextmanager
def streamlit_server(log_name: str = "streamlit-server"):
    """Run the app on a free local port until the block ends; yields its URL (log in test-artifacts/)."""
    from tests.conftest import worker_name

    ARTIFACTS.mkdir(exist_ok=True)
    try:
        server_context = local_server(ARTIFACTS / f"{worker_name(log_name)}.log", SERVER_START_TIMEOUT_S)
        server = server_context.__enter__()
    except ServerStartError as exc:
        pytest.fail(str(exc))
    try:
        yield server.url
    finally:
        server_context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def app_url(processed_store):
    """One server for the whole browser session (per xdist worker), on the store the session built, warmed like a
    deployed replica (home page and explorer opened once): every test reaches its page by URL."""
    from deploy.run import WARM_PAGES
    from deploy.warm import warm

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) for browser tests")
    with streamlit_server() as url:
        warm([url], WARM_PAGES)               # problems only slow the first test down; its own checks still run
        yield url


@pytest.fixture
def page(chromium_browser, app_url):
    """A fresh page (own context: no shared session state) at 1400x900."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(APP_READY_TIMEOUT_MS)
    try:
        yield tab
    finally:
        context.close()


# The app is idle when its script is not running, the server has answered the browser's last websocket message,
# no element still shows Streamlit's loading skeleton (stSkeleton: an element whose code is still loading, which
# can outlast the run by seconds on a busy machine; the layout check measured the 320 px sidebar while it lasted)
# and the page has been still (no DOM change, no message either way) for QUIET_S. The monitor below records those
# times in the page (it is added to every context at start, tests/browser/chromium.py; a page opened without it
# gets it on its first wait). Without the monitor, or if it never sees the page still (something keeps changing
# the DOM), the rule is the older one: the script not running for FALLBACK_QUIET_S (and no skeleton left).
QUIET_S = 0.25
FALLBACK_QUIET_S = 1.0
IDLE_POLL_S = 0.05
# Streamlit's data-test-script-state on stApp: "initial" until the first run starts (None: no app on the page yet)
BUSY_STATES = (None, "initial", "running", "rerunRequested", "stopRequested")
IDLE_MONITOR_JS = """(() => {
  if (window.__bcaIdle) return;
  const now = () => performance.now();
  const seen = {sent: 0, recv: 0, changed: now()};
  window.__bcaIdle = seen;
  const send = WebSocket.prototype.send, heard = new WeakSet();
  WebSocket.prototype.send = function (...args) {
    if (!heard.has(this)) {
      heard.add(this);
      this.addEventListener("message", () => { seen.recv = seen.changed = now(); });
    }
    seen.sent = seen.changed = now();
    return send.apply(this, args);
  };
  new MutationObserver(() => { seen.changed = now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""
_LOOK_JS = """() => {
  const existed = Boolean(window.__bcaIdle);
  %s
  const seen = window.__bcaIdle, app = document.querySelector('[data-testid="stApp"]');
  return {existed, state: app ? app.getAttribute("data-test-script-state") : null, sent: seen.sent,
          answered: seen.recv >= seen.sent, quiet_ms: performance.now() - seen.changed,
          loading: document.querySelector('[data-testid="stSkeleton"]') !== null};
}""" % IDLE_MONITOR_JS


def _look(page) -> dict:
    """The app's script state and the monitor's view of the page (installing the monitor if the page lacks it);
    a page between two documents (a navigation under way) looks busy."""
    from playwright.sync_api import Error

    try:
        return page.evaluate(_LOOK_JS)
    except Error:
        return {"existed": False, "state": None, "sent": 0, "answered": False, "quiet_ms": 0, "loading": True}


def wait_for_app(page, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    """Wait until Streamlit has rendered the page, its script has finished, the server has answered the browser's
    last message, no loading skeleton is left and the page has been still for QUIET_S (see IDLE_MONITOR_JS; the older rule, a second of the
    script not running, when the page has no monitor yet)."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    watched = None                              # the monitor was on the page before this wait began
    quiet_since = None
    while time.monotonic() < deadline:
        look = _look(page)
        watched = look["existed"] if watched is None else watched and look["existed"]
        if look["state"] in BUSY_STATES:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > FALLBACK_QUIET_S and not look["loading"]:
            return
        if (watched and look["state"] == "notRunning" and look["answered"] and not look["loading"]
                and look["quiet_ms"] >= QUIET_S * 1000):
            return
        time.sleep(IDLE_POLL_S)
    raise TimeoutError(f"the app script was still running after {timeout_ms} ms")


CONDITION_TIMEOUT_S = 60
POLL_S = 0.1


def wait_until(check, timeout_s: float = CONDITION_TIMEOUT_S, what: str = "the condition"):
    """Poll ``check()`` until it returns something truthy (returned); TimeoutError naming ``what`` after
    ``timeout_s``. The poll interval is only how often to look, never a guess at how long things take."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout_s:.0f} s")
        time.sleep(POLL_S)


def _distinct_colours(png: bytes) -> int:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((120, 120), Image.NEAREST)
    pixels = image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata()
    return len(set(pixels))


def wait_for_map_drawn(page, selector: str = '[data-testid="stDeckGlJsonChart"]', min_colours: int = 4,
                       index: int = 0, timeout_s: float = CONDITION_TIMEOUT_S) -> bytes:
    """Wait until a deck.gl canvas shows a drawn map (``min_colours`` distinct colours) and two looks in a
    row give the same picture (deck.gl paints over several animation frames); returns the PNG."""
    canvas = page.locator(f"{selector} canvas").nth(index)
    canvas.wait_for(timeout=timeout_s * 1000)
    last: list[bytes] = []

    def drawn():
        png = canvas.screenshot()
        stable = bool(last) and last[-1] == png
        last.append(png)
        return png if stable and _distinct_colours(png) >= min_colours else None

    return wait_until(drawn, timeout_s, "the map drawing")


def hover_tooltip(page, x: float, y: float, contains: str = "", timeout_s: float = 3) -> str | None:
    """Move the pointer to (x, y) and wait briefly for deck.gl's tooltip (with ``contains`` in it); its text,
    or None when no tooltip appears there (the point may be outside every area)."""
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip").first
    try:
        return wait_until(lambda: tooltip.count() and tooltip.is_visible() and contains in tooltip.inner_text()
                          and tooltip.inner_text(), timeout_s, "the tooltip")
    except TimeoutError:
        return None


def wait_for_rerun(page, action, timeout_ms: int = APP_READY_TIMEOUT_MS) -> None:
    """Do ``action()`` (a click, a key) and wait until the app has run again and gone idle: first for the browser
    to send the rerun (up to 5 s: an action that sends nothing, e.g. a client-side tab, just goes on), then
    wait_for_app, which waits for the server's answer."""
    before = _look(page)
    action()
    if before["existed"]:
        sent = lambda: _look(page)["sent"] > before["sent"]           # noqa: E731
    else:                                      # no monitor on this page: the older rule, seeing the run start
        app = page.locator('[data-testid="stApp"]')
        sent = lambda: app.get_attribute("data-test-script-state") == "running"  # noqa: E731
    try:
        wait_until(sent, 5, "the rerun to start")
    except TimeoutError:
        pass                                   # nothing sent (or, without the monitor, a run too fast to see)
    wait_for_app(page, timeout_ms)


def screenshot(page, name: str) -> Path:
    """Save a full-viewport PNG to test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def click_until(page, x: float, y: float, done, what: str, hover_text: str, tries: int = 2) -> None:
    """Click the map's canvas at (x, y) until ``done()``, at most ``tries`` times; a click that registered is never
    repeated (each try waits 20 s for its result). The first click selecting is asserted on its own
    (test_map_browser's first-click test: the lost-click bug, fixed by picking areas by their fill); the spare try
    here keeps tests about something else from failing on a click the browser delivered mid-rerun."""
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    box = canvas.bounding_box()
    for _ in range(tries):
        hover_tooltip(page, x, y, contains=hover_text)      # the hover pick settles first (as a reader's pointer)
        wait_for_rerun(page, lambda: canvas.click(position={"x": x - box["x"], "y": y - box["y"]}))
        try:
            wait_until(done, 20, what)
            return
        except TimeoutError:
            page.mouse.move(5, 5)
    screenshot(page, "click_failed")
    pytest.fail(f"{what} did not happen after {tries} clicks")
