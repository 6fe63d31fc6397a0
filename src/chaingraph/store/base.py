"""The store interface: what every chaingraph store offers, embedded or remote.

A store is a SPARQL-queryable dataset of named graphs, one graph per loaded file, whose default
graph is the union of its named graphs. :class:`Store` is the contract; the backends are
:class:`~chaingraph.store.oxigraph.OxigraphStore` (embedded, in memory or in a directory) and
:class:`~chaingraph.store.remote.RemoteStore` (a SPARQL 1.1 endpoint). Loading (parsing, graph
names, load records) is written once, in :mod:`chaingraph.store.loading`, on top of this
interface: a backend only writes what the loader hands it (:meth:`Store.write_parsed`).

A new backend subclasses :class:`Store`, implements the abstract methods, and is chosen by
:func:`chaingraph.store.open_store` from the location it is given.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..messages import ChaingraphError
from ..namespaces import PREFIXES, curie
from ..resources import GRAPH_BASE

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from .loading import Parsed

# rdflib is imported where its terms are made, not here: `chaingraph gaps` reads plain values
# and Oxigraph terms only, and rdflib's import is a sizeable part of its start-up.

__all__ = [
    "FILE_GRAPH_BASE",
    "META_GRAPH",
    "PENDING_GRAPH",
    "LoadRecord",
    "QueryResults",
    "Rows",
    "Store",
    "StoreError",
    "StoreSyntaxError",
    "Triples",
    "plain_value",
    "to_oxigraph",
    "to_rdflib",
]

META_GRAPH = GRAPH_BASE + "loads"
FILE_GRAPH_BASE = GRAPH_BASE + "file/"
PENDING_GRAPH = GRAPH_BASE + "loads/pending"

_DCT = "http://purl.org/dc/terms/"
_PROV = "http://www.w3.org/ns/prov#"
_VOID = "http://rdfs.org/ns/void#"
_XSD = "http://www.w3.org/2001/XMLSchema#"

Progress = Callable[[str, int, int], None]  # (what, done, total)
Bindings = "Mapping[str, Node] | None"  # rdflib terms by variable
QueryResults = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class StoreError(ChaingraphError):
    """A store could not be opened, read or written; the message says how to fix it."""


class StoreSyntaxError(StoreError):
    """A query or update that is not valid SPARQL (the message says where)."""

    @classmethod
    def from_parser(cls, text: str, error: Exception) -> StoreSyntaxError:
        """Oxigraph's syntax error (``error at LINE:COLUMN: reason``) as a one-line error that
        quotes the text where it went wrong.

        >>> error = SyntaxError("error at 3:1: expected one of ...")
        >>> StoreSyntaxError.from_parser("SELECT ?s WHERE {\\n  ?s ?p\\n}", error).text("en")
        "SPARQL syntax error at line 3, column 1 (near '}'): expected one of ..."
        """
        message = str(error)
        found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
        if not found:
            return cls("sparql.syntax", reason=message)
        line, column = int(found[1]), int(found[2])
        lines = text.splitlines() or [""]
        near = lines[min(line, len(lines)) - 1].strip()[:60]  # the line, as people read it
        return cls("sparql.syntax_at", line=line, column=column, near=near, reason=found[3].strip())


class Triples(list):
    """CONSTRUCT/DESCRIBE results: a list of ``(s, p, o)`` rdflib terms; ``graph()`` for rdflib."""

    def graph(self) -> Graph:
        """The triples as an rdflib Graph with the chaingraph prefixes bound."""
        graph = new_graph()
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
    # an importer's report (a Message or a string), shown after a load, not stored
    summary: object = field(default=None, compare=False)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


# -- terms ------------------------------------------------------------------------------------


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """Convert an Oxigraph term to the equivalent rdflib term."""
    from rdflib.term import BNode, Literal, URIRef

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


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the equivalent Oxigraph term."""
    from rdflib.term import BNode, Literal, URIRef

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
    >>> from rdflib import Literal, URIRef
    >>> plain_value(Literal("10.0", datatype=URIRef(_XSD + "decimal")))
    10.0
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return curie(term.value)
    if kind is ox.BlankNode:
        return term.value
    if kind is not ox.Literal:
        return plain_value(to_oxigraph(term))
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


def new_graph() -> Graph:
    """An empty rdflib Graph with the chaingraph prefixes bound."""
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def collect(result: QueryResults) -> Rows | bool | Triples:
    """Oxigraph query results as Rows, a bool or Triples (rdflib terms)."""
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


def triples_result(triples: Iterable) -> ox.QueryTriples:
    """Parsed triples (from a server or a worker) as Oxigraph's own CONSTRUCT result.

    Oxigraph makes :class:`pyoxigraph.QueryTriples` only as a query's answer, so the triples
    go into a small in-memory store that answers ``CONSTRUCT WHERE { ?s ?p ?o }``.
    """
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


