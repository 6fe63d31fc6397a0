"""The triple store: Oxigraph underneath, rdflib terms on top.

Every command opens its graph through :func:`open_store`. With no location the bundled data is
loaded into memory; a directory is an embedded persistent Oxigraph store, created with the
bundled ontology and chain templates on first use.

Each loaded file lives in its own named graph; queries see the union of all graphs. Every load
is recorded in the metadata graph :data:`META_GRAPH` (file name, sha256, triple count, time),
and a load is all or nothing: the files are parsed first, then written in one transaction.

Large files (:data:`BULK_MIN_BYTES` and up) take Oxigraph's bulk loader, three to five times
faster than one transaction but not atomic on its own. Such a load
is staged: its graphs are first listed in :data:`PENDING_GRAPH`, then bulk-loaded, then committed
by writing their load records in one transaction. Readers never see a graph that is pending
without a record, and the next writer drops it, so a load killed half way leaves the store as
it was.

>>> store = open_store()
>>> len(store) > 1000
True
>>> store.select("SELECT ?l WHERE { pv:wafer skos:prefLabel ?l FILTER(lang(?l) = 'en') }")
[{'l': rdflib.term.Literal('Silicon wafer', lang='en')}]
>>> store.ask("ASK { pv:wafer skos:inScheme chain:pv }")
True
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import mimetypes
import os
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import BNode, Literal, Node, URIRef

from .formats import RdfSyntax, UnknownFormat, importers, rdf_format, resolve_format
from .messages import ChaingraphError
from .namespaces import PREFIXES, curie
from .resources import GRAPH_BASE, bundled_files, bundled_path

__all__ = [
    "FILE_GRAPH_BASE",
    "META_GRAPH",
    "LoadRecord",
    "Rows",
    "Store",
    "StoreError",
    "Triples",
    "graph_for_file",
    "open_store",
    "to_rdflib",
]

STORE_ENV = "CHAINGRAPH_STORE"
META_GRAPH = GRAPH_BASE + "loads"
FILE_GRAPH_BASE = GRAPH_BASE + "file/"

_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

PENDING_GRAPH = GRAPH_BASE + "loads/pending"
# The file in a store's directory that readers and writers lock (see _Access).
ACCESS_FILE = "chaingraph.access"

# Files above this size get a progress bar (when stderr is a terminal).
PROGRESS_MIN_BYTES = 2_000_000
# RDF files from this size on are bulk-loaded into an embedded store (see the module docstring).
BULK_MIN_BYTES = 2_000_000
_BULK_SLICE_BYTES = 32_000_000  # about 250,000 N-Triples lines
_BULK_SLICE_QUADS = 250_000

Progress = Callable[[str, int, int], None]  # (what, done, total)


class StoreError(ChaingraphError):
    """A store could not be opened, read or written; the message says how to fix it."""


class Triples(list):
    """CONSTRUCT/DESCRIBE results: a list of ``(s, p, o)`` rdflib terms; ``graph()`` for rdflib."""

    def graph(self) -> Graph:
        """The triples as an rdflib Graph with the chaingraph prefixes bound."""
        graph = _new_graph()
        for triple in self:
            graph.add(triple)
        return graph


class Rows(list):
    """SELECT results: a list of dicts (variable -> rdflib term), with ``vars`` in query order."""

    vars: list[str]

    def __init__(self, rows: Iterable[dict[str, Node]] = (), vars: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.vars = list(vars)


@dataclass(frozen=True)
class LoadRecord:
    """What the metadata graph says about one loaded file."""

    graph: str
    name: str
    sha256: str
    triples: int
    loaded: str
    format: str
    summary: str | None = field(default=None, compare=False)  # an importer's report, not stored

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """Convert an Oxigraph term to the equivalent rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_REAL_TYPES = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


