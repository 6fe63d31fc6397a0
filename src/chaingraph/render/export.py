"""Exports for other tools: GraphML and GEXF (Gephi, yEd, Cytoscape), Turtle and JSON-LD
(any RDF tool), and CSV node and edge tables (spreadsheets).

GraphML, GEXF and CSV come from the NetworkX projection (:func:`chaingraph.to_networkx`): node
ids are CURIEs, attributes are scalars, ``label`` is in the chosen language (``label_zh`` and
``label_en`` are kept too), one edge per relation or fact with its evidence. Turtle and JSON-LD
hold the store's triples; with a region, the facts (productions, projects, claims) of other
regions are left out. JSON-LD groups labels by language: ``"label": {"zh": …, "en": …}``.

CSV gives two files: ``FILE`` with the nodes and ``FILE-stem-edges.csv`` beside it (or, when
``FILE`` is a directory, ``nodes.csv`` and ``edges.csv`` in it), UTF-8 (with a byte order mark
for Excel when asked). Text cells that a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) get a leading single quote.

Every file is written atomically.

>>> from chaingraph import Workspace
>>> import tempfile, pathlib, networkx as nx
>>> out = pathlib.Path(tempfile.mkdtemp()) / "xining.graphml"
>>> [p.name for p in export(Workspace.open(lang="en"), "graphml", out, region="西宁")]
['xining.graphml']
>>> nx.read_graphml(out).nodes["pv:wafer"]["label"]
'Silicon wafer'
>>> guard_cell("=HYPERLINK(1)"), guard_cell("-5"), guard_cell(-5), guard_cell("硅片")
("'=HYPERLINK(1)", "'-5", -5, '硅片')
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import rdflib
from rdflib.term import URIRef

from ..namespaces import PREFIXES, expand
from ..queries import named_query
from .files import OutputError, atomic_write
from .registry import formats, register, render

if TYPE_CHECKING:
    from ..store import Store
    from ..workspace import Workspace

__all__ = [
    "FORMATS",
    "JSONLD_CONTEXT",
    "GraphExport",
    "csv_paths",
    "csv_tables",
    "export",
    "guard_cell",
    "rdf_graph",
    "scalar_graph",
]

FORMATS = ("graphml", "gexf", "turtle", "jsonld", "csv")  # the formats registered below

SKOS = PREFIXES["skos"]
JSONLD_CONTEXT = {
    **{prefix: namespace for prefix, namespace in PREFIXES.items()},
    "label": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "definition": {"@id": "skos:definition", "@container": "@language"},
}

NODE_COLUMNS = (
    "id", "kind", "label", "label_zh", "label_en", "chain", "position", "role", "weight", "level",
)  # fmt: skip
EDGE_COLUMNS = (
    "from", "from_label", "to", "to_label", "key", "predicate", "kind", "claim", "status",
    "site", "capacity", "unit", "statedAs", "year", "confidence", "assertion", "fact", "quote",
    "source", "char_start", "char_end", "evidence",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value):
    """A text cell a spreadsheet would evaluate gets a leading ``'``; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _scalar(value):
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def scalar_graph(G: nx.MultiDiGraph, lang: str) -> nx.MultiDiGraph:
    """A copy of the projection fit for GraphML and GEXF: string ids and edge keys, scalar
    attributes only (``None`` dropped), ``label`` in ``lang``."""
    # The conversion factors are the analyses' input, not an attribute of the graph drawn.
    attributes = {k: v for k, v in G.graph.items() if v is not None and k != "factors"}
    H = nx.MultiDiGraph(**{k: _scalar(v) for k, v in attributes.items()})
    H.graph["lang"] = lang
    for node, data in G.nodes(data=True):
        attributes = {k: _scalar(v) for k, v in data.items() if v is not None}
        attributes["label"] = data.get(f"label_{lang}") or data.get("label") or str(node)
        H.add_node(str(node), **attributes)
    seen: dict[tuple, int] = {}
    for u, v, key, data in G.edges(keys=True, data=True):
        if isinstance(key, str):
            edge_key = key
        else:
            base = (u, v, data["predicate"])
            seen[base] = seen.get(base, 0) + 1
            edge_key = data["predicate"] if seen[base] == 1 else f"{data['predicate']}#{seen[base]}"
        attributes = {k: _scalar(val) for k, val in data.items() if val is not None}
        H.add_edge(str(u), str(v), key=edge_key, **attributes)
    return H


