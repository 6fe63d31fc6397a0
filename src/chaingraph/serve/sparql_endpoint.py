"""The SPARQL 1.1 Protocol endpoint of ``chaingraph serve`` (``/sparql``).

What a request to ``/sparql`` becomes: :class:`SparqlRoutes` (mixed into the HTTP handler)
reads the protocol's parameters, :class:`Endpoint` sends the request to a worker process, and
:func:`execute` runs it there on the store and renders the answer.

>>> negotiate("application/sparql-results+xml;q=0.9, text/csv", SOLUTION_TYPES)
'text/csv'
>>> negotiate("text/*", GRAPH_TYPES)
'text/turtle'
>>> negotiate(None, SOLUTION_TYPES)
'application/sparql-results+json'
>>> negotiate("image/png", SOLUTION_TYPES) is None
True
"""

from __future__ import annotations

import sys
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from ..messages import text as message_text
from ..store import StoreError, StoreSyntaxError
from ..store.dataset import DatasetConflict, check_graph_iris, with_using
from ..store.worker import WorkerBusy, WorkerDied, WorkerPool, WorkerTimeout, default_workers

__all__ = [
    "GRAPH_TYPES",
    "SOLUTION_TYPES",
    "Endpoint",
    "Reply",
    "SparqlRoutes",
    "default_workers",
    "execute",
    "negotiate",
]

# Media type -> the format of the result renderers (:mod:`chaingraph.sparql`, Oxigraph's
# serialisers, as `chaingraph query --format`), in order of preference (the first is the default).
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/turtle": "turtle",
    "text/plain": "ntriples",
}
_TRIPLES = ox.QueryTriples
_TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "text/plain"}


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def negotiate(accept: str | None, offers: dict[str, str]) -> str | None:
    """The offered media type the ``Accept`` header likes best, or ``None`` if none is acceptable.

    Each offer gets the quality of the most specific range that matches it; ties go to the
    server's order of preference.
    """
    if not accept or not accept.strip():
        return next(iter(offers))
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        matched = [
            (3 if media == offer else 2 if media == f"{kind}/*" else 1, q)
            for media, q in ranges
            if media in (offer, f"{kind}/*", "*/*")
        ]
        if not matched:
            continue
        q = max(matched)[1]
        if q > best_q:
            best, best_q = offer, q
    return best


# -- the worker process -------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    worker: str | None = None  # which worker answered (the Chaingraph-Worker header)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def _said(error: Exception, request: dict) -> str:
    """An error's message in the request's language (its Accept-Language, when the catalogs
    have it; else the server's)."""
    from ..messages import ChaingraphError

    lang = request.get("lang")
    return error.text(lang) if isinstance(error, ChaingraphError) and lang else str(error)


def execute(store, request: dict) -> Reply:
    """Run one protocol request on an open :class:`~chaingraph.store.Store` (in a worker)."""
    from ..safety import OutboundRefused, check_outbound, looks_like_update

    text = request["text"]
    is_update = request["op"] == "update"
    try:
        form = check_outbound(text, (), store.graphs, request.get("base_iri")).kind.upper()
    except OutboundRefused as error:
        return Reply.error(403, _said(error, request))
    except StoreError as error:
        return Reply.error(400, _said(error, request))
    if is_update and form != "UPDATE":
        return Reply.error(400, f"this is a {form} query: send it as query=")
    if not is_update and form == "UPDATE" and looks_like_update(text):
        return Reply.error(400, "this is an update: send it as update=")
    if is_update:
        return _run_update(store, text, request)
    # Not a query form: Oxigraph's parser says what is wrong with it.
    form = "SELECT" if form == "UPDATE" else form
    offers = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_TYPES
    media = negotiate(request.get("accept"), offers)
    if media is None:
        return Reply.error(
            406,
            f"cannot answer this {form} query in {request.get('accept')!r}; "
            f"ask for one of: {', '.join(offers)}",
        )
    return _run_query(store, request, offers, media)


def _run_update(store, text: str, request: dict) -> Reply:
    try:
        store.update(text, base_iri=request.get("base_iri"))
    except StoreSyntaxError as error:
        return Reply.error(400, _said(error, request))
    except StoreError as error:
        return Reply.error(500, _said(error, request))
    store.flush()
    return Reply(204, "text/plain; charset=utf-8", b"")


def _run_query(store, request: dict, offers: dict[str, str], media: str) -> Reply:
    try:
        result = store.query_results(
            request["text"],
            default_graphs=request.get("default_graphs"),
            named_graphs=request.get("named_graphs"),
            base_iri=request.get("base_iri"),
        )
        if offers is SOLUTION_TYPES and isinstance(result, _TRIPLES):
            offers = GRAPH_TYPES  # a query the reader took for another kind
            media = negotiate(request.get("accept"), offers) or next(iter(offers))
        body = _body(result, offers[media])
    except StoreSyntaxError as error:
        return Reply.error(400, _said(error, request))
    except StoreError as error:
        return Reply.error(500, _said(error, request))
    except SyntaxError as error:
        return Reply.error(400, f"SPARQL syntax error: {error}")
    except (OSError, ValueError) as error:
        return Reply.error(500, f"query failed: {error}")
    content_type = media + ("; charset=utf-8" if media in _TEXT_TYPES else "")
    return Reply(200, content_type, body)


