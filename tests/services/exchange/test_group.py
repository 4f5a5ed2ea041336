"""Several villages' packages imported in one call are applied in one transaction, each in a savepoint of its own:
a package refused while it is written (a missing attachment, a reference the township does not hold) leaves no
trace, the others are applied, receipts are written only for what was committed, and ``verify`` passes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from quzhou_desktop.core.signing import b64, sign
from quzhou_desktop.services.exchange.identity import local_site, site_private_key
from quzhou_desktop.services.exchange.package import Entry, Package, container, entry_line
from quzhou_desktop.services.exchange.receipts import receipt_path
from quzhou_desktop.services.kernel.attachments import add_attachment
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.models import ExchangeSite, Voucher, VoucherEvent
from tests.services.exchange.test_rounds import PDF, check_round, delivered
from tests.support.exchange import Sites, count, problems
from tests.support.vouchers import make_voucher_village
from tests.support.world import World


def _signed(village: World, members: dict[str, bytes], manifest: dict[str, Any]) -> bytes:
    """The package again from ``members`` and ``manifest``, digests updated and signed with the village's key."""
    with village.db.read() as s:
        site = local_site(s)
    assert site is not None
    private = site_private_key(site)
    manifest["members"] = {
        n: hashlib.sha256(d).hexdigest()
        for n, d in members.items()
        if n not in ("manifest.json", "manifest.sig")
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    members["manifest.json"] = text
    members["manifest.sig"] = b64(sign(private, text)).encode()
    return container(members)


def _members(data: bytes) -> tuple[dict[str, bytes], dict[str, Any]]:
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    return members, json.loads(members["manifest.json"])


def without_attachments(village: World, data: bytes) -> bytes:
    """Signed by the village, complete and consistent, but the scans its entries name are not in it."""
    members, manifest = _members(data)
    members = {n: d for n, d in members.items() if not n.startswith("attachments/")}
    return _signed(village, members, manifest)


def with_a_scan_swapped(village: World, data: bytes) -> bytes:
    """Signed by the village, its manifest listing every member's true digest, but a scan's content is not the
    one its name (the SHA-256 its attachment record names) says."""
    members, manifest = _members(data)
    (name,) = [n for n in members if n.startswith("attachments/")]
    members[name] = b"%PDF-1.4 another scan"
    return _signed(village, members, manifest)


def with_entry_changed(village: World, data: bytes, change: Callable[[Entry], Entry | None]) -> bytes:
    """Signed by the village, every hash and link recomputed after the entry ``change`` alters."""
    members, manifest = _members(data)
    entries = list(Package("x.zip", data).entries())
    prev: str | None = None
    lines = []
    for e in entries:
        changed = change(e) if prev is None else None
        if prev is not None or changed is not None:
            e = (changed or e)._replace(prev_hash=prev or e.prev_hash, line=None)
            e = e._replace(hash=e.recomputed())
            prev = e.hash
        lines.append(entry_line(e))
    assert prev is not None, "no entry changed"
    members["entries.jsonl"] = ("\n".join(lines) + "\n").encode()
    manifest["range"]["last"]["hash"] = prev
    return _signed(village, members, manifest)


def _an_event_of_no_voucher(e: Entry) -> Entry | None:
    if e.entity != "voucher_event" or e.after is None or e.before is not None:
        return None
    state = json.loads(e.after)
    state["voucher_id"] = "00000000-0000-0000-0000-00000000dead"
    return e._replace(after=json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _an_event_without_its_opinion(e: Entry) -> Entry | None:
    if e.entity != "voucher_event" or e.after is None or e.before is not None:
        return None
    state = json.loads(e.after)
    del state["opinion"]
    return e._replace(after=json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _accepted(township: World, village: World) -> int:
    with township.db.read() as s:
        peer = s.scalars(select(ExchangeSite).where(ExchangeSite.village_id == village.village_ids[0])).one()
        return peer.accepted_seq


def _held(township: World, village: World) -> tuple[int, int]:
    vid = village.village_ids[0]
    return count(township, Voucher, village_id=vid), count(township, VoucherEvent, village_id=vid)


@pytest.mark.parametrize("breakage", ["attachment", "scan", "field", "reference"])
def test_a_package_refused_while_written_rolls_back_only_itself(
    sites: Sites, tmp_path: Path, breakage: str
) -> None:
    xk, sy = sites.villages["溪口村"], sites.villages["上洋村"]
    a, b = make_voucher_village(xk), make_voucher_village(sy)
    va = delivered(a)
    add_attachment(
        a.clerk,
        owner_kind="voucher",
        owner_id=va,
        village_id=a.vid,
        perm=Perm.VOUCHER_EDIT,
        data=PDF,
        filename="发票.pdf",
    )
    delivered(b)
    good = sites.report("溪口村").path
    other = sites.report("上洋村").path
    bad = tmp_path / "broken" / good.name
    bad.parent.mkdir()
    (scan,) = [n for n in _members(good.read_bytes())[0] if n.startswith("attachments/")]
    if breakage == "attachment":  # refused in its savepoint before it writes
        bad.write_bytes(without_attachments(xk, good.read_bytes()))
        reason = f"缺少附件“{scan}”的内容"
    elif breakage == "scan":  # refused when the file is opened
        bad.write_bytes(with_a_scan_swapped(xk, good.read_bytes()))
        reason = f"附件“{scan}”的名称与其内容的校验值不符"
    elif breakage == "field":  # refused in its savepoint after its scan and earlier tables were written
        bad.write_bytes(with_entry_changed(xk, good.read_bytes(), _an_event_without_its_opinion))
        reason = "缺少字段"
    else:  # refused at the commit (references are checked there): each package is then applied alone
        bad.write_bytes(with_entry_changed(xk, good.read_bytes(), _an_event_of_no_voucher))
        reason = "引用了本站点没有的数据"
    nothing = _held(sites.township, xk)

    for first in (bad, other), (other, bad):  # the broken one applied before and after the other one
        results = {r.file: r for r in sites.at_township(*first)}
        assert results[bad.name].status == "refused" and reason in results[bad.name].message
        assert results[other.name].status in ("applied", "duplicate"), results[other.name].message
        assert not receipt_path(bad).exists()
        assert _held(sites.township, xk) == nothing and _accepted(sites.township, xk) == 0
        assert _held(sites.township, sy) > (0, 0)
        assert problems(sites.township) == []

    [r] = sites.at_township(good)
    assert r.status == "applied", r.message
    for name, path in (("溪口村", good), ("上洋村", other)):
        sites.at(name, receipt_path(path))
    check_round(sites)


def test_one_senders_packages_follow_each_other_in_one_call(sites: Sites) -> None:
    """Two packages of the same village and one of the other in one call: the second of a village is placed
    against what its first left (never in the same transaction), so all three apply."""
    xk, sy = sites.villages["溪口村"], sites.villages["上洋村"]
    a, b = make_voucher_village(xk), make_voucher_village(sy)
    delivered(a)
    first = sites.report("溪口村").path
    delivered(b)
    theirs = sites.report("上洋村").path
    delivered(a, 160_000)
    # the village has no receipt yet, so its second package repeats the first one's entries and adds more
    second = sites.report("溪口村").path
    results = sites.at_township(second, theirs, first)
    assert [r.status for r in results].count("applied") >= 2, [r.message for r in results]
    assert all(r.ok for r in results), [r.message for r in results]
    for name, path in (("溪口村", second), ("上洋村", theirs)):
        sites.at(name, receipt_path(path))
    check_round(sites)
