"""Verdicts and gap classes: on a toy region with answers known by construction, and on Xining."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from chaingraph import find_gaps, open_store, to_networkx
from chaingraph.resources import GRAPH_BASE

XINING = "region:CN-630100"

TOY = Path(__file__).parent / "data" / "toy-region.ttl"


@pytest.fixture(scope="module")
def toy_report():
    store = open_store(example=False)
    store.load_data(TOY.read_bytes(), GRAPH_BASE + "test/toy", format=ox.RdfFormat.TURTLE)
    G = to_networkx(store, "https://w3id.org/chaingraph/test/city", lang="en")
    return find_gaps(G)


def verdicts(chain):
    return {s.stage.split("/")[-1]: (s.verdict, s.gap_class) for s in chain.stages}


def test_toy_chain_verdicts_and_classes(toy_report):
    chain = toy_report.chain("https://w3id.org/chaingraph/test/chain-t")
    assert verdicts(chain) == {
        "s1": ("missing", "cg:ExtendGap"),  # before the first local tier
        "s2": ("present", None),  # two producers, one in the zone, one in the city
        "s3": (
            "missing",
            "cg:FillGap",
        ),  # between local tiers; a project is only under construction
        "s4": ("asserted", None),  # a claim names no producer
        "s5": ("present", "cg:StrengthenGap"),  # a single producer
        "s6": ("missing", "cg:ExtendGap"),  # after the last local tier
    }
    assert chain.local_tiers == (2, 5)
    assert chain.completeness == 0.5


def test_pipeline_and_outside_producers_do_not_count(toy_report):
    s3 = toy_report.chain("https://w3id.org/chaingraph/test/chain-t").stages[2]
    assert [p.subject for p in s3.pipeline] == ["https://w3id.org/chaingraph/test/c3"]
    assert s3.producers == []  # the producer in another city is not local


def test_build_gap_needs_a_local_input(toy_report):
    chains = {c.chain.split("/")[-1]: c for c in toy_report.chains}
    assert set(chains) == {"chain-t", "chain-u"}  # chain W has nothing local: left out
    assert verdicts(chains["chain-u"]) == {
        "u1": ("missing", "cg:BuildGap"),
        "u2": ("missing", "cg:BuildGap"),
    }
    u1 = chains["chain-u"].stages[0]
    assert u1.local_inputs == [
        ["https://w3id.org/chaingraph/test/s2", "https://w3id.org/chaingraph/test/u1"]
    ]


def test_every_verdict_points_at_its_evidence(toy_report):
    for chain in toy_report.chains:
        for stage in chain.stages:
            for evidence in (*stage.producers, *stage.claims):
                assert evidence.text == "测试句子。"
            assert stage.rule


def test_zone_scope_sees_only_the_zone():
    store = open_store(example=False)
    store.load_data(TOY.read_bytes(), GRAPH_BASE + "test/toy", format=ox.RdfFormat.TURTLE)
    G = to_networkx(store, "https://w3id.org/chaingraph/test/zone", lang="en")
    chain = find_gaps(G).chain("https://w3id.org/chaingraph/test/chain-t")
    s2 = chain.stages[1]
    assert [p.subject_label for p in s2.producers] == ["一号公司"]
    assert s2.gap_class == "cg:StrengthenGap"


@pytest.fixture(scope="module")
def xining_report(xining_graph):
    return find_gaps(xining_graph)


def test_lithium_chain_lacks_anode_and_electrolyte(xining_report):
    li = xining_report.chain("chain:li")
    for stage in ("li:anode", "li:electrolyte"):
        assert li.stage(stage).verdict == "missing"
        assert li.stage(stage).gap_class == "cg:FillGap"


def test_local_hydrogen_fluoride_could_feed_electrolyte(xining_report):
    electrolyte = xining_report.chain("chain:li").stage("li:electrolyte")
    assert ["ch:ahf", "li:lipf6", "li:electrolyte"] in electrolyte.local_inputs
    assert ["Anhydrous hydrogen fluoride", "Lithium hexafluorophosphate", "Electrolyte"] in (
        electrolyte.local_inputs_labels
    )


def test_pv_chain_separates_named_producers_from_claims(xining_report):
    pv = xining_report.chain("chain:pv")
    ingot = pv.stage("pv:mono-ingot")
    assert ingot.verdict == "present"
    assert {"co:csi-solar", "co:jinko", "co:gokin-qinghai"} == {p.subject for p in ingot.producers}
    assert pv.stage("pv:cell").verdict == "asserted"
    assert pv.stage("pv:module").verdict == "asserted"
    assert pv.stage("pv:wafer").gap_class == "cg:StrengthenGap"
    assert [p.subject for p in pv.stage("pv:cell").pipeline] == ["co:trina"]
    polysilicon = pv.stage("pv:polysilicon")
    assert all(p.assertion == "cg:Implied" and p.confidence < 1 for p in polysilicon.producers)


def test_default_chains_are_those_present_in_xining(xining_report):
    assert {c.chain for c in xining_report.chains} == {
        "chain:pv",
        "chain:li",
        "chain:nf",
        "chain:fa",
        "chain:of",
        "chain:cf",
        "chain:ch",
        "chain:tm",
        "chain:tc",
    }


def test_region_scope_includes_zone_and_park(xining_report):
    assert {"region:CN-630100", "region:xining-etdz", "region:nanchuan-park"} == set(
        xining_report.regions_in_scope
    )
    assert xining_report.region == XINING


@pytest.mark.parametrize("region", ["region:CN-630100", None])
def test_a_projection_without_evidence_gives_the_same_verdicts(region):
    store = open_store()
    full = to_networkx(store, region, lang="en")
    brief = to_networkx(store, region, lang="en", evidence=False)
    assert sorted(full.edges(keys=True)) == sorted(brief.edges(keys=True))
    dropped = {"quote", "evidence", "source", "char_start", "char_end"}
    assert any(dropped & set(d) for *_, d in full.edges(data=True))
    for u, v, key, data in brief.edges(keys=True, data=True):
        assert not dropped & set(data)
        kept = {k: x for k, x in full.edges[u, v, key].items() if k not in dropped}
        assert data == kept

    def verdicts(G):
        report = find_gaps(G, "region:CN-630100", criticality=False)
        return [(s.stage, s.verdict, s.gap_class, s.rule) for c in report.chains for s in c.stages]

    assert verdicts(brief) == verdicts(full)


@pytest.mark.parametrize(
    "args",
    [[], ["--lang", "en"], ["--scope", "province"], ["--chain", "锂电池", "--as-of", "2021"]],
)
def test_the_table_is_the_same_without_the_evidence_it_does_not_show(args, monkeypatch):
    """`gaps` prints its table from a projection without sentences: the same table."""
    from click.testing import CliRunner

    from chaingraph.cli import main
    from chaingraph.workspace import Workspace

    table = CliRunner().invoke(main, ["gaps", *args]).output
    full = Workspace.gaps
    monkeypatch.setattr(Workspace, "gaps", lambda *a, **k: full(*a, **{**k, "evidence": True}))
    assert CliRunner().invoke(main, ["gaps", *args]).output == table
