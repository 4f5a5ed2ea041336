"""The Inno Setup template fills completely and names only files the spec produces (issue 8)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

import pytest

from installer import inno
from installer.project import APP_ID_GUID, CONTENTS_DIR, RESOURCES, read_project, windows_exes
from tests.support.installer import SpecRun

PROJECT = read_project()
SOURCE = r"C:\build\quzhou\installer\out\dist\quzhou-desktop"
OUTPUT = r"C:\build\quzhou\installer\out"


@pytest.fixture
def script() -> str:
    return inno.fill(PROJECT, source_dir=SOURCE, output_dir=OUTPUT)


def test_no_placeholder_left(script: str) -> None:
    assert inno.PLACEHOLDER.search(script) is None
    assert "@" not in script.replace("@…@", "")


def test_fixed_app_id_with_escaped_brace(script: str) -> None:
    assert re.fullmatch(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", APP_ID_GUID)
    assert f"AppId={{{APP_ID_GUID}" in script.splitlines()


@pytest.mark.parametrize(
    "line",
    [
        "PrivilegesRequired=admin",  # per-machine
        r"DefaultDirName={autopf}\quzhou-desktop",  # under Program Files
        "MinVersion=10.0",  # Qt 6 / Python 3.11 need Windows 10
        "ArchitecturesInstallIn64BitMode=x64compatible",
        "AppVersion={#AppVersion}",
        f'#define AppVersion "{PROJECT.version}"',
        f'#define AppTitle "{PROJECT.title}"',
        r'Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"',
        f"OutputBaseFilename={PROJECT.name}-{PROJECT.version}-setup",
    ],
)
def test_setup_lines(script: str, line: str) -> None:
    assert line in script.splitlines()


def test_user_data_is_never_deleted(script: str) -> None:
    sections = re.findall(r"^\[(\w+)\]", script, re.MULTILINE)
    assert "UninstallDelete" not in sections
    install_delete = re.findall(r'^Type: \w+; Name: "([^"]+)"', script, re.MULTILINE)
    assert install_delete == [rf"{{app}}\{CONTENTS_DIR}"]  # only the old program files on upgrade
    assert "{localappdata}" not in "".join(re.findall(r"^(?:Source|Name|Type):.*$", script, re.MULTILINE))


def test_shortcuts_start_menu_and_desktop(script: str) -> None:
    icons = re.findall(r'^Name: "(\{[a-z]+\})\\', script, re.MULTILINE)
    assert "{group}" in icons and "{autodesktop}" in icons


def test_referenced_files_are_what_the_windows_spec_produces(
    script: str, run_spec: Callable[[str], SpecRun]
) -> None:
    rec = run_spec("win32")
    produced = {e["name"] + ".exe" for e in rec.exes}
    assert produced == set(windows_exes(PROJECT))
    produced |= {e["contents_directory"] for e in rec.exes}  # the folder [InstallDelete] clears on upgrade
    resources_bundled = any(dest == "resources" for _src, dest in rec.analysis["datas"])
    for ref in inno.referenced_app_files(script):
        if ref in produced:
            continue
        rel = PureWindowsPath(ref)
        assert rel.parts[0] == CONTENTS_DIR and rel.parts[1] == "resources" and resources_bundled, ref
        assert RESOURCES.joinpath(*rel.parts[2:]).is_file(), ref
    assert set(windows_exes(PROJECT)) <= inno.referenced_app_files(script)


def test_sources_come_from_the_bundle(script: str) -> None:
    gui, cli = windows_exes(PROJECT)
    assert inno.source_files(script) == [
        rf"{SOURCE}\{gui}",
        rf"{SOURCE}\{cli}",
        rf"{SOURCE}\{CONTENTS_DIR}\*",
    ]


def test_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.iss.in"
    bad.write_text("AppName=@APP_TITLE@\nX=@NO_SUCH@\n", encoding="utf-8")
    with pytest.raises(inno.TemplateError, match="NO_SUCH"):
        inno.fill(PROJECT, source_dir="s", output_dir="o", template=bad)


def test_write_uses_utf8_bom(tmp_path: Path) -> None:
    path = inno.write(PROJECT, tmp_path / "dist" / PROJECT.name, tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert PROJECT.title in path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", "0.1.0.0"),
        ("1.2rc1", "1.2.0.0"),
        ("2", "2.0.0.0"),
        ("1.2.3.4.5", "1.2.3.4"),
        ("3.0.dev2", "3.0.0.0"),
    ],
)
def test_file_version(version: str, expected: str) -> None:
    assert inno.file_version(version) == expected
