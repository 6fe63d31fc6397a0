"""The planner's report (`chaingraph report`): Markdown golden file, HTML structure, no network,
data stays text, and the page in a real headless Chromium (drawn, printed to PDF)."""

from __future__ import annotations

import html as htmllib
import re

import pyoxigraph as ox
import pytest
from browser_pages import distinct_colours, launched, open_page, references, remote_refs
from click.testing import CliRunner

from chaingraph import find_gaps, open_store, to_networkx
from chaingraph.cli import main
from chaingraph.render.report import (
    WORDS,
    build_report,
    render_markdown,
    render_report_html,
    write_report,
)
from chaingraph.workspace import Workspace

XINING = "region:CN-630100"
PAYLOAD = "</script><script>alert(1)</script>"
PAYLOAD_TTL = """
@prefix cg: <https://w3id.org/chaingraph/ns#> .
@prefix co: <https://w3id.org/chaingraph/company/> .
@prefix pv: <https://w3id.org/chaingraph/chain/pv/> .
@prefix region: <https://w3id.org/chaingraph/region/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix src: <https://w3id.org/chaingraph/source/> .
@prefix x: <urn:test:> .

co:evil a cg:Company ;
    skos:prefLabel "</script><script>alert(1)</script>"@zh,
        "</script><script>alert(1)</script>"@en ;
    cg:locatedIn region:CN-630100 .
x:evil-prod a cg:Production ; cg:producer co:evil ; cg:stage pv:wafer ;
    cg:site region:CN-630100 ; cg:status cg:InProduction ; cg:confidence 1.0 ;
    cg:assertion cg:Stated ; cg:evidence x:evil-quote .
x:evil-quote a cg:Quote ; prov:wasQuotedFrom src:evil-source ;
    prov:value "据报道 <img src=x onerror=alert(2)> 生产硅片。"@zh .
src:evil-source skos:prefLabel "<b onmouseover=alert(3)>来源</b>"@zh .
"""


