"""Company sheets in, clean graph out: encodings, XLSX quirks, errors, rejects, reloads, gaps."""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from chaingraph import find_gaps, open_store, to_networkx
from chaingraph.cli import main
from chaingraph.ingest import TableError, import_table, read_table
from chaingraph.namespaces import expand
from chaingraph.resolve import uscc_check_character
from chaingraph.store import graph_for_file

# Problems and summaries are read here in English (``Problem.message`` is in the default
# language); their Chinese words are checked by test_messages.py and the zh tests below.
pytestmark = pytest.mark.usefixtures("english")

GRAPH = "urn:test:sheet"
HEADERS = [
    "企业",
    "环节",
    "地区",
    "产能",
    "单位",
    "状态",
    "年份",
    "所属集团",
    "来源",
    "统一社会信用代码",
]
CODE = "91510100MA6CJ0001" + uscc_check_character("91510100MA6CJ0001")

# A fictitious city under 四川省 with five companies in the PV chain; the wafer stage (tier 4)
# is missing in the middle, the applications (tier 7) at the end.
ROWS = [
    [
        "嘉川硅材料有限公司",
        "工业硅",
        "四川省/嘉川市",
        "20",
        "万吨",
        "在产",
        "2023",
        "",
        "嘉川市经信局 2023",
        "",
    ],
    [
        "嘉川多晶硅股份有限公司",
        "多晶硅",
        "嘉川市高新区",
        "1.1",
        "万吨",
        "在建",
        "2024",
        "",
        "",
        CODE,
    ],
    [
        "晶棒科技（嘉川）有限公司",
        "单晶硅棒",
        "嘉川市",
        "10",
        "GW",
        "投产",
        "2023",
        "晶棒集团",
        "https://example.org/a",
        "",
    ],
    ["光电池（四川）有限公司", "电池片", "嘉川市高新区", "", "", "", "", "", "", ""],
    ["光电池（四川）有限公司", "电池", "嘉川市高新区", "5", "GW", "", "", "", "", ""],
    ["组件之光有限公司", "光伏组件", "嘉川市", "", "", "", "", "", "", ""],
]
NUMERIC = {"产能", "年份"}


