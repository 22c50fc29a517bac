"""What a reader sees when a page fails: one plain sentence with a reference, never a traceback or a path.

server.py passes `show_fault` to st.App as its on_script_error handler; the detail goes to the server log
under the same reference, so the operator can find it. `client.showErrorDetails = "none"` in
.streamlit/config.toml is the fallback when the app is started without server.py.
"""
from __future__ import annotations

import logging
import re
import secrets

import streamlit as st

LOG = logging.getLogger("bca.errors")

# What a message for the page must not carry: where things are on the server and how it is configured.
_PATH = r"/(?:[\w.\-]+/)*[\w.\-]*[\w\-/]"  # an absolute path, not its sentence's full stop
_FOLDER_NAMED = re.compile(rf"\b(data folder|processed store|data store)\s+`?{_PATH}`?")
_ABSOLUTE_PATH = re.compile(rf"(?<![\w:/.]){_PATH}")
_SETTING_CLAUSE = re.compile(r"\s*\((?:set|now:)[^)]*\)|;?\s*set [A-Z][A-Z0-9_]+ to [^.;]*|\s*\(now: [^)]*\)")
_SETTING_NAME = re.compile(r"\b(?:BCA|STREAMLIT)_[A-Z0-9_]+\b")


def public_text(message: str) -> str:
    """The message as the page may show it: the sentence kept, server paths and setting names taken out.

    "The data folder /srv/x is not reachable (set BCA_DATA_DIR)." -> "The data folder is not reachable."
    Paths left elsewhere become "a server folder". Callers log the original for the operator.
    """
    text = _FOLDER_NAMED.sub(r"\1", message)
    text = _SETTING_CLAUSE.sub("", text)
    text = _ABSOLUTE_PATH.sub("a server folder", text)
    text = _SETTING_NAME.sub("a server setting", text)
    return re.sub(r"[ \t]{2,}", " ", text).replace(" .", ".").strip()


def show_problem(kind, message: str, **kwargs) -> None:
    """Show a data problem with `kind` (st.error, st.warning) without paths; the full text goes to the log."""
    shown = public_text(message)
    if shown != message:
        LOG.warning("shown without server details: %s", message)
    kind(shown, **kwargs)


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
