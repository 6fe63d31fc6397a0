"""Fuzzing every loader and ``extract`` with mutated valid inputs (bounded, for the test suite).

Every input must load (exit 0) or be refused with a one-line error and exit 2: no traceback,
and the store unchanged after a refusal (same triple count and graphs). The longer run for
before a release is ``benchmarks/fuzz.py``, which uses the same mutations (:func:`mutate`).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph.cli import main
from chaingraph.store import open_store

SEEDS: dict[str, bytes] = {
    "ttl": (
        b'@prefix ex: <http://example.org/> .\nex:s ex:p "v"@zh , 10 ; ex:q [ ex:r ( 1 2 ) ] .\n'
    ),
    "nt": b'<http://example.org/s> <http://example.org/p> "v" .\n',
    "nq": b'<http://example.org/s> <http://example.org/p> "v" <http://example.org/g> .\n',
    "trig": b"@prefix ex: <http://example.org/> .\nex:g { ex:s ex:p [ ex:q 1 ] . }\n",
    "rdf": (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/s">'
        b"<ex:p>v</ex:p></rdf:Description>\n</rdf:RDF>\n"
    ),
    "jsonld": b'{"@id": "http://example.org/s", "http://example.org/p": [{"@value": "v"}]}',
    "csv": "企业,环节,地区,产能,单位\n某某光伏公司,硅片,西宁市,10,GW\n".encode(),
    "tsv": "企业\t环节\t地区\n某某光伏公司\t硅片\t西宁市\n".encode(),
}


def mutate(data: bytes, choice: int, position: int, payload: bytes) -> bytes:
    """One mutation of ``data``: flip, cut, insert, nest deep, a huge token, or re-encode."""
    position = position % (len(data) + 1)
    kind = choice % 8
    if kind == 0:  # flip a byte
        if not data:
            return payload
        at = min(position, len(data) - 1)
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    if kind == 1:  # truncate
        return data[:position]
    if kind == 2:  # insert bytes
        return data[:position] + payload + data[position:]
    if kind == 3:  # deep nesting of brackets
        depth = 100 + len(payload) * 40
        opener = payload[:1] or b"["
        closer = {b"[": b"]", b"(": b")", b"{": b"}", b"<": b">"}.get(opener, b"]")
        return data[:position] + opener * depth + closer * depth + data[position:]
    if kind == 4:  # a huge token
        return (
            data[:position] + (payload or b"a") * (5000 // max(len(payload), 1)) + data[position:]
        )
    if kind == 5:  # odd encodings
        encoding = ("utf-16-le", "utf-16-be", "gb18030", "latin-1")[position % 4]
        return data.decode("utf-8", "replace").encode(encoding, "replace")
    if kind == 6:  # duplicate a slice
        return data[:position] + data[position:] + data[position:]
    return data.replace(b"\n", b"\r", position % 3)  # odd line ends


def _xlsx(data: bytes) -> bytes:
    """A workbook whose cells are the CSV-ish lines of ``data`` (for the XLSX loader)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in data.decode("utf-8", "replace").splitlines()[:50]:
        cells = [c[:1000] for c in line.split(",")[:20]]
        sheet.append(
            [c.translate({c: None for c in range(32) if c not in (9, 10, 13)}) for c in cells]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_one_line_or_loaded(result, sheet: bool) -> None:
    """Exit 0, or exit 2 with a one-line error (a sheet lists its problems under that line)."""
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert lines, "an error without a message"
        assert sheet or len(lines) == 1, result.output


def _state(store_dir) -> tuple[int, frozenset]:
    store = open_store(str(store_dir))
    try:
        return len(store), frozenset(store.graphs())
    finally:
        store.close()


@pytest.fixture(scope="module")
def base_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    seed = folder / "seed.ttl"
    seed.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    store = folder / "kg"
    assert CliRunner().invoke(main, ["load", "--store", str(store), str(seed)]).exit_code == 0
    return store


MUTATION = st.tuples(st.integers(0, 7), st.integers(0, 10_000), st.binary(min_size=0, max_size=12))
FUZZ = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.mark.parametrize("suffix", [*sorted(SEEDS), "xlsx"])
@FUZZ
@given(mutation=MUTATION)
def test_fuzzed_files_load_or_are_refused_cleanly_leaving_the_store_unchanged(
    tmp_path_factory, base_store, suffix, mutation
):
    seed = SEEDS["csv" if suffix == "xlsx" else suffix]
    data = mutate(seed, *mutation)
    if suffix == "xlsx":
        data = _xlsx(data)
    path = tmp_path_factory.mktemp("in") / f"fuzzed.{suffix}"
    path.write_bytes(data)
    before = _state(base_store)
    env = {"CHAINGRAPH_LANG": "en"}
    args = ["load", "--replace", "--store", str(base_store), str(path)]  # each replaces the last
    result = CliRunner().invoke(main, args, env=env)
    check_one_line_or_loaded(result, sheet=suffix in ("csv", "tsv", "xlsx"))
    if result.exit_code != 0:
        assert _state(base_store) == before


@settings(max_examples=6, deadline=None, database=None)
@given(mutation=MUTATION)
def test_fuzzed_text_extracts_or_is_refused_cleanly(tmp_path_factory, mutation):
    seed = "西宁经济技术开发区引进青海某某光伏有限公司年产10GW单晶硅片项目，已投产。\n".encode()
    path = tmp_path_factory.mktemp("text") / "fuzzed.txt"
    path.write_bytes(mutate(seed, *mutation))
    result = CliRunner().invoke(main, ["extract", "--format", "json", str(path)])
    assert result.exit_code in (0, 1, 2), (result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
