"""The persistent store: loading files (formats, records, replace, drop), all-or-nothing
writes (syntax errors, several files, a SIGKILL halfway through) and the writer lock."""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from chaingraph import formats
from chaingraph.cli import main
from chaingraph.store import (
    FILE_GRAPH_BASE,
    GRAPH_BASE,
    META_GRAPH,
    StoreError,
    graph_for_file,
    open_store,
)
from chaingraph.store import loading as store_module

EX = "http://example.org/"
TTL = f"""@prefix ex: <{EX}> .
ex:a ex:p "一" ; ex:q ex:b .
ex:b ex:p "two"@en .
"""

SAME_DATA = {
    "facts.ttl": TTL,
    "facts.nt": (
        f'<{EX}a> <{EX}p> "一" .\n<{EX}a> <{EX}q> <{EX}b> .\n<{EX}b> <{EX}p> "two"@en .\n'
    ),
    "facts.nq": (
        f'<{EX}a> <{EX}p> "一" <{EX}g1> .\n<{EX}a> <{EX}q> <{EX}b> <{EX}g2> .\n'
        f'<{EX}b> <{EX}p> "two"@en .\n'
    ),
    "facts.trig": f"@prefix ex: <{EX}> .\nex:g {{ {TTL.split(chr(10), 1)[1]} }}\n",
    "facts.jsonld": (
        '[{"@id": "http://example.org/a", "http://example.org/p": "一", '
        '"http://example.org/q": {"@id": "http://example.org/b"}}, '
        '{"@id": "http://example.org/b", '
        '"http://example.org/p": {"@value": "two", "@language": "en"}}]'
    ),
    "facts.rdf": (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/">\n'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>一</ex:p>'
        '<ex:q rdf:resource="http://example.org/b"/></rdf:Description>\n'
        '<rdf:Description rdf:about="http://example.org/b"><ex:p xml:lang="en">two</ex:p>'
        "</rdf:Description>\n</rdf:RDF>\n"
    ),
}


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "CHAINGRAPH_LANG": "en"}  # the tests read the English messages
    return subprocess.run(
        [sys.executable, "-m", "chaingraph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        **kwargs,
    )


def count(store, graph: str) -> int:
    return store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0][
        "n"
    ].toPython()


def close(store) -> None:
    """Release a directory store and its locks."""
    store.close()
    gc.collect()


@pytest.fixture
def store_dir(tmp_path):
    return tmp_path / "store"


@pytest.fixture(params=["transaction", "bulk"])
def write_path(request, monkeypatch):
    """Both ways a file is written: one transaction, or a staged bulk load in small slices."""
    if request.param == "bulk":
        monkeypatch.setattr(store_module, "BULK_MIN_BYTES", 1)
        monkeypatch.setattr(store_module, "_BULK_SLICE_BYTES", 60)  # about one line a slice
        monkeypatch.setattr(store_module, "_BULK_SLICE_QUADS", 1)
    return request.param


def test_new_directory_store_has_the_base_data_but_not_the_example(store_dir):
    store = open_store(store_dir)
    graphs = store.graphs()
    assert GRAPH_BASE + "ontology/chaingraph.ttl" in graphs
    assert GRAPH_BASE + "data/chains/pv.ttl" in graphs
    assert GRAPH_BASE + "data/regions/xining-2022.ttl" not in graphs
    assert {r.name for r in store.graph_records()} >= {
        "ontology/chaingraph.ttl",
        "data/chains/pv.ttl",
    }


def test_a_folder_that_is_not_a_store_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    for read_only in (False, True):
        with pytest.raises(StoreError, match="is not a chaingraph store"):
            open_store(tmp_path, read_only=read_only)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(StoreError, match="is a file"):
        open_store(tmp_path / "notes.txt")


