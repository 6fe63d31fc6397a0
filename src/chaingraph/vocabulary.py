"""The domain words of chaingraph, in one place for company sheets and for text.

Sheet import (:mod:`chaingraph.ingest`) and text extraction (:mod:`chaingraph.extract`) read
the same words: how names are folded before they are compared, the provinces and the suffixes
of place names, legal forms, project status words, units and their Chinese scales. Both sides
also mint the IRIs of companies and places they do not know with the same functions here, so
that the same company (or place) read from a sheet and from a sentence is one node.

The words are data (tuples and dicts); the few functions below only apply them.

Folding: NFKC (full-width to half-width), case, no spaces.

>>> fold("亚洲硅业（青海） Co., Ltd.")
'亚洲硅业(青海)co.,ltd.'

Company names: a core and its place affixes, after dropping the legal form:

>>> parse_name("亚洲硅业（青海）股份有限公司")
ParsedName(core='亚洲硅业', places=('青海',))
>>> parse_name("青海高景太阳能科技有限公司")
ParsedName(core='高景太阳能科技', places=('青海',))
>>> parse_name("Trina Solar Co., Ltd.")
ParsedName(core='trinasolar', places=())

IRIs of companies and places nobody curated:

>>> mint_company_iri("阳光能源（曲靖）有限公司") == mint_company_iri("阳光能源(曲靖)有限公司")
True
>>> mint_company_iri("x", "91630100MA7XB2C4H7")
'https://w3id.org/chaingraph/company/uscc-91630100MA7XB2C4H7'
>>> mint_place_iri("曲靖市") == mint_place_iri(" 曲靖市")
True

Status words and units:

>>> STATUS_WORDS["签约落地"], STATUS_WORDS["已投产"]
('cg:Planned', 'cg:InProduction')
>>> UNIT_WORDS["千瓦"], SCALES["万"]
(('cgu:MW', Decimal('0.001')), Decimal('10000'))
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .namespaces import PREFIXES

__all__ = [
    "ADMIN_SUFFIXES",
    "CITY_NAMES",
    "LATIN_LEGAL_FORMS",
    "LEGAL_FORMS",
    "LEVEL_CLASSES",
    "PINT_NAMES",
    "PINT_SCALED",
    "PLACE_SUFFIXES",
    "PROVINCES",
    "PROVINCE_FULL_NAMES",
    "SCALES",
    "STATUS_LABELS",
    "STATUS_WORDS",
    "TEXT_LEGAL_FORMS",
    "UNIT_WORDS",
    "ZONE_SUFFIXES",
    "ParsedName",
    "fold",
    "fold_width",
    "mint_company_iri",
    "mint_key_iri",
    "mint_place_iri",
    "name_key",
    "parse_name",
    "place_level",
    "place_stem",
    "scaled_unit_words",
]


# --------------------------------------------------------------------------- folding


def fold(text: str) -> str:
    """How names are compared: NFKC (``（）`` equals ``()``, ``ＧＷ`` equals ``GW``), case
    folded, spaces dropped.

    >>> fold("ＧＷ / 年") == fold("gw/年")
    True
    """
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


# Full-width punctuation that Chinese text keeps as it is (the text rules look for ，；： etc.)
_KEEP_FULL_WIDTH = "，；：！？（）"


def fold_width(char: str) -> str:
    """Full-width ASCII to ASCII, one character for one (offsets into a text stay aligned);
    the Chinese punctuation ，；：！？（） stays full width.

    >>> "".join(fold_width(c) for c in "１０ＧＷ（一期）")
    '10GW（一期）'
    """
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E and char not in _KEEP_FULL_WIDTH:
        return chr(code - 0xFEE0)
    if char == "\u3000":
        return " "
    return char


# --------------------------------------------------------------------------- places

# Province-level divisions by short name, with their full names (GB/T 2260); 中国 is the
# country, listed because company names begin with it as they begin with a province.
PROVINCE_FULL_NAMES = {
    "北京": "北京市",
    "天津": "天津市",
    "上海": "上海市",
    "重庆": "重庆市",
    "河北": "河北省",
    "山西": "山西省",
    "辽宁": "辽宁省",
    "吉林": "吉林省",
    "黑龙江": "黑龙江省",
    "江苏": "江苏省",
    "浙江": "浙江省",
    "安徽": "安徽省",
    "福建": "福建省",
    "江西": "江西省",
    "山东": "山东省",
    "河南": "河南省",
    "湖北": "湖北省",
    "湖南": "湖南省",
    "广东": "广东省",
    "海南": "海南省",
    "四川": "四川省",
    "贵州": "贵州省",
    "云南": "云南省",
    "陕西": "陕西省",
    "甘肃": "甘肃省",
    "青海": "青海省",
    "台湾": "台湾省",
    "内蒙古": "内蒙古自治区",
    "广西": "广西壮族自治区",
    "西藏": "西藏自治区",
    "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区",
    "澳门": "澳门特别行政区",
    "中国": "中华人民共和国",
}
PROVINCES = tuple(PROVINCE_FULL_NAMES)


# Prefecture-level cities (and a few county-level industrial towns), short names: read off the
# front or the back of a company name (惠州亿纬锂能, 四川晶科) whatever the store holds, so that a
# name's key does not depend on which regions were loaded. 东方 and 中山 are left out: they begin
# company names (东方日升, 中山大洋) far more often than they name the city.
CITY_NAMES = (
    "石家庄",
    "唐山",
    "秦皇岛",
    "邯郸",
    "邢台",
    "保定",
    "张家口",
    "承德",
    "沧州",
    "廊坊",
    "衡水",
    "太原",
    "大同",
    "阳泉",
    "长治",
    "晋城",
    "朔州",
    "晋中",
    "运城",
    "忻州",
    "临汾",
    "吕梁",
    "呼和浩特",
    "包头",
    "乌海",
    "赤峰",
    "通辽",
    "鄂尔多斯",
    "呼伦贝尔",
    "巴彦淖尔",
    "乌兰察布",
    "沈阳",
    "大连",
    "鞍山",
    "抚顺",
    "本溪",
    "丹东",
    "锦州",
    "营口",
    "阜新",
    "辽阳",
    "盘锦",
    "铁岭",
    "朝阳",
    "葫芦岛",
    "长春",
    "四平",
    "辽源",
    "通化",
    "白山",
    "松原",
    "白城",
    "延边",
    "哈尔滨",
    "齐齐哈尔",
    "鸡西",
    "鹤岗",
    "双鸭山",
    "大庆",
    "伊春",
    "佳木斯",
    "七台河",
    "牡丹江",
    "黑河",
    "绥化",
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
    "合肥",
    "芜湖",
    "蚌埠",
    "淮南",
    "马鞍山",
    "淮北",
    "铜陵",
    "安庆",
    "黄山",
    "滁州",
    "阜阳",
    "宿州",
    "六安",
    "亳州",
    "池州",
    "宣城",
    "福州",
    "厦门",
    "莆田",
    "三明",
    "泉州",
    "漳州",
    "南平",
    "龙岩",
    "宁德",
    "南昌",
    "景德镇",
    "萍乡",
    "九江",
    "新余",
    "鹰潭",
    "赣州",
    "吉安",
    "宜春",
    "抚州",
    "上饶",
    "济南",
    "青岛",
    "淄博",
    "枣庄",
    "东营",
    "烟台",
    "潍坊",
    "济宁",
    "泰安",
    "威海",
    "日照",
    "临沂",
    "德州",
    "聊城",
    "滨州",
    "菏泽",
    "郑州",
    "开封",
    "洛阳",
    "平顶山",
    "安阳",
    "鹤壁",
    "新乡",
    "焦作",
    "濮阳",
    "许昌",
    "漯河",
    "三门峡",
    "南阳",
    "商丘",
    "信阳",
    "周口",
    "驻马店",
    "济源",
    "武汉",
    "黄石",
    "十堰",
    "宜昌",
    "襄阳",
    "鄂州",
    "荆门",
    "孝感",
    "荆州",
    "黄冈",
    "咸宁",
    "随州",
    "恩施",
    "长沙",
    "株洲",
    "湘潭",
    "衡阳",
    "邵阳",
    "岳阳",
    "常德",
    "张家界",
    "益阳",
    "郴州",
    "永州",
    "怀化",
    "娄底",
    "湘西",
    "广州",
    "韶关",
    "深圳",
    "珠海",
    "汕头",
    "佛山",
    "江门",
    "湛江",
    "茂名",
    "肇庆",
    "惠州",
    "梅州",
    "汕尾",
    "河源",
    "阳江",
    "清远",
    "东莞",
    "潮州",
    "揭阳",
    "云浮",
    "南宁",
    "柳州",
    "桂林",
    "梧州",
    "北海",
    "防城港",
    "钦州",
    "贵港",
    "玉林",
    "百色",
    "贺州",
    "河池",
    "来宾",
    "崇左",
    "海口",
    "三亚",
    "儋州",
    "成都",
    "自贡",
    "攀枝花",
    "泸州",
    "德阳",
    "绵阳",
    "广元",
    "遂宁",
    "内江",
    "乐山",
    "南充",
    "眉山",
    "宜宾",
    "广安",
    "达州",
    "雅安",
    "巴中",
    "资阳",
    "阿坝",
    "甘孜",
    "凉山",
    "贵阳",
    "六盘水",
    "遵义",
    "安顺",
    "毕节",
    "铜仁",
    "黔南",
    "黔东南",
    "黔西南",
    "昆明",
    "曲靖",
    "玉溪",
    "保山",
    "昭通",
    "丽江",
    "普洱",
    "临沧",
    "楚雄",
    "红河",
    "文山",
    "西双版纳",
    "大理",
    "德宏",
    "拉萨",
    "日喀则",
    "昌都",
    "林芝",
    "西安",
    "铜川",
    "宝鸡",
    "咸阳",
    "渭南",
    "延安",
    "汉中",
    "榆林",
    "安康",
    "商洛",
    "兰州",
    "嘉峪关",
    "金昌",
    "白银",
    "天水",
    "武威",
    "张掖",
    "平凉",
    "酒泉",
    "庆阳",
    "定西",
    "陇南",
    "西宁",
    "海东",
    "海西",
    "海南州",
    "格尔木",
    "德令哈",
    "银川",
    "石嘴山",
    "吴忠",
    "固原",
    "中卫",
    "乌鲁木齐",
    "克拉玛依",
    "吐鲁番",
    "哈密",
    "昌吉",
    "博尔塔拉",
    "巴音郭楞",
    "阿克苏",
    "喀什",
    "和田",
    "伊犁",
    "塔城",
    "阿勒泰",
    "石河子",
    "五家渠",
    "准东",
)

# Administrative suffixes -> level (自治区 before 区: longest first).
ADMIN_SUFFIXES = {
    "自治区": "province",
    "省": "province",
    "市": "city",
    "州": "city",
    "盟": "city",
    "区": "district",
    "县": "district",
    "旗": "district",
}
# Suffixes of development zones and industrial parks -> level, longest first.
ZONE_SUFFIXES = {
    "高新技术产业开发区": "zone",
    "经济技术开发区": "zone",
    "高新技术开发区": "zone",
    "工业集中区": "park",
    "工业园区": "park",
    "产业园区": "park",
    "开发区": "zone",
    "产业园": "park",
    "高新区": "zone",
    "经开区": "zone",
    "工业园": "park",
    "园区": "park",
    "新区": "zone",
}
# The suffixes a place name can drop and still name the place (青海省 = 青海), longest first.
PLACE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "县")
# The class of a place of each level (a district, county or banner is a cg:Region).
LEVEL_CLASSES = {
    "country": "cg:Country",
    "province": "cg:Province",
    "city": "cg:City",
    "zone": "cg:DevelopmentZone",
    "park": "cg:IndustrialPark",
    "district": "cg:Region",
    "region": "cg:Region",
}


def place_stem(name: str) -> str:
    """The place name without its administrative suffix, when at least two characters remain.

    >>> place_stem("青海省"), place_stem("新疆维吾尔自治区"), place_stem("沙市")
    ('青海', '新疆', '沙市')
    """
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def place_level(name: str) -> str | None:
    """The level a place name's suffix gives (zone and park suffixes first), or ``None``.

    >>> place_level("西宁经济技术开发区"), place_level("嘉川市"), place_level("城北区")
    ('zone', 'city', 'district')
    >>> place_level("曲靖") is None
    True
    """
    for table in (ZONE_SUFFIXES, ADMIN_SUFFIXES):
        for suffix, level in table.items():
            if name.endswith(suffix) and name != suffix:
                return level
    return None


def _mint(namespace: str, key: str) -> str:
    return namespace + "n-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def mint_place_iri(name: str) -> str:
    """``region:n-<sha1 of the folded name>``: the IRI of a place nobody curated, as a sheet
    or a text writes it (曲靖市 and 曲靖 are two names: 吉林省 and 吉林市 must stay two)."""
    return _mint(PREFIXES["region"], fold(name))


# --------------------------------------------------------------------------- companies

# Legal forms, longest first (folded: NFKC + casefold, no spaces). The Chinese ones end
# company names in sheets and in text; the Latin ones (and the comma before them) only in
# sheets, see TEXT_LEGAL_FORMS.
_CHINESE_LEGAL_FORMS = (
    "集团股份有限公司",
    "集团有限责任公司",
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
)
LATIN_LEGAL_FORMS = (
    "co.,ltd.",
    "co.,ltd",
    "co.ltd.",
    "co.ltd",
    "companylimited",
    "corporation",
    "limited",
    "group",
    "corp.",
    "corp",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "co.",
    ",",
)
LEGAL_FORMS = tuple(sorted(_CHINESE_LEGAL_FORMS, key=len, reverse=True)) + LATIN_LEGAL_FORMS
# What ends a company name in running Chinese text: the Chinese forms. The Latin ones are left
# out: an article is matched as written, not case-folded, and ``,`` ``inc`` ``co.`` occur
# inside numbers (1,200) and words (zinc).
TEXT_LEGAL_FORMS = _CHINESE_LEGAL_FORMS


@dataclass(frozen=True)
class ParsedName:
    """A company name as a core name and the places it carries (``（青海）``, ``青海``)."""

    core: str
    places: tuple[str, ...]


_BRACKETS = re.compile(r"[(\[【]([^)\]】]*)[)\]】]")
_LEADING_PLACE_SUFFIXES = ("省", "市", "自治区", "")


def _strip_legal(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if text.endswith(form) and len(text) > len(form) + 1:
                text = text[: -len(form)]
                changed = True
                break
    return text


def _leading_place(text: str, by_first: dict[str, list[str]]) -> tuple[str, str] | None:
    """``(place, rest)`` when ``text`` starts with a known place (with 省/市/自治区 or not)."""
    for place in by_first.get(text[:1], ()):
        for variant in (place + s for s in _LEADING_PLACE_SUFFIXES):
            if text.startswith(variant) and len(text) - len(variant) >= 2:
                return place_stem(place), text[len(variant) :]
    return None


@functools.lru_cache(maxsize=16)
def _place_index(places: tuple[str, ...]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The known places, longest first, by their first and by their last character (a name
    is compared with the few places that can start or end it, not with all of them)."""
    folded = {fold(p) for p in (*PROVINCES, *places) if p}
    known = sorted(folded | {place_stem(p) for p in folded}, key=len, reverse=True)
    by_first: dict[str, list[str]] = {}
    by_last: dict[str, list[str]] = {}
    for place in known:
        by_first.setdefault(place[0], []).append(place)
        by_last.setdefault(place[-1], []).append(place)
    return by_first, by_last


