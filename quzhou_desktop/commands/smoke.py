"""Hidden `smoke` command: the installer build's start-up check of the frozen program.

``quzhou-desktop smoke --out FILE.pdf`` creates a demo database in a temporary folder, opens it again and logs
in as the demo administrator, starts Qt the way the GUI does (offscreen unless QT_QPA_PLATFORM says otherwise),
shows and closes the main window, renders a resolution notice to PDF with the fonts bundled under
``resources/fonts`` (system fonts only when none are bundled, e.g. in a checkout), loads that PDF back with QtPdf
and checks page 1 is not blank.  Every step
prints one line; any failure exits non-zero.  Not listed in ``--help``: it is for ``installer/build.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from quzhou_desktop.commands import Subcommands
from quzhou_desktop.commands.common import CommandError


def register(sub: Subcommands) -> None:
    p = sub.add_parser("smoke")  # no help=: argparse then leaves it out of the command list
    p.add_argument("--out", required=True, help="公告 PDF 的输出路径")
    p.add_argument("--keep-db", help="把演示数据库保存到此路径（默认用完即删）")
    p.set_defaults(handler=cmd_smoke)


def _step(label: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.2f}s] {label}", flush=True)


def cmd_smoke(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    out = Path(args.out).expanduser().resolve()
    with tempfile.TemporaryDirectory(prefix="quzhou-smoke-") as tmp:
        db_file = Path(args.keep_db).expanduser() if args.keep_db else Path(tmp) / "demo.sqlite3"
        ctx = _demo_context(db_file)
        try:
            org = _first_village(ctx)
            _step(f"演示数据库已创建并重新打开：{db_file.name}，第一个村：{org}", started)
            app, note = _qt_app()
            _step(f"Qt 已启动：平台 {app.platformName()}，Qt {_qt_version()}；{note}", started)
            _step(_main_window(app, ctx), started)
        finally:
            ctx.db.dispose()
        faces = _render(out, org)
        _step(f"公告已生成：{out}（{out.stat().st_size // 1024} KB）", started)
        for role, face in faces.items():
            print(f"         {role}: {face}")
        _step(_check_pdf(out), started)
    print("冒烟测试通过")
    return 0


def _demo_context(path: Path) -> Any:
    """A context on a new demo database at ``path``, opened afresh and logged in as the administrator."""
    from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    if path.exists():
        raise CommandError(f"文件已存在：{path}")
    users = build_demo(path, seed=2026)
    admin = next((u.username for u in users if u.username == "admin"), users[0].username)
    ctx = AppContext(Database(path))
    login(ctx, admin, DEMO_PASSWORD)
    return ctx


def _first_village(ctx: Any) -> str:
    from quzhou_desktop.services.roster.villages import list_villages

    villages = list_villages(ctx)
    if not villages:
        raise CommandError("冒烟测试失败：演示数据库里没有村")
    return str(villages[0].name)


def _qt_app() -> tuple[Any, str]:
    """The QApplication as the GUI sets it up (Qt's zh_CN catalogue, UI font, icon) when the GUI is there."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    try:
        from quzhou_desktop.app import make_application
    except ImportError:
        from PySide6.QtWidgets import QApplication

        return QApplication.instance() or QApplication(["quzhou-desktop"]), "界面模块不在，用裸 QApplication"
    app = make_application([])
    loaded = QTranslator().load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    icon = "有" if not app.windowIcon().isNull() else "无"
    return (
        app,
        f"Qt 中文翻译{'已' if loaded else '未'}加载，界面字体：{app.font().family()}，窗口图标：{icon}",
    )


def _qt_version() -> str:
    from PySide6.QtCore import qVersion

    return str(qVersion())


def _main_window(app: Any, ctx: Any) -> str:
    """Create, show and close the GUI's main window (a stand-in label when the GUI is not there)."""
    from PySide6.QtWidgets import QLabel

    try:
        from quzhou_desktop.gui.shell.main_window import MainWindow
    except ImportError:
        window: Any = QLabel("衢州村务民主管理")
        note = "主窗口：界面模块不在，改为显示一个测试窗口"
    else:
        window = MainWindow(ctx)
        note = f"主窗口已显示：{window.windowTitle()}"
    window.show()
    app.processEvents()
    window.close()
    app.processEvents()
    return note


def _fontset() -> Any:
    from quzhou_desktop.paths import resource
    from quzhou_desktop.printing.fonts import FontSet, discover_faces, get_fontset

    bundled = resource("fonts")
    faces = discover_faces([bundled]) if bundled.is_dir() else []
    return FontSet(faces) if faces else get_fontset()


def _render(out: Path, org: str) -> dict[str, str]:
    from quzhou_desktop.printing.documents import Meeting, ResolutionNotice, Votes
    from quzhou_desktop.printing.render import render
    from quzhou_desktop.printing.verification import make_code

    fonts = _fontset()
    day = dt.date(2026, 11, 24)
    doc = ResolutionNotice(
        organisation=org,
        title=f"{org}关于村道硬化工程的决议公告",
        date=day,
        issuer=f"{org}村民委员会",
        code=make_code("resolution", "smoke", "smoke", "0" * 64),
        matter=f"{org}村道硬化工程",
        meeting=Meeting(
            body="村民代表会议", date=day, place="村文化礼堂", chair="吴建国", entitled=45, present=42
        ),
        votes=Votes(yes=39, no=2, abstain=1),
        decision_text="同意实施村道硬化工程，工程预算总额¥128,650.00（人民币壹拾贰万捌仟陆佰伍拾元整）。",
        posting_from=day,
        posting_to=day + dt.timedelta(days=6),
        objection="村委会门口意见箱。",
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    render(doc, out, fonts=fonts)
    return {str(role): str(desc) for role, desc in fonts.describe().items()} | {
        "字体文件夹": str(fonts.face("body").path.parent)
    }


def _check_pdf(path: Path) -> str:
    """Load the PDF with QtPdf (the in-app preview) and make sure page 1 has ink on it."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(path))
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
        raise CommandError(f"冒烟测试失败：QtPdf 打不开生成的公告（{doc.status().name}）")
    image = doc.render(0, QSize(298, 421))
    dark = sum(
        1
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
        if QColor(image.pixel(x, y)).lightness() < 128
    )
    if dark < 50:
        raise CommandError("冒烟测试失败：公告第 1 页是空白的")
    return f"QtPdf 预览正常：{doc.pageCount()} 页，第 1 页有 {dark} 个深色取样点"
