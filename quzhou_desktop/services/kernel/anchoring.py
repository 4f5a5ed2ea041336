"""Writing anchors, and finding them again for ``verify``.

When the app writes one (each a signed ``core.anchors.Anchor`` appended to the site's journal,
``paths.anchor_journal_path``):

- every backup — the daily one at start-up, manual ones, the safety copy before a restore — for the chain end
  of the copy, which also carries the journal inside it (``store.anchors.write_anchor_table``);
- every print of notices, for the audit entry the 核验码 cites;
- after each login and when the app closes, when the chain has moved since the last anchor or the last one is
  a day old (``anchor_if_due``): so at least daily on any day the app is used.

Nothing is written for a database without a site, or on a computer without the site's key
(``services.kernel.site``); that is logged, never an error: anchors add evidence, their absence loses none.

``gather_anchors`` reads them back from the journal and from files given to ``verify --anchor`` (a journal or a
backup copied off a USB stick) and sorts them by what their signature says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from quzhou_desktop.core.anchors import (
    Anchor,
    AnchorFormatError,
    make_anchor,
    parse_line,
    signature_ok,
    to_line,
)
from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.signing import fingerprint
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.site import SiteInfo, SiteSigner, ensure_site, signer_for
from quzhou_desktop.store.anchors import append_journal, journal_tail, read_anchor_table, read_journal
from quzhou_desktop.store.audit.chain import chain_head
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import utcnow

log = logging.getLogger(__name__)

MAX_AGE = timedelta(days=1)
BACKUP_JOURNAL_LINES = 1000  # the newest anchors a backup carries (a later anchor covers every earlier entry)
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # pg_dump's custom format


def _head(db: Database) -> tuple[int, str]:
    with db.read_engine.connect() as conn:
        return chain_head(conn)


def _sign(signer: SiteSigner, point: tuple[int, str], why: str) -> Anchor:
    key = signer.key
    return make_anchor(
        key.private, key.public, site=signer.site.id, seq=point[0], head=point[1], at=utcnow(), why=why,
        db=signer.db_label,
    )  # fmt: skip


def _append(signer: SiteSigner, anchor: Anchor) -> Anchor | None:
    """Append to the journal; a journal that cannot be written is logged, never in the way of the act."""
    try:
        append_journal(anchor_journal_path(signer.site.id), [to_line(anchor)])
    except OSError as exc:
        log.warning("anchor not written to the journal: %s", exc)
        return None
    return anchor


def write_anchor(db: Database, why: str, *, point: tuple[int, str] | None = None) -> Anchor | None:
    """Sign the chain's (seq, head) — now, or ``point`` — and append it to the site's journal."""
    signer = signer_for(db)
    if signer is None:
        log.info("no anchor (%s): %s has no site key on this computer", why, db.label)
        return None
    return _append(signer, _sign(signer, point or _head(db), why))


def anchor_if_due(db: Database, why: str) -> Anchor | None:
    """``write_anchor`` unless the journal's last anchor already holds today's chain head."""
    signer = signer_for(db)
    if signer is None:
        return None
    seq, head = _head(db)
    for line in reversed(journal_tail(anchor_journal_path(signer.site.id))):
        try:
            last = parse_line(line)
        except AnchorFormatError:
            continue
        if last.seq == seq and last.head == head and utcnow() - last.time < MAX_AGE:
            return None
        break
    return _append(signer, _sign(signer, (seq, head), why))


def after_login(ctx: AppContext) -> None:
    """What the app and the CLI do after every login: an administrator gives the database its site (or this
    computer a key for it), then the chain is anchored if due. A failure here is logged, never in the way."""
    try:
        ensure_site(ctx)
        anchor_if_due(ctx.db, "login")
    except (OSError, QuzhouError) as exc:
        log.warning("no anchor after login: %s", exc)


def backup_hook(db: Database) -> Callable[[int, str], Sequence[str]] | None:
    """What ``store.backup.make_backup`` calls with the copy's chain end: sign an anchor of it, append it to
    the journal and return the lines the copy carries (the newest journal lines, this anchor last)."""
    signer = signer_for(db)
    if signer is None:
        log.info("backup of %s without an anchor: no site key on this computer", db.label)
        return None
    journal = anchor_journal_path(signer.site.id)

    def hook(seq: int, head: str) -> Sequence[str]:
        anchor = _sign(signer, (seq, head), "backup")
        if _append(signer, anchor) is None:  # the copy still carries its own anchor
            return [to_line(anchor)]
        return read_journal(journal)[-BACKUP_JOURNAL_LINES:]

    return hook


# -- finding anchors ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundAnchor:
    anchor: Anchor
    source: str  # Chinese: the file and line it was read from


@dataclass
class GatheredAnchors:
    """Anchors sorted by their signatures: ``usable`` belong to the site and check; the rest are named."""

    usable: list[FoundAnchor] = field(default_factory=list)
    bad_signature: list[FoundAnchor] = field(default_factory=list)
    unknown_key: list[FoundAnchor] = field(default_factory=list)
    other_site: list[FoundAnchor] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # Chinese, one per line or file that holds no anchor
    sources: list[str] = field(default_factory=list)  # every file looked at


def _lines_of(path: Path) -> tuple[list[str], str]:
    """The anchor lines a file holds (a journal, a receipt, or a backup's anchor table) and its description."""
    with path.open("rb") as fh:
        magic = fh.read(16)
    if magic == SQLITE_MAGIC:
        return read_anchor_table(path), f"备份文件 {path}"
    if magic.startswith(PG_DUMP_MAGIC):  # a server's backup: its anchors are beside it
        from quzhou_desktop.store.server.dump import anchors_beside

        return read_journal(anchors_beside(path)), f"备份文件 {path} 旁的锚点文件"
    return read_journal(path), f"锚点文件 {path}"


def classify(site: SiteInfo | None, found: Iterable[FoundAnchor], into: GatheredAnchors) -> None:
    """Sort anchors by whose they are and whether their signature checks with a key the site lists."""
    for f in found:
        a = f.anchor
        if site is None or a.site != site.id:
            into.other_site.append(f)
        elif a.public_key not in site.keys:
            into.unknown_key.append(f)
        elif not signature_ok(a, a.public_key):
            into.bad_signature.append(f)
        else:
            into.usable.append(f)


def read_anchor_lines(lines: Sequence[str], source: str, into: GatheredAnchors) -> list[FoundAnchor]:
    found: list[FoundAnchor] = []
    for n, line in enumerate(lines, 1):
        try:
            found.append(FoundAnchor(parse_line(line), f"{source} 第{n}行"))
        except AnchorFormatError as exc:
            into.unreadable.append(f"{source} 第{n}行不是有效的锚点（{exc}），未采用")
    return found


def gather_anchors(site: SiteInfo | None, files: Sequence[Path] = ()) -> GatheredAnchors:
    """The site's journal on this computer plus every file given (``verify --anchor``)."""
    out = GatheredAnchors()
    found: list[FoundAnchor] = []
    if site is not None:
        journal = anchor_journal_path(site.id)
        out.sources.append(f"锚点日志 {journal}")
        try:
            found += read_anchor_lines(read_journal(journal), f"锚点日志 {journal}", out)
        except OSError as exc:
            out.unreadable.append(f"无法读取锚点日志 {journal}：{exc.strerror or exc}")
    for path in files:
        try:
            lines, source = _lines_of(path)
        except OSError as exc:
            out.unreadable.append(f"无法读取锚点文件 {path}：{exc.strerror or exc}")
            continue
        except Exception as exc:  # a damaged SQLite file
            out.unreadable.append(f"无法读取备份文件 {path} 中的锚点：{exc}")
            continue
        out.sources.append(source)
        if not lines:
            out.unreadable.append(f"{source} 中没有锚点")
        found += read_anchor_lines(lines, source, out)
    classify(site, found, out)
    return out


def key_label(anchor: Anchor) -> str:
    public = anchor.public_key
    return fingerprint(public) if len(public) == 32 else "无效"