def parse_name(name: str, places: Iterable[str] = ()) -> ParsedName:
    """Core name and place affixes; ``places`` adds known place names (e.g. cities)."""
    by_first, by_last = _place_index(tuple(places))
    text = fold(name)
    found = [place_stem(content) for content in _BRACKETS.findall(text) if content]
    text = _strip_legal(_BRACKETS.sub("", text))
    for _ in range(3):  # leading place names: 青海省西宁市...
        leading = _leading_place(text, by_first)
        if leading is None:
            break
        found.append(leading[0])
        text = leading[1]
    for place in by_last.get(text[-1:], ()):  # a trailing place: 亚洲硅业青海
        if text.endswith(place) and len(text) - len(place) >= 2:
            found.append(place_stem(place))
            text = text[: -len(place)]
            break
    return ParsedName(_strip_legal(text), tuple(sorted(set(found))))


def name_key(parsed: ParsedName) -> str:
    """What a company's minted IRI is made of: its core name and its places."""
    return parsed.core + ("@" + "+".join(parsed.places) if parsed.places else "")


def mint_company_iri(name: str, code: str | None = None, places: Iterable[str] = ()) -> str:
    """``co:uscc-<code>`` with a credit code, else ``co:n-<sha1 of core name and places>``.

    ``places`` are the place names the store knows (they are taken off the front or the end
    of a name); sheet import and extraction pass the names of the regions of the same store.
    """
    base = PREFIXES["co"]
    if code:
        return f"{base}uscc-{code}"
    return mint_key_iri(name_key(parse_name(name, places)))


