"""The full build: PyInstaller bundle, .deb, Inno Setup script and the frozen program's smoke test (issue 8).

Slow (about 2–4 minutes on 2 cores, most of it PyInstaller and xz-compressing the .deb, plus a few minutes the
first time for .venv-build, the CPython >= 3.12 environment build.py makes); CI runs it when it fits.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

from installer import inno, interpreter
from installer.build import SIZE_LIMIT_MB
from installer.project import CONTENTS_DIR, INSTALLER, ROOT, read_project, windows_exes

PROJECT = read_project()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="the .deb and this smoke run are Linux-only"
    ),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed"),
]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], str]:
    try:
        interpreter.find_bundle_python()
    except interpreter.NoBundlePython as exc:
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("installer-out")
    result = subprocess.run(
        [sys.executable, str(INSTALLER / "build.py"), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    return out, report, log


def test_build_passes_with_bundle_under_the_size_limit(build: tuple[Path, dict[str, object], str]) -> None:
    _out, report, _log = build
    assert report["problems"] == []
    assert isinstance(report["bundle_bytes"], int) and report["bundle_bytes"] < SIZE_LIMIT_MB * 1000**2


def test_bundle_ships_cpython_3_12_or_newer(build: tuple[Path, dict[str, object], str]) -> None:
    _out, report, _log = build
    implementation, version = str(report["python"]).split()
    assert implementation == "CPython"
    assert tuple(int(p) for p in version.split(".")[:2]) >= interpreter.MIN_VERSION
    bundled = interpreter.bundled_python_version(Path(str(report["bundle"])) / CONTENTS_DIR)
    assert bundled == tuple(int(p) for p in version.split(".")[:2])


def test_smoke_steps_all_pass(build: tuple[Path, dict[str, object], str]) -> None:
    out, report, _log = build
    steps = report["smoke"]
    assert isinstance(steps, list)
    assert [s["command"].split()[1] for s in steps] == [
        "--version",
        "selftest",
        "demo",
        "verify",
        "smoke",
        "--db",
    ]
    assert all(s["exit"] == 0 for s in steps), steps
    assert PROJECT.version in steps[0]["output"]
    assert "冒烟测试通过" in steps[4]["output"]
    assert "resources/fonts" in steps[4]["output"]  # the notice used the bundled fonts
    assert (out / "smoke-notice.pdf").read_bytes().startswith(b"%PDF")


def test_deb_contents(build: tuple[Path, dict[str, object], str]) -> None:
    _out, report, _log = build
    package = Path(str(report["deb"]))
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(package)], capture_output=True, text=True, check=True
    ).stdout
    assert "./usr/bin/quzhou-desktop -> /opt/quzhou-desktop/quzhou-desktop" in listing
    assert "./opt/quzhou-desktop/quzhou-desktop\n" in listing
    assert "./usr/share/applications/quzhou-desktop.desktop" in listing
    assert "./usr/share/icons/hicolor/256x256/apps/quzhou-desktop.png" in listing
    assert (
        "./opt/quzhou-desktop/_internal/resources/fonts/licenses/fonts-wqy-microhei.copyright.txt" in listing
    )
    depends = subprocess.run(
        ["dpkg-deb", "-f", str(package), "Depends"], capture_output=True, text=True, check=True
    ).stdout
    assert depends.startswith("libc6 (>= 2.")


def test_inno_script_names_files_present_in_the_bundle(build: tuple[Path, dict[str, object], str]) -> None:
    _out, report, _log = build
    bundle = Path(str(report["bundle"]))
    script = Path(str(report["inno_script"])).read_text(encoding="utf-8-sig")
    refs = inno.referenced_app_files(script) - set(windows_exes(PROJECT))
    assert refs
    for ref in refs:
        assert bundle.joinpath(*PureWindowsPath(ref).parts).exists(), ref
