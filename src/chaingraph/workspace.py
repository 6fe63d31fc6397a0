"""The workspace: one store, one language, one name index, and the planning questions.

Everything that answers a planner's question goes through a :class:`Workspace`: the
command line, the notebook, the report and graph renderers and the web pages call its
methods, and none of them wires the steps (open the store, resolve names, project, fetch the
conversion factors, analyse) again. The analyses stay pure functions of the projected graph
(:mod:`chaingraph.analysis`); the workspace only feeds them.

>>> ws = Workspace.open(lang="en")          # the bundled data, in memory
>>> report = ws.gaps("西宁", ["光伏"])
>>> report.chain("chain:pv").stage("pv:mono-ingot").verdict
'present'
>>> ws.region("Xining"), ws.chain("锂电")
('region:CN-630100', 'chain:li')

Projections are kept for the life of the workspace, so asking several questions about one
region projects it once:

>>> ws.projection("西宁") is ws.projection("region:CN-630100")
True
"""

from __future__ import annotations

import functools
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis._words import AnalysisError
from .labels import default_language
from .messages import ChaingraphError
from .names import Names

if TYPE_CHECKING:
    import networkx as nx

    from .analysis.gaps import GapReport
    from .analysis.overview import RegionSummary
    from .analysis.targets import Target
    from .render.html import View
    from .render.report import PlanningReport
    from .store import Store

__all__ = ["Workspace", "WorkspaceError"]


class WorkspaceError(ChaingraphError, ValueError):
    """A question the workspace cannot answer as asked: a scope smaller than the region, years
    the wrong way round, a company with no fact in the region. The message says what to change.
    """