def plain_value(term) -> str | int | float:
    """A plain Python value for an Oxigraph or rdflib term.

    IRIs become CURIEs, numeric literals numbers, booleans ``"true"``/``"false"``, anything
    else its text.

    >>> plain_value(ox.NamedNode("https://w3id.org/chaingraph/chain/pv/wafer"))
    'pv:wafer'
    >>> plain_value(Literal("10.0", datatype=URIRef(_XSD + "decimal")))
    10.0
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return curie(term.value)
    if kind is ox.BlankNode:
        return term.value
    if kind is not ox.Literal:
        return plain_value(_to_oxigraph(term))
    datatype = term.datatype.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype in _REAL_TYPES:
            return float(term.value)
    except ValueError:
        return term.value
    if datatype == _XSD + "boolean":
        return "true" if term.value.strip() in ("true", "1") else "false"
    return term.value


def _to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r} in a query")


def _bundled_graphs() -> dict[Path, str]:
    return {
        bundled_path(relative).resolve(): GRAPH_BASE + relative.as_posix()
        for relative in bundled_files("all")
    }


def graph_for_file(path: str | os.PathLike[str]) -> str:
    """The named graph a file is loaded into: stable for a file, and free of its path.

    Bundled files keep their own graph (``GRAPH_BASE`` + path inside the bundle); any other
    file goes to ``FILE_GRAPH_BASE`` + the first 8 hex digits of the sha256 of its resolved
    path + ``/`` + its file name, so two files of the same name in different folders differ.

    >>> graph_for_file("/tmp/a/facts.ttl").startswith(FILE_GRAPH_BASE)
    True
    >>> graph_for_file("/tmp/a/facts.ttl").endswith("/facts.ttl")
    True
    >>> graph_for_file("/tmp/a/facts.ttl") == graph_for_file("/tmp/b/facts.ttl")
    False
    """
    resolved = Path(path).resolve()
    bundled = _bundled_graphs().get(resolved)
    if bundled:
        return bundled
    digest = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:8]
    return f"{FILE_GRAPH_BASE}{digest}/{quote(resolved.name)}"


class _CountingReader:
    """A binary reader that reports how far Oxigraph's parser has read, hashing what it reads."""

    def __init__(self, stream, total: int, name: str, progress: Progress | None) -> None:
        self._stream, self._total, self._name, self._progress = stream, total, name, progress
        self._done = 0
        self.sha256 = hashlib.sha256()
        self.blank_labels = False  # "_:" seen anywhere (in a literal too: erring on the safe side)
        self._tail = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._done += len(chunk)
        self.sha256.update(chunk)
        self.blank_labels = self.blank_labels or b"_:" in self._tail + chunk[:1] or b"_:" in chunk
        self._tail = chunk[-1:]
        if self._progress is not None:
            self._progress(self._name, self._done, self._total)
        return chunk


@dataclass
class _Parsed:
    """A file ready to write: its quads, or (``quads is None``) a checked file to bulk-load."""

    name: str
    graph: str
    quads: list[ox.Quad] | None
    sha256: str
    format: str
    summary: str | None = None
    source: Path | None = None
    syntax: RdfSyntax | None = None
    count: int = 0  # statements read (a file that repeats one counts it twice)
    sliced: bool = False  # bulk-load in slices of lines: N-Triples without blank nodes

    @property
    def triples(self) -> int:
        return self.count if self.quads is None else len(self.quads)


def _syntax_error(name: str, error: SyntaxError) -> StoreError:
    if error.lineno:
        where = f"{name}:{error.lineno}:{error.offset or 1}"
        return StoreError(
            f"{where}: {error.msg}. Fix the file and load it again; nothing was loaded."
        )
    return StoreError(f"{name}: {error.msg}. Fix the file and load it again; nothing was loaded.")


def _check_jsonld_contexts(name: str, data: bytes) -> None:
    """Refuse JSON-LD that refers to a remote context: chaingraph never fetches from the web."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise StoreError(f"{name}: not valid JSON: {error}; nothing was loaded.") from None

    def remote(value) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            return next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, dict) and isinstance(value.get("@import"), str):
            return value["@import"]
        return None

    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "@context" in node and (iri := remote(node["@context"])):
                raise StoreError(
                    f"{name}: the JSON-LD @context {iri!r} is remote, and chaingraph makes no "
                    "outbound requests. Inline the context in the file and load it again; "
                    "nothing was loaded."
                )
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def parse_rdf(
    data: bytes | str,
    graph: str,
    syntax: RdfSyntax,
    name: str,
    progress: Progress | None = None,
) -> list[ox.Quad]:
    """Parse RDF into quads of the named graph ``graph``; nothing is written anywhere.

    Named graphs inside TriG or N-Quads are merged into ``graph`` so that the file can be
    replaced or dropped as a whole.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if syntax.oxigraph == ox.RdfFormat.JSON_LD:
        _check_jsonld_contexts(name, raw)
    target = ox.NamedNode(graph)
    source = raw
    if progress is not None and len(raw) >= PROGRESS_MIN_BYTES:
        import io

        source = _CountingReader(io.BytesIO(raw), len(raw), name, progress)
    # Blank nodes get new ids, so that two files' _:b1 stay two nodes (as in the bulk loader).
    parser = ox.parse(source, format=syntax.oxigraph, base_iri=graph, rename_blank_nodes=True)
    try:
        quads = dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, target) for q in parser)
    except SyntaxError as error:
        raise _syntax_error(name, error) from None
    return list(quads)


