"""Processes accounted for: a query worker dies with its parent, even one killed with SIGKILL,
and holds the store's lock while it lives, so a `load` is admitted only once it is gone.

Every wait polls with a generous bound; nothing assumes how fast the machine is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _servers import start_chaingraph, wait_chaingraph

from chaingraph import StoreError, open_store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc"),
]

BOUND = 300  # seconds any wait may take, at most
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TURTLE = "<urn:after> <urn:p> 'loaded after the kill' .\n"


def children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return []
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return found


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def workers_of(pid: int) -> list[int]:
    """The worker processes started by ``pid`` (multiprocessing's resource tracker aside)."""
    return [
        c
        for c in children(pid)
        if b"multiprocessing" in cmdline(c) and b"resource_tracker" not in cmdline(c)
    ]


def wait_for(condition, what: str):
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {BOUND} s: {what}")


@pytest.fixture
def store_dir(tmp_path) -> Path:
    location = tmp_path / "store"
    open_store(location).close()  # created with the bundled data
    return location


def load_after(store_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    data = tmp_path / "after.ttl"
    data.write_text(TURTLE, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "chaingraph.cli", "load", "--store", str(store_dir), str(data)],
        capture_output=True,
        text=True,
        timeout=BOUND,
    )


def kill_and_check(parent: subprocess.Popen, workers: list[int], store_dir, tmp_path) -> None:
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(BOUND)
    wait_for(lambda: not any(alive(w) for w in workers), f"workers {workers} ended")
    loaded = load_after(store_dir, tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    with open_store(store_dir, read_only=True) as store:
        assert store.ask("ASK { <urn:after> <urn:p> ?o }")


def runaway_query(store_dir: Path) -> subprocess.Popen:
    command = ["query", "--store", str(store_dir), "--timeout", "60", RUNAWAY]
    return subprocess.Popen(
        [sys.executable, "-m", "chaingraph.cli", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_query_worker_dies_when_its_parent_is_killed(store_dir, tmp_path):
    parent = runaway_query(store_dir)
    try:
        workers = wait_for(lambda: workers_of(parent.pid), "the query's worker started")
        kill_and_check(parent, workers, store_dir, tmp_path)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_worker_holds_the_store_lock_on_its_own(store_dir):
    store = open_store(store_dir, read_only=True)
    try:
        assert store.ask("ASK { ?s ?p ?o }", timeout=BOUND)  # starts the worker
        store._access.release()  # as if the parent's descriptor were gone (killed)
        with pytest.raises(StoreError) as refused:
            open_store(store_dir)  # a writer: the worker still reads the store
        assert refused.value.code == "store.locked_open"
    finally:
        store.close()  # stops the worker, and with it the last copy of the lock
    open_store(store_dir).close()


def test_load_is_refused_while_a_timed_query_reads(store_dir, tmp_path):
    parent = runaway_query(store_dir)
    try:
        wait_for(lambda: workers_of(parent.pid), "the query's worker started")
        refused = load_after(store_dir, tmp_path)
        assert refused.returncode == 2
        assert "Traceback" not in refused.stderr
    finally:
        parent.kill()
        parent.wait(BOUND)


def test_serve_workers_die_when_serve_is_killed(store_dir, tmp_path):
    server = start_chaingraph(tmp_path / "serve.log", "--store", str(store_dir))
    try:
        wait_chaingraph(server)
        workers = wait_for(lambda: workers_of(server.process.pid), "the server's workers")
        kill_and_check(server.process, workers, store_dir, tmp_path)
    finally:
        server.stop()
