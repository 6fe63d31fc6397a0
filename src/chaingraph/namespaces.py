"""Namespaces of chaingraph and the compact names (CURIEs) used as node ids.

>>> curie("https://w3id.org/chaingraph/chain/pv/wafer")
'pv:wafer'
>>> expand("pv:wafer")
'https://w3id.org/chaingraph/chain/pv/wafer'
>>> curie("http://example.org/x")
'http://example.org/x'
"""

from __future__ import annotations

__all__ = ["CG", "PREFIXES", "curie", "expand", "sparql_prefixes"]

CG = "https://w3id.org/chaingraph/ns#"
_BASE = "https://w3id.org/chaingraph/"

# Longest namespaces first, so that ``pv:`` wins over ``chain:``.
PREFIXES: dict[str, str] = {
    "cg": CG,
    "cgu": _BASE + "unit/",
    "pv": _BASE + "chain/pv/",
    "li": _BASE + "chain/li/",
    "nf": _BASE + "chain/nf/",
    "fa": _BASE + "chain/fa/",
    "of": _BASE + "chain/of/",
    "cf": _BASE + "chain/cf/",
    "ch": _BASE + "chain/ch/",
    "tm": _BASE + "chain/tm/",
    "tc": _BASE + "chain/tc/",
    "chain": _BASE + "chain/",
    "region": _BASE + "region/",
    "co": _BASE + "company/",
    "ind": _BASE + "indicator/",
    "pol": _BASE + "policy/",
    "sec": _BASE + "sector/",
    "src": _BASE + "source/",
    "x": _BASE + "data/xining-2022/",
    "data": _BASE + "data/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
}

# Every namespace ends with "/" or "#", so an IRI's namespace is all up to its last "/" or "#".
_BY_NAMESPACE = {namespace: prefix for prefix, namespace in PREFIXES.items()}
assert all(namespace[-1] in "/#" for namespace in _BY_NAMESPACE)


def curie(iri: str) -> str:
    """The compact name of an IRI, or the IRI itself when no prefix fits (one dict lookup:
    projections convert hundreds of thousands of IRIs)."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _BY_NAMESPACE.get(iri[:cut])
    if prefix is None or cut == len(iri):
        return iri
    return f"{prefix}:{iri[cut:]}"


def expand(name: str) -> str:
    """The full IRI of a compact name; full IRIs pass through unchanged."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return name


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to put before a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
