"""chaingraph extract: rules, offsets, the Xining article and articles nobody tuned the rules on."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from chaingraph import open_store
from chaingraph.cli import main
from chaingraph.extract import extract_file, extract_text
from chaingraph.extract.evaluate import gold_from_json, gold_from_store, score
from chaingraph.extract.rules import parse_quantities, split_sequence, status_of
from chaingraph.extract.segment import Document
from chaingraph.extract.to_rdf import graph_iri, to_turtle
from chaingraph.resources import data_dir

ARTICLE = data_dir() / "sources" / "xining-industry-2022.txt"
ARTICLES = Path(__file__).parent / "data" / "articles"


@pytest.fixture(scope="module")
def base_store():
    """Ontology, chains and regions, without the curated Xining facts: extract must find them."""
    return open_store(example=False)


@pytest.fixture(scope="module")
def xining(base_store):
    return extract_file(ARTICLE, base_store)


def facts(result, kind):
    return [f for f in result.facts if f.kind == kind]


# -- numbers, units, status words, sequences ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "low"),
    [
        ("1.1万吨", 11000.0, "cgu:t", None),
        ("1.1 万吨", 11000.0, "cgu:t", None),  # spaces are removed by Document, not here
        ("1300万芯公里", 13_000_000.0, "cgu:core-km", None),
        ("400吨", 400.0, "cgu:t", None),
        ("10GW", 10.0, "cgu:GW", None),
        ("30GWh", 30.0, "cgu:GWh", None),
        ("500MW", 500.0, "cgu:MW", None),
        ("1386.2亿元", 1386.2, "cgu:CNY-100M", None),
        ("3000万元", 0.3, "cgu:CNY-100M", None),
        ("2万亿元", 20000.0, "cgu:CNY-100M", None),
        ("5-10GW", 10.0, "cgu:GW", 5.0),
        ("1,200吨", 1200.0, "cgu:t", None),
        ("120万千瓦", 1200.0, "cgu:MW", None),
        ("20亿千瓦时", 2000.0, "cgu:GWh", None),
        ("5万~8万吨", 80000.0, "cgu:t", 50000.0),
        ("3至5万吨", 50000.0, "cgu:t", 30000.0),
        ("26.9%", 26.9, "cgu:percent", None),
        ("5.5个百分点", 5.5, "cgu:percentage-point", None),
        ("6.0倍", 6.0, "cgu:times", None),
    ],
)
def test_quantities(text, value, unit, low):
    found = parse_quantities(text.replace(" ", ""))
    assert len(found) == 1
    q = found[0].quantity
    assert (q.value, q.unit, q.low) == (
        pytest.approx(value),
        unit,
        low if low is None else pytest.approx(low),
    )


def test_quantity_offsets():
    text = "拥有光纤预制棒400吨、1.1万吨碳纤维"
    spans = [text[m.start : m.end] for m in parse_quantities(text)]
    assert spans == ["400吨", "1.1万吨"]


def test_years_are_not_quantities():
    assert parse_quantities("2022年，全市") == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("项目建成投产", "cg:InProduction"),
        ("已经投产", "cg:InProduction"),
        ("项目开工建设", "cg:UnderConstruction"),
        ("正式开工", "cg:UnderConstruction"),
        ("签约落地", "cg:Planned"),
        ("引进", "cg:Planned"),
        ("项目正在洽谈", "cg:Planned"),
        ("一期预计2024年投产", "cg:Planned"),
        ("稳步增长", None),
    ],
)
def test_status_words(text, status):
    assert status_of(text)[0] == status


@pytest.mark.parametrize(
    "text",
    [
        "多晶硅—单晶硅—切片",
        "多晶硅–单晶硅–切片",
        "多晶硅→单晶硅→切片",
        "多晶硅－单晶硅－切片",
        "多晶硅——单晶硅——切片",
    ],
)
def test_sequence_separators(text):
    assert split_sequence(text) == ["多晶硅", "单晶硅", "切片"]


def test_sequence_becomes_a_presence_claim(base_store):
    result = extract_text("西宁市形成“工业硅→多晶硅→单晶硅棒→硅片”产业链。", base_store)
    (claim,) = facts(result, "presence")
    assert claim.stages == ("pv:industrial-silicon", "pv:polysilicon", "pv:mono-ingot", "pv:wafer")
    assert claim.region.ref == "region:CN-630100"


def test_longest_match_first(base_store):
    result = extract_text("西宁市拥有铬铁矿、电解铜箔和铬铁生产企业。", base_store)
    (claim,) = [f for f in facts(result, "presence") if "fa:chromite" in f.stages]
    assert "fa:ferrochrome" in claim.stages
    stages = {s for f in facts(result, "presence") for s in f.stages}
    assert "li:copper-foil" in stages and "nf:copper" not in stages


@pytest.mark.parametrize(
    "text",
    ["西宁市拥有1.1万吨碳纤维产能。", "西宁市拥有碳纤维1.1万吨产能。", "西宁市碳纤维产能1.1万吨。"],
)
def test_capacity_in_either_order(base_store, text):
    (cap,) = facts(extract_text(text, base_store), "capacity")
    assert (cap.stage, cap.quantity.value, cap.quantity.unit) == (
        "cf:carbon-fibre",
        11000.0,
        "cgu:t",
    )


def test_project_with_status_and_company(base_store):
    text = "2023年，青海某某新材料有限公司年产5万吨磷酸铁锂项目在西宁开工建设。"
    (project,) = facts(extract_text(text, base_store), "project")
    assert project.company.name == "青海某某新材料有限公司"
    assert project.stages == ("li:cathode",)
    assert project.status == "cg:UnderConstruction"
    assert (project.quantity.value, project.quantity.unit) == (50000.0, "cgu:t")
    assert project.year == "2023"


def test_growth_subject_is_nearest(base_store):
    text = "2022年，西宁市单晶硅增长6.0倍，规上工业增加值同比增长26.9%，高于全省11.4个百分点。"
    stats = {f.quantity.value: f for f in facts(extract_text(text, base_store), "statistic")}
    assert stats[6.0].about == "pv:mono-ingot" and stats[6.0].indicator == "ind:output-growth"
    assert (
        stats[26.9].about == "region:CN-630100"
        and stats[26.9].indicator == "ind:value-added-growth"
    )
    assert stats[11.4].family == "gap" and stats[11.4].compared_with.ref == "region:CN-630000"


def test_my_city_means_the_region_option(base_store):
    text = "2022年，我市规上工业增加值增长8.1%。"
    (stat,) = facts(extract_text(text, base_store, region="西宁"), "statistic")
    assert stat.region.ref == "region:CN-630100"


# -- offsets -------------------------------------------------------------------------------


def test_document_keeps_raw_offsets():
    raw = "规 模\n以 上 工 业 增 加 值\n同 比 增 长 26.9%。第二句。"
    doc = Document(raw)
    assert doc.norm.startswith("规模以上工业增加值同比增长26.9%")
    first = doc.sentences[0]
    assert "".join(raw[first.raw_start : first.raw_end].split()) == first.value


def test_offsets_round_trip_on_the_article(xining):
    raw = ARTICLE.read_text(encoding="utf-8")
    assert xining.facts
    for fact in xining.facts:
        s = fact.sentence
        assert "".join(raw[s.raw_start : s.raw_end].split()) == s.value


def test_sentences_are_the_curated_quotes(store):
    """Every quote of the curated facts is one of our sentences, offsets and text alike."""
    doc = Document(ARTICLE.read_text(encoding="utf-8"))
    ours = {(s.raw_start, s.raw_end, s.value) for s in doc.sentences}
    rows = store.select(
        "SELECT ?a ?b ?v WHERE { ?q a cg:Quote ; prov:wasQuotedFrom src:xining-industry-2022 ;"
        " cg:charStart ?a ; cg:charEnd ?b ; prov:value ?v }"
    )
    assert len(rows) >= 15
    for row in rows:
        assert (int(row["a"]), int(row["b"]), str(row["v"])) in ours


# -- RDF ------------------------------------------------------------------------------------


def test_turtle_is_valid_and_has_provenance(xining):
    g = Graph().parse(data=to_turtle(xining), format="turtle")
    scratch = ox.Store()
    scratch.load(to_turtle(xining), format=ox.RdfFormat.TURTLE)
    rows = list(
        scratch.query(
            """PREFIX cg: <https://w3id.org/chaingraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?f WHERE { ?f cg:confidence ?c . FILTER NOT EXISTS {
              ?f cg:evidence [ prov:value ?v ; cg:charStart ?a ; cg:charEnd ?b ;
                               prov:wasQuotedFrom ?d ] ;
                 cg:assertion ?m } }"""
        )
    )
    assert rows == []
    kinds = {str(o).rsplit("#", 1)[-1] for o in g.objects(None, None) if "ns#" in str(o)}
    assert {
        "Project",
        "RegionalCapacity",
        "PresenceClaim",
        "Observation",
        "Company",
        "Quote",
    } <= kinds


# -- measured against curated facts ---------------------------------------------------------

# Floors just below what the rules achieve (see benchmarks/extract_eval.py), so a regression fails.
XINING_FLOORS = {
    "companies": (0.95, 0.95),
    "stages": (0.95, 0.9),
    "capacities": (0.95, 0.95),
    "projects": (0.95, 0.95),
    "statistics": (0.95, 0.95),
}
# Every kind at 0.9 on the articles in tests/data/articles/, except where noted.
ARTICLE_FLOOR = (0.9, 0.9)
ARTICLE_EXCEPTIONS = {
    # 光通信产业 is read as the stage 通信网络 (an alias of of:network); the curator disagrees
    ("wuhan-optical-fibre", "stages"): (0.7, 0.9),
    # 占全国藏毯出口的比重 is read as the stage 地毯销售与出口 (藏毯出口); the expected file,
    # written before the run, did not list it
    ("haidong-medicine-carpet", "stages"): (0.8, 0.9),
    # held out (first-run figures kept): 再生铝 and 回收利用 are no stage names of ours
    ("baise-aluminium", "capacities"): (0.9, 0.75),
    ("baise-aluminium", "projects"): (0.9, 0.45),
    ("suining-lithium", "stages"): (0.9, 0.75),
}


def test_xining_precision_recall(xining, store):
    scores = score(xining, gold_from_store(store))
    for kind, (precision, recall) in XINING_FLOORS.items():
        assert scores[kind].precision >= precision, (kind, scores[kind])
        assert scores[kind].recall >= recall, (kind, scores[kind])


@pytest.mark.parametrize("name", sorted(p.stem for p in ARTICLES.glob("*.txt")))
def test_article_precision_recall(base_store, name):
    result = extract_file(ARTICLES / f"{name}.txt", base_store)
    expected = ARTICLES / f"{name}.expected.json"
    assert (
        result.region is not None
        and result.region.name == json.loads(expected.read_text("utf-8"))["region"]
    )
    scores = score(result, gold_from_json(expected))
    for kind in XINING_FLOORS:
        precision, recall = ARTICLE_EXCEPTIONS.get((name, kind), ARTICLE_FLOOR)
        assert scores[kind].precision >= precision, (name, kind, scores[kind])
        assert scores[kind].recall >= recall, (name, kind, scores[kind])


# -- the command ----------------------------------------------------------------------------


def test_cli_review_table():
    result = CliRunner().invoke(main, ["extract", "--review", str(ARTICLE)])
    assert result.exit_code == 0, result.output
    assert "project" in result.output and "晶科能源" in result.output and "10GW" in result.output


def test_cli_json_and_turtle():
    runner = CliRunner()
    out = runner.invoke(main, ["extract", "--format", "json", str(ARTICLE)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {"company", "project", "capacity", "presence", "statistic"} <= {d["kind"] for d in data}
    assert all("charStart" in d and d["confidence"] > 0 for d in data)
    ttl = runner.invoke(main, ["extract", str(ARTICLE)])
    assert ttl.exit_code == 0
    Graph().parse(data=ttl.output, format="turtle")


def test_cli_load_into_store(tmp_path, base_store):
    location = tmp_path / "store"
    result = CliRunner().invoke(
        main, ["extract", "--load", "--store", str(location), "--format", "json", str(ARTICLE)]
    )
    assert result.exit_code == 0, result.output
    graph = graph_iri(extract_file(ARTICLE, base_store))
    store = open_store(location)
    assert graph in store.graphs()
    rows = store.select(
        "SELECT ?p ?g WHERE { GRAPH ?g { ?p a cg:Project ; cg:status cg:UnderConstruction } }",
        {"g": URIRef(graph)},
    )
    assert rows


def test_cli_errors(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["extract", "--lang", "en", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    no_store = runner.invoke(main, ["extract", "--load", str(ARTICLE)])
    assert no_store.exit_code == 2 and "--store" in no_store.output
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("西宁".encode("gbk"))
    undecodable = runner.invoke(main, ["extract", str(bad)])
    assert undecodable.exit_code == 2 and "UTF-8" in undecodable.output
    region = runner.invoke(main, ["extract", "--lang", "en", "--region", "火星", str(ARTICLE)])
    assert region.exit_code == 2 and "unknown region" in region.output


# -- companies and places ------------------------------------------------------------------


def companies(result):
    return {f.company.name for f in facts(result, "company")}


def test_full_company_name_starts_after_the_park(base_store):
    text = "南川工业园区青海高景太阳能科技有限公司副总经理鞠昌健表示。"
    result = extract_text(text, base_store)
    assert companies(result) == {"青海高景太阳能科技有限公司"}
    (company,) = facts(result, "company")
    assert company.located_in.name == "南川工业园区"
    assert "高景" in company.short_names


def test_group_and_subsidiary(base_store):
    text = "宜宾市依托宁德时代旗下四川时代新能源科技有限公司，建成动力电池基地。"
    assert companies(extract_text(text, base_store)) == {"宁德时代", "四川时代新能源科技有限公司"}


def test_short_name_introduced_by_jiancheng(base_store):
    text = "包头市晶澳太阳能有限公司（以下简称“晶澳”）投资建设项目。包头市晶澳10GW组件项目投产。"
    result = extract_text(text, base_store)
    (project,) = facts(result, "project")
    assert project.company.name == "包头市晶澳太阳能有限公司"
    assert project.stages == ("pv:module",) and project.status == "cg:InProduction"


def test_company_from_a_title(base_store):
    text = "谈到发展变化，亚洲硅业党委书记、执行总裁尹东林点赞道。"
    assert companies(extract_text(text, base_store)) == {"亚洲硅业"}


def test_places_by_suffix(base_store):
    text = "宜宾市三江新区和乐山高新区、南川工业园区都在发展光伏。"
    result = extract_text(text, base_store)
    places = {f.place.name: f.place.level for f in facts(result, "place")}
    assert places == {
        "宜宾市": "city",
        "三江新区": "zone",
        "乐山高新区": "zone",
        "南川工业园区": "park",
    }
    assert result.region.name == "宜宾市"


def test_loaded_facts_feed_the_gap_analysis(tmp_path):
    """A region nobody curated: extract, load, then ask for its gaps by the name in the text."""
    location = str(tmp_path / "store")
    article = str(ARTICLES / "yibin-battery.txt")
    runner = CliRunner()
    loaded = runner.invoke(main, ["extract", "--load", "--store", location, article])
    assert loaded.exit_code == 0, loaded.output
    gaps = runner.invoke(main, ["gaps", "--store", location, "--region", "宜宾市"])
    assert gaps.exit_code == 0, gaps.output
    assert "四川时代新能源科技有限公司" in gaps.output and "补链" in gaps.output


def test_known_companies_resolve_to_the_graph(store):
    """With the curated data loaded, short names in the text resolve to the companies' ids."""
    result = extract_file(ARTICLE, store)
    refs = {f.company.ref for f in facts(result, "company")}
    assert {"co:jinko", "co:csi-solar", "co:trina", "co:gokin-qinghai", "co:lihao-qinghai"} <= refs
    assert {f.region.ref for f in facts(result, "capacity")} == {"region:xining-etdz"}


