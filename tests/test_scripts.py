"""scripts/setup and scripts/run-app: apt waits for a busy lock, pip runs only when pyproject.toml changed (or
more extras are wanted), and run-app starts the app without setting up again.

apt-get, dpkg-query and the venv's python are stand-ins on PATH / in a temporary venv folder, so nothing is
installed; the scripts themselves are the real ones (run-app sources scripts/setup for its functions)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "scripts" / "setup"
RUN_APP = ROOT / "scripts" / "run-app"
LOCK_ERROR = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the scripts are bash")


def write_tool(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def fakes(tmp_path: Path) -> dict[str, Path]:
    """A bin folder for PATH (apt-get, dpkg-query that sees every package installed) and a fake venv whose python
    records each call and whose quzhou-desktop echoes its arguments."""
    bin_dir, venv, log = tmp_path / "bin", tmp_path / "venv", tmp_path / "calls.log"
    write_tool(bin_dir / "dpkg-query", 'for a in "$@"; do [[ $a == -* ]] || echo "$a installed"; done\n')
    write_tool(bin_dir / "apt-get", f'echo "apt-get $*" >> {log}\n')
    write_tool(venv / "bin" / "python", f'echo "python $*" >> {log}\n')
    write_tool(venv / "bin" / "quzhou-desktop", 'echo "app $*"\n')
    return {"bin": bin_dir, "venv": venv, "log": log}


def bash(script: str, fakes: dict[str, Path], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "PATH": f"{fakes['bin']}{os.pathsep}{os.environ['PATH']}",
        "QUZHOU_VENV": str(fakes["venv"]),
        **env,
    }
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def calls(fakes: dict[str, Path]) -> list[str]:
    log = fakes["log"]
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def stamp(fakes: dict[str, Path]) -> dict[str, str]:
    text = (fakes["venv"] / ".quzhou-setup").read_text(encoding="utf-8")
    return dict(line.split("=", 1) for line in text.splitlines())


def test_apt_get_waits_for_a_busy_lock(fakes: dict[str, Path]) -> None:
    counter = fakes["log"].with_suffix(".count")
    write_tool(
        fakes["bin"] / "apt-get",
        f"n=$(( $(cat {counter} 2>/dev/null || echo 0) + 1 )); echo $n > {counter}\n"
        f'echo "apt-get $*" >> {fakes["log"]}\n'
        f'if (( n < 3 )); then echo "{LOCK_ERROR}" >&2; exit 100; fi\n',
    )
    done = bash(f"source {SETUP} && apt_get update -qq", fakes, APT_RETRY_PAUSE_SECONDS="0")
    assert done.returncode == 0, done.stderr
    assert len(calls(fakes)) == 3
    assert all("-o DPkg::Lock::Timeout=600 update -qq" in c for c in calls(fakes))
    assert done.stderr.count("正被其他程序使用") == 2


def test_apt_get_gives_up_on_a_lock_after_the_wait(fakes: dict[str, Path]) -> None:
    write_tool(
        fakes["bin"] / "apt-get", f'echo "apt-get $*" >> {fakes["log"]}; echo "{LOCK_ERROR}" >&2; exit 100\n'
    )
    done = bash(f"source {SETUP} && apt_get update", fakes, APT_LOCK_WAIT_SECONDS="0")
    assert done.returncode == 100
    assert LOCK_ERROR in done.stderr
    assert len(calls(fakes)) == 1


def test_apt_get_other_failures_end_at_once(fakes: dict[str, Path]) -> None:
    write_tool(
        fakes["bin"] / "apt-get",
        f'echo "apt-get $*" >> {fakes["log"]}; echo "E: Unable to locate package nosuch" >&2; exit 100\n',
    )
    done = bash(f"source {SETUP} && apt_get install nosuch", fakes, APT_RETRY_PAUSE_SECONDS="0")
    assert (done.returncode, len(calls(fakes))) == (100, 1)
    assert "Unable to locate package" in done.stderr


def test_pip_runs_once_per_pyproject_and_extras(fakes: dict[str, Path]) -> None:
    first = bash(f"{SETUP} --test", fakes)
    assert first.returncode == 0, first.stderr
    assert calls(fakes) == [
        "python -m pip install -q --upgrade pip",
        "python -m pip install -q -e .[test]",
    ]
    assert stamp(fakes) == {
        "pyproject": hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest(),
        "extras": "test",
    }
    for again in (f"{SETUP} --test", str(SETUP)):  # nothing changed; the plain set is covered by [test]
        assert bash(again, fakes).returncode == 0
    assert len(calls(fakes)) == 2

    assert bash(f"{SETUP} --bench", fakes).returncode == 0  # more extras: install, keeping [test]
    assert calls(fakes)[-1] == "python -m pip install -q -e .[test,bench]"
    assert stamp(fakes)["extras"] == "test bench"

    path = fakes["venv"] / ".quzhou-setup"
    path.write_text(path.read_text(encoding="utf-8").replace("pyproject=", "pyproject=0"), encoding="utf-8")
    assert bash(str(SETUP), fakes).returncode == 0  # pyproject.toml changed since: install again
    assert calls(fakes)[-1] == "python -m pip install -q -e .[test,bench]"
    assert "apt-get" not in " ".join(calls(fakes))  # every system package was there


def test_failed_install_leaves_no_stamp(fakes: dict[str, Path]) -> None:
    write_tool(fakes["venv"] / "bin" / "python", f'echo "python $*" >> {fakes["log"]}; [[ $* != *-e* ]]\n')
    assert bash(str(SETUP), fakes).returncode != 0
    assert not (fakes["venv"] / ".quzhou-setup").exists()
    assert bash(str(SETUP), fakes).returncode != 0
    assert len(calls(fakes)) == 4  # tried again


def test_run_app_sets_up_only_when_needed(fakes: dict[str, Path]) -> None:
    started = bash(f"{RUN_APP} --version --db x.sqlite3", fakes)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "app --version --db x.sqlite3"
    assert len(calls(fakes)) == 2  # no stamp yet: set up first
    assert bash(f"{RUN_APP} --version", fakes).stdout.strip() == "app --version"
    assert len(calls(fakes)) == 2  # up to date: straight to the app


def test_missing_system_package_is_installed_through_apt(fakes: dict[str, Path]) -> None:
    write_tool(
        fakes["bin"] / "dpkg-query",
        'for a in "$@"; do [[ $a == -* || $a == xvfb ]] || echo "$a installed"; done\n',
    )
    if os.geteuid() != 0:  # sudo would reset PATH and reach the real apt-get
        pytest.skip("needs root: the stand-in apt-get is only reached without sudo")
    done = bash(str(SETUP), fakes, APT_RETRY_PAUSE_SECONDS="0")
    assert done.returncode == 0, done.stderr
    apt = [c for c in calls(fakes) if c.startswith("apt-get")]
    assert apt[0] == "apt-get -o DPkg::Lock::Timeout=600 update -qq"
    assert apt[1].endswith("install -y -qq --no-install-recommends xvfb")
