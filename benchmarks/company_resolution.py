"""Company resolution at scale: 10,000 sheet rows against a store with 50,000 companies.

    python benchmarks/company_resolution.py [--companies 50000] [--rows 10000]

The store (a directory store, in a temporary folder) holds ``--companies`` companies with
generated but realistic names (a place, a two-character brand, an industry word, a legal form;
a short name as alias for half of them). The sheet has ``--rows`` rows: a third name known
companies exactly, a third write them another way (short name, other legal form, bracketed
place), a third are new companies, some of them near misses that go up for review.

Measured in one run, so the figures are ratios on this machine:

- ``resolver``: building the resolver from the store's names, then resolving every row's name;
- ``import``: ``table_to_rdf`` of the sheet against the full store (what ``load`` does before
  writing), against the same sheet into an empty store as the baseline.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
import time
from pathlib import Path

PLACES = [
    "四川",
    "青海",
    "江苏",
    "浙江",
    "广东",
    "西宁",
    "成都",
    "宜宾",
    "常州",
    "合肥",
    "包头",
    "乐山",
]
BRAND = (
    "晶科天合隆基通威协鑫阳光华友赣锋恩捷璞泰宙邦容百当升盐湖丽豪高景亚硅中伟杉杉蜂巢"
    "星源双良上机裕能天能中天长飞亨通神鹰光威金风明阳东日爱旭钧达特变氟多林美"
)
INDUSTRY = [
    "新能源",
    "光伏科技",
    "硅材料",
    "锂电材料",
    "新材料",
    "电池",
    "能源科技",
    "化工",
    "电子材料",
    "储能科技",
]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORMS = ["有限公司", "股份有限公司", "有限责任公司"]


def company_names(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` (full name, short name) pairs, one brand each (two companies sharing a short name
    would make the short name ambiguous: an error the sheet must fix, not a benchmark row)."""
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < n:
        brand = rng.choice(BRAND) + rng.choice(BRAND) + rng.choice(BRAND)
        full = rng.choice(PLACES) + brand + rng.choice(INDUSTRY) + rng.choice(FORMS)
        if brand in seen:
            continue
        seen.add(brand)
        out.append((full, brand + rng.choice(["股份", "科技", "能源"])))
    return out


def write_store_data(names: list[tuple[str, str]], path: Path) -> None:
    lines = []
    for i, (full, short) in enumerate(names):
        node = f"<https://w3id.org/chaingraph/company/bench-{i}>"
        lines.append(f"{node} <{RDF_TYPE}> <https://w3id.org/chaingraph/ns#Company> .")
        lines.append(f'{node} <http://www.w3.org/2004/02/skos/core#prefLabel> "{full}"@zh .')
        if i % 2 == 0:
            lines.append(f'{node} <http://www.w3.org/2004/02/skos/core#altLabel> "{short}"@zh .')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sheet_rows(names: list[tuple[str, str]], rows: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    extra = company_names(len(names) + rows, seed=99)[len(names) :]
    for i in range(rows):
        full, short = rng.choice(names)
        kind = i % 3
        if kind == 0:
            out.append(full)
        elif kind == 1:
            place = next((p for p in PLACES if full.startswith(p)), "")
            rest = full[len(place) :]
            out.append(
                rng.choice([short, rest.replace("有限公司", "（" + place + "）有限公司", 1)])
            )
        else:
            out.append(extra[i][0])
    return out


def write_sheet(companies: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["企业", "环节", "地区", "产能", "单位"])
        for name in companies:
            writer.writerow([name, "硅片", "西宁", "1", "GW"])


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)

    from chaingraph import open_store
    from chaingraph.companies import CompanyResolver
    from chaingraph.companies.directory import all_names
    from chaingraph.ingest import table_to_rdf

    folder = Path(tempfile.mkdtemp(prefix="cg-companies-"))
    names = company_names(args.companies)
    write_store_data(names, folder / "companies.nt")
    sheet = folder / "sheet.csv"
    write_sheet(sheet_rows(names, args.rows), sheet)

    full = open_store(folder / "full", read_only=False)
    load_s, _ = timed(full.load_file, folder / "companies.nt")
    empty = open_store(folder / "empty", read_only=False)

    def resolve_all():
        resolver = CompanyResolver()
        for node, labels in all_names(full).items():
            resolver.add(node, sorted(labels))
        with sheet.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [resolver.resolve(r["企业"]) for r in rows]

    resolve_s, decisions = timed(resolve_all)
    baseline_s, _ = timed(table_to_rdf, empty, sheet, graph="urn:bench:sheet")
    import_s, (_, report) = timed(table_to_rdf, full, sheet, graph="urn:bench:sheet")
    rules: dict[str, int] = {}
    for d in decisions:
        rules[d.rule] = rules.get(d.rule, 0) + 1
    reviewed = sum(1 for d in decisions if d.candidates)
    print(f"store: {args.companies:,} companies loaded in {load_s:.1f} s")
    print(f"resolver: {args.rows:,} names resolved in {resolve_s:.1f} s (with building the index)")
    print(f"  decisions: {dict(sorted(rules.items()))}; {reviewed:,} with candidates for review")
    full.close()
    empty.close()
    shutil.rmtree(folder, ignore_errors=True)
    print(f"import into the empty store (baseline): {baseline_s:.1f} s")
    print(
        f"import against {args.companies:,} companies: {import_s:.1f} s "
        f"({import_s / baseline_s:.1f}x the baseline); {len(report.review):,} review lines"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
