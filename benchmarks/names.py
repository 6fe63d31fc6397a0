"""Company name matching: precision and recall of merge/separate decisions on name pairs.

    python benchmarks/names.py [--split dev|test|all] [--by-kind]

``company_names.csv`` holds name pairs assembled from real Chinese company-name patterns:
full and short names, legal-form variants, English names, bracketed and leading places,
branches (分公司), plant companies of a group, one-character typos, and different companies
with similar names (宁夏宝丰昱能 / 昱能科技). ``same`` says whether the two names are one
company. Each pair is split into ``dev`` (used to tune the resolver) and ``test`` (scored at
the end only) by a hash of its first name, so one company's pairs stay on one side.

For each pair the resolver knows the first name as a company and resolves the second:

- **merge**: resolved to the first company (an exact rule: code, key, alias);
- **review**: a new company, with the first one among its candidates for review;
- **separate**: a new company, no candidate.

A merge of two different companies is a false merge: there must be none. Reported: merge
precision and recall, and the recall of *caught* pairs (merged or put up for review), with
the false alarms (different companies put up for review).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

from chaingraph.companies import CompanyResolver, minted_iri

DATA = Path(__file__).with_name("company_names.csv")


def outcome(a: str, b: str) -> str:
    """merge, review or separate: what the resolver does with ``b`` when ``a`` is known."""
    resolver = CompanyResolver(curated=False)  # the bundled aliases would help: left out
    known = minted_iri(a)
    resolver.add(known, [a])
    decision = resolver.resolve(b)
    if decision.iri == known and not decision.is_new:
        return "merge"
    if any(c.iri == known for c in decision.candidates):
        return "review"
    return "separate"


def score(rows: list[dict]) -> dict:
    counts = Counter((int(r["same"]), outcome(r["a"], r["b"])) for r in rows)
    same = sum(v for (s, _), v in counts.items() if s == 1)
    different = sum(v for (s, _), v in counts.items() if s == 0)
    merged_true, merged_false = counts[(1, "merge")], counts[(0, "merge")]
    caught = merged_true + counts[(1, "review")]
    return {
        "pairs": len(rows),
        "same": same,
        "different": different,
        "merge_precision": merged_true / (merged_true + merged_false)
        if merged_true + merged_false
        else None,
        "merge_recall": merged_true / same if same else 0.0,
        "caught_recall": caught / same if same else 0.0,
        "false_merges": merged_false,
        "false_alarms": counts[(0, "review")],
        "separate_correct": counts[(0, "separate")] / different if different else 0.0,
    }


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def read(split: str) -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows if split == "all" else [r for r in rows if r["split"] == split]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--by-kind", action="store_true", help="one line per kind of pair")
    args = parser.parse_args(argv)
    rows = read(args.split)
    groups = {"all": rows}
    if args.by_kind:
        by_kind = defaultdict(list)
        for r in rows:
            by_kind[r["kind"]].append(r)
        groups.update(sorted(by_kind.items()))
    print(
        "| pairs | kind | same | diff | merge P | merge R | caught R | false merges | "
        "false alarms |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, group in groups.items():
        s = score(group)
        recall, caught = (s["merge_recall"], s["caught_recall"]) if s["same"] else (None, None)
        print(
            f"| {s['pairs']} | {kind} | {s['same']} | {s['different']} | "
            f"{_figure(s['merge_precision'])} | {_figure(recall)} | {_figure(caught)} | "
            f"{s['false_merges']} | {s['false_alarms']} |"
        )
    return 1 if score(rows)["false_merges"] else 0


if __name__ == "__main__":
    sys.exit(main())
