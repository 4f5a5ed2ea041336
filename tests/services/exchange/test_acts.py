"""Signed acts and their signers' keys travel in the packages (``keys.jsonl``, ``acts.jsonl``): the village's
村监会 reviews and 主任/书记 signatures reach the township, the 代理记账中心's 退回 reaches the village, each
checked against its signer's key before anything is written and kept as ``peer_act`` / ``peer_key``. A forged
act, an act by an unknown key, a key swapped under a known id refuse the whole package; ``verify`` catches a
stored act edited in the database file."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from quzhou_desktop.core import signing
from quzhou_desktop.services.exchange.receipts import receipt_path
from quzhou_desktop.services.kernel.auth import reset_password
from quzhou_desktop.services.kernel.site import read_site
from quzhou_desktop.services.verification.run import verify
from quzhou_desktop.services.vouchers.flow import return_voucher
from quzhou_desktop.store.models import PeerAct, PeerKey, SignedAct, SigningKey, UserAccount
from tests import pg
from tests.services.exchange.test_rounds import chain_length, counts, delivered, full_round
from tests.support.exchange import Docs, Sites, problems, repack, site_private
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, World


def rows(world: World, model: Any) -> list[Any]:
    with world.db.read() as s:
        return list(s.scalars(select(model)))


def site_id(world: World) -> str:
    site = read_site(world.db)
    assert site is not None
    return site.id


def footprint(world: World) -> tuple[Any, ...]:
    """Everything an import could change."""
    with world.db.read() as s:
        peer = tuple(int(s.scalar(select(func.count()).select_from(m)) or 0) for m in (PeerAct, PeerKey))
    return counts(world), peer, chain_length(world)


def test_signed_acts_and_their_keys_travel_both_ways(sites: Sites) -> None:
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    va = delivered(a)
    report = sites.report("溪口村").path
    # The package lists both members with their digests; keys carry public halves only
    zf = zipfile.ZipFile(report)
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["version"] == 2 and {"keys.jsonl", "acts.jsonl"} <= set(manifest["members"])
    keys = [json.loads(x) for x in zf.read("keys.jsonl").decode().splitlines()]
    acts = [json.loads(x) for x in zf.read("acts.jsonl").decode().splitlines()]
    assert manifest["counts"]["keys"] == len(keys) and manifest["counts"]["acts"] == len(acts)
    assert all("sealed_key" not in k and "recovery_sealed" not in k for k in keys)
    assert {"voucher.review", "voucher.sign_director", "voucher.sign_secretary"} <= {x["act"] for x in acts}
    assert [r.status for r in sites.at_township(report)] == ["applied"]
    sites.at("溪口村", receipt_path(report))
    # The township keeps every act exactly as the village signed it, and the keys of its signers
    town = sites.township
    mine = {x.id: x for x in rows(xk, SignedAct)}
    theirs = {x.id: x for x in rows(town, PeerAct)}
    assert set(theirs) == set(mine)
    assert all(
        theirs[i].statement == mine[i].statement and theirs[i].signature == mine[i].signature for i in mine
    )
    assert {x.site_id for x in theirs.values()} == {site_id(xk)}
    village_keys = {k.id: k for k in rows(xk, SigningKey)}
    for k in rows(town, PeerKey):
        assert village_keys[k.id].public_key == k.public_key and k.site_id == site_id(xk)
    reviewers = {k.username for k in rows(town, PeerKey)}
    # ... but never the village's accounts
    assert not reviewers & {u.username for u in rows(town, UserAccount)} - {"admin"}
    # The 代理记账中心 returns the voucher: the village receives the act and the township clerk's key
    return_voucher(town.admin, va, "缺少验收单", PASSWORD)
    full_round(sites)
    [back] = [x for x in rows(xk, PeerAct) if x.act == "voucher.return"]
    [key] = [k for k in rows(xk, PeerKey) if k.id == back.key_id]
    assert key.user_id == town.admin.require_user().id and key.site_id == site_id(town)
    # Importing the same dispatch again changes nothing; every site verifies in full
    again = sites.dispatch("溪口村").path
    sites.at("溪口村", again)
    before = footprint(xk)
    assert [r.status for r in sites.at("溪口村", again)] == ["duplicate"]
    assert footprint(xk) == before
    for w in [town, *sites.villages.values()]:
        assert verify(w.admin).problems == [], w.path.name


def _line_of(acts: Docs, act: str) -> int:
    return next(i for i, x in enumerate(acts) if x["act"] == act)


def _restate(x: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> None:
    statement = json.loads(x["statement"])
    change(statement)
    x["statement"] = signing.statement_bytes(statement).decode("utf-8")


def forge_statement(acts: Docs) -> Docs:
    """The director's signature now says the voucher was signed with another decision."""
    _restate(acts[_line_of(acts, "voucher.sign_director")], lambda st: st.update(decision={"伪造": True}))
    return acts


