"""Worker processes that run queries with a time limit: one mechanism for ``query --timeout``
and for ``chaingraph serve``.

A :class:`WorkerPool` keeps worker processes that each hold the store open, answer one request
at a time, and are killed (then restarted) when a request exceeds its time. Nothing is copied
per request:

* A directory store is opened read-only by the query workers (``reader``); after a write the
  pool's generation goes up and each reader reopens the store before its next request. With
  ``writable``, one more worker (``writer``) runs the updates: it waits until no query runs,
  opens the store for writing, updates and closes it.
* An in-memory store (``memory``) is rebuilt in each worker once, from its journal: the bundled
  files it started from, then every load and update since, in order
  (:attr:`OxigraphStore.journal <chaingraph.store.oxigraph.OxigraphStore.journal>`). A worker
  catches up with what was written since before its next request; an update run on one worker
  goes into the journal and the others replay it. (Updates calling ``NOW()``, ``RAND()``,
  ``UUID()``, ``BNODE()`` or inserting blank nodes are re-evaluated in each worker, so such
  values can differ from worker to worker.)

A worker never outlives the process that started it: on Linux the kernel kills it when its
parent dies (``PR_SET_PDEATHSIG``, set when the main thread starts it: the signal follows the
starting *thread*), and everywhere a watch thread in the worker exits when its parent process
is gone (its parent id changes), even in the middle of a query (Oxigraph releases the GIL
while it evaluates). A worker of a directory store also holds the store's access lock itself,
on a copy of its parent's lock descriptor: while it lives, even if its parent was killed, no
``load`` is admitted to the store it reads.

What a worker does with a request is the ``handler``'s business, a module-level function
``handler(store, request) -> reply`` (:func:`answer` for the store's own timed queries;
``chaingraph.serve.sparql_endpoint.execute`` for the server).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .base import QueryResults, StoreError, StoreSyntaxError, to_oxigraph, to_rdflib, triples_result

__all__ = [
    "WorkerBusy",
    "WorkerDied",
    "WorkerPool",
    "WorkerTimeout",
    "answer",
    "default_workers",
    "timed_query",
    "timed_update",
]


class WorkerTimeout(StoreError):
    """The request ran longer than its time and was stopped (its worker restarts)."""


class WorkerBusy(StoreError):
    """Every worker stayed busy for the whole timeout."""


class WorkerDied(StoreError):
    """The worker died while answering (it restarts on the next request)."""


def default_workers() -> int:
    """Query workers when ``--workers`` is not given: 2, or the number of CPUs if smaller."""
    import os

    return max(1, min(2, os.cpu_count() or 1))


# -- inside a worker process ------------------------------------------------------------------


def _portable(entry: tuple) -> tuple:
    """A journal entry as something a pipe carries: loaded quads as N-Quads."""
    if entry[0] == "quads":
        return ("nquads", ox.serialize(entry[1], format=ox.RdfFormat.N_QUADS) or b"")
    return entry


def _replay(store, entries: Sequence[tuple]) -> None:
    for kind, *payload in entries:
        if kind == "nquads":
            store._extend(list(ox.parse(payload[0], format=ox.RdfFormat.N_QUADS)))
        elif kind == "update":
            store._update(*payload)  # the text, and its base IRI when it had one


def _open(location: str | None, role: str, journal: Sequence[tuple]):
    from .oxigraph import OxigraphStore, open_store

    if location is not None:
        # lock=False: the parent (the server, or the process holding the store) holds the lock.
        return open_store(location, read_only=role == "reader", lock=False)
    if journal and journal[0][0] == "bundled":
        store = open_store(None, example=journal[0][1] == "all")
        journal = journal[1:]
    else:
        store = OxigraphStore(ox.Store(), None)
    store.journal = None  # a worker follows its parent's journal; keeping its own is a copy
    _replay(store, journal)
    return store


def _close(store) -> None:
    """Really close an embedded store now: Oxigraph closes when its last reference goes."""
    store.close()
    gc.collect()


# How often a worker looks whether its parent is still there (the portable watch).
PARENT_WATCH_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class _InheritedFd:
    """A file descriptor handed to a spawned worker (a copy: the lock it holds is shared)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self):
        from multiprocessing import reduction

        return (_detached, (reduction.DupFd(self.fd),))


