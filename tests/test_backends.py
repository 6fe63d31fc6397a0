"""A store backend is one class, named by its URL scheme: open_store, the workspace and every
command then use it."""

from __future__ import annotations

from typing import ClassVar

from click.testing import CliRunner

from chaingraph.cli import main
from chaingraph.store import open_store
from chaingraph.store.oxigraph import BACKENDS, OxigraphStore
from chaingraph.workspace import Workspace


class SnapshotStore(OxigraphStore):
    """A made-up backend: ``snapshot://NAME`` is a read-only copy of the bundled data."""

    opened: ClassVar[list[str]] = []

    def __init__(self, location: str, *, read_only: bool = False) -> None:
        bundled = open_store()
        super().__init__(bundled._inner, None, read_only=True)
        self.journal = bundled.journal
        SnapshotStore.opened.append(location)


def test_a_backend_named_by_its_scheme_serves_every_command(monkeypatch):
    monkeypatch.setitem(BACKENDS, "snapshot", f"{__name__}:SnapshotStore")
    store = open_store("snapshot://xining")
    assert isinstance(store, SnapshotStore)
    ws = Workspace(store, "en")
    assert ws.gaps("西宁").chain("chain:pv").stage("pv:mono-ingot").verdict == "present"
    result = CliRunner().invoke(main, ["gaps", "--store", "snapshot://x", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "snapshot://x" in SnapshotStore.opened


def test_a_directory_is_not_a_url(tmp_path):
    assert type(open_store(tmp_path / "kg")) is OxigraphStore
