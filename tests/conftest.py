"""Shared fixtures: the bundled store (loaded once per session) and its projection for Xining."""

from __future__ import annotations

import pytest

from chaingraph import open_store, to_networkx

XINING = "region:CN-630100"


@pytest.fixture(scope="session")
def store():
    """The bundled ontology, chain templates and Xining facts, in memory. Do not modify it."""
    return open_store()


@pytest.fixture(scope="session")
def xining_graph(store):
    return to_networkx(store, XINING, lang="en")


@pytest.fixture
def fresh_store():
    """A store of its own, for tests that write."""
    return open_store()