def forge_signature(acts: Docs) -> Docs:
    i, j = _line_of(acts, "voucher.sign_director"), _line_of(acts, "voucher.sign_secretary")
    acts[i]["signature"] = acts[j]["signature"]
    return acts


def forge_row(acts: Docs) -> Docs:
    acts[_line_of(acts, "voucher.review")]["record_version"] = 7
    return acts


def swap_acts(acts: Docs) -> Docs:
    """Two reviews trade ids: each still verifies, but the events name the act that signs the other event."""
    i = _line_of(acts, "voucher.review")
    j = next(n for n, x in enumerate(acts) if x["act"] == "voucher.review" and n != i)
    acts[i]["id"], acts[j]["id"] = acts[j]["id"], acts[i]["id"]
    return acts


def full_entry_of_a_local_record(entries: list[list[Any]]) -> int:
    """The last entry (the voucher's delivery) is turned into a user account's state."""
    entries[-1][5] = "user_account"
    return len(entries) - 1


FORGERIES: list[tuple[str, dict[str, Any], str]] = [
    ("statement", {"acts": forge_statement}, "签名与签名人密钥不符"),
    ("signature", {"acts": forge_signature}, "签名与签名人密钥不符"),
    ("row", {"acts": forge_row}, "签名记录的内容与其签署的文本不一致"),
    ("swapped", {"acts": swap_acts}, "签署的是另一条记录"),
    ("unknown-key", {"keys": lambda keys: keys[1:]}, "签名人密钥未知：既不在数据包中，也不是此前从石梁镇溪口村收到的"),
    ("validity", {"keys": lambda keys: [{**k, "valid_from": "2099-01-01 00:00:00.000000"} for k in keys]},
     "签署时间不在签名人密钥的有效期内"),
    ("local-record", {"entries": full_entry_of_a_local_record}, "不随数据包传送的数据（user_account）"),
    ("no-acts", {"drop": ("acts.jsonl",)}, "缺少签名人密钥或电子签名（acts.jsonl）"),
    ("count", {"manifest": lambda m: m["counts"].update(acts=99)}, "份数与数据包内容不符"),
    ("version-1", {"manifest": lambda m: m.update(version=1)}, "旧版程序生成的"),
    ("version-3", {"manifest": lambda m: m.update(version=3)}, "请先升级程序"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "forgery", "reason"), FORGERIES, ids=[f[0] for f in FORGERIES])
def test_a_forged_package_is_refused_whole(
    sites: Sites, tmp_path: Path, name: str, forgery: dict[str, Any], reason: str
) -> None:
    """Re-signed with the village's real site key, so the manifest and every entry check: only the forged part
    is wrong, and it refuses the whole package with nothing written."""
    xk = sites.villages["溪口村"]
    delivered(make_voucher_village(xk))
    good = sites.report("溪口村").path
    bad = tmp_path / f"{name}.zip"
    bad.write_bytes(repack(good.read_bytes(), site_private(xk), **forgery))
    before = footprint(sites.township)
    [r] = sites.at_township(bad)
    assert r.status == "refused", r.message
    assert r.message.startswith(f"{bad.name} 未导入：") and reason in r.message, r.message
    assert r.message.endswith("未作任何修改。")
    assert footprint(sites.township) == before
    assert not receipt_path(bad).exists()
    assert [x.status for x in sites.at_township(good)] == ["applied"]  # the genuine package still applies


def test_an_act_of_a_key_never_received_is_refused(sites: Sites, tmp_path: Path) -> None:
    """An act signed with a key listed nowhere: a genuine-looking statement, signed by a stranger."""
    xk = sites.villages["溪口村"]
    delivered(make_voucher_village(xk))
    good = sites.report("溪口村").path
    stranger = signing.new_keypair()

    def by_stranger(acts: Docs) -> Docs:
        x = acts[_line_of(acts, "voucher.review")]
        x["key_id"] = "00000000-0000-4000-8000-000000000000"
        _restate(x, lambda st: st.update(key=x["key_id"]))
        x["signature"] = signing.b64(signing.sign(stranger.private, x["statement"].encode("utf-8")))
        return acts

    bad = tmp_path / "stranger.zip"
    bad.write_bytes(repack(good.read_bytes(), site_private(xk), acts=by_stranger))
    before = footprint(sites.township)
    [r] = sites.at_township(bad)
    assert r.status == "refused", r.message
    assert "村监会审核凭证" in r.message and "签名人密钥未知" in r.message, r.message
    assert footprint(sites.township) == before