@pytest.fixture(scope="module")
def payload_store():
    store = open_store()
    store.load_data(PAYLOAD_TTL, "urn:test:payload", format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def report_en(store):
    return build_report(Workspace(store, "en"), region="西宁")


@pytest.fixture(scope="module")
def page_en(report_en):
    return render_report_html(report_en)


# --------------------------------------------------------------------------- Markdown


def test_markdown_golden(store, golden):
    report = build_report(Workspace(store, "zh"), region="西宁", views=False)
    golden("report-xining-zh.md", render_markdown(report))


def test_markdown_follows_the_gap_analysis(store, report_en):
    G = to_networkx(store, XINING, lang="en")
    gaps = find_gaps(G)
    assert [c.chain for c in report_en.chains] == [c.chain for c in gaps.chains]
    for chain in gaps.chains:
        section = report_en.chain(chain.chain)
        assert {(g["stage"], g["gap_class"]) for g in section.gaps} == {
            (s.stage, s.gap_class) for s in chain.stages if s.gap_class
        }
    text = render_markdown(report_en)
    assert "#### Electrolyte · 补链 fill" in text
    assert "Anhydrous hydrogen fluoride → Lithium hexafluorophosphate → Electrolyte" in text
    # Data gaps: unknown capacity, claim only, implied facts.
    li = report_en.chain("chain:li")
    kinds = {d["kind"] for d in li.data_gaps}
    assert {"capacity unknown", "claim only"} <= kinds
    pv = report_en.chain("chain:pv")
    assert any(d["kind"] == "implied" and "Gokin" in d["what"] for d in pv.data_gaps)


def test_markdown_keeps_names_as_text(payload_store):
    text = render_markdown(build_report(Workspace(payload_store, "zh"), views=False))
    assert PAYLOAD not in text and "<img" not in text and "<b " not in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --------------------------------------------------------------------------- HTML, no browser


def test_html_has_every_chain_gap_evidence_and_target(report_en, page_en):
    sections = re.findall(r'<section class="chain" id="section-\d+" data-chain="([^"]+)"', page_en)
    assert sections == [c.chain for c in report_en.chains] and len(sections) == 9
    assert page_en.count('<script type="application/json" class="cg-data"') == 9
    gaps = re.findall(r'<div class="gap" data-stage="([^"]+)" data-gap="([^"]+)"', page_en)
    assert gaps == [(g["stage"], g["gap_class"]) for c in report_en.chains for g in c.gaps]
    assert {cls for _, cls in gaps} == {"cg:FillGap", "cg:ExtendGap", "cg:StrengthenGap"}
    for c in report_en.chains:
        for g in c.gaps:
            for e in g["evidence"]:
                assert htmllib.escape(e["text"], quote=False) in page_en
            for t in g["targets"]:
                assert htmllib.escape(t["company_label"], quote=False) in page_en
    assert "Guangzhou Tinci Materials Technology Co., Ltd." in page_en  # a target of 电解液
    assert "“形成正极材料、隔膜、电芯、电池、铜箔、壳体相对完整的锂电产业链；”" in page_en


def test_html_references_nothing_outside(page_en):
    assert remote_refs(page_en) == []
    for tag, attribute, value in references(page_en):
        assert (tag, attribute) == ("a", "href") and value.startswith("#"), (tag, value)
    assert "default-src 'none'" in page_en and "@media print" in page_en


def test_html_language(store, page_en):
    zh = render_report_html(build_report(Workspace(store, "zh")))
    for key in ("summary", "stages", "companies", "gaps", "balance", "data_gaps", "sources"):
        assert f">{WORDS['en'][key]}</h" in page_en and f">{WORDS['zh'][key]}</h" not in page_en
        assert f">{WORDS['zh'][key]}</h" in zh and f">{WORDS['en'][key]}</h" not in zh
    assert '<html lang="zh">' in zh and '<html lang="en">' in page_en


def test_html_keeps_payloads_as_text(payload_store):
    page = render_report_html(build_report(Workspace(payload_store, "zh")))
    assert PAYLOAD not in page and "<b " not in page
    assert re.findall(r"<img[^>]*>", page) == re.findall(r'<img class="cg-snapshot"[^>]*>', page)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # vis-network, one data block per chain, the page script: nothing else is a script.
    assert page.count("<script") == 2 + 9 and page.count("</script>") == 2 + 9


def test_write_is_atomic(tmp_path, report_en):
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    write_report(report_en, target, "markdown")
    assert target.read_text(encoding="utf-8").startswith("# Xining")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


# --------------------------------------------------------------------------- command line


def test_cli_report(tmp_path, store):
    runner = CliRunner()
    out = tmp_path / "report.html"
    result = runner.invoke(main, ["report", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "9 chains, 53 gaps" in result.output and out.read_text().startswith("<!DOCTYPE html>")
    result = runner.invoke(main, ["report", "--format", "markdown", "--lang", "zh"])
    assert result.exit_code == 0
    assert result.output == render_markdown(build_report(Workspace(store, "zh"), views=False))
    md = tmp_path / "r.md"
    assert runner.invoke(main, ["report", "--lang", "en", "-o", str(md)]).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# Xining: planning report")


def test_cli_report_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--lang", "en"])
    assert result.exit_code == 2 and "-o report.html" in result.output
    result = runner.invoke(
        main, ["report", "--lang", "en", "--region", "西安", "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 2 and "unknown region" in result.output
    result = runner.invoke(
        main, ["report", "--lang", "en", "-o", str(tmp_path / "missing" / "r.html")]
    )
    assert result.exit_code == 2 and "does not exist" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_report_reads_a_store_directory(tmp_path):
    location = tmp_path / "kg"
    with open_store(location) as target:
        target.load_files([], example=True)
    result = CliRunner().invoke(
        main, ["report", "--store", str(location), "--format", "markdown", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "## Lithium-ion batteries" in result.output


# --------------------------------------------------------------------------- real browser


@pytest.mark.slow
def test_report_in_chromium(tmp_path, payload_store):
    report = build_report(Workspace(payload_store, "zh"), region="西宁")
    path = write_report(report, tmp_path / "report.html")
    with launched() as browser:
        page, errors, requests, dialogs = open_page(browser, path, hooks=True)
        try:
            assert errors == [] and requests == [] and dialogs == []
            counts = page.evaluate(
                "Array.from(document.querySelectorAll('.cg-net')).map(e =>"
                " [e.dataset.chain, cgNetworks[e.id].body.data.nodes.length,"
                "  e.getAttribute('data-drawn'), e.querySelector('canvas').width])"
            )
            assert [c[0] for c in counts] == [c.chain for c in report.chains]
            for (_, nodes, drawn, width), section in zip(counts, report.chains, strict=True):
                assert nodes == len(section.view.nodes) > 0 and drawn == "1" and width > 0
            # The payload company is a node label and a table cell, as text; nothing ran.
            node = page.evaluate("cgNetworks['cg-net-0'].body.data.nodes.get('co:evil')")
            assert node["label"] == PAYLOAD
            assert PAYLOAD in page.inner_text("section[data-chain='chain:pv'] table.companies")
            assert page.evaluate("window.__pwned") is False
            other = "document.querySelectorAll('img:not(.cg-snapshot), svg, iframe').length"
            assert page.evaluate(other) == 0
            shot = page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
            assert distinct_colours(shot) > 50
            # Print: the live canvases give way to snapshots of fixed height.
            pdf = page.pdf(format="A4", print_background=True)
            page.emulate_media(media="print")
            snapshots = page.evaluate(
                "Array.from(document.querySelectorAll('img.cg-snapshot')).map(i =>"
                " [i.naturalWidth, Math.round(i.getBoundingClientRect().height),"
                "  getComputedStyle(i).display])"
            )
            assert len(snapshots) == len(report.chains)
            assert all(w > 0 and h > 100 and d == "block" for w, h, d in snapshots)
            printed = page.screenshot(full_page=False)
            assert distinct_colours(printed) > 50
            assert page.evaluate("window.__pwned") is False and dialogs == []
        finally:
            page.close()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    images = len(re.findall(rb"/Subtype\s*/Image", pdf))
    assert pages > len(report.chains) and images >= len(report.chains)
    (tmp_path / "report.pdf").write_bytes(pdf)
