"""Small hand-made graphs for the analysis tests: Turtle in a fresh store, then projected."""

from __future__ import annotations

import pyoxigraph

from chaingraph import open_store, to_networkx

XINING = "region:CN-630100"
QINGHAI = "region:CN-630000"

HEADER = """
@prefix cg: <https://w3id.org/chaingraph/ns#> .
@prefix cgu: <https://w3id.org/chaingraph/unit/> .
@prefix pv: <https://w3id.org/chaingraph/chain/pv/> .
@prefix li: <https://w3id.org/chaingraph/chain/li/> .
@prefix ch: <https://w3id.org/chaingraph/chain/ch/> .
@prefix nf: <https://w3id.org/chaingraph/chain/nf/> .
@prefix r: <https://w3id.org/chaingraph/region/> .
@prefix co: <https://w3id.org/chaingraph/company/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix : <urn:test:> .
"""


def production(
    name,
    company,
    stage,
    site="r:CN-630100",
    value=None,
    unit=None,
    status=None,
    year=None,
    project=False,
):
    """One production fact (or project) as Turtle."""
    lines = [
        f":{name} a cg:{'Project' if project else 'Production'} ; cg:producer co:{company} ;",
        f"  cg:stage {stage} ; cg:site {site} ; cg:status {status or 'cg:InProduction'}",
    ]
    if year is not None:
        lines.append(f'  ; cg:year "{year}"^^xsd:gYear')
    if value is not None:
        lines.append(f"  ; cg:capacity [ cg:value {value} ; cg:unit cgu:{unit} ]")
    return "\n".join(lines) + " .\n"


def store_with(*turtle: str, graph: str = "urn:test"):
    store = open_store(example=False)
    store.load_data(HEADER + "\n".join(turtle), graph, format=pyoxigraph.RdfFormat.TURTLE)
    return store


def graph_from(*turtle: str, region: str = XINING, lang: str = "en"):
    return to_networkx(store_with(*turtle), region, lang=lang)
