"""Analyses of the projected graph, one module per question (like networkx's ``algorithms``).

Each function takes the NetworkX projection made by :func:`chaingraph.to_networkx` and returns
plain data:

- :mod:`.gaps` — verdicts and gap classes (补链/延链/强链/建链) per stage;
- :mod:`.capacity` — capacity balance between adjacent stages (强链 gaps, data gaps);
- :mod:`.synergy` — local outputs that feed missing or weak stages of other chains (延链);
- :mod:`.targets` — companies outside the region that could fill a gap (招商);
- :mod:`.impact` — what the region loses if a company or project goes, or gains if one is built;
- :mod:`.timeline` — the chains as of a year, and what changed between two years;
- :mod:`.criticality` — single-source stages, concentration, dominators, betweenness;
- :mod:`.completeness` — share of each chain's stages the region has, plain and weighted;
- :mod:`.scope` — what counts as local (region, or the province around it …);
- :mod:`.overview` — the gap figures of every region of a level at once;
- :mod:`.factindex` — the facts of a projection filed by site, so that each region's analysis
  reads only its own facts.
"""

from .capacity import capacity_balance, conversion_factors
from .completeness import completeness
from .criticality import find_criticality
from .gaps import GAP_CLASSES, ChainGaps, Evidence, GapReport, StageGap, find_gaps
from .impact import impact
from .overview import RegionSummary, gaps_overview
from .synergy import find_synergies
from .targets import find_targets, with_producers_elsewhere
from .timeline import as_of, diff

__all__ = [
    "GAP_CLASSES",
    "ChainGaps",
    "Evidence",
    "GapReport",
    "RegionSummary",
    "StageGap",
    "as_of",
    "capacity_balance",
    "completeness",
    "conversion_factors",
    "diff",
    "find_criticality",
    "find_gaps",
    "find_synergies",
    "find_targets",
    "gaps_overview",
    "impact",
    "with_producers_elsewhere",
]
