"""Best City Atlas as an ASGI app (Streamlit 1.67 st.App): `streamlit run server.py` serves app.py with
the security headers of deploy/config.yaml on every response, a /healthz route for the proxy, and a
plain sentence with a logged reference instead of any traceback."""
import logging

import streamlit as st

from components.errors import show_fault
from deploy.asgi import middleware, routes

_log = logging.getLogger("bca")
if not _log.handlers:  # the module can be imported twice (app discovery, then the server): one handler
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(_handler)
    _log.setLevel(logging.INFO)

app = st.App("app.py", routes=routes(), middleware=middleware(), on_script_error=show_fault)