def rdf_graph(store: Store, region: str | None = None) -> rdflib.Graph:
    """The store's triples as one rdflib graph; with ``region`` (a CURIE or IRI), facts whose
    site or region lies outside it are left out, with their capacities and quotes."""
    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    triples = store.construct(named_query("internal/all-triples").text)
    if region:
        where = URIRef(expand(region))
        rows = store.select(named_query("internal/places-in-region").bind(region=where))
        scope = {row["r"] for row in rows} | {where}
        located = [
            (s, o)
            for s, p, o in triples
            if p in (URIRef(expand("cg:site")), URIRef(expand("cg:region")))
        ]
        inside = {s for s, o in located if o in scope}
        dropped = {s for s, _ in located} - inside
        parts = (URIRef(expand("cg:capacity")), URIRef(expand("cg:evidence")))
        owned = {o for s, p, o in triples if s in dropped and p in parts}
        still_used = {o for s, p, o in triples if s not in dropped and p in parts}
        dropped |= owned - still_used
        triples = [t for t in triples if t[0] not in dropped]
    for triple in triples:
        graph.add(triple)
    return graph


def csv_paths(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Where the node and edge tables go: ``FILE`` and ``FILE-stem-edges.csv``, or
    ``nodes.csv`` and ``edges.csv`` inside a directory.

    >>> [str(p) for p in csv_paths("out/xining.csv")]
    ['out/xining.csv', 'out/xining-edges.csv']
    """
    path = Path(path)
    if path.is_dir() or str(path).endswith(("/", os.sep)):
        return path / "nodes.csv", path / "edges.csv"
    return path, path.with_name(f"{path.stem}-edges.csv")


def csv_tables(G: nx.MultiDiGraph, lang: str) -> tuple[list[list], list[list]]:
    """Node and edge rows (with headers), cells guarded against formula injection."""
    H = scalar_graph(G, lang)
    nodes = [list(NODE_COLUMNS)]
    for node, data in sorted(H.nodes(data=True)):
        nodes.append([guard_cell(node if c == "id" else data.get(c, "")) for c in NODE_COLUMNS])
    edges = [list(EDGE_COLUMNS)]
    for u, v, key, data in sorted(H.edges(keys=True, data=True), key=lambda e: e[:3]):
        values = {
            "from": u,
            "from_label": H.nodes[u]["label"],
            "to": v,
            "to_label": H.nodes[v]["label"],
            "key": key,
            **data,
        }
        edges.append([guard_cell(values.get(c, "")) for c in EDGE_COLUMNS])
    return nodes, edges


def _csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@dataclass
class GraphExport:
    """What to export: the graph of ``region`` (a CURIE; ``None``: every region's facts) in a
    workspace, to ``path``. Its renderers return the files to write (path -> content)."""

    workspace: Workspace
    region: str | None
    path: Path
    excel: bool = False


def export(
    workspace: Workspace,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    region: str | None = None,
    excel: bool = False,
) -> list[Path]:
    """Write the graph of ``region`` (a name, alias or id; ``None``: every region's facts) in
    ``fmt`` to ``path``, labels in the workspace's language; returns the files written."""
    if fmt not in formats(GraphExport):
        raise OutputError("render.unknown_export", fmt=fmt, choices=list(formats(GraphExport)))
    region_id = workspace.region(region) if region else None
    files = render(GraphExport(workspace, region_id, Path(path), excel), fmt)
    return [atomic_write(target, content) for target, content in files.items()]


@register(GraphExport, "graphml")
def _graphml(job: GraphExport) -> dict[Path, bytes]:
    buffer = io.BytesIO()
    H = scalar_graph(job.workspace.projection(job.region), job.workspace.lang)
    nx.write_graphml(H, buffer, encoding="utf-8", named_key_ids=True)
    return {job.path: buffer.getvalue()}


@register(GraphExport, "gexf")
def _gexf(job: GraphExport) -> dict[Path, bytes]:
    buffer = io.BytesIO()
    H = scalar_graph(job.workspace.projection(job.region), job.workspace.lang)
    nx.write_gexf(H, buffer, encoding="utf-8")
    return {job.path: buffer.getvalue()}


@register(GraphExport, "turtle")
def _turtle(job: GraphExport) -> dict[Path, str]:
    graph = rdf_graph(job.workspace.store, job.region)
    return {job.path: graph.serialize(format="turtle")}


@register(GraphExport, "jsonld")
def _jsonld(job: GraphExport) -> dict[Path, str]:
    graph = rdf_graph(job.workspace.store, job.region)
    return {job.path: graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)}


@register(GraphExport, "csv")
def _csv(job: GraphExport) -> dict[Path, bytes]:
    """Node and edge tables, with a byte order mark for Excel when asked."""
    node_path, edge_path = csv_paths(job.path)
    nodes, edges = csv_tables(job.workspace.projection(job.region), job.workspace.lang)
    encoding = "utf-8-sig" if job.excel else "utf-8"
    return {
        node_path: _csv_text(nodes).encode(encoding),
        edge_path: _csv_text(edges).encode(encoding),
    }