def _detached(dup) -> int:
    return dup.detach()


def _die_with_parent(parent_pid: int, by_kernel: bool) -> None:
    """End this worker when ``parent_pid`` ends (see the module docs)."""
    if by_kernel and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watch below still does it
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_WATCH_SECONDS)
        os._exit(1)  # no cleanup to wait for: the store is only read, or written in transactions

    threading.Thread(target=watch, name="chaingraph-parent-watch", daemon=True).start()


def _worker_main(
    conn, location, role, journal, handler, warm_up, log_slow, parent=None, memory_limit=None
) -> None:
    """One worker process (``role``: ``memory``, ``reader`` or ``writer``, see the module).

    ``parent`` is ``(parent pid, kernel watch wanted, the store's lock descriptor or None)``;
    ``memory_limit`` caps the process's address space (bytes): a request that needs more
    fails to allocate, which ends the process, and the pool starts another.
    """
    if memory_limit:
        _cap_memory(memory_limit)
    if parent is not None:
        parent_pid, by_kernel, _lock_fd = parent  # the descriptor stays open: the lock is held
        _die_with_parent(parent_pid, by_kernel)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    try:
        store = _reopen(location) if role == "reader" else _open(location, role, journal)
        triples = len(store)
        if role == "writer":  # created or recovered; reopened for each update
            _close(store)
    except (StoreError, OSError, SyntaxError, RuntimeError) as error:
        conn.send(("error", str(error)))
        return
    if warm_up is not None:
        warm_up()  # e.g. import a parser now, not in the first request's time budget
    conn.send(("ready", triples))
    generation = 0
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
            if role == "reader" and request.get("generation", generation) != generation:
                _close(store)  # written since it was opened: reopen it
                store = _reopen(location)
                generation = request["generation"]
            reply = _serve_one(store, location, role, request, handler)
        except (StoreError, OSError, RuntimeError) as error:
            reply = ("failed", type(error).__name__, str(error))
        elapsed = time.monotonic() - started
        if log_slow and elapsed > 1:
            sys.stderr.write(f"chaingraph serve: slow {request['op']} ({elapsed:.2f} s)\n")
        conn.send(reply)


def _cap_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: no cap
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _reopen(location: str, attempts: int = 5):
    """Open a directory store read-only again, while its writer may be compacting it.

    A read-only open reads the list of the database's files, then opens them; a writer's
    background compaction can delete one in between ("Corruption: ... No such file"), which
    a second try does not meet.
    """
    for attempt in range(attempts):
        try:
            return _open(location, "reader", ())
        except (OSError, RuntimeError):
            if attempt == attempts - 1:
                raise
            gc.collect()
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _serve_one(store, location, role, request, handler):
    from .oxigraph import open_store

    try:
        if role == "writer":
            store = open_store(location, lock=False)
            try:
                return handler(store, request)
            finally:
                _close(store)  # waits for Oxigraph's background work: readers may open
        _replay(store, request.get("catch_up", ()))  # what was written since
        return handler(store, request)
    except StoreError as error:
        return ("failed", type(error).__name__, str(error))
    except Exception as error:  # keep the worker alive whatever a request does
        return ("failed", "Exception", f"the request failed: {type(error).__name__}: {error}")


# -- the parent's side ------------------------------------------------------------------------


@contextmanager
def _main_module_hidden():
    """Start a worker without it importing the parent's ``__main__``.

    A spawned process runs the parent's main script again (as ``__mp_main__``) unless it is
    guarded by ``if __name__ == "__main__"``; a user's script calling ``select(...,
    timeout=...)`` at its top level would start itself again. The worker needs nothing from
    it: its target and handler are importable by name.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@dataclass(eq=False)
class _Worker:
    """The parent's handle on one worker process."""

    name: str
    role: str
    process: multiprocessing.process.BaseProcess | None = None
    conn: object = None
    applied: int = 0  # in-memory store: how many journal entries this worker holds

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()


