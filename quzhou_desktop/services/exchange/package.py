"""The package file: a zip (stdlib ``zipfile``) that anyone can open with ``unzip`` and read with a JSON viewer.

Members (format version 2, see docs/EXCHANGE.md):

- ``manifest.json``: what the package is (kind, from and to sites, the range of the sender's chain it covers,
  chain heads before and after, counts, who made it and when) and the SHA-256 of every other member;
- ``manifest.sig``: the Ed25519 signature of the sender's site key over the exact bytes of ``manifest.json``,
  base64;
- ``entries.jsonl``: the audit entries, one JSON object a line, in chain order (``before``/``after`` are the
  exact canonical JSON texts the entry hash covers); a stub carries only ``seq``, ``prev_hash`` and ``hash``;
- ``keys.jsonl`` and ``acts.jsonl`` (reports and dispatches): the public keys of the sender's users who signed
  the acts in the package, and the signed acts themselves (``services.exchange.acts``);
- ``attachments/<sha256>``: the content of each attachment the entries name.

Opening a package checks the members against the manifest; the signature is checked against the key the
receiver enrolled for the sender (``check_signature``). Any failure is an ``ExchangeRefused`` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from quzhou_desktop.core.exchange import FORMAT, FORMAT_VERSION, READABLE_OLDER
from quzhou_desktop.core.signing import b64, sign, unb64, verify
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.store.audit.chain import entry_hash

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
ENTRIES = "entries.jsonl"
KEYS = "keys.jsonl"
ACTS = "acts.jsonl"
ATTACHMENTS = "attachments/"
KINDS = {
    "report": "上报数据包",
    "dispatch": "下发数据包",
    "receipt": "回执",
    "enrolment": "登记文件",
    "answer": "应答文件",
}
_MAX_MEMBER = 512 * 1024 * 1024
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# What zipfile raises on a damaged or unusual file (NotImplementedError: a flag it does not support,
# RuntimeError: an encrypted member).
_DAMAGED = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


class Entry(NamedTuple):
    """One audit entry as it travels."""

    seq: int
    prev_hash: str
    hash: str
    ts: str | None = None
    user_id: str | None = None
    username: str | None = None
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    before: str | None = None
    after: str | None = None
    reason: str | None = None
    stub: bool = False
    line: bytes | None = None  # the line it was read from (its hash covers all but the last field)

    def payload(self) -> list[Any]:
        """What the entry hash covers, in ``store.audit.chain.entry_hash``'s order."""
        return [
            self.seq,
            self.ts or "",
            self.user_id,
            self.username,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
            self.reason,
            self.prev_hash,
        ]

    def recomputed(self) -> str:
        """The entry's hash from its fields: the SHA-256 of the line as read, minus its last field (written by
        ``entry_line`` that text is exactly the payload ``entry_hash`` hashes), else computed afresh."""
        if self.line is not None and self.line.endswith(f',"{self.hash}"]'.encode()):
            return hashlib.sha256(self.line[: -len(self.hash) - 4] + b"]").hexdigest()
        return entry_hash(
            seq=self.seq,
            ts=self.ts or "",
            user_id=self.user_id,
            username=self.username,
            action=self.action,
            entity=self.entity,
            entity_id=self.entity_id,
            before_json=self.before,
            after_json=self.after,
            reason=self.reason,
            prev_hash=self.prev_hash,
        )


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_decode_lines = msgspec.json.Decoder(list[list[Any]]).decode


def entry_line(e: Entry) -> str:
    """One line of ``entries.jsonl``: a JSON array ``[seq, ts, user_id, username, action, entity, entity_id,
    before, after, reason, prev_hash, hash]`` (the first eleven are what the hash covers, written exactly as
    ``entry_hash`` writes them), or ``[seq, prev_hash, hash]`` for a stub."""
    if e.stub:
        return _dumps([e.seq, e.prev_hash, e.hash])
    return _dumps([*e.payload(), e.hash])


