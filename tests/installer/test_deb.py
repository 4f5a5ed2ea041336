"""Debian package pieces: desktop entry, control file, maintainer scripts, file plan (issue 8)."""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from installer import deb
from installer.project import ICON_SIZES, INSTALL_PREFIX, Project, read_project

PROJECT = read_project()


class _CaseKeepingParser(configparser.ConfigParser):
    """Desktop entry keys are case-sensitive (``Name`` and ``name`` differ)."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _desktop() -> configparser.SectionProxy:
    cp = _CaseKeepingParser(interpolation=None)
    cp.read(deb.DESKTOP_FILE, encoding="utf-8")
    return cp["Desktop Entry"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_file_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(deb.DESKTOP_FILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_desktop_entry_is_chinese_and_matches_the_package() -> None:
    entry = _desktop()
    assert entry["Name[zh_CN]"] == PROJECT.title
    assert re.search(r"[\u4e00-\u9fff]", entry["Comment[zh_CN]"])
    assert entry["Exec"] == entry["TryExec"] == PROJECT.name
    assert entry["Icon"] == PROJECT.name
    assert entry["Terminal"] == "false"
    members = {str(m.dest) for m in deb.plan(PROJECT)}
    assert f"/usr/bin/{entry['Exec']}" in members
    assert f"/usr/share/applications/{PROJECT.name}.desktop" in members


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    return w, h


@pytest.mark.parametrize("size", ICON_SIZES)
def test_every_hicolor_icon_exists_at_its_size(size: int) -> None:
    member = next(m for m in deb.plan(PROJECT) if f"/{size}x{size}/apps/" in str(m.dest))
    assert member.dest.name == f"{_desktop()['Icon']}.png"
    assert member.source is not None and _png_size(member.source) == (size, size)


def test_usr_bin_link_points_into_opt() -> None:
    link = next(m for m in deb.plan(PROJECT) if str(m.dest).startswith("/usr/bin/"))
    assert link.link_to == INSTALL_PREFIX / PROJECT.exe_stem
    assert str(INSTALL_PREFIX) == "/opt/quzhou-desktop"


def test_control_file_complete() -> None:
    text = deb.control_text(PROJECT, installed_kib=123456, glibc="2.31")
    assert re.search(r"@[A-Z_]+@", text) is None
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", text, re.MULTILINE))
    assert fields["Package"] == PROJECT.name
    assert fields["Version"] == PROJECT.deb_version
    assert fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "123456"
    assert fields["Depends"].startswith("libc6 (>= 2.31), ")
    assert all(line.startswith(" ") for line in text.split("Description:", 1)[1].splitlines()[1:])


@pytest.mark.parametrize("name", deb.MAINTAINER_SCRIPTS)
def test_maintainer_scripts_never_touch_user_data(name: str) -> None:
    path = deb.DEBIAN / name
    assert path.stat().st_mode & 0o111, "must be executable"
    assert subprocess.run(["sh", "-n", str(path)], check=False).returncode == 0
    code = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()[1:])
    assert not re.search(r"\brm\b|\bunlink\b|\bfind\b|\$HOME|/home|\.local|/root|deluser", code)


def test_postrm_handles_remove_and_purge_alike() -> None:
    text = (deb.DEBIAN / "postrm").read_text(encoding="utf-8")
    assert re.search(r"^\s*remove\|purge\)", text, re.MULTILINE)


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", "0.1.0"), ("0.2.0rc1", "0.2.0~rc1"), ("1.0.0b2", "1.0.0~b2"), ("1.0.dev3", "1.0~dev3")],
)
def test_deb_version_orders_prereleases_first(version: str, expected: str) -> None:
    assert Project("p", version, "", "").deb_version == expected


@pytest.mark.parametrize(
    ("symbols", "expected"),
    [
        ([b"GLIBC_2.17", b"GLIBC_2.34"], "2.34"),
        ([b"GLIBC_2.2.5"], "2.28"),
        ([], "2.28"),
        ([b"GLIBC_2.38"], "2.38"),
    ],
)
def test_glibc_needed_is_the_newest_symbol_version(
    tmp_path: Path, symbols: list[bytes], expected: str
) -> None:
    (tmp_path / "lib.so").write_bytes(b"\x7fELF" + b"\0".join(symbols))
    (tmp_path / "notes.txt").write_bytes(b"GLIBC_2.99")  # not ELF: ignored
    assert deb.glibc_needed(tmp_path) == expected
