"""Runs one query or update in its own process, so that a time limit can really stop it.

The parent (:meth:`chaingraph.store.Store._in_worker`) sends a JSON request on stdin and kills
this process when time is up. A directory store is opened read-only for queries (no lock);
an in-memory store arrives as an N-Quads dump.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox

from .store import Store, StoreError, _open_inner, to_rdflib


def _term(text: str):
    # Bindings arrive in N-Triples syntax; parse them with Oxigraph itself.
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return to_rdflib(triple.object)


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    op, location, dump = request["op"], request.get("location"), request.get("dump")
    if location:
        store = Store(
            _open_inner(Path(location), op != "update"), location, read_only=op != "update"
        )
    else:
        inner = ox.Store()
        inner.load(path=dump, format=ox.RdfFormat.N_QUADS)
        store = Store(inner, None)
    out = sys.stdout.buffer
    try:
        if op == "update":
            store.update(request["text"])
            store.flush()
            if dump:
                store._inner.dump(dump, format=ox.RdfFormat.N_QUADS)
            out.write(b"none\n")
            return 0
        bindings = {k: _term(v) for k, v in request["bindings"].items()}
        result = store._run(request["text"], bindings)
    except StoreError as error:
        print(error, file=sys.stderr)
        return 3
    if isinstance(result, ox.QueryBoolean):
        out.write(b"ask\n" + (b"true" if bool(result) else b"false"))
    elif isinstance(result, ox.QuerySolutions):
        out.write(b"select\n")
        out.write(result.serialize(format=ox.QueryResultsFormat.JSON))
    else:
        out.write(b"graph\n")
        out.write(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
    return 0


if __name__ == "__main__":
    sys.exit(main())