def test_graph_iri_is_stable_and_hides_the_path(tmp_path):
    # Named by the file's name and content: the same on any machine, whatever the folder.
    path = tmp_path / "sub" / "facts.ttl"
    path.parent.mkdir()
    path.write_text(TTL, encoding="utf-8")
    graph = graph_for_file(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert graph == f"{FILE_GRAPH_BASE}{digest}/facts.ttl"
    assert tmp_path.name not in graph
    assert graph_for_file(tmp_path / "sub" / ".." / "sub" / "facts.ttl") == graph
    elsewhere = tmp_path / "elsewhere" / "facts.ttl"
    elsewhere.parent.mkdir()
    elsewhere.write_text(TTL, encoding="utf-8")
    assert graph_for_file(elsewhere) == graph  # the same file, copied
    elsewhere.write_text(TTL + f"<{EX}c> <{EX}p> 1 .\n", encoding="utf-8")
    assert graph_for_file(elsewhere) != graph  # another file of the same name


@pytest.mark.parametrize("name", sorted(SAME_DATA))
def test_each_format_loads_the_same_triples_into_the_files_graph(
    tmp_path, store_dir, name, write_path
):
    path = tmp_path / name
    path.write_text(SAME_DATA[name], encoding="utf-8")
    result = cli("load", "--lang", "en", "--store", str(store_dir), str(path))
    assert result.exit_code == 0, result.output
    assert "3 triples" in result.output
    store = open_store(store_dir, read_only=True)
    graph = graph_for_file(path)
    assert count(store, graph) == 3
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> ?o }} }}")
    assert [str(r["o"]) for r in rows] == ["一"]
    (record,) = [r for r in store.graph_records() if r.graph == graph]
    assert record.name == name
    assert record.triples == 3
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record.loaded.startswith(time.strftime("%Y-", time.gmtime()))


def test_format_option_overrides_the_extension(tmp_path, store_dir):
    path = tmp_path / "facts.data"
    path.write_text(TTL, encoding="utf-8")
    unknown = cli("load", "--lang", "en", "--store", str(store_dir), str(path))
    assert unknown.exit_code == 2
    assert "unknown file type '.data'" in unknown.output
    assert "table (.csv)" in unknown.output and "table (.xlsx)" in unknown.output
    assert "turtle (.ttl)" in unknown.output and "rdfxml (.rdf, .owl, .xml)" in unknown.output
    assert (
        cli("load", "--store", str(store_dir), "--format", "text/turtle", str(path)).exit_code == 0
    )
    assert count(open_store(store_dir, read_only=True), graph_for_file(path)) == 3


def test_an_unknown_format_name_is_refused(tmp_path, store_dir):
    path = tmp_path / "facts.ttl"
    path.write_text(TTL, encoding="utf-8")
    result = cli("load", "--lang", "en", "--store", str(store_dir), "--format", "yaml", str(path))
    assert result.exit_code == 2
    assert "unknown format 'yaml'; known: turtle" in result.output


def test_importers_plug_in_by_extension(tmp_path, store_dir, monkeypatch):
    seen = []

    def rows_importer(path: Path, graph: str, store, **options):
        seen.append((len(store) > 0, options))
        quads = [
            ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "label"), ox.Literal(label))
            for s, label in (line.split(",") for line in path.read_text("utf-8").splitlines()[1:])
        ]
        return quads, f"{len(quads)} rows"

    monkeypatch.setitem(formats._IMPORTERS, "rows", ("rows", rows_importer))
    path = tmp_path / "names.rows"
    path.write_text("id,label\nx,甲\ny,乙\n", encoding="utf-8")
    result = cli("load", "--store", str(store_dir), "--skip-bad-rows", str(path))
    assert result.exit_code == 0, result.output
    assert "    2 rows" in result.output
    assert seen == [(True, {"skip_bad_rows": True})]
    store = open_store(store_dir, read_only=True)
    assert count(store, graph_for_file(path)) == 2
    assert [r.format for r in store.graph_records() if r.name == "names.rows"] == ["rows"]


