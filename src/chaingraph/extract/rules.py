"""The extraction rules: explicit, one function per kind of fact.

All rules work on the normalised text (:class:`.segment.Document`); every fact keeps the
sentence it comes from. The order is: find names (companies, places) -> find mentions (longest
match first over everything known) -> read facts sentence by sentence.

>>> parse_quantities("拥有光纤拉丝1300万芯公里、1.1 万吨碳纤维")[0].quantity.value
13000000.0
>>> [m.quantity.stated for m in parse_quantities("产能5-10GW，投资20亿元")]
['5-10GW', '20亿元']
>>> status_of("项目建成投产")
('cg:InProduction', '建成投产')
>>> split_sequence("多晶硅—单晶硅→切片")
['多晶硅', '单晶硅', '切片']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..vocabulary import (
    ADMIN_SUFFIXES,
    SCALES,
    TEXT_LEGAL_FORMS,
    UNIT_WORDS,
    ZONE_SUFFIXES,
    place_stem,
)
from ..vocabulary import PROVINCES as VOCABULARY_PROVINCES
from ..vocabulary import STATUS_WORDS as VOCABULARY_STATUS_WORDS
from .lexicon import PRIORITY, Lexicon
from .model import (
    MULTIPLIERS,
    CapacityFact,
    CompanyFact,
    Entity,
    Fact,
    PlaceFact,
    PresenceFact,
    ProjectFact,
    Quantity,
    StatisticFact,
)
from .segment import Document, Sentence, Token

__all__ = ["Extractor", "parse_quantities", "split_sequence", "status_of"]

CJK = "\u4e00-\u9fff"
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"  # 1,200 or 1200.5
_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}

# ---------------------------------------------------------------------------------------------
# Quantities: number [range] [万/亿] unit
# ---------------------------------------------------------------------------------------------


def _alternatives(words) -> str:
    """A regex alternation of ``words``, longest first (so 万亿 wins over 万, GWh over GW)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# the unit words of quantities (the count words 项/个 are read by the statistics rules)
_UNIT_WORDS = _alternatives(w for w, (unit, _) in UNIT_WORDS.items() if unit != "cgu:count")
_SCALE_WORDS = _alternatives(SCALES)
_QUANTITY = re.compile(
    rf"(?<![\d.])(?:(?P<low>{NUM})(?P<lowmul>{_SCALE_WORDS})?(?:-|~|～|—|－|至|到)(?=\d))?"
    rf"(?P<num>{NUM})(?P<mul>{_SCALE_WORDS})?(?P<unit>{_UNIT_WORDS})"
)
CAPACITY_UNITS = {"cgu:GW", "cgu:GWh", "cgu:MW", "cgu:t", "cgu:core-km"}


# jieba part-of-speech flags that end a company name read backwards or forwards from a
# known anchor: verbs, prepositions, conjunctions, particles, adverbs, pronouns, numerals,
# measure words, adjectives, localisers and verbal nouns.
_NOT_IN_NAMES = frozenset(
    {"v", "p", "c", "u", "d", "r", "m", "q", "uj", "ul", "a", "ad", "f", "vn"}
)


@dataclass(frozen=True)
class QuantityMatch:
    start: int
    end: int
    quantity: Quantity


def parse_quantities(text: str, offset: int = 0) -> list[QuantityMatch]:
    """Numbers with units in normalised text: ``1.1万吨`` = 11000 t, ``5-10GW`` a range."""
    found = []
    for m in _QUANTITY.finditer(text):
        unit = m["unit"]
        low = float(m["low"].replace(",", "")) if m["low"] else None
        if low is not None and m["lowmul"] and m["lowmul"] != (m["mul"] or ""):
            # 5千-1万吨: bring the low end to the multiplier of the high end
            low = low * MULTIPLIERS[m["lowmul"]] / MULTIPLIERS[m["mul"] or ""]
        number = float(m["num"].replace(",", ""))
        quantity = Quantity.of(number, m["mul"] or "", unit, m.group(0), low)
        found.append(QuantityMatch(m.start() + offset, m.end() + offset, quantity))
    return found


# ---------------------------------------------------------------------------------------------
# Status words of projects, longest first
# ---------------------------------------------------------------------------------------------

# the status words of the vocabulary, longest first
STATUS_WORDS: list[tuple[str, str]] = list(VOCABULARY_STATUS_WORDS.items())
_STATUS_RE = re.compile("|".join(re.escape(w) for w, _ in STATUS_WORDS))
_STATUS = dict(STATUS_WORDS)


_EXPECTED = re.compile(r"预计|计划|拟|将|力争|争取|有望|规划")


def status_of(text: str) -> tuple[str | None, str]:
    """The status of the first status word in ``text`` (longest match): (status, word).
    A status still expected (预计2024年投产, 将开工) means the project is planned."""
    m = _STATUS_RE.search(text)
    if not m:
        return None, ""
    if _EXPECTED.search(text[: m.start()]):
        return "cg:Planned", text[_EXPECTED.search(text[: m.start()]).start() : m.end()]
    return _STATUS[m.group(0)], m.group(0)


# ---------------------------------------------------------------------------------------------
# Sequences A—B—C
# ---------------------------------------------------------------------------------------------

_DASHES = "—–→－⟶>"
_SEQUENCE = re.compile(
    rf"[{CJK}A-Za-z0-9]{{2,12}}(?:(?:——|[{_DASHES}]|-)[{CJK}A-Za-z0-9]{{2,12}})+"
)


def split_sequence(text: str) -> list[str]:
    """The elements of a chain written ``A—B—C`` (em/en dash, arrow, full-width minus)."""
    return [part for part in re.split(rf"——|[{_DASHES}]|-", text) if part]


# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

COMPANY_SUFFIX = re.compile(f"(?:{_alternatives(TEXT_LEGAL_FORMS)})")
TITLES = re.compile(
    r"(?:董事长|副董事长|总经理|副总经理|总裁|执行总裁|副总裁|党委书记|董事|负责人|总工程师|厂长|CEO)"
)
ZONE_SUFFIX = re.compile(f"(?:{_alternatives(ZONE_SUFFIXES)})")
ADMIN_SUFFIX = ADMIN_SUFFIXES
SELF_REFS = {
    "我市": "city",
    "本市": "city",
    "全市": "city",
    "该市": "city",
    "我省": "province",
    "本省": "province",
    "全省": "province",
    "我区": "zone",
    "全区": "zone",
}
COMPARE_BEFORE = (
    "高于",
    "低于",
    "快于",
    "慢于",
    "占",
    "对",
    "较",
    "上拉",
    "拉动",
    "超过",
    "比",
    "领先",
    "带动",
)
NOT_PLACES = {
    "城市",
    "全市",
    "我市",
    "本市",
    "该市",
    "超市",
    "市场",
    "门市",
    "地区",
    "社区",
    "园区",
    "开发区",
    "新区",
    "高新区",
    "工业园区",
    "辖区",
    "景区",
    "城区",
    "市区",
    "省会",
    "全省",
}
LEAD_WORDS = (
    "随着",
    "我市",
    "本市",
    "全市",
    "引进落地",
    "引进",
    "落地",
    "签约",
    "开工",
    "推进",
    "实施",
    "新建",
    "建设",
    "投资",
    "包括",
    "其中",
    "以及",
    "和",
    "及",
    "与",
    "同时",
    "今年",
    "年产",
    "共有",
    "年",
    "建成",
    "加快",
    "推动",
    "全力",
    "重点",
    "围绕",
    "依托",
    "由",
    "在",
)
MODIFIERS = (
    "高端",
    "新型",
    "高效",
    "高性能",
    "大型",
    "先进",
    "智能",
    "绿色",
    "年产",
    "新一代",
    "一期",
    "二期",
    "三期",
    "大尺寸",
    "高纯",
    "超高纯",
)
INDUSTRY_WORDS = (
    "高科技",
    "新能源科技",
    "新能源",
    "新材料",
    "科技",
    "材料",
    "能源",
    "电力",
    "半导体",
    "太阳能",
    "光伏",
    "实业",
    "发展",
    "控股",
    "技术",
    "化工",
    "矿业",
    "工业",
    "电子",
    "光电",
    "电池",
    "股份",
    "有限",
    "制造",
    "投资",
    "产业",
    "动力",
    "储能",
)
GENERIC_NAMES = {
    "企业",
    "公司",
    "产业",
    "龙头",
    "龙头企业",
    "集团",
    "该公司",
    "本公司",
    "一批",
    "重点企业",
    "民营企业",
    "国有企业",
    "骨干企业",
    "部分",
    "多家",
    "相关",
    "市属",
}
# Province-level names, longest first, as company names begin with them (四川天齐锂业 -> 天齐锂业)
PROVINCES = tuple(sorted(VOCABULARY_PROVINCES, key=len, reverse=True))
LIST_INTRO = (
    "了",
    "集聚",
    "聚集",
    "拥有",
    "包括",
    "有",
    "引进",
    "培育",
    "汇聚",
    "吸引",
    "如",
    "是",
    "为",
)
COMPANY_KINDS = {"龙头", "重点", "骨干", "知名", "优势", "领军", "头部", "配套", "一批", "大型"}
FUTURE = re.compile(r"下一步|未来|今后|将|拟|力争|谋划|规划到|到20\d\d年")
NOT_A_NAME = re.compile(
    r"将|拟|下一步|重点|未来|今年|明年|目前|正在|积极|加快|大力|全力|努力|力争|推动|持续"
)
DIRECTION_WORDS = {
    "北方",
    "南方",
    "东方",
    "西部",
    "东部",
    "中部",
    "西北",
    "东北",
    "西南",
    "华东",
    "华北",
    "华南",
    "华中",
    "中国",
    "中华",
}
BAD_NAME_CHARS = re.compile(r"[，。；、：！？“”‘’《》\d%]")
PRESENCE_TRIGGERS = (
    "形成",
    "拥有",
    "具备",
    "诞生于",
    "生产",
    "产量",
    "增长",
    "集聚",
    "布局",
    "产能",
    "聚集",
    "建成",
    "涵盖",
    "覆盖",
    "打造",
    "构建",
    "已有",
    "主要产品",
    "制造",
)
ABSENCE_WORDS = (
    "缺少",
    "缺乏",
    "空白",
    "短板",
    "补齐",
    "引进",
    "招引",
    "计划",
    "拟",
    "签约",
    "谋划",
    "将建",
    "规划",
    "缺",
)
METRICS = (
    "规上工业增加值",
    "工业增加值",
    "增加值",
    "工业总产值",
    "产值",
    "产量",
    "营业收入",
    "主营业务收入",
    "营收",
    "利润",
    "到位资金",
    "固定资产投资",
    "投资",
    "出口额",
    "出口",
    "税收",
    "销售收入",
    "销售额",
)


