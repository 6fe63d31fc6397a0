"""Refuse SPARQL that would make the server fetch something from the network.

A SPARQL engine may follow ``SERVICE <url>`` (federated query), ``LOAD <url>`` (update) and,
in some engines, ``FROM <url>`` / ``FROM NAMED`` / ``USING`` (the dataset is read from the web).
chaingraph makes no outbound requests, so the served endpoint refuses all of them. The check
works on rdflib's SPARQL algebra, not on the text, so case, comments and nesting (OPTIONAL,
UNION, subqueries, MINUS, FILTER EXISTS) do not hide anything.

>>> check_no_outbound("SELECT ?s WHERE { ?s a cg:Stage }")
'SELECT'
>>> check_no_outbound("select * { optional { service#x\\n <http://example.org/sparql> {} } }")
Traceback (most recent call last):
...
chaingraph.safety.OutboundRefused: SERVICE <http://example.org/sparql> is not allowed: ...
>>> check_no_outbound("LOAD <http://example.org/data.ttl>", update=True)
Traceback (most recent call last):
...
chaingraph.safety.OutboundRefused: LOAD <http://example.org/data.ttl> is not allowed: ...
>>> check_no_outbound("SELEC ?x WHERE {}")
Traceback (most recent call last):
...
chaingraph.safety.SparqlSyntaxError: SPARQL syntax error: ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from .namespaces import PREFIXES

__all__ = ["OutboundRefused", "SparqlSyntaxError", "check_no_outbound"]

_WHY = "chaingraph makes no outbound requests; load the data into the store first"

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class SparqlSyntaxError(ValueError):
    """The text is not a SPARQL query (or update); the message is the parser's."""


class OutboundRefused(ValueError):
    """The query or update would fetch from the network (SERVICE, LOAD, FROM, USING)."""


def _refuse(what: str, term) -> OutboundRefused:
    if isinstance(term, Variable):
        target = f" ?{term}"
    elif isinstance(term, str):
        target = f" <{term}>"
    else:
        target = ""
    return OutboundRefused(f"{what}{target} is not allowed: {_WHY}")


def _walk(node, seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, CompValue):
        name = node.name
        if name in ("ServiceGraphPattern", "Service"):
            raise _refuse("SERVICE", node.get("term"))
        if name == "Load":
            raise _refuse("LOAD", node.get("iri"))
        for clause in node.get("datasetClause") or ():
            if isinstance(clause, CompValue):
                if "named" in clause:
                    raise _refuse("FROM NAMED", clause["named"])
                raise _refuse("FROM", clause.get("default"))
        for clause in node.get("using") or ():
            if isinstance(clause, CompValue):
                if "named" in clause:
                    raise _refuse("USING NAMED", clause["named"])
                raise _refuse("USING", clause.get("default"))
        for value in node.values():
            _walk(value, seen)
    elif isinstance(node, Mapping):
        for value in node.values():
            _walk(value, seen)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            _walk(value, seen)


_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PLAIN_DATA = re.compile(
    rf"""\A(?:\s*PREFIX\s+[A-Za-z][\w.-]*:\s*{_IRI})*
    (?:\s*DROP\s+SILENT\s+GRAPH\s+{_IRI}\s*;
       (?:\s*DELETE\s+WHERE\s*\{{\s*GRAPH\s+{_IRI}\s*\{{\s*{_IRI}\s+\?p\s+\?o\s*\}}\s*\}}\s*;)?
    )*
    \s*INSERT\s+DATA\s*\{{(?P<data>.*)\}}\s*\Z""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)


def _is_plain_data(text: str) -> bool:
    """True for the updates that load files: graph drops, then ``INSERT DATA { TriG }``.

    That is how :class:`~chaingraph.remote.RemoteStore` (and the embedded store) replace
    files: ``DROP SILENT GRAPH <g> ; DELETE WHERE { GRAPH <m> { <g> ?p ?o } } ; ...`` followed
    by ``INSERT DATA { GRAPH <g> { triples } ... }``. Checking such an update with rdflib's
    parser takes seconds per 100 kB, so it is recognised here instead. It is safe because the
    data must parse as strict TriG, whose strings, IRIs and comments SPARQL reads the same way,
    and TriG has no keyword that reaches out; only ``\\u`` escapes differ (SPARQL expands them
    before parsing, so one could end a string early), so text with one takes the full parser.
    """
    if "\\u" in text or "\\U" in text:
        return False
    match = _PLAIN_DATA.match(text)
    if not match:
        return False
    try:
        for _ in ox.parse(match["data"], format=ox.RdfFormat.TRIG):
            pass
    except SyntaxError:
        return False
    return True


def check_no_outbound(text: str, *, update: bool = False) -> str:
    """Raise :class:`OutboundRefused` if ``text`` would reach out to the network.

    Returns the query form (``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``UPDATE``
    when ``update`` is true). The chaingraph prefixes are predefined. Raises
    :class:`SparqlSyntaxError` with the parser's message when ``text`` does not parse.
    """
    if update and _is_plain_data(text):
        return "UPDATE"
    try:
        if update:
            algebra = translateUpdate(parseUpdate(text), initNs=PREFIXES).algebra
            form = "UPDATE"
        else:
            algebra = translateQuery(parseQuery(text), initNs=PREFIXES).algebra
            form = _FORMS.get(algebra.name, algebra.name)
    except ParseException as error:
        raise SparqlSyntaxError(f"SPARQL syntax error: {error}") from None
    except Exception as error:  # rdflib raises plain exceptions for e.g. unknown prefixes
        raise SparqlSyntaxError(f"SPARQL error: {error}") from None
    _walk(algebra, set())
    return form
