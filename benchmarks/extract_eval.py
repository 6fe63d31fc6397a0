"""Precision and recall of ``chaingraph extract`` against curated facts.

Run from the repository root::

    python benchmarks/extract_eval.py

The Xining article is compared with data/regions/xining-2022.ttl; extraction runs against the
store *without* the Xining facts (ontology, chains, regions only), so that companies and places
have to be found in the text rather than recalled from the curated data. The articles in
tests/data/articles/ are compared with their hand-written *.expected.json files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chaingraph import open_store
from chaingraph.extract import extract_file
from chaingraph.extract.evaluate import format_scores, gold_from_json, gold_from_store, score
from chaingraph.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles"


def main() -> int:
    curated = open_store()  # with the Xining facts: the reference
    base = open_store(example=False)  # what extract may use
    article = data_dir() / "sources" / "xining-industry-2022.txt"
    result = extract_file(article, base)
    print(
        format_scores(
            score(result, gold_from_store(curated)), f"== {article.name} (vs xining-2022.ttl)"
        )
    )
    for text in sorted(ARTICLES.glob("*.txt")):
        expected = text.with_suffix(".expected.json")
        if not expected.exists():
            continue
        result = extract_file(text, base)
        print()
        print(format_scores(score(result, gold_from_json(expected)), f"== {text.name}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