def test_company_list_before_deng_qiye(base_store):
    text = "常州市集聚了天合光能、中创新航、蜂巢能源等龙头企业。"
    assert companies(extract_text(text, base_store)) == {"天合光能", "中创新航", "蜂巢能源"}


def test_a_plan_is_no_presence(base_store):
    text = "下一步，全市将依托现有硅铁产能，向工业硅、多晶硅方向延伸。石嘴山市拥有铬铁产能。"
    result = extract_text(text, base_store, region="石嘴山市")
    stages = {s for f in facts(result, "presence") for s in f.stages}
    assert stages == {"fa:ferrosilicon", "fa:ferrochrome"}


def test_output_is_a_statistic_not_a_capacity(base_store):
    result = extract_text("西宁市碳纤维产量达到1.2万吨，碳纤维产能2.5万吨。", base_store)
    (cap,) = facts(result, "capacity")
    assert cap.quantity.value == 25000.0
    (stat,) = facts(result, "statistic")
    assert (stat.family, stat.metric, stat.quantity.value) == ("amount", "产量", 12000.0)


def test_company_written_with_its_site(base_store):
    text = "曲靖市聚集了隆基绿能科技股份有限公司。隆基曲靖20GW单晶硅棒项目全面达产。"
    (project,) = facts(extract_text(text, base_store), "project")
    assert project.company.name == "隆基绿能科技股份有限公司"
    assert project.status == "cg:InProduction"