def write_csv(path: Path, rows, encoding: str, delimiter: str = ",", headers=HEADERS) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([headers, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows, headers=HEADERS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        cells = []
        for header, value in zip(headers, row, strict=True):
            if header in NUMERIC and value:
                cells.append(float(value) if "." in value else int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    book.save(path)
    return path


def graph_triples(store, graph=GRAPH, skip_source=True):
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {
        (r["s"], r["p"], r["o"])
        for r in rows
        if not (skip_source and str(r["s"]).endswith("/source"))
    }


def test_the_same_sheet_in_every_encoding_gives_identical_triples(tmp_path):
    files = {
        "utf-8": write_csv(tmp_path / "u8.csv", ROWS, "utf-8"),
        "utf-8-sig": write_csv(tmp_path / "bom.csv", ROWS, "utf-8-sig"),
        "gb18030": write_csv(tmp_path / "gbk.csv", ROWS, "gb18030"),
        "utf-16": write_csv(tmp_path / "unicode.txt", ROWS, "utf-16", "\t"),
        None: write_xlsx(tmp_path / "book.xlsx", ROWS),
    }
    results = {}
    for encoding, path in files.items():
        store = open_store()
        report = import_table(store, path, graph=GRAPH)
        assert report.encoding == encoding
        assert report.rows_imported == len(ROWS)
        results[path.name] = graph_triples(store)
    first = results["u8.csv"]
    assert len(first) > 100
    for name, triples in results.items():
        assert triples == first, name


def test_rows_become_facts_with_provenance(tmp_path):
    store = open_store()
    path = write_csv(tmp_path / "嘉川.csv", ROWS, "gb18030")
    report = import_table(store, path, graph=GRAPH)
    rows = store.select(
        f"""SELECT ?fact ?company ?stage ?value ?unit ?stated ?row ?text ?file WHERE {{
          GRAPH <{GRAPH}> {{
            ?fact cg:producer ?company ; cg:stage ?stage ; cg:evidence ?q .
            ?q cg:row ?row ; prov:value ?text ; prov:wasQuotedFrom ?doc .
            ?doc dcterms:title ?file .
            OPTIONAL {{ ?fact cg:capacity [ cg:value ?value ; cg:unit ?unit ;
                                            cg:statedAs ?stated ] }}
          }} }} ORDER BY ?row"""
    )
    assert [int(r["row"]) for r in rows] == [2, 3, 4, 5, 6, 7]
    poly = rows[1]
    assert str(poly["stage"]).endswith("/pv/polysilicon")
    assert float(poly["value"]) == 11000 and str(poly["unit"]).endswith("/unit/t")
    assert str(poly["stated"]) == "1.1万吨"
    assert str(poly["company"]).endswith(f"/company/uscc-{CODE}")
    assert str(poly["text"]).startswith(
        "嘉川多晶硅股份有限公司 | 多晶硅 | 嘉川市高新区 | 1.1 | 万吨"
    )
    assert str(poly["file"]) == "嘉川.csv"
    # 电池 is ambiguous (PV cell or battery pack); the company's other row is in the PV chain
    assert str(rows[4]["stage"]).endswith("/pv/cell")
    [note] = report.notes
    assert note.row == 6 and "'电池' read as 太阳能电池 (pv:cell, 光伏)" in note.message
    # status given -> project; source column kept; parent group created with a location
    assert store.ask(
        f"""ASK {{ GRAPH <{GRAPH}> {{ ?f a cg:Project ; cg:status cg:UnderConstruction ;
              cg:year "2024"^^xsd:gYear ; cg:confidence ?c ; prov:wasDerivedFrom ?doc .
              ?doc dcterms:identifier ?sha FILTER(strstarts(?sha, "sha256:")) }} }}"""
    )
    assert store.ask(
        """ASK { ?f dcterms:source <https://example.org/a> ; cg:producer ?c .
                 ?c cg:parentOrganization ?g .
                 ?g skos:prefLabel "晶棒集团"@zh ; cg:locatedIn ?r }"""
    )
    created = {label: (kind, parent) for _, label, kind, parent in report.regions_created}
    assert created["四川省"] == ("cg:Province", "region:CN")
    province = next(i for i, label, *_ in report.regions_created if label == "四川省")
    city = next(i for i, label, *_ in report.regions_created if label == "嘉川市")
    assert created["嘉川市"] == ("cg:City", province)
    assert created["嘉川市高新区"] == ("cg:DevelopmentZone", city)
    assert len(report.companies_new) == 6  # five companies and one group
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["rows_imported"] == 6 and data["notes"][0]["row"] == 6
    assert "6 of 6 rows imported" in report.summary() and "new region: 嘉川市" in report.summary()


def test_known_companies_keep_their_iris_and_doubtful_ones_are_reviewed(tmp_path):
    store = open_store()
    rows = [
        ["亚洲硅业", "多晶硅", "西宁", "", "", "", "", "", "", ""],
        ["青海高景太阳能科技有限公司", "硅片", "南川工业园区", "", "", "", "", "", "", ""],
        ["亚洲硅业（江苏）有限公司", "多晶硅", "西宁市城北区", "", "", "", "", "", "", ""],
    ]
    report = import_table(store, write_csv(tmp_path / "q.csv", rows, "utf-8"), graph=GRAPH)
    assert report.companies_matched == [
        ("co:asia-silicon", "亚洲硅业"),
        ("co:gokin-qinghai", "青海高景太阳能科技有限公司"),
    ]
    assert [p.row for p in report.review] == [4]
    assert "co:asia-silicon" in report.review[0].message
    assert "different place" in report.review[0].message
    # 西宁市城北区 is new, under 西宁市 (its name contains the known parent's name)
    [(_, label, kind, parent)] = report.regions_created
    assert (label, kind, parent) == ("西宁市城北区", "cg:Region", "region:CN-630100")
    G = to_networkx(store, "region:CN-630100")
    assert "co:asia-silicon" in {u for u, _ in G.in_edges("pv:polysilicon")}


def test_gap_report_of_a_hand_made_region_is_right_by_construction(tmp_path):
    store = open_store(example=False)
    report = import_table(store, write_csv(tmp_path / "r.csv", ROWS, "utf-8-sig"), graph=GRAPH)
    city = next(i for i, label, *_ in report.regions_created if label == "嘉川市")
    gaps = find_gaps(to_networkx(store, city, lang="zh")).chain("chain:pv")
    producing = {
        "pv:industrial-silicon": "嘉川硅材料有限公司",
        "pv:mono-ingot": "晶棒科技（嘉川）有限公司",
        "pv:cell": "光电池（四川）有限公司",
        "pv:module": "组件之光有限公司",
    }
    for stage, company in producing.items():
        row = gaps.stage(stage)
        assert row.verdict == "present" and row.producer_labels == [company], stage
        assert row.gap_class == "cg:StrengthenGap"  # one producer each
    poly = gaps.stage("pv:polysilicon")  # under construction: in the pipeline, not present
    assert poly.verdict == "missing"
    assert [e.subject_label for e in poly.pipeline] == ["嘉川多晶硅股份有限公司"]
    assert gaps.local_tiers == (1, 6)
    assert gaps.stage("pv:wafer").gap_class == "cg:FillGap"
    assert gaps.stage("pv:polysilicon").gap_class == "cg:FillGap"
    assert gaps.stage("pv:pv-application").gap_class == "cg:ExtendGap"
    others = [c for c in find_gaps(to_networkx(store, city)).chains if c.chain != "chain:pv"]
    assert all(s.verdict == "missing" for c in others for s in c.stages)  # 建链 candidates only


def test_xlsx_merged_cells_text_codes_and_trailing_blank_rows(tmp_path):
    code = "12510000000012345"
    code += uscc_check_character(code)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["西宁企业名单"])  # a title row above the headers
    sheet.append(["企业", "环节", "地区", "来源", "统一社会信用代码"])
    sheet.append(["西宁甲公司", "多晶硅", "西宁", "00123", code])
    sheet.append([None, "单晶硅棒", None, "00124", None])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("C3:C4")
    sheet.merge_cells("E3:E4")
    for row in range(5, 12):  # formatted but empty trailing rows
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=2).value = None
    path = tmp_path / "merged.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.header_row == 2 and len(table.rows) == 2
    assert [r.get("company") for r in table.rows] == ["西宁甲公司", "西宁甲公司"]
    store = open_store()
    report = import_table(store, path, graph=GRAPH)
    assert report.rows_imported == 2 and len(report.companies_new) == 1
    sources = store.select(f"SELECT ?s WHERE {{ GRAPH <{GRAPH}> {{ ?f dcterms:source ?s }} }}")
    assert sorted(str(r["s"]) for r in sources) == ["00123", "00124"]
    assert store.ask(f'ASK {{ <{expand("co:uscc-" + code)}> cg:creditCode "{code}" }}')


def test_a_credit_code_mangled_by_excel_is_an_error_saying_how_to_fix_it(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业", "环节", "地区", "统一社会信用代码"])
    sheet.append(["西宁乙公司", "硅片", "西宁", 9.13e17])
    path = tmp_path / "codes.xlsx"
    book.save(path)
    with pytest.raises(TableError) as caught:
        import_table(open_store(), path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "统一社会信用代码")
    assert "9.13E+17" in problem.message and "Excel" in problem.message
    assert "format the column as Text" in problem.suggestion


def test_every_problem_is_listed_with_row_column_and_suggestion(tmp_path):
    rows = [
        ["甲", "硅片儿", "西宁", "", "", "", "", "", "", ""],
        ["乙", "电池", "西宁", "", "", "", "", "", "", ""],
        ["丙", "硅片", "西宁", "十", "GW", "", "", "", "", ""],
        ["丁", "硅片", "西宁", "", "", "在想", "", "", "", ""],
        ["戊", "硅片", "西宁", "", "", "", "", "", "", CODE[:-1] + "0"],
        ["", "硅片", "西宁", "", "", "", "", "", "", ""],
        ["己", "多晶硅、硅片", "西宁", "", "", "", "", "", "", ""],
    ]
    store = open_store()
    before = len(store)
    with pytest.raises(TableError) as caught:
        import_table(store, write_csv(tmp_path / "bad.csv", rows, "utf-8"))
    assert len(store) == before  # nothing imported
    problems = {p.row: p for p in caught.value.problems}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8]
    assert "one stage per row" in problems[8].suggestion
    unknown = problems[2]
    assert unknown.column == "环节" and "unknown stage '硅片儿'" in unknown.message
    assert "硅片 (pv:wafer, 光伏)" in unknown.suggestion
    ambiguous = problems[3]
    assert "ambiguous" in ambiguous.message
    assert "pv:cell" in ambiguous.message and "li:pack" in ambiguous.message
    assert "产业链" in ambiguous.suggestion
    assert "not a number" in problems[4].message
    assert "unknown status '在想'" in problems[5].message and "在建" in problems[5].suggestion
    assert f"expected {CODE[-1]}" in problems[6].message
    assert problems[7].column == "企业" and "empty" in problems[7].message
    text = str(caught.value)
    assert "bad.csv, row 2, column 环节: unknown stage" in text


def test_the_chain_column_settles_an_ambiguous_stage(tmp_path):
    headers = ["company", "stage", "region", "chain"]
    rows = [["Alpha Solar", "电池", "西宁", "光伏"], ["Beta Power", "电池", "西宁", "锂电"]]
    store = open_store()
    import_table(store, write_csv(tmp_path / "c.csv", rows, "utf-8", headers=headers), graph=GRAPH)
    found = store.select(
        f"""SELECT ?name ?stage WHERE {{ GRAPH <{GRAPH}> {{ ?f cg:producer ?c ; cg:stage ?stage .
            ?c skos:prefLabel ?name FILTER(lang(?name) = "en") }} }} ORDER BY ?name"""
    )
    assert [(str(r["name"]), str(r["stage"]).rsplit("/", 2)[-2:]) for r in found] == [
        ("Alpha Solar", ["pv", "cell"]),
        ("Beta Power", ["li", "pack"]),
    ]


def test_undecodable_bytes_name_their_line_never_mojibake(tmp_path):
    gbk = write_csv(tmp_path / "gbk.csv", ROWS[:3], "gb18030").read_bytes()
    lines = gbk.split(b"\r\n")
    lines[2] = lines[2] + b"\xff"
    (tmp_path / "broken-gbk.csv").write_bytes(b"\r\n".join(lines))
    with pytest.raises(TableError) as caught:
        import_table(open_store(), tmp_path / "broken-gbk.csv")
    [problem] = caught.value.problems
    assert problem.row == 3 and "GB18030" in problem.message and "ff" in problem.message

    utf8 = write_csv(tmp_path / "u.csv", ROWS[:4], "utf-8").read_bytes().split(b"\r\n")
    utf8[3] = utf8[3][:6] + b"\xc3(" + utf8[3][6:]
    (tmp_path / "broken-utf8.csv").write_bytes(b"\r\n".join(utf8))
    with pytest.raises(TableError) as caught:
        import_table(open_store(), tmp_path / "broken-utf8.csv")
    [problem] = caught.value.problems
    assert problem.row == 4 and "as UTF-8" in problem.message


def test_a_missing_required_column_lists_the_known_headers(tmp_path):
    path = write_csv(tmp_path / "m.csv", [r[:2] for r in ROWS], "utf-8", headers=["企业", "环节"])
    with pytest.raises(TableError) as caught:
        import_table(open_store(), path)
    [problem] = caught.value.problems
    assert "required column 地区 (region) is missing" in problem.message
    assert (
        "企业/company" in problem.suggestion
        and "统一社会信用代码/credit code?" in problem.suggestion
    )


@pytest.mark.parametrize("kind", ["gb18030", "xlsx"])
def test_skip_bad_rows_imports_the_good_ones_and_writes_a_reject_file(tmp_path, kind):
    rows = [*ROWS[:2], ["坏公司", "硅片儿", "嘉川市", "", "", "", "", "", "", ""], ROWS[5]]
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "s.xlsx", rows)
    else:
        path = write_csv(tmp_path / "s.csv", rows, kind)
    store = open_store()
    reject = tmp_path / f"rejects{path.suffix}"
    report = import_table(store, path, graph=GRAPH, skip_bad_rows=True, reject_file=reject)
    assert (report.rows_imported, report.rows_rejected) == (3, 1)
    assert report.reject_file == str(reject)
    table = read_table(reject)
    assert table.encoding == (None if kind == "xlsx" else "gb18030")
    assert table.headers[-1] == "error"
    [bad] = table.rows
    assert bad.get("company") == "坏公司" and "unknown stage '硅片儿'" in bad.raw[-1]
    labels = store.select(
        f"SELECT ?l WHERE {{ GRAPH <{GRAPH}> {{ ?c a cg:Company ; skos:prefLabel ?l }} }}"
    )
    assert "坏公司" not in {str(r["l"]) for r in labels}


