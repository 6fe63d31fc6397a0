"""Named SPARQL queries shipped in ``ontology/queries/``.

Each ``.rq`` file starts with ``# title:`` and ``# description:`` comment lines; the rest is
the query. The gap analysis runs these same files, so users can read and reuse them.

>>> "local-production" in named_queries()
True
>>> "SELECT" in named_query("stages").text
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .resources import query_dir

__all__ = ["NamedQuery", "named_queries", "named_query"]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str


def _parse(name: str, text: str) -> NamedQuery:
    header = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        header[key.strip()] = value.strip()
    return NamedQuery(name, header.get("title", name), header.get("description", ""), text)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """All shipped queries by name (the file name without ``.rq``)."""
    return {
        path.stem: _parse(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(query_dir().glob("*.rq"))
    }


def named_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        known = ", ".join(queries)
        raise KeyError(f"no query named {name!r}; known queries: {known}")
    return queries[name]
