"""Tell a reader whose session was lost (its replica stopped, or the server restarted) what happened.

When the websocket drops, the browser reconnects and names its previous session in the websocket
subprotocol header (Streamlit 1.67: "streamlit, <xsrf token>, <last session id>"). Behind the proxy a
dead replica's sessions land on a healthy one, which does not hold them: a new session starts whose first
run sees a previous id. The view comes back from the URL; the upload lived in the lost session.

The 1.67 frontend asks for a run after reconnecting only if it thinks the server may have lost track (no
earlier session, a run or fragment under way, or a timed fragment registered); otherwise it assumes the
same session resumed and shows the old page, and the next click in a fragment reaches a session that does
not know the fragment. `rerun_after_reconnect` registers an empty hourly fragment so every reconnect
brings a full run with the page's widgets and address: the notice appears at once, the view is rebuilt.
"""
from __future__ import annotations

import streamlit as st

MOVED_SENTENCE = ("The connection to the server was lost, so a new session was started on a server that is "
                  "working. Your view was restored from the page's address; if you had uploaded a file, "
                  "please upload it again.")
_SEEN_KEY = "_bca_session_seen"


RECONNECT_PROBE_S = 3600  # the empty fragment's own reruns: one trivial run per open tab per hour


@st.fragment(run_every=RECONNECT_PROBE_S)
def rerun_after_reconnect() -> None:
    """Draws nothing: registering a timed fragment makes the browser rerun the page when it reconnects."""


def previous_session_id(protocol_header: str | None) -> str:
    """The last session id the browser sent in Sec-WebSocket-Protocol ('' on a first visit)."""
    entries = [entry.strip() for entry in (protocol_header or "").split(",")]
    return entries[2] if len(entries) >= 3 else ""


def reconnect_notice() -> str | None:
    """The sentence on the first run of a session that replaced a lost one; None otherwise."""
    if st.session_state.get(_SEEN_KEY):
        return None
    st.session_state[_SEEN_KEY] = True
    try:
        header = st.context.headers.get("Sec-Websocket-Protocol")
    except Exception:  # noqa: BLE001 - no request behind this run (AppTest): nothing was lost
        return None
    return MOVED_SENTENCE if previous_session_id(header) else None
