"""Loading files into any store, written once on top of the :class:`~.base.Store` interface.

Each loaded file lives in its own named graph (:func:`graph_for_file`); queries see the union of
all graphs. Every load is recorded in the metadata graph :data:`~.base.META_GRAPH` (file name,
sha256, triple count, time), and a load is all or nothing: the files are parsed first (a syntax
error writes nothing), then handed to the backend's :meth:`~.base.Store.write_parsed`, which
writes them with their records in one transaction.

Large files (:data:`BULK_MIN_BYTES` and up) are only checked here when the backend can bulk-load
them (:attr:`~.base.Store.can_bulk_load`): the embedded store then stages them (see
:mod:`chaingraph.store.oxigraph`). Blank nodes get new ids per file, so two files' ``_:b1``
stay two nodes.
"""

from __future__ import annotations

import hashlib
import io
import json
import mimetypes
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox

from ..formats import RdfSyntax, UnknownFormat, importers, rdf_format, resolve_format
from ..resources import GRAPH_BASE, bundled_files, bundled_path
from .base import (
    _DCT,
    _PROV,
    _VOID,
    _XSD,
    FILE_GRAPH_BASE,
    META_GRAPH,
    PENDING_GRAPH,
    LoadRecord,
    Progress,
    Rows,
    Store,
    StoreError,
)
from .preflight import check_rdf, check_rdf_file, literal_too_long, literal_too_long_in_file

__all__ = [
    "BULK_MIN_BYTES",
    "PENDING_GRAPH",
    "Parsed",
    "graph_for_file",
    "load_data",
    "load_example",
    "load_file",
    "load_files",
    "parse_rdf",
    "record_quads",
]

# Files above this size get a progress bar (when stderr is a terminal).
PROGRESS_MIN_BYTES = 2_000_000
# RDF files from this size on are bulk-loaded by a store that can (see the module docstring).
BULK_MIN_BYTES = 2_000_000
_BULK_SLICE_BYTES = 32_000_000  # about 250,000 N-Triples lines
_BULK_SLICE_QUADS = 250_000
# How much of a file's sha256 names its graph: 12 hex digits, 48 bits.
_DIGEST_CHARS = 12

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _bundled_graphs() -> dict[Path, str]:
    return {
        bundled_path(relative).resolve(): GRAPH_BASE + relative.as_posix()
        for relative in bundled_files("all")
    }


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def graph_for_file(path: str | os.PathLike[str], sha256: str | None = None) -> str:
    """The named graph a file is loaded into: its file name and the start of its sha256.

    Bundled files keep their own graph (``GRAPH_BASE`` + path inside the bundle); any other
    file goes to ``FILE_GRAPH_BASE`` + the first 12 hex digits of the sha256 of its *content* +
    ``/`` + its file name. Nothing of the folder it sits in reaches the store, so the same file
    gives the same graph on any machine, and two different files of the same name differ.
    ``sha256`` (hex) saves reading the file when the caller has hashed it already. This is the
    one way chaingraph names a loaded file's graph (RDF files and company sheets alike).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "facts.ttl").write_text("<urn:a> <urn:b> <urn:c> .")
    >>> graph_for_file(folder / "facts.ttl")
    'https://w3id.org/chaingraph/graph/file/9e91a71db12e/facts.ttl'
    >>> folder.name in graph_for_file(folder / "facts.ttl")
    False
    """
    path = Path(path)
    resolved = path.resolve()
    bundled = _bundled_graphs().get(resolved)
    if bundled:
        return bundled
    if sha256 is None:
        if not path.is_file():
            raise StoreError("files.no_such_file", path=path.name)
        sha256 = _file_digest(path)
    return f"{FILE_GRAPH_BASE}{sha256[:_DIGEST_CHARS]}/{quote(path.name)}"


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
class Parsed:
    """A file ready to write: its quads, or (``quads is None``) a checked file to bulk-load."""

    name: str
    graph: str
    quads: list[ox.Quad] | None
    sha256: str
    format: str
    summary: object = None  # the importer's report: a Message or a string
    source: Path | None = None
    syntax: RdfSyntax | None = None
    count: int = 0  # statements read (a file that repeats one counts it twice)
    sliced: bool = False  # bulk-load in slices of lines: N-Triples without blank nodes
    replaces: str | None = None  # the graph of an earlier version of the file, dropped too

    @property
    def triples(self) -> int:
        return self.count if self.quads is None else len(self.quads)


def one_line(text: str) -> str:
    r"""``text`` with line breaks and other control characters escaped: a parser quotes the bad
    part of a file, which may hold them, and an error stays one line.

    >>> one_line("bad IRI '\nhttp://a'")
    "bad IRI '\\nhttp://a'"
    """
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode() for char in text
    )


