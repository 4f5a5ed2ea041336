"""What lets an auditor check an archive against the database and the database against the archive.

* ``verify_database``: at the audit entry the archive is built at, the archived records against their audit
  entries and those entries' hashes (``store.audit.scoped``), or on request the full ``verify`` of the whole
  database (chain, records, attachments: minutes on a township's ten-year database).
* ``record_build``: the archive's own audit entry (``archive.build``, entity ``archive``, never a table's name so
  ``verify`` looks for no row behind it) whose after-state holds the village, the span and the digest of every
  file; its sequence number and hash go into the manifest.
* ``manifest``: 清单.json — every file with its SHA-256 and size, the digest over them, and the audit entry.
  Checking it: recompute each file's SHA-256 and the digest; find the entry of ``audit_seq`` in the database's
  audit log: its hash is ``chain_head`` and its after-state names the same digest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.chain import Change, append_entries, chain_head
from quzhou_desktop.store.audit.scoped import verify_records_of
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import new_uuid

__all__ = ["DatabaseCheck", "content_digest", "file_sha256", "manifest", "record_build", "verify_database"]

MANIFEST_NAME = "清单.json"
ACTION = "archive.build"
ENTITY = "archive"


@dataclass(frozen=True)
class DatabaseCheck:
    passed: bool
    full: bool  # the whole database (``verify``), else the archived records and their audit entries
    entries: int  # audit entries in the log
    checked: int  # records (scoped) or audit entries (full) checked
    seq: int  # the chain head checked
    head: str
    problems: tuple[str, ...]

    @property
    def summary(self) -> str:
        if self.full:
            scope = (f"对整个数据库做了完整校验（与 verify 命令相同）：审计日志共{self.entries}条，哈希链、每条记录与"
                     "审计日志、附件")  # fmt: skip
        else:
            scope = (f"校验了本档案所含的{self.checked}条记录：每条记录与其最后一条审计日志一致，这些审计日志的校验值"
                     f"重新计算无误、与前一条衔接，以及审计日志的最后一条（全库共{self.entries}条；整个数据库的完整校验"
                     "请用 verify 命令或编制档案时选择完整校验）")  # fmt: skip
        if self.passed:
            return f"校验通过：{scope}（校验至审计日志第{self.seq}条）。"
        return (
            f"校验未通过：{scope}，发现{len(self.problems)}个问题（校验至审计日志第{self.seq}条），见下文。"
        )


def verify_database(
    ctx: AppContext, records: Mapping[str, Iterable[str]], *, full: bool = False
) -> DatabaseCheck:
    """The full ``verify`` (``full``), or the archived ``records`` (table → ids) and their audit entries."""
    with ctx.db.read_engine.connect() as conn:
        seq, head = chain_head(conn)
        entries = int(conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() or 0)
        if full:
            problems = verify_all(conn)
            checked = entries
        else:
            scoped = verify_records_of(conn, records)
            problems, checked = scoped.problems, scoped.records
    return DatabaseCheck(not problems, full, entries, checked, seq, head, tuple(p.message for p in problems))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def content_digest(files: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over "path sha256" lines of every file, sorted by path (the manifest itself excluded)."""
    text = "".join(f"{name} {digest}\n" for name, digest in sorted(files))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_build(ctx: AppContext, details: dict[str, Any]) -> tuple[str, int, str]:
    """Append the ``archive.build`` entry in its own transaction; returns (act id, its seq, its hash)."""
    act_id = new_uuid()
    with ctx.db.write_connection() as conn:
        append_entries(conn, ctx.actor, [Change(ACTION, ENTITY, act_id, None, details)], ts=ctx.clock.now())
        seq, head = chain_head(conn)
    return act_id, seq, head


def manifest(folder: Path, *, header: dict[str, Any], files: list[tuple[str, str, int]], digest: str) -> Path:
    """Write 清单.json into ``folder``."""
    body = {
        **header,
        "content_digest": digest,
        "files": [{"path": p, "sha256": h, "size": n} for p, h, n in sorted(files)],
        "how_to_check": (
            "逐个计算文件的SHA-256并与files核对；把“路径 SHA-256”按路径排序逐行拼接再算SHA-256，应等于"
            "content_digest；数据库审计日志第audit_seq条的哈希应等于chain_head，其内容记载同一content_digest。"
        ),
    }
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
