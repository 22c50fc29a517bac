"""Fixtures for the AppTest suites: a fresh app session on the real store."""
import pytest
from streamlit.testing.v1 import AppTest

from data.settings import REPO_ROOT


@pytest.fixture()
def app(processed_store):
    """A fresh session per test, started on the front page without an exception."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
