"""数据交换 section. A village site: 生成上报数据包, 导入回执/下发包. A township site: 导入数据包 (many files or a
whole folder), the per-village table, 生成下发数据包, 登记村 and 接受应答; towards its county 向区县登记 and
生成上报数据包. A county site: 添加乡镇 and 导入数据包. All: the conflict list and the fork alarm, each settled by a
person with the right."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.exchange import SITE_KINDS
from quzhou_desktop.core.signing import fingerprint
from quzhou_desktop.gui.exchange import peers as peers_view
from quzhou_desktop.gui.exchange.county import AddTownshipDialog, CountyEnrolDialog
from quzhou_desktop.gui.exchange.dialogs import AcceptDialog, EnrolDialog, ExportDialog
from quzhou_desktop.gui.exchange.labels import digit_groups, field_label, record_label, when
from quzhou_desktop.gui.exchange.results import fill_results, results_table
from quzhou_desktop.gui.exchange.settle_dialogs import ConflictDialog, ForkDialog
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.gui.tasks import run_task
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.exchange.apply import ImportResult, import_files
from quzhou_desktop.services.exchange.enrol import is_county_enrolment, read_answer, read_enrolment
from quzhou_desktop.services.exchange.export import ExportPlan, plan_export
from quzhou_desktop.services.exchange.status import (
    ConflictInfo,
    ExchangeStatus,
    ForkInfo,
    exchange_status,
    list_conflicts,
    list_forks,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.roster.villages import list_villages

RED = "#b00020"
D = TypeVar("D", bound=QDialog)
ZIP_FILTER = "数据包、回执 (*.zip)"


def own_receipts_suffix(kind: str) -> str:
    """Receipts this site wrote next to packages it imported (left on the stick for the peer, not for us)."""
    return ".上报.回执.zip" if kind == "township" else ".下发.回执.zip"


class ExchangePage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.status: ExchangeStatus | None = None
        self.conflicts: list[ConflictInfo] = []
        self.forks: list[ForkInfo] = []
        self.results: list[ImportResult] = []
        self.dialog: QDialog | None = None
        self.last_folder: Path | None = None
        lay = QVBoxLayout(self)
        self.site_label = QLabel()
        self.site_label.setWordWrap(True)
        self.site_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.site_label)
        self.alarm = QWidget()
        self.alarm.setObjectName("forkAlarm")
        self.alarm.setStyleSheet("#forkAlarm { background: #fde7e9; border: 2px solid #b00020; }")
        al = QHBoxLayout(self.alarm)
        self.alarm_text = QLabel()
        self.alarm_text.setWordWrap(True)
        self.alarm_text.setStyleSheet(f"color: {RED}; font-weight: bold;")
        self.fork_button = QPushButton(tr("处理分叉…"))
        self.fork_button.clicked.connect(lambda: self.settle_fork())
        al.addWidget(self.alarm_text, 1)
        al.addWidget(self.fork_button, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.alarm)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in [
            ("report", "生成上报数据包…", self.export_report),
            ("import_village", "导入回执/下发包…", self.choose_files),
            ("import_files", "导入数据包…", self.choose_files),
            ("import_folder", "导入整个文件夹…", self.choose_folder),
            ("dispatch", "生成下发数据包…", self.export_dispatch),
            ("enrol", "登记村…", self.open_enrol),
            ("accept", "接受应答文件…", self.choose_answer),
            ("county_enrol", "向区县登记…", self.open_county_enrol),
            ("add_township", "添加乡镇…", self.choose_township),
        ]:
            b = QPushButton(tr(text))
            b.clicked.connect(lambda _c=False, f=slot: f())
            self.buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs = QTabWidget()
        self.peers = peers_view.peer_table()
        self.results_table = results_table()
        conflicts_box = QWidget()
        cl = QVBoxLayout(conflicts_box)
        self.conflict_table = table(["来自", "记录", "不同的字段", "发现时间"])
        self.conflict_table.horizontalHeader().setStretchLastSection(False)
        self.conflict_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.conflict_table.doubleClicked.connect(lambda _i: self.settle_conflict())
        self.conflict_button = QPushButton(tr("处理所选冲突…"))
        self.conflict_button.clicked.connect(lambda: self.settle_conflict())
        cl.addWidget(self.conflict_table, 1)
        crow = QHBoxLayout()
        crow.addWidget(self.conflict_button)
        crow.addStretch(1)
        cl.addLayout(crow)
        self.tabs.addTab(self.peers, tr("交换情况"))
        self.tabs.addTab(self.results_table, tr("导入结果"))
        self.tabs.addTab(conflicts_box, tr("冲突"))
        lay.addWidget(self.tabs, 1)
        self.denied = QLabel(
            tr("您的账号没有数据交换的权限。生成和导入数据包需要报账员/文书或乡镇管理员账号。")
        )
        self.denied.setWordWrap(True)
        lay.addWidget(self.denied)
        self.reload()

    # -- state -------------------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """On a village PC "village", on a county's server "county"; "township" otherwise (also before the
        first enrolment)."""
        return self.status.site.kind if self.status and self.status.site else "township"

    @property
    def county_peer(self) -> str | None:
        """The site id of the county this township reports to, once enrolled."""
        peers = self.status.peers if self.status else ()
        return next((p.site_id for p in peers if p.kind == "county" and p.state == "enrolled"), None)

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        allowed = self.ctx.can(Perm.EXCHANGE)
        self.denied.setVisible(not allowed)
        for w in (self.site_label, self.tabs, *self.buttons.values()):
            w.setVisible(allowed)
        if not allowed:
            self.alarm.hide()
            return
        self.status = exchange_status(self.ctx)
        self.conflicts = list_conflicts(self.ctx)
        self.forks = list_forks(self.ctx)
        village, county = self.kind == "village", self.kind == "county"
        township = not village and not county
        manage = self.ctx.can(Perm.VILLAGE_MANAGE)
        for key, shown in [("report", village or (township and self.county_peer is not None)),
                           ("import_village", village), ("import_files", not village),
                           ("import_folder", not village), ("dispatch", township),
                           ("enrol", township and manage), ("accept", township and manage),
                           ("county_enrol", township and self.county_peer is None
                            and self.ctx.can(Perm.SETTINGS_EDIT)),
                           ("add_township", county)]:  # fmt: skip
            self.buttons[key].setVisible(shown)
        self._show_site()
        peers_view.fill(self.peers, self.status.peers, self.ctx.clock.now())
        self._show_conflicts()
        self._show_forks()

    def _show_site(self) -> None:
        st = self.status
        assert st is not None
        if st.site is None:
            how = (
                "点“登记村…”为村里的电脑生成登记文件。"
                if self.ctx.can(Perm.VILLAGE_MANAGE)
                else "请乡镇管理员登记。"
            )
            self.site_label.setText(tr("本数据库还没有登记任何村。") + tr(how))
            return
        what = tr(SITE_KINDS.get(st.site.kind, "乡镇"))
        text = tr("本站点：{n}（{k}）　密钥指纹：{f}").format(
            n=st.site.name, k=what, f=digit_groups(st.site.fingerprint)
        )
        if st.site.kind == "village":
            text += "\n" + tr("生成上报数据包交给乡镇；把乡镇给的回执和下发数据包导入本机。")
        elif st.site.kind == "county":
            text += "\n" + tr(
                "点“添加乡镇…”导入乡镇的登记文件；以后把各乡镇的上报数据包导入本机，回执写在数据包旁边，"
                "请交回乡镇导入。区县只查看各乡镇的记录，不修改。"
            )
        else:
            text += "\n" + tr(
                "把各村的上报数据包（可以是整个U盘文件夹）导入本机，回执会写在数据包旁边，请带回村里导入。"
            )
        self.site_label.setText(text)

    def _show_conflicts(self) -> None:
        t = self.conflict_table
        t.setRowCount(len(self.conflicts))
        for r, c in enumerate(self.conflicts):
            cells = [
                c.peer,
                record_label(c.entity),
                "、".join(field_label(f) for f in c.differing),
                when(c.detected_at),
            ]
            for col, text in enumerate(cells):
                t.setItem(r, col, QTableWidgetItem(text))
        n = len(self.conflicts)
        self.tabs.setTabText(2, tr("冲突（{n}）").format(n=n) if n else tr("冲突"))
        self.conflict_button.setEnabled(bool(n) and self.ctx.can(Perm.VILLAGE_MANAGE))
        if n:
            t.selectRow(0)

    def _show_forks(self) -> None:
        self.alarm.setVisible(bool(self.forks))
        if not self.forks:
            return
        lines = [tr("历史分叉警报：两边的审计历史不一致，数据包没有导入。请电话核实后由管理员处理。")]
        lines += [f"• {f.message}" for f in self.forks]
        self.alarm_text.setText("\n".join(lines))
        self.fork_button.setVisible(self.ctx.can(Perm.VILLAGE_MANAGE))

    # -- import ------------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, tr("选择数据包和回执"), str(self.last_folder or ""), tr(ZIP_FILTER)
        )
        if names:
            self.import_paths([Path(n) for n in names])

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("选择U盘或文件夹"), str(self.last_folder or ""))
        if chosen:
            self.import_folder(Path(chosen))

    def import_folder(self, folder: Path) -> None:
        skip = own_receipts_suffix(self.kind)
        paths = sorted(p for p in folder.glob("*.zip") if p.is_file() and not p.name.endswith(skip))
        paths = [p for p in paths if not p.name.endswith((".登记.zip", ".应答.zip"))]
        if not paths:
            show_info(self, tr("{f} 里没有数据包或回执（.zip 文件）。").format(f=folder))
            return
        self.import_paths(paths)

    def import_paths(self, paths: list[Path]) -> None:
        self.last_folder = paths[0].parent
        ctx = self.ctx

        def work(_p: object) -> list[ImportResult]:
            return import_files(ctx, paths)

        run_task(work, parent=self, title=tr("正在导入数据包"), on_success=self._imported)

    def _imported(self, results: list[ImportResult]) -> None:
        self.results = fill_results(self.results_table, results)
        self.tabs.setCurrentIndex(1)
        self.reload()

    # -- export ------------------------------------------------------------------------------------------

    def export_report(self) -> None:
        """Show what the 上报数据包 would hold (read in the background), then ``ExportDialog`` writes it: a
        village's for its township, a township's for its county."""
        st = self.status
        if self.kind == "township" and self.county_peer is not None:
            self._export(self.county_peer)
            return
        if st is None or not st.peers:
            show_error(self, tr("本村还没有登记到乡镇，不能生成上报数据包。"))
            return
        self._export(st.peers[0].site_id or "")

    def export_dispatch(self) -> None:
        """The 下发数据包 for the village selected in the table (else the one chosen in the window's selector)."""
        st = self.status
        enrolled = [p for p in st.peers if p.state == "enrolled"] if st else []
        picked = self.selected_peer()
        chosen = next((p for p in enrolled if p.peer_id == picked), None)
        chosen = chosen or next((p for p in enrolled if p.village_id == self.village_id), None)
        if chosen is None:
            show_error(self, tr("请先在“交换情况”表中选中一个已登记的村。"))
            return
        self._export(chosen.site_id or "")

    def selected_peer(self) -> str | None:
        item = self.peers.item(self.peers.currentRow(), 0) if self.peers.currentRow() >= 0 else None
        data = item.data(peers_view.PEER_ROLE) if item is not None else None
        return data if isinstance(data, str) else None

    def _export(self, site_id: str) -> None:
        ctx = self.ctx

        def work(_p: object) -> ExportPlan:
            return plan_export(ctx, to=site_id)

        def planned(plan: ExportPlan) -> None:
            self._planned(plan, site_id)

        run_task(work, parent=self, title=tr("正在统计要带走的记录"), on_success=planned)

    def _planned(self, plan: ExportPlan, site_id: str) -> None:
        me = self.status.site.name if self.status and self.status.site else ""
        if plan.kind == "report":
            name = f"{me}-{plan.last_seq}.上报.zip"
        else:
            name = f"{plan.peer_name}-{plan.last_seq}.下发.zip"
        dlg = ExportDialog(self.ctx, plan, to=site_id, file_name=name, folder=self.last_folder, parent=self)
        dlg.accepted.connect(lambda: self._exported(dlg))
        self._open(dlg)

    def _exported(self, dlg: ExportDialog) -> None:
        if dlg.written is None:
            return
        self.last_folder = dlg.written.path.parent
        show_info(self, tr("已生成 {p}。请交给{n}导入，并把对方生成的回执带回来导入。").format(
            p=dlg.written.path, n=dlg.written.plan.peer_name), title=tr("数据包已生成"))  # fmt: skip
        self.reload()

    # -- enrolment ---------------------------------------------------------------------------------------

    def open_enrol(self) -> EnrolDialog:
        enrolled = {p.village_id for p in (self.status.peers if self.status else []) if p.state == "enrolled"}
        villages = [(v.id, v.name) for v in list_villages(self.ctx) if v.id not in enrolled]
        dlg = EnrolDialog(self.ctx, villages, folder=self.last_folder, parent=self)
        dlg.accepted.connect(lambda: self._enrolled(dlg))
        return self._open(dlg)

    def _enrolled(self, dlg: EnrolDialog) -> None:
        e = dlg.done_file
        if e is None:
            return
        self.last_folder = e.path.parent
        show_info(self, tr("已为{v}生成登记文件 {p}。\n\n本乡镇的密钥指纹：{f}\n\n村里安装时会显示这组数字，请电话核对。"
                           "村里安装后会生成应答文件，带回来后点“接受应答文件…”。").format(
            v=e.village, p=e.path, f=digit_groups(e.fingerprint)), title=tr("登记文件已生成"))  # fmt: skip
        self.reload()

    def choose_answer(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, tr("选择村的应答文件"), str(self.last_folder or ""), tr("应答文件 (*.zip)")
        )
        if name:
            self.open_accept(Path(name))

    def open_accept(self, path: Path) -> AcceptDialog | None:
        try:
            pkg, public = read_answer(path)
            fp = fingerprint(public)
        except QuzhouError as exc:
            show_error(self, exc)
            return None
        own = self.status.site.fingerprint if self.status and self.status.site else ""
        village = pkg.manifest.get("village")
        name = str(village.get("name") if isinstance(village, dict) else pkg.field("from", "name"))
        dlg = AcceptDialog(
            self.ctx, path, village=name, village_fingerprint=fp, own_fingerprint=own, parent=self
        )
        dlg.accepted.connect(lambda: self._accepted(dlg))
        return self._open(dlg)

    def _accepted(self, dlg: AcceptDialog) -> None:
        if dlg.enrolled is not None:
            show_info(self, tr("{v}已登记，以后可以导入它的上报数据包。").format(v=dlg.enrolled.village))
        self.reload()

    # -- county ------------------------------------------------------------------------------------------

    def open_county_enrol(self) -> CountyEnrolDialog:
        dlg = CountyEnrolDialog(self.ctx, folder=self.last_folder, parent=self)
        dlg.accepted.connect(lambda: self._county_enrolled(dlg))
        return self._open(dlg)

    def _county_enrolled(self, dlg: CountyEnrolDialog) -> None:
        e = dlg.done_file
        if e is None:
            return
        self.last_folder = e.path.parent
        show_info(self, tr("已生成向{c}登记的文件 {p}（{n}项记录）。\n\n本乡镇的密钥指纹：{f}\n\n区县添加本乡镇时会核对这组数字。"
                           "区县添加后会生成应答文件，带回来后点“接受应答文件…”。").format(
            c=e.county, p=e.path, n=e.records, f=digit_groups(e.fingerprint)), title=tr("登记文件已生成"))  # fmt: skip
        self.reload()

    def choose_township(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, tr("选择乡镇的登记文件"), str(self.last_folder or ""), tr("登记文件 (*.zip)")
        )
        if name:
            self.open_add_township(Path(name))

    def open_add_township(self, path: Path) -> AddTownshipDialog | None:
        try:
            pkg, public = read_enrolment(path)
            if not is_county_enrolment(pkg):
                raise pkg.refused("这是乡镇给村的登记文件，请在村的电脑上“作为村安装”时使用")
            fp = fingerprint(public)
        except QuzhouError as exc:
            show_error(self, exc)
            return None
        own = self.status.site.fingerprint if self.status and self.status.site else ""
        dlg = AddTownshipDialog(
            self.ctx,
            path,
            township=str(pkg.field("from", "name")),
            township_fingerprint=fp,
            own_fingerprint=own,
            parent=self,
        )
        dlg.accepted.connect(lambda: self._township_added(dlg))
        return self._open(dlg)

    def _township_added(self, dlg: AddTownshipDialog) -> None:
        a = dlg.added
        if a is None:
            return
        self.last_folder = a.answer.parent
        show_info(self, tr("{t}已加入本区县（{n}项记录）。\n\n应答文件：{p}\n本区县的密钥指纹：{f}\n\n"
                           "请把应答文件交给乡镇导入，并电话核对区县的指纹。").format(
            t=a.township, n=a.records, p=a.answer, f=digit_groups(a.county_fingerprint)), title=tr("乡镇已添加"))  # fmt: skip
        self.reload()

    # -- settling ----------------------------------------------------------------------------------------

    def settle_conflict(self) -> ConflictDialog | None:
        r = self.conflict_table.currentRow()
        if not (0 <= r < len(self.conflicts)) or not self.ctx.can(Perm.VILLAGE_MANAGE):
            return None
        dlg = ConflictDialog(self.ctx, self.conflicts[r], self)
        dlg.accepted.connect(self.reload)
        return self._open(dlg)

    def settle_fork(self) -> ForkDialog | None:
        if not self.forks:
            return None
        dlg = ForkDialog(self.ctx, self.forks[0], self)
        dlg.accepted.connect(self.reload)
        return self._open(dlg)

    def _open(self, dlg: D) -> D:
        self.dialog = dlg
        dlg.open()
        return dlg
