"""Turn what a user types (a label, an alias, a CURIE) into the id of a region, chain or stage.

>>> from chaingraph import open_store
>>> names = Names(open_store())
>>> names.region("西宁"), names.chain("锂电"), names.chain("li"), names.region("开发区")
('region:CN-630100', 'chain:li', 'chain:li', 'region:xining-etdz')
>>> try:
...     names.chain("光富")
... except UnknownName as error:
...     print(error.text("en"))
...     print(error.text("zh"))
unknown chain '光富'. Did you mean: ... 光伏 (chain:pv)?
Known chains: ...
未知的产业链「光富」。是不是：...光伏 (chain:pv)？
已知的产业链：...
"""

from __future__ import annotations

from functools import cached_property

from .labels import LabelIndex, default_language
from .messages import ChaingraphError, Message
from .store import Store

__all__ = ["Names", "UnknownName"]

# The classes of each kind of node (bound to internal/nodes-of-type.rq).
_KINDS = {
    "region": (
        "cg:Country",
        "cg:Province",
        "cg:City",
        "cg:DevelopmentZone",
        "cg:IndustrialPark",
        "cg:Region",
    ),
    "chain": ("cg:Chain",),
    "stage": ("cg:Stage",),
    "company": ("cg:Company",),
    "project": ("cg:Project",),
}


def nodes_of_type(store: Store, types: tuple[str, ...]) -> list[str]:
    """The nodes (CURIEs, sorted) with one of ``types`` (CURIEs or IRIs)."""
    from .queries import named_query

    query = named_query("internal/nodes-of-type").bind(type=types)
    return sorted(row["x"] for row in store.select_plain(query))  # CURIEs


class UnknownName(ChaingraphError, ValueError):
    """No node, or more than one, has the name; the message lists the closest and the known."""


class Names:
    def __init__(self, store: Store, lang: str | None = None) -> None:
        self.store = store
        self.lang = lang or default_language()
        self._by_kind: dict[str, LabelIndex] = {}

    @cached_property
    def labels(self) -> LabelIndex:
        """Every label in the store (for callers that name many kinds of node)."""
        return LabelIndex.from_store(self.store)

    def known(self, kind: str) -> list[str]:
        return nodes_of_type(self.store, _KINDS[kind])

    def _labels_of(self, kind: str, among: list[str]) -> LabelIndex:
        # Only the labels of this kind's nodes: on a national store, fetching every company's
        # labels to resolve a region name took seconds.
        if "labels" in self.__dict__:
            return self.labels
        if kind not in self._by_kind:
            self._by_kind[kind] = LabelIndex.from_store(self.store, among)
        return self._by_kind[kind]

    def resolve(self, name: str, kind: str) -> str:
        among = self.known(kind)
        labels = self._labels_of(kind, among)

        def describe(nodes: list[str]) -> list[str]:
            return [f"{labels.pick(n, self.lang)} ({n})" for n in nodes]

        matches = labels.find(name, among) or [
            node for node in among if node.rsplit(":", 1)[-1].casefold() == name.casefold()
        ]
        if len(matches) == 1:
            return matches[0]
        what = Message(f"names.kind.{kind}")
        if matches:
            ambiguous = UnknownName(
                "names.ambiguous", kind=what, name=name, matches=describe(matches)
            )
            raise ambiguous.speaking(self.lang)
        close = labels.closest(name, among)
        raise UnknownName(
            "names.unknown_close" if close else "names.unknown",
            kind=what,
            name=name,
            close=describe(close),
            kinds=Message(f"names.kinds.{kind}"),
            known=sorted({labels.pick(n, self.lang) for n in among}),
        ).speaking(self.lang)

    def region(self, name: str) -> str:
        return self.resolve(name, "region")

    def chain(self, name: str) -> str:
        return self.resolve(name, "chain")
