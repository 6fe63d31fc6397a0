"""The Workspace: the library answers what the command line answers, from the same store."""

from __future__ import annotations

import contextlib
import json
import socket
import threading

import pyoxigraph
import pytest
from analysis_graphs import HEADER, XINING, production, store_with
from click.testing import CliRunner

from chaingraph import find_gaps, to_networkx
from chaingraph.cli import main
from chaingraph.workspace import Workspace, WorkspaceError

CELLS_MODULES = production("cells", "a", "pv:cell", value=500, unit="MW") + production(
    "modules", "b", "pv:module", value=815, unit="MW"
)
USER_FACTOR = """
:my-factor a cg:ConversionFactor ; cg:fromStage pv:cell ; cg:toStage pv:module ;
    cg:factor 1.25 ; cg:fromUnit cgu:GW ; cg:toUnit cgu:GW ; dcterms:date "2020"^^xsd:gYear ;
    prov:wasDerivedFrom :my-source .
"""


@pytest.fixture
def factor_store(tmp_path):
    """A directory store whose own cell → module factor differs from the bundled one."""
    from chaingraph.store import open_store

    location = tmp_path / "kg"
    with open_store(location) as store:
        for number, text in enumerate((CELLS_MODULES, USER_FACTOR)):
            path = tmp_path / f"part{number}.ttl"
            path.write_text(HEADER + text, encoding="utf-8")
            store.load_files([str(path)])
    return location


def _cell_ratio(report) -> float:
    (link,) = report.chain("chain:pv").stage("pv:cell").balance
    return link["ratio"]


def test_library_and_command_line_use_the_stores_conversion_factors(factor_store):
    from chaingraph.store import open_store

    store = open_store(factor_store, read_only=True)
    by_hand = find_gaps(to_networkx(store, XINING, lang="en"))
    workspace = Workspace(store, "en").gaps("西宁")
    printed = CliRunner().invoke(
        main, ["gaps", "--store", str(factor_store), "--format", "json", "--lang", "en"]
    )
    assert printed.exit_code == 0, printed.output
    stages = {
        s["stage"]: s
        for chain in json.loads(printed.output)["chains"]
        for s in chain["stages"]
        if chain["chain"] == "chain:pv"
    }
    (printed_link,) = stages["pv:cell"]["balance"]
    # 0.5 GW of cells make 0.4 GW of modules at the store's 1.25, against 0.815 GW demanded
    expected = pytest.approx(0.5 / 1.25 / 0.815, abs=1e-3)
    assert _cell_ratio(by_hand) == expected
    assert _cell_ratio(workspace) == expected
    assert printed_link["ratio"] == expected


def test_a_region_is_projected_once_per_workspace(monkeypatch):
    from chaingraph import projection

    ws = Workspace.open(lang="en")
    calls = []
    project = projection.to_networkx
    monkeypatch.setattr(
        projection, "to_networkx", lambda *a, **k: calls.append(a[1:2]) or project(*a, **k)
    )
    assert ws.projection("西宁") is ws.projection("Xining")
    ws.gaps("西宁")
    ws.targets("西宁")  # the producers elsewhere are added to a copy of the same projection
    ws.report("西宁", views=False)
    assert calls == [(XINING,)]
    assert ws.projection("西宁", elsewhere=True) is ws.projection(XINING, elsewhere=True)
    assert ws.projection("西宁") is not ws.projection("西宁", evidence=False)
    assert len(calls) == 2


def test_every_question_answers_on_the_bundled_data():
    ws = Workspace.open(lang="zh")
    assert ws.gaps("西宁", ["锂电"]).chains[0].chain == "chain:li"
    assert ws.overview(level="city")[0].region == XINING
    assert ws.targets("西宁")
    assert ws.impact("西宁", "弗迪电池")["stages_lost"]
    assert ws.diff("西宁", 2020, 2023)["schema"] == "chaingraph.diff/1"
    assert ws.view("西宁", chain="光伏").nodes
    assert ws.report("西宁", views=False).chains


def test_a_question_asked_wrongly_is_a_workspace_error():
    ws = Workspace.open(lang="en")
    with pytest.raises(WorkspaceError, match="smaller than"):
        ws.gaps("西宁经济技术开发区", scope="park")
    with pytest.raises(ValueError, match="exactly one"):
        ws.impact("西宁")


def test_workspace_closes_its_store(tmp_path):
    store_with(CELLS_MODULES)  # the helper works; a directory store is closed on exit:
    with Workspace.open(tmp_path / "kg", read_only=False) as ws:
        ws.store.load_data(HEADER + CELLS_MODULES, "urn:x", format=pyoxigraph.RdfFormat.TURTLE)
    with Workspace.open(tmp_path / "kg") as again:
        assert len(again.store) > 0


def test_viz_query_makes_no_outbound_request(tmp_path):
    """A CONSTRUCT with SERVICE is refused before it runs: the listener sees no connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen = []

    def watch():
        with contextlib.suppress(OSError):  # the timeout: nobody came, as it should be
            seen.append(listener.accept())

    watcher = threading.Thread(target=watch)
    watcher.start()
    query = tmp_path / "q.rq"
    query.write_text(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/v1> {{ ?s ?p ?o }} }}"
    )
    result = CliRunner().invoke(
        main, ["viz", "--query", str(query), "-o", str(tmp_path / "q.html"), "--lang", "en"]
    )
    watcher.join()
    listener.close()
    assert result.exit_code == 2, result.output
    assert "SERVICE" in result.output and "Traceback" not in result.output
    assert seen == [] and not (tmp_path / "q.html").exists()