def _scan_rdf(path: Path, syntax: RdfSyntax, graph: str, progress: Progress | None) -> _Parsed:
    """Check a file's syntax, count its triples and hash it in one streaming pass; keep nothing."""
    if syntax.oxigraph == ox.RdfFormat.JSON_LD:
        _check_jsonld_contexts(path.name, path.read_bytes())
    count = 0
    with path.open("rb") as stream:
        reader = _CountingReader(stream, path.stat().st_size, path.name, progress)
        try:
            for _ in ox.parse(reader, format=syntax.oxigraph, base_iri=graph):
                count += 1
        except SyntaxError as error:
            raise _syntax_error(path.name, error) from None
    digest = reader.sha256.hexdigest()
    parsed = _Parsed(path.name, graph, None, digest, syntax.media_type, None, path, syntax, count)
    parsed.sliced = syntax.oxigraph == ox.RdfFormat.N_TRIPLES and not reader.blank_labels
    return parsed


def _parse_file(
    path: Path,
    format: str | None,
    graph: str | None,
    progress: Progress | None,
    store: Store | None = None,
    options: Mapping[str, object] | None = None,
    *,
    bulk: bool = False,
) -> _Parsed:
    """Parse (or, with ``bulk`` and a large RDF file, only check) one file for loading."""
    if not path.is_file():
        raise StoreError(f"{path.name}: no such file")
    try:
        kind = resolve_format(path, format)
    except UnknownFormat as error:
        raise StoreError(error.code, **error.params) from None
    graph = graph or graph_for_file(path)
    if bulk and not isinstance(kind, str) and path.stat().st_size >= BULK_MIN_BYTES:
        return _scan_rdf(path, kind, graph, progress)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if isinstance(kind, str):  # a registered importer (e.g. company sheets)
        name, importer = importers()[kind]
        rdf, summary = importer(path, graph, store, **(options or {}))
        if isinstance(rdf, bytes | str):
            quads = parse_rdf(rdf, graph, rdf_format("turtle"), path.name)
        else:
            quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in rdf]
        media = mimetypes.guess_type(path.name)[0] or name
        return _Parsed(path.name, graph, quads, digest, media, summary)
    quads = parse_rdf(data, graph, kind, path.name, progress)
    return _Parsed(path.name, graph, quads, digest, kind.media_type)


def _record_quads(parsed: _Parsed, when: str) -> list[ox.Quad]:
    meta = ox.NamedNode(META_GRAPH)
    g = ox.NamedNode(parsed.graph)

    def lit(value: str, datatype: str | None = None) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)

    return [
        ox.Quad(g, _RDF_TYPE, ox.NamedNode(_PROV + "Entity"), meta),
        ox.Quad(g, ox.NamedNode(_DCT + "title"), lit(parsed.name), meta),
        ox.Quad(g, ox.NamedNode(_DCT + "format"), lit(parsed.format), meta),
        ox.Quad(g, ox.NamedNode(_DCT + "identifier"), lit("sha256:" + parsed.sha256), meta),
        ox.Quad(
            g, ox.NamedNode(_VOID + "triples"), lit(str(parsed.triples), _XSD + "integer"), meta
        ),
        ox.Quad(g, ox.NamedNode(_PROV + "generatedAtTime"), lit(when, _XSD + "dateTime"), meta),
    ]


def _sparql_term(term) -> str:
    return str(term)  # Oxigraph's N-Triples form, which SPARQL accepts as it is