def _entry(doc: list[Any], line: bytes | None) -> Entry:
    if len(doc) == 3:
        return Entry(int(doc[0]), str(doc[1]), str(doc[2]), stub=True)
    if len(doc) != 12:
        raise ValueError("fields")
    seq, ts, user_id, username, action, entity, entity_id, before, after, reason, prev, h = doc
    if not (
        type(seq) is int
        and type(ts) is str
        and type(action) is str
        and type(entity) is str
        and type(entity_id) is str
        and type(prev) is str
        and type(h) is str
    ):
        raise ValueError("types")
    return Entry(
        seq, prev, h, ts, user_id, username, action, entity, entity_id, before, after, reason, False, line
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def container(members: Mapping[str, bytes]) -> bytes:
    """The zip holding ``members``, written one way only: the manifest and its signature first, then the other
    members in name order, each stored (not compressed) with the same fixed date and attributes. A reader can
    make the same bytes again from the members, so a byte changed anywhere in the file is noticed."""
    order = [MANIFEST, SIGNATURE, *sorted(n for n in members if n not in (MANIFEST, SIGNATURE))]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in order:
            if name not in members:
                continue
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, members[name])
    return buf.getvalue()


def _as_written(data: bytes, order: list[str]) -> dict[str, bytes] | None:
    """The members of ``data`` when it is byte for byte ``container`` of them, else None.

    Each member is taken from where ``container`` puts it (the stored bytes after each local header, in
    ``order``), and the container is made again from them and compared with the whole file: cheaper than
    reading every member through ``zipfile`` (which checks each CRC a second time) and as strict, since
    only the canonical file of exactly these members compares equal."""
    contents: dict[str, bytes] = {}
    pos = 0
    try:
        for name in order:
            if data[pos : pos + 4] != b"PK\x03\x04":
                return None
            size, _same, name_len, extra_len = struct.unpack_from("<IIHH", data, pos + 18)
            start = pos + 30 + name_len + extra_len
            if size > _MAX_MEMBER or start + size > len(data):
                return None
            contents[name] = data[start : start + size]
            pos = start + size
    except struct.error:
        return None
    return contents if container(contents) == data else None


def write_package(
    out: Path,
    manifest: dict[str, Any],
    *,
    private: bytes,
    entries_text: str | None = None,
    attachments: Mapping[str, bytes] | None = None,
    extra: Mapping[str, bytes] | None = None,
) -> str:
    """Write the package to ``out`` (through a temporary file); returns the SHA-256 of the file."""
    members: dict[str, bytes] = {}
    if entries_text is not None:
        members[ENTRIES] = entries_text.encode("utf-8")
    members.update(extra or {})
    for sha, data in (attachments or {}).items():
        members[ATTACHMENTS + sha] = data
    doc = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        **manifest,
        "members": {name: sha256_hex(data) for name, data in sorted(members.items())},
    }
    manifest_bytes = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    members[MANIFEST] = manifest_bytes
    members[SIGNATURE] = b64(sign(private, manifest_bytes)).encode("ascii")
    data = container(members)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(out)
    return sha256_hex(data)


