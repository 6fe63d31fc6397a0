"""Running SPARQL for people: the outbound-request guard, result formats and ``query()``.

Every query passes the outbound-request guard of :mod:`chaingraph.safety` before it runs.

>>> rows = query("SELECT ?chain WHERE { pv:wafer skos:inScheme ?chain }", lang="en")
>>> rows[0]["chain"], rows[0]["chain_label"]
(rdflib.term.URIRef('https://w3id.org/chaingraph/chain/pv'), rdflib.term.Literal('Photovoltaics'))

Result formats are renderers registered for Oxigraph's own result objects
(:mod:`chaingraph.render.registry`): SELECT and ASK results in the W3C SPARQL 1.1 formats (CSV,
TSV, JSON, XML) and CONSTRUCT/DESCRIBE triples in the RDF syntaxes, all written by Oxigraph's
serialisers; ``table`` and ``markdown`` are for people.

>>> from chaingraph.render.registry import render
>>> solutions = open_store().query_results(
...     'SELECT ?s ?n WHERE { VALUES (?s ?n) { (<http://example.org/a> 2) } }')
>>> print(render(solutions, "tsv"), end="")
?s	?n
<http://example.org/a>	2
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial

import pyoxigraph as ox
from rdflib.term import Literal, Node, URIRef

from .labels import LabelIndex
from .namespaces import PREFIXES, curie
from .render.registry import formats, register, render
from .render.tables import render_rows
from .safety import OutboundRefused, QueryInfo, check_outbound, inspect_query
from .store import Rows, Store, StoreError, Triples, open_store

__all__ = [
    "GRAPH_FORMATS",
    "SELECT_FORMATS",
    "OutboundRefused",
    "QueryInfo",
    "check_outbound",
    "inspect_query",
    "query",
    "query_results",
    "render_result",
]

# -- result formats ---------------------------------------------------------------------------

# Oxigraph's writers of the W3C SPARQL 1.1 result formats, for SELECT and ASK.
_RESULTS_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
# Oxigraph's RDF writers, for CONSTRUCT and DESCRIBE.
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
# What each kind of result is called in messages.
_KINDS = {
    ox.QuerySolutions: "SELECT",
    ox.QueryBoolean: "ASK",
    ox.QueryTriples: "CONSTRUCT/DESCRIBE",
}


def _serialised(result: ox.QuerySolutions | ox.QueryBoolean, *, fmt: ox.QueryResultsFormat) -> str:
    return result.serialize(format=fmt).decode("utf-8")


def _triples(result: ox.QueryTriples, *, fmt: ox.RdfFormat) -> str:
    triples = list(result)
    return ox.serialize(triples, format=fmt, prefixes=_prefixes_used(triples)).decode("utf-8")


def _prefixes_used(triples: list[ox.Triple]) -> dict[str, str]:
    """The chaingraph prefixes the triples' IRIs use: Turtle that declares only those."""
    terms = [t for triple in triples for t in (triple.subject, triple.predicate, triple.object)]
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for t in terms if isinstance(t, ox.Literal)}
    namespaces = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}
    return {p: ns for p, ns in PREFIXES.items() if ns in namespaces}


