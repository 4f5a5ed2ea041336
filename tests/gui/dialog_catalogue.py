"""Every window and dialog the app has, each opened over the demo township the way its page opens it.

``ENTRIES`` drives the screen-fit test (tests/gui/test_fits_screen.py) and the screenshots
(scripts/screenshots.py). ``tests/gui/test_fits_screen.py`` fails when a QDialog, QWizard or QMainWindow
subclass in ``quzhou_desktop/gui`` has no entry here.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget

from quzhou_desktop.services.contracts.query import ContractDetail
from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo
from quzhou_desktop.services.disclosures.disclosure import DisclosureInfo
from quzhou_desktop.services.disclosures.feedback import FeedbackInfo
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters.matter import MatterDetail
from quzhou_desktop.services.roster.people import MembershipRow
from quzhou_desktop.services.vouchers.voucher import VoucherRow
from quzhou_desktop.store.db import Database


class Env:
    """The demo database and one logged-in context per demo user."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = Database(path)
        self._ctx: dict[str, AppContext] = {}

    @classmethod
    def build(cls, folder: Path) -> Env:
        path = folder / "demo.sqlite3"
        if not path.exists():
            build_demo(path)
        return cls(path)

    def as_(self, username: str) -> AppContext:
        if username not in self._ctx:
            ctx = AppContext(self.db)
            login(ctx, username, DEMO_PASSWORD)
            self._ctx[username] = ctx
        return self._ctx[username]

    @property
    def admin(self) -> AppContext:
        return self.as_("admin")

    @property
    def clerk(self) -> AppContext:
        return self.as_("wenshu")

    def village_id(self, ctx: AppContext | None = None) -> str:
        from quzhou_desktop.services.roster.villages import list_villages

        ctx = ctx or self.clerk
        user = ctx.require_user()
        villages = list_villages(self.admin)
        allowed = [v for v in villages if user.village_ids is None or v.id in user.village_ids]
        return allowed[0].id

    def matter(self, status: str = "in_progress") -> MatterDetail:
        from quzhou_desktop.services.matters.matter import get_matter
        from quzhou_desktop.services.matters.query import MatterFilter, list_matters

        rows = list_matters(self.clerk, MatterFilter(village_id=self.village_id(), status=status))
        rows = [r for r in rows if get_matter(self.clerk, r.id).final_steps] or rows
        return get_matter(self.clerk, rows[0].id)

    def voucher(self, status: str | None = None) -> VoucherRow:
        from quzhou_desktop.services.vouchers.query import list_vouchers
        from quzhou_desktop.services.vouchers.voucher import VoucherFilter

        flt = VoucherFilter(statuses=frozenset({status}) if status else frozenset())
        return list_vouchers(self.admin, flt)[0]

    def disclosure(self) -> DisclosureInfo:
        from quzhou_desktop.services.disclosures.disclosure import get_disclosure
        from quzhou_desktop.services.disclosures.register import DisclosureFilter, list_disclosures

        rows = list_disclosures(self.clerk, DisclosureFilter(village_id=self.village_id()))
        return get_disclosure(self.clerk, rows[0].id)

    def feedback(self) -> FeedbackInfo:
        from quzhou_desktop.services.disclosures.feedback import list_feedback
        from quzhou_desktop.services.disclosures.register import DisclosureFilter, list_disclosures

        for row in list_disclosures(self.clerk, DisclosureFilter(village_id=self.village_id())):
            items = list_feedback(self.clerk, row.id)
            if items:
                return items[0]
        raise LookupError("the demo has no feedback")

    def person(self) -> tuple[str, str]:
        from quzhou_desktop.services.roster.people import members

        m = members(self.clerk, self.village_id(), "party_branch")[0]
        return m.person_id, m.person_name

    def membership(self) -> MembershipRow:
        from quzhou_desktop.services.roster.people import members

        return members(self.clerk, self.village_id(), "village_committee")[0]

    def pdf(self) -> tuple[bytes, list[object]]:
        from quzhou_desktop.services.notices.issue import print_notices

        buf = io.BytesIO()
        issued = print_notices(self.admin, [("voucher", self.voucher("accepted").id)], buf)
        return buf.getvalue(), list(issued)

    def close(self) -> None:
        self.db.dispose()