def test_company_sheets_load_through_the_table_importer(tmp_path, store_dir):
    from chaingraph.ingest.template import template_text

    sheet = tmp_path / "companies.csv"
    header = template_text("en").splitlines()[0]
    row = "Example Wafer Co.,硅片,西宁经济技术开发区,光伏,5,GW,在产,2023,,local news,"
    sheet.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = cli("load", "--lang", "en", "--store", str(store_dir), "--example", str(sheet))
    assert result.exit_code == 0, result.output
    assert "companies.csv: 1 of 1 rows imported" in result.output
    store = open_store(store_dir, read_only=True)
    graph = graph_for_file(sheet)
    (record,) = [r for r in store.graph_records() if r.graph == graph]
    assert record.format == "text/csv" and record.triples == count(store, graph) > 0
    assert store.ask(
        f"ASK {{ GRAPH <{graph}> {{ ?f cg:stage pv:wafer ; cg:producer ?c }} "
        "?c ?name ?l FILTER(str(?l) = 'Example Wafer Co.') }"
    )
    close(store)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\nNobody,硅片儿,西宁,光伏,,,,,,,\n", encoding="utf-8")
    refused = cli(
        "load", "--lang", "en", "--store", str(store_dir), str(bad), str(tmp_path / "facts.ttl")
    )
    assert refused.exit_code == 2 and "bad.csv, row 2, column" in refused.output


def test_loading_again_needs_replace_and_replace_replaces(tmp_path, store_dir):
    path = tmp_path / "facts.ttl"
    path.write_text(TTL, encoding="utf-8")
    assert cli("load", "--store", str(store_dir), str(path)).exit_code == 0
    first = graph_for_file(path)  # graphs are named by content: the edit gets another one
    path.write_text(f"<{EX}c> <{EX}p> <{EX}d> .\n", encoding="utf-8")
    again = cli("load", "--store", str(store_dir), str(path))
    assert again.exit_code == 2
    assert "facts.ttl is already loaded" in again.output and "--replace" in again.output
    store = open_store(store_dir, read_only=True)
    assert count(store, first) == 3
    assert count(store, graph_for_file(path)) == 0
    close(store)
    assert cli("load", "--store", str(store_dir), "--replace", str(path)).exit_code == 0
    store = open_store(store_dir, read_only=True)
    graph = graph_for_file(path)
    assert count(store, graph) == 1
    assert count(store, first) == 0 and first not in store.graphs()
    (record,) = [r for r in store.graph_records() if r.graph == graph]
    assert record.triples == 1
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    meta = store.select(f"SELECT ?p WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }}")
    assert len(meta) == 6  # one record, not two