def _human(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _people(
    solutions: ox.QuerySolutions,
    fmt: str,
    labels: Callable[[list[str] | None], LabelIndex] | None,
    lang: str,
) -> str:
    """Solutions as a table for people: IRIs as CURIEs, and with ``labels`` (a function giving
    the labels of some IRIs, all of them for ``None``) a ``<var>_label`` column after each
    column that holds IRIs."""
    names = [v.value for v in solutions.variables]
    rows = [list(solution) for solution in solutions]
    iri_columns = [
        i for i in range(len(names)) if any(isinstance(r[i], ox.NamedNode) for r in rows)
    ]
    index = labels(_iris(rows, iri_columns)) if labels is not None and iri_columns else None
    headers: list[str] = []
    for i, name in enumerate(names):
        headers += [name, f"{name}_label"] if index and i in iri_columns else [name]
    table = []
    for row in rows:
        cells = []
        for i, term in enumerate(row):
            cells.append(_human(term))
            if index and i in iri_columns:
                named = isinstance(term, ox.NamedNode)
                cells.append(index.pick(curie(term.value), lang) if named else "")
        table.append(cells)
    text = render_rows(headers, table, fmt)
    return text if text.endswith("\n") else text + "\n"


def _iris(rows: list[list], columns: list[int]) -> list[str] | None:
    """The IRIs of a result, to fetch only their labels (all labels past 20,000 of them)."""
    iris = {
        curie(row[i].value) for row in rows for i in columns if isinstance(row[i], ox.NamedNode)
    }
    return sorted(iris) if len(iris) <= 20_000 else None


@register(ox.QuerySolutions, "table")
def _solutions_table(solutions, *, labels=None, lang: str = "zh") -> str:
    return _people(solutions, "table", labels, lang)


@register(ox.QuerySolutions, "markdown")
def _solutions_markdown(solutions, *, labels=None, lang: str = "zh") -> str:
    return _people(solutions, "markdown", labels, lang)


@register(ox.QueryBoolean, "table", "markdown")
def _boolean_text(answer: ox.QueryBoolean) -> str:
    return ("true" if answer else "false") + "\n"


for _name, _format in _RESULTS_FORMATS.items():
    register(ox.QuerySolutions, _name)(partial(_serialised, fmt=_format))
    register(ox.QueryBoolean, _name)(partial(_serialised, fmt=_format))
for _name, _format in _GRAPH_FORMATS.items():
    register(ox.QueryTriples, _name, *(("table",) if _name == "turtle" else ()))(
        partial(_triples, fmt=_format)
    )

SELECT_FORMATS = formats(ox.QuerySolutions)
GRAPH_FORMATS = formats(ox.QueryTriples)


def render_result(result, fmt: str, **options) -> str:
    """A SELECT, ASK or CONSTRUCT/DESCRIBE result (Oxigraph's own object) in ``fmt``; a
    :class:`StoreError` names the kind of query ``fmt`` is for when it is not for this one."""
    choices = formats(type(result))
    if fmt not in choices:
        kinds = "/".join(kind for t, kind in _KINDS.items() if fmt in formats(t))
        # (an English sentence, as the other errors of this module, until they move to the
        # catalogs: tests pin it; the catalog entry render.query_format is ready)
        choices_text = ", ".join(choices)
        raise StoreError(f"format {fmt!r} is for {kinds}; choose one of {choices_text}")
    return render(result, fmt, **options)


def query_results(store: Store, text: str, timeout: float | None = None):
    """Oxigraph's own result object for a checked, read-only query on ``store``."""
    return store.query_results(text, timeout=timeout)


def _vars(rows: Sequence[Mapping[str, Node]]) -> list[str]:
    names = list(getattr(rows, "vars", []) or [])
    for row in rows:
        names += [k for k in row if k not in names]
    return names


# -- the Python API -----------------------------------------------------------------------------


def run_query(store, text: str, info: QueryInfo, timeout: float | None = None):
    """Run a checked, read-only query with the store method for its kind.

    Only ``select``, ``ask`` and ``construct`` are used, so any store offering those (embedded
    or remote) works here.
    """
    if info.kind == "select":
        return store.select(text, timeout=timeout)
    if info.kind == "ask":
        return store.ask(text, timeout=timeout)
    if info.returns_graph:
        return store.construct(text, timeout=timeout)
    raise StoreError("this is a SPARQL UPDATE; run it with --update (or Store.update())")


@cache
def _bundled_store() -> Store:
    return open_store(None)


def _resolve_store(store: Store | str | os.PathLike[str] | None) -> Store:
    if isinstance(store, Store):
        return store
    if store is None and not os.environ.get("CHAINGRAPH_STORE"):
        return _bundled_store()
    return open_store(store, read_only=True)


def query(
    sparql: str,
    store: Store | str | os.PathLike[str] | None = None,
    *,
    lang: str | None = None,
    timeout: float | None = None,
    dataframe: bool = False,
    allow_hosts: Sequence[str] = (),
):
    """Run a read-only SPARQL query and return rows (dicts of rdflib terms) or a DataFrame.

    ``store`` is a :class:`~chaingraph.store.Store`, a store directory (opened read-only), or
    ``None`` for the bundled data. With ``lang`` (``zh``/``en``), each IRI column ``x`` gets an
    ``x_label`` column. ``timeout`` stops the query after that many seconds. ``dataframe=True``
    returns a pandas DataFrame (``pip install 'chaingraph[pandas]'``) with IRIs as strings and
    literals as Python values. ASK returns a bool, CONSTRUCT/DESCRIBE an rdflib Graph.
    Updates are refused: use :meth:`Store.update`.
    """
    target = _resolve_store(store)
    info = check_outbound(sparql, allow_hosts, target.graphs)
    if info.is_update:
        raise StoreError("query() is read-only; run updates with Store.update()")
    with target.allowing(allow_hosts):  # the store's own guard checks again, as it always does
        result = run_query(target, sparql, info, timeout)
    if isinstance(result, bool):
        return result
    if info.returns_graph:
        return Triples(result).graph()
    if lang is not None:
        index = LabelIndex.from_store(target)
        names = _vars(result)
        labelled = Rows(vars=[v for n in names for v in (n, f"{n}_label")])
        for row in result:
            new: dict[str, Node] = {}
            for n in names:
                if n in row:
                    new[n] = row[n]
                    if isinstance(row[n], URIRef):
                        new[f"{n}_label"] = Literal(index.pick(curie(str(row[n])), lang))
            labelled.append(new)
        labelled.vars = [v for v in labelled.vars if v in names or any(v in r for r in labelled)]
        result = labelled
    if not dataframe:
        return result
    try:
        import pandas
    except ImportError:
        raise StoreError("dataframe=True needs pandas: pip install 'chaingraph[pandas]'") from None
    columns = _vars(result)
    return pandas.DataFrame(
        [
            {
                n: (
                    row[n].toPython()
                    if isinstance(row.get(n), Literal)
                    else (str(row[n]) if n in row else None)
                )
                for n in columns
            }
            for row in result
        ],
        columns=columns,
    )
