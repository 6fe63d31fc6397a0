"""``chaingraph serve``: the store as a SPARQL 1.1 Protocol endpoint, with a small query page.

* ``/sparql`` takes queries by GET (``?query=``) and POST (form ``query=`` or
  ``application/sparql-query``), and updates by POST only (form ``update=`` or
  ``application/sparql-update``) when started with ``--allow-update``.
* Without ``default-graph-uri`` / ``named-graph-uri`` the default graph is the union of the
  named graphs, as in every chaingraph command; with them, the dataset they describe.
* Results: SELECT/ASK as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle
  (default), N-Triples, JSON-LD or RDF/XML, chosen by the ``Accept`` header (406 otherwise).
  The chaingraph prefixes (``cg:``, ``pv:``, ``skos:`` ...) are predefined.
* Nothing reaches out: SERVICE, LOAD, FROM and USING are refused (:mod:`chaingraph.safety`).
* Requests run in a pool of worker processes (:class:`Endpoint`), ``--workers`` of them for
  queries (default :func:`default_workers`: 2, or the CPU count if smaller), each answering one
  query at a time, so a slow query holds up only its own worker. A query goes to an idle
  worker; when all are busy it waits for one, at most ``--timeout`` seconds (then 503). A
  request that exceeds ``--timeout`` is stopped by killing its worker, which restarts for the
  next request (outside that request's time), so the server stays up. The answer names its
  worker in a ``Chaingraph-Worker`` header. The pool is :mod:`chaingraph.store.worker`'s, the
  one behind ``chaingraph query --timeout`` too.
* Directory store: the server holds the store's access lock (:func:`~chaingraph.store.open_store`)
  for its workers while it runs: as a reader when read-only, so other commands may read the
  store but not load into it ("locked"), and as the writer with ``--allow-update``, so other
  processes neither read nor write it ("being written"; query or load through the endpoint,
  ``chaingraph load FILE --store http://HOST:PORT/sparql``). Oxigraph calls reading while
  another process writes undefined (queries were seen to hang). The query workers open the
  store read-only; with ``--allow-update`` one more worker runs the updates, one at a time: an
  update waits until no query runs (new queries wait for it), then that worker opens the store
  for writing, updates, and closes it.
  Each update bumps a generation number sent with every query; a query worker whose store is
  older reopens it first, so every query answered after an update sees it.
* In-memory store: every query worker holds its own copy. An update runs on one idle worker;
  the others replay it before their next query, and a restarted worker replays them all, so
  every worker answers the same. (Updates calling ``NOW()``, ``RAND()``, ``UUID()``,
  ``BNODE()`` or inserting blank nodes are re-evaluated in each worker, so such values can
  differ from worker to worker.)
* ``/`` is an offline HTML page (inline script, no external resource) to type queries.
* Hostile clients: a ``Content-Length`` that is not a plain decimal number (negative, signed,
  hexadecimal, absurdly long) is refused with 400 before anything is read, and one over
  ``--max-request-bytes`` with 413. Every connection has a socket timeout
  (:attr:`ServeOptions.connection_timeout`, 30 s): a client that sends nothing for that long,
  between or within reads, is disconnected. At most :attr:`ServeOptions.max_connections`
  (64) connections are served at once, one thread each; a connection beyond them gets a 503
  at once and is closed, so slow or idle clients cannot make the server start threads
  without bound. A client that disconnects or times out is one line in the log, not a
  traceback.

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

import html
import ipaddress
import json
import re
import signal
import socket
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .messages import text as message_text
from .queries import named_queries
from .store import StoreError, StoreSyntaxError
from .store.worker import WorkerBusy, WorkerDied, WorkerPool, WorkerTimeout, default_workers

__all__ = [
    "GRAPH_TYPES",
    "SOLUTION_TYPES",
    "Endpoint",
    "ServeOptions",
    "default_workers",
    "negotiate",
    "serve",
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
    from .safety import OutboundRefused, check_outbound

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

    from .sparql import render_result  # the renderers of `chaingraph query`: the same bytes

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
    from .safety import check_outbound

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


# -- HTTP ---------------------------------------------------------------------------------------


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 7878
    cors: str | None = None
    allow_update: bool = False
    timeout: float = 30.0
    max_request_bytes: int = 10_000_000
    workers: int | None = None  # None: default_workers()
    extra_headers: dict[str, str] = field(default_factory=dict)
    # Seconds a connection may stay silent (per read) before it is closed.
    connection_timeout: float = 30.0
    # Connections served at once (one thread each); more get a 503 and are closed.
    max_connections: int = 64


_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


# A Content-Length the server reads: digits only (no sign, space or "0x"), at most 18 of them.
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")
# Errors that mean the client went away or stopped talking: logged in one line.
_DISCONNECTS = (ConnectionError, TimeoutError, socket.timeout)


def _busy_response() -> bytes:
    body = (message_text("serve.too_many_connections") + "\n").encode("utf-8")
    head = (
        "HTTP/1.0 503 Service Unavailable\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, endpoint: Endpoint, options: ServeOptions):
        self.endpoint = endpoint
        self.options = options
        self._slots = threading.BoundedSemaphore(max(1, options.max_connections))
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        """Serve the connection on a thread of its own, or refuse it with a 503 when
        :attr:`ServeOptions.max_connections` are being served."""
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()  # no thread was started to release it
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request) -> None:
        try:
            request.settimeout(1)  # never let a refused client hold the accepting thread
            request.sendall(_busy_response())
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request, client_address):
        """One line for a client that disconnected or timed out; a traceback otherwise."""
        error = sys.exc_info()[1]
        if isinstance(error, _DISCONNECTS):
            host = client_address[0] if client_address else "?"
            sys.stderr.write(f"{host} {message_text('serve.disconnected', reason=error)}\n")
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "chaingraph"

    def setup(self):
        # StreamRequestHandler applies self.timeout to the socket: every read and write.
        self.timeout = self.server.options.connection_timeout
        super().setup()

    def log_message(self, format, *args):
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    # responses

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Vary", "Accept")
        if reply.worker:
            self.send_header("Chaingraph-Worker", reply.worker)
        cors = self.server.options.cors
        if cors:
            self.send_header("Access-Control-Allow-Origin", cors)
            self.send_header("Access-Control-Expose-Headers", "Content-Type")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(Reply.error(status, message), extra)

    # routing

    def _path(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path, urllib.parse.parse_qs(parts.query, keep_blank_values=True)

    def do_OPTIONS(self):
        headers = {"Allow": "GET, POST, OPTIONS"}
        if self.server.options.cors:
            headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            headers["Access-Control-Max-Age"] = "600"
        self._send(Reply(204, "text/plain; charset=utf-8", b""), headers)

    def do_GET(self):
        path, params = self._path()
        if path in ("/", "/index.html"):
            lang = page_language(self.headers.get("Accept-Language"), params.get("lang"))
            body = query_page(lang).encode("utf-8")
            self._send(
                Reply(200, "text/html; charset=utf-8", body), {"Content-Security-Policy": _CSP}
            )
            return
        if path != "/sparql":
            self._error(404, f"no such page: {path}; the SPARQL endpoint is /sparql")
            return
        if "update" in params:
            self._error(
                400,
                "SPARQL updates must be sent with POST (form field update= or "
                "Content-Type: application/sparql-update), never with GET",
            )
            return
        self._query(params)

    def do_POST(self):
        path, params = self._path()
        if path != "/sparql":
            self._error(404, f"no such endpoint: {path}; POST to /sparql")
            return
        length = self.headers.get("Content-Length")
        if length is None:
            self._error(411, "POST needs a Content-Length header")
            return
        if not _CONTENT_LENGTH.fullmatch(length.strip()):
            # Negative, signed or absurd: refused before anything is read (int("-1") would
            # read to the end of the stream, past the size limit).
            self.close_connection = True
            self._error(
                400,
                message_text("serve.bad_content_length", length=length[:40]),
                {"Connection": "close"},
            )
            return
        size = int(length)
        limit = self.server.options.max_request_bytes
        if size > limit:
            self.close_connection = True
            self._error(
                413,
                f"the request body has {size} bytes, more than the {limit} allowed; "
                "restart the server with a larger --max-request-bytes",
                {"Connection": "close"},
            )
            return
        body = self.rfile.read(size)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(400, "the request body is not UTF-8")
            return
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

    # operations

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


_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'"
)

_EXAMPLE = """SELECT ?stage ?label WHERE {
  ?stage skos:inScheme chain:pv ; skos:prefLabel ?label .
  FILTER(lang(?label) = "zh")
}
LIMIT 20"""

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>chaingraph SPARQL</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
textarea {{ width: 100%; height: 14em; font-family: monospace; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }}
#status {{ margin-left: 1em; }}
.error {{ color: #a00; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>chaingraph SPARQL</h1>
<p>{about}</p>
<p><label>{shipped} <select id="named"><option value="">{choose}</option>
{options}</select></label></p>
<textarea id="query" spellcheck="false">{example}</textarea>
<p><button id="run">{run}</button><span id="status"></span></p>
<div id="out"></div>
<script type="application/json" id="queries">{queries}</script>
<script type="application/json" id="words">{words}</script>
<script>
"use strict";
const queries = JSON.parse(document.getElementById("queries").textContent);
const words = JSON.parse(document.getElementById("words").textContent);
const out = document.getElementById("out");
const status = document.getElementById("status");
document.getElementById("named").addEventListener("change", (e) => {{
  if (e.target.value in queries) document.getElementById("query").value = queries[e.target.value];
}});
function cell(row, tag, text) {{
  const c = document.createElement(tag);
  c.textContent = text;
  row.appendChild(c);
}}
function show(term) {{
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  return term.value;
}}
async function run() {{
  out.replaceChildren();
  status.textContent = "…";
  const query = document.getElementById("query").value;
  const t0 = performance.now();
  try {{
    const response = await fetch("sparql", {{
      method: "POST",
      headers: {{"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9"}},
      body: new URLSearchParams({{query}}),
    }});
    const text = await response.text();
    const ms = Math.round(performance.now() - t0);
    const graph = (response.headers.get("Content-Type") || "").startsWith("text/turtle");
    if (!response.ok) {{
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = response.status + " " + text;
      out.appendChild(p);
      status.textContent = "";
      return;
    }}
    if (graph) {{
      const pre = document.createElement("pre");
      pre.textContent = text;
      out.appendChild(pre);
      status.textContent = ms + " ms";
      return;
    }}
    const data = JSON.parse(text);
    if ("boolean" in data) {{
      const p = document.createElement("p");
      p.textContent = String(data.boolean);
      out.appendChild(p);
      status.textContent = ms + " ms";
      return;
    }}
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const v of data.head.vars) cell(head, "th", v);
    table.appendChild(head);
    for (const b of data.results.bindings) {{
      const row = document.createElement("tr");
      for (const v of data.head.vars) cell(row, "td", show(b[v]));
      table.appendChild(row);
    }}
    out.appendChild(table);
    status.textContent = words.rows.replace("{{n}}", data.results.bindings.length)
      .replace("{{ms}}", ms);
  }} catch (error) {{
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = String(error);
    out.appendChild(p);
    status.textContent = "";
  }}
}}
document.getElementById("run").addEventListener("click", run);
// /?query=... fills in the query and runs it: a link can share a query.
const given = new URLSearchParams(location.search).get("query");
if (given) {{
  document.getElementById("query").value = given;
  run();
}}
</script>
</body>
</html>
"""


