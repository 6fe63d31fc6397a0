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

from .._lazy import lazy_exports

# Functions named like their module are bound now: importing the module later would otherwise
# leave the module, not the function, under that name.
from .completeness import completeness
from .impact import impact

__all__ = [
    "GAP_CLASSES",
    "AnalysisError",
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

# Imported on first use: `chaingraph gaps` needs the gap analysis, not targets, impact or the
# overview (the same lazy scheme as the ``chaingraph`` package itself).
_LAZY = {
    "AnalysisError": "._words",
    "GAP_CLASSES": ".gaps",
    "ChainGaps": ".gaps",
    "Evidence": ".gaps",
    "GapReport": ".gaps",
    "StageGap": ".gaps",
    "find_gaps": ".gaps",
    "capacity_balance": ".capacity",
    "conversion_factors": ".capacity",
    "find_criticality": ".criticality",
    "RegionSummary": ".overview",
    "gaps_overview": ".overview",
    "find_synergies": ".synergy",
    "find_targets": ".targets",
    "with_producers_elsewhere": ".targets",
    "as_of": ".timeline",
    "diff": ".timeline",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)
