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

The package: :mod:`.sparql_endpoint` is the SPARQL endpoint (``/sparql``: the protocol,
the worker pool, content negotiation), :mod:`.page` the query page (``/``), :mod:`.http`
the HTTP server that routes requests to them, and :func:`serve` starts it all.
"""

from __future__ import annotations

import ipaddress
import signal

from ..messages import os_reason
from ..store import StoreError
from .http import ServeOptions, _Server
from .page import page_language, query_page
from .sparql_endpoint import (
    GRAPH_TYPES,
    SOLUTION_TYPES,
    Endpoint,
    Reply,
    default_workers,
    execute,
    negotiate,
)

__all__ = [
    "GRAPH_TYPES",
    "SOLUTION_TYPES",
    "Endpoint",
    "Reply",
    "ServeOptions",
    "default_workers",
    "execute",
    "negotiate",
    "page_language",
    "query_page",
    "serve",
]


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(location: str | None, options: ServeOptions, *, echo=print) -> None:
    """Open the store, bind ``options.host:options.port`` and answer requests until Ctrl-C."""
    endpoint = Endpoint(
        location,
        timeout=options.timeout,
        workers=options.workers,
        writable=options.allow_update,
        memory_limit=options.memory_limit,
    )
    try:
        try:
            server = _Server((options.host, options.port), endpoint, options)
        except OSError as error:
            raise StoreError(
                "sparql.serve.cannot_listen",
                host=options.host,
                port=options.port,
                reason=os_reason(error),
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
