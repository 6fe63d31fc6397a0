"""chaingraph: a region's industrial chains as a knowledge graph, and where they are broken.

>>> import chaingraph
>>> G = chaingraph.to_networkx(chaingraph.open_store(), "region:CN-630100")
>>> report = chaingraph.find_gaps(G)
>>> report.chain("chain:pv").stage("pv:mono-ingot").verdict
'present'
"""

from importlib import import_module

__all__ = [
    "LabelIndex",
    "Store",
    "StoreError",
    "find_gaps",
    "open_store",
    "query",
    "to_networkx",
]
__version__ = "0.1.0"

# Imported on first use, so that `chaingraph --help` and each command load only what they need.
_LAZY = {
    "LabelIndex": ".labels",
    "Store": ".store",
    "StoreError": ".store",
    "open_store": ".store",
    "find_gaps": ".analysis",
    "to_networkx": ".projection",
    "query": ".sparql",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chaingraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
