"""The demo township for GUI tests and screenshots (not the ``world``): 石梁镇 with three villages, people and
the first village's 两委, 党员, 村民代表 and 村监会 seats, built through the real services."""

from __future__ import annotations

from datetime import date

from quzhou_desktop.core.idcard import check_digit
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster import setup
from quzhou_desktop.services.roster.villages import VillageSpec, list_villages

ADMIN, ADMIN_PASSWORD = "admin", "Quzhou-2026"
VILLAGES = [
    VillageSpec("余东村", "330802101", 412, 1130, True),
    VillageSpec("后溪村", "330802102", 268, 745, False),
    VillageSpec("石门村", "330802103", 195, 540, False),
]
SURNAMES = "王李张刘陈杨黄吴徐周叶郑方何毛"
GIVEN = ["建国", "秀英", "海军", "丽华", "伟", "红梅", "志强", "美玲", "国庆", "春燕", "德明", "桂芳",
         "文斌", "晓燕", "金水", "月娥", "永康", "雪梅", "新华", "素珍", "立新", "爱华", "根土", "菊花",
         "卫东", "玉兰", "小龙", "慧敏", "长生", "彩霞", "家豪", "佳怡"]  # fmt: skip
FEMALE = {
    "秀英",
    "丽华",
    "红梅",
    "美玲",
    "春燕",
    "桂芳",
    "晓燕",
    "月娥",
    "雪梅",
    "素珍",
    "爱华",
    "菊花",
    "玉兰",
    "慧敏",
    "彩霞",
    "佳怡",
}


def id_number(i: int, female: bool, born: date) -> str:
    seq = 100 + 2 * i + (0 if female else 1)
    first17 = f"330802{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def build_demo_township(ctx: AppContext, *, people_per_village: int = 30) -> None:
    setup.initialise(
        ctx, township_name="石梁镇", township_code="330802100", villages=VILLAGES,
        admin_username=ADMIN, admin_password=ADMIN_PASSWORD, admin_display_name="徐丽华",
    )  # fmt: skip
    auth.login(ctx, ADMIN, ADMIN_PASSWORD)
    for vi, village in enumerate(list_villages(ctx)):
        n = people_per_village if vi == 0 else 5
        ids: list[str] = []
        for i in range(n):
            given = GIVEN[i % len(GIVEN)]
            female = given in FEMALE
            born = date(1950 + (i * 7) % 50, 1 + i % 12, 1 + (i * 3) % 28)
            row = people_svc.add_person(
                ctx, village.id,
                people_svc.PersonFields(
                    name=SURNAMES[(i + vi) % len(SURNAMES)] + given,
                    gender="女" if female else "男",
                    id_number=id_number(i + 40 * vi, female, born),
                    phone=f"139{5700 + vi:04d}{1000 + i:04d}",
                    group_name=f"第{1 + i % 6}村民小组",
                    household_head=i % 3 == 0,
                    note="低保户" if i == 7 else None,
                ),
            )  # fmt: skip
            ids.append(row.id)
        if vi == 0:
            seat(ctx, ids)


def seat(ctx: AppContext, ids: list[str]) -> None:
    start = date(2023, 3, 1)
    add = people_svc.add_membership
    add(ctx, ids[0], body="party_branch", role="secretary", start_date=start)
    add(ctx, ids[1], body="village_committee", role="director", start_date=start)
    for i in range(2, 5):
        add(ctx, ids[i], body="village_committee", role="member", start_date=start)
    for i, pid in enumerate(ids[:12]):
        add(ctx, pid, body="party_meeting", role="member", start_date=start,
            party_status="probationary" if i == 11 else "full")  # fmt: skip
    for pid in ids[5:20]:
        add(ctx, pid, body="rep_meeting", role="rep", start_date=start)
    add(ctx, ids[20], body="supervisory", role="chair", start_date=start)
    for pid in ids[21:23]:
        add(ctx, pid, body="supervisory", role="member", start_date=start)
