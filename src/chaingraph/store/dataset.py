"""The dataset a query or update runs on, and the base IRI of relative IRIs (SPARQL 1.1).

* A query's default graph is the union of the store's named graphs only when nothing names a
  dataset. ``FROM`` / ``FROM NAMED`` in the query, or the protocol's ``default-graph-uri`` /
  ``named-graph-uri`` (which override the query's own, as the protocol says), select graphs of
  the store instead; a graph named but not in the store is an empty graph.
* An update's default graph is the store's own (empty) default graph; ``USING`` /
  ``USING NAMED`` / ``WITH`` in the update, or the protocol's ``using-graph-uri`` /
  ``using-named-graph-uri``, say where its ``WHERE`` reads. Giving both is a conflict, refused.
* Relative IRIs resolve against a base: the endpoint's URL for ``serve``, :data:`DEFAULT_BASE`
  for the command line and the library (``--base`` / ``base_iri=`` to choose another), unless
  the text says ``BASE``.

>>> describes_dataset("SELECT * FROM <urn:g> { ?s ?p ?o }")
True
>>> with_using("INSERT { ?s a <urn:T> } WHERE { ?s ?p ?o }", ["urn:g"], [])
'INSERT { ?s a <urn:T> } USING <urn:g> WHERE { ?s ?p ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..messages import ChaingraphError

__all__ = ["DEFAULT_BASE", "DatasetConflict", "describes_dataset", "with_using"]

# Relative IRIs in queries and updates run by the command line or the library resolve here.
DEFAULT_BASE = "https://w3id.org/chaingraph/base/"


class DatasetConflict(ChaingraphError):
    """The request names its dataset twice (the protocol's parameters and the text's own)."""


def describes_dataset(text: str) -> bool:
    """Whether a query names its own dataset with ``FROM`` / ``FROM NAMED``."""
    from ..safety import inspect_query

    return inspect_query(text).from_graphs


def _operations(text: str):
    """(first two tokens after the prologue, position of the first ``WHERE`` at depth 0 or
    None) for each operation of an update."""
    from ..safety import _TOKEN

    depth, first, where, skip = 0, [], None, 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match[0]
        if kind in ("space", "comment"):
            continue
        if kind == "other" and value == ";" and depth == 0:
            yield first, where
            first, where = [], None
            continue
        if skip:
            skip -= 1
        elif not first and kind == "word" and value.lower() in ("prefix", "base"):
            skip = 2 if value.lower() == "prefix" else 1
        elif len(first) < 2:
            first.append(value.lower())
        if kind == "other" and value in "({[":
            depth += 1
        elif kind == "other" and value in ")}]":
            depth -= 1
        elif kind == "word" and depth == 0 and value.lower() == "where" and where is None:
            where = match.start()
    yield first, where


def _is_modify(first: list[str]) -> bool:
    """DELETE/INSERT ... WHERE (or WITH ...), not DELETE WHERE, DELETE DATA or INSERT DATA."""
    if not first or first[0] not in ("delete", "insert", "with"):
        return False
    return first[0] == "with" or first[1:2] not in (["where"], ["data"])


def with_using(text: str, default: Sequence[str], named: Sequence[str]) -> str:
    """``text`` with ``USING <g>`` for each ``default`` and ``USING NAMED <g>`` for each
    ``named`` graph before the ``WHERE`` of every DELETE/INSERT operation: the protocol's
    ``using-graph-uri`` / ``using-named-graph-uri``, said the way the update itself would.

    Raises :class:`DatasetConflict` when the update names its own (``USING``, ``WITH``).
    """
    from ..safety import _expand_escapes, inspect_query

    if not default and not named:
        return text
    if inspect_query(text).using_graphs:
        raise DatasetConflict("sparql.dataset.conflict_update")
    if _expand_escapes(text) != text:
        raise DatasetConflict("sparql.dataset.escapes")
    clause = " ".join([f"USING <{g}>" for g in default] + [f"USING NAMED <{g}>" for g in named])
    cuts = [where for words, where in _operations(text) if _is_modify(words) and where]
    for cut in reversed(cuts):
        text = text[:cut] + clause + " " + text[cut:]
    return text


_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")


def check_graph_iris(*groups: Sequence[str]) -> None:
    """Refuse a protocol graph parameter that is no IRI (it is written into the text)."""
    import pyoxigraph as ox

    for iri in (g for group in groups for g in group):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise DatasetConflict("sparql.dataset.bad_iri", iri=iri[:200]) from None
        if not _IRI.fullmatch(iri):
            raise DatasetConflict("sparql.dataset.bad_iri", iri=iri[:200])