class Store:
    """A SPARQL-queryable dataset. Use :func:`open_store` to get one.

    The public methods (``select``, ``ask``, ``construct``, ``update``, ``load_file``,
    ``load_data``, ``load_files``, ``graphs``, ``graph_records``, ``drop_graph``, ``len()``,
    ``close()``) are the interface every store offers, embedded or remote; the query command and
    :func:`chaingraph.query` only need ``select``/``ask``/``construct`` (each taking
    ``timeout=``) and ``graphs``. A store is a context manager that closes (and unlocks) on exit.
    """

    _hidden: frozenset[str] | set[str] = frozenset()

    def __init__(self, inner: ox.Store, location: str | None, *, read_only: bool = False) -> None:
        self._inner = inner
        self.location = location
        self.read_only = read_only
        # Graphs of a bulk load that has not committed (or was killed): hidden from every query.
        self._hidden = self._uncommitted()

    def __len__(self) -> int:
        if not self._hidden:
            return len(self._inner)
        hidden = sum(
            1
            for g in (*self._hidden, PENDING_GRAPH)
            for _ in self._inner.quads_for_pattern(None, None, None, ox.NamedNode(g))
        )
        return len(self._inner) - hidden

    def __repr__(self) -> str:
        where = self.location or "memory"
        if self._inner is None:
            return f"<chaingraph.Store {where}: closed>"
        return f"<chaingraph.Store {where}: {len(self)} triples>"

    _access: _Access | None = None

    def close(self) -> None:
        """Release the store (and a directory store's lock); the object is unusable after."""
        self._inner = None
        if self._access is not None:
            self._access.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------

    def _run(self, query: str, bindings: Mapping[str, Node] | None):
        substitutions = (
            {ox.Variable(k): _to_oxigraph(v) for k, v in bindings.items()} if bindings else None
        )
        graphs = {"use_default_graph_as_union": True}
        if self._hidden:
            visible = [ox.NamedNode(g) for g in self.graphs()]
            graphs = {"default_graph": [ox.DefaultGraph(), *visible], "named_graphs": visible}
        try:
            return self._inner.query(
                query, prefixes=PREFIXES, substitutions=substitutions, **graphs
            )
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from None
        except OSError as error:
            raise StoreError(f"query failed: {error}") from None

    def _timed(self, op: str, query: str, bindings, timeout: float | None):
        if timeout is None:
            return _collect(self._run(query, bindings))
        return self._in_worker(op, query, bindings, timeout)

    def select(
        self,
        query: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> Rows:
        """Run a SELECT query; each row maps variable names to rdflib terms (unbound ones left out).

        ``bindings`` fixes variables to values before the query runs, as in rdflib's
        ``initBindings``. The chaingraph prefixes (``cg:``, ``pv:``, ``skos:``, ...) are predefined.
        ``timeout`` (seconds) runs the query in a worker process that is killed when time is up.
        """
        result = self._timed("query", query, bindings, timeout)
        if not isinstance(result, Rows):
            raise StoreError("not a SELECT query; use ask() or construct()")
        return result

    def select_plain(self, query: str) -> list[dict[str, str | int | float]]:
        """Run a SELECT query; cells as plain values (:func:`plain_value`), unbound ones left out.

        What the projection uses: no rdflib terms are built, which at a million triples saves
        most of the time a region's projection spends outside Oxigraph.

        >>> open_store().select_plain("SELECT ?s ?p WHERE { VALUES (?s ?p) { (pv:wafer 4) } }")
        [{'s': 'pv:wafer', 'p': 4}]
        """
        result = self._run(query, None)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("not a SELECT query; use ask() or construct()")
        names = [v.value for v in result.variables]
        # The same IRIs and short literals (stages, units, years) recur in thousands of rows:
        # converting each once makes this nearly as fast as reading the solutions at all.
        seen: dict[object, str | int | float] = {}
        rows = []
        for solution in result:
            row = {}
            for name, term in zip(names, solution, strict=True):
                if term is None:
                    continue
                value = seen.get(term)
                if value is None:
                    value = plain_value(term)
                    if type(term) is ox.NamedNode or len(term.value) < 32:
                        seen[term] = value
                row[name] = value
            rows.append(row)
        return rows

    def ask(
        self,
        query: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> bool:
        result = self._timed("query", query, bindings, timeout)
        if not isinstance(result, bool):
            raise StoreError("not an ASK query; use select() or construct()")
        return result

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> Triples:
        """Run a CONSTRUCT (or DESCRIBE) query; the resulting triples as rdflib terms.

        >>> triples = open_store().construct(
        ...     "CONSTRUCT { pv:wafer cg:next ?n } WHERE { pv:wafer cg:nextStage ?n }")
        >>> [o.split("/")[-1] for _, _, o in triples]
        ['cell']
        """
        result = self._timed("query", query, bindings, timeout)
        if not isinstance(result, Triples):
            raise StoreError("expected a CONSTRUCT or DESCRIBE query, got a SELECT or ASK query")
        return result

    def query(
        self,
        query: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        timeout: float | None = None,
    ) -> Rows | bool | Triples:
        """Run any query: Rows for SELECT, bool for ASK, Triples for CONSTRUCT/DESCRIBE."""
        return self._timed("query", query, bindings, timeout)

    def update(self, update: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL UPDATE in one transaction (all or nothing)."""
        self._writable()
        if timeout is not None:
            self._in_worker("update", update, None, timeout)
            return
        try:
            self._inner.update(update, prefixes=PREFIXES)
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from None
        except (OSError, RuntimeError) as error:
            raise StoreError(f"update failed, nothing was changed: {error}") from None

    def graphs(self) -> list[str]:
        hidden = self._hidden | {PENDING_GRAPH} if self._hidden else set()
        return sorted(g.value for g in self._inner.named_graphs() if g.value not in hidden)

    def graph_records(self) -> list[LoadRecord]:
        """The metadata graph's record of every loaded file, by graph IRI."""
        rows = self.select(
            f"""SELECT ?g ?name ?sha ?n ?t ?fmt WHERE {{ GRAPH <{META_GRAPH}> {{
                 ?g a prov:Entity ; dcterms:title ?name ; dcterms:identifier ?sha ;
                    <{_VOID}triples> ?n ; prov:generatedAtTime ?t ; dcterms:format ?fmt }} }}
               ORDER BY ?g"""
        )
        return [
            LoadRecord(
                str(r["g"]),
                str(r["name"]),
                str(r["sha"]).removeprefix("sha256:"),
                int(r["n"]),
                str(r["t"]),
                str(r["fmt"]),
            )
            for r in rows
        ]

    # -- writing -------------------------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"store {self.location} was opened read-only; open it with open_store(..., "
                "read_only=False) to change it"
            )

    def load_files(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        format: str | None = None,
        replace: bool = False,
        progress: Progress | None = None,
        graphs: Sequence[str] | None = None,
        options: Mapping[str, object] | None = None,
        example: bool = False,
    ) -> list[LoadRecord]:
        """Load files, each into its own named graph (:func:`graph_for_file`), all or nothing.

        Every file is parsed before anything is written; then the graphs and their records
        go in with one transaction. A file already loaded is an error unless ``replace``.
        ``options`` go to importers of non-RDF files (``skip_bad_rows=True`` for sheets);
        ``example`` adds the bundled Xining facts to the same transaction. A store without
        the bundled ontology and chain templates gets them too.
        """
        self._writable()
        bulk = self._can_bulk_load()
        parsed: list[_Parsed] = []
        for i, p in enumerate(paths):
            # An importer (a company sheet) resolves names against the store and against the
            # files of the batch before it, so one batch loads like the same files one by one.
            view = _BatchView(self, parsed) if any(q.quads for q in parsed) else self
            graph = graphs[i] if graphs else None
            parsed.append(_parse_file(Path(p), format, graph, progress, view, options, bulk=bulk))
        if example:
            parsed += _bundled_parsed("example")
        if GRAPH_BASE + "ontology/chaingraph.ttl" not in self.graphs():
            # A store that never had the ontology and chain templates (an empty SPARQL server):
            # they go in with the first load, so names and stages resolve.
            parsed = _bundled_parsed("base") + parsed
        return self._write(parsed, replace, progress)

    def load_file(
        self,
        path: str | os.PathLike[str],
        graph: str | None = None,
        *,
        format: str | ox.RdfFormat | None = None,
        replace: bool = True,
    ) -> int:
        """Load one RDF file into ``graph`` (default :func:`graph_for_file`); its triple count."""
        if isinstance(format, ox.RdfFormat):
            format = format.media_type
        self._writable()
        bulk = self._can_bulk_load()
        parsed = _parse_file(Path(path), format, graph, None, self, bulk=bulk)
        return self._write([parsed], replace, None)[0].triples

    def load_data(
        self, data: str | bytes, graph: str, *, format: str | ox.RdfFormat, replace: bool = True
    ) -> int:
        """Load RDF text into the named graph ``graph``, replacing what it held; all or nothing."""
        from .formats import rdf_format

        self._writable()
        syntax = rdf_format(format.media_type if isinstance(format, ox.RdfFormat) else format)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        quads = parse_rdf(raw, graph, syntax, graph)
        parsed = _Parsed(graph, graph, quads, hashlib.sha256(raw).hexdigest(), syntax.media_type)
        return self._write([parsed], replace, None)[0].triples

    def _loaded(self) -> dict[str, LoadRecord]:
        return {r.graph: r for r in self.graph_records()}

    def _write(
        self, parsed: list[_Parsed], replace: bool, progress: Progress | None
    ) -> list[LoadRecord]:
        seen: dict[str, str] = {}
        for p in parsed:
            if p.graph in seen:
                raise StoreError(f"{p.name} and {seen[p.graph]} are the same file; load it once")
            seen[p.graph] = p.name
        records = self._loaded()
        existing = set(self.graphs())
        present = [p for p in parsed if p.graph in records or p.graph in existing]
        if present and not replace:
            first = present[0]
            when = records[first.graph].loaded if first.graph in records else "earlier"
            raise StoreError(
                f"{first.name} is already loaded (graph <{first.graph}>, loaded {when}); "
                "use --replace to replace it. Nothing was loaded."
            )
        when = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        total = sum(p.triples for p in parsed)
        if progress is not None:
            progress("writing", 0, total)
        self._write_parsed(parsed, bool(present), when, progress)
        if progress is not None:
            progress("writing", total, total)
        self.flush()
        return [
            LoadRecord(p.graph, p.name, p.sha256, p.triples, when, p.format, p.summary)
            for p in parsed
        ]

    def _can_bulk_load(self) -> bool:
        return type(self) is Store  # embedded, in a directory or in memory; not a server

    def _write_parsed(
        self, parsed: list[_Parsed], replacing: bool, when: str, progress: Progress | None = None
    ) -> None:
        """Write parsed files and their load records in one transaction (or a staged bulk load)."""
        if any(p.quads is None for p in parsed):
            if replacing:
                # A replaced graph must stay visible until its successor commits, which only
                # one transaction gives: parse the checked files now and take that path.
                for p in parsed:
                    if p.quads is None:
                        p.quads = parse_rdf(p.source.read_bytes(), p.graph, p.syntax, p.name)
            else:
                self._bulk_write(parsed, when, progress)
                return
        try:
            if not replacing:
                # Oxigraph's extend() writes everything or nothing.
                quads = [q for p in parsed for q in (*p.quads, *_record_quads(p, when))]
                self._inner.extend(quads)
            else:
                self._inner.update(self._replace_update(parsed, when))
        except (OSError, RuntimeError) as error:
            raise StoreError(f"writing to the store failed, nothing was loaded: {error}") from None

    def _bulk_write(self, parsed: list[_Parsed], when: str, progress: Progress | None) -> None:
        """Stage, bulk-load, then commit with the load records in one transaction."""
        staged = [p for p in parsed if p.quads is None]
        pending = ox.NamedNode(PENDING_GRAPH)
        self._inner.extend(
            ox.Quad(
                ox.NamedNode(p.graph), ox.NamedNode(_DCT + "title"), ox.Literal(p.name), pending
            )
            for p in staged
        )
        self._inner.flush()
        try:
            for p in staged:
                self._bulk_load(p, progress)
            quads = [q for p in parsed for q in (*(p.quads or ()), *_record_quads(p, when))]
            self._inner.extend(quads)  # the commit: from here on the graphs are loaded
        except (OSError, RuntimeError) as error:
            self.recover()
            raise StoreError(f"writing to the store failed, nothing was loaded: {error}") from None
        self._inner.update(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")

    def _bulk_load(self, parsed: _Parsed, progress: Progress | None) -> None:
        """Bulk-load a checked file in slices, which bounds the loader's memory (and is faster).

        N-Triples without blank nodes is cut at line ends (a statement never spans lines; the
        bulk loader gives each call's blank nodes new ids, so a file with blank nodes goes in
        one call); datasets go in slices of quads with their graph names merged into the
        file's graph, as in :func:`parse_rdf`; other syntaxes in one piece.
        """
        target = ox.NamedNode(parsed.graph)
        path, syntax = parsed.source, parsed.syntax.oxigraph
        done = 0
        if parsed.sliced:
            with path.open("rb") as stream:
                while lines := stream.readlines(_BULK_SLICE_BYTES):
                    self._inner.bulk_load(b"".join(lines), format=syntax, to_graph=target)
                    done += len(lines)
                    if progress is not None:
                        progress("writing", min(done, parsed.count), parsed.count)
        elif syntax.supports_datasets:
            quads = ox.parse(
                path=str(path), format=syntax, base_iri=parsed.graph, rename_blank_nodes=True
            )
            while batch := [
                ox.Quad(q.subject, q.predicate, q.object, target)
                for q in itertools.islice(quads, _BULK_SLICE_QUADS)
            ]:
                self._inner.bulk_extend(batch)
                done += len(batch)
                if progress is not None:
                    progress("writing", done, parsed.count)
        else:
            self._inner.bulk_load(
                path=str(path), format=syntax, base_iri=parsed.graph, to_graph=target
            )

    def _uncommitted(self) -> set[str]:
        pending = ox.NamedNode(PENDING_GRAPH)
        staged = {q.subject.value for q in self._inner.quads_for_pattern(None, None, None, pending)}
        if not staged:
            return set()
        meta = ox.NamedNode(META_GRAPH)
        return {
            g
            for g in staged
            if not any(self._inner.quads_for_pattern(ox.NamedNode(g), None, None, meta))
        }

    def recover(self) -> list[str]:
        """Drop what an interrupted bulk load left behind; the graphs dropped.

        Called by :func:`open_store` for every writer, so nobody needs to call it by hand.
        """
        self._writable()
        dropped = sorted(self._uncommitted())
        if dropped or any(g.value == PENDING_GRAPH for g in self._inner.named_graphs()):
            drops = "".join(f"DROP SILENT GRAPH <{g}> ; " for g in dropped)
            self._inner.update(drops + f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
            self._inner.flush()
        self._hidden = set()
        return dropped

    @staticmethod
    def _replace_update(parsed: list[_Parsed], when: str) -> str:
        """One SPARQL UPDATE (one transaction): drop the old graphs and records, then insert."""
        parts = []
        for p in parsed:
            parts.append(f"DROP SILENT GRAPH <{p.graph}> ;")
            parts.append(f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{p.graph}> ?p ?o }} }} ;")
        parts.append("INSERT DATA {")
        for p in parsed:
            parts.append(f"GRAPH <{p.graph}> {{")
            parts.extend(
                f"{_sparql_term(q.subject)} {_sparql_term(q.predicate)} {_sparql_term(q.object)} ."
                for q in p.quads
            )
            parts.append("}")
            parts.append(f"GRAPH <{META_GRAPH}> {{")
            parts.extend(f"{q.subject} {q.predicate} {q.object} ." for q in _record_quads(p, when))
            parts.append("}")
        parts.append("}")
        return "\n".join(parts)

    def drop_graph(self, graph: str) -> LoadRecord | None:
        """Remove a named graph and its load record in one transaction; returns the record."""
        self._writable()
        records = self._loaded()
        if graph not in records and graph not in self.graphs():
            raise StoreError(f"no graph <{graph}> in the store; `chaingraph graphs` lists them")
        self._inner.update(
            f"DROP SILENT GRAPH <{graph}> ; "
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }}"
        )
        self.flush()
        return records.get(graph)

    def flush(self) -> None:
        if self.location and not self.read_only:
            self._inner.flush()

    # -- queries with a time limit ----------------------------------------------------------------

    @contextmanager
    def _released(self):
        """Close the embedded store for a moment so that a worker process may open it."""
        inner, self._inner = self._inner, None
        del inner
        gc.collect()
        try:
            yield
        finally:
            self._inner = _open_inner(Path(self.location), self.read_only)

    def _in_worker(self, op: str, text: str, bindings, timeout: float):
        request = {
            "op": op,
            "text": text,
            "bindings": {k: _to_oxigraph(v).__str__() for k, v in (bindings or {}).items()},
            "location": self.location,
        }
        with tempfile.TemporaryDirectory(prefix="chaingraph-") as tmp:
            if self.location is None:
                dump = Path(tmp) / "dump.nq"
                self._inner.dump(str(dump), format=ox.RdfFormat.N_QUADS)
                request["dump"] = str(dump)
            if op == "update" and self.location is not None:
                with self._released():
                    result = _call_worker(request, timeout)
            else:
                result = _call_worker(request, timeout)
            if op == "update" and self.location is None:
                fresh = ox.Store()
                fresh.load(path=request["dump"], format=ox.RdfFormat.N_QUADS)
                self._inner = fresh
        return result