def _as_asked(function):
    """Turn the analyses' ``ValueError`` about the arguments into a :class:`WorkspaceError`
    (an unknown name stays an :class:`~chaingraph.names.UnknownName`, and every error that
    carries a message code keeps it)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except AnalysisError as error:  # the analysis's code, as a workspace error
            raise WorkspaceError(error.code, **error.params).speaking(args[0].lang) from error
        except ChaingraphError as error:  # already in the catalogs: speak the workspace's
            error.speaking(args[0].lang)
            raise
        except ValueError as error:
            raise WorkspaceError(str(error)).speaking(args[0].lang) from error

    return wrapper


class Workspace:
    """A store seen in one language, with the planning questions as methods.

    Parameters
    ----------
    store : Store
        The store to read (see :func:`chaingraph.store.open_store`).
    lang : {"zh", "en"}, optional
        Language of labels and words; default ``$CHAINGRAPH_LANG``, else ``zh``.

    Region, chain, company and project arguments are what a user types: a label in either
    language, an alias or an id (``西宁``, ``Xining``, ``region:CN-630100``).
    """

    def __init__(self, store: Store, lang: str | None = None) -> None:
        self.store = store
        self.lang = lang or default_language()
        self._projections: dict[tuple, nx.MultiDiGraph] = {}
        self._resolved: dict[tuple[str, str], str] = {}

    @classmethod
    def open(
        cls,
        location: str | os.PathLike[str] | None = None,
        *,
        lang: str | None = None,
        read_only: bool = True,
    ) -> Workspace:
        """The workspace of the store at ``location`` (a directory or a SPARQL endpoint URL;
        ``None``: the bundled data in memory)."""
        from .store import open_store

        return cls(open_store(location, read_only=read_only), lang)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.store!r}, lang={self.lang!r})"

    # ------------------------------------------------------------------ names

    @cached_property
    def names(self) -> Names:
        """The name index: labels, aliases and ids of the store's nodes."""
        return Names(self.store, self.lang)

    def _resolve(self, name: str, kind: str) -> str:
        # Each question resolves its arguments again; the store is asked once per name.
        key = (kind, name)
        if key not in self._resolved:
            self._resolved[key] = self.names.resolve(name, kind)
        return self._resolved[key]

    def region(self, name: str) -> str:
        """The CURIE of the region called ``name``."""
        return self._resolve(name, "region")

    def chain(self, name: str) -> str:
        """The CURIE of the chain called ``name``."""
        return self._resolve(name, "chain")

    def chains(self, names: list[str] | tuple[str, ...] | None) -> list[str] | None:
        """The CURIEs of the chains called ``names``; ``None`` when no name is given."""
        return [self.chain(name) for name in names] if names else None

    def company(self, name: str) -> str:
        """The CURIE of the company called ``name``: a label, alias or id, or else a name with
        the same key (``晶科能源股份有限公司`` for ``晶科能源有限公司``: see
        :mod:`chaingraph.companies`)."""
        from .names import UnknownName

        try:
            return self._resolve(name, "company")
        except UnknownName:
            found = self._company_by_key(name)
            if found is None:
                raise
            return found

    def _company_by_key(self, name: str) -> str | None:
        from .companies import CompanyResolver
        from .companies.directory import all_names

        resolver = CompanyResolver(curated=False)
        for node, labels in all_names(self.store).items():
            resolver.add(node, sorted(labels))
        decision = resolver.resolve(name)
        return decision.iri if decision.rule in ("alias", "key") else None

    def project(self, name: str) -> str:
        """The CURIE of the project (``cg:Project``) called ``name``."""
        return self._resolve(name, "project")

    def label(self, node: str) -> str:
        """The label of ``node`` (a CURIE) in the workspace's language."""
        from .labels import LabelIndex

        # The node's own labels only: every label of a national store takes seconds to fetch.
        labels = LabelIndex.from_store(self.store, nodes=[node], preferred=True)
        return labels.pick(node, self.lang)

    # ------------------------------------------------------------------ projections

    @_as_asked
    def projection(
        self,
        region: str | None = None,
        *,
        scope: str | None = None,
        evidence: bool = True,
        elsewhere: bool = False,
    ) -> nx.MultiDiGraph:
        """The NetworkX projection holding the local facts of ``region`` (``None``: every
        region), with the store's conversion factors (see
        :func:`~chaingraph.projection.to_networkx`).

        ``scope`` widens what counts as local to the region's park, zone, city, province or
        country; ``evidence=False`` leaves out each fact's sentence (the same verdicts, faster);
        ``elsewhere`` adds the producers outside the region and the ties between companies
        (for 招商 targets). Projections are cached for the life of the workspace; treat them
        as read-only.
        """
        region_id = self.region(region) if region else None
        key = (region_id, scope, evidence, elsewhere)
        if key not in self._projections:
            self._projections[key] = self._project(region_id, scope, evidence, elsewhere)
        return self._projections[key]

    def _project(self, region_id, scope, evidence, elsewhere) -> nx.MultiDiGraph:
        from .analysis.scope import project_for_scope
        from .analysis.targets import with_producers_elsewhere
        from .projection import to_networkx

        if elsewhere:  # the cached local projection, copied, plus the producers elsewhere
            local = self.projection(region_id, scope=scope, evidence=evidence)
            return with_producers_elsewhere(local, self.store, region_id)
        if region_id is None:
            G = to_networkx(self.store, None, lang=self.lang, evidence=evidence)
        else:
            G = project_for_scope(self.store, region_id, scope, lang=self.lang, evidence=evidence)
        return G

    # ------------------------------------------------------------------ questions

    @_as_asked
    def gaps(
        self,
        region: str,
        chains: list[str] | None = None,
        *,
        scope: str | None = None,
        threshold: float | None = None,
        as_of: int | None = None,
        evidence: bool = True,
        criticality: bool = True,
    ) -> GapReport:
        """Verdicts and gap classes (补链/延链/强链/建链) of ``region``'s chains: see
        :func:`chaingraph.analysis.find_gaps`."""
        from .analysis.gaps import DEFAULT_THRESHOLD, find_gaps

        G = self.projection(region, scope=scope, evidence=evidence)
        return find_gaps(
            G,
            self.region(region),
            self.chains(chains),
            scope=scope,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            as_of=as_of,
            criticality=criticality,
        )

    @_as_asked
    def overview(
        self,
        *,
        level: str = "city",
        chains: list[str] | None = None,
        threshold: float | None = None,
        as_of: int | None = None,
    ) -> list[RegionSummary]:
        """The gap figures of every region of ``level`` at once: see
        :func:`chaingraph.analysis.gaps_overview`."""
        from .analysis.gaps import DEFAULT_THRESHOLD
        from .analysis.overview import gaps_overview

        return gaps_overview(
            self.projection(None, evidence=False),  # counts need no sentences
            level=level,
            chains=self.chains(chains),
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            as_of=as_of,
        )

    @_as_asked
    def targets(self, region: str, chains: list[str] | None = None) -> list[Target]:
        """招商 targets: producers outside ``region`` for its missing, weak or only asserted
        stages, ranked, each with its reasons: see :func:`chaingraph.analysis.find_targets`."""
        from .analysis.targets import find_targets

        G = self.projection(region, elsewhere=True)
        return find_targets(G, self.region(region), self.chains(chains))

    @_as_asked
    def impact(
        self,
        region: str,
        company: str | None = None,
        *,
        project: str | None = None,
        complete: str | None = None,
    ) -> dict:
        """What ``region`` loses if ``company`` (or ``project``) leaves, or gains when the
        project ``complete`` is built: see :func:`chaingraph.analysis.impact`."""
        from .analysis.impact import impact

        subject = project or complete
        subject_id = self.project(subject) if subject else None
        return impact(
            self.projection(region),
            self.company(company) if company else None,
            project=subject_id if project else None,
            complete=subject_id if complete else None,
            region=self.region(region),
            subject_label=self.label(subject_id) if subject_id else None,
        )

    @_as_asked
    def diff(
        self, region: str, year_from: int, year_to: int, chains: list[str] | None = None
    ) -> dict:
        """What changed in ``region`` between two years: see
        :func:`chaingraph.analysis.diff`."""
        from .analysis.timeline import diff

        return diff(
            self.projection(region), year_from, year_to, self.region(region), self.chains(chains)
        )

    # ------------------------------------------------------------------ documents

    def view(
        self,
        region: str,
        *,
        chain: str | None = None,
        company: str | None = None,
        query: str | None = None,
        query_name: str = "",
    ) -> View:
        """The graph view ``viz`` draws: a CONSTRUCT ``query``'s triples, a ``company``'s
        neighbourhood, one ``chain`` of the region, or (by default) the region overview."""
        from .render import html

        return html.build_view(
            self, region=region, chain=chain, company=company, query=query, query_name=query_name
        )

    def report(
        self, region: str, *, chains: list[str] | None = None, views: bool = True
    ) -> PlanningReport:
        """The planner's report for ``region`` (``views=False``: without the graph views)."""
        from .render.report import build_report

        return build_report(self, region=region, chains=chains, views=views)

    def export(
        self,
        fmt: str,
        path: str | os.PathLike[str],
        *,
        region: str | None = None,
        excel: bool = False,
    ) -> list[Path]:
        """Write the graph of ``region`` (``None``: every region's facts) in ``fmt``
        (graphml, gexf, turtle, jsonld, csv) to ``path``; returns the files written."""
        from .render.export import export

        return export(self, fmt, path, region=region, excel=excel)