@dataclass(frozen=True)
class Entry:
    name: str  # file name of its screenshot, without .png
    cls: str  # the class's qualified name (module.Class)
    open: Callable[[Env], QWidget]
    large: bool = False  # a main window or a large dialog: also checked maximised at 1920×1080


def _main_window(env: Env) -> QWidget:
    from quzhou_desktop.gui.shell.main_window import MainWindow

    return MainWindow(env.clerk)


def _first_run(env: Env) -> QWidget:
    from quzhou_desktop.gui.shell.first_run import FirstRunWizard

    ctx = AppContext(Database(env.path.parent / "first-run.sqlite3", create=True))
    wiz = FirstRunWizard(ctx)
    wiz.restart()  # showing a wizard that has no current page would restart it at the first page
    wiz.township_page.name_edit.setText("石梁镇")
    wiz.next()
    return wiz


def _server(env: Env) -> QWidget:
    from quzhou_desktop.gui.shell.server_dialog import ServerDialog

    return ServerDialog()


def _server_restore(env: Env) -> QWidget:
    from quzhou_desktop.gui.settings.server_restore import ServerRestoreDialog

    dlg = ServerRestoreDialog(env.admin, database="quzhou")
    dlg.file_edit.setText(
        "/home/wenshu/.local/share/quzhou-desktop/server-backups/quzhou-20261206-173000.dump"
    )
    return dlg


def _login(env: Env) -> QWidget:
    from quzhou_desktop.gui.shell.login import LoginDialog

    return LoginDialog(AppContext(env.db), username="wenshu")


def _step(step: str) -> Callable[[Env], QWidget]:
    def open_(env: Env) -> QWidget:
        from quzhou_desktop.core.matters import StepType
        from quzhou_desktop.gui.matters.step_dialog import StepDialog
        from quzhou_desktop.services.matters.matter import MatterFields, create_matter

        vid = env.village_id()
        row = create_matter(
            env.clerk,
            MatterFields(village_id=vid, title="村文化礼堂提升改造", category="public_welfare",
                         source="村干部提议", amount_fen=38_000_000),
        )  # fmt: skip
        return StepDialog(env.clerk, row.id, vid, StepType(step))

    return open_


def _matter_dialog(env: Env) -> QWidget:
    from quzhou_desktop.gui.matters.matter_dialog import MatterDialog

    return MatterDialog(env.clerk, village_id=env.village_id())


def _amend(env: Env) -> QWidget:
    from quzhou_desktop.gui.matters.amend_dialog import AmendDialog

    return AmendDialog(env.clerk, list(env.matter().steps))


def _files(env: Env) -> QWidget:
    from quzhou_desktop.gui.matters.files_dialog import FilesDialog

    return FilesDialog(env.clerk, list(env.matter().steps))


def _voucher(env: Env) -> QWidget:
    from quzhou_desktop.gui.vouchers.voucher_dialog import VoucherDialog

    return VoucherDialog(env.clerk, env.village_id())


def _review(env: Env) -> QWidget:
    from quzhou_desktop.gui.vouchers.sign_dialogs import ReviewDialog

    ctx = env.as_("jianwei_zr")
    return ReviewDialog(ctx, env.voucher(), lambda _o, _t, _p: None, progress=("委员甲：同意",))


def _sign(env: Env) -> QWidget:
    from quzhou_desktop.gui.vouchers.sign_dialogs import SignDialog

    return SignDialog(env.voucher(), "主任签批", "村务监督委员会：同意（2人）", lambda _p: None)


def _monthly_password(env: Env) -> QWidget:
    from quzhou_desktop.gui.widgets.dialogs import PasswordDialog

    return PasswordDialog("签署月度审核记录", "签署后例会记录不能再修改。", lambda _p: None)


def _person(env: Env) -> QWidget:
    from quzhou_desktop.gui.roster.person_dialog import PersonDialog

    return PersonDialog(env.clerk, env.village_id(), env.person()[0])


