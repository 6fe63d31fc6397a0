"""No outbound requests: every SPARQL query and update is parsed before it runs.

Parsing (rdflib's SPARQL 1.1 parser), not pattern matching, finds anything that would make
the store reach out to the network: ``SERVICE``, ``LOAD``, and ``FROM`` / ``FROM NAMED`` /
``USING`` naming a graph that is not in the store. They are refused unless their host is
allowed explicitly, so lower-case keywords, comments, ``\\u`` escapes and nesting (OPTIONAL,
UNION, MINUS, FILTER EXISTS, subqueries) change nothing. ``chaingraph query`` and
``chaingraph serve`` both run every text through :func:`check_outbound`.

>>> text = "select * { optional { service#note\\n <http://example.org/sparql> { ?s ?p ?o } } }"
>>> inspect_query(text).remote
['SERVICE <http://example.org/sparql>']
>>> check_outbound("ASK { ?s ?p ?o }").kind
'ask'
>>> check_outbound("LOAD <http://example.org/data.ttl>")
Traceback (most recent call last):
...
chaingraph.safety.OutboundRefused: refused: LOAD <http://example.org/data.ttl> would send ...
"""

from __future__ import annotations

import gc
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from .namespaces import PREFIXES
from .resources import GRAPH_BASE
from .store import StoreError, StoreSyntaxError

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue

__all__ = [
    "MAX_NESTING",
    "OutboundRefused",
    "QueryInfo",
    "can_reach_out",
    "check_outbound",
    "inspect_query",
]

# Deepest nesting of (), {} and [] the guard reads. rdflib's parser recurses about 30 Python
# frames per level; deeper queries are parsed on a thread with a large stack, and beyond this
# depth refused (reading 1,000 levels takes seconds), with a one-line error.
MAX_NESTING = 256
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 200_000
_SHALLOW_NESTING = 12  # parsed on the caller's stack up to this depth

_KINDS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


class OutboundRefused(StoreError):
    """The query would make a request to another host, which was not allowed."""


@dataclass
class QueryInfo:
    """What parsing a query told us: its kind and what it would reach out to."""

    kind: str  # select, ask, construct, describe or update
    remote: list[str] = field(default_factory=list)  # e.g. "SERVICE <http://…>"
    targets: list[tuple[str, str | None]] = field(default_factory=list)  # (keyword, IRI or None)

    @property
    def is_update(self) -> bool:
        return self.kind == "update"

    @property
    def returns_graph(self) -> bool:
        return self.kind in ("construct", "describe")


def _walk(node) -> Iterable[CompValue]:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ParseResults):
            stack.extend(list(item))
            stack.extend(item.as_dict().values())
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _get(node: CompValue, key: str):
    # CompValue.get() returns the key itself when it is missing, so look first.
    return node[key] if key in node else None  # noqa: SIM401


def _nesting(text: str) -> int:
    """The deepest nesting of brackets in ``text`` (strings and comments counted too: an upper
    bound is all the guard needs)."""
    depth = deepest = 0
    for char in text:
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    return deepest


