"""Realistic sample notices (a village in 衢州市柯城区, a road-hardening project) shared by tests and PNG renders."""

from __future__ import annotations

import dataclasses
import datetime as dt

from quzhou_desktop.printing.documents import (
    AmountLine,
    DisclosureNotice,
    DisclosureTable,
    FinanceLine,
    FinanceNotice,
    Meeting,
    PlanNotice,
    RegisterForm,
    RegisterStep,
    ResolutionNotice,
    ResultNotice,
    ReviewedVoucher,
    ReviewReport,
    Signer,
    Signoff,
    Votes,
    VoucherForm,
)
from quzhou_desktop.printing.verification import make_code

ORG = "柯城区石梁镇下村村"
MATTER = "下村村村道硬化工程"
D = dt.date


def code(kind: str) -> str:
    return make_code(kind, f"sample-{kind}", kind, "0" * 64)


PLAN = PlanNotice(
    organisation=ORG,
    title="下村村关于村道硬化工程实施方案的公示",
    date=D(2026, 11, 2),
    issuer="下村村村民委员会",
    code=code("plan"),
    matter=MATTER,
    plan_text=(
        "（一）建设内容：对村内溪边自然村至后山自然村道路实施水泥硬化，全长1.2公里，宽4.5米，厚20厘米，"
        "同步建设排水边沟。\n"
        "（二）资金预算：工程预算总额¥128,650.00（人民币壹拾贰万捌仟陆佰伍拾元整），"
        "其中上级“千万工程”补助资金¥80,000.00，村集体自筹¥48,650.00。\n"
        "（三）实施方式：按规定委托镇招投标中心组织竞争性比选，确定施工单位，由村务监督委员会全程监督。"
    ),
    meeting=Meeting(
        body="村务联席会议",
        date=D(2026, 10, 28),
        place="村委会二楼会议室",
        chair="吴建国",
        entitled=11,
        present=10,
    ),
    posting_from=D(2026, 11, 2),
    posting_to=D(2026, 11, 8),
    feedback="公示期内，村民如有意见或建议，可投入村委会门口意见箱，或拨打村务监督委员会电话0570-8765432反映。",
)

RESOLUTION = ResolutionNotice(
    organisation=ORG,
    title="下村村关于村道硬化工程的决议公告",
    date=D(2026, 11, 24),
    issuer="下村村村民委员会",
    code=code("resolution"),
    matter=MATTER,
    meeting=Meeting(
        body="村民代表会议", date=D(2026, 11, 23), place="村文化礼堂", chair="吴建国", entitled=45, present=42
    ),
    votes=Votes(yes=39, no=2, abstain=1, method="举手表决"),
    decision_text=(
        "同意实施下村村村道硬化工程，工程预算总额¥128,650.00（人民币壹拾贰万捌仟陆佰伍拾元整）。\n"
        "由村民委员会负责组织实施，村务监督委员会全程监督，工程完工后公开实施结果。"
    ),
    posting_from=D(2026, 11, 24),
    posting_to=D(2026, 11, 30),
    objection="村委会门口意见箱；村务监督委员会主任毛秀英，电话13905701234。",
)

RESULT = ResultNotice(
    organisation=ORG,
    title="下村村关于村道硬化工程实施结果的公告",
    date=D(2027, 3, 18),
    issuer="下村村村民委员会",
    code=code("result"),
    matter=MATTER,
    summary=(
        "工程由衢州市柯城区通达路桥工程有限公司施工，于2026年12月5日开工，全长1.2公里道路硬化及排水边沟"
        "已全部完成，经镇村建办、村务监督委员会和村民代表共同验收合格。"
    ),
    amounts=(
        AmountLine(label="工程施工费", fen=11865000),
        AmountLine(label="材料检测费", fen=350000),
        AmountLine(label="工程监理费", fen=650000),
    ),
    completed=D(2027, 3, 10),
    feedback="村民对工程质量和资金使用有意见的，可在公告之日起十日内向村务监督委员会反映，电话0570-8765432。",
    posting_from=D(2027, 3, 18),
    posting_to=D(2027, 3, 24),
)

