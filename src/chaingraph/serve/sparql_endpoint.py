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

from ..store import StoreError, StoreSyntaxError
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


def execute(store, request: dict) -> Reply:
    """Run one protocol request on an open :class:`~chaingraph.store.Store` (in a worker)."""
    from ..safety import OutboundRefused, check_outbound

    text = request["text"]
    is_update = request["op"] == "update"
    try:
        form = check_outbound(text, (), store.graphs()).kind.upper()
    except OutboundRefused as error:
        return Reply.error(403, str(error))
    except StoreError as error:
        return Reply.error(400, str(error))
    if (form == "UPDATE") != is_update:
        kind = "an update" if form == "UPDATE" else f"a {form} query"
        field = "query=" if is_update else "update="
        return Reply.error(400, f"this is {kind}: send it as {field}")
    if is_update:
        return _run_update(store, text)
    offers = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_TYPES
    media = negotiate(request.get("accept"), offers)
    if media is None:
        return Reply.error(
            406,
            f"cannot answer this {form} query in {request.get('accept')!r}; "
            f"ask for one of: {', '.join(offers)}",
        )
    return _run_query(store, request, offers, media)


def _run_update(store, text: str) -> Reply:
    try:
        store.update(text)
    except StoreSyntaxError as error:
        return Reply.error(400, str(error))
    except StoreError as error:
        return Reply.error(500, str(error))
    store.flush()
    return Reply(204, "text/plain; charset=utf-8", b"")


def _run_query(store, request: dict, offers: dict[str, str], media: str) -> Reply:
    import pyoxigraph as ox

    from ..sparql import render_result  # the renderers of `chaingraph query`: the same bytes

    default_graphs, named_graphs = request.get("default_graphs"), request.get("named_graphs")
    try:
        for graph in (*(default_graphs or ()), *(named_graphs or ())):
            ox.NamedNode(graph)
    except ValueError as error:
        return Reply.error(400, f"bad graph IRI in default-graph-uri/named-graph-uri: {error}")
    try:
        result = store.query_results(
            request["text"], default_graphs=default_graphs, named_graphs=named_graphs
        )
        body = render_result(result, offers[media]).encode("utf-8")
    except StoreSyntaxError as error:
        return Reply.error(400, str(error))
    except StoreError as error:
        return Reply.error(500, str(error))
    except SyntaxError as error:
        return Reply.error(400, f"SPARQL syntax error: {error}")
    except (OSError, ValueError) as error:
        return Reply.error(500, f"query failed: {error}")
    content_type = media + ("; charset=utf-8" if media in _TEXT_TYPES else "")
    return Reply(200, content_type, body)


def warm_up() -> None:
    """Import and warm up rdflib's SPARQL parser in a worker, before its first request."""
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
        except WorkerDied:
            return Reply.error(500, "the store worker died; it restarts on the next query")
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
    calls :meth:`sparql_get` or :meth:`sparql_post`; these answer through the handler's
    ``_send`` / ``_error`` and ``server.endpoint`` / ``server.options``.
    """

    def sparql_get(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(
                400,
                "SPARQL updates must be sent with POST (form field update= or "
                "Content-Type: application/sparql-update), never with GET",
            )
            return
        self._query(params)

    def sparql_post(self, params: dict[str, list[str]], content_type: str, text: str) -> None:
        if content_type == _FORM:
            form = urllib.parse.parse_qs(text, keep_blank_values=True)
            if "update" in form and "query" in form:
                self._error(400, "send either query= or update=, not both")
            elif "update" in form:
                self._update(form["update"])
            else:
                merged = {**params, **form}
                self._query(merged)
        elif content_type == _QUERY:
            self._query({**params, "query": [text]})
        elif content_type == _UPDATE:
            self._update([text])
        else:
            self._error(
                415,
                f"cannot read a POST body of type {content_type or 'none'!r}; use "
                f"{_FORM}, {_QUERY} or {_UPDATE}",
            )

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            self._error(
                400, "give exactly one SPARQL query in the query parameter (/sparql?query=...)"
            )
            return
        request = {
            "op": "query",
            "text": queries[0],
            "accept": self.headers.get("Accept"),
            "default_graphs": params.get("default-graph-uri") or [],
            "named_graphs": params.get("named-graph-uri") or [],
        }
        self._send(self.server.endpoint.run(request))

    def _update(self, updates: list[str]) -> None:
        if not self.server.options.allow_update:
            self._error(403, _READ_ONLY)
            return
        if len(updates) != 1 or not updates[0].strip():
            self._error(400, "give exactly one SPARQL update in the update parameter")
            return
        self._send(self.server.endpoint.run({"op": "update", "text": updates[0]}))
