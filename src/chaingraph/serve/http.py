"""The HTTP server of ``chaingraph serve``: connections, limits and routing.

``/`` is the query page (:mod:`.page`), ``/sparql`` the SPARQL endpoint
(:mod:`.sparql_endpoint`); this module reads requests within their limits and sends replies.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..messages import text as message_text
from .page import CSP, page_language, query_page
from .sparql_endpoint import Endpoint, Reply, SparqlRoutes

__all__ = ["ServeOptions"]


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
    # Names the Host header may give besides the bound address (and localhost on loopback).
    allow_hosts: tuple[str, ...] = ()
    # Address space of each worker process, in bytes (None: no cap).
    memory_limit: int | None = None
    # Language of the replies' messages when a request's Accept-Language names none we have
    # (None: $CHAINGRAPH_LANG or the default).
    lang: str | None = None


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


def host_allowed(header: str | None, server) -> bool:
    """Whether a Host header names this server: its bound address (any port given must be
    its port), ``localhost`` when it listens on loopback, or a name of ``--allow-host``.

    A request without Host (HTTP/1.0) is let through: a browser always sends one.
    """
    if header is None:
        return True
    bound, port = server.server_address[:2]
    header = header.strip().lower()
    if header.startswith("["):  # [IPv6]:port
        name, _, rest = header[1:].partition("]")
        given_port = rest[1:] if rest.startswith(":") else ""
    elif header.count(":") == 1:
        name, given_port = header.split(":")
    else:
        name, given_port = header, ""
    if given_port and given_port != str(port):
        return False
    allowed = {bound.lower(), *(h.lower() for h in server.options.allow_hosts)}
    address = ipaddress.ip_address(bound)
    if address.is_loopback or address.is_unspecified:
        allowed |= {"localhost", "127.0.0.1", "::1"}
    if address.is_unspecified and _is_address(name):
        return True  # listening everywhere: an address of this machine; names must be allowed
    return name in allowed


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _Handler(SparqlRoutes, BaseHTTPRequestHandler):
    server: _Server
    server_version = "chaingraph"
    # Headers and body go out in separate writes: without TCP_NODELAY the second waits for
    # the client's delayed ACK (about 40 ms per request on Linux).
    disable_nagle_algorithm = True

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

    def _host_refused(self) -> bool:
        """Refuse (421) a request whose Host header names neither the bound address, a
        loopback name for a loopback address, nor a name given with ``--allow-host``: a page
        of another site that rebinds its name to this address (DNS rebinding) gets nothing."""
        if host_allowed(self.headers.get("Host"), self.server):
            return False
        self.close_connection = True
        self._error(
            421,
            message_text(
                "sparql.endpoint.host", self.request_language(), host=self.headers.get("Host")
            ),
        )
        return True

    def _sparql_path(self, path: str) -> bool:
        return path in ("/sparql", "/sparql/")

    def do_PUT(self):
        path, _ = self._path()
        if not self._host_refused():
            self.sparql_other() if self._sparql_path(path) else self._error(404, path)

    do_DELETE = do_PATCH = do_HEAD = do_TRACE = do_CONNECT = do_PUT

    def do_GET(self):
        if self._host_refused():
            return
        path, params = self._path()
        if path in ("/", "/index.html"):
            lang = page_language(self.headers.get("Accept-Language"), params.get("lang"))
            body = query_page(lang).encode("utf-8")
            self._send(
                Reply(200, "text/html; charset=utf-8", body), {"Content-Security-Policy": CSP}
            )
            return
        if not self._sparql_path(path):
            self._error(404, f"no such page: {path}; the SPARQL endpoint is /sparql")
            return
        self.sparql_get(params)

    def do_POST(self):
        if self._host_refused():
            return
        path, params = self._path()
        if not self._sparql_path(path):
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
        self.sparql_post(params, content_type, text)
