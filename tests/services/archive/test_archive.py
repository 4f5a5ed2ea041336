"""The village archive against a real SQLite demo township: every kind of item filed with its category and
retention period (C42), the zip, the manifest against the files and the audit log, the notices' 核验码, refusals
and bad input leaving nothing behind."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from quzhou_desktop.core.errors import NotFound, PermissionDenied
from quzhou_desktop.paths import data_dir
from quzhou_desktop.services.archive.build import (
    ANCHOR_NAME,
    ArchiveResult,
    CannotWrite,
    NothingToFile,
    build_archive,
)
from quzhou_desktop.services.archive.evidence import MANIFEST_NAME, content_digest
from quzhou_desktop.services.archive.span import span_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import update_rules
from quzhou_desktop.services.notices.checks import verify_notice
from quzhou_desktop.services.verification.run import verify
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import NoticePrint
from tests.support import archive as demo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "demo.sqlite3"
    demo.build(path)
    return path


@pytest.fixture
def admin(template: Path, tmp_path: Path) -> Iterator[AppContext]:
    ctx = demo.open_as(demo.copy_of(template, tmp_path), "admin")
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def built(admin: AppContext, tmp_path: Path) -> tuple[AppContext, ArchiveResult]:
    out = tmp_path / "out"
    out.mkdir()
    return admin, build_archive(admin, demo.village_id(admin), span_of(2026), out, make_zip=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _catalogue(folder: Path) -> list[tuple[object, ...]]:
    wb = load_workbook(folder / "卷内目录.xlsx", read_only=True)
    try:
        ws = wb.active
        assert ws is not None
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    head = next(i for i, r in enumerate(rows) if r[0] == "件号")
    return [r for r in rows[head + 1 :] if r[0] is not None]


def test_the_year_holds_notices_minutes_attachments_registers_and_the_catalogue(
    built: tuple[AppContext, ArchiveResult],
) -> None:
    ctx, r = built
    files = _files(r.folder)
    assert r.folder.name == "溪口村村务档案（2026年）"
    for name in ("卷内目录.pdf", "卷内目录.xlsx", "校验报告.txt", MANIFEST_NAME):
        assert name in files
    titles = [str(row[1]) for row in _catalogue(r.folder)]
    for prefix in (
        "五议两公开：",
        "会议记录：",
        "村监会月度审核意见书：",
        "附件：",
        "党务公开：",
        "村务公开：",
    ):
        assert any(t.startswith(prefix) for t in titles), prefix
    # a matter's notices in one document, its minutes in another
    assert any(t.startswith("五议两公开：") and "登记表、" in t and "决议公告" in t for t in titles)
    assert any(t.startswith("会议记录：") and "次会议）" in t for t in titles)
    assert any("工程施工合同》的合同公开" in t for t in titles)
    for register in ("花名册", "支出凭证台账", "收支明细账", "五议两公开台账", "三务公开台账", "村务监督台账",
                     "合同台账", "资产资源台账"):  # fmt: skip
        assert any(p.endswith(f"-{register}.xlsx") for p in files), register
    assert demo.INVOICE in files.values() and demo.PHOTO in files.values()
    assert r.verify_passed and not r.skipped
    assert len(files) == r.files and sum(len(b) for b in files.values()) == r.size
    with ctx.read() as s:  # every notice was printed like any print: one code each, recorded
        codes = s.scalars(select(NoticePrint.code)).all()
    assert len(codes) == r.notices > 20
    assert verify_notice(ctx, codes[-1]).unchanged


def test_the_zip_holds_the_folder_byte_for_byte(built: tuple[AppContext, ArchiveResult]) -> None:
    _, r = built
    assert r.zip_path is not None and r.zip_path.name == "溪口村村务档案（2026年）.zip"
    with zipfile.ZipFile(r.zip_path) as z:
        assert z.testzip() is None
        packed = {n.removeprefix(r.folder.name + "/"): z.read(n) for n in z.namelist()}
        assert all(n.startswith(r.folder.name + "/") for n in z.namelist())
    assert packed == _files(r.folder)


def test_the_manifest_ties_the_files_to_the_audit_log(built: tuple[AppContext, ArchiveResult]) -> None:
    ctx, r = built
    manifest = json.loads((r.folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {
        p: hashlib.sha256(b).hexdigest()
        for p, b in _files(r.folder).items()
        if p not in (MANIFEST_NAME, ANCHOR_NAME)  # both written after the content they describe
    }
    assert listed == on_disk
    assert manifest["content_digest"] == content_digest(on_disk.items())
    assert (manifest["audit_seq"], manifest["chain_head"]) == (r.audit_seq, r.chain_head)
    with ctx.db.read_engine.connect() as conn:
        row = conn.execute(
            text("SELECT hash, action, entity, after_json FROM audit_log WHERE seq = :q"), {"q": r.audit_seq}
        ).one()
        assert verify_all(conn) == []  # the archive's own entry keeps the database verifiable
    assert (row.hash, row.action, row.entity) == (r.chain_head, "archive.build", "archive")
    assert json.loads(row.after_json)["content_digest"] == manifest["content_digest"]


def test_a_changed_file_no_longer_matches_the_manifest(built: tuple[AppContext, ArchiveResult]) -> None:
    _, r = built
    manifest = json.loads((r.folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    target = r.folder / manifest["files"][0]["path"]
    target.write_bytes(target.read_bytes() + b" ")
    on_disk = {
        p: hashlib.sha256(b).hexdigest()
        for p, b in _files(r.folder).items()
        if p not in (MANIFEST_NAME, ANCHOR_NAME)  # both written after the content they describe
    }
    assert content_digest(on_disk.items()) != manifest["content_digest"]


# C42: what each item files under, with the default retention periods
FILED = [
    ("五议两公开：", "村务管理类", "永久"),
    ("会议记录：", "村务管理类", "永久"),
    ("党务公开：", "党群工作类", "永久"),
    ("村务公开：", "村务管理类", "永久"),
    ("村监会月度审核意见书：", "村务管理类", "永久"),
    ("花名册", "村务管理类", "永久"),
    ("支出凭证台账", "会计类", "30年"),
    ("收支明细账", "会计类", "30年"),
    ("合同台账", "经营管理类", "永久"),
    ("附件：凭证", "会计类", "30年"),
    ("溪口村关于《村主干道硬化及路灯安装工程施工合同》的合同公开", "基本建设类", "永久"),  # a works contract
    ("附件：", "声像类", "永久"),  # the photograph of the 公示
]


@pytest.mark.parametrize(("title", "category", "retention"), FILED, ids=[f"C42-{t}" for t, _, _ in FILED])
def test_C42_catalogue_files_each_item_with_its_category_and_retention(
    built: tuple[AppContext, ArchiveResult], title: str, category: str, retention: str
) -> None:
    _, r = built
    rows = [row for row in _catalogue(r.folder) if str(row[1]).startswith(title) and row[3] == category]
    assert rows, title
    assert {row[4] for row in rows} == {retention}
    for number, _t, _d, cat, _ret, extent, file in rows:
        assert str(file).startswith(f"{cat}/{int(str(number)):04d}-") and (r.folder / str(file)).is_file()
        assert str(extent).endswith(("页", "KB", "MB"))


def test_C42_retention_periods_are_township_settings(admin: AppContext, tmp_path: Path) -> None:
    update_rules(
        admin,
        {"archive_retention_accounting": "10y", "archive_retention_admin": "30y"},
        credential=demo.DEMO_PASSWORD,
    )
    r = build_archive(admin, demo.village_id(admin), span_of(2026), tmp_path)
    by_category = {(row[3], row[4]) for row in _catalogue(r.folder)}
    assert ("会计类", "10年") in by_category and ("村务管理类", "30年") in by_category
    assert ("会计类", "30年") not in by_category and ("经营管理类", "永久") in by_category


def test_a_term_spans_years(admin: AppContext, tmp_path: Path) -> None:
    from datetime import date, datetime

    span_from, span_to = date(2025, 7, 1), date(2026, 6, 30)
    r = build_archive(admin, demo.village_id(admin), span_of(None, span_from, span_to), tmp_path)
    assert r.folder.name == "溪口村村务档案（2025年7月1日至2026年6月30日）"
    # a month's review is dated by its meeting, early in the next month
    dates = [
        row[2] for row in _catalogue(r.folder) if not str(row[1]).startswith(("村务档案校验报告", "村监会"))
    ]
    assert dates and all(isinstance(d, datetime) and span_from <= d.date() <= span_to for d in dates)


def test_C42_the_year_before_files_its_lease_and_its_review(admin: AppContext, tmp_path: Path) -> None:
    r = build_archive(admin, demo.village_id(admin), span_of(2025), tmp_path)
    filed = {(str(row[1]), row[3], row[4]) for row in _catalogue(r.folder)}
    assert ("溪口村关于《村老会堂租赁合同》的合同公开", "经营管理类", "永久") in filed
    assert ("溪口村2025年度民主评议结果公告", "村务管理类", "永久") in filed


def test_a_second_archive_of_the_same_year_gets_its_own_folder(
    built: tuple[AppContext, ArchiveResult],
) -> None:
    ctx, first = built
    second = build_archive(ctx, demo.village_id(ctx), span_of(2026), first.folder.parent)
    assert second.folder.name == "溪口村村务档案（2026年）（2）" and first.folder.is_dir()
    assert second.audit_seq > first.audit_seq


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_clerk_cannot_archive_another_village(template: Path, tmp_path: Path) -> None:
    clerk = demo.open_as(demo.copy_of(template, tmp_path), "wenshu")
    out = tmp_path / "out"
    out.mkdir()
    try:
        with pytest.raises(PermissionDenied):
            build_archive(clerk, demo.village_id(clerk, "上洋村"), span_of(2026), out)
        with clerk.read() as s:
            printed = s.scalar(select(func.count()).select_from(NoticePrint))
    finally:
        clerk.db.dispose()
    assert _left(out) == [] and printed == 0


def test_bad_input_is_refused_in_chinese_and_leaves_nothing(admin: AppContext, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    vid = demo.village_id(admin)
    with pytest.raises(NotFound, match="村"):
        build_archive(admin, "no-such-village", span_of(2026), out)
    with pytest.raises(NothingToFile, match="溪口村在2019年没有可归档的记录"):
        build_archive(admin, vid, span_of(2019), out)
    not_a_folder = tmp_path / "a-file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(CannotWrite, match="文件夹不存在"):
        build_archive(admin, vid, span_of(2026), not_a_folder)
    with pytest.raises(CannotWrite):
        build_archive(admin, vid, span_of(2026), tmp_path / "missing")
    assert _left(out) == []
    with admin.read() as s:
        assert s.scalar(select(func.count()).select_from(NoticePrint)) == 0


@pytest.mark.parametrize(
    ("year", "dates", "message"),
    [
        (None, None, "请写出档案的年度"),
        (26, None, "不是有效的年度"),
        (None, ("2026-06-30", "2026-01-01"), "开始日期晚于结束日期"),
        (None, ("2026-01-01", None), "开始日期和结束日期都要写"),
    ],
)
def test_a_span_that_is_not_one_is_refused(
    year: int | None, dates: tuple[str, str | None] | None, message: str
) -> None:
    from datetime import date

    from quzhou_desktop.core.errors import ValidationError

    d1 = date.fromisoformat(dates[0]) if dates else None
    d2 = date.fromisoformat(dates[1]) if dates and dates[1] else None
    with pytest.raises(ValidationError, match=message):
        span_of(year, d1, d2)


def test_a_failure_half_way_leaves_no_folder_and_no_zip(admin: AppContext, tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    def progress(done: int, total: int, what: str) -> None:
        if what.startswith("正在导出"):
            raise Stop

    with pytest.raises(Stop):
        build_archive(
            admin, demo.village_id(admin), span_of(2026), tmp_path, make_zip=True, progress=progress
        )
    assert [p for p in _left(tmp_path) if not p.endswith(".sqlite3") and "sqlite3-" not in p] == []


def _tamper(ctx: AppContext, village: str) -> None:
    """Change a 2026 voucher of ``village`` behind the app's back."""
    import sqlite3

    assert ctx.db.path is not None
    con = sqlite3.connect(ctx.db.path)
    try:
        con.execute(
            "UPDATE voucher SET purpose = purpose || '（改）' WHERE id = (SELECT v.id FROM voucher v JOIN village g "
            "ON g.id = v.village_id WHERE g.name = ? AND v.voucher_date >= '2026-01-01' ORDER BY v.number LIMIT 1)",
            (village,),
        )
        con.commit()
    finally:
        con.close()