FINANCE = FinanceNotice(
    organisation="下村村股份经济合作社",
    title="下村村2026年11月财务公开表",
    date=D(2026, 12, 5),
    issuer="下村村股份经济合作社",
    code=code("finance"),
    period="2026年11月",
    lines=(
        FinanceLine(
            date=D(2026, 11, 3),
            summary="收到上级“千万工程”补助资金",
            income_fen=8000000,
            source="上级补助",
            department="村委会",
            opinion="同意",
        ),
        FinanceLine(
            date=D(2026, 11, 6),
            summary="村道硬化工程预付款",
            expense_fen=5000000,
            source="上级补助",
            department="村委会",
            opinion="同意",
        ),
        FinanceLine(
            date=D(2026, 11, 12),
            summary="村文化礼堂电费",
            expense_fen=128650,
            source="集体收入",
            department="村委会",
            opinion="同意",
        ),
        FinanceLine(
            date=D(2026, 11, 18),
            summary="山林承包费收入",
            income_fen=1560000,
            source="经营收入",
            department="经济合作社",
            opinion="同意",
        ),
        FinanceLine(
            date=D(2026, 11, 25),
            summary="垃圾分类保洁员工资（3人）",
            expense_fen=720000,
            source="集体收入",
            department="村委会",
            opinion="同意",
        ),
    ),
    reviewers=("毛秀英", "郑立新", "余晓燕"),
    review_date=D(2026, 12, 3),
)

REVIEW = ReviewReport(
    organisation="下村村",
    title="下村村村务监督委员会2026年11月财务审核意见书",
    date=D(2026, 12, 3),
    issuer="下村村村务监督委员会",
    code=code("review"),
    month="2026年11月",
    meeting_date=D(2026, 12, 3),
    attendees=("毛秀英", "郑立新", "余晓燕"),
    vouchers=(
        ReviewedVoucher(
            no="2026-11-001",
            date=D(2026, 11, 6),
            payee="衢州市柯城区通达路桥工程有限公司",
            purpose="村道硬化工程预付款",
            fen=5000000,
            opinion="同意",
        ),
        ReviewedVoucher(
            no="2026-11-002",
            date=D(2026, 11, 12),
            payee="国网衢州供电公司",
            purpose="文化礼堂电费",
            fen=128650,
            opinion="同意",
        ),
        ReviewedVoucher(
            no="2026-11-003",
            date=D(2026, 11, 25),
            payee="徐有根等3人",
            purpose="保洁员工资",
            fen=720000,
            opinion="补正：附考勤表",
        ),
    ),
    overall_opinion="本月支出凭证3笔，手续基本齐全，金额与决议相符。第2026-11-003号凭证需补附考勤表后再行签字。",
    signers=(
        Signer(role="村监会主任", name="毛秀英"),
        Signer(role="委员", name="郑立新"),
        Signer(role="委员", name="余晓燕"),
    ),
)

VOUCHER = VoucherForm(
    organisation="下村村股份经济合作社",
    title="支出凭证审批单",
    date=D(2026, 11, 6),
    issuer="下村村股份经济合作社",
    code=code("voucher"),
    no="2026-11-001",
    voucher_date=D(2026, 11, 6),
    handler="徐国平",
    witness="吴建国",
    payee="衢州市柯城区通达路桥工程有限公司",
    purpose="村道硬化工程预付款（合同总价¥128,650.00的38.9%）",
    fen=5000000,
    funding_source="上级补助（千万工程）",
    attachments=3,
    decision_ref="村民代表会议决议 下村〔2026〕7号",
    review=Signoff(name="毛秀英、郑立新", date=D(2026, 11, 7), opinion="同意。附件齐全，与决议相符。"),
    director=Signoff(name="吴建国", date=D(2026, 11, 8)),
    secretary=Signoff(name="周春林", date=D(2026, 11, 8)),
    agency=Signoff(),
)