def _parse_deep(parse, text: str):
    """``parse(text)`` on a thread with a large stack and a high recursion limit."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["tree"] = parse(text)
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    previous_limit = sys.getrecursionlimit()
    previous_stack = threading.stack_size()
    # Garbage is collected here, not on the parser's thread: Oxigraph's result objects must be
    # freed on the thread that made them.
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    sys.setrecursionlimit(max(previous_limit, _DEEP_RECURSION_LIMIT))
    try:
        thread = threading.Thread(target=run, name="chaingraph-sparql-guard")
        # The stack size is read when a thread starts, for every thread: set it around this
        # start only (threads started meanwhile elsewhere reserve, not use, the same size).
        threading.stack_size(_DEEP_STACK_BYTES)
        try:
            thread.start()
        finally:
            threading.stack_size(previous_stack)
        thread.join()
    finally:
        sys.setrecursionlimit(previous_limit)
        if collecting:
            gc.enable()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["tree"]


def _parse_one(parse, text: str, depth: int):
    if depth > _SHALLOW_NESTING:  # would exhaust the recursion limit: go straight to the deep
        return _parse_deep(parse, text)  # stack (a RecursionError half way leaves debris)
    try:
        return parse(text)
    except RecursionError:
        return _parse_deep(parse, text)


def _parse(text: str):
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise StoreSyntaxError("sparql.too_deep", depth=depth, limit=MAX_NESTING)
    try:
        return _parse_one(parseQuery, text, depth)
    except ParseException as query_error:
        try:
            return _parse_one(parseUpdate, text, depth)
        except ParseException as update_error:
            error = update_error if update_error.loc > query_error.loc else query_error
            raise StoreSyntaxError(
                f"SPARQL syntax error at line {error.lineno}, column {error.col} "
                f"(near {error.line.strip()[:60]!r}): {error.msg}. "
                "(chaingraph reads every query with a SPARQL 1.1 parser before running it.)"
            ) from None
        except RecursionError:
            raise StoreSyntaxError("sparql.too_deep", depth=depth, limit=MAX_NESTING) from None
    except RecursionError:
        raise StoreSyntaxError("sparql.too_deep", depth=depth, limit=MAX_NESTING) from None


def inspect_query(text: str) -> QueryInfo:
    """Parse ``text`` and list its kind and every SERVICE, LOAD, FROM and USING target."""
    cached = _inspect(text)
    return QueryInfo(cached.kind, list(cached.remote), list(cached.targets))


@lru_cache(maxsize=512)
def _inspect(text: str) -> QueryInfo:
    # The library runs the same query texts again and again (bindings travel apart from the
    # text): parse each once.
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    tree = _parse(text)
    nodes = list(_walk(tree))
    prefixes = dict(PREFIXES)
    base = None
    for node in nodes:
        if node.name == "PrefixDecl":
            prefixes[_get(node, "prefix") or ""] = str(node["iri"])
        elif node.name == "Base":
            base = str(node["iri"])

    def resolve(term) -> str | None:
        if isinstance(term, Variable) or term is None:
            return None
        if isinstance(term, CompValue) and term.name == "pname":
            namespace = prefixes.get(_get(term, "prefix") or "")
            return None if namespace is None else namespace + (_get(term, "localname") or "")
        iri = str(term)
        return urljoin(base, iri) if base and not urlsplit(iri).scheme else iri

    kind = "update"
    for node in nodes:
        if node.name in _KINDS:
            kind = _KINDS[node.name]
    info = QueryInfo(kind)
    for node in nodes:
        if node.name == "ServiceGraphPattern":
            info.targets.append(("SERVICE", resolve(_get(node, "term"))))
        elif node.name == "Load":
            info.targets.append(("LOAD", resolve(_get(node, "iri"))))
        elif node.name in ("DatasetClause", "UsingClause"):
            keyword = "FROM" if node.name == "DatasetClause" else "USING"
            if "named" in node:
                info.targets.append((keyword + " NAMED", resolve(node["named"])))
            else:
                info.targets.append((keyword, resolve(_get(node, "default"))))
    info.targets = list(dict.fromkeys(info.targets))
    info.remote = [
        f"{k} <{iri}>" if iri else f"{k} with a variable endpoint"
        for k, iri in info.targets
        if k in ("SERVICE", "LOAD")
    ]
    return info


# The only words that make a query or update reach out of the store (SERVICE, LOAD) or name
# a graph to fetch (FROM, USING), as words of their own: not part of a longer name, a variable
# (?from) or a prefixed name (p:load). Words in strings still count, which only costs a parse.
_REACHING_WORDS = re.compile(r"(?<![\w?$:])(?:service|load|from|using)(?![\w:])")
# A line that starts with "#" is a comment, or the inside of a long string: either way no
# keyword in it runs (an IRI cannot span lines), so it is left out of the search.
_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


def can_reach_out(text: str) -> bool:
    """Whether ``text`` might reach out and must be parsed to know (cheap, conservative).

    False only when none of SERVICE, LOAD, FROM or USING appears as a word of its own, in any
    case, and no ``\\u`` escape could spell one; such a text needs no parse.

    >>> can_reach_out("# companies loaded from a sheet\\nSELECT ?from { ?from a cg:Company }")
    False
    >>> can_reach_out("select * { sErViCe <http://example.org/> { ?s ?p ?o } }")
    True
    >>> can_reach_out("SELECT * { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }")
    True
    """
    if "\\u" in text or "\\U" in text:
        return True
    code = _COMMENT_LINE.sub("", text)
    return any(_REACHING_WORDS.search(form) for form in (code.lower(), code.casefold()))


def guard_text(
    text: str,
    allow_hosts: Sequence[str] = (),
    graphs: Iterable[str] | Callable[[], Iterable[str]] = (),
) -> None:
    """:func:`check_outbound` for a text about to run, skipping the parse when
    :func:`can_reach_out` says it cannot (what every store query and update goes through)."""
    if can_reach_out(text):
        check_outbound(text, allow_hosts, graphs)


def _host_allowed(iri: str | None, allow_hosts: Sequence[str]) -> bool:
    if not iri:
        return False
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    wanted = {h.lower() for h in allow_hosts}
    return parts.hostname.lower() in wanted or parts.netloc.lower() in wanted


def check_outbound(
    text: str,
    allow_hosts: Sequence[str] = (),
    graphs: Iterable[str] | Callable[[], Iterable[str]] = (),
) -> QueryInfo:
    """Refuse a query that would reach out to a host not in ``allow_hosts``; return its info.

    ``FROM``/``USING`` graphs are fine when they name a graph of the store (``graphs``) or
    chaingraph's own graph namespace; Oxigraph never fetches them, but a graph that is not
    there is a mistake or an attempt to fetch, so it is refused too. ``graphs`` may be a
    function, called only when a FROM or USING graph needs looking up.
    """
    if _is_plain_data(text):
        return QueryInfo("update")
    info = inspect_query(text)
    local: set[str] | None = None
    for keyword, iri in info.targets:
        if _host_allowed(iri, allow_hosts):
            continue
        if keyword in ("SERVICE", "LOAD"):
            what = f"{keyword} <{iri}>" if iri else f"{keyword} with a variable endpoint"
            host = urlsplit(iri).hostname if iri else None
            hint = f"--allow-host {host}" if host else "--allow-host HOST (and a fixed IRI)"
            raise OutboundRefused(
                f"refused: {what} would send a request to another host, and chaingraph makes no "
                f"outbound requests unless you allow the host explicitly ({hint}). Nothing was run."
            )
        if iri and iri.startswith(GRAPH_BASE):
            continue
        if iri and local is None:
            local = set(graphs() if callable(graphs) else graphs)
        if iri and iri in local:
            continue
        raise OutboundRefused(
            f"refused: {keyword} <{iri}> names no graph of this store, and chaingraph never "
            "fetches graphs from the web. `chaingraph graphs` lists the graphs. Nothing was run."
        )
    return info


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

    That is how :class:`~chaingraph.store.remote.RemoteStore` (and the embedded store) replace
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
