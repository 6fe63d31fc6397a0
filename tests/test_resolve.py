"""Company name resolution and unified social credit codes."""

from __future__ import annotations

import pytest

from chaingraph.resolve import (
    USCC_CHARS,
    CompanyIndex,
    mint_company_iri,
    parse_name,
    uscc_check_character,
    uscc_problem,
)


def make_code(first17: str) -> str:
    return first17 + uscc_check_character(first17)


VALID = [
    make_code("91630100MA7XB2C4H"),
    make_code("91510100MA6CJ0001"),
    make_code("12510000000012345"),
    "91350100M000100Y43",  # the example code published with GB 32100-2015 material
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert uscc_problem(code) is None


def test_check_character_is_the_weighted_sum_mod_31():
    code = "91350100M000100Y4"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code, weights, strict=True))
    assert uscc_check_character(code) == USCC_CHARS[(31 - total % 31) % 31] == "3"


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_corruption_is_caught(code):
    for position in range(18):
        for char in "0A":
            if code[position] == char:
                continue
            corrupted = code[:position] + char + code[position + 1 :]
            assert uscc_problem(corrupted) is not None, corrupted


@pytest.mark.parametrize(
    "code, words",
    [
        ("9.13E+17", "turned into a number by Excel"),
        ("913501001234", "18 characters, this one has 12"),
        ("91350100M000100YO3", "cannot appear"),
        (VALID[0][:-1] + ("0" if VALID[0][-1] != "0" else "1"), "expected " + VALID[0][-1]),
    ],
)
def test_bad_codes_say_what_is_wrong(code, words):
    assert words in uscc_problem(code).text("en")


@pytest.mark.parametrize(
    "name, core, places",
    [
        ("亚洲硅业（青海）股份有限公司", "亚洲硅业", ("青海",)),
        ("亚洲硅业(青海)股份有限公司", "亚洲硅业", ("青海",)),
        ("亚洲硅业 （ 青海 ） 股份有限公司", "亚洲硅业", ("青海",)),
        ("青海高景太阳能科技有限公司", "高景太阳能科技", ("青海",)),
        ("青海省高景太阳能科技有限公司", "高景太阳能科技", ("青海",)),
        ("弗迪电池有限公司", "弗迪电池", ()),
        ("天合光能股份有限公司", "天合光能", ()),
        ("比亚迪集团", "比亚迪", ()),
        ("ＢＹＤ Company Limited", "byd", ()),
        ("Trina Solar Co., Ltd.", "trinasolar", ()),
        ("亚洲硅业青海有限公司", "亚洲硅业", ("青海",)),
    ],
)
def test_names_fold_to_a_core_and_places(name, core, places):
    assert parse_name(name) == parse_name(name).__class__(core, places)


def test_known_cities_are_place_affixes_too():
    assert parse_name("西宁特殊钢股份有限公司", ["西宁市"]).places == ("西宁",)
    assert parse_name("西宁特殊钢股份有限公司").places == ()


def test_iris_are_stable_and_ignore_width_and_legal_form():
    a = mint_company_iri("亚洲硅业（青海）股份有限公司")
    assert a == mint_company_iri("亚洲硅业(青海)有限公司")
    assert a != mint_company_iri("亚洲硅业（江苏）有限公司")
    assert a.startswith("https://w3id.org/chaingraph/company/n-")
    assert mint_company_iri("whatever", VALID[0]).endswith("/uscc-" + VALID[0])


@pytest.fixture
def index():
    index = CompanyIndex(["西宁市"])
    index.add("co:asia-silicon", ["亚洲硅业（青海）股份有限公司", "亚洲硅业"])
    index.add("co:gokin", ["青海高景太阳能科技有限公司", "高景"], code=VALID[0])
    index.add("co:trina", ["天合光能股份有限公司", "天合"])
    return index


@pytest.mark.parametrize(
    "name, iri, how",
    [
        ("亚洲硅业", "co:asia-silicon", "label"),
        ("亚洲硅业（青海）股份有限公司", "co:asia-silicon", "label"),
        ("亚洲硅业(青海)有限责任公司", "co:asia-silicon", "name"),
        ("青海亚洲硅业有限公司", "co:asia-silicon", "name"),
        ("高景", "co:gokin", "label"),
        ("青海高景太阳能科技有限公司", "co:gokin", "label"),
        ("高景太阳能科技有限公司", "co:gokin", "name"),
        ("天合光能", "co:trina", "name"),
    ],
)
def test_names_match_known_companies(index, name, iri, how):
    match = index.match(name)
    assert (match.iri, match.how) == (iri, how)


def test_probable_matches_are_for_review_not_merged(index):
    other_place = index.match("亚洲硅业（江苏）有限公司")
    assert other_place.iri is None and other_place.how == "new"
    assert other_place.review[0][0] == "co:asia-silicon"
    typo = index.match("天和光能有限公司")
    assert typo.iri is None
    assert typo.review == [("co:trina", "one character differs: 天和光能 / 天合光能")]
    assert index.match("完全不同的公司").review == []


def test_codes_are_the_key(index):
    assert index.by_code(VALID[0]) == "co:gokin"
    assert index.by_code(VALID[1]) is None


def test_an_ambiguous_short_name_is_not_guessed(index):
    index.add("co:asia-silicon-js", ["亚洲硅业（江苏）有限公司"])
    match = index.match("亚洲硅业有限公司")
    assert match.how == "ambiguous"
    assert match.candidates == ["co:asia-silicon", "co:asia-silicon-js"]
    assert index.match("亚洲硅业（江苏）股份有限公司").iri == "co:asia-silicon-js"
