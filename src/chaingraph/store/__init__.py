"""The triple store: one interface (:class:`Store`), two backends, loading written once.

* :mod:`chaingraph.store.base`: the interface every store offers, and the result types.
* :mod:`chaingraph.store.oxigraph`: the embedded Oxigraph store, in memory or in a directory.
* :mod:`chaingraph.store.remote`: any SPARQL 1.1 endpoint (Oxigraph server, Fuseki, Virtuoso,
  ``chaingraph serve``).
* :mod:`chaingraph.store.loading`: parsing files, naming their graphs, load records.
* :mod:`chaingraph.store.worker`: the worker processes behind ``timeout=`` and ``serve``.

Every command opens its graph through :func:`open_store`, which picks the backend from the
location: nothing (memory), a directory, or a URL whose scheme names a backend. A new
backend is a :class:`Store` subclass in a module of its own, named by its URL scheme in
:data:`chaingraph.store.oxigraph.BACKENDS` (or, from another package, under the entry-point
group ``chaingraph.stores``).
"""

from __future__ import annotations

from ..resources import GRAPH_BASE
from .base import (
    FILE_GRAPH_BASE,
    META_GRAPH,
    PENDING_GRAPH,
    LoadRecord,
    QueryResults,
    Rows,
    Store,
    StoreError,
    StoreSyntaxError,
    Triples,
    plain_value,
    to_oxigraph,
    to_rdflib,
)
from .loading import BULK_MIN_BYTES, graph_for_file, load_example, parse_rdf
from .oxigraph import ACCESS_FILE, STORE_ENV, OxigraphStore, open_store

__all__ = [
    "ACCESS_FILE",
    "BULK_MIN_BYTES",
    "FILE_GRAPH_BASE",
    "GRAPH_BASE",
    "META_GRAPH",
    "PENDING_GRAPH",
    "STORE_ENV",
    "LoadRecord",
    "OxigraphStore",
    "QueryResults",
    "Rows",
    "Store",
    "StoreError",
    "StoreSyntaxError",
    "Triples",
    "graph_for_file",
    "load_example",
    "open_store",
    "parse_rdf",
    "plain_value",
    "to_oxigraph",
    "to_rdflib",
]
