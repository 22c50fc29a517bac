"""Warm a fresh replica before the proxy sends it readers: one throwaway session opens the given pages, so the
store, the page modules and the shared caches are loaded once per process before anyone waits for them.

Speaks Streamlit's websocket protocol as the browser does (a BackMsg rerun_script naming the page, then
ForwardMsgs until script_finished); nothing is rendered. A page that fails to warm is only reported: the
replica still serves (its first reader pays the cold start).
"""
from __future__ import annotations

import asyncio

WARM_TIMEOUT_S = 180.0


async def open_page(http_url: str, page: str) -> str:
    """Run `page` ('' = the home page) once in a new session; '' when it finished, else what went wrong."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    ws_url = http_url.replace("http://", "ws://", 1) + "/_stcore/stream"
    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_name = page
    try:
        async with asyncio.timeout(WARM_TIMEOUT_S):
            async with connect(ws_url, subprotocols=["streamlit"], proxy=None, max_size=2**27,
                               ping_interval=None) as ws:
                await ws.send(back.SerializeToString())
                while True:
                    msg = ForwardMsg()
                    msg.ParseFromString(await ws.recv())
                    if msg.WhichOneof("type") == "script_finished":
                        status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                        return "" if status == "FINISHED_SUCCESSFULLY" else status
    except (OSError, TimeoutError) as exc:
        return f"{exc.__class__.__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - websockets' own errors: a report, not a crash
        return f"{exc.__class__.__name__}: {exc}"


async def warm_all(urls: list[str], pages: tuple[str, ...]) -> list[str]:
    """Every replica at once (each opens the pages in turn); the problems, as sentences."""
    async def one(url: str) -> list[str]:
        problems = []
        for page in pages:
            if problem := await open_page(url, page):
                problems.append(f"{url} {page or 'home'}: {problem}")
        return problems

    return [p for problems in await asyncio.gather(*(one(u) for u in urls)) for p in problems]


def warm(urls: list[str], pages: tuple[str, ...]) -> list[str]:
    """warm_all on its own event loop, in its own thread (the caller may already run a loop: Playwright)."""
    import threading

    result: list[str] = []

    def target() -> None:
        result.extend(asyncio.run(warm_all(urls, pages)))

    thread = threading.Thread(target=target, name="warm-replicas")
    thread.start()
    thread.join()
    return result
