"""Bilingual labels: one picker used everywhere, and name lookup for the CLI.

A label is chosen as ``skos:prefLabel`` in the wanted language, then ``rdfs:label`` in it,
then the preferred label in the other language, then the local name of the IRI.

>>> index = LabelIndex.from_rows([
...     {"s": "pv:wafer", "p": "skos:prefLabel", "label": ("硅片", "zh")},
...     {"s": "pv:wafer", "p": "skos:prefLabel", "label": ("Wafer", "en")},
...     {"s": "pv:wafer", "p": "skos:altLabel", "label": ("切片", "zh")},
... ])
>>> index.pick("pv:wafer", "en"), index.pick("pv:wafer", "zh"), index.pick("pv:cell", "zh")
('Wafer', '硅片', 'cell')
>>> index.find("切片")
['pv:wafer']
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from .namespaces import curie

# How names are compared (``（）`` equals ``()``): the one fold of the domain vocabulary.
from .vocabulary import fold as normalise

__all__ = ["LANGUAGES", "LabelIndex", "default_language", "normalise"]

LANG_ENV = "CHAINGRAPH_LANG"


def _catalog_languages() -> tuple[str, ...]:
    """The languages with a message catalog (``messages/<lang>.toml``), zh and en first: a
    language is added by adding its catalog."""
    found = {path.stem for path in (Path(__file__).parent / "messages").glob("*.toml")}
    return tuple(sorted(found | {"zh", "en"}, key=lambda lang: (lang != "zh", lang != "en", lang)))


LANGUAGES = _catalog_languages()


def default_language() -> str:
    """``zh`` unless ``CHAINGRAPH_LANG`` names another of :data:`LANGUAGES`."""
    lang = os.environ.get(LANG_ENV, "zh").lower()
    return lang if lang in LANGUAGES else "zh"


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


class LabelIndex:
    """Labels by node (CURIE) and language, and the reverse index from names to nodes."""

    def __init__(self) -> None:
        self._pref: dict[str, dict[str, str]] = defaultdict(dict)
        self._rdfs: dict[str, dict[str, str]] = defaultdict(dict)
        self._names: dict[str, set[str]] = defaultdict(set)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]]) -> LabelIndex:
        """Build from rows of ``labels.rq``: ``s``, ``p`` and ``label`` as ``(text, lang)``."""
        index = cls()
        for row in rows:
            text, lang = row["label"]
            index.add(str(row["s"]), str(row["p"]), str(text), (lang or "").split("-")[0])
        return index

    @classmethod
    def from_store(
        cls, store, nodes: Iterable[str] | None = None, *, preferred: bool = False
    ) -> LabelIndex:
        """Labels from ``labels.rq``; only those of ``nodes`` (CURIEs or IRIs) when given.

        Restricting to the nodes of a projection keeps this fast on a large store: all labels
        of 26,000 companies take seconds to fetch and convert, those of one region's do not.
        ``preferred`` leaves out ``skos:altLabel`` of ``nodes`` (:meth:`pick` does not need them).
        """
        from .queries import named_query

        if nodes is None:
            query = named_query("labels").text
        else:
            nodes = list(nodes)
            if not nodes:
                return cls()
            which = "node-preferred-labels" if preferred else "node-labels"
            query = named_query(f"internal/{which}").bind(s=nodes)
        return cls.from_rows(
            {"s": r["s"], "p": r["p"], "label": (str(r["label"]), r.get("lang"))}
            for r in store.select_plain(query)
        )

    def add(self, node: str, predicate: str, text: str, lang: str) -> None:
        if predicate == "skos:prefLabel":
            self._pref[node].setdefault(lang, text)
        elif predicate == "rdfs:label":
            self._rdfs[node].setdefault(lang, text)
        self._names[normalise(text)].add(node)

    def pick(self, node: str, lang: str) -> str:
        for table, language in (
            (self._pref, lang),
            (self._rdfs, lang),
            (self._pref, _other(lang)),
            (self._rdfs, _other(lang)),
            (self._rdfs, ""),
        ):
            text = table.get(node, {}).get(language)
            if text:
                return text
        return node.rsplit(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def find(self, name: str, among: Iterable[str] | None = None) -> list[str]:
        """Nodes with this label or alias (or this CURIE), optionally only those in ``among``."""
        candidates = set(self._names.get(normalise(name), set()))
        if ":" in name:
            candidates.add(curie(name) if "//" in name else name)
        if among is not None:
            candidates &= set(among)
        return sorted(candidates)

    def closest(self, name: str, among: Iterable[str], n: int = 3) -> list[str]:
        """The nodes in ``among`` whose labels are closest to ``name``, best first."""
        allowed = set(among)
        by_name = {
            label: node for label, nodes in self._names.items() for node in nodes if node in allowed
        }
        close = difflib.get_close_matches(normalise(name), list(by_name), n=n * 3, cutoff=0.3)
        seen: list[str] = []
        for label in close:
            if by_name[label] not in seen:
                seen.append(by_name[label])
        return seen[:n]
