"""Interactive HTML graphs: offline pages, the drawn graph equals the projection, data never
becomes code. The browser tests open the pages in a real headless Chromium (Playwright driving
the system's chromium; no browser download)."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from browser_pages import distinct_colours, launched, open_page, references, remote_refs
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef

from chaingraph import find_gaps, open_store, to_networkx
from chaingraph.cli import main
from chaingraph.namespaces import expand
from chaingraph.projection import local_regions
from chaingraph.render.html import (
    VIS_NETWORK_VERSION,
    build_view,
    render_html,
    script_json,
    write_html,
)
from chaingraph.workspace import Workspace

XINING = "region:CN-630100"
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
]
CONSTRUCT = """CONSTRUCT { ?company cg:produces ?stage . ?stage cg:nextStage ?next }
WHERE { ?fact cg:producer ?company ; cg:stage ?stage ; cg:site region:xining-etdz .
        OPTIONAL { ?stage cg:nextStage ?next } }"""


# --------------------------------------------------------------------------- helpers


def _payload_store():
    """The bundled store plus three companies named with HTML/JS payloads, making wafers in
    Xining, their source sentences quoting the payloads too."""
    CG = Namespace(expand("cg:"))
    PROV = Namespace("http://www.w3.org/ns/prov#")
    SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
    RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    g = Graph()
    for i, payload in enumerate(PAYLOADS):
        company = URIRef(expand(f"co:evil-{i}"))
        fact = URIRef(expand(f"x:evil-prod-{i}"))
        quote = URIRef(expand(f"x:evil-quote-{i}"))
        g.add((company, RDF.type, CG.Company))
        g.add((company, SKOS.prefLabel, Literal(payload, lang="zh")))
        g.add((company, SKOS.prefLabel, Literal(payload, lang="en")))
        g.add((fact, RDF.type, CG.Production))
        g.add((fact, CG.producer, company))
        g.add((fact, CG.stage, URIRef(expand("pv:wafer"))))
        g.add((fact, CG.site, URIRef(expand(XINING))))
        g.add((fact, CG.status, CG.InProduction))
        g.add((fact, CG.evidence, quote))
        g.add((quote, RDF.type, CG.Quote))
        g.add((quote, PROV.value, Literal(f"据报道 {payload} 生产硅片。", lang="zh")))
    store = open_store()
    store.load_data(g.serialize(format="turtle"), "urn:test:payloads", format=ox.RdfFormat.TURTLE)
    return store


def _expected_chain_counts(G, chain: str) -> tuple[int, int]:
    """Nodes and edges a chain view should draw, counted straight from the projection."""
    scope = local_regions(G, G.graph["region"])
    stages = {n for n, d in G.nodes(data=True) if d.get("kind") == "stage" and d["chain"] == chain}
    nodes, edges = set(stages), 0
    for u, v, d in G.edges(data=True):
        p = d["predicate"]
        if p in ("cg:nextStage", "cg:inputTo", "cg:recycledInto") and u in stages and v in stages:
            edges += 1
        elif p == "cg:produces" and v in stages and d["site"] in scope:
            nodes.add(u)
            if d["kind"] == "project":
                nodes.add(d["fact"])
                edges += 2  # company → project, project → stage
            else:
                edges += 1
        elif p == "cg:claims" and v in stages and u in scope:
            nodes.add(u)
            edges += 1
    return len(nodes), edges


@pytest.fixture(scope="module")
def pages(tmp_path_factory, store):
    """The four kinds of view, written to disk once."""
    out = tmp_path_factory.mktemp("viz")
    query = out / "produces.rq"
    query.write_text(CONSTRUCT, encoding="utf-8")
    views = {
        "chain": build_view(Workspace(store, "zh"), region="西宁", chain="光伏"),
        "lithium": build_view(Workspace(store, "en"), region="西宁", chain="锂电"),
        "region": build_view(Workspace(store, "zh"), region="西宁"),
        "company": build_view(Workspace(store, "zh"), company="阿特斯"),
        "query": build_view(Workspace(store, "en"), query=CONSTRUCT, query_name="produces.rq"),
    }
    return {name: (view, write_html(view, out / f"{name}.html")) for name, view in views.items()}


# --------------------------------------------------------------------------- page, no browser


@pytest.mark.parametrize("name", ["chain", "region", "company", "query"])
def test_page_references_nothing_remote(pages, name):
    _, path = pages[name]
    html = path.read_text(encoding="utf-8")
    assert remote_refs(html) == []
    assert "<link" not in html.lower() and all(ref[1] != "src" for ref in references(html))
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "network = new vis.Network" in html and "@version " + VIS_NETWORK_VERSION in html


def test_remote_reference_check_catches_cdn_links():
    html = (
        '<link href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
        '<img src="data:image/png;base64,AA">'
    )
    assert [ref[2] for ref in remote_refs(html)] == [
        "https://cdn.example/x.css",
        "//cdn.example/x.js",
    ]


def test_pyvis_default_output_would_fail_the_offline_check(tmp_path):
    """The reason for the own template: pyvis's page loads from CDNs even when inlined."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node(1, label="a")
    assert remote_refs(net.generate_html())


