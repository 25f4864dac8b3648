"""Hong Kong degree-awarding institutions, and the many ways people write their names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Institution:
    code: str
    name: str
    name_hant: str
    name_hans: str
    aliases: tuple[str, ...] = ()


INSTITUTIONS: tuple[Institution, ...] = (
    Institution("HKU", "The University of Hong Kong", "香港大學", "香港大学", ("HKU", "港大")),
    Institution(
        "CUHK",
        "The Chinese University of Hong Kong",
        "香港中文大學",
        "香港中文大学",
        ("CUHK", "中大"),
    ),
    Institution(
        "HKUST",
        "The Hong Kong University of Science and Technology",
        "香港科技大學",
        "香港科技大学",
        ("HKUST", "UST", "科大"),
    ),
    Institution(
        "PolyU",
        "The Hong Kong Polytechnic University",
        "香港理工大學",
        "香港理工大学",
        ("PolyU", "HKPolyU", "理大"),
    ),
    Institution(
        "CityU",
        "City University of Hong Kong",
        "香港城市大學",
        "香港城市大学",
        ("CityU", "CityUHK", "城大"),
    ),
    Institution(
        "HKBU",
        "Hong Kong Baptist University",
        "香港浸會大學",
        "香港浸会大学",
        ("HKBU", "浸大"),
    ),
    Institution("LingU", "Lingnan University", "嶺南大學", "岭南大学", ("LingU", "LU", "嶺大")),
    Institution(
        "EdUHK",
        "The Education University of Hong Kong",
        "香港教育大學",
        "香港教育大学",
        ("EdUHK", "教大"),
    ),
    Institution(
        "HKMU",
        "Hong Kong Metropolitan University",
        "香港都會大學",
        "香港都会大学",
        ("HKMU", "Open University of Hong Kong", "OUHK", "都大"),
    ),
    Institution(
        "HSUHK",
        "The Hang Seng University of Hong Kong",
        "香港恒生大學",
        "香港恒生大学",
        ("HSUHK", "HSU", "恒大"),
    ),
    Institution(
        "HKSYU",
        "Hong Kong Shue Yan University",
        "香港樹仁大學",
        "香港树仁大学",
        ("HKSYU", "SYU", "樹仁"),
    ),
    Institution(
        "SFU",
        "Saint Francis University",
        "聖方濟各大學",
        "圣方济各大学",
        ("Caritas Institute of Higher Education", "CIHE"),
    ),
    Institution(
        "HKAPA",
        "The Hong Kong Academy for Performing Arts",
        "香港演藝學院",
        "香港演艺学院",
        ("HKAPA", "APA", "演藝"),
    ),
    Institution(
        "THEi",
        "Technological and Higher Education Institute of Hong Kong",
        "香港高等教育科技學院",
        "香港高等教育科技学院",
        ("THEi",),
    ),
    Institution(
        "CHC",
        "Hong Kong Chu Hai College",
        "香港珠海學院",
        "香港珠海学院",
        ("Chu Hai College of Higher Education", "Chu Hai"),
    ),
    Institution("TWC", "Tung Wah College", "東華學院", "东华学院", ("TWC",)),
    Institution(
        "GCC",
        "Gratia Christian College",
        "宏恩基督教學院",
        "宏恩基督教学院",
        ("GCC",),
    ),
    Institution(
        "UOWCHK",
        "UOW College Hong Kong",
        "香港伍倫貢學院",
        "香港伍伦贡学院",
        ("UOWCHK", "Community College of City University"),
    ),
)

BY_CODE = {inst.code: inst for inst in INSTITUTIONS}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[\s.,'’-]+", " ", text).strip()


_LOOKUP: dict[str, str] = {}
for _inst in INSTITUTIONS:
    for _form in (_inst.code, _inst.name, _inst.name_hant, _inst.name_hans, *_inst.aliases):
        _LOOKUP[_fold(_form)] = _inst.code


def resolve_institution(text: str) -> str | None:
    """Return the institution code for a name as people write it, or None if unknown."""
    if not text or not text.strip():
        return None
    return _LOOKUP.get(_fold(text))


def institution_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """(code, display name) pairs for a select field, in the order above."""
    return [
        (inst.code, f"{institution_name(inst.code, locale)} ({inst.code})") for inst in INSTITUTIONS
    ]


def institution_name(code: str | None, locale: str | None = None) -> str:
    """The institution's name in the reader's script: zh_Hant_* and zh_Hans_* get Chinese."""
    inst = BY_CODE.get(code or "")
    if inst is None:
        return code or ""
    if locale and locale.startswith("zh_Hant"):
        return inst.name_hant
    if locale and locale.startswith("zh"):
        return inst.name_hans
    return inst.name