# Words a project item may start with before its company: lead words, status words, 我市...
_ITEM_LEADS = sorted(
    LEAD_WORDS + tuple(w for w, _ in STATUS_WORDS) + tuple(SELF_REFS), key=len, reverse=True
)
# A clause after 项目 that gives the latest news, or the capacity of the project
_LATEST_NEWS = ("目前", "现已", "已", "现", "今年", "一期", "首期")
_CAPACITY_FOLLOWS = r"(?:新增|形成|年产|产能|设计产能|规划产能|达产后|总产能|建成后)"


def _strip_lead_words(part: str) -> str:
    """A project item without the lead words and the year before its company (引进, 2023年)."""
    stripped = part
    changed = True
    while changed:
        changed = False
        for lead in _ITEM_LEADS:
            if stripped.startswith(lead) and len(stripped) > len(lead):
                stripped = stripped[len(lead) :]
                changed = True
                break
        year = re.match(r"^\d{4}年", stripped)
        if year:
            stripped = stripped[year.end() :]
            changed = True
    return stripped


# statistics of these families are about a place, never a product or a company
REGIONAL_FAMILIES = ("count", "rate", "rank", "contribution", "gap")


@dataclass
class Mention:
    kind: str  # company | region | self | stage | chain | sector | metal
    start: int
    end: int
    text: str
    ref: str | None = None  # CURIE, or None for a new entity
    entity: Entity | None = None
    inner_stage: str | None = None  # for a chain named as a product (锂电池 -> li:pack)


@dataclass
class DocumentNames:
    """Names found in this document, on top of the lexicon."""

    companies: dict[str, tuple[str, float, str]] = field(
        default_factory=dict
    )  # name -> (full name, conf, rule)
    places: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (canonical, level)


# ---------------------------------------------------------------------------------------------
# The extractor
# ---------------------------------------------------------------------------------------------


