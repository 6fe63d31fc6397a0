"""The W3C SPARQL 1.1 evaluation tests, read from their manifests (tests/w3c), and the
comparison of results the W3C way: solutions as bags, blank nodes up to renaming.

A test is a :class:`EvaluationTest`: a query or update, the data it starts from (the default
graph and named graphs) and the expected result (solutions, a boolean, a graph, or the
dataset after an update).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

W3C = Path(__file__).parent / "w3c" / "sparql11"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
DEFAULT_DATA = "urn:x-w3c-test:default"  # where a query test's default data is kept

EVALUATION_FOLDERS = [
    "aggregates",
    "bind",
    "bindings",
    "cast",
    "construct",
    "exists",
    "functions",
    "grouping",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
    "basic-update",
    "delete-insert",
    "delete",
    "delete-data",
    "delete-where",
    "add",
    "clear",
    "copy",
    "drop",
    "move",
    "update-silent",
]

_SYNTAX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".trig": ox.RdfFormat.TRIG,
}


@dataclass
class EvaluationTest:
    name: str  # folder/name
    kind: str  # "query" or "update"
    text_file: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[str, Path]] = field(default_factory=list)  # (graph IRI, file)
    result: Path | None = None  # query: the expected result file
    result_data: list[Path] = field(default_factory=list)  # update: expected default graph
    result_graphs: list[tuple[str, Path]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.text_file.read_text(encoding="utf-8")

    @property
    def base(self) -> str:
        return self.text_file.as_uri()


def _path(node) -> Path:
    return Path(str(node).removeprefix("file://"))


def _graph_data(graph: Graph, node, prop) -> list[tuple[str, Path]]:
    found = []
    for item in graph.objects(node, prop):
        if isinstance(item, BNode):  # update tests: [ ut:graph <file> ; rdfs:label "iri" ]
            file = graph.value(item, UT.graph)
            found.append((str(graph.value(item, RDFS_LABEL)), _path(file)))
        else:  # query tests: the file's own IRI names the graph
            found.append((str(item), _path(item)))
    return found


def _test(graph: Graph, folder: str, node) -> EvaluationTest | None:
    kind = graph.value(node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
    action = graph.value(node, MF.action)
    name = f"{folder}/{str(node).rsplit('#', 1)[-1]}"
    if kind == MF.QueryEvaluationTest:
        return EvaluationTest(
            name,
            "query",
            _path(graph.value(action, QT.query)),
            [_path(d) for d in graph.objects(action, QT.data)],
            _graph_data(graph, action, QT.graphData),
            _path(graph.value(node, MF.result)),
        )
    if kind == MF.UpdateEvaluationTest:
        result = graph.value(node, MF.result)
        return EvaluationTest(
            name,
            "update",
            _path(graph.value(action, UT.request)),
            [_path(d) for d in graph.objects(action, UT.data)],
            _graph_data(graph, action, UT.graphData),
            None,
            [_path(d) for d in graph.objects(result, UT.data)],
            _graph_data(graph, result, UT.graphData),
        )
    return None


def evaluation_tests(folders=EVALUATION_FOLDERS) -> list[EvaluationTest]:
    """Every query and update evaluation test of ``folders``, in manifest order."""
    tests = []
    for folder in folders:
        manifest = W3C / folder / "manifest.ttl"
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        entries = next(graph.objects(None, MF.entries), None)
        for node in Collection(graph, entries) if entries is not None else ():
            test = _test(graph, folder, node)
            if test is not None:
                tests.append(test)
    return tests


# -- data --------------------------------------------------------------------------------------


def quads(path: Path, graph) -> list[ox.Quad]:
    """The triples of an RDF file in ``graph`` (an Oxigraph graph name)."""
    return [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(path=str(path), format=_SYNTAX[path.suffix], base_iri=path.as_uri())
    ]


# -- comparing ---------------------------------------------------------------------------------


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + n for n in ("integer", "decimal", "double", "float", "int", "long")}
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")


def _rdflib(term):
    """An Oxigraph term as rdflib's; numbers in one canonical form (``1.0`` and ``1`` are the
    same xsd:decimal: the W3C results write some numbers in a form of their own)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype in _NUMERIC:
        try:
            value = Decimal(term.value.strip())
        except InvalidOperation:
            pass
        else:
            text = "NaN" if value.is_nan() else format(value.normalize(), "f")
            return Literal(text, datatype=URIRef(datatype))
    return Literal(term.value, datatype=URIRef(datatype))