class WorkerPool:
    """Worker processes holding one store, each answering one request at a time.

    Parameters
    ----------
    location : str or None
        A store directory, or ``None`` for an in-memory store rebuilt from ``journal``.
    handler : callable
        ``handler(store, request) -> reply``, a module-level function (it is sent to the
        workers by name).
    journal : list, optional
        In memory: what the store is made of (see the module docs). The pool reads it, and
        appends the updates it runs; the owner of the store appends its own writes.
    workers : int
        Query workers; a request goes to an idle one and waits for one when all are busy.
    writable : bool
        A directory store gets a writer worker for updates.
    lock : bool
        Hold the directory store's access lock for the workers (as the writer when
        ``writable``), and create or recover the store first. Off when the caller holds it.
    warm_up : callable, optional
        Run by each worker once the store is open.
    on_stop : callable, optional
        ``on_stop(worker_name, timeout)`` when a worker is stopped (a server logs it).
    access : optional
        The directory store's access lock held by the caller (with ``lock=False``); each
        worker holds a copy of it while it lives.
    """

    def __init__(
        self,
        location: str | None,
        handler: Callable,
        *,
        journal: list[tuple] | None = None,
        workers: int = 1,
        writable: bool = False,
        lock: bool = False,
        warm_up: Callable | None = None,
        on_stop: Callable[[str, float], None] | None = None,
        start_timeout: float = 300,
        access=None,
        memory_limit: int | None = None,
    ):
        if workers < 1:
            raise StoreError(f"--workers must be at least 1, not {workers}")
        self.location = location
        self.handler, self.warm_up, self.on_stop = handler, warm_up, on_stop
        self.journal = journal if journal is not None else [("bundled", "all")]
        self.start_timeout = start_timeout
        self.memory_limit = memory_limit
        self.generation = 0  # directory store: writes so far
        self.restarts = 0
        self.triples = 0
        self._context = multiprocessing.get_context("spawn")
        # Last in, first out: a lone client keeps one warm worker (30 % faster than taking turns).
        self._idle: queue.Queue[_Worker] = queue.LifoQueue()
        self._update_lock = threading.Lock()
        self._closed = False
        self._access = None
        self._held_access = access  # the caller's lock on the store, which workers share
        role = "reader" if location else "memory"
        self._workers = [_Worker(str(n + 1), role) for n in range(workers)]
        self._writer = _Worker("writer", "writer") if location and writable else None
        try:
            self._open(lock, writable)
        except BaseException:
            self.close()
            raise
        for worker in self._workers:
            self._idle.put(worker)
        # Workers are daemons, but a pool dropped without close() should not keep them.
        self._finalizer = weakref.finalize(self, WorkerPool._stop_all, list(self._all()))

    def _open(self, lock: bool, writable: bool) -> None:
        if self.location and lock:
            from .oxigraph import _Access

            # Other processes may read the store while the pool only reads it, and neither
            # read nor write it while the pool may write.
            self._access = _Access(Path(self.location), write=writable)
            opener = self._writer or _Worker("opener", "writer")
            self.triples = self._start(opener)
            if opener is not self._writer:
                self._stop(opener)
        pending = [(w, self._spawn(w)) for w in self._workers]  # they open in parallel
        for worker, started in pending:
            self.triples = self._await(worker, *started)

    def _all(self):
        return (*self._workers, *([self._writer] if self._writer else []))

    @property
    def workers(self) -> int:
        return len(self._workers)

    def changed(self) -> None:
        """The directory store was written by its owner: readers reopen before their next query."""
        self.generation += 1

    # worker processes

    def _spawn(self, worker: _Worker):
        parent, child = self._context.Pipe()
        applied = len(self.journal)
        journal = [_portable(e) for e in self.journal[:applied]] if worker.role == "memory" else []
        process = self._context.Process(
            target=_worker_main,
            args=(
                child,
                self.location,
                worker.role,
                journal,
                self.handler,
                self.warm_up,
                self.on_stop is not None,  # a server logs slow requests too
                self._parent_link(),
                self.memory_limit,
            ),
            daemon=True,
            name=f"chaingraph-worker-{worker.name}",
        )
        with _main_module_hidden():
            process.start()
        child.close()
        return process, parent, applied

    def _parent_link(self) -> tuple:
        """What a new worker needs to die with this process and to share its store lock."""
        access = self._access or self._held_access
        fd = getattr(access, "fd", None)
        # PR_SET_PDEATHSIG fires when the starting *thread* ends: ask for it only from the
        # main thread (a server restarts workers from request threads, which end).
        by_kernel = threading.current_thread() is threading.main_thread()
        return (os.getpid(), by_kernel, None if fd is None else _InheritedFd(fd))

    def _await(self, worker: _Worker, process, parent, applied) -> int:
        if not parent.poll(self.start_timeout):
            process.kill()
            raise StoreError(f"the store did not open within {self.start_timeout:g} s")
        try:
            status, value = parent.recv()
        except EOFError:
            raise StoreError("the store worker died while opening the store") from None
        if status == "error":
            process.join()
            raise StoreError(value)
        worker.process, worker.conn, worker.applied = process, parent, applied
        return value

    def _start(self, worker: _Worker) -> int:
        return self._await(worker, *self._spawn(worker))

    @staticmethod
    def _stop(worker: _Worker) -> None:
        if worker.process is not None:
            worker.process.kill()
            worker.process.join()
            worker.conn.close()
        worker.process = worker.conn = None

    @staticmethod
    def _stop_all(workers) -> None:
        for worker in workers:
            WorkerPool._stop(worker)

    def close(self) -> None:
        """Stop every worker and release the store's lock."""
        self._closed = True
        for worker in self._all():
            self._stop(worker)
        if self._access is not None:
            self._access.release()

    # requests

    def _call(self, worker: _Worker, request: dict, timeout: float):
        """Send one request to ``worker``; kill (and restart) it when it exceeds ``timeout``."""
        if not worker.alive():
            self._stop(worker)
            if self._closed:
                raise WorkerDied("the pool is closed")
            self._start(worker)
        if worker.role == "memory":
            applied = len(self.journal)
            catch_up = [_portable(e) for e in self.journal[worker.applied : applied]]
            request = {**request, "catch_up": catch_up}
            worker.applied = applied
        try:
            worker.conn.send(request)
            answered = worker.conn.poll(timeout)
        except OSError:
            answered = None
        if answered:
            try:
                reply = worker.conn.recv()
            except EOFError:
                answered = None
            else:
                if worker.role == "memory" and request["op"] == "update" and _succeeded(reply):
                    # under the update lock
                    self.journal.append(("update", request["text"], request.get("base_iri")))
                    worker.applied = len(self.journal)
                return reply
        self._stop(worker)
        if answered is None:
            if self.memory_limit:
                raise WorkerDied("sparql.endpoint.memory", limit=f"{self.memory_limit / 2**20:g}")
            raise WorkerDied("the store worker died; it restarts on the next query")
        # The worker restarts when it is next given a request (see _call), outside that
        # request's time: whoever waits for an idle worker gets this one back at once.
        self.restarts += 1
        if self.on_stop is not None:
            self.on_stop(worker.name, timeout)
        raise WorkerTimeout(f"the request ran longer than {timeout:g} s and was stopped")

    def _on_idle_worker(self, request: dict, timeout: float):
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise WorkerBusy(f"all {self.workers} workers stayed busy for {timeout:g} s") from None
        try:
            return self._call(worker, request, timeout), worker.name
        finally:
            self._idle.put(worker)

    def _write(self, request: dict, timeout: float):
        """Run an update on the writer while no query runs."""
        deadline = time.monotonic() + timeout
        held = []
        try:
            for _ in self._workers:  # wait for the running queries; new ones wait for us
                try:
                    held.append(self._idle.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    raise WorkerBusy(
                        f"all {self.workers} workers stayed busy for {timeout:g} s"
                    ) from None
            reply = self._call(self._writer, request, timeout)
            if _succeeded(reply):
                self.generation += 1  # every query worker reopens before its next query
            return reply, self._writer.name
        finally:
            for worker in held:
                self._idle.put(worker)

    def run(self, request: dict, timeout: float):
        """``(reply, worker name)`` for one request (``op``: ``query`` or ``update``).

        Raises
        ------
        WorkerTimeout, WorkerBusy, WorkerDied
            The request was stopped, found no free worker, or lost its worker.
        StoreError
            An update on a directory pool without a writer, or a worker that cannot reopen.
        """
        if request["op"] != "update":
            return self._on_idle_worker({**request, "generation": self.generation}, timeout)
        with self._update_lock:  # one update at a time, in the order they arrive
            if self.location is None:  # any worker; the others replay it (see _call)
                return self._on_idle_worker(request, timeout)
            if self._writer is None:
                raise StoreError("this store's workers are read-only")
            return self._write(request, timeout)


def _succeeded(reply) -> bool:
    status = getattr(reply, "status", None)
    if status is not None:
        return status < 300
    return not (isinstance(reply, tuple) and reply and reply[0] == "failed")


# -- the store's own timed queries --------------------------------------------------------------


def _term(text: str):
    # Bindings travel in N-Triples syntax; parse them with Oxigraph itself.
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return to_rdflib(triple.object)


def answer(store, request: dict) -> tuple:
    """Run a timed query or update in a worker: ``(kind, payload)`` to send back."""
    store.allow_hosts = tuple(request.get("allow_hosts", ()))  # as the caller's store
    if request["op"] == "update":
        store.update(request["text"], base_iri=request.get("base_iri"))
        store.flush()
        return ("none", b"")
    bindings = {k: _term(v) for k, v in request["bindings"].items()}
    result = store.query_results(
        request["text"],
        bindings,
        default_graphs=request.get("default_graphs"),
        named_graphs=request.get("named_graphs"),
        base_iri=request.get("base_iri"),
    )
    if isinstance(result, ox.QueryTriples):
        return ("graph", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
    return ("solutions", result.serialize(format=ox.QueryResultsFormat.JSON))


_ERRORS = {"StoreSyntaxError": StoreSyntaxError}


def _results(reply: tuple) -> QueryResults | None:
    kind, *payload = reply
    if kind == "failed":
        raise _ERRORS.get(payload[0], StoreError)(payload[1])
    if kind == "solutions":
        return ox.parse_query_results(payload[0], format=ox.QueryResultsFormat.JSON)
    if kind == "graph":
        return triples_result(ox.parse(payload[0], format=ox.RdfFormat.N_TRIPLES))
    return None


def _pool(store) -> WorkerPool:
    if store._pool is None:
        store._pool = WorkerPool(
            store.location,
            answer,
            journal=store.journal,
            workers=1,
            writable=store.location is not None and not store.read_only,
            access=store._access,
        )
    return store._pool


def _stopped(op: str, timeout: float) -> StoreError:
    return StoreError(
        f"the {op} ran longer than {timeout:g} s and was stopped; nothing was changed. "
        "Narrow it (fewer patterns, a LIMIT) or give it more time with --timeout."
    )


def timed_query(
    store, query, bindings, timeout, default_graphs=None, named_graphs=None, base_iri=None
):
    """Run a query of ``store`` on its worker, stopped after ``timeout`` seconds."""
    request = {
        "base_iri": base_iri,
        "op": "query",
        "text": query,
        "allow_hosts": list(store.allow_hosts),
        "bindings": {k: str(to_oxigraph(v)) for k, v in (bindings or {}).items()},
        "default_graphs": list(default_graphs or ()),
        "named_graphs": list(named_graphs or ()),
    }
    try:
        reply, _ = _pool(store).run(request, timeout)
    except WorkerTimeout:
        raise _stopped("query", timeout) from None
    return _results(reply)


def timed_update(store, update: str, timeout: float, base_iri: str | None = None) -> None:
    """Run an update of ``store`` on its worker, stopped after ``timeout`` seconds.

    In memory the update runs in the worker first, then (as it finished in time) here; a
    directory store is closed here while the worker writes it.
    """
    request = {
        "op": "update",
        "text": update,
        "allow_hosts": list(store.allow_hosts),
        "base_iri": base_iri,
    }
    pool = _pool(store)
    try:
        if store.location is None:
            reply, _ = pool.run(request, timeout)
            _results(reply)
            # the pool journalled it
            store._inner.update(update, prefixes=_prefixes(), base_iri=base_iri or _base())
        else:
            with store.released():
                reply, _ = pool.run(request, timeout)
            _results(reply)
    except WorkerTimeout:
        raise _stopped("update", timeout) from None


def _base() -> str:
    from .dataset import DEFAULT_BASE

    return DEFAULT_BASE


def _prefixes():
    from ..namespaces import PREFIXES

    return PREFIXES
