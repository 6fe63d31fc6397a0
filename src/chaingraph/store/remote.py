"""A remote SPARQL 1.1 endpoint used as a chaingraph store.

``open_store("http://host:7878/query")`` (or ``--store URL``) returns a :class:`RemoteStore`
with the interface of :class:`~chaingraph.store.Store` (it is one: reading, loading
with load records, dropping and updating work the same way). It speaks the SPARQL 1.1
Protocol with the standard library only:

* Queries are POSTed as a form to the query URL. Local stores query the *union of the named
  graphs* as default graph. A server whose SPARQL 1.1 Service Description (``GET`` on the query
  URL) declares ``sd:feature sd:UnionDefaultGraph`` (Virtuoso does) is queried as it is. Any
  other server gets the dataset named explicitly, to give the same answers without being
  configured: one ``default-graph-uri`` and one ``named-graph-uri`` per named graph of the
  store (the protocol's own way to say what the default graph is; Oxigraph, Fuseki and
  chaingraph's ``serve`` honour it). Triples in the server's unnamed default graph are
  therefore not seen (chaingraph never writes there).
* Updates go to the update URL: ``$CHAINGRAPH_UPDATE_URL`` if set, else the query URL with a
  final ``/query`` replaced by ``/update`` (Oxigraph server), else the query URL itself
  (Fuseki's ``/dataset``, Virtuoso's and chaingraph's ``/sparql``).
* Loading files parses them locally first (a syntax error sends nothing), then replaces their
  named graphs and load records in one update request (``DROP SILENT GRAPH``, then ``INSERT
  DATA``, or ``INSERT { ... } WHERE { }`` for a graph with blank nodes), which the server
  applies as one transaction: all or nothing.
* Credentials come from ``$CHAINGRAPH_USER`` / ``$CHAINGRAPH_PASSWORD`` (HTTP basic), never
  from the command line. ``$CHAINGRAPH_TIMEOUT`` sets the HTTP timeout (seconds, default 60).
* ``bindings`` become a ``VALUES`` block at the start of the query's WHERE group, so the
  bound variable is fixed before anything else is evaluated, as with local substitution.
* A result the server says it cut short is an error, never fewer rows: Virtuoso stops at its
  ``ResultSetMaxRows`` (10,000 in Debian's ``virtuoso.ini``) and at ``MaxQueryExecutionTime``
  ("anytime" queries), and says so only in the ``X-SPARQL-MaxRows`` / ``X-SQL-State`` headers.

Virtuoso (tested with Virtuoso Open Source 7.2.5, Debian's ``virtuoso-opensource``): use
``--store http://HOST:8890/sparql``; updates go to the same URL, once an administrator lets
the anonymous SPARQL user write (``isql-vt 1111 dba PASSWORD 'exec=GRANT SPARQL_UPDATE TO
"SPARQL";'``; its ``/sparql-auth`` endpoint wants HTTP digest authentication, which chaingraph
does not speak). ``load``, ``gaps`` (one region and ``--all``) and every named query give what
the embedded store gives, with these differences:

* Its own graphs (``virtrdf#``, ``ldp#``, its service description) are part of its default
  graph; they use none of chaingraph's terms, and :meth:`RemoteStore.graphs` and ``len()``
  leave them out (:data:`SERVER_GRAPHS`). With a ``default-graph-uri`` list instead, Virtuoso
  follows ``cg:partOf*`` within one graph only (6 of Xining's 44 claims) and is 100 times
  slower: hence the service-description check above. ``GRAPH ?g { }`` binds no graph on
  Virtuoso, so the graphs are listed with ``GRAPH ?g { ?s ?p ?o }`` there.
* It refuses blank nodes in ``INSERT DATA`` ("SP031: SPARQL compiler: Blank node '_:...' is
  not allowed in a constant clause"): hence the ``INSERT ... WHERE { }`` form, the same
  triples. Its SPARQL compiler takes about 5,000 triples in one ``INSERT DATA`` and 1,000 in
  one template, so a load goes in operations of :data:`INSERT_CHUNK` / :data:`TEMPLATE_CHUNK`
  triples; a request has at most 10 MB of text, though ("SR0??: The requested string session
  is longer than 10Mb"), about 70,000 triples: split a larger file (each file is a graph of
  its own). It refuses ill-typed numbers that RDF allows (``"abc"^^xsd:integer``: "SR341:
  Invalid integer value converting 'abc'"): such a load is refused whole, nothing changes. An
  operation that fails while running (not while compiling) leaves the operations before it
  in the same request done: Virtuoso runs them without a transaction around them.
* Numbers and language tags come back canonical (``1.50`` as ``1.5``, ``@zh-Hans`` as
  ``@zh-hans``), as rdflib gives them from the embedded store: the answers compare equal.
* Wrong answers it gives, found by the tests: ``BIND(IF(EXISTS { ... }, ...))`` after a
  ``cg:partOf*`` path with ``?region`` fixed bound ``0`` to other variables (the shipped
  queries now say ``OPTIONAL { ?fact a ?project FILTER(...) }`` instead: the same answers
  and speed on Oxigraph). And ``FILTER NOT EXISTS { ?site cg:partOf* ?region }`` (or
  ``MINUS``) is ignored when an ``OPTIONAL`` of one triple pattern follows in the group
  (also with a ``FILTER``, ``BIND`` or ``VALUES`` inside): ``producers-of-stages`` with
  ``?region`` bound lists producers inside the region as outside it (40 rows for Xining
  instead of 26). ``chaingraph targets``, which uses it, still prints what the embedded store
  prints: the extra rows are the region's own facts, which its graph already holds. No
  portable formulation that Virtuoso 7.2 answers right was found; a query of your own with
  this shape needs another server.

>>> from rdflib import URIRef
>>> with_values("SELECT ?s WHERE { ?s a cg:Stage }", {"s": URIRef("https://example.org/a")})
'SELECT ?s WHERE { VALUES ?s { <https://example.org/a> } ?s a cg:Stage }'
>>> update_url_for("http://localhost:7878/query")
'http://localhost:7878/update'
>>> update_url_for("http://localhost:3030/ds/sparql")
'http://localhost:3030/ds/sparql'
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib.term import BNode, Node

from ..namespaces import sparql_prefixes
from ..queries import SPARQL_TOKEN
from .base import (
    META_GRAPH,
    Bindings,
    QueryResults,
    Rows,
    Store,
    StoreError,
    StoreSyntaxError,
    collect,
    to_oxigraph,
    triples_result,
)
from .loading import Parsed, record_quads, replaced_graphs

__all__ = ["RemoteStore", "update_url_for", "with_values"]

UPDATE_URL_ENV = "CHAINGRAPH_UPDATE_URL"
USER_ENV = "CHAINGRAPH_USER"
PASSWORD_ENV = "CHAINGRAPH_PASSWORD"
TIMEOUT_ENV = "CHAINGRAPH_TIMEOUT"

# Graphs a new Virtuoso database holds for itself (its RDF views' schema, the LDP vocabulary,
# its service description): not chaingraph's, so not in graphs(), len() or the default graph.
SERVER_GRAPHS = frozenset(
    {
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://localuriqaserver/sparql",
    }
)

_SD = "http://www.w3.org/ns/sparql-service-description#"
_SD_FEATURE = ox.NamedNode(_SD + "feature")
_SD_UNION = ox.NamedNode(_SD + "UnionDefaultGraph")

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_ANY_RESULT = f"{_JSON}, {_NTRIPLES};q=0.9"


def _sparql_term(value: Node) -> str:
    if isinstance(value, BNode):
        raise TypeError(f"cannot bind the blank node {value!r} in a remote query")
    return str(to_oxigraph(value))  # Oxigraph validates IRIs and escapes literals


def with_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """``query`` with a ``VALUES`` block fixing ``bindings`` at the start of its WHERE group."""
    if not bindings:
        return query
    block = " ".join(
        f"VALUES ?{name} {{ {_sparql_term(value)} }}" for name, value in bindings.items()
    )
    depth, after_where, first_brace = 0, False, None
    for match in SPARQL_TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "word" and depth == 0 and match.group().upper() == "WHERE":
            after_where = True
        elif kind == "brace":
            if match.group() == "{":
                if depth == 0 and after_where:
                    return query[: match.end()] + f" {block}" + query[match.end() :]
                if depth == 0 and first_brace is None:
                    first_brace = match.end()
                depth += 1
            else:
                depth -= 1
    if first_brace is None:
        raise ValueError("cannot bind variables in a query without a WHERE group")
    return query[:first_brace] + f" {block}" + query[first_brace:]


def update_url_for(query_url: str) -> str:
    """The update endpoint that goes with ``query_url`` (see the module docs)."""
    explicit = os.environ.get(UPDATE_URL_ENV)
    if explicit:
        return explicit
    parts = urllib.parse.urlsplit(query_url)
    if parts.path.endswith("/query"):
        return urllib.parse.urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update"))
    return query_url


# Triples per INSERT operation: Virtuoso's SPARQL parser runs out of stack at about 5,000
# triples in one operation ("SP030: SPARQL compiler, line 5021: memory exhausted"), and it
# compiles a template with blank nodes to at most 10,000 lines of SQL, about 1,000 triples
# ("SP031: SPARQL: Internal error: The length of generated SQL text has exceeded 10000 lines").
INSERT_CHUNK = 2000
TEMPLATE_CHUNK = 500


def _triple(quad: ox.Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


def _blank_nodes(quad: ox.Quad) -> list[ox.BlankNode]:
    return [t for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]


def _runs(quads: list[ox.Quad], size: int, blank_size: int) -> list[list[ox.Quad]]:
    """``quads`` in runs of at most ``size`` (``blank_size`` for runs with blank nodes).

    A blank node label must not appear in two operations of one update request (it would
    name two different nodes), so the triples linked by blank nodes stay in one run.

    >>> b, p, v = ox.BlankNode("b"), ox.NamedNode("urn:p"), ox.Literal("v")
    >>> q = [ox.Quad(ox.NamedNode(f"urn:s{i}"), p, v) for i in range(3)]
    >>> chained = [ox.Quad(q[0].subject, p, b), ox.Quad(b, p, ox.BlankNode("c"))]
    >>> [len(run) for run in _runs(q + chained, 2, 2)]
    [2, 1, 2]
    """
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for quad in quads:
        nodes = _blank_nodes(quad)
        if len(nodes) == 2:
            parent[root(nodes[0].value)] = root(nodes[1].value)
    plain: list[ox.Quad] = []
    linked: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        nodes = _blank_nodes(quad)
        if nodes:
            linked.setdefault(root(nodes[0].value), []).append(quad)
        else:
            plain.append(quad)
    runs = [plain[i : i + size] for i in range(0, len(plain), size)]
    blank: list[list[ox.Quad]] = []
    for unit in linked.values():
        if blank and len(blank[-1]) + len(unit) <= blank_size:
            blank[-1].extend(unit)
        else:
            blank.append(list(unit))
    return runs + blank


def replace_update(parsed: list[Parsed], when: str) -> str:
    """One SPARQL update that replaces the graphs of ``parsed`` and their load records.

    The triples go in operations of at most :data:`INSERT_CHUNK` triples
    (:data:`TEMPLATE_CHUNK` with blank nodes), all in the one request. Triples without blank
    nodes are written with ``INSERT DATA``; those with blank nodes as the template of
    ``INSERT { GRAPH <g> { ... } } WHERE { }``: the same triples (each blank node label
    becomes one new blank node, as in ``INSERT DATA``), in a form that Virtuoso also accepts
    (it refuses blank nodes in ``INSERT DATA``: "Blank node ... is not allowed in a constant
    clause").

    >>> quads = [ox.Quad(ox.BlankNode("b1"), ox.NamedNode("urn:p"), ox.Literal("v"))]
    >>> print(replace_update([Parsed("f.ttl", "urn:g", quads, "00", "text/turtle")], "T"))
    ... # doctest: +ELLIPSIS
    DROP SILENT GRAPH <urn:g> ;
    DELETE WHERE { GRAPH <https://w3id.org/chaingraph/graph/loads> { <urn:g> ?p ?o } } ;
    INSERT { GRAPH <urn:g> {
    _:b1 <urn:p> "v" .
    } } WHERE { } ;
    INSERT DATA { GRAPH <https://w3id.org/chaingraph/graph/loads> {
    <urn:g> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/prov#Entity> .
    ...
    } }
    """
    parts = []
    for p in parsed:
        for graph in replaced_graphs(p):
            parts.append(f"DROP SILENT GRAPH <{graph}> ;")
            parts.append(f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }} ;")
    records = [q for p in parsed for q in record_quads(p, when)]
    sizes = INSERT_CHUNK, TEMPLATE_CHUNK
    writes = [(p.graph, run) for p in parsed for run in _runs(p.quads or [], *sizes)]
    writes += [(META_GRAPH, run) for run in _runs(records, *sizes)]
    for graph, run in writes:
        blank = any(_blank_nodes(q) for q in run)
        parts.append(
            f"INSERT {{ GRAPH <{graph}> {{" if blank else f"INSERT DATA {{ GRAPH <{graph}> {{"
        )
        parts.extend(_triple(q) for q in run)
        parts.append("} } WHERE { } ;" if blank else "} } ;")
    parts[-1] = parts[-1].removesuffix(" ;")
    return "\n".join(parts)


def _check_complete(url: str, headers) -> None:
    """Refuse a result the server says it cut short (Virtuoso marks it in HTTP headers)."""
    cut = headers.get("X-SPARQL-MaxRows")
    if cut:
        raise StoreError(
            f"SPARQL endpoint {url} cut the result at {cut} rows (Virtuoso's ResultSetMaxRows), "
            "so it is incomplete\nhint: raise ResultSetMaxRows in the [SPARQL] section of "
            "virtuoso.ini (and restart Virtuoso), or narrow the query"
        )
    state = headers.get("X-SQL-State")
    if state:  # an "anytime" query: the time limit ran out and the result is partial
        message = headers.get("X-SQL-Message", "").split("Activity:")[0]
        detail = f"{state} {message}".strip()
        raise StoreError(
            f"SPARQL endpoint {url} sent a partial result ({detail})\n"
            "hint: raise MaxQueryExecutionTime in the [SPARQL] section of virtuoso.ini, or "
            "narrow the query"
        )


def _hint(status: int) -> str:
    if status in (401, 407):
        return f"set {USER_ENV} and {PASSWORD_ENV} for HTTP basic authentication"
    if status == 403:
        return (
            "the endpoint refused the request; for updates it must allow them "
            f"(chaingraph serve --allow-update) or set {UPDATE_URL_ENV}"
        )
    if status == 404:
        return (
            "check the URL: Oxigraph serves .../query and .../update, Fuseki "
            ".../DATASET/sparql, chaingraph serve .../sparql"
        )
    if status in (405, 415):
        return f"this URL does not take SPARQL POST requests; check --store and {UPDATE_URL_ENV}"
    if status == 400:
        return "the server could not run the request (its message is above)"
    return "the server failed; see its log"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint with the interface of :class:`~chaingraph.store.Store`."""

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        timeout: float | None = None,
        read_only: bool = False,
    ):
        parts = urllib.parse.urlsplit(url)
        if parts.username or parts.password:
            raise StoreError(
                f"{parts.scheme}://{parts.hostname}...: do not put credentials in the store URL "
                f"(it shows in shell history and process lists); set {USER_ENV} and "
                f"{PASSWORD_ENV} instead"
            )
        self._union_default: bool | None = None
        self.location = url
        self.url = url
        self.read_only = read_only
        self.update_url = update_url or update_url_for(url)
        self.timeout = timeout or float(os.environ.get(TIMEOUT_ENV) or 60)
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        self._auth = None
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self._auth = f"Basic {token}"

    def __repr__(self) -> str:
        return f"<chaingraph.RemoteStore {self.url}>"

    def close(self) -> None:
        """Nothing to release: every request is a connection of its own."""

    # -- HTTP ---------------------------------------------------------------------------------

    def _post(
        self, url: str, fields: list[tuple[str, str]], accept: str, timeout: float | None = None
    ) -> tuple[bytes, str]:
        timeout = timeout or self.timeout
        body = urllib.parse.urlencode(fields).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        request.add_header("Accept", accept)
        request.add_header("User-Agent", "chaingraph")
        if self._auth:
            request.add_header("Authorization", self._auth)
        slow = StoreError(
            f"SPARQL endpoint {url} did not answer within {timeout:g} s\n"
            f"hint: narrow the query (a LIMIT, fewer patterns) or allow more time "
            f"(--timeout, ${TIMEOUT_ENV})"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                _check_complete(url, response.headers)
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace").strip()
            message = f"SPARQL endpoint {url} answered HTTP {error.code} {error.reason}"
            if detail:
                message += f": {detail}"
            hint = _hint(error.code)
            if "longer than 10Mb" in detail:
                hint = (
                    "Virtuoso takes at most 10 MB of SPARQL text in one request (about 70,000 "
                    "triples); nothing was loaded: split the file into smaller ones (each is "
                    "loaded as a graph of its own)"
                )
            raise StoreError(f"{message}\nhint: {hint}") from None
        except TimeoutError:
            raise slow from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise slow from None
            raise StoreError(
                f"cannot reach SPARQL endpoint {url}: {error.reason}\n"
                "hint: is the server running? Start one with `chaingraph serve` or "
                "`oxigraph serve`, and check host and port in --store"
            ) from None
        except OSError as error:
            raise StoreError(f"cannot reach SPARQL endpoint {url}: {error}") from None

    def _request(
        self,
        query: str,
        *,
        dataset: bool = True,
        timeout: float | None = None,
        graphs: list[str] | None = None,
        named: list[str] | None = None,
    ) -> QueryResults:
        fields = [("query", sparql_prefixes() + query)]
        if dataset and (graphs is not None or not self.union_default_graph()):
            graphs = self.graphs() if graphs is None else graphs
            fields += [("default-graph-uri", graph) for graph in graphs]
            fields += [("named-graph-uri", graph) for graph in (graphs if named is None else named)]
        data, content_type = self._post(self.url, fields, _ANY_RESULT, timeout)
        media = content_type.split(";")[0].strip().lower()
        try:
            if media in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            if media in (_NTRIPLES, "text/plain"):
                return triples_result(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as error:
            raise StoreError(
                f"SPARQL endpoint {self.url} sent unreadable results: {error}"
            ) from None
        raise StoreError(
            f"SPARQL endpoint {self.url} answered in {media or 'an unnamed format'}, not in SPARQL "
            "JSON results or N-Triples; check that --store is a SPARQL query endpoint"
        )

    def _rows(self, query: str) -> Rows:
        result = collect(self._request(query, dataset=False))
        if not isinstance(result, Rows):
            raise StoreError(f"SPARQL endpoint {self.url} answered a SELECT query with no rows")
        return result

    def union_default_graph(self) -> bool:
        """Whether the endpoint's default graph is the union of its named graphs.

        Read once from its SPARQL 1.1 Service Description (``GET`` on the query URL, Turtle):
        ``sd:feature sd:UnionDefaultGraph``, which Virtuoso declares. Such a server gets no
        ``default-graph-uri``/``named-graph-uri`` list; any other answer (none, an error, HTML)
        means no.
        """
        if self._union_default is None:
            request = urllib.request.Request(self.url, headers={"Accept": "text/turtle"})
            request.add_header("User-Agent", "chaingraph")
            if self._auth:
                request.add_header("Authorization", self._auth)
            try:
                with urllib.request.urlopen(request, timeout=min(self.timeout, 10)) as response:
                    media = response.headers.get("Content-Type", "").split(";")[0].strip()
                    data = response.read(1_000_000)
                quads = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=self.url)
                self._union_default = media == "text/turtle" and any(
                    q.predicate == _SD_FEATURE and q.object == _SD_UNION for q in quads
                )
            except (OSError, SyntaxError, ValueError):
                self._union_default = False
        return self._union_default

    # -- the Store interface ------------------------------------------------------------------

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
        """Run any query on the endpoint; the server's answer parsed by Oxigraph.

        A query with its own ``FROM`` / ``FROM NAMED`` is sent without a dataset (the
        protocol's would override it); ``base_iri`` becomes a ``BASE`` when the query has
        none of its own.
        """
        from .dataset import describes_dataset

        self.guard(query, base_iri)
        if default_graphs or named_graphs:
            graphs, named = list(default_graphs or ()), list(named_graphs or ())
        else:
            graphs = named = None
        own_dataset = graphs is None and describes_dataset(query)
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        try:
            text = with_values(query, bindings)
        except ValueError as error:
            raise StoreSyntaxError(str(error)) from None
        return self._request(
            text, dataset=not own_dataset, timeout=timeout, graphs=graphs, named=named
        )

    def update(
        self, update: str, *, timeout: float | None = None, base_iri: str | None = None
    ) -> None:
        """Run a SPARQL update on the update endpoint (the chaingraph prefixes are predefined)."""
        self.check_writable()
        self.guard(update, base_iri)
        self._send_update(f"BASE <{base_iri}>\n{update}" if base_iri else update, timeout)

    def _send_update(self, update: str, timeout: float | None = None) -> None:
        self._post(self.update_url, [("update", sparql_prefixes() + update)], "*/*", timeout)

    def graphs(self) -> list[str]:
        """The server's named graphs, without the ones Virtuoso keeps for itself."""
        rows = [r for r in self._rows("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }") if "g" in r]
        if not rows:  # Virtuoso binds no graph to an empty pattern: ask for their triples
            rows = self._rows("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(
            str(row["g"])
            for row in rows
            if "g" in row and not isinstance(row["g"], BNode) and str(row["g"]) not in SERVER_GRAPHS
        )

    def __len__(self) -> int:
        """The number of triples in the named graphs (those of :meth:`graphs`)."""
        graphs = self.graphs()
        if not graphs:
            return 0
        rows = collect(
            self._request("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", graphs=graphs)
        )
        return int(rows[0]["n"]) if isinstance(rows, Rows) and rows else 0

    def write_parsed(self, parsed: list[Parsed], replacing: bool, when: str, progress=None) -> None:
        # One update request, which the server applies as one transaction. Written by us from
        # parsed data (INSERT DATA, DROP GRAPH): no guard, whose parse of a big load took
        # seconds (the embedded store's write skips it the same way).
        self.check_writable()
        self._send_update(replace_update(parsed, when))