def test_reloading_a_file_replaces_its_graph(tmp_path):
    store = open_store()
    path = write_csv(tmp_path / "again.csv", ROWS, "utf-8")
    import_table(store, path)
    size, first = len(store), graph_triples(store, graph_for_file(path), skip_source=False)
    report = import_table(store, path)
    assert len(store) == size
    assert graph_triples(store, graph_for_file(path), skip_source=False) == first
    assert report.regions_created  # same report on a reload: the file's own graph is ignored
    write_csv(path, ROWS[:2], "utf-8")
    import_table(store, path)
    facts = store.select(
        f"SELECT ?f WHERE {{ GRAPH <{graph_for_file(path)}> {{ ?f cg:producer ?c }} }}"
    )
    assert len(facts) == 2 and len(store) < size


def test_template_round_trip(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["template", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("company,stage,region,chain,capacity,unit")
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"template.{fmt}"
        result = runner.invoke(main, ["template", "-o", str(out), "--lang", "zh"])
        assert result.exit_code == 0, result.output
        store = open_store()
        report = import_table(store, out, graph=GRAPH)
        assert report.rows_imported == 1
        assert report.companies_matched == [("co:gokin-qinghai", "青海高景太阳能科技有限公司")]
        assert store.ask(
            f"ASK {{ GRAPH <{GRAPH}> {{ ?f cg:producer ?c ; cg:stage pv:wafer ; "
            f"cg:site region:xining-etdz ; cg:status cg:InProduction }} }}"
        )
    assert read_table(tmp_path / "template.csv").encoding == "utf-8-sig"
    result = runner.invoke(main, ["template", "--format", "xlsx"])
    assert result.exit_code == 2 and "-o FILE.xlsx" in result.output


def test_utf16_without_bom_and_semicolons(tmp_path):
    data = "企业;环节;地区\r\n甲;硅片;西宁\r\n".encode("utf-16-le")
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    table = read_table(path)
    assert table.encoding == "utf-16-le" and table.delimiter == ";"
    assert table.rows[0].cells == {"company": "甲", "stage": "硅片", "region": "西宁"}
    assert data[:2] != codecs.BOM_UTF16_LE


def test_shapes_accept_imported_sheets(tmp_path):
    from chaingraph.validate import validate_files

    shapes = Path(__file__).parent / "data" / "sheets-shapes.ttl"
    official = Path(__file__).parents[1] / "ontology" / "shapes.ttl"
    path = write_csv(tmp_path / "v.csv", ROWS, "utf-8")
    for shape_file in [shapes, *([official] if official.exists() else [])]:
        report = validate_files([path], shape_file)
        assert report.conforms, report.violations


def test_table_to_rdf_checks_and_converts_without_writing(tmp_path):
    import pyoxigraph as ox

    from chaingraph.ingest import table_to_rdf

    store = open_store()
    before = len(store)
    text, report = table_to_rdf(store, write_csv(tmp_path / "t.csv", ROWS, "utf-8"), graph=GRAPH)
    assert len(store) == before
    store.load_data(text, GRAPH, format=ox.RdfFormat.TURTLE)
    assert len(graph_triples(store, skip_source=False)) == report.triples > 100


def test_a_credit_code_on_any_row_keys_the_company_on_every_row(tmp_path):
    rows = [
        ["嘉川新材料", "硅片", "西宁", "", "", "", "", "", "", ""],
        ["嘉川新材料", "多晶硅", "西宁", "", "", "", "", "", "", CODE],
    ]
    store = open_store()
    report = import_table(store, write_csv(tmp_path / "k.csv", rows, "utf-8"), graph=GRAPH)
    assert report.companies_new == [(f"co:uscc-{CODE}", "嘉川新材料")]
    producers = store.select(
        f"SELECT DISTINCT ?c WHERE {{ GRAPH <{GRAPH}> {{ ?f cg:producer ?c }} }}"
    )
    assert [str(r["c"]) for r in producers] == [expand(f"co:uscc-{CODE}")]


def test_sheets_of_one_batch_resolve_each_others_companies(tmp_path):
    first = write_csv(
        tmp_path / "a.csv",
        [["嘉川多晶硅股份有限公司", "多晶硅", "四川省/嘉川市", "", "", "", "", "", "", CODE]],
        "utf-8",
    )
    second = write_csv(
        tmp_path / "b.csv",
        [["嘉川多晶硅股份有限公司", "多晶硅", "四川省/嘉川市", "", "", "", "", "", "", ""]],
        "utf-8",
    )

    def companies(store):
        rows = store.select("SELECT DISTINCT ?c WHERE { ?f cg:producer ?c }")
        return {str(r["c"]) for r in rows}

    one_by_one = open_store(example=False)
    for path in (first, second):
        one_by_one.load_files([path])
    batch = open_store(example=False)
    records = batch.load_files([first, second])
    assert [r.name for r in records] == ["a.csv", "b.csv"]
    assert companies(batch) == companies(one_by_one)
    assert len(companies(batch)) == 1
