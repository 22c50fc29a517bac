"""A page that fails, served the way server.py serves app.py (st.App with on_script_error=show_fault): the reader
gets one plain sentence with a reference and no traceback, exception text or path; the server log has the
detail under the same reference. The failing page is a throwaway script in a temporary folder: the real
pages should not fail on purpose."""
from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import textwrap
import time

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.server import free_port, healthy
from bench.ws_load import rerun_message, stream_url
from tests.unit.test_ws_load import run_alone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_PATH = "/srv/council/secret-folder/clients.csv"


async def _first_run(url: str) -> list[ForwardMsg]:
    from websockets.asyncio.client import connect

    messages = []
    async with connect(stream_url(url), subprotocols=["streamlit"], proxy=None, ping_interval=None) as ws:
        await ws.send(rerun_message(""))
        async with asyncio.timeout(60):
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await ws.recv())
                messages.append(msg)
                if msg.WhichOneof("type") == "script_finished":
                    return messages


@pytest.fixture(scope="module")
def faulty_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faulty")
    (folder / "boom.py").write_text(textwrap.dedent(f"""
        import streamlit as st
        st.title("A page")
        open({SECRET_PATH!r})
    """))
    (folder / "serve.py").write_text(textwrap.dedent("""
        import streamlit as st
        from components.errors import show_fault
        from deploy.asgi import middleware, routes
        app = st.App("boom.py", routes=routes(), middleware=middleware(), on_script_error=show_fault)
    """))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": ROOT, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 90
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the faulty server did not start: {log_path.read_text()[-500:]}")
            time.sleep(0.2)
        yield url, log_path
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_failing_page_shows_a_sentence_with_a_reference_and_logs_the_detail(faulty_server):
    url, log_path = faulty_server
    messages = run_alone(_first_run(url))
    elements = [m.delta.new_element for m in messages
                if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"]
    kinds = [e.WhichOneof("type") for e in elements]
    assert "exception" not in kinds, kinds
    [alert] = [e.alert.body for e in elements if e.WhichOneof("type") == "alert"]
    reference = re.search(r"reference ([0-9a-f]{8})", alert).group(1)
    assert "secret-folder" not in alert and "FileNotFoundError" not in alert and "Traceback" not in alert
    everything = b"".join(m.SerializeToString() for m in messages)
    assert b"secret-folder" not in everything and b"Traceback" not in everything

    deadline = time.monotonic() + 10
    while f"reference {reference}" not in (log := log_path.read_text(errors="replace")) and time.monotonic() < deadline:
        time.sleep(0.2)
    logged = log[log.index(f"reference {reference}"):]
    assert "FileNotFoundError" in logged and SECRET_PATH in logged       # the operator can find the detail