class Extractor:
    """Run every rule over a :class:`Document`.

    ``region`` is the CURIE (or new place name) that 我市/本市 mean; ``None`` guesses it from the
    most frequent city in the text.
    """

    def __init__(self, lexicon: Lexicon, cut) -> None:
        self.lex = lexicon
        self.cut = cut

    # -- names ------------------------------------------------------------------------------

    def _tokens(self, doc: Document) -> dict[int, list[Token]]:
        return {s.index: self.cut(s.text, s.start) for s in doc.sentences}

    def find_names(self, doc: Document, tokens: dict[int, list[Token]]) -> DocumentNames:
        names = DocumentNames()
        for sentence in doc.sentences:
            toks = tokens[sentence.index]
            self._full_company_names(sentence, toks, names)
            self._context_companies(sentence, toks, names)
            self._places(sentence, toks, names)
            self._abbreviations(sentence, names)
        for sentence in doc.sentences:
            self._project_companies(sentence, tokens[sentence.index], names)
        self._merge_short_names(names)
        return names

    def _merge_short_names(self, names: DocumentNames) -> None:
        """天齐锂业 met before 四川天齐锂业股份有限公司: a name found on its own that lies inside
        exactly one full name is that company."""
        fulls = {full for full, _c, _r in names.companies.values() if COMPANY_SUFFIX.search(full)}
        for name, (full, confidence, rule) in list(names.companies.items()):
            if COMPANY_SUFFIX.search(full):
                continue
            holders = [f for f in fulls if name in f and f != name]
            if len(holders) == 1:
                names.companies[name] = (holders[0], confidence, rule)

    def _common_word(self, word: str) -> bool:
        """A word of jieba's general dictionary (盐湖, 时代): too common to stand for a company
        when it is only derived from a full name, not written as its short name."""
        freq = getattr(self.cut, "freq", None) or {}
        return freq.get(word, 0) >= 50

    def _known(self, text: str) -> list[tuple[str, str]]:
        return self.lex.names.get(text.casefold(), [])

    def _add_company(
        self, names: DocumentNames, name: str, full: str, confidence: float, rule: str
    ) -> None:
        name = name.strip()
        if (
            len(name) < 2
            or len(name) > 30
            or name in GENERIC_NAMES
            or BAD_NAME_CHARS.search(name)
            or name in SELF_REFS
        ):
            return
        known = self._known(name)
        if known and known[0][0] in ("stage", "chain", "region", "sector"):
            return
        if any(place in (name, name + "市", name + "省", name + "县") for place in names.places):
            return
        for other, (other_full, _c, _r) in list(names.companies.items()):
            if name != other and name in other and COMPANY_SUFFIX.search(other):
                if other_full.startswith(name) or name in self.short_names(other_full):
                    names.companies.setdefault(name, (other_full, confidence, rule))
                return  # 隆基 is 隆基绿能科技股份有限公司; 高景太阳能科技有限公司 is part of a name
        if any(
            other in name and other != name and COMPANY_SUFFIX.search(other)
            for other in names.companies
        ):
            return  # 四川时代新能源科技有限公司七期 is the company met before
        if name == full:
            for other, (other_full, _c, _r) in list(names.companies.items()):
                if other != name and (
                    name in self.short_names(other_full) or other_full.startswith(name)
                ):
                    full = other_full  # 弗迪 is the 弗迪电池 met before
                    break
        if name not in names.companies or names.companies[name][1] < confidence:
            names.companies[name] = (full, confidence, rule)

    def short_names(self, full: str) -> list[str]:
        """Names a company is called by, derived from its full name: without the place in
        front, the legal form and the trade words at the end (青海高景太阳能科技有限公司 ->
        高景太阳能科技, 高景太阳能, 高景)."""
        core = COMPANY_SUFFIX.sub("", full) if COMPANY_SUFFIX.search(full[-6:]) else full
        core = re.sub(r"[（(][^）)]*[）)]", "", core)
        changed = True
        while changed:
            changed = False
            for name, pairs in sorted(self.lex.names.items(), key=lambda p: -len(p[0])):
                if (
                    any(k == "region" for k, _ in pairs)
                    and core.startswith(name)
                    and len(core) > len(name) + 1
                ):
                    core = core[len(name) :]
                    changed = True
                    break
            province = next((p for p in PROVINCES if core.startswith(p)), None)
            if province and len(core) > len(province) + 1:
                core = core[len(province) :]
                changed = True
            m = re.match(rf"^[{CJK}]{{2,3}}(?:省|市)", core)
            if m and len(core) > m.end() + 1:
                core = core[m.end() :]
                changed = True
        out = [core]
        while True:
            for word in INDUSTRY_WORDS:
                if core.endswith(word) and len(core) - len(word) >= 2:
                    core = core[: -len(word)]
                    out.append(core)
                    break
            else:
                break
        return [n for n in dict.fromkeys(out) if len(n) >= 2]

    def _full_company_names(
        self, sentence: Sentence, toks: list[Token], names: DocumentNames
    ) -> None:
        text = sentence.text
        for m in COMPANY_SUFFIX.finditer(text):
            if not self._ends_a_name(text, m):
                continue
            end = m.end()
            start = self._name_start(sentence, toks, m)
            full = re.sub(r"^[（(][^）)]*[）)]", "", text[start:end])
            if not self._distinctive(full):
                start, full = self._name_start_beyond_trade_words(sentence, toks, start, end, full)
            previous = [t for t in toks if t.end == sentence.start + start]
            if previous and previous[0].flag == "ns" and not ZONE_SUFFIX.search(previous[0].word):
                start = previous[0].start - sentence.start  # names start with their province
                full = text[start:end]
            if len(full) - len(m.group(0)) < 2:
                continue
            if m.group(0) == "集团" and len(full) < 4:
                continue
            self._add_company(names, full, full, 0.95, "full name")
            for short in self.short_names(full)[1:]:
                if short not in names.companies and not self._common_word(short):
                    names.companies[short] = (full, 0.85, "short name")

    @staticmethod
    def _ends_a_name(text: str, m: re.Match) -> bool:
        """Whether the legal form ``m`` ends a company name (not 集团 in brackets, not a form
        inside a longer name)."""
        if text[m.end() : m.end() + 1] in ("）", ")"):
            return False  # 北方稀土（集团）高科技股份有限公司: 集团 in brackets is not the end
        later = COMPANY_SUFFIX.search(text, m.end())
        # 晟晏实业集团能源循环经济有限公司: the name goes on
        return not (later and re.fullmatch(rf"[{CJK}]{{1,12}}", text[m.end() : later.start()]))

    def _name_start(self, sentence: Sentence, toks: list[Token], m: re.Match) -> int:
        """Where the name ending in the legal form ``m`` starts: it runs back over name-like
        tokens, stopping at punctuation, verbs and parks (an offset into the sentence)."""
        start = m.start()
        holder = [t for t in toks if t.start < sentence.start + m.start() < t.end]
        if holder and COMPANY_SUFFIX.search(holder[0].word):
            start = holder[0].start - sentence.start  # a full name in the user dictionary
        for tok in reversed([t for t in toks if t.end <= sentence.start + m.start()]):
            rel = tok.start - sentence.start
            word = tok.word
            if re.fullmatch(r"[（(][^）)]*[）)]?|[（()）]", word) or word in "（）()":
                start = rel
                continue
            if self._stops_a_name(tok) or m.start() - rel > 24:
                break
            start = rel
        return start

    def _stops_a_name(self, tok: Token) -> bool:
        """A token no company name runs back over: punctuation, a lead word, a park, a verb."""
        word = tok.word
        if not re.fullmatch(rf"[{CJK}A-Za-z0-9]+", word):
            return True
        if (
            ZONE_SUFFIX.fullmatch(word)
            or word in LEAD_WORDS
            or word in ("旗下", "的", "是", "为", "和", "与", "及")
        ):
            return True
        if re.search(f"(?:{ZONE_SUFFIX.pattern})$", word) or word in SELF_REFS:
            return True
        # (a vn such as 循环 in 循环经济有限公司 may be part of the name)
        return (
            tok.flag in ("v", "p", "c", "u", "d", "r", "m", "q", "uj", "ul", "f")
            and not self._known(word)
            and word not in DIRECTION_WORDS
            and (self._common_word(word) or len(word) < 2)  # 富临 (a rare "verb") is a name
        )

    def _name_start_beyond_trade_words(
        self, sentence: Sentence, toks: list[Token], start: int, end: int, full: str
    ) -> tuple[int, str]:
        """青海某某新材料有限公司: the walk stopped inside the name (新材料 is no name); take up
        to two more tokens, as long as they are letters."""
        before = [t for t in toks if t.end <= sentence.start + start][-2:]
        for tok in reversed(before):
            if (
                not re.fullmatch(rf"[{CJK}A-Za-z]+", tok.word)
                or tok.word in LEAD_WORDS
                or re.search(f"(?:{ZONE_SUFFIX.pattern})$", tok.word)
            ):
                break
            start = tok.start - sentence.start
            full = sentence.text[start:end]
            if self._distinctive(full):
                break
        return start, full

    def _distinctive(self, full: str) -> bool:
        """Whether a full company name has something left once the legal form and trade words
        (科技, 新材料, ...) are taken away."""
        core = COMPANY_SUFFIX.sub("", full)
        while True:
            for word in INDUSTRY_WORDS:
                if core.endswith(word):
                    core = core[: -len(word)]
                    break
            else:
                return len(core) >= 2

    def _name_before(
        self, toks: list[Token], position: int, max_tokens: int = 4
    ) -> tuple[str, int] | None:
        """The name-like tokens that end at ``position`` (a normalised offset)."""
        picked: list[Token] = []
        for tok in reversed([t for t in toks if t.end <= position]):
            if not re.fullmatch(rf"[{CJK}A-Za-z0-9]+", tok.word) or tok.word in LEAD_WORDS:
                break
            if tok.flag in _NOT_IN_NAMES:
                break
            if ZONE_SUFFIX.fullmatch(tok.word) or re.search(
                f"(?:{ZONE_SUFFIX.pattern})$", tok.word
            ):
                break
            known = self._known(tok.word)
            if known and known[0][0] == "company":
                picked = picked or [tok]
                break
            if known and known[0][0] == "region" and picked:
                rest = "".join(t.word for t in picked)
                if self._common_word(rest):
                    picked.insert(0, tok)  # 宁德时代: a place and a common word make a name
                break
            picked.insert(0, tok)
            if len(picked) >= max_tokens:
                break
        if not picked or picked[-1].end != position:
            return None
        return "".join(t.word for t in picked), picked[0].start

    def _name_after(self, toks: list[Token], position: int, max_tokens: int = 3) -> str | None:
        picked: list[Token] = []
        for tok in [t for t in toks if t.start >= position]:
            if not picked and (tok.word in LEAD_WORDS or tok.word in _STATUS):
                position = tok.end
                continue
            if not re.fullmatch(rf"[{CJK}A-Za-z0-9]+", tok.word) or tok.word in MODIFIERS:
                break
            if tok.flag in _NOT_IN_NAMES or tok.flag == "b":
                break
            if tok.word in ("旗下", "等", "的", "建设", "项目"):
                break
            picked.append(tok)
            if len(picked) >= max_tokens:
                break
        if not picked or picked[0].start != position:
            return None
        return "".join(t.word for t in picked)

    def _context_companies(
        self, sentence: Sentence, toks: list[Token], names: DocumentNames
    ) -> None:
        text, base = sentence.text, sentence.start
        # A、B、C等(龙头)企业: the listed names are companies
        pattern = (
            r"((?:[^，。；、“”‘’]{2,12}、)+[^，。；、“”‘’]{2,12})等([^，。；]{0,4}?)(?:企业|公司)"
        )
        for m in re.finditer(pattern, text):
            between = m.group(2)
            if between and between not in COMPANY_KINDS and not self._known(between):
                continue  # 等机制畅通政府企业: not a list of companies
            items = m.group(1).split("、")
            # the first item runs from the verb that introduces the list (集聚了, 拥有, 包括)
            cut = max((items[0].rfind(w) + len(w) for w in LIST_INTRO if w in items[0]), default=0)
            items[0] = items[0][cut:]
            for item in items:
                name = item if re.fullmatch(rf"[{CJK}A-Za-z]{{2,10}}", item) else ""
                if (
                    name
                    and not self._known(name)
                    and not NOT_A_NAME.search(name)
                    and not any(p in name for p in names.places)
                    and not re.search(r"(?:产业|行业|企业|环节)$", name)
                ):
                    self._add_company(names, name, name, 0.7, "等企业")
        # X旗下 / 依托X旗下: X is a company (a group)
        for m in re.finditer(r"旗下", text):
            found = self._name_before(toks, base + m.start())
            if found:
                self._add_company(names, found[0], found[0], 0.8, "旗下")
        # 依托X / 龙头企业X: the name right after, when it looks like a proper name
        for m in re.finditer(r"(?:依托|龙头企业|龙头|企业|引进|招引|携手|联合)", text):
            after = self._name_after(toks, base + m.end())
            proper = after and any(
                t.flag in ("nr", "nz", "nt", "nrt", "j", "eng", "x")
                for t in toks
                if base + m.end() <= t.start < base + m.end() + len(after)
            )
            generic = after and re.search(r"(?:优势|资源|产业|基础|平台|项目|园区|政策)$", after)
            if proper and (self._known(after) or not generic):
                self._add_company(names, after, after, 0.6, m.group(0))
        # X + title + person: X is an organisation
        for m in TITLES.finditer(text):
            found = self._name_before(toks, base + m.start(), max_tokens=5)
            if found and not re.search(
                r"(?:市委|政府|委员会|管委会|局|厅|部|协会|办公室|书记)$", found[0]
            ):
                self._add_company(names, found[0], found[0], 0.75, "title")
        # 是X的…企业: X is the parent company
        for m in re.finditer(
            r"是([^，。；的“”]{2,10})的[^，。；]{0,10}?(?:企业|子公司|公司|工厂|生产基地)", text
        ):
            name = m.group(1)
            if (
                not self._known(name)
                and not any(p in name for p in names.places)
                and not re.search(
                    r"全国|全省|全球|国内|我国|重要|主要|最大|领先|知名|龙头|唯一|之一", name
                )
            ):
                self._add_company(names, name, name, 0.6, "是…的企业")
        # X扎根/落户 + place
        for m in re.finditer(r"(?:扎根|落户|入驻)", text):
            found = self._name_before(toks, base + m.start())
            if found:
                self._add_company(names, found[0], found[0], 0.6, m.group(0))

    def _abbreviations(self, sentence: Sentence, names: DocumentNames) -> None:
        """FULL（以下简称“X”）: X is another name of the company or place written last
        before it (青海国家高新技术产业开发区，以下简称“开发区”)."""
        for m in re.finditer(
            r"(?:以下简称|下称|简称)[“\"‘]?([^”\"’）)]{2,12})[”\"’]", sentence.text
        ):
            short = m.group(1)
            before = sentence.text[: m.start()]
            candidates = [("company", n) for n in names.companies if COMPANY_SUFFIX.search(n)]
            candidates += [("place", n) for n in names.places]
            candidates += [
                ("region", n)
                for n, pairs in self.lex.names.items()
                if any(k == "region" for k, _ in pairs)
            ]
            found = [
                (before.rfind(n) + len(n), len(n), kind, n)
                for kind, n in candidates
                if n and before.rfind(n) >= 0
            ]
            if not found:
                continue
            _, _, kind, name = max(found)
            if kind == "company":
                names.companies.setdefault(short, (names.companies[name][0], 0.9, "简称"))
            elif kind == "place":
                names.places.setdefault(short, names.places[name])
            elif short not in self.lex.names:
                ref = next(r for k, r in self.lex.names[name] if k == "region")
                self.lex.add_name(short, "region", ref)

    def _places(self, sentence: Sentence, toks: list[Token], names: DocumentNames) -> None:
        text, base = sentence.text, sentence.start
        previous: tuple[int, str] | None = None
        for m in ZONE_SUFFIX.finditer(text):
            # a zone or park: the suffix and up to three name-like tokens before it
            start = m.start()
            count = 0
            for tok in reversed([t for t in toks if t.end <= base + m.start()]):
                if (
                    count >= 3
                    or tok.word in LEAD_WORDS
                    or tok.word in SELF_REFS
                    or tok.word in NOT_PLACES
                ):
                    break
                if tok.flag not in (
                    "ns",
                    "n",
                    "nz",
                    "nr",
                    "j",
                    "nt",
                    "eng",
                    "nrt",
                ) or not re.fullmatch(rf"[{CJK}A-Za-z]+", tok.word):
                    break
                start = tok.start - base
                count += 1
                if tok.flag == "ns":
                    break
            name = text[start : m.end()]
            if count == 0 or len(name) < 3 or name in NOT_PLACES:
                continue
            level = ZONE_SUFFIXES[m.group(0)]
            canonical = name
            if previous and text[previous[0] : start] in ("（", "("):
                canonical = names.places.get(previous[1], (previous[1], level))[0]
            known = [r for k, r in self._known(canonical) if k == "region"]
            if not known:
                names.places.setdefault(name, (canonical, level))
            previous = (m.end(), name)
        for i, tok in enumerate(toks):
            word = tok.word
            if word in NOT_PLACES or self._known(word):
                continue
            # province / city / county: a place-name token ending in the suffix, or followed by it
            if tok.flag == "ns" and len(word) >= 2 and not ZONE_SUFFIX.search(word):
                for suffix, level in ADMIN_SUFFIX.items():
                    if word.endswith(suffix) and len(word) > len(suffix):
                        names.places.setdefault(word, (word, level))
                        break
                else:
                    nxt = toks[i + 1].word if i + 1 < len(toks) else ""
                    if nxt in ADMIN_SUFFIX:
                        names.places.setdefault(word + nxt, (word + nxt, ADMIN_SUFFIX[nxt]))

    def _project_companies(
        self, sentence: Sentence, toks: list[Token], names: DocumentNames
    ) -> None:
        for item in self._project_items(sentence):
            prefix = item["prefix"]
            if not prefix or not (item["product"] or item["quantity"]):
                continue  # 全力以赴抓项目, 青洽会签约项目: no product, no company
            if NOT_A_NAME.search(prefix):
                continue  # 下一步将重点招引…项目: a plan, not a company
            prefix = re.sub(r"(?:生产基地|基地|工厂|分厂|分公司)$", "", prefix)
            prefix = self._without_place_suffix(prefix, names)  # 隆基曲靖 -> 隆基
            inside = [t for t in toks if t.end <= item["start"] + len(prefix) + 8]
            last = next(
                (t for t in reversed(inside) if prefix.endswith(t.word) and t.flag == "ns"), None
            )
            if last and len(prefix) - len(last.word) >= 2:
                prefix = prefix[: -len(last.word)]  # 蜂巢能源溧阳 -> 蜂巢能源
            known = self._known(prefix)
            if known and known[0][0] != "company":
                continue
            self._add_company(names, prefix, prefix, 0.7, "project")

    def _without_place_suffix(self, name: str, names: DocumentNames) -> str:
        """隆基曲靖, 宁德时代宜春: a company's local operation is written with the place after
        the company's name; the company is the part before it."""
        places = set(names.places)
        places |= {place_stem(p) for p in names.places}
        places |= {n for n, pairs in self.lex.names.items() if pairs[0][0] == "region"}
        for place in sorted(places, key=len, reverse=True):
            if len(place) >= 2 and name.endswith(place) and len(name) - len(place) >= 2:
                return name[: -len(place)]
        return name

    # -- project items ----------------------------------------------------------------------

    def _project_items(self, sentence: Sentence) -> list[dict]:
        """Items of ``A、B、C等项目 + status``: each with company prefix, quantity, product text."""
        text = sentence.text
        items = []
        for m in re.finditer(r"项目", text):
            clause_start = max(text.rfind(c, 0, m.start()) for c in "，。；：,;:") + 1
            segment = text[clause_start : m.start()]
            segment = re.sub(
                r"等(?:\d+|[一二两三四五六七八九十几多]+)?[项个批]?[^、]*$", "", segment
            )
            segment = re.sub(r"(?:的|建设|重点)$", "", segment)
            after = text[m.end() :]
            clause_end = min(
                [after.find(c) for c in "，。；" if after.find(c) >= 0] or [len(after)]
            )
            rest = after[clause_end + 1 :]
            next_clause = (
                re.split(r"[，。；]", rest)[0] if after[clause_end : clause_end + 1] == "，" else ""
            )
            status, word = self._project_status(
                after[:clause_end], next_clause, text[clause_start : m.start()]
            )
            # 项目建成投产，新增动力电池产能30GWh: the capacity may follow in the next clause
            follow = next_clause if re.match(_CAPACITY_FOLLOWS, next_clause) else ""
            follow_at = sentence.start + m.end() + clause_end + 1
            parts = segment.split("、")
            offset = clause_start
            for part in parts:
                item = self._project_item(part, follow if len(parts) == 1 else "", follow_at)
                item["start"] += sentence.start + offset
                item["end"] = sentence.start + offset + len(part)
                item.update(status=status, status_word=word, project_at=sentence.start + m.start())
                items.append(item)
                offset += len(part) + 1
        return items

    @staticmethod
    def _project_status(clause: str, next_clause: str, before: str) -> tuple[str | None, str]:
        """The status of a project: in its clause, else in the next clause when that is the
        latest news (引进X项目，目前一期已开工建设), else before the word 项目."""
        status, word = status_of(clause)
        if not status and next_clause.startswith(_LATEST_NEWS):
            status, word = status_of(next_clause)
        if not status:
            status, word = status_of(before)
        return status, word

    def _project_item(self, part: str, follow: str, follow_at: int) -> dict:
        """One item: company prefix, quantity and product; ``start`` is relative to the part
        (after its lead words), ``extra`` the span of a capacity read from ``follow``."""
        stripped = _strip_lead_words(part)
        quantities = [q for q in parse_quantities(stripped) if q.quantity.unit in CAPACITY_UNITS]
        extra = None
        if quantities:
            q = quantities[0]
            prefix, product = stripped[: q.start], stripped[q.end :]
        else:
            q = None
            prefix, product = self._split_product(stripped)
            fq = [x for x in parse_quantities(follow) if x.quantity.unit in CAPACITY_UNITS]
            if fq:
                q = fq[0]
                extra = (follow_at, follow_at + len(follow))
                prefix = prefix if product else stripped
                product = product or re.sub(
                    r"^(?:新增|形成|年产|设计产能|达产后)|产能.*$|规模.*$",
                    "",
                    follow[: fq[0].start],
                )
        prefix = self._project_company(prefix)
        return {
            "start": len(part) - len(stripped),
            "prefix": prefix if len(prefix) >= 2 else "",
            "quantity": q.quantity if q else None,
            "extra": extra,
            "product": product,
        }

    def _project_company(self, prefix: str) -> str:
        """The company named before a project's product: the last name, the first partner,
        without the place, phase or verb around it."""
        for mod in MODIFIERS:
            if prefix.endswith(mod):
                prefix = prefix[: -len(mod)]
        # 协鑫科技旗下乐山协鑫…, 乐山高新区引进京运通: the company is the last name
        # 比亚迪与盐湖股份合资建设的: the first partner leads
        prefix = re.sub(r"(?:合资|共同|联合)?(?:建设|投资|投建|打造|实施|新建)?的$", "", prefix)
        splitter = r"旗下|引进|招引|签约|落户|携手|联合|控股的|的"
        parts = [p for p in re.split(splitter, prefix) if p]
        prefix = parts[-1] if parts else ""
        partners = re.split(r"与|和|及|、", prefix)
        if len(partners) > 1 and all(len(p) >= 2 for p in partners):
            prefix = partners[0]
        prefix = re.sub(r"(?:在|于)[^在于]{1,6}$", "", prefix)  # 阿特斯在包头签约
        prefix = re.sub(r"(?:将|拟|计划|正在|已经|已|正|还|也|再|将要)+$", "", prefix)
        prefix = re.sub(
            r"(?:(?:[一二三四五六七八九十\d]+|首)期(?:工程)?|扩建|技改|改扩建|新建)+$",
            "",
            prefix,
        )
        prefix = re.sub(rf"^.*?(?:{ZONE_SUFFIX.pattern})", "", prefix)
        for name, pairs in sorted(self.lex.names.items(), key=lambda p: -len(p[0])):
            if (
                pairs[0][0] == "region"
                and prefix.startswith(name)
                and not COMPANY_SUFFIX.search(prefix)
            ):
                return prefix[len(name) :]
        return prefix

    def _split_product(self, text: str) -> tuple[str, str]:
        """``天合光能光伏全产业链`` -> (``天合光能``, ``光伏全产业链``): the product starts at the
        first stage or chain name (after any modifier words before it)."""
        best = None
        for i in range(1, len(text)):
            for j in range(len(text), i, -1):
                pairs = self._known(text[i:j])
                if pairs and pairs[0][0] in ("stage", "chain"):
                    best = i
                    break
            if best is not None:
                break
        if best is None:
            return text, ""
        start = best
        for mod in MODIFIERS:
            if text[:start].endswith(mod):
                start -= len(mod)
        return text[:start], text[start:]

    # -- mentions ---------------------------------------------------------------------------

    def mentions(self, doc: Document, names: DocumentNames) -> list[Mention]:
        """Every name in the text, longest match first; a longer name hides the ones inside it
        (铬铁矿 hides 铬铁, 电解铜箔 hides 电解铜), ties go to company > region > stage > chain."""
        table = {name: list(pairs) for name, pairs in self.lex.names.items()}
        company_entities = self._company_entities(names, table)
        place_entities = self._place_entities(names, table)
        for word in SELF_REFS:
            table.setdefault(word, []).insert(0, ("self", None))
        text = doc.norm
        taken = [False] * len(text)
        chosen = []
        for start, end, kind, ref, name in self._candidates(text, table):
            if any(taken[start:end]):
                continue
            for k in range(start, end):
                taken[k] = True
            mention = Mention(kind, start, end, text[start:end], ref)
            if kind == "company":
                self._company_mention(mention, name, company_entities)
            elif kind == "region":
                self._region_mention(mention, place_entities)
            elif kind == "chain":
                mention.inner_stage = self._inner_stage(ref, name)
            chosen.append(mention)
        chosen.extend(self._metal_lists(text, taken))
        chosen.extend(self._sequence_elements(text, chosen))
        chosen.sort(key=lambda m: m.start)
        return chosen

    def _company_entities(self, names: DocumentNames, table: dict) -> dict[str, Entity]:
        """The companies found in this text, by the name written, first in ``table``."""
        entities: dict[str, Entity] = {}
        for name, (full, _conf, _rule) in names.companies.items():
            known = [r for k, r in self._known(full) if k == "company"] or [
                r for k, r in self._known(name) if k == "company"
            ]
            entity = Entity("company", full, known[0] if known else None)
            entities[name] = entity
            table.setdefault(name.casefold(), []).insert(0, ("company", entity.ref))
        return entities

    def _place_entities(self, names: DocumentNames, table: dict) -> dict[str, Entity]:
        """The new places found in this text (and their stems: 宜宾 for 宜宾市), first in
        ``table``."""
        entities: dict[str, Entity] = {}
        for name, (canonical, level) in names.places.items():
            entities[name] = Entity(
                "region", canonical, None, names.places.get(canonical, (canonical, level))[1]
            )
            table.setdefault(name.casefold(), []).insert(0, ("region", None))
            stem = place_stem(name)
            if (
                stem != name
                and len(stem) >= 2
                and not self._known(stem)
                and stem not in names.companies
            ):
                entities[stem] = entities[name]
                table.setdefault(stem.casefold(), []).insert(0, ("region", None))
        return entities

    @staticmethod
    def _candidates(text: str, table: dict) -> list[tuple[int, int, str, str | None, str]]:
        """Every occurrence of every name: (start, end, kind, ref, name), longest first, then
        by kind priority, then by position."""
        folded = text.casefold()
        by_first: dict[str, list[str]] = {}
        for name in table:
            if name:
                by_first.setdefault(name[0], []).append(name)
        candidates = []
        for i, char in enumerate(folded):
            for name in by_first.get(char, ()):
                if folded.startswith(name, i):
                    kind, ref = table[name][0]
                    candidates.append((i, i + len(name), kind, ref, name))
        rank = {k: n for n, k in enumerate(("self", *PRIORITY))}
        candidates.sort(key=lambda c: (-(c[1] - c[0]), rank.get(c[2], 9), c[0]))
        return candidates

    def _company_mention(self, mention: Mention, name: str, entities: dict[str, Entity]) -> None:
        entity = entities.get(mention.text) or entities.get(name)
        if entity is None:
            full = self.lex.label(mention.ref) if mention.ref else mention.text
            entity = Entity("company", full, mention.ref)
        mention.entity = entity
        mention.ref = entity.ref

    def _region_mention(self, mention: Mention, entities: dict[str, Entity]) -> None:
        ref = mention.ref
        mention.entity = entities.get(mention.text) or Entity(
            "region",
            self.lex.label(ref) if ref else mention.text,
            ref,
            self.lex.region_level.get(ref or ""),
        )

    def _inner_stage(self, chain: str, name: str) -> str | None:
        """The longest stage name of ``chain`` inside a chain's name (锂电池 -> li:pack)."""
        inside = self.lex.stage_labels_of_chain(chain)
        for length in range(len(name), 1, -1):
            hit = next(
                (
                    inside[name[s : s + length]]
                    for s in range(len(name) - length + 1)
                    if name[s : s + length] in inside
                ),
                None,
            )
            if hit:
                return hit
        return None

    def _sequence_elements(self, text: str, chosen: list[Mention]) -> list[Mention]:
        """In ``丙烯腈→原丝→碳纤维→复合材料`` an element that is no name of ours is read as the
        end of a longer stage name of the same chain (复合材料 -> 碳纤维复合材料)."""
        out = []
        starts = {m.start: m for m in chosen}
        for seq in _SEQUENCE.finditer(text):
            position = seq.start()
            elements = []
            for part in split_sequence(seq.group(0)):
                at = text.index(part, position)
                elements.append((at, at + len(part), part))
                position = at + len(part)
            chains = {
                self.lex.stage_chain.get(m.ref)
                for at, end, _ in elements
                if (m := starts.get(at)) is not None and m.kind == "stage" and m.end == end
            }
            for at, end, part in elements:
                if any(m.start < end and at < m.end for m in chosen) or len(part) < 2:
                    continue
                fits = [
                    (name, node)
                    for name, pairs in self.lex.names.items()
                    if name.endswith(part.casefold()) and name != part.casefold()
                    for kind, node in pairs
                    if kind == "stage" and self.lex.stage_chain.get(node) in chains
                ]
                if fits:
                    _, node = min(fits, key=lambda f: (len(f[0]), f[1]))
                    out.append(Mention("stage", at, end, part, node))
        return out

    def _metal_lists(self, text: str, taken: list[bool]) -> list[Mention]:
        """``铝铜锌镁钛有色金属…生产和加工``: one-character metals, each a stage, and its
        processing stage when the sentence says 加工."""
        out = []
        singles = "".join(self.lex.single) + "钛铅镍钴锡钨钼"
        for m in re.finditer(rf"([{re.escape(singles)}]{{2,}})(?:等)?(?:有色金属|金属)", text):
            window = text[m.end() : m.end() + 30]
            processing = "加工" in window.split("。")[0]
            for k, char in enumerate(m.group(1)):
                at = m.start() + k
                if taken[at]:
                    continue
                stages = []
                if char in self.lex.single:
                    stages.append(self.lex.single[char])
                if processing:
                    stages += [s for s in self.lex.stages_of_kind(char + "加工") if s not in stages]
                for stage in stages:
                    out.append(Mention("stage", at, at + 1, char, stage))
        return out

    # -- the document -----------------------------------------------------------------------

    def run(self, doc: Document, region: str | None = None) -> list[Fact]:
        tokens = self._tokens(doc)
        names = self.find_names(doc, tokens)
        if region is None:
            self._bare_city(tokens, names, doc)
        mentions = self.mentions(doc, names)
        home = self._home_region(mentions, region)
        self.home = home
        facts: list[Fact] = []
        year = self._document_year(doc.norm)
        carried: Entity | None = None
        seen_companies: set[str] = set()
        seen_places: set[str] = set()
        for sentence in doc.sentences:
            if doc._paragraph_break_before(sentence.start):
                carried = None
            ms = [m for m in mentions if sentence.start <= m.start < sentence.end]
            ctx = _Context(self, doc, sentence, ms, home, carried, year, names)
            facts += ctx.companies(seen_companies)
            facts += ctx.places(seen_places)
            projects, used = ctx.projects()
            facts += projects
            capacities, _ = ctx.capacities(used)
            facts += capacities
            facts += ctx.presence(used)
            facts += ctx.statistics()
            carried = ctx.last_subject() or carried
        return facts

    def _bare_city(
        self, tokens: dict[int, list[Token]], names: DocumentNames, doc: Document
    ) -> None:
        """No city named with 市 and none the graph knows: take the place name (jieba's ``ns``)
        written most often, at least twice, as the city (武汉 in 武汉光谷…, 在武汉建成…)."""
        if any(level == "city" for _, level in names.places.values()):
            return
        folded = doc.norm.casefold()
        for name, pairs in self.lex.names.items():
            city = any(k == "region" and self.lex.region_level.get(r) == "city" for k, r in pairs)
            if city and name in folded:
                return
        counts = Counter(
            t.word
            for toks in tokens.values()
            for t in toks
            if t.flag == "ns" and 2 <= len(t.word) <= 4 and not self._known(t.word)
        )
        if counts:
            name, count = counts.most_common(1)[0]
            if count >= 2:
                names.places.setdefault(name, (name, "city"))

    def _document_year(self, text: str) -> str | None:
        years = Counter(re.findall(r"((?:19|20)\d{2})年", text))
        return years.most_common(1)[0][0] if years else None

    def _home_region(self, mentions: list[Mention], region) -> Entity | None:
        if isinstance(region, Entity):
            return region
        if region:
            return Entity(
                "region", self.lex.label(region), region, self.lex.region_level.get(region)
            )
        counts: Counter = Counter()
        entities = {}
        for m in mentions:
            if m.kind != "region" or not m.entity:
                continue
            level = m.entity.level
            if level == "city" or (m.ref and self.lex.region_level.get(m.ref) == "city"):
                counts[m.entity.key] += 2 if m.ref else 1
                entities[m.entity.key] = m.entity
        if not counts:
            return None
        return entities[counts.most_common(1)[0][0]]


