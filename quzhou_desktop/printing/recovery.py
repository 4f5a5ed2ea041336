"""The 管理员恢复单: one page that lets an office which forgot the only administrator password recover it
without losing the chain of signatures (the recovery code unseals the root administrator's signing key).

Laid out like the other notices (GB/T 9704 faces and grid): title, what the sheet is, the township and the
administrator, the root key's fingerprint (which ``verify`` shows, to compare), the recovery code in large
type, and what to do, in plain words; the date it was issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from quzhou_desktop.printing.documents import Notice
from quzhou_desktop.printing.layout import Composer
from quzhou_desktop.printing.notices import cn, heading

CODE_SIZE = 20.0


@dataclass(frozen=True, kw_only=True)
class RecoverySheetDoc(Notice):
    kind: ClassVar[str] = "recovery"
    admin_name: str
    username: str
    fingerprint: str  # six groups of five digits
    recovery_code: str  # six groups of four, with dashes


def recovery_sheet(
    *, township: str, admin_name: str, username: str, fingerprint: str, recovery_code: str, issued: dt.date
) -> RecoverySheetDoc:
    return RecoverySheetDoc(
        organisation=township,
        title=f"{township}管理员恢复单",
        date=issued,
        issuer=township,
        admin_name=admin_name,
        username=username,
        fingerprint=fingerprint,
        recovery_code=recovery_code,
    )


def _large(comp: Composer, text: str, field: str) -> None:
    comp.paragraph(text, field=field, role="number", size=CODE_SIZE, indent=0, align="center")


def render_recovery(comp: Composer, doc: RecoverySheetDoc) -> None:
    comp.title(doc.title)
    comp.paragraph(
        "本单用于管理员忘记密码、又没有其他管理员时找回管理员账号。请锁入文件柜保管，不要拍照、复印，"
        "不要告诉他人恢复码。",
        field="说明",
    )
    heading(comp, 1, "账号")
    comp.paragraph(
        f"乡镇：{doc.organisation}　管理员：{doc.admin_name}（用户名 {doc.username}）", field="账号"
    )
    heading(comp, 2, "信任根密钥指纹")
    _large(comp, doc.fingerprint, "指纹")
    comp.paragraph(
        "“校验数据库”显示的密钥指纹应与此相同；如不同，说明数据库被替换或篡改，请停止使用并报告县（区）"
        "农经主管部门。",
        field="指纹说明",
    )
    heading(comp, 3, "恢复码")
    _large(comp, doc.recovery_code, "恢复码")
    heading(comp, 4, "如何使用")
    comp.paragraph(
        "在登录界面点“忘记管理员密码”，输入用户名和恢复码，设置新密码（命令行：quzhou-desktop recover）。"
        "找回后请打印新的恢复单并销毁本单，本单从此失效。",
        field="使用方法",
    )
    comp.signature(doc.issuer, cn(doc.date))