def test_a_key_swapped_under_a_known_id_is_refused(sites: Sites, tmp_path: Path) -> None:
    """After the township received a reviewer's key, a package lists another public key under the same id, with
    the reviewer's acts re-signed by it (so every act verifies against the listed key)."""
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    delivered(a)
    full_round(sites)
    delivered(a, 80_000)
    good = sites.report("溪口村").path
    impostor = signing.new_keypair()
    swapped: list[str] = []

    def swap_key(keys: Docs) -> Docs:
        k = next(k for k in keys if k["username"] != "cunadmin")
        k["public_key"] = impostor.public.hex()
        swapped.append(k["id"])
        return keys

    def resign(acts: Docs) -> Docs:
        for x in acts:
            if x["key_id"] in swapped:
                x["signature"] = signing.b64(signing.sign(impostor.private, x["statement"].encode()))
        return acts

    bad = tmp_path / "swapped-key.zip"
    bad.write_bytes(repack(good.read_bytes(), site_private(xk), keys=swap_key, acts=resign))
    before = footprint(sites.township)
    [r] = sites.at_township(bad)
    assert r.status == "refused" and "与此前从石梁镇溪口村收到的不同：密钥被替换" in r.message, r.message
    assert footprint(sites.township) == before
    assert [x.status for x in sites.at_township(good)] == ["applied"]


def _edit(world: World, sql: str) -> None:
    world.db.dispose()
    con = pg.raw_connection(world.db)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE peer_act SET statement = replace(statement, '\"agree\"', '\"disagree\"') "
         "WHERE act = 'voucher.review'", "签名与签名人密钥不符"),
        ("UPDATE peer_act SET signed_at = '2099-01-01 00:00:00.000000' WHERE act = 'voucher.review'",
         "签名记录的内容与其签署的文本不一致"),
        ("UPDATE peer_key SET public_key = '" + "ab" * 32 + "' WHERE site_id = "
         "(SELECT site_id FROM exchange_site WHERE name = '溪口村')", "签名与签名人密钥不符"),
    ],
    ids=["statement", "time", "key"],
)  # fmt: skip
def test_verify_names_a_peer_act_edited_in_the_file(sites: Sites, sql: str, reason: str) -> None:
    xk = sites.villages["溪口村"]
    delivered(make_voucher_village(xk))
    full_round(sites)
    assert problems(sites.township) == []
    _edit(sites.township, sql)
    found = [p for p in problems(sites.township) if p.kind == "peer_act"]
    assert found and all(p.message.startswith("从溪口村收到的签名记录第") for p in found)
    assert reason in found[0].message and "在本程序之外被修改" in found[0].message


def test_a_key_retired_since_is_recorded_and_its_retirement_never_moves(sites: Sites, tmp_path: Path) -> None:
    """The township received a reviewer's key; the village resets that reviewer's password (the key is retired)
    before the township's receipt arrives, so its next package repeats the review with the key now retired:
    the township records the retirement. A later package that moves it is refused."""
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    delivered(a)
    p1 = sites.report("溪口村").path
    assert [r.status for r in sites.at_township(p1)] == ["applied"]
    reviewer = a.member1.require_user().id
    with xk.db.read() as s:
        old = s.scalars(select(SigningKey.id).where(SigningKey.user_id == reviewer)).one()
    xk.clock.advance(minutes=5)
    reset_password(xk.admin, reviewer, "another-pass-2", credential=PASSWORD)
    p2 = sites.report("溪口村").path
    assert [r.status for r in sites.at_township(p2)] == ["applied"]
    [kept] = [k for k in rows(sites.township, PeerKey) if k.id == old]
    assert kept.retired_at is not None and kept.row_version == 2
    assert verify(sites.township.admin).problems == []

    def moved(keys: Docs) -> Docs:
        return [{**k, "retired_at": "2026-12-31 00:00:00.000000"} if k["id"] == old else k for k in keys]

    bad = tmp_path / "moved.zip"
    bad.write_bytes(repack(p2.read_bytes(), site_private(xk), keys=moved))
    before = footprint(sites.township)
    [r] = sites.at_township(bad)
    assert r.status == "refused" and "密钥被替换" in r.message, r.message
    assert footprint(sites.township) == before


def test_an_act_received_before_must_come_again_unchanged(sites: Sites, tmp_path: Path) -> None:
    """Without the township's receipt the village's next package repeats the acts the township holds: one
    changed there (signature and all, by a forger with the reviewer's key) is refused."""
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    delivered(a)
    assert [r.status for r in sites.at_township(sites.report("溪口村").path)] == ["applied"]
    delivered(a, 80_000)
    p2 = sites.report("溪口村").path

    def renumbered(acts: Docs) -> Docs:
        acts[0]["number"] += 1000  # not in the statement: the signature still holds
        return acts

    bad = tmp_path / "renumbered.zip"
    bad.write_bytes(repack(p2.read_bytes(), site_private(xk), acts=renumbered))
    before = footprint(sites.township)
    [r] = sites.at_township(bad)
    assert r.status == "refused" and "与此前从石梁镇溪口村收到的同一份签名不同" in r.message, r.message
    assert footprint(sites.township) == before
    assert [x.status for x in sites.at_township(p2)] == ["applied"]
