"""The package file: a zip a reader opens with standard tools, its manifest signed, every member checked."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from quzhou_desktop.core.signing import new_keypair, verify
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.services.exchange.package import Entry, Package, container, entry_line, write_package

KEY = new_keypair()
ENTRY = Entry(1, "0" * 64, "", "2026-11-24 02:00:00.000000", "u", "wenshu", "person.create", "person", "p1", None,
              '{"id":"p1","name":"张三"}', None)  # fmt: skip
ENTRY = ENTRY._replace(hash=ENTRY.recomputed())


def make(tmp_path: Path, **manifest: object) -> Path:
    out = tmp_path / "包.zip"
    write_package(
        out,
        {"kind": "report", **manifest},
        private=KEY.private,
        entries_text=entry_line(ENTRY) + "\n",
        attachments={hashlib.sha256(b"%PDF scan").hexdigest(): b"%PDF scan"},
    )
    return out


def test_standard_tools_read_it(tmp_path: Path) -> None:
    path = make(tmp_path)
    zf = zipfile.ZipFile(path)
    names = set(zf.namelist())
    sha = hashlib.sha256(b"%PDF scan").hexdigest()
    assert names == {"manifest.json", "manifest.sig", "entries.jsonl", f"attachments/{sha}"}
    manifest_bytes = zf.read("manifest.json")
    manifest = json.loads(manifest_bytes)
    assert manifest["format"] == "quzhou-exchange" and manifest["version"] == 2
    for name, digest in manifest["members"].items():
        assert hashlib.sha256(zf.read(name)).hexdigest() == digest
    assert verify(KEY.public, manifest_bytes, base64.b64decode(zf.read("manifest.sig")))
    text = zf.read("entries.jsonl").decode("utf-8").splitlines()[0]
    line = json.loads(text)
    assert line[8] == '{"id":"p1","name":"张三"}' and line[11] == ENTRY.hash
    # the hash covers the line's first eleven fields exactly as written
    assert hashlib.sha256((text[: -len(ENTRY.hash) - 4] + "]").encode()).hexdigest() == ENTRY.hash
    pkg = Package.open(path)
    pkg.check_signature(KEY.public)
    [read] = pkg.entries()
    assert read._replace(line=None) == ENTRY and read.recomputed() == ENTRY.hash
    assert pkg.attachment(sha) == b"%PDF scan"


def _rezip(path: Path, change: dict[str, bytes | None]) -> Path:
    src = zipfile.ZipFile(path)
    members = {n: src.read(n) for n in src.namelist()}
    for name, data in change.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    out = path.with_name("改.zip")
    out.write_bytes(container(members))
    return out


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"manifest.sig": None}, "缺少清单或签名"),
        ({"extra.txt": b"x"}, "实际内容不一致"),
        ({"entries.jsonl": b"{}\n"}, "校验值不符"),
        ({"manifest.json": b"not json"}, "无法读取"),
    ],
)
def test_a_changed_package_is_refused_by_name(
    tmp_path: Path, change: dict[str, bytes | None], reason: str
) -> None:
    bad = _rezip(make(tmp_path), change)
    with pytest.raises(ExchangeRefused, match=reason) as exc:
        Package.open(bad)
    assert "改.zip" in str(exc.value) and "未作任何修改" in str(exc.value)


def _with_version(path: Path, version: object, kind: str = "report") -> Path:
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    manifest["version"], manifest["kind"] = version, kind
    return _rezip(path, {"manifest.json": json.dumps(manifest).encode()})


def test_a_newer_format_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExchangeRefused, match="版本为 3，本程序只能读取版本 2，请先升级程序"):
        Package.open(_with_version(make(tmp_path), 3))


@pytest.mark.parametrize("kind", ["report", "dispatch", "enrolment", "answer"])
def test_a_version_1_package_is_refused_as_old(tmp_path: Path, kind: str) -> None:
    """Version 1 carried no keys and no signed acts: its packages are refused with what to do."""
    with pytest.raises(ExchangeRefused, match="版本为 1，是旧版程序生成的（不含签名人密钥和电子签名）"):
        Package.open(_with_version(make(tmp_path), 1, kind))


def test_a_version_1_receipt_still_reads(tmp_path: Path) -> None:
    """A receipt carries nothing version 2 changed: one written by the old program is still read."""
    assert Package.open(_with_version(make(tmp_path), 1, "receipt")).kind == "receipt"


def test_the_file_is_made_one_way_only(tmp_path: Path) -> None:
    path = make(tmp_path)
    data = path.read_bytes()
    members = {n: zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist()}
    assert container(members) == data  # a reader can make the same bytes from the members
    for at in range(0, len(data), 7):  # so every single changed byte is refused
        flipped = bytearray(data)
        flipped[at] ^= 0x20
        with pytest.raises(ExchangeRefused):
            Package("x.zip", bytes(flipped))


def test_a_signature_by_another_key_is_refused(tmp_path: Path) -> None:
    pkg = Package.open(make(tmp_path))
    with pytest.raises(ExchangeRefused, match="签名"):
        pkg.check_signature(new_keypair().public)


@pytest.mark.parametrize("text", ["张三\u2028李四", "第一行\r第二行", "甲\x85乙", "丙\u2029丁"])
def test_a_line_separator_inside_a_record_is_no_line_end(tmp_path: Path, text: str) -> None:
    """Only a newline ends a line of entries.jsonl (JSON escapes it inside texts); other separators a text
    may hold travel as they are, and the entry's hash still checks."""
    entry = ENTRY._replace(
        after=json.dumps({"id": "p1", "name": text}, ensure_ascii=False, separators=(",", ":"))
    )
    entry = entry._replace(hash=entry.recomputed())
    out = tmp_path / "包.zip"
    write_package(out, {"kind": "report"}, private=KEY.private, entries_text=entry_line(entry) + "\n")
    [read] = Package.open(out).entries()
    assert read._replace(line=None) == entry and read.recomputed() == entry.hash
    assert json.loads(read.after or "")["name"] == text
