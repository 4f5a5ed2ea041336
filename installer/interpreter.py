"""The Python the frozen program is built with, and so ships: CPython 3.12 or newer.

PySide6 6.12 leaks a reference of ``None`` on every void Qt call under CPython 3.11 and the interpreter aborts
after a few thousand calls (quzhou_desktop/gui/refguard.py); from CPython 3.12 on ``None`` is immortal and the
leak is harmless. PyInstaller bundles the interpreter that runs it, so ``installer/build.py`` runs PyInstaller
under CPython >= 3.12: the running one if it qualifies and has PyInstaller, otherwise a build venv
(``.venv-build``, made from the first qualifying interpreter found) that it sets up and re-runs itself in.
The spec refuses any other interpreter (``require_bundle_python``).

Where to look, in order: ``$QUZHOU_BUILD_PYTHON`` (only that, when set); the running interpreter;
``python3.12``, ``python3.13``, ``python3.14`` on PATH; pyenv's versions; the Windows ``py`` launcher.
Nothing here imports PySide6 or PyInstaller.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from installer.project import ROOT

MIN_VERSION = (3, 12)
ENV_VAR = "QUZHOU_BUILD_PYTHON"
BUILD_VENV = ROOT / ".venv-build"
STAMP_NAME = ".quzhou-build"
_NAMES = ("python3.12", "python3.13", "python3.14")
_PROBE = (
    "import platform, sys; print(platform.python_implementation(), sys.version_info[0], sys.version_info[1])"
)


class NoBundlePython(RuntimeError):
    def __init__(self, tried: list[str]) -> None:
        super().__init__(
            "打包需要 CPython {0}.{1} 或更高版本（CPython 3.11 上 PySide6 6.12 会让程序崩溃），"
            "但没有找到。请安装 Python {0}.{1}+，或用环境变量 {2} 指定它。已检查：{3}".format(
                *MIN_VERSION, ENV_VAR, "、".join(tried) or "（无）"
            )
        )


def qualifies(implementation: str, version: tuple[int, int]) -> bool:
    return implementation == "CPython" and version >= MIN_VERSION


def running_qualifies() -> bool:
    return qualifies(platform.python_implementation(), (sys.version_info[0], sys.version_info[1]))


def require_bundle_python() -> None:
    """Stop a build (the spec, build.main) that would bundle an interpreter older than CPython 3.12."""
    if not running_qualifies():
        raise SystemExit(
            "打包需要 CPython {}.{} 或更高版本，当前是 {} {}：请用 installer/build.py 构建（它会自动选用合适的 "
            "Python），或设置 {}".format(
                *MIN_VERSION, platform.python_implementation(), platform.python_version(), ENV_VAR
            )
        )


def candidates(env: dict[str, str] | None = None) -> list[list[str]]:
    """Commands that may start a suitable interpreter, in order of preference."""
    env = dict(os.environ) if env is None else env
    if env.get(ENV_VAR):
        return [[env[ENV_VAR]]]
    found: list[list[str]] = [[sys.executable]]
    found += [[path] for name in _NAMES if (path := shutil.which(name, path=env.get("PATH")))]
    pyenv = Path(env.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if pyenv.is_dir():
        for version in sorted(pyenv.iterdir(), key=_version_key):
            exe = version / "bin" / "python3"
            if re.fullmatch(r"3\.\d+\.\d+", version.name) and exe.is_file():
                found.append([str(exe)])
    if shutil.which("py", path=env.get("PATH")):
        found += [["py", f"-3.{minor}"] for minor in (12, 13, 14)]
    return found


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", path.name)[:3])


def probe(command: list[str]) -> tuple[str, tuple[int, int]] | None:
    """(implementation, (major, minor)) of the interpreter a command starts; None if it does not start."""
    try:
        result = subprocess.run(
            [*command, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    parts = result.stdout.split()
    if result.returncode != 0 or len(parts) != 3:
        return None
    return parts[0], (int(parts[1]), int(parts[2]))


def find_bundle_python(env: dict[str, str] | None = None) -> list[str]:
    """The first candidate that is CPython >= 3.12; NoBundlePython when there is none."""
    tried = []
    for command in candidates(env):
        found = probe(command)
        tried.append(
            " ".join(command) + (f"（{found[0]} {found[1][0]}.{found[1][1]}）" if found else "（无法运行）")
        )
        if found and qualifies(*found):
            return command
    raise NoBundlePython(tried)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def requirements_stamp(python_version: str) -> str:
    """What the build venv was installed from: the interpreter version and pyproject.toml's hash."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"python={python_version}\npyproject={digest}\n"


def ensure_build_venv(base: list[str], venv: Path = BUILD_VENV) -> Path:
    """A venv made with ``base``, with the app and PyInstaller installed from the current pyproject.toml
    (installed again only when pyproject.toml or the interpreter changed); returns its python."""
    python = venv_python(venv)
    found = probe([str(python)]) if python.is_file() else None
    base_found = probe(base)
    if base_found is None:
        raise NoBundlePython([" ".join(base)])
    if found != base_found:  # missing, broken, or made from another interpreter
        if venv.exists():
            shutil.rmtree(venv)
        print(f"== 打包用的 Python 环境：{venv}（{' '.join(base)}）", flush=True)
        subprocess.run([*base, "-m", "venv", str(venv)], check=True)
    stamp = venv / STAMP_NAME
    wanted = requirements_stamp("{}.{}".format(*base_found[1]))
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != wanted:
        stamp.unlink(missing_ok=True)
        print("== 安装打包依赖（pip install -e '.[installer]'）", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-e", ".[installer]"], check=True, cwd=ROOT
        )
        stamp.write_text(wanted, encoding="utf-8")
    return python


def build_interpreter() -> Path | None:
    """None when the running interpreter can build the bundle itself (CPython >= 3.12 with PyInstaller);
    otherwise the build venv's python, made and brought up to date first."""
    import importlib.util

    if running_qualifies() and importlib.util.find_spec("PyInstaller") is not None:
        return None
    return ensure_build_venv(find_bundle_python())


def bundled_python_version(internal: Path) -> tuple[int, int] | None:
    """The Python version of a bundle's contents folder, read from its libpython / pythonXY.dll."""
    for path in internal.iterdir():
        found = re.fullmatch(r"libpython3\.(\d+)\.so.*|python3(\d+)\.dll", path.name)
        if found:
            return 3, int(found.group(1) or found.group(2))
    return None
