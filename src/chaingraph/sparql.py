"""Running SPARQL for people: the outbound-request guard, result formats and ``query()``.

Every query passes the outbound-request guard of :mod:`chaingraph.safety` before it runs.

>>> rows = query("SELECT ?chain WHERE { pv:wafer skos:inScheme ?chain }", lang="en")
>>> rows[0]["chain"], rows[0]["chain_label"]
(rdflib.term.URIRef('https://w3id.org/chaingraph/chain/pv'), rdflib.term.Literal('Photovoltaics'))

Result formats follow the W3C SPARQL 1.1 Query Results specifications (JSON, CSV, TSV):

>>> from rdflib import URIRef, Literal
>>> rows = Rows([{"s": URIRef("http://example.org/a"), "n": Literal(2)}], vars=["s", "n"])
>>> print(render_select(rows, "csv"), end="")
s,n
http://example.org/a,2
>>> print(render_select(rows, "tsv"), end="")
?s	?n
<http://example.org/a>	"2"^^<http://www.w3.org/2001/XMLSchema#integer>
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from rdflib.term import BNode, Literal, Node, URIRef

from .labels import LabelIndex
from .namespaces import curie
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
    "render_graph",
    "render_select",
]

SELECT_FORMATS = ("table", "csv", "tsv", "json", "markdown")
GRAPH_FORMATS = ("turtle", "jsonld")

# -- result formats ---------------------------------------------------------------------------


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = f'"{_escape(str(term))}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        return f"{text}^^<{term.datatype}>"
    return text


def _json_value(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = str(term.datatype)
    return value


def _vars(rows: Sequence[Mapping[str, Node]]) -> list[str]:
    names = list(getattr(rows, "vars", []) or [])
    for row in rows:
        names += [k for k in row if k not in names]
    return names


def _human(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render_select(
    rows: Sequence[Mapping[str, Node]],
    fmt: str,
    *,
    labels: LabelIndex | None = None,
    lang: str = "zh",
) -> str:
    """SELECT results as text.

    ``csv``, ``tsv`` and ``json`` are the W3C SPARQL 1.1 result formats (CSV lines end in CRLF
    as RFC 4180 asks). ``table`` and ``markdown`` are for people: IRIs as CURIEs, and with
    ``labels`` a ``<var>_label`` column after each column that holds IRIs.
    """
    names = _vars(rows)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([[_csv_value(row.get(n)) for n in names] for row in rows])
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_tsv_value(row.get(n)) for n in names) for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        document = {
            "head": {"vars": names},
            "results": {
                "bindings": [
                    {n: _json_value(v) for n, v in row.items() if v is not None} for row in rows
                ]
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt not in ("table", "markdown"):
        raise StoreError(
            f"format {fmt!r} is for CONSTRUCT/DESCRIBE; choose one of {', '.join(SELECT_FORMATS)}"
        )
    headers: list[str] = []
    columns: list[tuple[str, bool]] = []
    for n in names:
        headers.append(n)
        columns.append((n, False))
        if labels is not None and any(isinstance(row.get(n), URIRef) for row in rows):
            headers.append(f"{n}_label")
            columns.append((n, True))
    table = [
        [
            (labels.pick(curie(str(row[n])), lang) if isinstance(row.get(n), URIRef) else "")
            if is_label
            else _human(row.get(n))
            for n, is_label in columns
        ]
        for row in rows
    ]
    text = render_rows(headers, table, fmt)
    return text if text.endswith("\n") else text + "\n"


def render_ask(value: bool, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    return ("true" if value else "false") + "\n"


def render_graph(triples: Iterable[tuple[Node, Node, Node]], fmt: str) -> str:
    """CONSTRUCT/DESCRIBE results as Turtle (with chaingraph prefixes) or JSON-LD."""
    graph = Triples(triples).graph()
    if fmt in ("turtle", "table"):
        return graph.serialize(format="turtle")
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", indent=2) + "\n"
    raise StoreError(f"format {fmt!r} is for SELECT; choose one of {', '.join(GRAPH_FORMATS)}")


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
    info = check_outbound(sparql, allow_hosts, target.graphs())
    if info.is_update:
        raise StoreError("query() is read-only; run updates with Store.update()")
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
