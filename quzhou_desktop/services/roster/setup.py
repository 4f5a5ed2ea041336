"""First-run setup: the township, its villages and the first administrator, in one transaction.

The first administrator is the root of trust (``services.kernel.trust``): its signing key is sealed under the
password and under a recovery code, and signs the setup (``trust.root``). ``initialise`` returns what the
管理员恢复单 shows: the key's fingerprint and the recovery code, which is shown this once and never stored."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from quzhou_desktop.core import signing
from quzhou_desktop.core.errors import Conflict, ValidationError
from quzhou_desktop.services.kernel import keys, trust
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import admin_role
from quzhou_desktop.services.kernel.settings import default_rules_json
from quzhou_desktop.services.kernel.site import KIND_LABELS, default_kind, initial_site_settings
from quzhou_desktop.services.kernel.trust import RecoverySheet
from quzhou_desktop.services.kernel.users import new_account
from quzhou_desktop.services.kernel.validate import clean_name, optional, required
from quzhou_desktop.services.roster.villages import VillageSpec, clean_spec
from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.models import Township, UserAccount, Village


def is_initialised(ctx: AppContext) -> bool:
    with ctx.read() as s:
        return bool(s.scalar(select(func.count()).select_from(Township)))


def initialise(
    ctx: AppContext,
    *,
    township_name: str,
    villages: Sequence[VillageSpec],
    admin_username: str,
    admin_password: str,
    admin_display_name: str,
    township_code: str | None = None,
    rules_json: str | None = None,
    site_kind: str | None = None,
) -> RecoverySheet:
    """Create township, villages and the administrator (the root of trust). Returns the recovery sheet: the
    administrator, the root key's fingerprint and the recovery code (``admin_id`` names the account).

    A database file becomes a site (``services.kernel.site``): ``site_kind`` township or village (default: a
    village site when there is one village), its key file written now, its identity in the settings.

    ``site_kind`` county (区/县): ``township_name`` names the county and there are no villages — the township
    row made is the county's own, holding its site; its townships' villages and records arrive in their
    packages, and the database changes none of them (``AppContext.require``)."""
    name = clean_name(required(township_name, "乡镇名称", max_len=60))
    code = optional(township_code, "乡镇代码", max_len=20)
    specs = [clean_spec(v) for v in villages]
    if site_kind == "county" and specs:
        raise ValidationError(field="村", reason="区县站点不添加村：各村的记录随乡镇报送的数据包到达")
    if not specs and site_kind != "county":  # a county's townships and villages arrive from the townships
        raise ValidationError(field="村", reason="至少要添加一个村")
    seen: set[str] = set()
    for sp in specs:
        if sp.name in seen:
            raise ValidationError(field="村名", reason=f"“{sp.name}”重复了")
        seen.add(sp.name)
    if site_kind is not None and site_kind not in KIND_LABELS:
        raise ValidationError(
            field="站点类型",
            reason=f"“{site_kind}”不支持，可选 township（乡镇）、village（村）或 county（区县）",
        )
    kind = site_kind or default_kind(len(specs))
    admin = new_account(
        username=admin_username,
        display_name=admin_display_name or admin_username,
        role=admin_role(kind),  # 乡镇管理员, 村管理员 on a village's own PC, 区县管理员 on a county
        password=admin_password,
    )
    if rules_json is None:
        rules_json = default_rules_json()
    shown, sealed_code = trust.new_code()
    prepared = keys.PreparedKey(admin_password, sealed_code)
    now = ctx.clock.now()
    with ctx.db.write(Actor(admin.id, admin.username), "setup.initialise") as s:
        if s.scalar(select(func.count()).select_from(Township)):
            raise Conflict("这个数据库已经完成过首次设置")
        if s.scalars(select(UserAccount)).first():
            raise Conflict("这个数据库里已经有用户")
        if not ctx.db.memory:
            rules_json = initial_site_settings(
                rules_json, township_name=name, village_names=[sp.name for sp in specs], kind=kind
            )
        t = Township(name=clean_name(name), code=code, rules_json=rules_json)
        s.add(t)
        s.flush()
        made = [
            Village(
                township_id=t.id,
                name=sp.name,
                code=sp.code,
                households=int(sp.households),
                adults=int(sp.adults),
                finance_busy=sp.finance_busy,
            )
            for sp in specs
        ]
        s.add_all(made)
        s.add(admin)
        key = keys.store_key(s, admin, prepared, now)
        trust.sign_root(s, t, admin, key, prepared.pair.private, now)
        return RecoverySheet(
            t.name,
            admin.display_name,
            admin.username,
            signing.fingerprint(prepared.pair.public),
            shown,
            now,
            admin_id=admin.id,
        )