def _call_worker(request: dict, timeout: float):
    command = [sys.executable, "-m", "chaingraph._worker"]
    try:
        done = subprocess.run(
            command, input=json.dumps(request).encode(), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise StoreError(
            f"the {request['op']} ran longer than {timeout:g} s and was stopped; nothing was "
            "changed. "
            "Narrow it (fewer patterns, a LIMIT) or give it more time with --timeout."
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StoreError(message[-1] if message else f"query worker failed ({done.returncode})")
    kind, _, payload = done.stdout.partition(b"\n")
    if kind == b"select":
        solutions = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
        return _collect(solutions)
    if kind == b"ask":
        return payload.strip() == b"true"
    if kind == b"graph":
        return _collect(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
    return None


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def _collect(result) -> Rows | bool | Triples:
    """Oxigraph query results as Rows, a bool or Triples."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = Rows(vars=names)
        # Rows repeat terms (a fact once per enclosing region, its stage, its sentence): one
        # rdflib term per distinct value keeps big results fast and a third of the memory.
        seen: dict[object, Node] = {}
        for solution in result:
            row = {}
            for name, value in zip(names, solution, strict=True):
                if value is not None:
                    term = seen.get(value)
                    if term is None:
                        term = seen[value] = to_rdflib(value)
                    row[name] = term
            rows.append(row)
        return rows
    return Triples(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in result
    )


class _BatchView:
    """A store plus the files parsed so far in a batch, for importers to read (SELECT only).

    Files checked for a bulk load (``quads is None``) are not part of it: their triples are
    read only when written.
    """

    def __init__(self, store: Store, parsed: list[_Parsed]) -> None:
        self._store = store
        self._batch = Store(ox.Store(), None)
        self._batch._inner.extend(q for p in parsed for q in p.quads or ())

    def select(self, query: str, bindings=None, **options) -> Rows:
        stored = self._store.select(query, bindings, **options)
        batch = self._batch.select(query, bindings, **options)
        return Rows([*stored, *batch], vars=stored.vars or batch.vars)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def _bundled_parsed(which: str) -> list[_Parsed]:
    parsed = []
    for relative in bundled_files(which):
        path = bundled_path(relative)
        p = _parse_file(path, None, GRAPH_BASE + relative.as_posix(), None)
        p.name = relative.as_posix()
        parsed.append(p)
    return parsed


def load_example(store: Store, *, replace: bool = False) -> list[LoadRecord]:
    """Load the bundled Xining example facts into ``store`` (all or nothing)."""
    return store.load_files([], replace=replace, example=True)


def _open_inner(path: Path, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        return ox.Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreError(
                f"store {path} is locked by another process (a `chaingraph load` or an update "
                "writing to it, or a `chaingraph serve` of it); wait for it to finish (load "
                "through the server's endpoint while it runs) and try again"
            ) from None
        raise StoreError(f"cannot open store {path}: {error}") from None


class _Access:
    """Who may use a directory store: one writer, or any number of readers (``flock`` on
    :data:`ACCESS_FILE` in the store's directory, held until the store is closed or collected).

    Oxigraph's own lock keeps out a second writer, but not readers, and reading while another
    process writes is undefined in Oxigraph (seen as hanging queries). POSIX only; elsewhere
    this lock is not taken.
    """

    def __init__(self, path: Path, *, write: bool) -> None:
        self._release = None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is a file; --store takes a directory (or nothing for memory)")
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path / ACCESS_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if write else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if write:
                raise StoreError(
                    f"store {path} is locked by another process: a `chaingraph load` or an "
                    "update is writing to it, or a command, notebook or `chaingraph serve` has "
                    "it open. Wait for it to finish (or close it) and try again; while a server "
                    "runs, load through its endpoint."
                ) from None
            raise StoreError(
                f"store {path} is being written by another process (a `chaingraph load`, an "
                "update, or a `chaingraph serve --allow-update`), and reading it now could "
                "give wrong answers. Try again when it finishes, or query the server's endpoint."
            ) from None
        # Closing the descriptor drops the lock: on release(), or when the store is collected.
        self._release = weakref.finalize(self, os.close, fd)

    def release(self) -> None:
        if self._release is not None:
            self._release()


def _opened(path: Path, read_only: bool, access: _Access | None) -> Store:
    try:
        store = Store(_open_inner(path, read_only), str(path), read_only=read_only)
    except StoreError:
        if access is not None:
            access.release()
        raise
    store._access = access
    return store


def open_store(
    location: str | os.PathLike[str] | None = None,
    *,
    example: bool = True,
    read_only: bool = False,
    lock: bool = True,
) -> Store:
    """Open the store at ``location``, or the bundled data in memory when it is ``None``.

    ``location`` defaults to the ``CHAINGRAPH_STORE`` environment variable. A new directory
    store starts with the ontology and chain templates (in one transaction); ``example`` only
    applies to the in-memory store, whose Xining facts can be left out with ``example=False``.

    A directory store has one writer or any number of readers at a time (Oxigraph leaves
    reading during another process's write undefined): a writer gets a "locked" error while
    another process reads or writes the store, a reader a "being written" error while another
    process writes it. Readers never wait for each other and see the store as it was when they
    opened it; :meth:`Store.close` (or ``with``) lets others in. ``lock=False`` skips this for
    a process whose parent holds the store for it (``chaingraph serve``'s workers).
    """
    if location is None:
        location = os.environ.get(STORE_ENV) or None
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        from .remote import RemoteStore

        return RemoteStore(location, read_only=read_only)
    if location is None:
        store = Store(ox.Store(), None)
        store._write(_bundled_parsed("all" if example else "base"), False, None)
        return store
    path = Path(location)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file; --store takes a directory (or nothing for memory)")
    is_new = not path.exists() or not any(p.name != ACCESS_FILE for p in path.iterdir())
    if not is_new and not (path / "CURRENT").is_file():
        raise StoreError(
            f"{path} is not a chaingraph store (it has files but no Oxigraph database); "
            "give --store a new or empty directory, or an existing store"
        )
    if read_only and not is_new:
        return _opened(path, True, _Access(path, write=False) if lock else None)
    store = _opened(path, False, _Access(path, write=True) if lock else None)
    store.recover()
    if len(store) == 0:
        store._write(_bundled_parsed("base"), False, None)
    if read_only:  # a new store, now created: reopen it for reading
        store.close()
        return _opened(path, True, _Access(path, write=False) if lock else None)
    return store
