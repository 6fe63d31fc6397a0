"""`chaingraph serve` against hostile clients, over real sockets on 127.0.0.1.

The server runs in this process (so its thread count can be read) with a real worker pool.
Every loop is bounded in count and in time; nothing asserts how fast anything is.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from contextlib import closing, suppress

import pytest

from chaingraph.serve import Endpoint, ServeOptions, _Server

pytestmark = pytest.mark.slow

MAX_CONNECTIONS = 8
CONNECTION_TIMEOUT = 2.0  # seconds a silent connection is kept
BOUND = 120  # seconds any wait in these tests may take, at most (a busy machine is slow)
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server():
    endpoint = Endpoint(None, timeout=60, workers=1)
    options = ServeOptions(
        port=0,
        allow_hosts=("x",),  # the raw requests below say "Host: x"
        max_request_bytes=10_000,
        connection_timeout=CONNECTION_TIMEOUT,
        max_connections=MAX_CONNECTIONS,
    )
    httpd = _Server(("127.0.0.1", 0), endpoint, options)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        endpoint.close()


def connect(server) -> socket.socket:
    sock = socket.create_connection(server.server_address[:2], timeout=BOUND)
    return sock


def read_reply(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (bounded by the socket's timeout)."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0


def ask(server) -> int:
    """Status of a normal query (GET /sparql?query=ASK...)."""
    with closing(connect(server)) as sock:
        path = "/sparql?" + urllib.parse.urlencode({"query": ASK})
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        reply = read_reply(sock)
    if status_of(reply) == 200:
        assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["boolean"] is True
    return status_of(reply)


def answered_eventually(server) -> bool:
    """A normal query is answered (200) within BOUND seconds; 503s are retried."""
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if ask(server) == 200:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize(
    "length", ["-1", "-100000000", "+5", "0x10", "1e6", " 12abc", "9" * 40, "", "１２"]
)
def test_bad_content_length_is_refused_before_the_body_is_read(server, length):
    with closing(connect(server)) as sock:
        head = (
            "POST /sparql HTTP/1.0\r\nHost: x\r\n"
            "Content-Type: application/sparql-query\r\n"
            f"Content-Length: {length}\r\n\r\n"
        )
        sock.sendall(head.encode())  # and no body: the answer must not wait for one
        reply = read_reply(sock)
    assert status_of(reply) == 400, reply[:200]
    assert b"Content-Length" in reply


def test_content_length_over_the_limit_is_refused_with_413(server):
    with closing(connect(server)) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.0\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 10000001\r\n\r\n"
        )
        assert status_of(read_reply(sock)) == 413


def test_silent_connection_is_closed_after_the_connection_timeout(server):
    with closing(connect(server)) as sock:
        sock.sendall(b"GET /sparql?query=")  # and then nothing
        reply = read_reply(sock)  # returns when the server closes the connection
    assert reply == b"" or status_of(reply) >= 400


def test_slow_body_is_cut_off_after_the_connection_timeout(server, capfd):
    with closing(connect(server)) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.0\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        read_reply(sock)  # returns once the server gives up on the rest of the body
    assert answered_eventually(server)
    assert "Traceback" not in capfd.readouterr().err


def test_slow_clients_keep_the_thread_count_bounded_and_queries_answered(server):
    baseline = threading.active_count()
    slow, replies, peak = [], [], baseline
    try:
        for _ in range(200):
            sock = connect(server)
            sock.sendall(b"GET /sparql?query=ASK")  # a request line that never ends
            slow.append(sock)
            peak = max(peak, threading.active_count())
        for sock in slow:
            sock.settimeout(BOUND)
            replies.append(read_reply(sock))  # 503 at once, or closed after the timeout
            peak = max(peak, threading.active_count())
    finally:
        for sock in slow:
            sock.close()
    assert peak <= baseline + MAX_CONNECTIONS
    # How many got a 503 depends on how fast they arrived; each got one or was closed.
    assert all(reply == b"" or status_of(reply) == 503 for reply in replies)
    assert answered_eventually(server)


def test_too_many_connections_get_a_clear_503(server):
    held = [connect(server) for _ in range(MAX_CONNECTIONS + 3)]
    try:
        for sock in held:
            sock.sendall(b"GET / HTTP/1.0\r\n")  # headers not finished: each holds a slot
        replies = []
        for sock in held:
            sock.settimeout(BOUND)
            replies.append(read_reply(sock))
    finally:
        for sock in held:
            sock.close()
    busy = [r for r in replies if status_of(r) == 503]
    assert busy, "no connection was refused"
    assert all(b"Retry-After: 1" in r for r in busy)
    assert answered_eventually(server)


def test_client_disconnect_is_one_log_line_not_a_traceback(server, capfd):
    query = "SELECT * WHERE { ?s ?p ?o }"  # a large answer, written to a closed socket
    for _ in range(5):
        sock = connect(server)
        path = "/sparql?" + urllib.parse.urlencode({"query": query})
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        # Reset the connection at once (SO_LINGER 0): the server's writes fail.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
    assert answered_eventually(server)  # the worker finished the abandoned requests
    err = capfd.readouterr().err
    assert "Traceback" not in err


def test_server_keeps_answering_after_hostile_clients(server):
    with suppress(OSError), closing(connect(server)) as sock:
        sock.sendall(b"\x00\xff garbage \r\n\r\n")
        read_reply(sock)
    assert answered_eventually(server)


def test_serve_takes_the_connection_limits_from_the_command_line(monkeypatch):
    """--max-connections and --connection-timeout reach the server's options."""
    from click.testing import CliRunner

    from chaingraph import serve as serve_module
    from chaingraph.cli import main

    seen = []
    monkeypatch.setattr(serve_module, "serve", lambda store, options, echo: seen.append(options))
    args = ["serve", "--max-connections", "3", "--connection-timeout", "5", "--lang", "en"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (seen[0].max_connections, seen[0].connection_timeout) == (3, 5.0)
    refused = CliRunner().invoke(main, ["serve", "--max-connections", "0", "--lang", "en"])
    assert refused.exit_code == 2 and "--max-connections" in refused.output