def _body(result, fmt: str) -> bytes:
    """The answer's bytes: SELECT/ASK written by Oxigraph's W3C serialisers directly (the
    renderers' dispatch costs more than a simple query), graphs by the shared renderers."""
    from ..sparql import _RESULTS_FORMATS, render_result

    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean) and fmt in _RESULTS_FORMATS:
        return result.serialize(format=_RESULTS_FORMATS[fmt])
    return render_result(result, fmt).encode("utf-8")


def warm_up() -> None:
    """Import and warm up the outbound guard in a worker, before its first request."""
    from ..safety import check_outbound

    check_outbound("ASK { ?s ?p ?o }")
    check_outbound("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")


def _log_stopped(worker: str, timeout: float) -> None:
    sys.stderr.write(
        f"chaingraph serve: a request exceeded {timeout:g} s and was stopped; "
        f"worker {worker} restarts for the next request\n"
    )


_READ_ONLY = "this endpoint is read-only; restart `chaingraph serve` with --allow-update"


class Endpoint:
    """The store behind the server: a :class:`~chaingraph.store.worker.WorkerPool`.

    ``workers`` query workers answer queries, one at a time each; a query goes to an idle one
    and waits (at most ``timeout`` seconds) when all are busy. The pool holds a directory
    store's access lock for its workers (as a reader, or as the writer when ``writable``);
    see :mod:`chaingraph.store.worker` for how updates reach every worker.
    """

    def __init__(
        self,
        location,
        *,
        timeout: float,
        workers: int | None = None,
        writable: bool = False,
        start_timeout: float = 300,
        memory_limit: int | None = None,
    ):
        location = str(location) if location is not None else None
        if location and location.startswith(("http://", "https://")):
            raise StoreError("serve.remote_store", location=location)
        self.location = location
        self.timeout = timeout
        self.writable = writable
        self._pool = WorkerPool(
            location,
            execute,
            workers=default_workers() if workers is None else workers,
            writable=writable,
            lock=True,
            warm_up=warm_up,
            on_stop=_log_stopped,
            start_timeout=start_timeout,
            memory_limit=memory_limit,
        )

    @property
    def workers(self) -> int:
        return self._pool.workers

    @property
    def triples(self) -> int:
        return self._pool.triples

    @property
    def restarts(self) -> int:
        return self._pool.restarts

    def close(self) -> None:
        self._pool.close()

    def run(self, request: dict) -> Reply:
        """Answer one request on a worker; a request exceeding the timeout gets a 503."""
        if request["op"] == "update" and self.location and not self.writable:
            return Reply.error(403, _READ_ONLY)
        try:
            reply, worker = self._pool.run(request, self.timeout)
        except WorkerTimeout:
            return Reply.error(
                503,
                f"the request ran longer than the {self.timeout:g} s timeout and was stopped; "
                "simplify it (LIMIT, fewer OPTIONALs) or restart the server with a larger "
                "--timeout",
            )
        except WorkerBusy:
            return Reply.error(
                503,
                f"all {self.workers} workers stayed busy for {self.timeout:g} s; try again, or "
                "restart the server with more --workers",
            )
        except WorkerDied as error:  # e.g. over its memory cap
            return Reply.error(500, _said(error, request))
        except StoreError as error:
            return Reply.error(500, f"cannot reopen the store: {error}")
        if isinstance(reply, tuple):  # the worker could not run it (see the worker module)
            _, _, message = reply
            reply = Reply.error(503 if "locked" in message else 500, message)
        reply.worker = worker
        return reply


# -- the protocol's requests ----------------------------------------------------------------------

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