def mint_key_iri(key: str) -> str:
    """``co:n-<sha1 of key>``: the IRI of a company nobody curated, from its :func:`name_key`."""
    return _mint(PREFIXES["co"], key)


# --------------------------------------------------------------------------- project status

# Status words of projects -> status; a sheet's 状态 cell is one of them, a text's clause
# contains one (longest first wins there).
_STATUS_GROUPS = {
    "cg:InProduction": (
        "建成投产",
        "竣工投产",
        "全面投产",
        "正式投产",
        "点火投产",
        "投产达产",
        "建成投运",
        "投入生产",
        "已投产",
        "投产",
        "达产",
        "投运",
        "建成",
        "满产",
        "竣工",
        "生产",
        "运营",
        "operating",
    ),
    "cg:UnderConstruction": (
        "开工建设",
        "加快建设",
        "启动建设",
        "加速建设",
        "正在建设",
        "主体完工",
        "建设中",
        "在建中",
        "开工",
        "动工",
        "在建",
    ),
    "cg:Planned": (
        "计划建设",
        "规划建设",
        "签约落地",
        "规划中",
        "签约",
        "落地",
        "引进",
        "落户",
        "洽谈",
        "在谈",
        "对接",
        "意向",
        "拟建",
        "筹建",
        "签订",
        "招引",
        "计划",
        "规划",
    ),
}
STATUS_WORDS: dict[str, str] = {
    word: status
    for word, status in sorted(
        ((w, s) for s, words in _STATUS_GROUPS.items() for w in words),
        key=lambda pair: -len(pair[0]),
    )
}
# The preferred labels of the statuses in ontology/chaingraph.ttl (zh, en).
STATUS_LABELS = {
    "cg:Planned": ("规划", "planned"),
    "cg:UnderConstruction": ("在建", "under construction"),
    "cg:InProduction": ("投产", "in production"),
}


