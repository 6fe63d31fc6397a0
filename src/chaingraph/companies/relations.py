"""Groups and their companies, read from text: 旗下, 全资子公司, 控股子公司.

:func:`group_mentions` finds the sentences that say a company belongs to a group; the
extractor calls it on each sentence and keeps the quote as the tie's evidence. The child is
never merged into its group: the tie is ``cg:parentOrganization``.

>>> [(m.company, m.group, m.pattern) for m in group_mentions(
...     "晶科能源旗下四川晶科能源有限公司年产10GW单晶硅片项目在乐山投产。")]
[('四川晶科能源有限公司', '晶科能源', '旗下')]
>>> [(m.company, m.group) for m in group_mentions("四川永祥股份有限公司是通威股份的全资子公司。")]
[('四川永祥股份有限公司', '通威股份')]
>>> [(m.company, m.group) for m in group_mentions("通威股份控股子公司永祥股份，位于乐山。")]
[('永祥股份', '通威股份')]
>>> group_mentions("该项目由晶科能源投资建设。")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocabulary import TEXT_LEGAL_FORMS

__all__ = ["GroupMention", "group_mentions"]

_FORMS = "|".join(sorted(map(re.escape, TEXT_LEGAL_FORMS), key=len, reverse=True))
# A company name: Chinese, Latin letters, digits and brackets (a place), no punctuation.
_NAME = r"[\u4e00-\u9fffA-Za-z0-9（）()]"
_CLAUSE = r"(?:^|(?<=[。；;，,！？!?\n、：:]))"
# 晶科能源旗下四川晶科能源有限公司 / 晶科能源旗下的晶科（乐山）: the child ends at a legal form.
_UNDER = re.compile(
    rf"{_CLAUSE}(?P<group>{_NAME}{{2,20}}?)旗下(?:的)?(?P<company>{_NAME}{{2,30}}?(?:{_FORMS}))"
)
# 四川永祥股份有限公司是通威股份的全资子公司 / 系…控股子公司 / 为…子公司
_IS_SUBSIDIARY = re.compile(
    rf"{_CLAUSE}(?P<company>{_NAME}{{2,30}}?)(?:是|为|系)(?P<group>{_NAME}{{2,20}}?)"
    r"(?:的)?(?P<how>全资|控股|下属)?子公司"
)
# 通威股份控股子公司永祥股份 / 通威股份的全资子公司四川永祥股份有限公司
_SUBSIDIARY_NAMED = re.compile(
    rf"{_CLAUSE}(?P<group>{_NAME}{{2,20}}?)(?:的)?(?P<how>全资|控股|下属)子公司"
    rf"(?P<company>{_NAME}{{2,30}}?)(?=[，,。；;、\s]|在|于|位于|年产|投资|建设|$)"
)


@dataclass(frozen=True)
class GroupMention:
    """A company said to belong to a group, with where the sentence says so."""

    company: str
    group: str
    pattern: str  # 旗下, 全资子公司, 控股子公司, 子公司
    start: int
    end: int


def group_mentions(sentence: str) -> list[GroupMention]:
    """Every ``(company, group)`` tie the sentence states, in order."""
    found: list[GroupMention] = []
    for pattern, how in ((_UNDER, "旗下"), (_IS_SUBSIDIARY, None), (_SUBSIDIARY_NAMED, None)):
        for match in pattern.finditer(sentence):
            company, group = match.group("company"), match.group("group")
            if company == group:
                continue
            said = how or (match.groupdict().get("how") or "") + "子公司"
            found.append(GroupMention(company, group, said, match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)
