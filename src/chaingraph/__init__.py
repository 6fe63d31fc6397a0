"""chaingraph: a region's industrial chains as a knowledge graph, and where they are broken.

>>> import chaingraph
>>> ws = chaingraph.Workspace.open()          # the bundled data; or open("kg/") for a store
>>> ws.gaps("西宁").chain("chain:pv").stage("pv:mono-ingot").verdict
'present'

The analyses are functions of the projected graph, for your own questions:

>>> G = ws.projection("西宁")
>>> chaingraph.find_gaps(G).chain("chain:pv").stage("pv:mono-ingot").verdict
'present'
"""

from ._lazy import lazy_exports

__all__ = [
    "LabelIndex",
    "Store",
    "StoreError",
    "Workspace",
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
    "Workspace": ".workspace",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