def test_script_json_cannot_close_the_script():
    text = script_json({"label": PAYLOADS[1], "sep": "a\u2028b\u2029c", "amp": "&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"label": PAYLOADS[1], "sep": "a\u2028b\u2029c", "amp": "&"}


def test_chain_view_draws_the_projection(store, pages):
    view, _ = pages["chain"]
    G = to_networkx(store, XINING, lang="zh")
    assert (len(view.nodes), len(view.edges)) == _expected_chain_counts(G, "chain:pv")
    stages = [n for n in view.nodes if n["kind"] == "stage"]
    # Left to right in chain order: x grows with cg:position.
    by_x = sorted(stages, key=lambda n: n["x"])
    positions = [G.nodes[n["id"]]["position"] for n in by_x]
    assert positions == sorted(positions)
    assert {n["kind"] for n in view.nodes} == {"stage", "company", "project", "region"}


def test_gap_nodes_follow_find_gaps(store, pages):
    view, _ = pages["lithium"]
    report = find_gaps(to_networkx(store, XINING, lang="en"), chains=["chain:li"])
    expected = {s.stage: s.gap_class for s in report.chain("chain:li").stages if s.gap_class}
    drawn = {n["id"]: n["gap"] for n in view.nodes if n.get("gap")}
    assert drawn == expected and expected["li:anode"] == "cg:FillGap"
    anode = view.node("li:anode")
    assert anode["label"].endswith("[补链 fill]")
    assert anode["color"]["background"] == "#ffffff" and anode["shapeProperties"]["borderDashes"]


def test_edge_width_follows_capacity(pages):
    view, _ = pages["chain"]
    widths = {e["fact"]: e["width"] for e in view.edges if e.get("fact")}
    assert widths["x:proj-jinko-ingot"] > widths["x:proj-csi-ingot"] > 1.5  # 20 GW > 10 GW
    tips = {e["fact"]: dict(e["tip"]["rows"]) for e in view.edges if e.get("fact")}
    assert tips["x:proj-csi-ingot"]["产能"] == "10GW" and tips["x:proj-csi-ingot"]["年份"] == "2022"
    assert "原文" in tips["x:proj-csi-ingot"]


def test_region_and_company_views(store, pages):
    region, _ = pages["region"]
    report = find_gaps(to_networkx(store, XINING, lang="zh"))
    assert {n["id"] for n in region.nodes if n["kind"] == "chain"} == {
        c.chain for c in report.chains
    }
    assert any(e["predicate"] == "cg:inputTo" for e in region.edges)
    company, _ = pages["company"]
    assert company.node("co:csi-solar")["kind"] == "company"
    assert {"pv:mono-ingot", "pv:wafer"} <= {n["id"] for n in company.nodes}


def test_query_view_draws_the_constructed_triples(store, pages):
    view, _ = pages["query"]
    triples = store.construct(CONSTRUCT)
    assert len(view.edges) == len(triples) > 0
    assert view.title == "Query result: produces.rq"


def test_payload_names_stay_data_in_the_page():
    view = build_view(Workspace(_payload_store(), "zh"), region="西宁", chain="光伏")
    labels = {n["label"] for n in view.nodes if n["kind"] == "company"}
    assert set(PAYLOADS) <= labels
    html = render_html(view)
    for payload in PAYLOADS:
        assert payload not in html
    assert "<img" not in html and "<svg" not in html and html.count("</script>") == 3


def test_titles_and_legend_are_escaped():
    from chaingraph.render.html import View

    legend = [{"title": PAYLOADS[0], "items": [{"css": "", "style": "", "glyph": "",
                                               "text": PAYLOADS[2]}]}]  # fmt: skip
    html = render_html(View(title=PAYLOADS[1], subtitle=PAYLOADS[2], lang="zh", legend=legend))
    for payload in PAYLOADS:
        assert payload not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_write_is_atomic(tmp_path, pages):
    view, _ = pages["company"]
    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")
    write_html(view, target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_vendored_vis_network_is_licensed():
    from importlib import resources

    static = resources.files("chaingraph.render") / "static" / "vis-network"
    names = {p.name for p in static.iterdir()}
    assert {"vis-network.min.js", "LICENSE-MIT", "LICENSE-APACHE-2.0", "VERSION"} <= names
    assert (static / "VERSION").read_text().startswith(f"vis-network {VIS_NETWORK_VERSION} ")


# --------------------------------------------------------------------------- command line


def test_cli_viz_writes_the_page(tmp_path):
    out = tmp_path / "li.html"
    result = CliRunner().invoke(main, ["viz", "--chain", "锂电", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Lithium-ion batteries chain" in result.output and "gaps" in result.output
    assert "li:anode" in out.read_text(encoding="utf-8")


def test_cli_viz_query_and_errors(tmp_path):
    runner = CliRunner()
    query = tmp_path / "q.rq"
    query.write_text(CONSTRUCT, encoding="utf-8")
    out = tmp_path / "q.html"
    assert runner.invoke(main, ["viz", "--query", str(query), "-o", str(out)]).exit_code == 0
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    result = runner.invoke(main, ["viz", "--query", str(query), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "CONSTRUCT" in result.output
    result = runner.invoke(
        main, ["viz", "--lang", "en", "--company", "不存在的公司", "-o", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 2 and "unknown company" in result.output
    result = runner.invoke(
        main, ["viz", "--lang", "en", "-o", str(tmp_path / "missing" / "x.html")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "x.html").exists()


# --------------------------------------------------------------------------- real browser


@pytest.fixture(scope="module")
def browser():
    with launched() as chromium:
        yield chromium


@pytest.mark.slow
@pytest.mark.parametrize("name", ["chain", "region", "company", "query"])
def test_page_in_chromium(browser, pages, name, tmp_path):
    view, path = pages[name]
    page, errors, requests, _ = open_page(browser, path)
    try:
        assert errors == [] and requests == []
        counts = page.evaluate(
            "[network.body.data.nodes.length, network.body.data.edges.length,"
            " typeof nodes.get, typeof edges.get]"
        )
        assert counts == [len(view.nodes), len(view.edges), "function", "function"]
        if name == "chain":
            gap = page.evaluate("nodes.get('pv:wafer')")
            assert gap["gap"] == "cg:StrengthenGap" and "[强链]" in gap["label"]
            shot = page.screenshot(path=str(tmp_path / "chain.png"))
            assert distinct_colours(shot) > 50
    finally:
        page.close()


@pytest.mark.slow
@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-only"])
def test_payloads_run_nothing_in_chromium(browser, tmp_path, csp):
    view = build_view(Workspace(_payload_store(), "zh"), region="西宁", chain="光伏")
    html = render_html(view)
    if not csp:  # the escaping alone must hold, not just the Content-Security-Policy
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
        assert "Content-Security-Policy" not in html
    path = tmp_path / "payloads.html"
    path.write_text(html, encoding="utf-8")
    page, errors, requests, dialogs = open_page(browser, path, hooks=True)
    try:
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is False and dialogs == []
        assert errors == [] and requests == []
        assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
        for i, payload in enumerate(PAYLOADS):
            node = page.evaluate(f"nodes.get('co:evil-{i}')")
            assert node["label"] == payload
        # Hover the first payload company: the tooltip shows the name and sentence as text.
        x, y = page.evaluate(
            """(() => { const p = network.getPositions(['co:evil-0'])['co:evil-0'];
                 network.moveTo({position: p, scale: 1.0, animation: false});
                 const d = network.canvasToDOM(p);
                 const r = document.getElementById('mynetwork').getBoundingClientRect();
                 return [d.x + r.left, d.y + r.top]; })()"""
        )
        page.mouse.move(x - 40, y - 40)
        page.mouse.move(x, y)
        tip = page.wait_for_selector("div.vis-tooltip", state="visible", timeout=120_000)
        text = tip.text_content()
        assert text.startswith(PAYLOADS[0]) and "co:evil-0" in text
        # The production edge's tooltip is a DOM element holding the source sentence as text.
        for i, payload in enumerate(PAYLOADS):
            edge_tip = page.evaluate(
                f"(() => {{ const e = edges.get({{filter: e => e.fact === 'x:evil-prod-{i}'}})[0];"
                " return [e.title instanceof HTMLElement, e.title.textContent]; })()"
            )
            assert edge_tip[0] is True and f"据报道 {payload} 生产硅片。" in edge_tip[1]
        assert page.evaluate("window.__pwned") is False
        assert page.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
    finally:
        page.close()