def _oxigraph(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    datatype = term.datatype or URIRef(_XSD + "string")
    return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))


def _result_set(graph: Graph) -> tuple[str, object] | None:
    """A result set written in the RDF result-set vocabulary (rs:ResultSet), if it is one."""
    from rdflib import RDF

    result_set = graph.value(predicate=RDF.type, object=RS.ResultSet)
    if result_set is None:
        return None
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return "boolean", boolean.toPython()
    names = [str(v) for v in graph.objects(result_set, RS.resultVariable)]
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        row = {}
        for binding in graph.objects(solution, RS.binding):
            row[str(graph.value(binding, RS.variable))] = _oxigraph(graph.value(binding, RS.value))
        rows.append(row)
    return "solutions", (names, rows)


def graph_of(triples) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    return graph


def solutions_graph(variables: list[str], rows: list[dict]) -> Graph:
    """A bag of solutions as a graph, each row a blank node with one arc per bound variable:
    graph isomorphism is then bag equality with blank nodes up to renaming."""
    graph = Graph()
    for row in rows:
        node = BNode()
        graph.add((node, URIRef("urn:x-row:is"), Literal("row")))
        for name in variables:
            if row.get(name) is not None:
                graph.add((node, URIRef(f"urn:x-var:{name}"), _rdflib(row[name])))
    return graph


def read_results(result) -> tuple[str, object]:
    """``("boolean", bool)``, ``("solutions", (vars, rows))`` or ``("graph", Graph)`` for an
    Oxigraph result object."""
    if isinstance(result, ox.QueryBoolean):
        return "boolean", bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return "solutions", (names, [dict(zip(names, s, strict=True)) for s in result])
    return "graph", graph_of(result)


def expected_results(path: Path) -> tuple[str, object]:
    suffix = path.suffix
    if suffix in (".srx", ".srj", ".tsv", ".csv"):
        formats = {
            ".srx": ox.QueryResultsFormat.XML,
            ".srj": ox.QueryResultsFormat.JSON,
            ".tsv": ox.QueryResultsFormat.TSV,
            ".csv": ox.QueryResultsFormat.CSV,
        }
        return read_results(ox.parse_query_results(path=str(path), format=formats[suffix]))
    graph = graph_of(ox.parse(path=str(path), format=_SYNTAX[suffix], base_iri=path.as_uri()))
    return _result_set(graph) or ("graph", graph)


def same_results(got: tuple[str, object], expected: tuple[str, object]) -> bool:
    if got[0] != expected[0]:
        return False
    if got[0] == "boolean":
        return got[1] == expected[1]
    if got[0] == "graph":
        return isomorphic(got[1], expected[1])
    (got_vars, got_rows), (want_vars, want_rows) = got[1], expected[1]
    if len(got_rows) != len(want_rows):
        return False
    names = sorted(set(got_vars) | set(want_vars))
    if not any(isinstance(v, ox.BlankNode) for r in (*got_rows, *want_rows) for v in r.values()):

        def key(row):
            return tuple(str(_rdflib(row[n])) if row.get(n) is not None else "" for n in names)

        return Counter(map(key, got_rows)) == Counter(map(key, want_rows))
    return isomorphic(solutions_graph(names, got_rows), solutions_graph(names, want_rows))


def dataset_graphs(store: ox.Store) -> dict[str, Graph]:
    """Every graph of a store, by name ("" for the default graph), empty graphs left out."""
    graphs: dict[str, Graph] = {}
    for quad in store:
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, Graph()).add(
            (_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object))
        )
    return graphs


def expected_dataset(test: EvaluationTest) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for path in test.result_data:
        graphs.setdefault("", Graph())
        graphs[""] += graph_of(quads(path, ox.DefaultGraph()))
    for name, path in test.result_graphs:
        graphs.setdefault(name, Graph())
        graphs[name] += graph_of(quads(path, ox.NamedNode(name)))
    return {name: graph for name, graph in graphs.items() if len(graph)}


def same_dataset(got: dict[str, Graph], expected: dict[str, Graph]) -> bool:
    return got.keys() == expected.keys() and all(
        isomorphic(got[name], expected[name]) for name in got
    )
