"""Import spreadsheets (花名册, 支出凭证, 收支明细, 资产资源台账, 合同台账) into the database: preview first, then
one transaction.

    plan = preview_import(ctx, path, "vouchers", village_id=vid)      # parse + check against the database
    report = commit_import(ctx, plan)                                  # refused while plan.errors exist …
    report = commit_import(ctx, plan, clean_rows_only=True)            # … unless the user chose the clean rows

Nothing is written while any row has a problem, unless the caller explicitly imports only the clean rows.
The write is one SQLite transaction (rows and their audit entries together), so a crash or a kill leaves the
database exactly as it was. Rows already in the database (same deterministic key and the same content) are
counted as duplicates and skipped; a row whose key matches a stored record with different content is an
error, never an overwrite. Imported vouchers enter as 草稿 (draft) prepared by the importing user: they still
go through submission, 村监会 review and signatures (C17); nothing is ever imported as reviewed or signed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.services.imports.match import KIND_PERMS, Matched, match_rows
from quzhou_desktop.services.imports.write import write_rows
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.spreadsheets.gc_pause import gc_paused
from quzhou_desktop.spreadsheets.headers import ColumnMapping
from quzhou_desktop.spreadsheets.parse import iter_parse_workbook
from quzhou_desktop.spreadsheets.result import CellError, ParseResult
from quzhou_desktop.spreadsheets.schemas import Record, kind_spec
from quzhou_desktop.store.models import Village

__all__ = [
    "ImportPlan",
    "ImportRefused",
    "ImportReport",
    "ProgressFn",
    "commit_import",
    "preview_import",
    "run_import",
]

# progress(done, total, Chinese text); total 0 = unknown
ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]


class ImportRefused(ValidationError):
    """The import cannot be committed as it stands (problems remain, or nothing to do)."""

    code = "import_refused"
    template = "{reason}"


@dataclass
class ImportPlan:
    """What a commit would do: the parse, the new rows per village, duplicates and every problem."""

    parse: ParseResult
    village_id: str | None  # the default village (``--village`` / the page's village)
    new: list[tuple[Record, str]] = field(default_factory=list)  # (record, village id), file order
    duplicates: int = 0
    errors: list[CellError] = field(default_factory=list)  # parse + database problems, by row

    @property
    def kind(self) -> str:
        return self.parse.kind

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    def clean_new(self) -> list[tuple[Record, str]]:
        """The new rows with no problem at all (what “只导入无误的行” writes)."""
        bad = self.bad_rows
        return [(r, v) for r, v in self.new if r.row not in bad]

    def file_level_errors(self) -> list[CellError]:
        """Problems that concern the whole sheet (a missing column, no village): clean rows cannot help."""
        return [e for e in self.errors if e.row == self.parse.header_row and not e.column_letter]


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    sheet: str
    header_row: int
    rows_read: int
    imported: int
    duplicates: int
    total_fen: int
    errors: tuple[CellError, ...]
    dry_run: bool = False
    clean_rows_only: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        """Exactly the CLI's ``--json`` object."""
        return {
            "kind": self.kind,
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "total_fen": self.total_fen,
            "errors": [
                {"sheet": e.sheet, "row": e.row, "column": e.column, "value": e.value, "message": e.message}
                for e in self.errors
            ],
        }

    def summary(self) -> str:
        """One Chinese sentence for the GUI and the CLI."""
        what = "预检" if self.dry_run else "导入"
        parts = [f"读取{self.rows_read}行", f"新增{self.imported}条" if not self.dry_run else ""]
        parts.append(f"已存在（跳过）{self.duplicates}条")
        if self.errors:
            rows = len({e.row for e in self.errors})
            tail = "，有问题的行未导入" if self.clean_rows_only and not self.dry_run else ""
            parts.append(f"{rows}行有问题（共{len(self.errors)}处）{tail}")
        return f"{what}“{Path(self.file).name}”：" + "，".join(p for p in parts if p)


def _villages(ctx: AppContext) -> dict[str, str]:
    """Village name → id of every active village the user may see."""
    from sqlalchemy import select

    visible = ctx.visible_village_ids()
    with ctx.read() as s:
        rows = s.execute(select(Village.id, Village.name).where(Village.active.is_(True))).all()
    return {name: vid for vid, name in rows if visible is None or vid in visible}


