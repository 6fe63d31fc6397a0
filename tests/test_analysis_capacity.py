"""Capacity balance on hand-made graphs whose ratios are known by construction."""

from __future__ import annotations

import pyoxigraph
import pytest
from analysis_graphs import HEADER, graph_from, production, store_with

from chaingraph import to_networkx
from chaingraph.analysis import find_gaps
from chaingraph.analysis.capacity import (
    bundled_conversion_factors,
    capacity_balance,
    conversion_factors,
    stage_capacity,
)
from chaingraph.units import quantity

CELLS_MODULES = production("cells", "a", "pv:cell", value=500, unit="MW") + production(
    "modules", "b", "pv:module", value=815, unit="MW"
)


def test_cells_against_modules_is_a_shortfall():
    G = graph_from(CELLS_MODULES)
    link = capacity_balance(G).link("pv:cell", "pv:module")
    assert link.ratio == pytest.approx(500 / 815, abs=1e-3)
    assert link.status == "shortfall"
    assert not link.weak  # 0.61 ≥ default threshold 0.5
    assert link.supply == pytest.approx(0.5) and link.demand == pytest.approx(0.815)
    assert link.factor == "data:factor-pv-cell-module"


@pytest.mark.parametrize(("threshold", "weak"), [(0.5, False), (0.7, True)])
def test_threshold_decides_the_strengthen_gap(threshold, weak):
    G = graph_from(CELLS_MODULES)
    cell = find_gaps(G, threshold=threshold).chain("chain:pv").stage("pv:cell")
    assert cell.verdict == "present"
    if weak:
        assert cell.gap_class == "cg:StrengthenGap"
        assert "ratio 0.61 < threshold 0.7" in cell.rule
    else:
        # a single producer is a 强链 gap by the first rule, but not for its capacity
        assert "ratio" not in cell.rule
    assert cell.balance[0]["status"] == "shortfall"


def test_units_are_normalised_with_pint():
    G = graph_from(
        production("c1", "a", "pv:cell", value=0.3, unit="GW")
        + production("c2", "c", "pv:cell", value=200, unit="MW")
        + production("m", "b", "pv:module", value=1, unit="GW")
    )
    link = capacity_balance(G).link("pv:cell", "pv:module")
    assert link.ratio == 0.5 and link.status == "shortfall"
    assert quantity(1.1, "cgu:10kt").to("t").magnitude == pytest.approx(11000)
    assert quantity(2, "亿片").to("pian").magnitude == pytest.approx(2e8)


def test_unknown_capacity_is_a_data_gap_not_a_guess():
    G = graph_from(
        production("cells", "a", "pv:cell")  # no capacity stated
        + production("modules", "b", "pv:module", value=815, unit="MW")
    )
    report = capacity_balance(G)
    link = report.link("pv:cell", "pv:module")
    assert link.status == "data gap" and link.ratio is None and not link.weak
    assert "no capacity stated for a" in link.rule
    gaps = find_gaps(G)
    assert {"stage": "pv:cell", "next_stage": "pv:module", "what": link.rule} in gaps.data_gaps


def test_polysilicon_tonnes_against_ingot_gigawatts():
    # 25,000 t of polysilicon at 2,500 t/GW feeds 10 GW of ingots; 20 GW of pullers: ratio 0.5
    G = graph_from(
        production("poly", "a", "pv:polysilicon", value=2.5, unit="10kt")
        + production("ingot", "b", "pv:mono-ingot", value=20, unit="GW")
    )
    link = capacity_balance(G, threshold=0.6).link("pv:polysilicon", "pv:mono-ingot")
    assert link.ratio == 0.5 and link.weak
    assert link.supply == pytest.approx(10)


def test_incompatible_units_are_a_data_gap():
    G = graph_from(
        production("cells", "a", "pv:cell", value=500, unit="t")
        + production("modules", "b", "pv:module", value=1, unit="GW")
    )
    link = capacity_balance(G).link("pv:cell", "pv:module")
    assert link.status == "data gap" and "do not convert" in link.rule


def test_regional_capacity_counts_and_a_larger_producer_sum_wins():
    claim = """:rc a cg:RegionalCapacity ; cg:region r:CN-630100 ; cg:stage pv:cell ;
        cg:capacity [ cg:value 2 ; cg:unit cgu:GW ] .\n"""
    G = graph_from(claim + production("c", "a", "pv:cell", value=3, unit="GW"))
    cap = stage_capacity(G, "pv:cell", {"region:CN-630100"})
    assert (cap.value, cap.unit, cap.basis) == (3.0, "GW", "producers' capacities")
    G = graph_from(claim + production("c", "a", "pv:cell"))
    cap = stage_capacity(G, "pv:cell", {"region:CN-630100"})
    assert (cap.value, cap.known, cap.basis) == (2.0, True, "regional capacity")