# --------------------------------------------------------------------------- units and scales

# Chinese scales before a unit word (1.1万吨 = 11000 t), longest first.
SCALES = {
    "万亿": Decimal(10**12),
    "亿": Decimal(10**8),
    "万": Decimal(10**4),
    "千": Decimal(10**3),
}
# Unit words -> (unit CURIE, factor): a value in the unit is number x scale x factor.
UNIT_WORDS: dict[str, tuple[str, Decimal]] = {
    "GWh": ("cgu:GWh", Decimal(1)),
    "GW": ("cgu:GW", Decimal(1)),
    "MWh": ("cgu:GWh", Decimal("0.001")),
    "MW": ("cgu:MW", Decimal(1)),
    "千瓦时": ("cgu:GWh", Decimal("0.000001")),
    "千瓦": ("cgu:MW", Decimal("0.001")),
    "芯公里": ("cgu:core-km", Decimal(1)),
    "吨": ("cgu:t", Decimal(1)),
    "元": ("cgu:CNY-100M", Decimal("0.00000001")),
    "%": ("cgu:percent", Decimal(1)),
    "个百分点": ("cgu:percentage-point", Decimal(1)),
    "倍": ("cgu:times", Decimal(1)),
    "项": ("cgu:count", Decimal(1)),
    "个": ("cgu:count", Decimal(1)),
}
# Spellings that sheets use beyond the unit words (matched folded, whole cell only).
SHEET_UNIT_SPELLINGS: dict[str, tuple[str, Decimal]] = {
    "吨/年": ("cgu:t", Decimal(1)),
    "gw/年": ("cgu:GW", Decimal(1)),
    "tonnes": ("cgu:t", Decimal(1)),
    "tons": ("cgu:t", Decimal(1)),
    "tonne": ("cgu:t", Decimal(1)),
}
# Units that measure no capacity (a sheet's 产能 cannot be given in them).
NOT_CAPACITY_UNITS = frozenset({"cgu:percent", "cgu:percentage-point", "cgu:times", "cgu:rank"})


def scaled_unit_words(
    words: dict[str, tuple[str, Decimal]] | None = None,
) -> dict[str, tuple[str, Decimal]]:
    """Every unit word, alone and after each scale (万吨, 万千瓦, 亿元), with its factor.

    >>> scaled_unit_words()["万千瓦"], scaled_unit_words()["亿元"]
    (('cgu:MW', Decimal('10.000')), ('cgu:CNY-100M', Decimal('1.00000000')))
    """
    words = UNIT_WORDS if words is None else words
    out = dict(words)
    for scale, multiple in SCALES.items():
        for word, (unit, factor) in words.items():
            out.setdefault(scale + word, (unit, multiple * factor))
    return out


# Names of the Chinese units in the pint registry (:mod:`chaingraph.units`), and the scaled
# units it defines from them (万吨 = wan_t).
PINT_NAMES = {
    "吨": "t",
    "片": "pian",
    "芯公里": "core_km",
    "元": "yuan",
    "个百分点": "percentage_point",
}
PINT_SCALED = (("万", "吨"), ("亿", "片"), ("万", "芯公里"), ("亿", "元"), ("万", "元"))
SCALE_PINYIN = {"千": "qian", "万": "wan", "亿": "yi", "万亿": "wanyi"}
