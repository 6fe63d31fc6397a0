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
def english(monkeypatch):
    """Messages in English, whatever the machine's CHAINGRAPH_LANG (use with usefixtures)."""
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")


@pytest.fixture
def fresh_store():
    """A store of its own, for tests that write."""
    return open_store()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A real Virtuoso Open Source server with an empty database, stopped after the session.

    Skipped only when Virtuoso is not installed (`.ci/run` installs it).
    """
    from _servers import start_virtuoso, virtuoso_binaries

    if virtuoso_binaries() is None:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource")
    directory = tmp_path_factory.mktemp("virtuoso")
    server = start_virtuoso(directory / "db", directory / "server.log")
    try:
        yield server
    finally:
        server.stop()


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files in tests/golden/ from the current output.",
    )


@pytest.fixture
def golden(request):
    """Compare text with tests/golden/NAME, or rewrite it with --update-golden."""
    from pathlib import Path

    folder = Path(__file__).parent / "golden"

    def check(name: str, text: str) -> None:
        path = folder / name
        if request.config.getoption("--update-golden"):
            folder.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"{path} missing: run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"

    return check
