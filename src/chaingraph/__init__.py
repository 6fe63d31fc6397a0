"""chaingraph: a region's industrial chains as a knowledge graph, and where they are broken.

>>> import chaingraph
>>> G = chaingraph.to_networkx(chaingraph.open_store(), "region:CN-630100")
>>> report = chaingraph.find_gaps(G)
>>> report.chain("chain:pv").stage("pv:mono-ingot").verdict
'present'
"""

from .analysis import find_gaps
from .labels import LabelIndex
from .project import to_networkx
from .sparql import query
from .store import Store, StoreError, open_store

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
