"""The gap picture of every region at once: one line per region, for national planners.

For each region of a level (every city, by default) :func:`gaps_overview` runs the one-region
gap analysis, :func:`~chaingraph.analysis.gaps.find_gaps` (without criticality), and sums it
up: the chains with a local stage, how many stages are present, only asserted or missing, and
how many gaps of each class (补链/延链/强链/建链) the region has. The figures are those of the
region's own ``chaingraph gaps`` report.

``G`` must hold the facts of every region asked for: project it for all regions
(``to_networkx(store)``) or for a region that contains them. The analysis reads each region's
facts through :mod:`.factindex`, so a region costs in proportion to its own facts, not to the
country's.

>>> from chaingraph import open_store, to_networkx
>>> G = to_networkx(open_store(), lang="en")
>>> overview = gaps_overview(G)
>>> top = overview[0]
>>> top.region, top.label, top.n_chains, top.present, top.asserted, top.missing
('region:CN-630100', 'Xining', 9, 5, 31, 50)
>>> top.fill, top.extend, top.strengthen, top.build
(12, 38, 3, 0)
>>> top.to_dict()["chains"][:3]
['chain:pv', 'chain:li', 'chain:nf']
>>> len(overview), [s.label for s in overview[1:3]]
(17, ['Changzhou', 'Shenzhen'])
>>> [s.region for s in gaps_overview(G, level="park")]
['region:nanchuan-park']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import networkx as nx

from ._words import AnalysisError
from .capacity import DEFAULT_THRESHOLD, ConversionFactor
from .gaps import GapReport, find_gaps
from .scope import LEVELS

__all__ = ["GAP_COUNTS", "GapsOverview", "RegionSummary", "gaps_overview", "summarise"]

# The gap class each count of a RegionSummary stands for.
GAP_COUNTS = {
    "fill": "cg:FillGap",
    "extend": "cg:ExtendGap",
    "strengthen": "cg:StrengthenGap",
    "build": "cg:BuildGap",
}


@dataclass
class RegionSummary:
    """One region's gaps in figures (see the module)."""

    region: str
    label: str
    level: str | None
    n_chains: int
    chains: list[str] = field(default_factory=list)
    chain_labels: list[str] = field(default_factory=list)
    present: int = 0
    asserted: int = 0
    missing: int = 0
    fill: int = 0
    extend: int = 0
    strengthen: int = 0
    build: int = 0

    @property
    def gaps(self) -> int:
        """All gaps: 补链 + 延链 + 强链 + 建链."""
        return self.fill + self.extend + self.strengthen + self.build

    def to_dict(self) -> dict:
        return asdict(self)


def summarise(report: GapReport, level: str | None = None) -> RegionSummary:
    """The figures of one region's gap report.

    Chains with a local stage are those with local tiers (a stage present or asserted); the
    verdicts and gap classes are counted over every stage the report shows (a 建链 chain's
    stages included).
    """
    rows = [row for chain in report.chains for row in chain.stages]
    verdicts = [row.verdict for row in rows]
    classes = [row.gap_class for row in rows]
    local = [chain for chain in report.chains if chain.local_tiers is not None]
    return RegionSummary(
        region=report.region,
        label=report.region_label,
        level=level,
        n_chains=len(local),
        chains=[chain.chain for chain in local],
        chain_labels=[chain.label for chain in local],
        present=verdicts.count("present"),
        asserted=verdicts.count("asserted"),
        missing=verdicts.count("missing"),
        **{name: classes.count(gap_class) for name, gap_class in GAP_COUNTS.items()},
    )


def _regions_of(G: nx.MultiDiGraph, level: str) -> list[str]:
    if level not in LEVELS:
        raise AnalysisError.of(G, "analysis.overview.unknown_level", level=level, levels=LEVELS)
    return [n for n, d in G.nodes(data=True) if d.get("kind") == "region" and d["level"] == level]


class GapsOverview(list):
    """The summaries of :func:`gaps_overview` (a list of :class:`RegionSummary`), with the
    ``level``, ``threshold``, ``as_of`` and ``chains`` they were made with, for renderers."""

    def __init__(
        self,
        summaries=(),
        *,
        level: str = "city",
        threshold: float = DEFAULT_THRESHOLD,
        as_of: int | None = None,
        chains: list[str] | None = None,
    ) -> None:
        super().__init__(summaries)
        self.level, self.threshold, self.as_of, self.chains = level, threshold, as_of, chains


def gaps_overview(
    G: nx.MultiDiGraph,
    regions: list[str] | None = None,
    *,
    level: str = "city",
    chains: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    as_of: int | None = None,
    factors: dict[tuple[str, str], ConversionFactor] | None = None,
) -> GapsOverview:
    """The gaps of every region of ``level`` (or of ``regions``), one summary per region.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection holding the facts of those regions (``to_networkx(store)``: all).
    regions : list of str, optional
        Region CURIEs; default every region node of ``G`` of ``level``.
    level : {"city", "province", "zone", "park", "country"}
        The level of the regions, when ``regions`` is not given.
    chains : list of str, optional
        Chain CURIEs to restrict each report to (as ``find_gaps``'s ``chains``).
    threshold : float
        Capacity ratio under which a stage is a 强链 gap (default 0.5).
    as_of : int, optional
        The chains as they stood in this year.
    factors : dict, optional
        Conversion factors (default: the bundled ones).

    Returns
    -------
    GapsOverview
        A list of RegionSummary, most present stages first, then by region id.
    """
    if regions is None:
        regions = _regions_of(G, level)
    summaries = []
    for region in regions:
        report = find_gaps(
            G,
            region,
            chains,
            threshold=threshold,
            as_of=as_of,
            factors=factors,
            criticality=False,
        )
        summaries.append(summarise(report, G.nodes[region].get("level") if region in G else None))
    summaries.sort(key=lambda s: (-s.present, s.region))
    return GapsOverview(summaries, level=level, threshold=threshold, as_of=as_of, chains=chains)
