"""Roles and permissions. Checked in services so neither the GUI nor the CLI can bypass them."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    CLERK = "clerk"
    SUPERVISOR_CHAIR = "supervisor_chair"
    SUPERVISOR = "supervisor"
    DIRECTOR = "director"
    SECRETARY = "secretary"
    TOWNSHIP_ADMIN = "township_admin"
    VILLAGE_ADMIN = "village_admin"
    COUNTY_ADMIN = "county_admin"
    READONLY = "readonly"
    COUNTY_VIEWER = "county_viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "报账员/文书",
    Role.SUPERVISOR_CHAIR: "村监会主任",
    Role.SUPERVISOR: "村监会成员",
    Role.DIRECTOR: "村委会主任/社长",
    Role.SECRETARY: "村党组织书记",
    Role.TOWNSHIP_ADMIN: "乡镇管理员",
    Role.VILLAGE_ADMIN: "村管理员",
    Role.COUNTY_ADMIN: "区县管理员",
    Role.READONLY: "只读",
    Role.COUNTY_VIEWER: "区县查看",
}


class Perm(str, Enum):
    ROSTER_EDIT = "roster.edit"
    VILLAGE_MANAGE = "village.manage"
    USERS_MANAGE = "users.manage"
    SETTINGS_EDIT = "settings.edit"
    MATTER_EDIT = "matter.edit"
    VOUCHER_EDIT = "voucher.edit"
    VOUCHER_REVIEW = "voucher.review"
    VOUCHER_SIGN_DIRECTOR = "voucher.sign_director"
    VOUCHER_SIGN_SECRETARY = "voucher.sign_secretary"
    VOUCHER_DELIVER = "voucher.deliver"
    VOUCHER_ACCEPT = "voucher.accept"
    MONTH_REVIEW = "month.review"
    MONTH_LOCK = "month.lock"
    MONTH_UNLOCK = "month.unlock"
    DISCLOSURE_EDIT = "disclosure.edit"
    DISCLOSURE_REVIEW = "disclosure.review"
    FEEDBACK_EDIT = "feedback.edit"
    CONTRACT_EDIT = "contract.edit"
    EVALUATION_EDIT = "evaluation.edit"
    IMPORT = "import"
    EXPORT_ID_NUMBERS = "export.id_numbers"
    PRINT = "print"
    BACKUP = "backup"
    RESTORE = "restore"
    EXCHANGE = "exchange"


PERM_LABELS: dict[Perm, str] = {
    Perm.ROSTER_EDIT: "编辑花名册",
    Perm.VILLAGE_MANAGE: "管理村信息",
    Perm.USERS_MANAGE: "管理用户",
    Perm.SETTINGS_EDIT: "修改乡镇规则设置",
    Perm.MATTER_EDIT: "登记五议两公开事项",
    Perm.VOUCHER_EDIT: "录入支出凭证",
    Perm.VOUCHER_REVIEW: "村监会审核凭证",
    Perm.VOUCHER_SIGN_DIRECTOR: "村委会主任（社长）签字",
    Perm.VOUCHER_SIGN_SECRETARY: "村党组织书记签字",
    Perm.VOUCHER_DELIVER: "报送代理记账中心",
    Perm.VOUCHER_ACCEPT: "代理记账中心受理或退回",
    Perm.MONTH_REVIEW: "主持村监会月度审核",
    Perm.MONTH_LOCK: "锁定月份",
    Perm.MONTH_UNLOCK: "解锁月份",
    Perm.DISCLOSURE_EDIT: "编辑公开事项",
    Perm.DISCLOSURE_REVIEW: "村监会审核公开内容",
    Perm.FEEDBACK_EDIT: "登记群众意见及答复",
    Perm.CONTRACT_EDIT: "登记集体合同和资产资源",
    Perm.EVALUATION_EDIT: "登记民主评议",
    Perm.IMPORT: "导入表格",
    Perm.EXPORT_ID_NUMBERS: "导出完整身份证号",
    Perm.PRINT: "打印公告",
    Perm.BACKUP: "备份数据库",
    Perm.RESTORE: "恢复数据库",
    Perm.EXCHANGE: "生成或导入数据包",
}

_ALL = set(Perm)
# An administrator does everything but the acts that belong to the village's offices (审核, 签字).
_ADMIN = frozenset(
    _ALL
    - {
        Perm.VOUCHER_REVIEW,
        Perm.VOUCHER_SIGN_DIRECTOR,
        Perm.VOUCHER_SIGN_SECRETARY,
        Perm.MONTH_REVIEW,
        Perm.DISCLOSURE_REVIEW,
    }
)
GRANTS: dict[Role, frozenset[Perm]] = {
    Role.CLERK: frozenset(
        {
            Perm.ROSTER_EDIT,
            Perm.MATTER_EDIT,
            Perm.VOUCHER_EDIT,
            Perm.VOUCHER_DELIVER,
            Perm.DISCLOSURE_EDIT,
            Perm.FEEDBACK_EDIT,
            Perm.CONTRACT_EDIT,
            Perm.EVALUATION_EDIT,
            Perm.IMPORT,
            Perm.PRINT,
            Perm.BACKUP,
            Perm.EXCHANGE,
        }
    ),
    Role.SUPERVISOR_CHAIR: frozenset(
        {
            Perm.VOUCHER_REVIEW,
            Perm.MONTH_REVIEW,
            Perm.MONTH_LOCK,
            Perm.DISCLOSURE_REVIEW,
            Perm.PRINT,
            Perm.FEEDBACK_EDIT,
            Perm.EVALUATION_EDIT,  # the 村监会 chairs the 民主评议 (村民委员会组织法 第三十三条)
        }
    ),
    Role.SUPERVISOR: frozenset({Perm.VOUCHER_REVIEW, Perm.DISCLOSURE_REVIEW, Perm.PRINT}),
    Role.DIRECTOR: frozenset({Perm.VOUCHER_SIGN_DIRECTOR, Perm.PRINT}),
    Role.SECRETARY: frozenset({Perm.VOUCHER_SIGN_SECRETARY, Perm.PRINT}),
    Role.TOWNSHIP_ADMIN: _ADMIN,
    # The administrator of a village's own PC (the first account of a village site: ``init`` or the wizard with
    # one village, or 作为村安装 from the township's enrolment file): the same powers over that PC as a township's
    # administrator over the township's — accounts, settings and the site key, backups, packages and their
    # conflicts, unlocking a month.
    Role.VILLAGE_ADMIN: _ADMIN,
    # A county server's administrator: its accounts, backups and the townships' packages (a county changes no
    # record of theirs: ``COUNTY_PERMS``).
    Role.COUNTY_ADMIN: _ADMIN,
    Role.READONLY: frozenset({Perm.PRINT}),
    Role.COUNTY_VIEWER: frozenset({Perm.PRINT}),  # 区/县 staff: every village of every township, reading
}

# Roles whose users see every village this database holds (others see only their linked villages): a village
# PC holds its own village (and, read-only, the rows of others its records name, e.g. a payee's village); a
# county's viewers see every village of every township that reports to it.
TOWNSHIP_WIDE = frozenset({Role.TOWNSHIP_ADMIN, Role.VILLAGE_ADMIN, Role.COUNTY_ADMIN, Role.COUNTY_VIEWER})
# The administrators: a site's first account is one.
ADMINS = frozenset({Role.TOWNSHIP_ADMIN, Role.VILLAGE_ADMIN, Role.COUNTY_ADMIN})


def admin_role(site_kind: str) -> Role:
    """The role of the first administrator of a site of ``site_kind`` (township, village or county)."""
    return {"village": Role.VILLAGE_ADMIN, "county": Role.COUNTY_ADMIN}.get(site_kind, Role.TOWNSHIP_ADMIN)


def offered_roles(site_kind: str) -> list[Role]:
    """The roles an account of a site of ``site_kind`` may be given: on a county its administrators and 区县查看;
    elsewhere every role of a township or village office, the administrator being this kind of site's (a
    township PC has 乡镇管理员, a village's own PC 村管理员)."""
    if site_kind == "county":
        return [Role.COUNTY_ADMIN, Role.COUNTY_VIEWER]
    other = admin_role("township" if site_kind == "village" else "village")
    return [r for r in Role if r not in (other, Role.COUNTY_ADMIN, Role.COUNTY_VIEWER)]


# What a county (区/县) database still lets its users do: it holds its townships' records as they reported
# them, and changes none of them (``AppContext.require``). Its own accounts, backups, the exchange of packages
# and printing or exporting what it holds remain.
COUNTY_PERMS = frozenset({Perm.USERS_MANAGE, Perm.BACKUP, Perm.RESTORE, Perm.EXCHANGE, Perm.PRINT,
                          Perm.EXPORT_ID_NUMBERS})  # fmt: skip
COUNTY_REFUSAL = "区县站点只查看各乡镇报送的记录，不能在这里修改（{what}请在乡镇或村的电脑上办理）"


def has_perm(role: Role, perm: Perm) -> bool:
    return perm in GRANTS[role]
