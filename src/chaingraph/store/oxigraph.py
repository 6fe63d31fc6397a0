"""The embedded store: Oxigraph underneath, in memory or in a directory.

With no location the bundled data is loaded into memory; a directory is an embedded
persistent Oxigraph store, created with the bundled ontology and chain templates on first use.

Large files (:data:`~.loading.BULK_MIN_BYTES` and up) take Oxigraph's bulk loader in a
directory store, three to five times faster than one transaction but not atomic on its own.
Such a load is staged: its graphs are first listed in :data:`~.base.PENDING_GRAPH`, then
bulk-loaded, then committed by writing their load records in one transaction. Readers never
see a graph that is pending without a record, and the next writer drops it, so a load killed
half way leaves the store as it was.

A query or update with a ``timeout`` runs in a worker process (:mod:`chaingraph.store.worker`)
that is killed when time is up. The worker is started once and kept: it opens a directory
store read-only (and reopens it after a write), and rebuilds an in-memory store once from what
it was made of (the bundled files, then every load and update since, in order): the store is
never copied per query.

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
import itertools
import os
import weakref
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ..messages import os_reason
from ..namespaces import PREFIXES
from . import loading
from .base import (
    _DCT,
    META_GRAPH,
    PENDING_GRAPH,
    Bindings,
    Progress,
    QueryResults,
    Store,
    StoreError,
    StoreSyntaxError,
    to_oxigraph,
)
from .dataset import DEFAULT_BASE, describes_dataset
from .loading import Parsed, bundled_parsed, parse_rdf, record_quads, replaced_graphs

__all__ = ["ACCESS_FILE", "DEFAULT_BASE", "STORE_ENV", "OxigraphStore", "open_store"]

STORE_ENV = "CHAINGRAPH_STORE"
# The file in a store's directory that readers and writers lock (see _Access).
ACCESS_FILE = "chaingraph.access"


class OxigraphStore(Store):
    """The embedded Oxigraph store, in memory (``location is None``) or in a directory.

    Use :func:`open_store` to get one.
    """

    _hidden: frozenset[str] | set[str] = frozenset()
    _access: _Access | None = None

    def __init__(self, inner: ox.Store, location: str | None, *, read_only: bool = False) -> None:
        self._inner = inner
        self.location = location
        self.read_only = read_only
        # In memory: what the store was made of, in order, for a worker to rebuild it once.
        self.journal: list[tuple] | None = [] if location is None else None
        self._pool = None  # the timeout worker, started by the first timed query
        # Graphs of a bulk load that has not committed (or was killed): hidden from every query.
        self._hidden = self._uncommitted()

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad]) -> OxigraphStore:
        """A new in-memory scratch store holding ``quads`` (no journal: no worker follows it)."""
        store = cls(ox.Store(), None)
        store.journal = None
        store._extend(list(quads))
        return store

    @property
    def can_bulk_load(self) -> bool:
        # In memory there is nothing to stage, and a worker rebuilds the store from its loads.
        return self.location is not None

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

    def close(self) -> None:
        """Release the store (and a directory store's lock); the object is unusable after."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self._inner = None
        if self._access is not None:
            self._access.release()

    # -- the raw writes, which the timeout worker follows -------------------------------------

    def _changed(self, entry: tuple) -> None:
        if self.journal is not None:
            self.journal.append(entry)
        elif self._pool is not None:
            self._pool.changed()  # its readers reopen the directory before their next query

    def _extend(self, quads: list[ox.Quad]) -> None:
        self._inner.extend(quads)  # Oxigraph's extend() writes everything or nothing
        self._changed(("quads", quads))

    def _update(self, text: str, base_iri: str | None = None) -> None:
        self._inner.update(text, prefixes=PREFIXES, base_iri=base_iri or DEFAULT_BASE)
        self._changed(("update", text, base_iri))

    # -- reading -------------------------------------------------------------------------------

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
        self.guard(query, base_iri or DEFAULT_BASE)
        if timeout is not None:
            from .worker import timed_query

            return timed_query(
                self, query, bindings, timeout, default_graphs, named_graphs, base_iri
            )
        substitutions = (
            {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()} if bindings else None
        )
        try:
            graphs = self._dataset(query, default_graphs, named_graphs)
        except ValueError as error:
            raise StoreSyntaxError(f"bad graph IRI: {error}") from None
        options = {"prefixes": PREFIXES, "base_iri": base_iri or DEFAULT_BASE, **graphs}
        try:
            try:
                return self._inner.query(query, substitutions=substitutions, **options)
            except RuntimeError as error:
                if not bindings or "does not contains variable" not in str(error):
                    raise
                # Oxigraph binds projected variables only; others get a VALUES block, as a
                # remote store binds every variable.
                from .remote import with_values

                return self._inner.query(with_values(query, bindings), **options)
        except SyntaxError as error:
            raise StoreSyntaxError.from_parser(query, error) from None
        except (OSError, RuntimeError) as error:
            raise StoreError(f"query failed: {error}") from None

    def _dataset(self, query: str, default_graphs, named_graphs) -> dict:
        """Oxigraph's dataset options: the protocol's graphs (which override the query's own),
        else the query's FROM / FROM NAMED, else the union of the named graphs as default."""
        if default_graphs or named_graphs:
            return {
                "default_graph": [ox.NamedNode(g) for g in default_graphs or ()],
                "named_graphs": [ox.NamedNode(g) for g in named_graphs or ()],
            }
        if describes_dataset(query):
            return {}  # Oxigraph takes the dataset the query describes
        if self._hidden:  # a bulk load in progress (or killed): its graphs stay out of sight
            visible = [ox.NamedNode(g) for g in self.graphs()]
            return {"default_graph": [ox.DefaultGraph(), *visible], "named_graphs": visible}
        return {"use_default_graph_as_union": True}

    def graphs(self) -> list[str]:
        hidden = self._hidden | {PENDING_GRAPH} if self._hidden else set()
        return sorted(g.value for g in self._inner.named_graphs() if g.value not in hidden)

    def dump(
        self, format: ox.RdfFormat = ox.RdfFormat.N_QUADS, *, graph: str | None = None
    ) -> bytes:
        if self._hidden:
            return super().dump(format, graph=graph)
        if graph is None:
            return self._inner.dump(format=format, prefixes=PREFIXES) or b""
        return (
            self._inner.dump(format=format, from_graph=ox.NamedNode(graph), prefixes=PREFIXES)
            or b""
        )

    # -- writing -------------------------------------------------------------------------------

    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None:
        """Run a SPARQL UPDATE in one transaction (all or nothing); relative IRIs are resolved
        against ``base_iri`` (default :data:`DEFAULT_BASE`)."""
        self.check_writable()
        self.guard(update, base_iri or DEFAULT_BASE)
        if timeout is not None:
            from .worker import timed_update

            timed_update(self, update, timeout, base_iri)
            return
        # A query result that a reference cycle keeps alive can hold a read snapshot that an
        # update then waits for (seen as a rare hang of in-memory updates): collect it first.
        gc.collect()
        try:
            self._update(update, base_iri)
        except SyntaxError as error:
            raise StoreSyntaxError.from_parser(update, error) from None
        except (OSError, RuntimeError, ValueError) as error:
            raise StoreError(f"update failed, nothing was changed: {error}") from None

    def write_parsed(
        self, parsed: list[Parsed], replacing: bool, when: str, progress: Progress | None = None
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
                self._extend([q for p in parsed for q in (*p.quads, *record_quads(p, when))])
            else:
                self._update(_replace_update(parsed, when))
        except (OSError, RuntimeError) as error:
            raise StoreError(f"writing to the store failed, nothing was loaded: {error}") from None

    def _bulk_write(self, parsed: list[Parsed], when: str, progress: Progress | None) -> None:
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
            quads = [q for p in parsed for q in (*(p.quads or ()), *record_quads(p, when))]
            self._inner.extend(quads)  # the commit: from here on the graphs are loaded
        except (OSError, RuntimeError) as error:
            self.recover()
            raise StoreError(f"writing to the store failed, nothing was loaded: {error}") from None
        self._inner.update(f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
        self._changed(("staged",))

    def _bulk_load(self, parsed: Parsed, progress: Progress | None) -> None:
        """Bulk-load a checked file in slices, which bounds the loader's memory (and is faster).

        N-Triples without blank nodes is cut at line ends (a statement never spans lines; the
        bulk loader gives each call's blank nodes new ids, so a file with blank nodes goes in
        one call); every other syntax goes in slices of quads from one streaming parse (its
        blank nodes renamed once, so they stay one node across slices), with graph names merged
        into the file's graph, as in :func:`parse_rdf`. One call for a whole 1M-triple Turtle
        file peaked at 977 MB; slices at about 380 MB.
        """
        target = ox.NamedNode(parsed.graph)
        path, syntax = parsed.source, parsed.syntax.oxigraph
        done = 0
        if parsed.sliced:
            with path.open("rb") as stream:
                while lines := stream.readlines(loading._BULK_SLICE_BYTES):
                    self._inner.bulk_load(b"".join(lines), format=syntax, to_graph=target)
                    done += len(lines)
                    if progress is not None:
                        progress("writing", min(done, parsed.count), parsed.count)
        else:
            quads = ox.parse(
                path=str(path), format=syntax, base_iri=parsed.graph, rename_blank_nodes=True
            )
            while batch := [
                ox.Quad(q.subject, q.predicate, q.object, target)
                for q in itertools.islice(quads, loading._BULK_SLICE_QUADS)
            ]:
                self._inner.bulk_extend(batch)
                done += len(batch)
                if progress is not None:
                    progress("writing", done, parsed.count)

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
        self.check_writable()
        dropped = sorted(self._uncommitted())
        if dropped or any(g.value == PENDING_GRAPH for g in self._inner.named_graphs()):
            drops = "".join(f"DROP SILENT GRAPH <{g}> ; " for g in dropped)
            self._inner.update(drops + f"DROP SILENT GRAPH <{PENDING_GRAPH}>")
            self._inner.flush()
        self._hidden = set()
        return dropped

    def flush(self) -> None:
        if self.location and not self.read_only:
            self._inner.flush()

    @contextmanager
    def released(self):
        """Close the embedded store for a moment so that a worker process may open it."""
        inner, self._inner = self._inner, None
        del inner
        gc.collect()
        try:
            yield
        finally:
            self._inner = open_inner(Path(self.location), self.read_only)


def _replace_update(parsed: list[Parsed], when: str) -> str:
    """One SPARQL UPDATE (one transaction): drop the old graphs and records, then insert."""
    parts = []
    for p in parsed:
        for graph in replaced_graphs(p):
            parts.append(f"DROP SILENT GRAPH <{graph}> ;")
            parts.append(f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }} ;")
    parts.append("INSERT DATA {")
    for p in parsed:
        parts.append(f"GRAPH <{p.graph}> {{")
        parts.extend(f"{q.subject} {q.predicate} {q.object} ." for q in p.quads)
        parts.append("}")
        parts.append(f"GRAPH <{META_GRAPH}> {{")
        parts.extend(f"{q.subject} {q.predicate} {q.object} ." for q in record_quads(p, when))
        parts.append("}")
    parts.append("}")
    return "\n".join(parts)


def open_inner(path: Path, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        return ox.Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreError("store.locked", path=path) from None
        raise StoreError("store.cannot_open", path=path, reason=error) from None


class _Access:
    """Who may use a directory store: one writer, or any number of readers (``flock`` on
    :data:`ACCESS_FILE` in the store's directory, held until the store is closed or collected).

    Oxigraph's own lock keeps out a second writer, but not readers, and reading while another
    process writes is undefined in Oxigraph (seen as hanging queries). POSIX only; elsewhere
    this lock is not taken.
    """

    def __init__(self, path: Path, *, write: bool) -> None:
        self._release = None
        self.fd: int | None = None  # the locked descriptor (a worker holds a copy of it)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        if path.exists() and not path.is_dir():
            raise StoreError("store.is_a_file", path=path)
        try:
            path.mkdir(parents=True, exist_ok=True)
            fd = os.open(path / ACCESS_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:  # e.g. a directory that cannot be made (/proc/...), no rights
            raise StoreError("files.failed", path=str(path), reason=os_reason(error)) from None
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if write else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if write:
                raise StoreError("store.locked_open", path=path) from None
            raise StoreError("store.being_written", path=path) from None
        # Closing the descriptor drops the lock: on release(), or when the store is collected
        # (and when the last worker holding a copy of it ends).
        self.fd = fd
        self._release = weakref.finalize(self, os.close, fd)

    def release(self) -> None:
        if self._release is not None:
            self._release()


def _opened(path: Path, read_only: bool, access: _Access | None) -> OxigraphStore:
    try:
        store = OxigraphStore(open_inner(path, read_only), str(path), read_only=read_only)
    except StoreError:
        if access is not None:
            access.release()
        raise
    store._access = access
    return store


# Stores reached by URL, by scheme: "module:Class", the class taking (location, read_only=).
# A new backend is one module with a Store subclass, named here or, from another package,
# under the entry-point group "chaingraph.stores" (name: the scheme).
BACKENDS = {
    "http": "chaingraph.store.remote:RemoteStore",
    "https": "chaingraph.store.remote:RemoteStore",
}


def _backend_for(location) -> type | None:
    """The Store class for a URL location (``scheme://…``), or ``None`` for a directory."""
    import importlib
    from importlib.metadata import entry_points

    if not isinstance(location, str) or "://" not in location:
        return None
    scheme = location.split("://", 1)[0].lower()
    target = BACKENDS.get(scheme)
    if target is None:
        found = entry_points(group="chaingraph.stores", name=scheme)
        if not found:
            return None  # a directory whose name has "://" in it
        return next(iter(found)).load()
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def open_store(
    location: str | os.PathLike[str] | None = None,
    *,
    example: bool = True,
    read_only: bool = False,
    lock: bool = True,
) -> OxigraphStore:
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
    backend = _backend_for(location)
    if backend is not None:
        return backend(location, read_only=read_only)
    if location is None:
        which = "all" if example else "base"
        store = OxigraphStore(ox.Store(), None)
        loading.write(store, bundled_parsed(which), False, None)
        store.journal = [("bundled", which)]  # what a timeout worker rebuilds it from
        return store
    path = Path(location)
    if path.exists() and not path.is_dir():
        raise StoreError("store.is_a_file", path=path)
    is_new = not path.exists() or not any(p.name != ACCESS_FILE for p in path.iterdir())
    if not is_new and not (path / "CURRENT").is_file():
        raise StoreError("store.not_a_store", path=path)
    if read_only and not is_new:
        return _opened(path, True, _Access(path, write=False) if lock else None)
    store = _opened(path, False, _Access(path, write=True) if lock else None)
    store.recover()
    if len(store) == 0:
        loading.write(store, bundled_parsed("base"), False, None)
    if read_only:  # a new store, now created: reopen it for reading
        store.close()
        return _opened(path, True, _Access(path, write=False) if lock else None)
    return store
