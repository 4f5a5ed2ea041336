"""Build a village's archive (村务档案) for a year or a span of dates: one folder (and optionally one .zip) with
every notice printed as PDF (each with its 核验码, recorded like any print), the minutes of every meeting, every
attachment, every register as .xlsx, the 卷内目录 (PDF and .xlsx), the 校验报告 and 清单.json.

    result = build_archive(ctx, village_id, date(2026, 1, 1), date(2026, 12, 31), out_dir, make_zip=True)

Nothing half-done is left behind: everything is made in a hidden folder inside ``out_dir`` and renamed into place
at the end; on any error (or cancel) the hidden folder and a partial zip are removed. Bad input (unknown village,
a span with nothing to file, a folder that cannot be written) is refused before anything is printed.
Requires ``Perm.PRINT`` for the village.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quzhou_desktop.core.anchors import to_line
from quzhou_desktop.core.archive import ItemKind, file_item
from quzhou_desktop.core.errors import NotFound, QuzhouError, ValidationError
from quzhou_desktop.printing.archive import CatalogueLine
from quzhou_desktop.printing.documents import Notice
from quzhou_desktop.services.archive import evidence
from quzhou_desktop.services.archive.collect import Planned, collect
from quzhou_desktop.services.archive.pages import catalogue_doc, minutes_doc, verify_doc
from quzhou_desktop.services.archive.span import Span
from quzhou_desktop.services.kernel.anchoring import write_anchor
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.notices.common import Org, org_of

__all__ = ["ArchiveResult", "build_archive"]

Progress = Callable[[int, int, str], None]
CHUNK = 40  # notices printed per transaction
ANCHOR_NAME = "锚点.txt"


@dataclass(frozen=True)
class ArchiveResult:
    folder: Path
    zip_path: Path | None
    files: int
    notices: int  # printed with a 核验码
    pages: int
    size: int  # bytes in the folder
    audit_seq: int
    chain_head: str
    verify_passed: bool
    skipped: tuple[str, ...]  # Chinese: what could not be printed, and why


@dataclass
class _Made:
    planned: Planned
    temp: Path
    pages: int


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str, limit: int = 60) -> str:
    name = _UNSAFE.sub("_", " ".join(text.split())).strip(" ._")
    return name[:limit].rstrip(" ._") or "文件"


class CannotWrite(ValidationError):
    code = "archive_folder"
    template = "无法在“{folder}”中建立档案：{reason}"


class NothingToFile(ValidationError):
    code = "archive_empty"
    template = "{village}在{span}没有可归档的记录（五议两公开、三务公开、凭证、月度审核都没有），未生成档案"


def _prepare(out_dir: Path) -> Path:
    if not out_dir.is_dir():
        raise CannotWrite(folder=str(out_dir), reason="文件夹不存在")
    try:
        return Path(tempfile.mkdtemp(prefix=".村务档案-", dir=out_dir))
    except OSError:
        raise CannotWrite(folder=str(out_dir), reason="没有写入权限或磁盘已满") from None


def _final_name(out_dir: Path, base: str) -> Path:
    n = 1
    while True:
        name = base if n == 1 else f"{base}（{n}）"
        if not (out_dir / name).exists() and not (out_dir / f"{name}.zip").exists():
            return out_dir / name
        n += 1


def build_archive(
    ctx: AppContext,
    village_id: str,
    span: Span,
    out_dir: Path,
    *,
    make_zip: bool = False,
    voucher_forms: bool = False,
    full_verify: bool = False,
    progress: Progress | None = None,
) -> ArchiveResult:
    ctx.require_user()
    with ctx.read() as s:
        try:
            org = org_of(s, village_id)
        except QuzhouError:
            raise NotFound(what="这个村") from None
    ctx.require(Perm.PRINT, village_id)
    with ctx.read() as s:
        collected = collect(s, village_id, span.start, span.end, voucher_forms=voucher_forms)
    planned = collected.items
    if all(p.source == "register" for p in planned):
        raise NothingToFile(village=org.village, span=span.label)
    temp = _prepare(out_dir)
    zip_temp: Path | None = None
    try:
        made, skipped, notices = _make_items(ctx, org, span, planned, temp, progress)
        _report(progress, 0, 0, "正在校验数据库" if full_verify else "正在校验档案所含的记录")
        final = _final_name(out_dir, f"{org.village}村务档案（{span.label}）")
        check = evidence.verify_database(ctx, collected.records, full=full_verify)
        result = _finish(ctx, org, span, made, skipped, temp, final.name, check)
        if make_zip:
            zip_temp = temp.with_suffix(".zip.partial")
            _zip(temp, zip_temp, final.name)
        temp.rename(final)
        zip_path = None
        if zip_temp is not None:
            zip_path = final.with_name(final.name + ".zip")
            zip_temp.rename(zip_path)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if zip_temp is not None:
            zip_temp.unlink(missing_ok=True)
        raise
    files, size, pages, seq, head, passed = result
    return ArchiveResult(final, zip_path, files, notices, pages, size, seq, head, passed, tuple(skipped))


def _report(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None:
        progress(done, total, text)


def _make_items(
    ctx: AppContext, org: Org, span: Span, planned: list[Planned], temp: Path, progress: Progress | None
) -> tuple[list[_Made], list[str], int]:
    from quzhou_desktop.services.exports.registers import export_register
    from quzhou_desktop.services.kernel.attachments import attachment_data

    total = len(planned)
    made: list[_Made] = []
    skipped: list[str] = []
    groups: dict[str, list[Planned]] = {}
    for p in planned:
        if p.source in ("notice", "minutes"):
            groups.setdefault(p.group or f"{p.ref[0]}:{p.ref[-1]}", []).append(p)
    notices = {k: g for k, g in groups.items() if g[0].source == "notice"}
    minutes = {k: g for k, g in groups.items() if g[0].source == "minutes"}
    done = printed = 0
    for chunk in _chunks(notices):
        _report(progress, done, total, f"正在打印公告（{done + 1}/{total}）")
        for _key, members, pdf, pages in _print_chunk(ctx, chunk, skipped):
            made.append(_Made(_filed(members), _write(temp, len(made), "pdf", pdf), pages))
            printed += len(members)
        done += sum(len(g) for _, g in chunk)
    _report(progress, done, total, "正在整理会议记录")
    for members, pdf, pages in _render_minutes(ctx, org, list(minutes.values())):
        made.append(_Made(_filed(members), _write(temp, len(made), "pdf", pdf), pages))
        done += len(members)
    for p in planned:
        if p.source == "attachment":
            _, data = attachment_data(ctx, p.ref[0])
            made.append(_Made(p, _write(temp, len(made), p.ext, data), 0))
            done += 1
            if done % 20 == 0:
                _report(progress, done, total, "正在复制附件")
    for p in planned:
        if p.source == "register":
            _report(progress, done, total, f"正在导出{p.title}")
            path = temp / f"_{len(made)}.xlsx"
            dated = p.ref[0] != "people"  # the 花名册 is as of today
            export_register(
                ctx,
                p.ref[0],
                path,
                village_id=org.village_id,
                date_from=span.start if dated else None,
                date_to=span.end if dated else None,
            )
            made.append(_Made(p, path, 0))
            done += 1
    return made, skipped, printed


def _write(temp: Path, n: int, ext: str, data: bytes) -> Path:
    path = temp / f"_{n}.{ext}"
    path.write_bytes(data)
    return path


_LABELS = {"register": "登记表", "plan": "方案公示", "resolution": "决议公告", "result": "实施结果公告"}


def _filed(members: list[Planned]) -> Planned:
    """The catalogue item of a group: a matter's notices, its minutes, a month's voucher forms; else the item."""
    first = members[0]
    dates = [p.date for p in members if p.date is not None]
    on = max(dates) if dates else None
    if first.group.startswith("matter:"):
        labels = "、".join(dict.fromkeys(_LABELS.get(p.ref[0], "") for p in members))
        title, kind = f"五议两公开：{first.title}（{labels}）", ItemKind.REGISTER_FORM
    elif first.group.startswith("minutes:"):
        title, kind = f"会议记录：{first.title}（{len(members)}次会议）", ItemKind.MINUTES
    elif first.group.startswith("disclosures:"):
        if len(members) == 1:
            return first
        _, what, period = first.group.split(":", 2)
        title = f"{what}：{period}（{len(members)}份）"
        return Planned(first.kind, title, on, first.source, first.ref, "pdf", first.group)
    elif first.group.startswith("vouchers:"):
        year, month = first.group.removeprefix("vouchers:").split("-")
        title, kind = f"支出凭证审批单：{year}年{int(month)}月（{len(members)}张）", ItemKind.VOUCHER
    else:
        return first
    return Planned(kind, title, on, first.source, first.ref, "pdf", first.group)


def _chunks(groups: dict[str, list[Planned]]) -> list[list[tuple[str, list[Planned]]]]:
    """Whole groups, about ``CHUNK`` notices a transaction."""
    out: list[list[tuple[str, list[Planned]]]] = [[]]
    size = 0
    for key, members in groups.items():
        if size >= CHUNK:
            out.append([])
            size = 0
        out[-1].append((key, members))
        size += len(members)
    return [c for c in out if c]


def _print_chunk(
    ctx: AppContext, chunk: list[tuple[str, list[Planned]]], skipped: list[str]
) -> list[tuple[str, list[Planned], bytes, int]]:
    """Print the chunk in one transaction, a PDF per group; a notice that cannot be printed (found by building
    it) is named in ``skipped`` and the rest printed."""
    from quzhou_desktop.services.notices.issue import build_document, print_notices

    pairs = [(key, p) for key, members in chunk for p in members]
    try:
        issued = print_notices(
            ctx, [(p.ref[0], p.ref[1]) for _, p in pairs], None, groups=[k for k, _ in pairs]
        )
    except QuzhouError:
        good = []
        for key, p in pairs:
            try:
                build_document(ctx, p.ref[0], p.ref[1])
                good.append((key, p))
            except QuzhouError as exc:
                skipped.append(f"{_filed([p]).title}（{p.ref[0]}）：未能打印（{exc}）")
        pairs = good
        if not pairs:
            return []
        issued = print_notices(
            ctx, [(p.ref[0], p.ref[1]) for _, p in pairs], None, groups=[k for k, _ in pairs]
        )
    out: dict[str, tuple[list[Planned], bytes, int]] = {}
    for (key, p), n in zip(pairs, issued, strict=True):
        members, pdf, pages = out.get(key, ([], b"", 0))
        out[key] = ([*members, p], pdf or n.pdf, pages + n.pages)
    return [(key, members, pdf, pages) for key, (members, pdf, pages) in out.items()]


def _render_minutes(
    ctx: AppContext, org: Org, groups: list[list[Planned]]
) -> list[tuple[list[Planned], bytes, int]]:
    """The minutes of each matter's meetings in one PDF."""
    from quzhou_desktop.printing.render import render_many
    from quzhou_desktop.services.notices.fonts import current_fontset

    if not groups:
        return []
    fonts = current_fontset()
    today = ctx.clock.today()
    out = []
    with ctx.read() as s:
        docs: list[list[Notice]] = [[minutes_doc(s, org, p.ref[0], today) for p in g] for g in groups]
    for members, group_docs in zip(groups, docs, strict=True):
        buf = io.BytesIO()
        pages = sum(render_many(group_docs, buf, fonts=fonts))
        out.append((members, buf.getvalue(), pages))
    return out