def test_a_syntax_error_on_the_last_line_changes_nothing(tmp_path, store_dir, write_path):
    good = tmp_path / "good.ttl"
    good.write_text(TTL, encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    lines = [f"<{EX}s{i}> <{EX}p> {i} ." for i in range(50)] + [f'<{EX}x> <{EX}p> "open .']
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = len(open_store(store_dir))
    gc.collect()
    result = cli("load", "--store", str(store_dir), str(good), str(bad), "--lang", "en")
    assert result.exit_code == 2
    assert "bad.ttl:51:" in result.output  # file:line:column
    assert "nothing was loaded" in result.output
    store = open_store(store_dir, read_only=True)
    assert len(store) == before
    assert graph_for_file(good) not in store.graphs()
    assert not [r for r in store.graph_records() if r.name in ("good.ttl", "bad.ttl")]


def test_blank_nodes_hold_together_within_a_file_and_apart_across_files(tmp_path, monkeypatch):
    nt = "".join(f'_:b{i % 3} <{EX}p> "{i}" .\n' for i in range(30))
    trig = f"@prefix ex: <{EX}> .\nex:g1 {{ _:b0 ex:p 1 }}\nex:g2 {{ _:b0 ex:p 2 . ex:a ex:p 3 }}\n"
    files = {"blank.nt": nt, "graphs.trig": trig}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def shape(location):
        """Per file graph: the sorted objects of each subject (blank node ids are random)."""
        store = open_store(location)
        store.load_files([tmp_path / name for name in files])
        subjects = {}
        for graph in [graph_for_file(tmp_path / name) for name in files]:
            rows = store.select(f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            for r in rows:
                subjects.setdefault((graph, r["s"]), []).append(str(r["o"]))
        close(store)
        return sorted((graph, sorted(objects)) for (graph, _), objects in subjects.items())

    expected = shape(tmp_path / "one-transaction")
    # _:b0 of the N-Triples file and of the TriG file are different nodes: 3 + 2 subjects.
    assert sorted(len(objects) for _, objects in expected) == [1, 2, 10, 10, 10]
    monkeypatch.setattr(store_module, "BULK_MIN_BYTES", 1)
    monkeypatch.setattr(store_module, "_BULK_SLICE_BYTES", 40)  # slices of about a line
    monkeypatch.setattr(store_module, "_BULK_SLICE_QUADS", 1)
    assert shape(tmp_path / "bulk") == expected


def test_load_needs_a_store_and_something_to_load(tmp_path, store_dir, monkeypatch):
    monkeypatch.delenv("CHAINGRAPH_STORE", raising=False)
    path = tmp_path / "facts.ttl"
    path.write_text(TTL, encoding="utf-8")
    no_store = cli("load", str(path))
    assert no_store.exit_code == 2 and "--store DIR" in no_store.output
    nothing = cli("load", "--store", str(store_dir))
    assert nothing.exit_code == 2 and "--example" in nothing.output
    missing = cli("load", "--lang", "en", "--store", str(store_dir), str(tmp_path / "nope.ttl"))
    assert missing.exit_code == 2 and "nope.ttl: no such file" in missing.output


def test_example_graphs_and_drop(tmp_path, store_dir, monkeypatch):
    path = tmp_path / "facts.ttl"
    path.write_text(TTL, encoding="utf-8")
    loaded = cli("load", "--store", str(store_dir), "--example", str(path))
    assert loaded.exit_code == 0, loaded.output
    assert "data/regions/xining-2022.ttl" in loaded.output
    listing = cli("graphs", "--store", str(store_dir), "--format", "csv")
    assert listing.exit_code == 0
    assert "facts.ttl,3," in listing.output
    assert "data/regions/xining-2022.ttl" in listing.output
    # By file name, by path, by graph IRI.
    dropped = cli("drop", "--lang", "en", "--store", str(store_dir), "facts.ttl")
    assert "(facts.ttl, 3 triples)" in dropped.output
    store = open_store(store_dir, read_only=True)
    assert graph_for_file(path) not in store.graphs()
    assert "facts.ttl" not in {r.name for r in store.graph_records()}
    close(store)
    assert cli("load", "--store", str(store_dir), str(path)).exit_code == 0
    assert cli("drop", "--store", str(store_dir), str(path)).exit_code == 0
    xining = GRAPH_BASE + "data/regions/xining-2022.ttl"
    assert cli("drop", "--store", str(store_dir), xining).exit_code == 0
    unknown = cli("drop", "--lang", "en", "--store", str(store_dir), "nothing.ttl")
    assert unknown.exit_code == 2 and "no loaded file or graph is 'nothing.ttl'" in unknown.output
    store = open_store(store_dir, read_only=True)
    assert xining not in store.graphs()
    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English message
    with pytest.raises(StoreError, match="read-only"):
        store.drop_graph(GRAPH_BASE + "data/chains/pv.ttl")


def test_gaps_on_a_directory_store_equals_the_bundled_data(store_dir):
    assert cli("load", "--store", str(store_dir), "--example").exit_code == 0
    for args in (["--format", "json"], ["--lang", "en", "--chain", "光伏"], ["--all"]):
        memory = cli("gaps", *args)
        directory = cli("gaps", "--store", str(store_dir), *args)
        assert memory.exit_code == directory.exit_code == 0
        assert directory.output == memory.output


def _big_file(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(f'<{EX}s{i}> <{EX}p{i % 7}> "value {i}" .\n' for i in range(n))


@pytest.mark.parametrize(
    ("replace", "suffix"),
    [(False, "ttl"), (False, "nt"), (True, "ttl")],
    ids=["new-turtle", "new-ntriples", "replace"],
)
def test_a_load_killed_halfway_leaves_the_store_as_it_was(tmp_path, store_dir, replace, suffix):
    big = tmp_path / f"big.{suffix}"
    args = ["load", "--lang", "en", "--store", str(store_dir), "-v", str(big)]
    if replace:
        big.write_text(TTL, encoding="utf-8")
        assert run_cli("load", "--store", str(store_dir), str(big)).returncode == 0
        args.append("--replace")
        first = graph_for_file(big)  # graphs are named by content: the new one gets another
    else:
        close(open_store(store_dir))
    store = open_store(store_dir, read_only=True)
    before, records = len(store), store.graph_records()
    close(store)
    _big_file(big, 300_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph.cli", *args], stderr=subprocess.PIPE, text=True
    )
    try:
        for line in process.stderr:
            if line.startswith("writing 300,000 triples"):
                break
        time.sleep(0.3)
        assert process.poll() is None, "the load finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    reader = open_store(store_dir, read_only=True)  # sees nothing of the killed load
    assert (len(reader), reader.graph_records()) == (before, records)
    assert not reader.ask(f"ASK {{ <{EX}s1> ?p ?o }}")
    assert graph_for_file(big) not in reader.graphs()
    if replace:
        assert first in reader.graphs()
    close(reader)
    store = open_store(store_dir)  # the next writer cleans up
    assert len(store) == before
    assert store.graph_records() == records
    assert store_module.PENDING_GRAPH not in store.graphs()


@pytest.mark.parametrize("holder_writes", [True, False], ids=["writer-holds", "reader-holds"])
def test_one_writer_or_many_readers(tmp_path, store_dir, holder_writes):
    """Oxigraph leaves reading during another process's write undefined: a writer excludes
    everyone, readers exclude writers only; each refused process says why, without a trace."""
    path = tmp_path / "facts.ttl"
    path.write_text(TTL, encoding="utf-8")
    close(open_store(store_dir))
    holder = subprocess.Popen(
        [
            sys.executable, "-c",
            "import sys, time; from chaingraph.store import open_store; "
            "s = open_store(sys.argv[1], read_only=sys.argv[2] == 'read'); "
            "print('ready', flush=True); time.sleep(60)",
            str(store_dir), "write" if holder_writes else "read",
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        writer = run_cli("load", "--store", str(store_dir), str(path), timeout=60)
        assert writer.returncode == 2
        assert "is locked by another process" in writer.stderr
        assert "Traceback" not in writer.stderr
        reader = run_cli(
            "query", "--store", str(store_dir), "ASK { pv:wafer a cg:Stage }", timeout=60
        )
        if holder_writes:
            assert reader.returncode == 2 and "is being written by another process" in reader.stderr
            assert "Traceback" not in reader.stderr
        else:
            assert (reader.returncode, reader.stdout) == (0, "true\n")
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert run_cli("load", "--store", str(store_dir), str(path), timeout=60).returncode == 0


def test_memory_store_bulk_loads_too(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BULK_MIN_BYTES", 1)
    monkeypatch.setattr(store_module, "_BULK_SLICE_BYTES", 60)
    path = tmp_path / "facts.nt"
    path.write_text(SAME_DATA["facts.nt"], encoding="utf-8")
    store = open_store(example=False)
    before = len(store)
    assert store.load_file(path) == 3
    assert len(store) == before + 3 + 6  # the triples and their load record
    assert store_module.PENDING_GRAPH not in store.graphs()
    with pytest.raises(StoreError, match="already loaded"):
        store.load_files([path])
