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

    @property
    def uses_region(self) -> bool:
        """Whether the query is scoped to a region (``?x cg:partOf* ?region``).

        >>> named_query("local-production").uses_region, named_query("regions").uses_region
        (True, False)
        """
        return "cg:partOf* ?region" in self.text

    def for_region(self, iri: str) -> str:
        """The query with ``?region`` fixed to ``iri`` by a ``VALUES`` block.

        Not by substitution: pyoxigraph 0.5 applies substitutions after evaluating
        ``?site cg:partOf* ?region`` for every region, ten times slower at 100k triples
        (see benchmarks/README.md).

        >>> named_query("local-claims").for_region("https://w3id.org/chaingraph/region/CN-630100")
        '...WHERE { VALUES ?region { <https://w3id.org/chaingraph/region/CN-630100> }...'
        """
        if not self.uses_region:
            raise ValueError(f"the query {self.name!r} has no ?region to bind")
        return self.text.replace("WHERE {", f"WHERE {{ VALUES ?region {{ <{iri}> }}", 1)


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