def _kin(env: Env) -> QWidget:
    from quzhou_desktop.gui.roster.kin_dialog import AddKinDialog

    pid, name = env.person()
    return AddKinDialog(env.clerk, env.village_id(), pid, name)


def _add_membership(env: Env) -> QWidget:
    from quzhou_desktop.gui.roster.membership_dialogs import AddMembershipDialog

    pid, name = env.person()
    return AddMembershipDialog(env.clerk, pid, name)


def _end_membership(env: Env) -> QWidget:
    from quzhou_desktop.gui.roster.membership_dialogs import EndMembershipDialog

    return EndMembershipDialog(env.clerk, env.membership())


def _password(env: Env) -> QWidget:
    from quzhou_desktop.gui.settings.password import ChangePasswordDialog

    return ChangePasswordDialog(env.clerk)


def _village(env: Env) -> QWidget:
    from quzhou_desktop.gui.settings.villages_tab import VillageDialog
    from quzhou_desktop.services.roster.villages import list_villages

    return VillageDialog(env.admin, list_villages(env.admin)[0])


def _user(env: Env) -> QWidget:
    from quzhou_desktop.gui.settings.user_dialog import UserDialog

    return UserDialog(env.admin)


def _reset_password(env: Env) -> QWidget:
    from quzhou_desktop.gui.settings.user_dialog import ResetPasswordDialog
    from quzhou_desktop.services.kernel.users import list_users

    user = next(u for u in list_users(env.admin) if u.username == "wenshu")
    return ResetPasswordDialog(env.admin, user)


