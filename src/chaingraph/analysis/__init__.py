"""Analyses of the projected graph, one module per question (like networkx's ``algorithms``).

Each function takes the NetworkX projection made by :func:`chaingraph.to_networkx` and returns
plain data.
"""

from .gaps import GAP_CLASSES, ChainGaps, Evidence, GapReport, StageGap, find_gaps

__all__ = ["GAP_CLASSES", "ChainGaps", "Evidence", "GapReport", "StageGap", "find_gaps"]
