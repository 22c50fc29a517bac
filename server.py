"""Best City Atlas as an ASGI app (Streamlit 1.67 st.App): `streamlit run server.py` serves app.py with
the security headers of deploy/config.yaml on every response, a /healthz route for the proxy, and a
plain sentence with a logged reference instead of any traceback."""
import logging

import streamlit as st

from components.errors import show_fault
from deploy.asgi import middleware, routes
from deploy.gc_policy import freeze_after_full_collections

_log = logging.getLogger("bca")
if not _log.handlers:  # the module can be imported twice (app discovery, then the server): one handler
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)

freeze_after_full_collections()   # a full collection walks only what is new since the last (deploy/gc_policy.py)
app = st.App("app.py", routes=routes(), middleware=middleware(), on_script_error=show_fault)
