"""installer/interpreter.py: the bundle is built on CPython >= 3.12 (None is immortal there, so PySide6 6.12's
None leak is harmless), found on the build machine and set up in a build venv. Stand-in interpreters (bash
scripts answering the version probe) keep these tests fast; the slow build test runs the real thing."""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from installer import interpreter
from installer.interpreter import (
    ENV_VAR,
    NoBundlePython,
    bundled_python_version,
    candidates,
    ensure_build_venv,
    find_bundle_python,
    qualifies,
    require_bundle_python,
)
from tests.support.installer import SpecRun

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stand-in interpreters are bash scripts")


def fake_python(path: Path, minor: int, log: Path, implementation: str = "CPython") -> Path:
    """A script that answers the version probe as ``implementation`` 3.minor, makes a venv (a copy of itself)
    for ``-m venv DIR`` and logs every other call."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/usr/bin/env bash\n"
        f'if [[ $1 == -c ]]; then echo "{implementation} 3 {minor}"; exit 0; fi\n'
        'if [[ $1 == -m && $2 == venv ]]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; exit 0; fi\n'
        f'echo "$0 $*" >> {log}\n',
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("implementation", "version", "expected"),
    [
        ("CPython", (3, 10), False),
        ("CPython", (3, 11), False),  # None is mortal: PySide6 6.12 drains it and the program aborts
        ("CPython", (3, 12), True),
        ("CPython", (3, 13), True),
        ("PyPy", (3, 12), False),
    ],
)
def test_which_interpreters_may_be_bundled(
    implementation: str, version: tuple[int, int], expected: bool
) -> None:
    assert qualifies(implementation, version) is expected


def test_spec_and_build_refuse_an_older_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "python_implementation", lambda: "PyPy")
    with pytest.raises(SystemExit, match=r"3\.12 或更高版本"):
        require_bundle_python()


def test_the_spec_checks_the_interpreter(run_spec: Callable[[str], SpecRun]) -> None:
    assert run_spec("linux").python_checked == 1


def test_candidates_env_var_alone_else_running_path_pyenv(tmp_path: Path) -> None:
    assert candidates({ENV_VAR: "/opt/py/bin/python3", "PATH": ""}) == [["/opt/py/bin/python3"]]
    log = tmp_path / "log"
    on_path = fake_python(tmp_path / "bin" / "python3.13", 13, log)
    pyenv = tmp_path / "pyenv"
    for name in ("3.9.18", "3.12.1", "3.13.0", "system"):
        fake_python(pyenv / "versions" / name / "bin" / "python3", 12, log)
    found = candidates({"PATH": str(tmp_path / "bin"), "PYENV_ROOT": str(pyenv)})
    assert found == [
        [sys.executable],
        [str(on_path)],
        *([str(pyenv / "versions" / v / "bin" / "python3")] for v in ("3.9.18", "3.12.1", "3.13.0")),
    ]


def test_find_takes_the_first_cpython_3_12_or_newer(tmp_path: Path) -> None:
    log = tmp_path / "log"
    pyenv = tmp_path / "pyenv" / "versions"
    fake_python(pyenv / "3.11.7" / "bin" / "python3", 11, log)
    fake_python(pyenv / "3.12.1" / "bin" / "python3", 12, log, implementation="PyPy")
    wanted = fake_python(pyenv / "3.13.0" / "bin" / "python3", 13, log)
    env = {"PATH": str(tmp_path / "empty"), "PYENV_ROOT": str(tmp_path / "pyenv")}
    expected = [sys.executable] if interpreter.running_qualifies() else [str(wanted)]
    assert find_bundle_python(env) == expected


def test_none_found_names_every_interpreter_tried(tmp_path: Path) -> None:
    old = fake_python(tmp_path / "python3.11", 11, tmp_path / "log")
    with pytest.raises(NoBundlePython) as err:
        find_bundle_python({ENV_VAR: str(old), "PATH": ""})
    assert f"{old}（CPython 3.11）" in str(err.value)
    assert ENV_VAR in str(err.value)


def test_build_venv_is_made_once_and_reinstalled_when_pyproject_or_python_changes(tmp_path: Path) -> None:
    log = tmp_path / "log"
    base12 = fake_python(tmp_path / "base" / "python3.12", 12, log)
    venv = tmp_path / "venv-build"
    python = ensure_build_venv([str(base12)], venv)
    assert python == venv / "bin" / "python"
    installs = log.read_text(encoding="utf-8").splitlines()
    assert installs == [
        f"{python} -m pip install -q --upgrade pip",
        f"{python} -m pip install -q -e .[installer]",
    ]

    ensure_build_venv([str(base12)], venv)  # nothing changed
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2

    stamp = venv / interpreter.STAMP_NAME
    stamp.write_text(stamp.read_text(encoding="utf-8").replace("pyproject=", "pyproject=0"), encoding="utf-8")
    ensure_build_venv([str(base12)], venv)  # pyproject.toml changed since
    assert len(log.read_text(encoding="utf-8").splitlines()) == 4

    base13 = fake_python(tmp_path / "base" / "python3.13", 13, log)
    (venv / "marker").touch()
    ensure_build_venv([str(base13)], venv)  # another interpreter: a new venv
    assert not (venv / "marker").exists()
    assert "python=3.13" in stamp.read_text(encoding="utf-8")
    assert len(log.read_text(encoding="utf-8").splitlines()) == 6


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["libpython3.12.so.1.0", "libz.so.1"], (3, 12)),
        (["libpython3.11.so.1.0"], (3, 11)),
        (["python313.dll", "python3.dll"], (3, 13)),
        (["libQt6Core.so.6"], None),
    ],
)
def test_bundled_python_version(tmp_path: Path, names: list[str], expected: tuple[int, int] | None) -> None:
    for name in names:
        (tmp_path / name).touch()
    assert bundled_python_version(tmp_path) == expected