def page_language(accept: str | None, asked: list[str] | None = None) -> str:
    """The page's language: ``?lang=`` if it has a catalog, else the browser's first language
    with one (``Accept-Language``, by weight), else the default (``CHAINGRAPH_LANG``, zh).

    >>> page_language("en-US,en;q=0.9,zh;q=0.8"), page_language("fr, zh-CN;q=0.5")
    ('en', 'zh')
    >>> page_language("zh-CN", ["en"])
    'en'
    """
    from .labels import default_language
    from .messages import catalogs

    known = catalogs()
    for lang in asked or ():
        if lang in known:
            return lang
    ranked = []
    for position, part in enumerate((accept or "").split(",")):
        tag, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((-float(weight or 1), position, tag.split("-")[0].strip().lower()))
        except ValueError:
            continue
    for _, _, lang in sorted(ranked):
        if lang in known:
            return lang
    return default_language()


def _page_words(lang: str, prefixes: str) -> dict[str, str]:
    from .messages import text

    words = {
        key: html.escape(text(f"serve.page.{key}", lang)) for key in ("shipped", "choose", "run")
    }
    words["about"] = text("serve.page.about", lang, prefixes=prefixes)  # prefixes escaped
    return words


def query_page(lang: str = "en") -> str:
    """The HTML query page in ``lang``: self-contained, everything taken from data is escaped."""
    from .messages import text
    from .namespaces import PREFIXES

    shipped = named_queries()
    options = "".join(
        f'<option value="{html.escape(name)}">{html.escape(q.title)}</option>'
        for name, q in shipped.items()
    )
    # JSON inside <script>: "<" escaped so no text can close the element.
    payload = json.dumps({n: q.text for n, q in shipped.items()}, ensure_ascii=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    rows = text("serve.page.rows", lang, n="{n}", ms="{ms}")  # filled in by the script
    script_words = json.dumps({"rows": rows}, ensure_ascii=False)
    prefixes = html.escape(", ".join(f"{p}:" for p in PREFIXES))
    return _PAGE.format(
        lang=html.escape(lang),
        **_page_words(lang, prefixes),
        words=script_words.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
        options=options,
        example=html.escape(_EXAMPLE),
        queries=payload,
    )


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(location: str | None, options: ServeOptions, *, echo=print) -> None:
    """Open the store, bind ``options.host:options.port`` and answer requests until Ctrl-C."""
    endpoint = Endpoint(
        location, timeout=options.timeout, workers=options.workers, writable=options.allow_update
    )
    try:
        try:
            server = _Server((options.host, options.port), endpoint, options)
        except OSError as error:
            raise StoreError(
                f"cannot listen on {options.host}:{options.port}: {error}; choose another --port"
            ) from None
        host, port = server.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        where = f"store {location}" if location else "the bundled data, in memory"
        echo(f"chaingraph serve: {endpoint.triples} triples from {where}")
        mode = "read-write" if options.allow_update else "read-only"
        echo(
            f"SPARQL endpoint: http://{shown}:{port}/sparql ({mode}, timeout "
            f"{options.timeout:g} s, {endpoint.workers} query worker"
            f"{'s' if endpoint.workers > 1 else ''})"
        )
        echo(f"query page:      http://{shown}:{port}/   (Ctrl-C to stop)")
        if not ipaddress.ip_address(host).is_loopback:
            echo(f"warning: listening on {host}: anyone who can reach this machine can query it")
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
    finally:
        endpoint.close()