def _extent(m: _Made) -> str:
    if m.pages:
        return f"{m.pages}页"
    size = m.temp.stat().st_size
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def _finish(
    ctx: AppContext,
    org: Org,
    span: Span,
    made: list[_Made],
    skipped: list[str],
    temp: Path,
    folder_name: str,
    check: evidence.DatabaseCheck,
) -> tuple[int, int, int, int, str, bool]:
    """Number and file the items, write the 卷内目录, the 校验报告, the audit entry and 清单.json."""
    from quzhou_desktop.printing.render import render
    from quzhou_desktop.services.kernel.settings import get_rules
    from quzhou_desktop.services.notices.fonts import current_fontset
    from quzhou_desktop.spreadsheets.writer import ColumnSpec, write_register

    rules = get_rules(ctx, org.village_id)
    fonts = current_fontset()
    today = ctx.clock.today()
    anchor = [
        f"档案编制时数据库审计日志共{check.entries}条，最后一条为第{check.seq}条，其哈希为 {check.head}。",
        "编制档案本身在审计日志中另记一条（操作“archive.build”），其序号、哈希和全部文件的校验值见清单.json。",
    ]
    problems = list(check.problems) + [f"（未归档）{s}" for s in skipped]
    report = verify_doc(org, today, check.passed, check.summary, problems, anchor)
    verify_pdf = temp / "_verify.pdf"
    verify_pages = render(report, verify_pdf, fonts=fonts)
    text = "\n".join([report.title, "", report.summary, "", *problems, "", *anchor]) + "\n"
    (temp / "校验报告.txt").write_text(text, encoding="utf-8")
    made.append(
        _Made(
            Planned(ItemKind.VERIFY_REPORT, "村务档案校验报告", today, "report", (), "pdf"),
            verify_pdf,
            verify_pages,
        )
    )

    def order(m: _Made) -> tuple[int, dt.date, str]:
        return (file_item(rules, m.planned.kind).category.order, m.planned.date or span.end, m.planned.title)

    lines: list[CatalogueLine] = []
    for n, m in enumerate(sorted(made, key=order), 1):
        filed = file_item(rules, m.planned.kind)
        rel = f"{filed.category_label}/{n:04d}-{safe_name(m.planned.title)}.{m.planned.ext}"
        (temp / rel).parent.mkdir(exist_ok=True)
        extent = _extent(m)
        m.temp.rename(temp / rel)
        lines.append(
            CatalogueLine(
                number=n, title=m.planned.title, date=m.planned.date, category=filed.category_label,
                retention=filed.retention_label, extent=extent, file=rel,
            )
        )  # fmt: skip
    built = f"{today.year}年{today.month}月{today.day}日编制，共{len(lines)}件；编制人：{ctx.require_user().display_name}。"
    doc = catalogue_doc(org, span.label, built, today, lines)
    render(doc, temp / "卷内目录.pdf", fonts=fonts)
    cols = [
        ColumnSpec("件号", "int", 6), ColumnSpec("题名", width=48), ColumnSpec("日期", "date"),
        ColumnSpec("类别", width=12), ColumnSpec("保管期限", width=9), ColumnSpec("页数/大小", width=10),
        ColumnSpec("文件名", width=60),
    ]  # fmt: skip
    write_register(
        temp / "卷内目录.xlsx",
        title=doc.title,
        columns=cols,
        rows=((x.number, x.title, x.date, x.category, x.retention, x.extent, x.file) for x in lines),
        sheet_name="卷内目录",
        totals=False,
    )
    hashed = [
        (p.relative_to(temp).as_posix(), evidence.file_sha256(p), p.stat().st_size) for p in _files(temp)
    ]
    digest = evidence.content_digest((p, h) for p, h, _ in hashed)
    details = {
        "village_id": org.village_id,
        "village": org.village,
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "folder": folder_name,
        "files": len(hashed),
        "content_digest": digest,
    }
    act_id, seq, head = evidence.record_build(ctx, details)
    # The site's signed anchor of the chain at the build's own entry: ``verify --anchor 锚点.txt`` checks the
    # database against the archive (the anchor is also in the site's journal); none without a site key here.
    sealed = write_anchor(ctx.db, "archive", point=(seq, head))
    extra = 0
    if sealed is not None:
        extra = (temp / ANCHOR_NAME).write_bytes((to_line(sealed) + "\n").encode())
    header = {
        "archive": folder_name,
        "village": org.full,
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "built_at": ctx.clock.now().isoformat(timespec="seconds") + "Z",
        "built_by": ctx.require_user().username,
        "verified_at_seq": check.seq,
        "audit_seq": seq,
        "chain_head": head,
        "act_id": act_id,
        "anchor": ANCHOR_NAME if sealed is not None else None,
    }
    listing = evidence.manifest(temp, header=header, files=hashed, digest=digest)
    size = sum(n for _, _, n in hashed) + listing.stat().st_size + extra
    pages = sum(m.pages for m in made)
    return len(hashed) + 1 + (sealed is not None), size, pages, seq, head, check.passed


def _files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.name not in (evidence.MANIFEST_NAME, ANCHOR_NAME)
    )


def _zip(folder: Path, dest: Path, root: str) -> None:
    """Every file under ``root/`` in the zip; PDFs, images and workbooks are stored (already compressed)."""
    packed = (".json", ".txt", ".bmp", ".tif", ".tiff")
    with zipfile.ZipFile(dest, "w", allowZip64=True) as z:
        for p in sorted(q for q in folder.rglob("*") if q.is_file()):
            method = zipfile.ZIP_DEFLATED if p.suffix.lower() in packed else zipfile.ZIP_STORED
            z.write(p, f"{root}/{p.relative_to(folder).as_posix()}", compress_type=method)
