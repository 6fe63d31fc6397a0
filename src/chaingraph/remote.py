"""A remote SPARQL 1.1 endpoint used as a chaingraph store.

``open_store("http://host:7878/query")`` (or ``--store URL``) returns a :class:`RemoteStore`
with the same methods as the embedded :class:`~chaingraph.store.Store`. It speaks the SPARQL
1.1 Protocol with the standard library only:

* Queries are POSTed as a form to the query URL. Local stores query the *union of the named
  graphs* as default graph; to get the same answers from any server without configuring it,
  every query names the dataset explicitly: one ``default-graph-uri`` and one
  ``named-graph-uri`` per named graph of the store (the protocol's own way to say what the
  default graph is; Oxigraph, Fuseki and chaingraph's ``serve`` honour it). Triples in the
  server's unnamed default graph are therefore not seen (chaingraph never writes there).
* Updates go to the update URL: ``$CHAINGRAPH_UPDATE_URL`` if set, else the query URL with a
  final ``/query`` replaced by ``/update`` (Oxigraph server), else the query URL itself
  (Fuseki's ``/dataset``, chaingraph's ``/sparql``).
* Loading a file parses it locally first (a syntax error sends nothing), then replaces the
  named graph in one update request (``DROP SILENT GRAPH`` + ``INSERT DATA``), which the
  server applies as one transaction: all or nothing.
* Credentials come from ``$CHAINGRAPH_USER`` / ``$CHAINGRAPH_PASSWORD`` (HTTP basic), never
  from the command line. ``$CHAINGRAPH_TIMEOUT`` sets the HTTP timeout (seconds, default 60).
* ``bindings`` become a ``VALUES`` block at the start of the query's WHERE group, so the
  bound variable is fixed before anything else is evaluated, as with local substitution.

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
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import BNode, Node

from .namespaces import sparql_prefixes
from .store import StoreError, _to_oxigraph, to_rdflib

__all__ = ["RemoteStore", "update_url_for", "with_values"]

UPDATE_URL_ENV = "CHAINGRAPH_UPDATE_URL"
USER_ENV = "CHAINGRAPH_USER"
PASSWORD_ENV = "CHAINGRAPH_PASSWORD"
TIMEOUT_ENV = "CHAINGRAPH_TIMEOUT"

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"

# Tokens that matter when looking for the WHERE group: comments, strings and IRIs are skipped
# whole, so a brace or a WHERE inside them is not mistaken for syntax.
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<word>[A-Za-z_][\w.:-]*)
    | (?P<brace>[{}])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _sparql_term(value: Node) -> str:
    if isinstance(value, BNode):
        raise TypeError(f"cannot bind the blank node {value!r} in a remote query")
    return str(_to_oxigraph(value))  # Oxigraph validates IRIs and escapes literals


def with_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """``query`` with a ``VALUES`` block fixing ``bindings`` at the start of its WHERE group."""
    if not bindings:
        return query
    block = " ".join(
        f"VALUES ?{name} {{ {_sparql_term(value)} }}" for name, value in bindings.items()
    )
    depth, after_where, first_brace = 0, False, None
    for match in _TOKEN.finditer(query):
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


class RemoteStore:
    """A SPARQL 1.1 endpoint with the methods of :class:`~chaingraph.store.Store`."""

    def __init__(self, url: str, *, update_url: str | None = None, timeout: float | None = None):
        parts = urllib.parse.urlsplit(url)
        if parts.username or parts.password:
            raise StoreError(
                f"{parts.scheme}://{parts.hostname}...: do not put credentials in the store URL "
                f"(it shows in shell history and process lists); set {USER_ENV} and "
                f"{PASSWORD_ENV} instead"
            )
        self.location = url
        self.url = url
        self.update_url = update_url or update_url_for(url)
        self.timeout = timeout or float(os.environ.get(TIMEOUT_ENV) or 60)
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        self._auth = None
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self._auth = f"Basic {token}"

    def __repr__(self) -> str:
        return f"<chaingraph.RemoteStore {self.url}>"

    # -- HTTP ---------------------------------------------------------------------------------

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str) -> bytes:
        body = urllib.parse.urlencode(fields).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        request.add_header("Accept", accept)
        request.add_header("User-Agent", "chaingraph")
        if self._auth:
            request.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace").strip()
            message = f"SPARQL endpoint {url} answered HTTP {error.code} {error.reason}"
            if detail:
                message += f": {detail}"
            raise StoreError(f"{message}\nhint: {_hint(error.code)}") from None
        except TimeoutError:
            raise StoreError(
                f"SPARQL endpoint {url} did not answer within {self.timeout:g} s; "
                f"hint: raise ${TIMEOUT_ENV} or simplify the query"
            ) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise StoreError(
                    f"SPARQL endpoint {url} did not answer within {self.timeout:g} s; "
                    f"hint: raise ${TIMEOUT_ENV} or simplify the query"
                ) from None
            raise StoreError(
                f"cannot reach SPARQL endpoint {url}: {reason}\n"
                "hint: is the server running? Start one with `chaingraph serve` or "
                "`oxigraph serve`, and check host and port in --store"
            ) from None
        except OSError as error:
            raise StoreError(f"cannot reach SPARQL endpoint {url}: {error}") from None

    def _query(self, query: str, accept: str, *, dataset: bool = True) -> bytes:
        fields = [("query", sparql_prefixes() + query)]
        if dataset:
            for graph in self.graphs():
                fields.append(("default-graph-uri", graph))
                fields.append(("named-graph-uri", graph))
        return self._post(self.url, fields, accept)

    def _results(self, query: str, *, dataset: bool = True):
        data = self._query(query, _JSON, dataset=dataset)
        try:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as error:
            raise StoreError(
                f"SPARQL endpoint {self.url} sent results that are not SPARQL JSON: {error}"
            ) from None

    def _solutions(self, query: str, *, dataset: bool = True) -> ox.QuerySolutions:
        solutions = self._results(query, dataset=dataset)
        if isinstance(solutions, ox.QueryBoolean):
            raise StoreError(f"SPARQL endpoint {self.url} answered a SELECT query with a boolean")
        return solutions

    def update(self, update: str) -> None:
        """Run a SPARQL update on the update endpoint (the chaingraph prefixes are predefined)."""
        self._post(self.update_url, [("update", sparql_prefixes() + update)], "*/*")

    # -- the Store interface ------------------------------------------------------------------

    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None
    ) -> list[dict[str, Node]]:
        """Run a SELECT query; each row maps variable names to rdflib terms (unbound left out)."""
        solutions = self._solutions(with_values(query, bindings))
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return rows

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        result = self._results(with_values(query, bindings))
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; the triples come back as an rdflib Graph."""
        data = self._query(with_values(query, bindings), _NTRIPLES)
        graph = Graph()
        try:
            graph.parse(data=data.decode("utf-8"), format="nt")
        except Exception as error:
            raise StoreError(
                f"SPARQL endpoint {self.url} did not send N-Triples: {error}"
            ) from None
        return graph

    def graphs(self) -> list[str]:
        rows = self._solutions("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", dataset=False)
        return sorted(s["g"].value for s in rows if isinstance(s["g"], ox.NamedNode))

    def __len__(self) -> int:
        """The number of triples in the named graphs."""
        rows = list(
            self._solutions(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", dataset=False
            )
        )
        return int(rows[0]["n"].value) if rows else 0

    def _graph_size(self, graph: str) -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        rows = list(self._solutions(query, dataset=False))
        return int(rows[0]["n"].value) if rows else 0

    def load_file(self, path: Path, graph: str, *, format: ox.RdfFormat | None = None) -> int:
        """Load an RDF file into the named graph ``graph``, replacing it; all or nothing."""
        format = format or ox.RdfFormat.from_extension(Path(path).suffix.lstrip("."))
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error}") from None
        return self._replace_graph(graph, data, format, str(path))

    def load_data(self, data: str | bytes, graph: str, *, format: ox.RdfFormat) -> int:
        """Load RDF text into the named graph ``graph``, replacing what it held; all or nothing."""
        return self._replace_graph(graph, data, format, graph)

    def _replace_graph(self, graph: str, data, format: ox.RdfFormat | None, name: str) -> int:
        if format is None:
            raise StoreError(f"{name}: unknown RDF format; name it explicitly")
        try:
            target = ox.NamedNode(graph)
        except ValueError as error:
            raise StoreError(f"{graph!r} is not a valid graph IRI: {error}") from None
        # Parse locally first: a syntax error sends nothing to the server.
        try:
            triples = [q.triple for q in ox.parse(data, format=format)]
        except SyntaxError as error:
            raise StoreError(f"{name}: {error}") from None
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        before = self._graph_size(graph)
        self.update(f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{body}}} }}")
        return self._graph_size(graph) - before

    def drop_graph(self, graph: str) -> None:
        """Remove the named graph ``graph`` (nothing happens if it does not exist)."""
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def flush(self) -> None:
        """Nothing to do: the server persists each update itself."""