USER_FACTOR = """
:my-factor a cg:ConversionFactor ; cg:fromStage pv:cell ; cg:toStage pv:module ;
    cg:factor {factor} ; cg:fromUnit cgu:GW ; cg:toUnit cgu:GW ; dcterms:date "{date}"^^xsd:gYear ;
    prov:wasDerivedFrom :my-source .
"""


def test_a_user_factor_wins_over_the_bundled_one():
    store = store_with(CELLS_MODULES)
    assert conversion_factors(store)[("pv:cell", "pv:module")].bundled
    store.load_data(
        HEADER + USER_FACTOR.format(factor=1.25, date=2020),
        "urn:mine",
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    factors = conversion_factors(store)
    chosen = factors[("pv:cell", "pv:module")]
    assert (chosen.factor, chosen.graph, chosen.bundled) == (1.25, "urn:mine", False)
    # the bundled factor is dated 2022, the user's 2020: the user's still wins
    assert bundled_conversion_factors()[("pv:cell", "pv:module")].date == "2022"
    G = to_networkx(store, "region:CN-630100", lang="en")
    link = capacity_balance(G, factors=factors).link("pv:cell", "pv:module")
    assert link.ratio == pytest.approx(0.5 / 1.25 / 0.815, abs=1e-3)
    # the default (no factors given) is the store's, which the projection carries ...
    assert capacity_balance(G).link("pv:cell", "pv:module").ratio == link.ratio
    # ... and the bundled file for a graph that carries none
    del G.graph["factors"]
    assert capacity_balance(G).link("pv:cell", "pv:module").ratio == pytest.approx(0.613, 1e-3)


def test_bundled_factors_fill_in_for_a_store_without_them():
    store = store_with(CELLS_MODULES)
    store._inner.remove_graph(
        pyoxigraph.NamedNode("https://w3id.org/chaingraph/graph/data/chains/conversion-factors.ttl")
    )
    assert conversion_factors(store, defaults=False) == {}
    assert conversion_factors(store)[("pv:cell", "pv:module")].bundled


def test_among_user_factors_the_latest_date_wins():
    store = store_with(CELLS_MODULES)
    for graph, factor, date in (("urn:a", 1.1, 2019), ("urn:b", 1.3, 2023)):
        text = HEADER + USER_FACTOR.format(factor=factor, date=date).replace(
            ":my-factor", f":f{date}"
        )
        store.load_data(text, graph, format=pyoxigraph.RdfFormat.TURTLE)
    assert conversion_factors(store)[("pv:cell", "pv:module")].factor == 1.3


def test_xining_optical_fibre_balance():
    from chaingraph import open_store

    G = to_networkx(open_store(), "region:CN-630100", lang="en")
    link = capacity_balance(G).link("of:preform", "of:fibre")
    # 400 t of preform at 28.6 g per core-km against 13 million core-km of drawing
    assert link.ratio == pytest.approx(400 / 0.0000286 / 13_000_000, abs=1e-3)
    assert link.status == "surplus"
    assert "x:rc-preform" in link.facts and "x:rc-fibre" in link.facts


def test_a_bad_factor_is_a_clear_error(monkeypatch):
    from chaingraph.store import StoreError

    monkeypatch.setenv("CHAINGRAPH_LANG", "en")  # the English message
    store = store_with(CELLS_MODULES)
    store.load_data(
        HEADER + USER_FACTOR.format(factor='"lots"', date=2020),
        "urn:mine",
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    with pytest.raises(StoreError, match=r"urn:test:my-factor .*not a positive number"):
        conversion_factors(store)


def test_conversion_factors_conform_to_the_shapes():
    import pyshacl
    import rdflib

    from chaingraph.resources import bundled_files, bundled_path, ontology_dir

    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl")
    data = rdflib.Graph()
    for relative in bundled_files("base"):
        data.parse(bundled_path(relative))
    assert pyshacl.validate(data, shacl_graph=shapes, advanced=True)[0]
    broken = data + rdflib.Graph().parse(
        data=HEADER + ":f a cg:ConversionFactor ; cg:fromStage pv:cell ; cg:toStage pv:module ;"
        " cg:factor 1.0 ; cg:fromUnit cgu:GW ; cg:toUnit cgu:GW .",
        format="turtle",
    )
    conforms, _, text = pyshacl.validate(broken, shacl_graph=shapes, advanced=True)
    assert not conforms and "says where it comes from" in text and "has a date" in text