class Package:
    """An opened package whose members match its manifest (the signature is checked separately)."""

    def __init__(self, label: str, data: bytes) -> None:
        self.label = label
        self.data = data
        self.sha256 = sha256_hex(data)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            names = [i.filename for i in self._zip.infolist()]
        except _DAMAGED as exc:
            raise self.refused("文件不是数据包（无法按 zip 格式读取），可能已损坏") from exc
        if len(set(names)) != len(names):
            raise self.refused("数据包里有重名的内容")
        if MANIFEST not in names or SIGNATURE not in names:
            raise self.refused("缺少清单或签名（manifest.json / manifest.sig）")
        self.manifest_bytes = self._read(MANIFEST)
        try:
            self.manifest: dict[str, Any] = json.loads(self.manifest_bytes)
            self.signature = unb64(self._read(SIGNATURE).decode("ascii").strip())
        except (ValueError, UnicodeDecodeError) as exc:
            raise self.refused("清单或签名无法读取") from exc
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise self.refused("清单不是本程序的数据交换格式")
        self._check_version()
        members = self.manifest.get("members")
        if not isinstance(members, dict) or set(members) != set(names) - {MANIFEST, SIGNATURE}:
            raise self.refused("清单列出的内容与数据包实际内容不一致")
        contents = _as_written(data, [MANIFEST, SIGNATURE, *sorted(members)])
        canonical = contents is not None
        if contents is None:  # not byte for byte the container of its members: read them to say what differs
            contents = {MANIFEST: self.manifest_bytes, SIGNATURE: self._read(SIGNATURE)}
            contents.update((name, self._read(name)) for name in members)
        for name, digest in members.items():
            if sha256_hex(contents[name]) != digest:
                raise self.refused(f"“{name}”的内容与清单记录的校验值不符：文件被改动或损坏")
        if not canonical:
            raise self.refused("文件的结构与其内容不符（zip 的目录或文件头被改动）")
        for name in members:
            if name.startswith(ATTACHMENTS) and name[len(ATTACHMENTS) :] != members[name]:
                raise self.refused(f"附件“{name}”的名称与其内容的校验值不符")

    def _check_version(self) -> None:
        version = self.manifest.get("version")
        older = READABLE_OLDER.get(version) if isinstance(version, int) else None
        if version == FORMAT_VERSION or (older is not None and self.kind in older):
            return
        if isinstance(version, int) and version < FORMAT_VERSION:
            raise self.refused(
                f"数据包格式版本为 {version}，是旧版程序生成的（不含签名人密钥和电子签名），本程序只能读取版本 "
                f"{FORMAT_VERSION}：请把发送方的程序升级到与本程序相同的版本后重新生成"
            )
        raise self.refused(f"数据包格式版本为 {version}，本程序只能读取版本 {FORMAT_VERSION}，请先升级程序")

    @classmethod
    def open(cls, path: Path) -> Package:
        label = path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ExchangeRefused(file=label, reason="文件无法读取") from exc
        return cls(label, data)

    def refused(self, reason: str) -> ExchangeRefused:
        return ExchangeRefused(file=self.label, reason=reason)

    def _read(self, name: str) -> bytes:
        try:
            info = self._zip.getinfo(name)
            if info.file_size > _MAX_MEMBER:
                raise self.refused(f"“{name}”过大")
            return self._zip.read(info)
        except _DAMAGED as exc:
            raise self.refused(f"“{name}”无法读取：文件已损坏") from exc

    @property
    def kind(self) -> str:
        return str(self.manifest.get("kind", ""))

    def field(self, *path: str) -> Any:
        node: Any = self.manifest
        for key in path:
            if not isinstance(node, dict) or key not in node:
                raise self.refused("清单缺少“" + ".".join(path) + "”")
            node = node[key]
        return node

    def check_signature(self, public: bytes) -> None:
        if not verify(public, self.manifest_bytes, self.signature):
            raise self.refused("签名与登记的站点密钥不符：数据包被改动，或不是该站点签发的")

    def member(self, name: str) -> bytes:
        return self._read(name)

    def has(self, name: str) -> bool:
        return name in self.manifest.get("members", {})

    def entries(self) -> Iterator[Entry]:
        if not self.has(ENTRIES):
            return iter(())
        # The UTF-8 bytes as they are (a newline never occurs inside a JSON text; U+2028 may, and is no line end)
        lines = [line for line in self._read(ENTRIES).split(b"\n") if line]
        try:  # one parse of the whole member (far fewer calls than one per line)
            docs = _decode_lines(b"[" + b",".join(lines) + b"]")
            return iter([_entry(d, line) for d, line in zip(docs, lines, strict=True)])
        except (msgspec.DecodeError, ValueError, TypeError):
            pass
        for n, line in enumerate(lines, start=1):  # name the line that does not read
            try:
                _entry(json.loads(line), line)
            except (ValueError, TypeError) as exc:
                raise self.refused(f"第{n}行记录无法读取") from exc
        raise self.refused("记录无法读取")

    def attachment(self, sha256: str) -> bytes | None:
        name = ATTACHMENTS + sha256
        return self._read(name) if self.has(name) else None