REGISTER = RegisterForm(
    organisation="下村村",
    title="五议两公开登记表",
    date=D(2027, 3, 18),
    issuer="下村村村民委员会",
    code=code("register"),
    matter=MATTER,
    category="村集体经济项目",
    steps=(
        RegisterStep(
            step="提议",
            date=D(2026, 10, 20),
            form="村党组织提议",
            content="溪边至后山道路年久失修，提议硬化",
            signatures="周春林",
        ),
        RegisterStep(
            step="商议",
            date=D(2026, 10, 28),
            form="村务联席会议",
            entitled=11,
            present=10,
            yes=10,
            no=0,
            abstain=0,
            content="形成初步方案，预算¥128,650.00",
        ),
        RegisterStep(
            step="审议",
            date=D(2026, 11, 16),
            form="党员大会",
            entitled=31,
            present=27,
            yes=26,
            no=0,
            abstain=1,
            content="审议通过实施方案",
        ),
        RegisterStep(
            step="决议",
            date=D(2026, 11, 23),
            form="村民代表会议",
            entitled=45,
            present=42,
            yes=39,
            no=2,
            abstain=1,
            content="表决通过",
        ),
        RegisterStep(step="决议公开", date=D(2026, 11, 24), form="公开栏公告", content="公告7天，无异议"),
        RegisterStep(
            step="实施", date=D(2026, 12, 5), form="比选确定施工单位", content="2027年3月10日完工验收"
        ),
        RegisterStep(
            step="实施结果公开", date=D(2027, 3, 18), form="公开栏公告", content="工程总支出¥128,650.00"
        ),
    ),
)

DISCLOSURE = DisclosureNotice(
    organisation=ORG,
    title="下村村2026年第三季度党员党费缴纳情况公开",
    date=D(2026, 10, 15),
    issuer="中共下村村支部委员会",
    code=code("disclosure"),
    category="党务公开",
    item="党员党费缴纳情况（定期公开）",
    period="2026年第三季度",
    addressee="全体党员、村民：",
    body="现将本村党员2026年第三季度党费缴纳情况公开如下，接受全体党员和村民监督。\n"
    "本季度应缴党费党员31名，已全部按时足额缴纳。",
    table=DisclosureTable(
        columns=("序号", "姓名", "缴纳月份", "月缴纳额（元）", "本季度合计（元）", "备注"),
        rows=(
            ("1", "周春林", "7月至9月", "30.00", "90.00", ""),
            ("2", "吴建国", "7月至9月", "25.00", "75.00", ""),
            ("3", "毛秀英", "7月至9月", "2.00", "6.00", "退休党员"),
            ("4", "郑立新", "7月至9月", "0.20", "0.60", "生活困难，经支部同意"),
        ),
    ),
    posting_from=D(2026, 10, 15),
    posting_to=D(2026, 11, 14),
    feedback="党员、村民如有意见，可投入村委会门口意见箱，或向村务监督委员会主任毛秀英（电话13905701234）反映。",
    reviewers=("毛秀英",),
    review_date=D(2026, 10, 12),
    review_opinion="经审核，公开内容真实、完整，同意公开。",
)

ALL = {
    "plan": PLAN,
    "resolution": RESOLUTION,
    "result": RESULT,
    "finance": FINANCE,
    "review": REVIEW,
    "voucher": VOUCHER,
    "register": REGISTER,
    "disclosure": DISCLOSURE,
}


def long_resolution(paragraphs: int = 14) -> ResolutionNotice:
    """The sample 决议公告 with a decision long enough for two or more pages."""
    text = "\n".join(
        f"第{i}项：村道硬化工程由村民委员会组织实施，村务监督委员会全程监督，资金使用按月公开，接受村民监督。"
        for i in range(1, paragraphs + 1)
    )
    return dataclasses.replace(RESOLUTION, decision_text=text)
