"""`exchange`: enrolment, packages and receipts between a township and its villages on separate PCs, and
between townships and their county's server.

One parser with an action word (``exchange enrol|join|accept|export|import|status|settle``), so the options of
every action are listed in one ``--help`` and in README's synopsis."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quzhou_desktop.commands import EXIT_PROBLEM, Subcommands
from quzhou_desktop.commands.common import CommandError, db_path, login, open_context, read_password
from quzhou_desktop.core.exchange import SITE_KINDS
from quzhou_desktop.services.kernel.context import AppContext

ACTIONS = {
    "enrol": "乡镇：为一个村（--village）或向区县（--county）生成登记文件",
    "join": "村电脑：用登记文件新建本村数据库，并生成应答文件",
    "accept": "电话核对密钥指纹后，乡镇导入村或区县的应答文件，区县导入乡镇的登记文件",
    "export": "生成上报数据包（村报乡镇、乡镇报区县）或下发数据包（乡镇发村）",
    "import": "导入数据包和回执（可一次导入多个，顺序不限）",
    "status": "各站点的交换进度、暂存的数据包、冲突和分叉警报",
    "settle": "处理一条冲突或分叉警报（须写明理由）",
}


def register(sub: Subcommands) -> None:
    p = sub.add_parser(
        "exchange",
        help="数据交换：乡镇与各村、区县与各乡镇在不同电脑上，用U盘或共享文件夹交换带签名的数据包",
        description="数据交换。动作："
        + "；".join(f"{k} {v}" for k, v in ACTIONS.items())
        + "。数据包格式见 docs/EXCHANGE.md。",
    )
    p.add_argument(
        "action",
        choices=list(ACTIONS),
        metavar="动作",
        help="要做的事：" + "；".join(f"{k} {v}" for k, v in ACTIONS.items()),
    )
    p.add_argument(
        "files", nargs="*", metavar="文件", help="join/accept：登记或应答文件；import：数据包和回执"
    )
    p.add_argument("--db", help="数据库文件路径（默认在用户数据目录；join 时为新数据库的路径，必填）")
    p.add_argument("--user", help="以哪个用户的身份操作（join 以外都要；密码从提示或 QUZHOU_PASSWORD 读取）")
    p.add_argument("--village", help="enrol：要登记的村名")
    p.add_argument("--county", help="enrol：本乡镇要向哪个区县登记（区县名称）")
    p.add_argument("--out", help="enrol/export：输出文件路径")
    p.add_argument("--to", help="export：发给哪个站点（村名、乡镇名或区县名）")
    p.add_argument("--fingerprint", help="accept：电话核对过的对方密钥指纹（数字）")
    p.add_argument("--admin", help="join：本村数据库管理员的用户名")
    p.add_argument("--admin-name", help="join：管理员姓名（默认同用户名）")
    p.add_argument("--answer", help="join：应答文件路径（默认与登记文件放在一起）")
    p.add_argument("--conflict", type=int, help="settle：冲突编号")
    p.add_argument("--fork", type=int, help="settle：分叉警报编号")
    p.add_argument("--keep", choices=["ours", "theirs"], help="settle：ours 保留本站点，theirs 采用对方")
    p.add_argument("--reason", help="settle：理由")
    p.add_argument("--json", action="store_true", help="status：以 JSON 输出")
    p.set_defaults(handler=cmd_exchange)


def _need(args: argparse.Namespace, *names: str) -> None:
    missing = [n for n in names if not getattr(args, n.replace("-", "_"), None)]
    if missing:
        raise CommandError(f"exchange {args.action} 需要 " + "、".join("--" + n for n in missing))


def cmd_exchange(args: argparse.Namespace) -> int:
    if args.action == "join":
        return _join(args)
    _need(args, "user")
    ctx = open_context(args)
    try:
        login(ctx, args)
        return int(_ACTIONS[args.action](ctx, args))
    finally:
        ctx.db.dispose()


def _join(args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.enrol import join_as_village
    from quzhou_desktop.store.db import Database

    _need(args, "admin")
    if len(args.files) != 1:
        raise CommandError("exchange join 需要一个登记文件")
    if not getattr(args, "db", None):
        raise CommandError("exchange join 需要 --db（新数据库的路径）")
    path = db_path(args)
    if path.exists():
        raise CommandError(f"{path} 已经存在：作为村安装需要一个新的数据库文件，未作修改")
    password = read_password("管理员密码：")
    db = Database(path, create=True)
    try:
        joined = join_as_village(
            db,
            Path(args.files[0]),
            admin_username=args.admin,
            admin_password=password,
            admin_display_name=args.admin_name or args.admin,
            answer=Path(args.answer) if args.answer else None,
        )
    except Exception:
        db.dispose()
        path.unlink(missing_ok=True)
        raise
    db.dispose()
    print(f"已作为{joined.village}（{joined.township}）安装：{path}，管理员 {args.admin}")
    print(f"乡镇密钥指纹：{joined.township_fingerprint}（请与乡镇电话核对）")
    print(f"本村密钥指纹：{joined.village_fingerprint}（乡镇导入应答文件时要输入）")
    print(f"应答文件：{joined.answer}（请交给乡镇）")
    if joined.recovery is not None:
        from quzhou_desktop.commands.trust import print_sheet

        sheet_path = path.parent / f"{joined.recovery.township}管理员恢复单.pdf"
        print_sheet(joined.recovery, sheet_path, heading="本村的信任根已建立：")
    return 0


def _enrol(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.enrol import write_enrolment
    from quzhou_desktop.services.roster.villages import list_villages

    if args.county and args.village:
        raise CommandError("exchange enrol 的 --village 和 --county 只能选一个")
    if args.county:
        return _enrol_county(ctx, args)
    _need(args, "village", "out")
    match = [v for v in list_villages(ctx) if v.name == args.village]
    if not match:
        raise CommandError(f"没有名为“{args.village}”的村")
    e = write_enrolment(ctx, match[0].id, Path(args.out))
    print(f"已为{e.village}生成登记文件：{e.path}")
    print(f"乡镇密钥指纹：{e.fingerprint}（请与村里电话核对）")
    return 0


def _enrol_county(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.county import write_county_enrolment

    _need(args, "out")
    e = write_county_enrolment(ctx, args.county, Path(args.out))
    print(f"已生成向{e.county}登记的文件：{e.path}（{e.records}项记录）")
    print(f"乡镇密钥指纹：{e.fingerprint}（请与区县电话核对）")
    return 0


def _accept(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.county import accept_township
    from quzhou_desktop.services.exchange.enrol import accept_answer
    from quzhou_desktop.services.exchange.package import Package

    _need(args, "fingerprint")
    if len(args.files) != 1:
        raise CommandError("exchange accept 需要一个应答文件或登记文件")
    path = Path(args.files[0])
    if Package.open(path).kind == "enrolment":
        added = accept_township(ctx, path, confirmed=args.fingerprint)
        print(f"{added.township}已加入本区县（{added.records}项记录，密钥指纹 {added.fingerprint}）")
        print(f"区县密钥指纹：{added.county_fingerprint}（乡镇导入应答文件时要输入）")
        print(f"应答文件：{added.answer}（请交给乡镇）")
        return 0
    done = accept_answer(ctx, path, confirmed_fingerprint=args.fingerprint)
    print(f"{done.village}已登记（密钥指纹 {done.fingerprint}）")
    return 0


def _export(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.export import export_package
    from quzhou_desktop.services.exchange.package import KINDS

    _need(args, "to", "out")
    r = export_package(ctx, to=args.to, out=Path(args.out))
    p = r.plan
    print(
        f"已生成{KINDS[p.kind]} {r.path}：发给{p.peer_name}，第{p.after_seq + 1}至{p.last_seq}条，"
        f"{p.entries}条记录，{p.attachments}个附件"
    )
    return 0


def _import(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.apply import ImportResult, import_files

    if not args.files:
        raise CommandError("exchange import 需要至少一个文件")
    bad = 0

    def show(r: ImportResult, indent: str = "") -> None:
        nonlocal bad
        if not r.ok:
            bad += 1
        print(indent + r.message, file=sys.stdout if r.ok else sys.stderr)
        if r.receipt is not None:
            print(f"{indent}  回执：{r.receipt}")
        for t in r.then:
            show(t, indent + "  ")

    for r in import_files(ctx, [Path(f) for f in args.files]):
        show(r)
    return EXIT_PROBLEM if bad else 0


def _status(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.status import exchange_status, list_conflicts, list_forks

    st = exchange_status(ctx)
    conflicts = list_conflicts(ctx)
    forks = list_forks(ctx)
    if args.json:
        doc = st.as_dict()
        doc["conflicts"] = [
            {"id": c.id, "peer": c.peer, "entity": c.entity, "entity_id": c.entity_id, "fields": c.differing}
            for c in conflicts
        ]
        doc["forks"] = [{"id": f.id, "peer": f.peer, "side": f.side, "message": f.message} for f in forks]
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    if st.site is None:
        print("本数据库还没有站点身份（尚未登记）")
        return 0
    print(f"本站点：{st.site.name}（{SITE_KINDS.get(st.site.kind, '')}），密钥指纹 {st.site.fingerprint}")
    for p in st.peers:
        last = p.last_package_at.strftime("%Y-%m-%d %H:%M") if p.last_package_at else "从未"
        receipt = p.last_receipt_at.strftime("%Y-%m-%d %H:%M") if p.last_receipt_at else "从未"
        flags = []
        if p.state != "enrolled":
            flags.append("等待应答")
        if p.waiting:
            flags.append("暂存" + "、".join(f"第{a}至{b}条" for a, b in p.waiting))
        if p.forks:
            flags.append(f"分叉警报{p.forks}条")
        if p.conflicts:
            flags.append(f"冲突{p.conflicts}处")
        print(
            f"{p.name}：已接收到第{p.accepted_seq}条（最近数据包 {last}，{p.last_package_entries}条），"
            f"对方回执到本站点第{p.receipt_seq}条（{receipt}）" + ("；" + "；".join(flags) if flags else "")
        )
    for f in forks:
        print(f"分叉警报 {f.id}：{f.message}")
    for c in conflicts:
        print(f"冲突 {c.id}：{c.peer}改动了{c.entity} {c.entity_id}（{'、'.join(c.differing)}）")
    return 0


def _settle(ctx: AppContext, args: argparse.Namespace) -> int:
    from quzhou_desktop.services.exchange.settle import settle_conflict, settle_fork

    _need(args, "keep", "reason")
    if (args.conflict is None) == (args.fork is None):
        raise CommandError("exchange settle 需要 --conflict 或 --fork 之一")
    password = read_password(f"用户 {args.user} 的密码（签名）：")
    if args.conflict is not None:
        settle_conflict(ctx, args.conflict, keep=args.keep, reason=args.reason, password=password)
        print(f"冲突 {args.conflict} 已处理")
    else:
        settle_fork(ctx, args.fork, keep=args.keep, reason=args.reason, password=password)
        print(f"分叉警报 {args.fork} 已处理")
    return 0


_ACTIONS = {
    "enrol": _enrol,
    "accept": _accept,
    "export": _export,
    "import": _import,
    "status": _status,
    "settle": _settle,
}
