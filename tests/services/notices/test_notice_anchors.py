"""The 核验码 as an anchor on paper: a version-2 code names the audit entry the print cited and binds its hash,
so a code typed from a posted notice catches a chain rewritten before it — even when the journal is gone and the
print record was rewritten along with the chain. Codes printed before (version 1) still verify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.printing.verification import code_from_hash, parse_code
from quzhou_desktop.services.kernel import site
from quzhou_desktop.services.notices.checks import CodeBeyondChain, notice_anchor, verify_notice
from quzhou_desktop.services.notices.issue import print_notice
from quzhou_desktop.services.verification.run import VerifyReport, verify
from quzhou_desktop.store.anchors import read_journal
from quzhou_desktop.store.audit.problems import Problem
from tests.pg import raw_connection
from tests.services.verification import attacker
from tests.support.notices import Printables

pytestmark = pytest.mark.filterwarnings("ignore:The Result.tuples:DeprecationWarning")

# The printable records are written through the ORM, not signed through the services, so ``verify`` also
# reports them as unsigned; these tests look at what the anchors and the codes from paper find.
NOT_ANCHORS = {"unsigned", "log"}


def anchor_problems(report: VerifyReport) -> list[Problem]:
    return [p for p in report.problems if p.kind not in NOT_ANCHORS]


@pytest.fixture
def nw(printables: Printables) -> Printables:
    """溪口村 with one record of every printable kind, in a real database file."""
    return printables


def _print(nw: Printables, tmp_path: Path) -> str:
    return print_notice(nw.ctx, "voucher", nw.voucher_id, tmp_path / "v.pdf").code


def test_printed_code_is_version_2_and_the_print_is_anchored_in_the_journal(
    nw: Printables, tmp_path: Path
) -> None:
    code = _print(nw, tmp_path)
    parsed = parse_code(code)
    assert parsed.version == 2 and len(code) >= 19
    s = site.read_site(nw.world.db)
    assert s is not None
    lines = read_journal(anchor_journal_path(s.id))
    assert any(f'"seq":{parsed.seq},' in line and '"why":"print"' in line for line in lines)
    assert verify_notice(nw.ctx, code).unchanged
    assert anchor_problems(verify(nw.ctx, notice_codes=[code])) == []


def test_a_code_from_paper_catches_a_rewritten_chain_without_any_journal(
    nw: Printables, tmp_path: Path
) -> None:
    code = _print(nw, tmp_path)
    db = nw.world.db
    s = site.read_site(nw.world.db)
    assert s is not None
    anchor_journal_path(s.id).unlink()  # the attacker removed the journal
    attacker.rewrite_person_name(db, "吴建国", "吴某某")  # an entry before the print, hashes recomputed
    # ... and rewrote the print record (row and log entry) to the new chain, so the file agrees with itself
    con = raw_connection(db)
    kind, rid, chash, seq, old_head = con.execute(
        "SELECT kind, record_id, content_hash, audit_seq, audit_hash FROM notice_print WHERE code = ?",
        (code,),
    ).fetchone()
    new_head = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()[0]
    con.close()
    forged = code_from_hash(kind, rid, chash, new_head, seq)

    def doctor(con: Any) -> None:
        con.execute(
            "UPDATE notice_print SET audit_hash = ?, code = ? WHERE code = ?", (new_head, forged, code)
        )
        (entry,) = con.execute("SELECT seq FROM audit_log WHERE entity = 'notice_print'").fetchone()
        con.execute(
            "UPDATE audit_log SET after_json = replace(replace(after_json, ?, ?), ?, ?) WHERE seq = ?",
            (code, forged, old_head, new_head, entry),
        )
        attacker.rehash_from(con, entry)

    attacker._without_triggers(db, doctor)
    assert anchor_problems(verify(nw.ctx)) == []  # nothing inside the file gives it away
    assert verify_notice(nw.ctx, forged).unchanged  # a code printed from the forgery would pass
    report = verify(nw.ctx, notice_codes=[code])  # the code on the posted paper does not
    assert any("查不到打印记录" in p.message for p in anchor_problems(report))
    check = notice_anchor(nw.ctx, code)
    assert check.point is not None and check.point.head is None  # only "the chain had seq entries" is left


def test_a_code_from_paper_names_the_rewrite_when_the_print_record_is_genuine(
    nw: Printables, tmp_path: Path
) -> None:
    code = _print(nw, tmp_path)
    db = nw.world.db
    s = site.read_site(nw.world.db)
    assert s is not None
    anchor_journal_path(s.id).unlink()
    attacker.rewrite_person_name(db, "吴建国", "吴某某")
    report = verify(nw.ctx, notice_codes=[code])
    seq = parse_code(code).seq
    assert [p.kind for p in anchor_problems(report)] == ["anchor_rewritten"]
    assert f"审计日志在第{seq}条或之前被改写" in anchor_problems(report)[0].message
    check = verify_notice(nw.ctx, code)
    assert not check.unchanged and "被改写" in check.reason


def test_a_code_beyond_the_chains_end_says_entries_are_missing(nw: Printables, tmp_path: Path) -> None:
    code = _print(nw, tmp_path)
    seq = parse_code(code).seq
    assert seq is not None
    attacker.roll_back_to(nw.world.db, seq - 3, tables=())
    check = verify_notice(nw.ctx, code)  # the print record is still there, its chain is not
    assert not check.unchanged and f"第{seq - 3}条之后的记录缺失" in check.reason
    report = verify(nw.ctx, notice_codes=[code])
    assert any(p.message.startswith(f"第{seq - 3}条之后的记录缺失") for p in report.problems)
    attacker.roll_back_to(nw.world.db, seq - 3, tables=("notice_print",))  # the print record removed too
    con = raw_connection(nw.world.db)
    con.execute("DELETE FROM notice_print")
    con.commit()
    con.close()
    with pytest.raises(CodeBeyondChain, match=f"第{seq - 3}条之后的记录缺失"):
        verify_notice(nw.ctx, code)


def test_old_version_1_codes_still_verify(nw: Printables, tmp_path: Path) -> None:
    """Paper printed before anchors carries a 12-symbol code; the print record holds it as the first release
    wrote it (through the app, audited)."""
    from quzhou_desktop.printing.documents import canonical_content
    from quzhou_desktop.printing.verification import content_hash, make_code
    from quzhou_desktop.services.notices.issue import build_document
    from quzhou_desktop.store.audit.chain import chain_head
    from quzhou_desktop.store.models import NoticePrint

    content = canonical_content(build_document(nw.ctx, "voucher", nw.voucher_id))
    with nw.ctx.write("notice.print") as s:
        seq, head = chain_head(s.connection())
        old = make_code("voucher", nw.voucher_id, content, head)  # version 1: no seq
        s.add(NoticePrint(code=old, kind="voucher", record_id=nw.voucher_id, content_hash=content_hash(content),
                          audit_seq=seq, audit_hash=head, printed_at=nw.ctx.clock.now(),
                          printed_by=nw.ctx.require_user().id))  # fmt: skip
    assert len(old) == 14 and parse_code(old).version == 1
    check = verify_notice(nw.ctx, old.lower())
    assert check.unchanged and check.code == old
    anchor = notice_anchor(nw.ctx, old)
    assert anchor.point is None and "旧版核验码" in anchor.note
    report = verify(nw.ctx, notice_codes=[old])
    assert anchor_problems(report) == [] and any("旧版核验码" in n for n in report.notes)


def test_a_new_code_typed_without_its_last_group_is_still_found(nw: Printables, tmp_path: Path) -> None:
    code = _print(nw, tmp_path)
    check = verify_notice(nw.ctx, parse_code(code).digest)
    assert check.unchanged and check.code == code
