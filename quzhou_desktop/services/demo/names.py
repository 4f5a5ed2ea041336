"""Plausible names, ID numbers and phone numbers for demo and benchmark data (deterministic per rng)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from quzhou_desktop.core.idcard import check_digit

SURNAMES = "徐郑吴王张毛余周姜叶汪方刘陈杨祝柴邵胡程黄李何蓝雷"
GIVEN_M = "建国志强伟明海军华林平勇涛斌俊杰辉峰刚文龙飞春生荣福根水土金"
GIVEN_F = "秀英丽娟芳红霞玲燕萍琴云凤兰梅花珍美月素彩爱"
REGION = "330802"  # 衢州市柯城区


def person_name(rng: random.Random, female: bool) -> str:
    pool = GIVEN_F if female else GIVEN_M
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def id_number(rng: random.Random, birth: date, female: bool) -> str:
    seq = rng.randrange(0, 100) * 10 + (
        rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9])
    )
    first17 = f"{REGION}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def birth_date(rng: random.Random, today: date, min_age: int = 20, max_age: int = 80) -> date:
    return today - timedelta(days=rng.randint(min_age * 365, max_age * 365))


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(["135", "137", "138", "139", "150", "158", "159", "187", "188"])
        + f"{rng.randrange(10**8):08d}"
    )
