"""What a reader sees when a page fails: one plain sentence with a reference, never a traceback or a path.

server.py passes `show_fault` to st.App as its on_script_error handler; the detail goes to the server log
under the same reference, so the operator can find it. `client.showErrorDetails = "none"` in
.streamlit/config.toml is the fallback when the app is started without server.py.
"""
from __future__ import annotations

import logging
import secrets

import streamlit as st

LOG = logging.getLogger("bca.errors")


def fault_sentence(reference: str) -> str:
    return (f"Sorry, something went wrong on our side and this page could not be shown in full. Reloading the "
            f"page usually helps; if it keeps happening, please quote reference {reference} when you tell us.")


def new_reference() -> str:
    """Eight hex digits: short enough to read out over the phone, random so it reveals nothing."""
    return secrets.token_hex(4)


def show_fault(exc: Exception) -> bool:
    """Log the exception under a new reference and show the reader the sentence; True hides Streamlit's own box."""
    reference = new_reference()
    LOG.error("page fault, reference %s", reference, exc_info=(type(exc), exc, exc.__traceback__))
    try:
        st.error(fault_sentence(reference), icon=":material/error:")
    except Exception:  # noqa: BLE001 - no script context: Streamlit's redacted box (showErrorDetails) is shown
        LOG.exception("could not show the fault sentence for reference %s", reference)
        return False
    return True