# -- the interface ----------------------------------------------------------------------------


class Store(ABC):
    """A SPARQL-queryable dataset of named graphs. Use :func:`~chaingraph.store.open_store`.

    Reading: :meth:`query_results` (Oxigraph's own result objects), :meth:`select`,
    :meth:`select_plain`, :meth:`ask`, :meth:`construct`, :meth:`query` (rdflib terms),
    :meth:`graphs`, :meth:`graph_records`, :meth:`dump`, ``len()``. Writing: :meth:`update`,
    :meth:`load_files`, :meth:`load_file`, :meth:`load_data`, :meth:`drop_graph`,
    :meth:`flush`. A store is a context manager that closes (and unlocks) on exit.

    Queries see the union of the named graphs as their default graph, and have the chaingraph
    prefixes (``cg:``, ``pv:``, ``skos:``, ...) predefined. ``bindings`` fix variables to values
    before the query runs, as rdflib's ``initBindings``; ``timeout`` (seconds) stops a query
    that runs longer, with a :class:`StoreError`.

    Attributes
    ----------
    location : str or None
        The directory or URL of the store, ``None`` for the in-memory store.
    read_only : bool
        Writing methods raise :class:`StoreError` when true.
    """

    location: str | None = None
    read_only: bool = False
    # Hosts that SERVICE and LOAD may reach (see :mod:`chaingraph.safety`); none by default.
    allow_hosts: tuple[str, ...] = ()

    def guard(self, text: str, base_iri: str | None = None) -> None:
        """Refuse ``text`` if it would make a request to another host.

        Every backend calls this in :meth:`query_results` and :meth:`update`, so no path that
        evaluates SPARQL can skip the outbound-request guard (:func:`~chaingraph.safety.
        check_outbound`). A text without SERVICE, LOAD, FROM or USING is not parsed, and
        parses are cached per text, so the library's own queries cost little.

        Raises
        ------
        chaingraph.safety.OutboundRefused
            SERVICE or LOAD names a host not in :attr:`allow_hosts`, or FROM/USING names a
            graph that is not in the store.
        StoreSyntaxError
            The text is not SPARQL the guard can read.
        """
        from ..safety import guard_text

        guard_text(text, self.allow_hosts, self.graphs, base_iri)

    @contextmanager
    def allowing(self, hosts: Sequence[str]) -> Iterator[Store]:
        """Let SERVICE and LOAD reach ``hosts`` (too) for the time of a ``with`` block."""
        previous = self.allow_hosts
        self.allow_hosts = (*previous, *hosts)
        try:
            yield self
        finally:
            self.allow_hosts = previous

    # -- what a backend implements --------------------------------------------------------------

    @abstractmethod
    def query_results(
        self,
        query: str,
        bindings: Bindings = None,
        *,
        timeout: float | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResults:
        """Run any query; Oxigraph's own result object.

        Parameters
        ----------
        query : str
            A SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).
        bindings : mapping of str to rdflib term, optional
            Variables fixed before the query runs.
        timeout : float, optional
            Seconds after which the query is stopped (:class:`StoreError`).
        default_graphs, named_graphs : sequence of str, optional
            The dataset, as the SPARQL protocol's ``default-graph-uri`` and
            ``named-graph-uri`` (they override the query's ``FROM``); by default the query's
            own ``FROM`` / ``FROM NAMED``, and without those the union of the named graphs
            (:mod:`chaingraph.store.dataset`).
        base_iri : str, optional
            What relative IRIs resolve against (default
            :data:`~chaingraph.store.dataset.DEFAULT_BASE`; a remote store leaves them to
            the server).

        Returns
        -------
        pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean or pyoxigraph.QueryTriples
            Serialise them with their ``serialize(format=...)`` (Oxigraph's W3C writers).

        Raises
        ------
        StoreSyntaxError
            The query is not valid SPARQL (a remote store raises a StoreError with the
            server's message).
        StoreError
            The query failed or ran out of time.
        """

    @abstractmethod
    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None:
        """Run a SPARQL update, all or nothing (the chaingraph prefixes are predefined)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted (the metadata graph included)."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads in the named graphs."""

    @abstractmethod
    def write_parsed(
        self, parsed: list[Parsed], replacing: bool, when: str, progress: Progress | None = None
    ) -> None:
        """Write parsed files and their load records (loading's one primitive).

        All or nothing: ``replacing`` says that some graphs exist and are replaced (their
        old triples and records go in the same transaction). Called by
        :mod:`chaingraph.store.loading` only, after every check.
        """

    can_bulk_load: bool = False
    """Whether large files may be handed over unparsed (``Parsed.quads is None``)."""

    def dump(
        self, format: ox.RdfFormat = ox.RdfFormat.N_QUADS, *, graph: str | None = None
    ) -> bytes:
        """Serialise the whole store (a dataset format), or one named graph (any RDF format)."""
        from rdflib import URIRef

        graphs = [graph] if graph else self.graphs()
        quads = []
        for name in graphs:
            target = ox.NamedNode(name)
            result = self.query_results(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                {"g": URIRef(name)},
            )
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in result)
        if graph and not format.supports_datasets:
            quads = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        return ox.serialize(quads, format=format, prefixes=PREFIXES) or b""

    def flush(self) -> None:  # noqa: B027 - optional: most backends persist as they go
        """Make what was written durable (a no-op where every write already is)."""

    def close(self) -> None:  # noqa: B027 - optional: nothing to release by default
        """Release the store (and its locks); the object is unusable after."""

    def recover(self) -> list[str]:
        """Drop what an interrupted load left behind; the graphs dropped (none by default)."""
        return []

    # -- built on the above ---------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def query(
        self, query: str, bindings: Bindings = None, *, timeout: float | None = None
    ) -> Rows | bool | Triples:
        """Run any query: Rows for SELECT, bool for ASK, Triples for CONSTRUCT/DESCRIBE."""
        return collect(self.query_results(query, bindings, timeout=timeout))

    def select(
        self, query: str, bindings: Bindings = None, *, timeout: float | None = None
    ) -> Rows:
        """Run a SELECT query; each row maps variable names to rdflib terms (unbound ones
        left out)."""
        result = self.query(query, bindings, timeout=timeout)
        if not isinstance(result, Rows):
            raise StoreError("store.not_select")
        return result

    def select_plain(self, query: str) -> list[dict[str, str | int | float]]:
        """Run a SELECT query; cells as plain values (:func:`plain_value`), unbound ones left out.

        What the projection uses: no rdflib terms are built, which at a million triples saves
        most of the time a region's projection spends outside Oxigraph.

        >>> from chaingraph.store import open_store
        >>> open_store().select_plain("SELECT ?s ?p WHERE { VALUES (?s ?p) { (pv:wafer 4) } }")
        [{'s': 'pv:wafer', 'p': 4}]
        """
        result = self.query_results(query)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("store.not_select")
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

    def ask(self, query: str, bindings: Bindings = None, *, timeout: float | None = None) -> bool:
        """Run an ASK query."""
        result = self.query(query, bindings, timeout=timeout)
        if not isinstance(result, bool):
            raise StoreError("store.not_ask")
        return result

    def construct(
        self, query: str, bindings: Bindings = None, *, timeout: float | None = None
    ) -> Triples:
        """Run a CONSTRUCT (or DESCRIBE) query; the resulting triples as rdflib terms.

        >>> from chaingraph.store import open_store
        >>> triples = open_store().construct(
        ...     "CONSTRUCT { pv:wafer cg:next ?n } WHERE { pv:wafer cg:nextStage ?n }")
        >>> [o.split("/")[-1] for _, _, o in triples]
        ['cell']
        """
        result = self.query(query, bindings, timeout=timeout)
        if not isinstance(result, Triples):
            raise StoreError("store.not_construct")
        return result

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

    def loaded(self) -> dict[str, LoadRecord]:
        """The load records by graph IRI."""
        return {r.graph: r for r in self.graph_records()}

    def check_writable(self) -> None:
        """Raise :class:`StoreError` if the store was opened read-only."""
        if self.read_only:
            raise StoreError("store.read_only", location=self.location)

    def drop_graph(self, graph: str) -> LoadRecord | None:
        """Remove a named graph and its load record in one transaction; returns the record."""
        self.check_writable()
        records = self.loaded()
        if graph not in records and graph not in self.graphs():
            raise StoreError("store.no_graph", graph=graph)
        target = ox.NamedNode(graph)
        self.update(
            f"DROP SILENT GRAPH {target} ; "
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {target} ?p ?o }} }}"
        )
        self.flush()
        return records.get(graph)

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
        """Load files, each into its own named graph, all or nothing (see
        :func:`chaingraph.store.loading.load_files`)."""
        from .loading import load_files

        return load_files(
            self,
            paths,
            format=format,
            replace=replace,
            progress=progress,
            graphs=graphs,
            options=options,
            example=example,
        )

    def load_file(
        self,
        path: str | os.PathLike[str],
        graph: str | None = None,
        *,
        format: str | ox.RdfFormat | None = None,
        replace: bool = True,
    ) -> int:
        """Load one RDF file into ``graph`` (default :func:`~.loading.graph_for_file`); its
        triple count."""
        from .loading import load_file

        return load_file(self, path, graph, format=format, replace=replace)

    def load_data(
        self, data: str | bytes, graph: str, *, format: str | ox.RdfFormat, replace: bool = True
    ) -> int:
        """Load RDF text into the named graph ``graph``, replacing what it held; all or nothing."""
        from .loading import load_data

        return load_data(self, data, graph, format=format, replace=replace)