@gc_paused()
def preview_import(
    ctx: AppContext,
    path: str | Path,
    kind: str,
    *,
    village_id: str | None = None,
    sheet: str | None = None,
    mapping: ColumnMapping | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportPlan:
    """Read and check the file against the database without writing anything."""
    plan, villages = _parse(ctx, path, kind, village_id, sheet, mapping, progress, cancel)
    if progress is not None:
        progress(0, 0, "正在与数据库中已有的记录比对")
    with ctx.db.read_engine.connect() as conn:
        _apply(plan, match_rows(conn, ctx, plan.parse, villages, today=ctx.clock.today()))
    return plan


def _parse(
    ctx: AppContext,
    path: str | Path,
    kind: str,
    village_id: str | None,
    sheet: str | None,
    mapping: ColumnMapping | None,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
) -> tuple[ImportPlan, dict[str, str]]:
    """Permission checks and the parse (no database access beyond the visible villages)."""
    kind_spec(kind)
    ctx.require(Perm.IMPORT, village_id)
    ctx.require(KIND_PERMS[kind], village_id)
    villages = _villages(ctx)
    default_name: str | None = None
    if village_id is not None:
        default_name = next((n for n, v in villages.items() if v == village_id), None)
        if default_name is None:
            raise ValidationError(field="村", reason="所选的村不存在或已停用")
    result: ParseResult | None = None
    gen = iter_parse_workbook(path, kind, sheet=sheet, village=default_name, mapping=mapping, cancel=cancel)
    for step in gen:
        if step.result is not None:
            result = step.result
        elif progress is not None:
            progress(step.done, step.total, f"正在读取第{step.done}行")
    assert result is not None
    return ImportPlan(result, village_id), villages


def _apply(plan: ImportPlan, m: Matched) -> None:
    plan.new = m.new
    plan.duplicates = m.duplicates
    plan.errors = sorted(
        [*plan.parse.errors, *m.errors], key=lambda e: (e.row, len(e.column_letter), e.column_letter)
    )


@gc_paused()
def commit_import(
    ctx: AppContext,
    plan: ImportPlan,
    *,
    clean_rows_only: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportReport:
    """Write the plan's new rows in one transaction. Refused while problems remain unless ``clean_rows_only``.

    The rows are matched against the database again inside the write transaction, so a record added since
    the preview is recognised (duplicate) or refused (conflict) rather than written twice."""
    kind = plan.kind
    ctx.require(Perm.IMPORT, plan.village_id)
    ctx.require(KIND_PERMS[kind], plan.village_id)
    if plan.errors and not clean_rows_only:
        raise ImportRefused(
            reason=f"表中有{len(plan.bad_rows)}行存在问题，请改正后重新导入，或选择只导入无误的行"
        )
    if plan.file_level_errors():
        raise ImportRefused(reason=plan.file_level_errors()[0].message)
    villages = _villages(ctx)
    for vid in {v for _, v in plan.new}:
        ctx.require(Perm.IMPORT, vid)
        ctx.require(KIND_PERMS[kind], vid)
    skip = plan.bad_rows if clean_rows_only else set()
    with ctx.db.write_connection() as conn:
        matched = match_rows(conn, ctx, plan.parse, villages, today=ctx.clock.today(), skip_rows=skip)
        fresh = {e.row for e in matched.errors} - skip
        if fresh:
            _apply(plan, matched)
            raise ImportRefused(reason="预览之后数据库已有变化，部分行与已有记录冲突，请重新预览后再导入")
        imported = write_rows(
            conn,
            ctx,
            plan.parse,
            matched.new,
            matched.keys,
            today=ctx.clock.today(),
            progress=progress,
            cancel=cancel,
        )
    return _report(plan, imported=imported, duplicates=matched.duplicates, clean_rows_only=clean_rows_only)


def _report(
    plan: ImportPlan, *, imported: int, duplicates: int, dry_run: bool = False, clean_rows_only: bool = False
) -> ImportReport:
    p = plan.parse
    return ImportReport(
        kind=p.kind,
        file=p.file,
        sheet=p.sheet,
        header_row=p.header_row,
        rows_read=p.rows_read,
        imported=imported,
        duplicates=duplicates,
        total_fen=p.total_fen,
        errors=tuple(plan.errors),
        dry_run=dry_run,
        clean_rows_only=clean_rows_only,
    )


def dry_run_report(plan: ImportPlan) -> ImportReport:
    return _report(plan, imported=0, duplicates=plan.duplicates, dry_run=True)


@gc_paused()
def run_import(
    ctx: AppContext,
    path: str | Path,
    kind: str,
    *,
    village_id: str | None = None,
    sheet: str | None = None,
    mapping: ColumnMapping | None = None,
    dry_run: bool = False,
    clean_rows_only: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportReport:
    """Preview and, when clean (or ``clean_rows_only``) and not ``dry_run``, commit. Never raises for bad rows:
    they come back in ``report.errors`` with nothing written.

    Unlike ``preview_import`` followed by ``commit_import`` (the wizard, where the user looks at the preview
    first), the rows are matched against the database once, inside the write transaction."""
    if dry_run:
        return dry_run_report(
            preview_import(
                ctx,
                path,
                kind,
                village_id=village_id,
                sheet=sheet,
                mapping=mapping,
                progress=progress,
                cancel=cancel,
            )
        )
    plan, villages = _parse(ctx, path, kind, village_id, sheet, mapping, progress, cancel)
    if plan.parse.errors and (not clean_rows_only or plan.file_level_errors()):
        # Problems the database cannot change: report them with the database's view, write nothing.
        with ctx.db.read_engine.connect() as conn:
            _apply(plan, match_rows(conn, ctx, plan.parse, villages, today=ctx.clock.today()))
        return _report(plan, imported=0, duplicates=plan.duplicates)
    with ctx.db.write_connection() as conn:
        if progress is not None:
            progress(0, 0, "正在与数据库中已有的记录比对")
        matched = match_rows(conn, ctx, plan.parse, villages, today=ctx.clock.today())
        _apply(plan, matched)
        if plan.errors and not clean_rows_only:
            return _report(plan, imported=0, duplicates=plan.duplicates)
        new, keys = matched.new, matched.keys
        if plan.errors:  # clean rows only
            bad = plan.bad_rows
            pairs = [(n, k) for n, k in zip(new, keys, strict=True) if n[0].row not in bad]
            new, keys = [n for n, _ in pairs], [k for _, k in pairs]
        # match_rows refused rows of villages the user may not import into; this is a safety net
        for vid in {v for _, v in new}:
            ctx.require(Perm.IMPORT, vid)
            ctx.require(KIND_PERMS[kind], vid)
        imported = write_rows(
            conn,
            ctx,
            plan.parse,
            new,
            keys,
            today=ctx.clock.today(),
            progress=progress,
            cancel=cancel,
        )
    return _report(plan, imported=imported, duplicates=matched.duplicates, clean_rows_only=clean_rows_only)
