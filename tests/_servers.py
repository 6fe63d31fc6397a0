"""Start real SPARQL servers for the tests: `chaingraph serve` and the Oxigraph server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str  # http://127.0.0.1:PORT
    log: Path

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def _wait(server: Server, probe: str, deadline_s: float = 600) -> Server:
    # Returns once the server answers; the deadline only stops a server that never will.
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.process.returncode}:\n{server.output()}"
            )
        try:
            with urllib.request.urlopen(server.base + probe, timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server not ready after {deadline_s} s:\n{server.output()}")


def start_chaingraph(log: Path, *args: str) -> Server:
    """`python -m chaingraph.cli serve --port FREE ARGS`; returns once it answers."""
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph.cli", "serve", "--port", str(port), *args],
        stdout=out,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    out.close()
    return Server(process, f"http://127.0.0.1:{port}", log)


def wait_chaingraph(server: Server) -> Server:
    return _wait(server, "/")


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def start_oxigraph(directory: Path, log: Path) -> Server:
    """The Oxigraph server (from the `oxigraph` package) on a free port, data in ``directory``."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed: pip install oxigraph")
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    out.close()
    return _wait(Server(process, f"http://127.0.0.1:{port}", log), "/query?query=ASK%7B%7D")


def virtuoso_binaries() -> tuple[str, str] | None:
    """``virtuoso-t`` and ``isql-vt`` (Debian's virtuoso-opensource), or None if absent."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 2000
MaxDirtyBuffers = 1500
ThreadsPerQuery = 2
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
; as in Debian's default virtuoso.ini: a result set is cut at this many rows
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


def start_virtuoso(directory: Path, log: Path) -> Server:
    """Virtuoso Open Source with a fresh database in ``directory``, on two free ports.

    Its SPARQL endpoint (query and update) is ``BASE/sparql``; the SPARQL user (anonymous
    HTTP) is granted SPARQL_UPDATE through ``isql-vt`` as user dba (the default password of a
    new database), as an administrator would to let chaingraph load files.
    """
    binaries = virtuoso_binaries()
    if binaries is None:
        raise RuntimeError("Virtuoso is not installed: apt-get install virtuoso-opensource")
    binary, isql = binaries
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port),
        encoding="utf-8",
    )
    out = log.open("wb")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    out.close()
    server = _wait(Server(process, f"http://127.0.0.1:{http_port}", log), "/sparql?query=ASK%7B%7D")
    grant = subprocess.run(
        [isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
        server.stop()
        raise RuntimeError(f"isql-vt could not grant SPARQL_UPDATE:\n{grant.stdout}{grant.stderr}")
    return server
