"""A county (区/县) database for tests: the ``world``'s township 石梁镇 (溪口村, 上洋村) and a second township
航埠镇 (溪口村 again, 大坪村) with stricter spending thresholds, a matter and a voucher in each 溪口村, then the
county's own township row 柯城区 holding the site (kind ``county``) — as a county database looks once both
townships' packages have arrived. Records are written before the database becomes a county's (afterwards
nothing may change them)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import select

from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.services.matters import matter as M
from quzhou_desktop.services.vouchers.voucher import create_voucher
from quzhou_desktop.store.models import Township, Village
from tests.support.vouchers import BASE_FIELDS
from tests.support.world import PASSWORD, World

AMOUNT = 300_000  # 3,000 元: 数额较大 in 航埠镇 (from 1,000 元), not in 石梁镇 (from 5,000 元, the default)
STRICT = TownshipRules(spending_t1_fen=100_000)


@dataclass
class County:
    world: World
    admin: AppContext  # the administrator, on the county database
    viewer: AppContext  # 区县查看
    county_id: str  # the county's own township row
    villages: dict[str, str]  # "乡镇/村" -> village id
    matters: dict[str, str]  # "乡镇/村" -> matter id (溪口村 of each township)
    vouchers: dict[str, str]  # "乡镇/村" -> voucher id (溪口村 of each township)


def make_county(world: World) -> County:
    with world.admin.write("test.second_township") as s:
        town = Township(name="航埠镇", rules_json=json.dumps(STRICT.to_dict(), ensure_ascii=False))
        s.add(town)
        s.flush()
        second = [
            Village(township_id=town.id, name=n, households=200, adults=500) for n in ("溪口村", "大坪村")
        ]
        s.add_all(second)
        s.flush()
        villages = {
            "石梁镇/溪口村": world.village_ids[0],
            "石梁镇/上洋村": world.village_ids[1],
            "航埠镇/溪口村": second[0].id,
            "航埠镇/大坪村": second[1].id,
        }
    matters, vouchers = {}, {}
    for key in ("石梁镇/溪口村", "航埠镇/溪口村"):
        vid = villages[key]
        fields = M.MatterFields(
            village_id=vid, title=f"{key[:3]}村道硬化", category="public_welfare", source="村干部提议"
        )
        matters[key] = M.create_matter(world.admin, fields).id
        vouchers[key], _ = create_voucher(world.admin, vid, replace(BASE_FIELDS, amount_fen=AMOUNT))
    with world.admin.write("test.county") as s:
        home = s.scalars(select(Township).where(Township.name == "石梁镇")).one()
        doc = json.loads(home.rules_json or "{}")
        site = doc.pop("site")
        home.rules_json = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        county = Township(
            name="柯城区",
            rules_json=json.dumps({"site": {**site, "kind": "county", "name": "柯城区"}}, ensure_ascii=False),
        )
        s.add(county)
        s.flush()
        county_id = county.id
    admin = AppContext(world.db, clock=world.clock)
    admin.user = world.admin.user
    info = create_user(admin, username="quxian", display_name="区县查看员", role=Role.COUNTY_VIEWER,
                       password=PASSWORD, village_ids=[], credential=PASSWORD)  # fmt: skip
    return County(world, admin, world.as_user(info.id), county_id, villages, matters, vouchers)
