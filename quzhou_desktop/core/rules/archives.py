"""Filing the village's records as 村级档案: C42."""

from __future__ import annotations

from quzhou_desktop.core.rules.entry import Rule

AREA = "村务档案"

RULES: tuple[Rule, ...] = (
    Rule(
        "C42", "档案分类和保管期限",
        "村务档案按党群工作类、村务管理类、经营管理类、基本建设类、会计类、声像类等分类归档，卷内目录写明每件的"
        "类别和保管期限。保管期限分永久、30年、10年；各类默认的期限是：会计类30年，其余永久，乡镇可按县级档案"
        "部门制定的归档范围和保管期限表调整。",
        "《村级档案管理办法》（国家档案局、民政部、农业部令第12号，2017年）第七条、第八条及附件"
        "《村级文件材料归档范围和档案保管期限表》；《会计档案管理办法》（财政部、国家档案局令第79号）第十四条",
        settings=(
            "archive_retention_party",
            "archive_retention_admin",
            "archive_retention_business",
            "archive_retention_construction",
            "archive_retention_accounting",
            "archive_retention_audiovisual",
        ),
        note="办法第七条允许县级档案行政管理部门制定本地的归档范围和保管期限表，所以各类的期限作为乡镇设置；"
        "本程序不产生事业发展类、设备仪器类、实物类档案。会计凭证、会计账簿的30年出自《会计档案管理办法》"
        "附表；代理记账的村，会计档案原件由代理记账机构保管。",
    ),
)  # fmt: skip
