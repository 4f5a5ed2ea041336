"""Sorting Chinese personal names the way a clerk looks them up: by pinyin (surname first), then strokes by
code point as a tie-break. Polyphonic surnames take their surname reading (曾 zēng, 单 shàn…)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Surnames whose everyday reading differs from their reading as a surname.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "缪": "miao",
    "翟": "zhai",
    "乐": "yue",
    "覃": "qin",
    "尉": "yu",
    "员": "yun",
    "盖": "ge",
    "种": "chong",
    "长": "chang",
    "万": "wan",
}


def pinyin_key(name: str) -> tuple[str, str]:
    """A sort key: ("wang jian guo", "王建国")."""
    name = name.strip()
    if not name:
        return ("", "")
    first = SURNAME_READINGS.get(name[0])
    rest = lazy_pinyin(name[1:] if first else name, style=Style.NORMAL, errors="default")
    syllables = ([first] if first else []) + [r.lower() for r in rest]
    return (" ".join(syllables), name)


def sorted_by_pinyin(names: list[str]) -> list[str]:
    return sorted(names, key=pinyin_key)