class _Context:
    """One sentence with its mentions and what it inherits from the text before it."""

    def __init__(self, ex: Extractor, doc, sentence, mentions, home, carried, year, names):
        self.ex, self.lex, self.doc, self.s = ex, ex.lex, doc, sentence
        self.ms, self.home, self.carried, self.year, self.names = (
            mentions,
            home,
            carried,
            year,
            names,
        )
        self.text = sentence.text
        self.quantities = parse_quantities(self.text, sentence.start)

    # helpers
    def rel(self, position: int) -> int:
        return position - self.s.start

    def region_entity(self, m: Mention) -> Entity | None:
        if m.kind == "region":
            return m.entity
        if m.kind == "self":
            level = SELF_REFS[m.text]
            if level == "province" and self.home and self.home.ref:
                province = self.lex.province_of(self.home.ref)
                return (
                    Entity("region", self.lex.label(province), province, "province")
                    if province
                    else None
                )
            return self.home
        return None

    def compared(self, m: Mention) -> bool:
        before = self.text[: self.rel(m.start)]
        return before.endswith(COMPARE_BEFORE)

    def subject_region(self, position: int | None = None) -> tuple[Entity | None, float]:
        """The region a fact at ``position`` is about: the nearest region before it in the
        sentence (not one compared with), else the nearest after it, else the one carried over
        from the sentence before, else the document's region."""
        position = self.s.end if position is None else position
        regions = [
            m
            for m in self.ms
            if m.kind in ("region", "self")
            and not self.compared(m)
            and not (m.kind == "self" and self.text[self.rel(m.end) :].startswith("上下"))
        ]
        before = [m for m in regions if m.start < position]
        if before:
            return self.region_entity(before[-1]), 0.0
        after = [m for m in regions if m.start >= position]
        if after:
            return self.region_entity(after[0]), 0.05
        if self.carried:
            return self.carried, 0.05
        return self.home, 0.1

    def last_subject(self) -> Entity | None:
        regions = [m for m in self.ms if m.kind in ("region", "self") and not self.compared(m)]
        return self.region_entity(regions[-1]) if regions else None

    def sentence_year(self, position: int | None = None) -> str | None:
        years = [(m.start(), m.group(1)) for m in re.finditer(r"((?:19|20)\d{2})年", self.text)]
        if position is not None:
            before = [y for at, y in years if at < self.rel(position)]
            if before:
                return before[-1]
        return years[0][1] if years else self.year

    def clause_of(self, position: int, marks: str = "，。；、：") -> tuple[int, int]:
        rel = self.rel(position)
        start = max(self.text.rfind(c, 0, rel) for c in marks) + 1
        ends = [self.text.find(c, rel) for c in marks]
        end = min([e for e in ends if e >= 0] or [len(self.text)])
        return self.s.start + start, self.s.start + end

    # rules
    def companies(self, seen: set[str]) -> list[Fact]:
        out = []
        for m in self.ms:
            if m.kind != "company" or m.entity.key in seen:
                continue
            seen.add(m.entity.key)
            info = self.names.companies.get(m.text) or (
                m.entity.name,
                0.9 if m.ref else 0.6,
                "known name",
            )
            place = None
            before = [x for x in self.ms if x.kind == "region" and x.end == m.start]
            if before:
                place = before[-1].entity
            out.append(
                CompanyFact(
                    self.s,
                    info[1],
                    rule=info[2],
                    company=m.entity,
                    located_in=place,
                    short_names=tuple(self.ex.short_names(m.entity.name)[1:]),
                )
            )
        return out

    def places(self, seen: set[str]) -> list[Fact]:
        """Places the graph does not know, once each, where they are first written in full."""
        out = []
        for m in self.ms:
            entity = m.entity
            new = m.kind == "region" and entity and not entity.ref and m.text == entity.name
            if new and entity.key not in seen:
                seen.add(entity.key)
                out.append(PlaceFact(self.s, 0.8, rule="place suffix", place=entity))
        return out

    def _stages_in(self, start: int, end: int) -> list[Mention]:
        return [
            m for m in self.ms if start <= m.start and m.end <= end and m.kind in ("stage", "chain")
        ]

    def _stage_of(self, m: Mention) -> list[str]:
        if m.kind == "stage":
            stages = [m.ref]
        elif m.inner_stage and not self.doc.norm[m.end : m.end + 3].startswith(
            ("产业", "全产业", "产业链")
        ):
            stages = [m.inner_stage]
        else:
            return []
        head = self._head_final(m)
        return [head] if head else stages

    def _head_final(self, m: Mention) -> str | None:
        """Chinese compounds are head-final: in 铬铁盐 the product is a salt (铬盐), not 铬铁. When
        a name is followed by more of the same word, prefer a stage name spread over the whole
        word that ends where the word ends."""
        rest = re.match(rf"[{CJK}]{{1,2}}", self.doc.norm[m.end : m.end + 2])
        if not rest:
            return None
        tail = rest.group(0)
        if tail[0] in "等的和及与产项年为在是已将从到、" or tail in ("产能", "项目", "规模"):
            return None
        word = m.text + tail[:1]
        best = None
        for name, pairs in self.lex.names.items():
            if not name.endswith(word[-1]) or len(name) < 2 or name == word:
                continue
            if not any(k == "stage" for k, _ in pairs):
                continue
            it = iter(word)
            if all(c in it for c in name) and (best is None or len(name) > len(best[0])):
                best = (name, next(r for k, r in pairs if k == "stage"))
        return best[1] if best else None

    def projects(self) -> tuple[list[Fact], set[int]]:
        out, used = [], set()
        for item in self.ex._project_items(self.s):

            def product_started(position: int, item=item) -> bool:
                quantities = [
                    q.start for q in self.quantities if item["start"] <= q.start < item["end"]
                ]
                return bool(quantities) and position > quantities[0]

            company = None
            for m in self.ms:  # the last company before the product (X旗下Y: Y)
                inside = m.kind == "company" and item["start"] <= m.start < item["end"]
                if inside and (company is None or not product_started(m.start)):
                    company = m.entity
            product_mentions = [m for m in self._stages_in(item["start"], item["end"])]
            if item.get("extra"):
                product_mentions += self._stages_in(*item["extra"])
            stages: list[str] = []
            chain = None
            for m in product_mentions:
                if m.kind == "chain" and self.doc.norm[m.end : m.end + 3].startswith("全产业"):
                    chain = m.ref
                    stages += self.lex.core_stages(m.ref)
                else:
                    stages += self._stage_of(m)
            assertion = "cg:Implied" if chain else "cg:Stated"
            if not stages and item["quantity"] and item["quantity"].unit == "cgu:GWh":
                stages = ["li:pack"]  # capacity in GWh, product unnamed: batteries
                assertion = "cg:Implied"
            if "li:pack" in stages and "li:cell" not in stages:
                stages.insert(0, "li:cell")  # a battery plant makes the cells it packs
            if not stages or not (company or item["quantity"]):
                continue  # 将引进光伏玻璃项目: a wish, not a project
            confidence = 0.9 if company and stages and item["status"] else 0.7
            if chain:
                confidence = 0.6
            region, _ = self.subject_region(item["start"])
            for q in self.quantities:
                if item["start"] <= q.start < item["end"] or (
                    item.get("extra") and item["extra"][0] <= q.start < item["extra"][1]
                ):
                    used.add(q.start)
            out.append(
                ProjectFact(
                    self.s,
                    confidence if assertion == "cg:Stated" else min(confidence, 0.6),
                    assertion,
                    rule="project",
                    company=company,
                    stages=tuple(dict.fromkeys(s for s in stages if s)),
                    chain=chain,
                    quantity=item["quantity"],
                    product=item["product"],
                    status=item["status"],
                    status_word=item["status_word"],
                    year=self.sentence_year(item["start"]),
                    site=region,
                )
            )
            for m in product_mentions:
                used.add(m.start)
        return out, used

    def _abbreviated(self, start: int, end: int) -> Mention | None:
        """A product written short: 高纯晶硅 for 高纯多晶硅. The word before 产能 (or before the
        number) is taken as a stage name with characters left out: same first and last
        character, the others in order, at least three characters."""
        clause = self.doc.norm[start:end]
        m = re.search(rf"([{CJK}]{{3,8}}?)(?:产能|年产能|规模)?(?:达到|达|为|超过|约)?$", clause)
        if not m:
            return None
        word = re.sub(r"^(?:其|全市|全区|年产|拥有|形成|新增)", "", m.group(1))
        best = None
        for name, pairs in self.lex.names.items():
            stage = next((r for k, r in pairs if k == "stage"), None)
            if (
                stage is None
                or len(name) <= len(word)
                or name[0] != word[0]
                or name[-1] != word[-1]
            ):
                continue
            it = iter(name)
            if (
                len(word) >= 3
                and all(c in it for c in word)
                and (best is None or len(name) < len(best[0]))
            ):
                best = (name, stage)
        if best is None:
            return None
        at = start + m.start(1) + (len(m.group(1)) - len(word))
        return Mention("stage", at, at + len(word), word, best[1])

    def capacities(self, used: set[int]) -> tuple[list[Fact], set[int]]:
        out = []
        for q in self.quantities:
            if q.quantity.unit not in CAPACITY_UNITS or q.start in used:
                continue
            start, end = self.clause_of(q.start)
            lead = self.doc.norm[start : q.start]
            if "产量" in lead and "产能" not in lead:
                continue  # 产量达到315万吨: output, a statistic (see statistics), not a capacity
            after = [m for m in self._stages_in(q.end, end)]
            before = [m for m in self._stages_in(start, q.start)]
            pick = (
                after[0]
                if after and after[0].start == q.end
                else (before[-1] if before else (after[0] if after else None))
            )
            if pick is None:
                pick = self._abbreviated(start, q.start)
            if pick is None:
                continue
            stages = self._stage_of(pick) or ([pick.inner_stage] if pick.inner_stage else [])
            if not stages:
                continue
            used.add(pick.start)
            region, penalty = self.subject_region(q.start)
            companies = [m for m in self.ms if m.kind == "company" and start <= m.start < end]
            if companies:
                out.append(
                    ProjectFact(
                        self.s,
                        0.75,
                        rule="company capacity",
                        company=companies[0].entity,
                        stages=tuple(stages),
                        quantity=q.quantity,
                        product=pick.text,
                        status="cg:InProduction",
                        year=self.sentence_year(q.start),
                        site=region,
                    )
                )
                continue
            out.append(
                CapacityFact(
                    self.s,
                    round(0.9 - penalty, 2),
                    rule="capacity",
                    region=region,
                    stage=stages[0],
                    quantity=q.quantity,
                    product=pick.text,
                    year=self.sentence_year(q.start),
                )
            )
        return out, used

    def presence(self, used: set[int]) -> list[Fact]:
        groups: dict[tuple, list[str]] = {}
        confidence: dict[tuple, float] = {}
        regions: dict[tuple, Entity] = {}
        sequences = [
            (m.start() + self.s.start, m.end() + self.s.start)
            for m in _SEQUENCE.finditer(self.text)
        ]
        for m in self.ms:
            if m.kind not in ("stage", "chain") or m.start in used:
                continue
            stages = self._stage_of(m)
            if not stages:
                continue
            cstart, cend = self.clause_of(m.start, "，。；：")
            clause = self.doc.norm[cstart:cend]
            if any(w in clause for w in ABSENCE_WORDS):
                continue
            so_far = self.doc.norm[self.s.start : cend]
            if FUTURE.search(so_far) and not re.search(r"现有|已有|已经|已", clause):
                continue  # 下一步，全市将…向工业硅、多晶硅方向延伸: a plan
            if self.doc.norm[m.end : m.end + 3].startswith(("制造业", "行业")):
                continue
            region, penalty = self.subject_region(m.start)
            if region is None:
                continue
            chain = self.lex.stage_chain.get(stages[0])
            key = (region.key, chain)
            groups.setdefault(key, [])
            for stage in stages:
                if stage not in groups[key]:
                    groups[key].append(stage)
            in_sequence = any(a <= m.start < b for a, b in sequences)
            trigger = in_sequence or any(t in self.text for t in PRESENCE_TRIGGERS)
            score = (0.9 if trigger else 0.6) - penalty
            confidence[key] = max(confidence.get(key, 0), score)
            regions[key] = region
        out = []
        for key, stages in groups.items():
            out.append(
                PresenceFact(
                    self.s,
                    round(confidence[key], 2),
                    rule="presence",
                    region=regions[key],
                    stages=tuple(stages),
                    chain=key[1],
                )
            )
        return out

    # statistics ---------------------------------------------------------------------------

    def _metric(self, position: int, ahead: bool = True) -> str:
        rel = self.rel(position)
        clauses = re.split(r"[，；。]", self.text[:rel])
        for clause in reversed(clauses[-3:]):
            for metric in METRICS:
                if metric in clause:
                    return metric
        tail = self.text[rel:] if ahead else ""
        for metric in METRICS:
            if metric in tail.split("。")[0]:
                return metric
        return ""

    def _about(self, position: int, family: str = "") -> tuple[str | None, str, Entity | None]:
        """The nearest subject before ``position``: stage (same clause), company, sector,
        region or 我市; a first-person subject inside a quotation is the speaker's company."""
        rel = self.rel(position)
        opened = self.text.rfind("“", 0, rel)
        closed = self.text.rfind("”", 0, rel)
        if opened > closed:  # inside a quotation
            close = self.text.find("”", rel)
            speakers = (
                [m for m in self.ms if m.kind == "company" and m.start >= self.s.start + close]
                if close >= 0
                else []
            )
            quote = self.text[opened : close if close >= 0 else len(self.text)]
            if speakers and re.search(r"我们|我公司|本公司", quote):
                return speakers[0].entity.key, speakers[0].entity.name, None
        cstart, _ = self.clause_of(position)
        family_is_regional = family in REGIONAL_FAMILIES
        for m in reversed([m for m in self.ms if m.start < position]):
            if m.kind in ("region", "self"):
                if self.compared(m) or self.text[self.rel(m.end) :].startswith("上下"):
                    continue
                region = self.region_entity(m)
                return (region.key if region else None), (region.name if region else m.text), region
            if m.kind == "stage" and m.start >= cstart and not family_is_regional:
                return m.ref, m.text, None
            if m.kind == "chain" and m.start >= cstart and m.inner_stage and not family_is_regional:
                return m.inner_stage, m.text, None
            if m.kind == "company" and m.start >= cstart and not family_is_regional:
                return m.entity.key, m.entity.name, None
            if m.kind == "sector" and not family_is_regional:
                return m.ref, m.text, None
        region, _ = self.subject_region(position)
        return (region.key if region else None), (region.name if region else ""), region

    def _stat(
        self,
        position,
        family,
        quantity,
        metric_word="",
        indicator_hint="",
        compared=None,
        rule="",
        confidence=0.9,
    ):
        about, about_label, region = self._about(position, family)
        if region is None:
            region, _ = self.subject_region(position)
        about_stage = bool(about and about in self.lex.stage_chain)
        # 单晶硅增长6.0倍: a product's growth is output growth, whatever the next clause measures
        metric = metric_word or self._metric(position, ahead=not about_stage)
        if family in ("share", "change", "gap") and _metric_family(metric) not in ("增加值", ""):
            indicator_hint = ""  # a share of output is not a share of value added
        hint = indicator_hint or {
            ("growth", "增加值"): "增加值增速",
            ("growth", "产值"): "产值增速",
            ("growth", "产量"): "产量增长",
            ("amount", "产值"): "工业产值",
            ("amount", "到位资金"): "到位资金",
        }.get((family, _metric_family(metric)), "")
        if family == "growth" and not hint and about and about in self.lex.stage_chain:
            hint = "产量增长"
        indicator = self.lex.indicator_for(hint) if hint else None
        return StatisticFact(
            self.s,
            confidence,
            rule=rule,
            about=about,
            about_label=about_label,
            region=region,
            indicator=indicator,
            family=family,
            metric=metric,
            quantity=quantity,
            period=self.sentence_year(position),
            compared_with=compared,
        )

    def _compared_entity(self, word: str) -> Entity | None:
        if word in SELF_REFS:
            return self.region_entity(Mention("self", 0, 0, word))
        return None

    def statistics(self) -> list[Fact]:
        """Every statistic of the sentence, rule by rule; a number one rule reads (``consumed``,
        normalised offsets) is not read again by a later, vaguer rule."""
        consumed: set[int] = set()
        out: list[Fact] = []
        for rule in (
            self._rates_listed,
            self._shares,
            self._contribution_rates,
            self._contribution_points,
            self._gaps,
            self._changes,
            self._growth,
            self._doubling,
            self._counts,
            self._counts_after_noun,
            self._ranks,
            self._outputs,
            self._amounts,
            self._bare_rates,
        ):
            out += rule(consumed)
        return out

    def _take(self, consumed: set[int], m: re.Match, group: str = "v") -> None:
        consumed.add(self.s.start + m.start(group))

    def _rates_listed(self, consumed: set[int]) -> list[Fact]:
        """Rates listed with 分别: A率、B率、C率分别达到x%、y%、z%."""
        out: list[Fact] = []
        text, base = self.text, self.s.start
        for m in re.finditer(
            rf"((?:[{CJK}]{{1,8}}率、)+[{CJK}]{{1,8}}率)分别(?:为|达到|达|是)?((?:{NUM}%、)+{NUM}%)",
            text,
        ):
            metrics = m.group(1).split("、")
            values = m.group(2).split("、")
            if len(metrics) != len(values):
                continue
            at = m.start(2)
            for metric, value in zip(metrics, values, strict=True):
                q = Quantity.of(_f(value[:-1]), "", "%", value)
                hint = metric if self.lex.indicator_for(metric) else ""
                out.append(
                    self._stat(
                        base + at, "rate", q, metric_word=metric, indicator_hint=hint, rule="分别"
                    )
                )
                consumed.add(base + at)
                at += len(value) + 1
        return out

    def _shares(self, consumed: set[int]) -> list[Fact]:
        """Share: 占…比重为x%, 占比x%."""
        out: list[Fact] = []
        for m in re.finditer(
            rf"占[^，。；]{{0,20}}(?:比重|比例|份额)(?:约为|约|为|达到|达|超过|接近|近)?(?P<v>{NUM})%|占比(?:为|达到|达)?(?P<w>{NUM})%",
            self.text,
        ):
            g = "v" if m.group("v") else "w"
            q = Quantity.of(_f(m.group(g)), "", "%", m.group(g) + "%")
            out.append(
                self._stat(
                    self.s.start + m.start(), "share", q, indicator_hint="占比", rule="占比重"
                )
            )
            self._take(consumed, m, g)
        return out

    def _contribution_rates(self, consumed: set[int]) -> list[Fact]:
        """Contribution: 贡献率x% (对全省/全市/全国)."""
        out: list[Fact] = []
        text = self.text
        for m in re.finditer(rf"贡献率(?:为|达到|达)?(?P<v>{NUM})%", text):
            q = Quantity.of(_f(m["v"]), "", "%", m.group(0))
            compared = re.search(r"对(全省|全市|全国)", text[max(0, m.start() - 15) : m.start()])
            out.append(
                self._stat(
                    self.s.start + m.start(),
                    "contribution",
                    q,
                    indicator_hint="贡献",
                    compared=self._compared_entity(compared.group(1)) if compared else None,
                    rule="贡献率",
                )
            )
            self._take(consumed, m)
        return out

    def _contribution_points(self, consumed: set[int]) -> list[Fact]:
        """Contribution: 上拉/拉动…x个百分点."""
        out: list[Fact] = []
        for m in re.finditer(
            rf"(?:上拉|拉动)(?P<who>全省|全市|全国)?[^，。；\d]{{0,12}}(?P<v>{NUM})个百分点",
            self.text,
        ):
            q = Quantity.of(_f(m["v"]), "", "个百分点", m.group(0))
            out.append(
                self._stat(
                    self.s.start + m.start(),
                    "contribution",
                    q,
                    indicator_hint="贡献",
                    compared=self._compared_entity(m["who"]) if m["who"] else None,
                    rule="拉动",
                )
            )
            self._take(consumed, m)
        return out

    def _gaps(self, consumed: set[int]) -> list[Fact]:
        """Gap: 高于/低于 X y个百分点."""
        out: list[Fact] = []
        for m in re.finditer(
            rf"(?P<dir>高于|低于|快于|慢于)(?P<who>全省|全市|全国|平均水平)?[^，。；\d]{{0,8}}(?P<v>{NUM})个百分点",
            self.text,
        ):
            sign = -1 if m["dir"] in ("低于", "慢于") else 1
            q = Quantity.of(sign * _f(m["v"]), "", "个百分点", m.group(0))
            out.append(
                self._stat(
                    self.s.start + m.start(),
                    "gap",
                    q,
                    indicator_hint="增速差",
                    compared=self._compared_entity(m["who"]) if m["who"] else None,
                    rule="高于",
                )
            )
            self._take(consumed, m)
        return out

    def _changes(self, consumed: set[int]) -> list[Fact]:
        """Change: 较上年提高 x个百分点."""
        out: list[Fact] = []
        base = self.s.start
        for m in re.finditer(
            rf"(?P<dir>提高|提升|加快|回落|下降|增加|减少)(?P<v>{NUM})个百分点", self.text
        ):
            if base + m.start("v") in consumed:
                continue
            sign = -1 if m["dir"] in ("回落", "下降", "减少") else 1
            q = Quantity.of(sign * _f(m["v"]), "", "个百分点", m.group(0))
            out.append(
                self._stat(
                    base + m.start(), "change", q, indicator_hint="增速变化", rule="提高百分点"
                )
            )
            self._take(consumed, m)
        return out

    def _growth(self, consumed: set[int]) -> list[Fact]:
        """Growth: 增长x% / 增长x倍."""
        out: list[Fact] = []
        base = self.s.start
        for m in re.finditer(
            rf"(?P<dir>增长|增加|提高|上升|下降|减少|增速为|增速达|增幅为|增幅达)(?:了|约|达到|达)?(?P<v>{NUM})(?P<u>%|倍)",
            self.text,
        ):
            if base + m.start("v") in consumed:
                continue
            sign = -1 if m["dir"] in ("下降", "减少") else 1
            q = Quantity.of(sign * _f(m["v"]), "", m["u"], m.group(0))
            out.append(self._stat(base + m.start(), "growth", q, rule="增长"))
            self._take(consumed, m)
        return out

    def _doubling(self, consumed: set[int]) -> list[Fact]:
        """Growth: 翻了x倍."""
        out: list[Fact] = []
        for m in re.finditer(rf"翻了(?P<v>{NUM})倍(?P<more>以上|多)?", self.text):
            q = Quantity.of(_f(m["v"]), "", "倍", m.group(0))
            out.append(self._stat(self.s.start + m.start(), "growth", q, rule="翻了"))
            self._take(consumed, m)
        return out

    def _counts(self, consumed: set[int]) -> list[Fact]:
        """Counts: N项/个 … 项目/集群."""
        out: list[Fact] = []
        for m in re.finditer(
            rf"(?P<v>{NUM}|[一二两三四五六七八九十]+)(?P<u>项|个)(?P<what>[^，。；、\d]{{0,10}}?(?:项目|产业集群|集群|基地))",
            self.text,
        ):
            raw = m["v"]
            value = _f(raw) if raw[0].isdigit() else float(_cn_number(raw))
            q = Quantity.of(value, "", m["u"], m.group(0))
            what = m["what"]
            hint = "项目数" if what.endswith("项目") else ("集群" if "集群" in what else "")
            out.append(
                self._stat(
                    self.s.start + m.start(),
                    "count",
                    q,
                    metric_word=what,
                    indicator_hint=hint,
                    rule="count",
                )
            )
            self._take(consumed, m)
        return out

    def _counts_after_noun(self, consumed: set[int]) -> list[Fact]:
        """Counts written after the noun: 项目12个."""
        out: list[Fact] = []
        base = self.s.start
        pattern = (
            rf"(?P<what>(?:项目|企业|产业集群|集群|基地))(?P<v>{NUM})(?:余|多)?(?P<u>个|项|家)"
        )
        for m in re.finditer(pattern, self.text):
            if base + m.start("v") in consumed:
                continue
            unit = "个" if m["u"] == "家" else m["u"]
            q = Quantity.of(_f(m["v"]), "", unit, m.group(0))
            what = m["what"]
            hint = "项目数" if what == "项目" else ("集群" if "集群" in what else "")
            out.append(
                self._stat(
                    base + m.start(),
                    "count",
                    q,
                    metric_word=what,
                    indicator_hint=hint,
                    rule="count",
                )
            )
            self._take(consumed, m, "v")
        return out

    def _ranks(self, consumed: set[int]) -> list[Fact]:
        """Rank: 领跑/位居…第N."""
        out: list[Fact] = []
        for m in re.finditer(
            rf"(?:领跑|领先)(?P<g>全国|全省)(?P<grp>[{CJK}]{{0,8}})|(?:位居|位列|排名|居)(?P<g2>全国|全省)?[^，。；]{{0,8}}?第(?P<n>{NUM}|[一二三四五六七八九十]+)",
            self.text,
        ):
            value = (
                1.0
                if not m["n"]
                else (float(m["n"]) if m["n"][0].isdigit() else float(_cn_number(m["n"])))
            )
            q = Quantity(value, "cgu:rank", m.group(0))
            out.append(
                self._stat(self.s.start + m.start(), "rank", q, indicator_hint="排名", rule="rank")
            )
        return out

    def _outputs(self, consumed: set[int]) -> list[Fact]:
        """Output: 产量(达到)x吨 (a capacity unit after 产量, without 产能)."""
        out: list[Fact] = []
        for qm in self.quantities:
            if qm.quantity.unit not in CAPACITY_UNITS:
                continue
            start, _ = self.clause_of(qm.start)
            lead = self.doc.norm[start : qm.start]
            if "产量" in lead and "产能" not in lead:
                out.append(
                    self._stat(qm.start, "amount", qm.quantity, metric_word="产量", rule="产量")
                )
        return out

    def _amounts(self, consumed: set[int]) -> list[Fact]:
        """Amounts: x亿元 / x万元 with a metric."""
        out: list[Fact] = []
        for qm in self.quantities:
            if qm.quantity.unit != "cgu:CNY-100M" or qm.start in consumed:
                continue
            metric = self._metric(qm.start)
            if not metric:
                continue
            out.append(
                self._stat(qm.start, "amount", qm.quantity, metric_word=metric, rule="amount")
            )
        return out

    def _bare_rates(self, consumed: set[int]) -> list[Fact]:
        """Bare percentages: x率 为/达到 y%."""
        out: list[Fact] = []
        base = self.s.start
        for m in re.finditer(
            rf"(?P<metric>[{CJK}]{{1,6}}率)(?:为|达到|达)(?P<v>{NUM})%", self.text
        ):
            if base + m.start("v") in consumed or m["metric"] == "贡献率":
                continue
            q = Quantity.of(_f(m["v"]), "", "%", m.group(0))
            hint = m["metric"] if self.lex.indicator_for(m["metric"]) else ""
            out.append(
                self._stat(
                    base + m.start(),
                    "rate",
                    q,
                    metric_word=m["metric"],
                    indicator_hint=hint,
                    rule="率",
                )
            )
        return out


def _f(number: str) -> float:
    return float(number.replace(",", ""))


def _metric_family(metric: str) -> str:
    for word in ("增加值", "产值", "产量", "到位资金"):
        if word in metric:
            return word
    return metric


def _cn_number(text: str) -> int:
    """一 .. 九十九 (enough for counts in articles)."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _CN_DIGITS.get(ones, 0) if ones else 0
        )
    return _CN_DIGITS.get(text, 0)