def test_a_record_of_the_archive_changed_outside_the_app_fails_its_check(
    admin: AppContext, tmp_path: Path
) -> None:
    _tamper(admin, demo.VILLAGE)
    r = build_archive(admin, demo.village_id(admin), span_of(2026), tmp_path)
    report = (r.folder / "校验报告.txt").read_text(encoding="utf-8")
    assert not r.verify_passed and "校验未通过" in report and "数据在本程序之外被修改" in report


def test_the_full_check_covers_the_whole_database(admin: AppContext, tmp_path: Path) -> None:
    _tamper(admin, "上洋村")  # another village: outside this archive
    vid = demo.village_id(admin)
    scoped = build_archive(admin, vid, span_of(2026), tmp_path)
    assert scoped.verify_passed
    full = build_archive(admin, vid, span_of(2026), tmp_path, full_verify=True)
    report = (full.folder / "校验报告.txt").read_text(encoding="utf-8")
    assert not full.verify_passed and "对整个数据库做了完整校验" in report


def test_the_archive_carries_a_signed_anchor_that_verify_accepts(
    admin: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """锚点.txt: the site's signed anchor of the chain at the archive's own entry; ``verify --anchor`` checks the
    database against it, and names a log cut back below it."""
    # this computer's site key, in a data folder of the test's own (the shared one holds other copies' anchors)
    data = tmp_path / "data"
    shutil.copytree(data_dir() / "keys", data / "keys")
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(data))
    out = tmp_path / "out"
    out.mkdir()
    r = build_archive(admin, demo.village_id(admin), span_of(2026), out, make_zip=False)
    manifest = json.loads((r.folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    anchor_file = r.folder / ANCHOR_NAME
    assert manifest["anchor"] == ANCHOR_NAME and anchor_file.is_file()
    report = verify(admin, anchor_files=[anchor_file])
    # (the support builder attaches scans to signed vouchers behind the app's back: only the anchors count here)
    assert [p for p in report.problems if p.kind.startswith("anchor")] == []
    assert report.latest is not None and report.latest.seq >= r.audit_seq
    admin.db.dispose()
    with closing(sqlite3.connect(admin.db.label)) as conn, conn:  # sqlite3 on the file: the log cut back
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE seq >= ?", (r.audit_seq,))
    shutil.rmtree(data / "anchors")  # only the archive's own anchor left to tell
    cut = verify(admin, anchor_files=[anchor_file])
    assert [p.kind for p in cut.problems if p.kind.startswith("anchor")] == ["anchor_missing"], cut.problems