class SparqlRoutes:
    """The ``/sparql`` part of the HTTP handler (a mixin): the SPARQL 1.1 Protocol's operations.

    The handler reads the request (path, parameters, the POST body within its limits) and
    calls :meth:`sparql_get`, :meth:`sparql_post` or :meth:`sparql_other`; these answer
    through the handler's ``_send`` / ``_error`` and ``server.endpoint`` / ``server.options``.

    Writes from web pages: an update is refused (403) when the browser says it comes from
    another site (``Sec-Fetch-Site: cross-site`` or ``same-site``) or from another origin
    (``Origin`` not this server's own): a form or a ``no-cors`` fetch on any page the user
    visits cannot write. No start-up token is needed: browsers send these headers on every
    cross-origin POST, and non-browser clients send neither.
    """

    def sparql_get(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(
                400,
                "SPARQL updates must be sent with POST (form field update= or "
                "Content-Type: application/sparql-update), never with GET",
            )
            return
        if "query" not in params:
            self._send(service_description(self.endpoint_url(), self.server.options))
            return
        self._query(params)

    def sparql_post(self, params: dict[str, list[str]], content_type: str, text: str) -> None:
        if content_type == _FORM:
            form = urllib.parse.parse_qs(text, keep_blank_values=True)
            if "update" in form and "query" in form:
                self._error(400, "send either query= or update=, not both")
            elif "update" in form:
                self._update({**params, **form})
            else:
                self._query({**params, **form})
        elif content_type == _QUERY:
            self._query({**params, "query": [text]})
        elif content_type == _UPDATE:
            self._update({**params, "update": [text]})
        else:
            self._error(
                415,
                f"cannot read a POST body of type {content_type or 'none'!r}; use "
                f"{_FORM}, {_QUERY} or {_UPDATE}",
            )

    def sparql_other(self) -> None:
        """PUT, DELETE, PATCH, HEAD...: not methods of the SPARQL protocol (405)."""
        self.close_connection = True
        self._error(
            405,
            message_text("sparql.endpoint.method", self.request_language(), method=self.command),
            {"Allow": _ALLOW},
        )

    def endpoint_url(self) -> str:
        """This endpoint's URL: the base IRI of the requests' relative IRIs."""
        host, port = self.server.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/sparql"

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            self._error(
                400, "give exactly one SPARQL query in the query parameter (/sparql?query=...)"
            )
            return
        default, named = params.get("default-graph-uri") or [], params.get("named-graph-uri") or []
        try:
            check_graph_iris(default, named)
        except DatasetConflict as error:
            self._error(400, error.text(self.request_language()))
            return
        request = {
            "op": "query",
            "text": queries[0],
            "accept": self.headers.get("Accept"),
            "default_graphs": default,
            "named_graphs": named,
            "base_iri": self.endpoint_url(),
            "lang": self.request_language(),
        }
        self._send(self.server.endpoint.run(request))

    def request_language(self) -> str | None:
        """The client's language (Accept-Language) if the catalogs have it, else the
        server's (``--lang``)."""
        from ..messages import catalogs

        for part in (self.headers.get("Accept-Language") or "").split(","):
            lang = part.split(";")[0].strip().split("-")[0].lower()
            if lang in catalogs():
                return lang
        return self.server.options.lang

    def _update(self, params: dict[str, list[str]]) -> None:
        updates = params.get("update") or []
        if not self.server.options.allow_update:
            self._error(403, _READ_ONLY)
            return
        refusal = self._cross_site()
        if refusal:
            self._error(403, refusal)
            return
        if len(updates) != 1 or not updates[0].strip():
            self._error(400, "give exactly one SPARQL update in the update parameter")
            return
        using = params.get("using-graph-uri") or []
        using_named = params.get("using-named-graph-uri") or []
        try:
            check_graph_iris(using, using_named)
            text = with_using(updates[0], using, using_named)
        except DatasetConflict as error:
            self._error(400, error.text(self.request_language()))
            return
        except StoreError:  # the guard could not read it: the worker says why
            text = updates[0]
        request = {
            "op": "update",
            "text": text,
            "base_iri": self.endpoint_url(),
            "lang": self.request_language(),
        }
        self._send(self.server.endpoint.run(request))

    def _cross_site(self) -> str | None:
        """Why an update is refused as coming from another site's page, or None."""
        origin = (self.headers.get("Origin") or "").strip()
        allowed = self.server.options.cors
        if allowed and (allowed == "*" or origin == allowed):
            return None  # the origin the server was started to let in (--cors)
        fetch_site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower()
        if fetch_site in ("cross-site", "same-site"):
            return message_text(
                "sparql.endpoint.cross_site", self.request_language(), origin=fetch_site
            )
        if not origin:
            return None
        host = (self.headers.get("Host") or "").strip().lower()
        parts = urllib.parse.urlsplit(origin)
        if origin.lower() == "null" or parts.netloc.lower() != host:
            return message_text(
                "sparql.endpoint.cross_site", self.request_language(), origin=origin[:200]
            )
        return None


_ALLOW = "GET, POST, OPTIONS"


def service_description(url: str, options) -> Reply:
    """The SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    # The default graph is the union of the named graphs when a request names none.
    features = ["sd:UnionDefaultGraph"]
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if options.allow_update else [])
    body = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .

<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage {", ".join(languages)} ;
    sd:feature {", ".join(features)} ;
    sd:resultFormat fmt:SPARQL_Results_JSON, fmt:SPARQL_Results_XML, fmt:SPARQL_Results_CSV,
        fmt:SPARQL_Results_TSV, fmt:Turtle, fmt:N-Triples, fmt:JSON-LD, fmt:RDF_XML ;
    sd:defaultDataset [ a sd:Dataset ] .
"""
    return Reply(200, "text/turtle; charset=utf-8", body.encode("utf-8"))