def _syntax_error(name: str, error: SyntaxError) -> StoreError:
    # The parser's own words stay as they are (quoted in other languages than English).
    where = f"{name}:{error.lineno}:{error.offset or 1}" if error.lineno else name
    return StoreError("input.syntax", where=where, detail=one_line(error.msg))


def _check_jsonld_contexts(name: str, data: bytes) -> None:
    """Refuse JSON-LD that refers to a remote context: chaingraph never fetches from the web."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise StoreError("input.not_json", file=name, reason=str(error)) from None

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
    check_rdf(raw, syntax.name, name)
    if syntax.oxigraph == ox.RdfFormat.JSON_LD:
        _check_jsonld_contexts(name, raw)
    target = ox.NamedNode(graph)
    source = raw
    if progress is not None and len(raw) >= PROGRESS_MIN_BYTES:
        source = _CountingReader(io.BytesIO(raw), len(raw), name, progress)
    # Blank nodes get new ids, so that two files' _:b1 stay two nodes (as in the bulk loader).
    parser = ox.parse(source, format=syntax.oxigraph, base_iri=graph, rename_blank_nodes=True)
    try:
        quads = dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object, target) for q in parser)
    except SyntaxError as error:
        raise _syntax_error(name, error) from None
    except MemoryError:  # a token over the parser's buffer: say where
        raise literal_too_long(raw, name) from None
    return list(quads)


def _scan_rdf(path: Path, syntax: RdfSyntax, graph: str, progress: Progress | None) -> Parsed:
    """Check a file's syntax, count its triples and hash it in one streaming pass; keep nothing."""
    check_rdf_file(path, syntax.name)
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
        except MemoryError:  # a token over the parser's buffer: say where
            raise literal_too_long_in_file(path) from None
    digest = reader.sha256.hexdigest()
    parsed = Parsed(path.name, graph, None, digest, syntax.media_type, None, path, syntax, count)
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
) -> Parsed:
    """Parse (or, with ``bulk`` and a large RDF file, only check) one file for loading."""
    if not path.is_file():
        raise StoreError("files.no_such_file", path=path.name)
    try:
        kind = resolve_format(path, format)
    except UnknownFormat as error:
        raise StoreError(error.code, **error.params) from None
    if bulk and not isinstance(kind, str) and path.stat().st_size >= BULK_MIN_BYTES:
        return _scan_rdf(path, kind, graph or graph_for_file(path), progress)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    graph = graph or graph_for_file(path, digest)
    if isinstance(kind, str):  # a registered importer (e.g. company sheets)
        name, importer = importers()[kind]
        rdf, summary = importer(path, graph, store, **(options or {}))
        if isinstance(rdf, bytes | str):
            quads = parse_rdf(rdf, graph, rdf_format("turtle"), path.name)
        else:
            quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in rdf]
        media = mimetypes.guess_type(path.name)[0] or name
        return Parsed(path.name, graph, quads, digest, media, summary)
    quads = parse_rdf(data, graph, kind, path.name, progress)
    return Parsed(path.name, graph, quads, digest, kind.media_type)


def record_quads(parsed: Parsed, when: str) -> list[ox.Quad]:
    """The load record of ``parsed`` as quads of the metadata graph."""
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


class _BatchView:
    """A store plus the files parsed so far in a batch, for importers to read (SELECT only).

    Files checked for a bulk load (``quads is None``) are not part of it: their triples are
    read only when written.
    """

    def __init__(self, store: Store) -> None:
        from .oxigraph import OxigraphStore

        self._store = store
        self._batch = OxigraphStore.from_quads(())
        self.empty = True

    def add(self, parsed: Parsed) -> None:
        """Take in one more parsed file (each file once: the batch grows, it is not rebuilt)."""
        if parsed.quads:
            self._batch._extend(parsed.quads)
            self.empty = False

    def select(self, query: str, bindings=None, **options) -> Rows:
        stored = self._store.select(query, bindings, **options)
        batch = self._batch.select(query, bindings, **options)
        return Rows([*stored, *batch], vars=stored.vars or batch.vars)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def bundled_parsed(which: str) -> list[Parsed]:
    """The bundled files (``"base"``, ``"example"`` or ``"all"``), parsed, in their graphs."""
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


