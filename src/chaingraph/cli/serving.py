"""The HTTP server: serve."""

from __future__ import annotations

import click

from . import (
    handle_errors,
    lang_option,
    main,
    store_option,
)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=7878,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--cors",
    metavar="ORIGIN",
    default=None,
    help="Allow cross-origin requests from ORIGIN (or *). Default: none.",
)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates (POST only).")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Stop a query running longer than this.",
)
@click.option(
    "--max-request-bytes",
    default=10_000_000,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Largest request body accepted.",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes answering queries at once. Default: 2, or 1 on a 1-CPU machine.",
)
@click.option(
    "--max-connections",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Connections served at once; one more gets 503 (Retry-After) at once.",
)
@click.option(
    "--connection-timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="Disconnect a client that sends nothing for this long (idle or slow connections).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Answer requests whose Host header is NAME too (repeatable). Default: only the "
    "bound address (and localhost on loopback); others get 421 (DNS rebinding).",
)
@click.option(
    "--memory-limit",
    default=4096,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="MIB",
    help="Address space of each worker process, in MiB (0: no cap). A request over it is "
    "stopped with an error and the worker restarts.",
)
@lang_option
@handle_errors
def serve(
    store,
    host,
    port,
    cors,
    allow_update,
    timeout,
    max_request_bytes,
    workers,
    max_connections,
    connection_timeout,
    allow_hosts,
    memory_limit,
    lang,
):
    """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a query page (/).

    Read-only unless --allow-update; SERVICE and LOAD are refused, and FROM selects graphs
    of the store (no outbound requests). Listens on 127.0.0.1 only, unless --host says
    otherwise; updates from other sites' pages and requests naming another Host are refused.

    Queries run in --workers processes, so a slow query does not hold up the others; a
    query that finds every worker busy waits for one (at most --timeout). A directory
    --store stays locked while the server runs: to add data meanwhile, use --allow-update
    and `chaingraph load FILE --store http://HOST:PORT/sparql`. An update waits for the
    running queries; every query answered after it sees it.
    """
    from ..serve import ServeOptions
    from ..serve import serve as run_server

    options = ServeOptions(
        host=host,
        port=port,
        cors=cors,
        allow_update=allow_update,
        timeout=timeout,
        max_request_bytes=max_request_bytes,
        workers=workers,
        max_connections=max_connections,
        connection_timeout=connection_timeout,
        allow_hosts=tuple(allow_hosts),
        memory_limit=memory_limit * 2**20 if memory_limit else None,
        lang=lang,
    )
    run_server(store, options, echo=click.echo)
