"""The triple store: Oxigraph underneath, rdflib terms on top.

Every command opens its graph through :func:`open_store`. With no location the bundled data is
loaded into memory; a directory is an embedded persistent Oxigraph store, created with the
bundled ontology and chain templates on first use.

Each loaded file lives in its own named graph; queries see the union of all graphs.

>>> store = open_store()
>>> len(store) > 1000
True
>>> store.select("SELECT ?l WHERE { pv:wafer skos:prefLabel ?l FILTER(lang(?l) = 'en') }")
[{'l': rdflib.term.Literal('Silicon wafer', lang='en')}]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from .namespaces import sparql_prefixes
from .resources import GRAPH_BASE, bundled_files, bundled_path

__all__ = ["Store", "StoreError", "open_store", "to_rdflib"]

STORE_ENV = "CHAINGRAPH_STORE"


class StoreError(Exception):
    """A store could not be opened, read or written; the message says how to fix it."""


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


class Store:
    """A SPARQL-queryable dataset. Use :func:`open_store` to get one."""

    def __init__(self, inner: ox.Store, location: str | None) -> None:
        self._inner = inner
        self.location = location

    def __len__(self) -> int:
        return len(self._inner)

    def __repr__(self) -> str:
        where = self.location or "memory"
        return f"<chaingraph.Store {where}: {len(self)} triples>"

    def _run(self, query: str, bindings: Mapping[str, Node] | None):
        substitutions = (
            {ox.Variable(k): _to_oxigraph(v) for k, v in bindings.items()} if bindings else None
        )
        try:
            return self._inner.query(
                sparql_prefixes() + query,
                use_default_graph_as_union=True,
                substitutions=substitutions,
            )
        except SyntaxError as error:
            raise StoreError(f"SPARQL syntax error: {error}") from None

    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None
    ) -> list[dict[str, Node]]:
        """Run a SELECT query; each row maps variable names to rdflib terms (unbound ones left out).

        ``bindings`` fixes variables to values before the query runs, as in rdflib's
        ``initBindings``. The chaingraph prefixes (``cg:``, ``pv:``, ``skos:``, ...) are predefined.
        """
        solutions = self._run(query, bindings)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return bool(self._run(query, bindings))

    def load_file(self, path: Path, graph: str, *, format: ox.RdfFormat | None = None) -> int:
        """Load one RDF file into the named graph ``graph``, replacing what it held; all or nothing."""
        format = format or ox.RdfFormat.from_extension(Path(path).suffix.lstrip("."))
        with open(path, "rb") as data:
            return self._replace_graph(graph, data, format, str(path))

    def load_data(self, data: str | bytes, graph: str, *, format: ox.RdfFormat) -> int:
        """Load RDF text into the named graph ``graph``, replacing what it held; all or nothing."""
        return self._replace_graph(graph, data, format, graph)

    def _replace_graph(self, graph: str, data, format: ox.RdfFormat | None, name: str) -> int:
        if format is None:
            raise StoreError(f"{name}: unknown RDF format; name it explicitly")
        target = ox.NamedNode(graph)
        before = len(self._inner)
        # Parse into a scratch store first, so a syntax error leaves this store untouched.
        scratch = ox.Store()
        try:
            scratch.load(data, format=format, to_graph=target)
        except SyntaxError as error:
            raise StoreError(f"{name}: {error}") from None
        quads = list(scratch)
        if self._has_graph(target):
            self._inner.remove_graph(target)
        self._inner.extend(quads)
        return len(self._inner) - before

    def _has_graph(self, graph: ox.NamedNode) -> bool:
        return any(g == graph for g in self._inner.named_graphs())

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._inner.named_graphs())

    def flush(self) -> None:
        if self.location:
            self._inner.flush()


def _load_bundled(store: Store, files: Iterable[Path]) -> None:
    for relative in files:
        store.load_file(bundled_path(relative), GRAPH_BASE + relative.as_posix())


def open_store(location: str | os.PathLike[str] | None = None, *, example: bool = True) -> Store:
    """Open the store at ``location``, or the bundled data in memory when it is ``None``.

    ``location`` defaults to the ``CHAINGRAPH_STORE`` environment variable. A new directory
    store starts with the ontology and chain templates; ``example`` only applies to the
    in-memory store, whose Xining facts can be left out with ``example=False``.
    """
    if location is None:
        location = os.environ.get(STORE_ENV) or None
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        from .remote import RemoteStore

        return RemoteStore(location)
    if location is None:
        store = Store(ox.Store(), None)
        _load_bundled(store, bundled_files("all" if example else "base"))
        return store
    path = Path(location)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file; --store takes a directory (or nothing for memory)")
    is_new = not path.exists() or not any(path.iterdir())
    try:
        inner = ox.Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreError(f"store {path} is locked by another chaingraph process") from None
        raise StoreError(f"cannot open store {path}: {error}") from None
    store = Store(inner, str(path))
    if is_new:
        _load_bundled(store, bundled_files("base"))
        store.flush()
    return store