def load_files(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    format: str | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    graphs: Sequence[str] | None = None,
    options: Mapping[str, object] | None = None,
    example: bool = False,
) -> list[LoadRecord]:
    """Load files into ``store``, each into its own named graph (:func:`graph_for_file`).

    Every file is parsed before anything is written; then the graphs and their records go in
    with one transaction. A file already loaded (the same graph, or a record of the same file
    name: an edited file is the same file) is an error unless ``replace``, which replaces it.
    ``options`` go to importers of non-RDF files (``skip_bad_rows=True`` for sheets);
    ``example`` adds the bundled Xining facts to the same transaction. A store without the
    bundled ontology and chain templates gets them too.
    """
    store.check_writable()
    parsed: list[Parsed] = []
    batch = _BatchView(store)
    for i, p in enumerate(paths):
        # An importer (a company sheet) resolves names against the store and against the
        # files of the batch before it, so one batch loads like the same files one by one.
        view = store if batch.empty else batch
        graph = graphs[i] if graphs else None
        parsed.append(
            _parse_file(Path(p), format, graph, progress, view, options, bulk=store.can_bulk_load)
        )
        batch.add(parsed[-1])
    if example:
        parsed += bundled_parsed("example")
    if GRAPH_BASE + "ontology/chaingraph.ttl" not in store.graphs():
        # A store that never had the ontology and chain templates (an empty SPARQL server):
        # they go in with the first load, so names and stages resolve.
        parsed = bundled_parsed("base") + parsed
    return write(store, parsed, replace, progress)


def load_file(
    store: Store,
    path: str | os.PathLike[str],
    graph: str | None = None,
    *,
    format: str | ox.RdfFormat | None = None,
    replace: bool = True,
) -> int:
    """Load one RDF file into ``graph`` (default :func:`graph_for_file`); its triple count."""
    if isinstance(format, ox.RdfFormat):
        format = format.media_type
    store.check_writable()
    parsed = _parse_file(Path(path), format, graph, None, store, bulk=store.can_bulk_load)
    return write(store, [parsed], replace, None)[0].triples


def load_data(
    store: Store,
    data: str | bytes,
    graph: str,
    *,
    format: str | ox.RdfFormat,
    replace: bool = True,
) -> int:
    """Load RDF text into the named graph ``graph``, replacing what it held; all or nothing."""
    store.check_writable()
    syntax = rdf_format(format.media_type if isinstance(format, ox.RdfFormat) else format)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    quads = parse_rdf(raw, graph, syntax, graph)
    parsed = Parsed(graph, graph, quads, hashlib.sha256(raw).hexdigest(), syntax.media_type)
    return write(store, [parsed], replace, None)[0].triples


def file_name(graph: str) -> str | None:
    """The file name in a graph IRI of :func:`graph_for_file` (``None`` for other graphs).

    >>> file_name(FILE_GRAPH_BASE + "0123456789ab/%E5%85%AC%E5%8F%B8.csv")
    '公司.csv'
    """
    if not graph.startswith(FILE_GRAPH_BASE) or "/" not in graph[len(FILE_GRAPH_BASE) :]:
        return None
    return unquote(graph.rsplit("/", 1)[1])


def _earlier_loads(store: Store, parsed: list[Parsed]) -> dict[str, tuple[str, str]]:
    """Graph -> (graph it replaces, when that was loaded) for the files already loaded.

    A file is loaded already when its graph is in the store, or when a file of the same name
    is (graphs of files carry no folder: an edited file and its earlier version are one file,
    replaced as a whole).
    """
    records = store.loaded()
    existing = set(store.graphs())
    by_name = {file_name(g): g for g in (*existing, *records) if file_name(g)}
    found = {}
    for p in parsed:
        if p.graph in records or p.graph in existing:
            earlier = p.graph
        else:
            earlier = by_name.get(file_name(p.graph))
        if earlier is not None:
            record = records.get(earlier)
            found[p.graph] = (earlier, record.loaded if record else "earlier")
    return found


def write(
    store: Store, parsed: list[Parsed], replace: bool, progress: Progress | None
) -> list[LoadRecord]:
    """Check ``parsed`` against the store, then write it with its records (all or nothing)."""
    seen: dict[str, str] = {}
    for p in parsed:
        if p.graph in seen:
            raise StoreError(f"{p.name} and {seen[p.graph]} are the same file; load it once")
        seen[p.graph] = p.name
    earlier = _earlier_loads(store, parsed)
    if earlier and not replace:
        first = next(p for p in parsed if p.graph in earlier)
        graph, when = earlier[first.graph]
        raise StoreError(
            f"{first.name} is already loaded (graph <{graph}>, loaded {when}); "
            "use --replace to replace it. Nothing was loaded."
        )
    for p in parsed:
        if p.graph in earlier and earlier[p.graph][0] != p.graph:
            p.replaces = earlier[p.graph][0]
    when = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    total = sum(p.triples for p in parsed)
    if progress is not None:
        progress("writing", 0, total)
    store.write_parsed(parsed, bool(earlier), when, progress)
    if progress is not None:
        progress("writing", total, total)
    store.flush()
    return [
        LoadRecord(p.graph, p.name, p.sha256, p.triples, when, p.format, p.summary) for p in parsed
    ]


def replaced_graphs(parsed: Parsed) -> list[str]:
    """The graphs a write of ``parsed`` drops first: its own, and an earlier version's."""
    return [parsed.graph, *([parsed.replaces] if parsed.replaces else [])]