def _item(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.catalogue_tab import ItemDialog

    return ItemDialog(env.admin, None)


def _disclosure_detail(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.detail import DisclosureDetail

    return DisclosureDetail(env.clerk, env.disclosure().id)


def _disclosure(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.dialogs import DisclosureDialog

    return DisclosureDialog(env.clerk, env.village_id(), None)


def _finance(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.dialogs import FinanceDialog

    return FinanceDialog(env.clerk, env.village_id())


def _disclosure_review(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.dialogs import ReviewDialog

    return ReviewDialog(env.as_("jianwei_zr"), env.disclosure())


def _post(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.dialogs import PostDialog

    return PostDialog(env.clerk, env.disclosure())


def _feedback(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.dialogs import FeedbackDialog

    return FeedbackDialog(env.clerk, env.disclosure().id)


def _reply(env: Env) -> QWidget:
    from quzhou_desktop.gui.disclosures.dialogs import ReplyDialog

    return ReplyDialog(env.clerk, env.feedback())


def _preview(env: Env) -> QWidget:
    from quzhou_desktop.gui.printing.actions import open_preview

    pdf, issued = env.pdf()
    dlg = open_preview(None, pdf, issued)  # type: ignore[arg-type]
    dlg.hide()
    return dlg


def _verify(env: Env) -> QWidget:
    from quzhou_desktop.gui.printing.verify_dialog import VerifyDialog

    return VerifyDialog(env.clerk)


def _reason(env: Env) -> QWidget:
    from quzhou_desktop.gui.widgets.dialogs import ReasonDialog

    return ReasonDialog("作废凭证", "请写明作废原因：", lambda _r: None)


def _signed_reason(env: Env) -> QWidget:
    from quzhou_desktop.gui.widgets.dialogs import SignedReasonDialog

    return SignedReasonDialog("退回凭证", "请写明退回原因（签名后记入凭证）：", lambda _r, _p: None)


def _recover(env: Env) -> QWidget:
    from quzhou_desktop.gui.printing.recovery import RecoverDialog

    return RecoverDialog(AppContext(env.db), "admin")


def _root_new_code(env: Env) -> QWidget:
    from quzhou_desktop.gui.printing.recovery import RootDialog

    return RootDialog(env.admin, new_code=True)


def _recovery_sheet(env: Env) -> QWidget:
    """The dialog once its act is done: the 管理员恢复单 in place of the form (shown this once)."""
    from datetime import datetime

    from quzhou_desktop.gui.printing.recovery import RootDialog
    from quzhou_desktop.services.kernel.trust import RecoverySheet

    dlg = RootDialog(env.admin, new_code=True)
    sheet = RecoverySheet(
        "石梁镇", "徐丽华", "admin", "38578 47883 98778 94872 30760 02102", "3DYW-EK8G-NUDL-GPCG-WCH2-V22N",
        datetime(2026, 11, 24, 2, 0),
    )  # fmt: skip
    dlg.show_sheet(sheet)
    return dlg


def _import(env: Env) -> QWidget:
    from quzhou_desktop.gui.spreadsheets.wizard import ImportWizard

    return ImportWizard(env.clerk, env.village_id())


def _contract_detail(env: Env) -> ContractDetail:
    """The demo village's contract with the most schedule lines (the works contract of the road matter)."""
    from quzhou_desktop.services.contracts import query as Q

    rows = Q.list_contracts(env.clerk, Q.ContractFilter(village_id=env.village_id()))
    details = [Q.contract_detail(env.clerk, r.id) for r in rows]
    return max(details, key=lambda d: len(d.lines))


def _contract_new(env: Env) -> QWidget:
    from quzhou_desktop.gui.contracts.contract_dialog import ContractDialog

    return ContractDialog(env.clerk, env.village_id())


def _contract_edit(env: Env) -> QWidget:
    from quzhou_desktop.gui.contracts.contract_dialog import ContractDialog

    return ContractDialog(env.clerk, env.village_id(), _contract_detail(env).row.id)


def _company(env: Env) -> QWidget:
    from quzhou_desktop.gui.contracts.contract_dialog import CompanyDialog

    return CompanyDialog()


def _terminate(env: Env) -> QWidget:
    from quzhou_desktop.gui.contracts.contracts_tab import TerminateDialog

    return TerminateDialog(env.clerk, _contract_detail(env).row)


def _payment(env: Env) -> QWidget:
    from quzhou_desktop.gui.contracts.payment_dialog import PaymentDialog

    detail = _contract_detail(env)
    return PaymentDialog(env.clerk, detail.lines[-1], detail.row.title)


def _asset(env: Env) -> QWidget:
    from quzhou_desktop.gui.contracts.assets_tab import AssetDialog

    return AssetDialog(env.clerk, env.village_id())


def _evaluation(env: Env) -> QWidget:
    from quzhou_desktop.gui.evaluations.evaluation_dialog import EvaluationDialog

    return EvaluationDialog(env.as_("jianwei_zr"), env.village_id())


def _person_picker(env: Env) -> QWidget:
    from quzhou_desktop.gui.widgets.person_picker import PersonPicker

    people = [("1", "王建国"), ("2", "王建华"), ("3", "李秀英")]
    return PersonPicker("选择本村村民", lambda text: [p for p in people if text in p[1]])


FP_TOWNSHIP, FP_VILLAGE = "04217 93350 11862 50749 38026 71533", "61180 27745 90312 05568 44129 83007"


def _join(env: Env) -> QWidget:
    from quzhou_desktop.gui.exchange.labels import digit_groups
    from quzhou_desktop.gui.shell.first_run import FirstRunWizard

    ctx = AppContext(Database(env.path.parent / "first-run-village.sqlite3", create=True))
    wiz = FirstRunWizard(ctx)
    wiz.restart()
    wiz.township_page.village_radio.setChecked(True)
    wiz.next()
    page = wiz.join_page
    page.file_edit.setText("E:/溪口村.登记.zip")
    page.about.setText(
        "石梁镇为溪口村生成的登记文件。请打电话给乡镇，请对方读出乡镇电脑上的密钥指纹，与下面的数字逐组核对："
    )
    page.township_fp.setText(digit_groups(FP_TOWNSHIP))
    return wiz


def _export(env: Env) -> QWidget:
    from quzhou_desktop.gui.exchange.dialogs import ExportDialog
    from quzhou_desktop.services.exchange.export import ExportPlan

    plan = ExportPlan("peer", "石梁镇", "report", 1204, 1788, 571, 13, 22)
    return ExportDialog(env.clerk, plan, to="site", file_name="溪口村-1788.上报.zip", folder=env.path.parent)


def _enrol(env: Env) -> QWidget:
    from quzhou_desktop.gui.exchange.dialogs import EnrolDialog
    from quzhou_desktop.services.roster.villages import list_villages

    villages = [(v.id, v.name) for v in list_villages(env.admin)]
    return EnrolDialog(env.admin, villages, folder=env.path.parent)


def _accept(env: Env) -> QWidget:
    from quzhou_desktop.gui.exchange.dialogs import AcceptDialog

    return AcceptDialog(
        env.admin,
        env.path.parent / "溪口村.应答.zip",
        village="溪口村",
        village_fingerprint=FP_VILLAGE,
        own_fingerprint=FP_TOWNSHIP,
    )


def _county_enrol(env: Env) -> QWidget:
    from quzhou_desktop.gui.exchange.county import CountyEnrolDialog

    return CountyEnrolDialog(env.admin, folder=env.path.parent)


def _add_township(env: Env) -> QWidget:
    from quzhou_desktop.gui.exchange.county import AddTownshipDialog

    return AddTownshipDialog(
        env.admin,
        env.path.parent / "柯城区.区县.登记.zip",
        township="石梁镇",
        township_fingerprint=FP_TOWNSHIP,
        own_fingerprint=FP_VILLAGE,
    )


def _conflict(env: Env) -> QWidget:
    from datetime import datetime

    from quzhou_desktop.gui.exchange.settle_dialogs import ConflictDialog
    from quzhou_desktop.services.exchange.status import ConflictInfo

    ours = {"id": "8f1c", "name": "石梁镇", "code": "330802101", "rules_json": "{}", "row_version": 3,
            "created_at": "2026-01-05 09:12:00", "updated_at": "2026-03-01 10:00:00"}  # fmt: skip
    theirs = {**ours, "name": "石梁镇（村里改的）", "row_version": 4, "updated_at": "2026-03-09 16:41:00"}
    info = ConflictInfo(7, "溪口村", "township", "8f1c", ours, theirs, datetime(2026, 3, 10, 9, 30), "open")
    return ConflictDialog(env.admin, info)


def _fork(env: Env) -> QWidget:
    from datetime import datetime

    from quzhou_desktop.gui.exchange.settle_dialogs import ForkDialog
    from quzhou_desktop.services.exchange.status import ForkInfo

    info = ForkInfo(2, "溪口村", "theirs", 412, "3f2a91c0d4e5" * 5 + "abcd", 398, "9c1d07e2b3a4" * 5 + "abcd",
                    377, "77aa01bb02cc" * 5 + "abcd", datetime(2026, 3, 10, 9, 30), "open", None)  # fmt: skip
    return ForkDialog(env.admin, info)


def _archive(env: Env) -> QWidget:
    from quzhou_desktop.gui.spreadsheets.archive_dialog import ArchiveDialog

    return ArchiveDialog(env.clerk, env.village_id())


G = "quzhou_desktop.gui."
ENTRIES: tuple[Entry, ...] = (
    Entry("main-window", G + "shell.main_window.MainWindow", _main_window, large=True),
    Entry("first-run-wizard", G + "shell.first_run.FirstRunWizard", _first_run),
    Entry("first-run-village", G + "shell.first_run.FirstRunWizard", _join),
    Entry("login", G + "shell.login.LoginDialog", _login),
    Entry("connect-server", G + "shell.server_dialog.ServerDialog", _server),
    Entry("server-restore", G + "settings.server_restore.ServerRestoreDialog", _server_restore),
    Entry("step-propose", G + "matters.step_dialog.StepDialog", _step("propose"), large=True),
    Entry("step-resolve", G + "matters.step_dialog.StepDialog", _step("resolve"), large=True),
    Entry("step-posting", G + "matters.step_dialog.StepDialog", _step("plan_posting")),
    Entry("matter", G + "matters.matter_dialog.MatterDialog", _matter_dialog),
    Entry("matter-amend", G + "matters.amend_dialog.AmendDialog", _amend),
    Entry("matter-files", G + "matters.files_dialog.FilesDialog", _files),
    Entry("voucher", G + "vouchers.voucher_dialog.VoucherDialog", _voucher),
    Entry("voucher-review", G + "vouchers.sign_dialogs.ReviewDialog", _review),
    Entry("voucher-sign", G + "vouchers.sign_dialogs.SignDialog", _sign),
    Entry("monthly-sign", G + "widgets.dialogs.PasswordDialog", _monthly_password),
    Entry("signed-reason", G + "widgets.dialogs.SignedReasonDialog", _signed_reason),
    Entry("recover", G + "printing.recovery.RecoverDialog", _recover),
    Entry("root-new-code", G + "printing.recovery.RootDialog", _root_new_code),
    Entry("recovery-sheet", G + "printing.recovery.RootDialog", _recovery_sheet),
    Entry("person", G + "roster.person_dialog.PersonDialog", _person),
    Entry("kin", G + "roster.kin_dialog.AddKinDialog", _kin),
    Entry("membership-add", G + "roster.membership_dialogs.AddMembershipDialog", _add_membership),
    Entry("membership-end", G + "roster.membership_dialogs.EndMembershipDialog", _end_membership),
    Entry("password", G + "settings.password.ChangePasswordDialog", _password),
    Entry("village", G + "settings.villages_tab.VillageDialog", _village),
    Entry("user", G + "settings.user_dialog.UserDialog", _user),
    Entry("user-reset-password", G + "settings.user_dialog.ResetPasswordDialog", _reset_password),
    Entry("disclosure-item", G + "disclosures.catalogue_tab.ItemDialog", _item),
    Entry("disclosure-detail", G + "disclosures.detail.DisclosureDetail", _disclosure_detail, large=True),
    Entry("disclosure", G + "disclosures.dialogs.DisclosureDialog", _disclosure),
    Entry("disclosure-finance", G + "disclosures.dialogs.FinanceDialog", _finance, large=True),
    Entry("disclosure-review", G + "disclosures.dialogs.ReviewDialog", _disclosure_review),
    Entry("disclosure-post", G + "disclosures.dialogs.PostDialog", _post),
    Entry("disclosure-feedback", G + "disclosures.dialogs.FeedbackDialog", _feedback),
    Entry("disclosure-reply", G + "disclosures.dialogs.ReplyDialog", _reply),
    Entry("print-preview", G + "printing.preview.PreviewDialog", _preview, large=True),
    Entry("verify", G + "printing.verify_dialog.VerifyDialog", _verify),
    Entry("reason", G + "widgets.dialogs.ReasonDialog", _reason),
    Entry("import-wizard", G + "spreadsheets.wizard.ImportWizard", _import, large=True),
    Entry("contract-new", G + "contracts.contract_dialog.ContractDialog", _contract_new, large=True),
    Entry("contract-edit", G + "contracts.contract_dialog.ContractDialog", _contract_edit, large=True),
    Entry("contract-company", G + "contracts.contract_dialog.CompanyDialog", _company),
    Entry("contract-terminate", G + "contracts.contracts_tab.TerminateDialog", _terminate),
    Entry("contract-payment", G + "contracts.payment_dialog.PaymentDialog", _payment),
    Entry("asset", G + "contracts.assets_tab.AssetDialog", _asset),
    Entry("evaluation", G + "evaluations.evaluation_dialog.EvaluationDialog", _evaluation, large=True),
    Entry("exchange-export", G + "exchange.dialogs.ExportDialog", _export),
    Entry("exchange-enrol", G + "exchange.dialogs.EnrolDialog", _enrol),
    Entry("exchange-accept", G + "exchange.dialogs.AcceptDialog", _accept),
    Entry("exchange-county-enrol", G + "exchange.county.CountyEnrolDialog", _county_enrol),
    Entry("exchange-add-township", G + "exchange.county.AddTownshipDialog", _add_township),
    Entry("exchange-conflict", G + "exchange.settle_dialogs.ConflictDialog", _conflict, large=True),
    Entry("exchange-fork", G + "exchange.settle_dialogs.ForkDialog", _fork),
    Entry("person-picker", G + "widgets.person_picker.PersonPicker", _person_picker),
    Entry("archive", G + "spreadsheets.archive_dialog.ArchiveDialog", _archive),
)
# Base classes that are never shown on their own.
ABSTRACT = {G + "widgets.dialogs.ServiceDialog", G + "printing.recovery._SheetStep"}
TODAY = date.today()
