"""Build the frozen program, the Linux package and the Windows installer script, then smoke-test the program.

    .venv/bin/python installer/build.py [--skip-deb] [--out DIR]

The bundle is built on CPython >= 3.12 (installer/interpreter.py): run under an older interpreter, or one without
PyInstaller, this script sets up ``.venv-build`` from a CPython >= 3.12 it finds (or ``$QUZHOU_BUILD_PYTHON``)
and runs itself again there.

Steps: PyInstaller (installer/quzhou-desktop.spec, onedir) → bundle checks (size, fonts, no dangling links,
every kept Qt plugin's libraries resolvable) → the filled Inno Setup script → the .deb (Linux, dpkg-deb) →
smoke test of the frozen program (`--version`, `selftest`, `demo`, `verify`, and the hidden `smoke` command that
starts Qt offscreen and renders a notice with the bundled fonts).  Writes ``build-report.json`` into the output
folder and exits non-zero when any step fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from installer import deb, inno, interpreter
from installer.project import (
    BUNDLED_FONTS,
    CONTENTS_DIR,
    FONTS_DEST,
    INSTALLER,
    OUT,
    ROOT,
    Project,
    read_project,
    windows_exes,
)

SPEC = INSTALLER / "quzhou-desktop.spec"
# The Linux bundle's ceiling in decimal megabytes (10⁶ bytes): 200 MB, plus 15 MB for the signing keys'
# cryptography library (its Rust core alone is 12 MB stripped), which every signed act and anchor needs, plus
# 15 MB for PostgreSQL's driver with its own libpq (psycopg-binary), which 连接单位服务器 needs (measured 223.8 MB).
SIZE_LIMIT_MB = 230
IS_WINDOWS = sys.platform == "win32"


class BuildFailed(RuntimeError):
    pass


def mb(n: int) -> float:
    """Decimal megabytes (10⁶ bytes), one decimal."""
    return round(n / 1_000_000, 1)


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run_pyinstaller(out: Path) -> Path:
    project = read_project()
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(out / "dist"),
        "--workpath",
        str(out / "work"),
        str(SPEC),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)
    return out / "dist" / project.name


def program(bundle: Path, project: Project) -> Path:
    return bundle / (windows_exes(project)[1] if IS_WINDOWS else project.exe_stem)


def check_bundle(bundle: Path, project: Project) -> list[str]:
    """Problems with the bundle (empty list when it is fine)."""
    problems: list[str] = []
    if not program(bundle, project).is_file():
        problems.append(f"缺少可执行文件 {program(bundle, project).name}")
    fonts = bundle / CONTENTS_DIR / FONTS_DEST
    problems += [f"缺少字体 {f.filename}" for f in BUNDLED_FONTS if not (fonts / f.filename).is_file()]
    problems += [
        f"缺少许可文件 {f.licence_filename}"
        for f in BUNDLED_FONTS
        if not (fonts / "licenses" / f.licence_filename).is_file()
    ]
    dangling = [str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    problems += [f"失效的符号链接 {d}" for d in dangling]
    bundled = interpreter.bundled_python_version(bundle / CONTENTS_DIR)
    if bundled is None or bundled < interpreter.MIN_VERSION:
        found = "找不到" if bundled is None else "{}.{}".format(*bundled)
        problems.append(
            "程序包里的 Python 是 {}，需要 {}.{} 或更高版本".format(found, *interpreter.MIN_VERSION)
        )
    size = tree_size(bundle)
    if not IS_WINDOWS and size > SIZE_LIMIT_MB * 1_000_000:
        problems.append(f"程序包 {mb(size)} MB，超过 {SIZE_LIMIT_MB} MB 的目标")
    if not IS_WINDOWS and shutil.which("ldd"):
        problems += unresolved_libraries(bundle)
    return problems


def unresolved_libraries(bundle: Path) -> list[str]:
    """Kept Qt plugins and extension modules whose libraries ldd cannot find (a pruning mistake)."""
    internal = bundle / CONTENTS_DIR
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6/Qt/lib'}")
    problems = []
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False)
        for line in result.stdout.splitlines():
            if "not found" in line:
                problems.append(f"{path.relative_to(internal)}: {line.strip()}")
    return problems


def smoke(bundle: Path, project: Project, out: Path) -> list[dict[str, object]]:
    """Run the frozen program's checks; every step's command, exit code, time and output."""
    exe = program(bundle, project)
    steps: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="quzhou-build-smoke-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QUZHOU_DATA_DIR=str(Path(tmp) / "data"))
        env.pop("QUZHOU_DB", None)
        demo_db = Path(tmp) / "demo.sqlite3"
        pdf = out / "smoke-notice.pdf"
        pdf.unlink(missing_ok=True)
        commands = [
            ["--version"],
            ["selftest"],
            ["demo", "--db", str(demo_db)],
            ["verify", "--db", str(demo_db)],
            ["smoke", "--out", str(pdf)],
        ]
        for args in commands:
            started = time.perf_counter()
            result = subprocess.run(
                [str(exe), *args],
                capture_output=True,
                text=True,
                encoding="utf-8",
                env=env,
                timeout=300,
                check=False,
            )
            steps.append(
                {
                    "command": " ".join([project.name, *args]),
                    "exit": result.returncode,
                    "seconds": round(time.perf_counter() - started, 2),
                    "output": (result.stdout + result.stderr).strip(),
                }
            )
        steps.append(gui_stays_up(exe, demo_db, env))
        for step in steps:
            step["command"] = str(step["command"]).replace(tmp, "$TMP")
            step["output"] = str(step["output"]).replace(tmp, "$TMP")
        if steps[0]["exit"] == 0 and project.version not in str(steps[0]["output"]):
            steps[0]["exit"] = "版本号不符"
    return steps


def gui_stays_up(exe: Path, db: Path, env: dict[str, str], seconds: float = 8.0) -> dict[str, object]:
    """Start the real GUI on the demo database (offscreen): it must still be running, error-free, after
    ``seconds`` (it waits at the login dialog), and is then terminated."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    try:
        output, _ = proc.communicate(timeout=seconds)
        code: object = f"提前退出（{proc.returncode}）"
    except subprocess.TimeoutExpired:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
        code = 0
    logs = Path(env["QUZHOU_DATA_DIR"]) / "logs"
    errors = [
        line
        for f in sorted(logs.glob("*.log"))
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines()
        if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
    ]
    if errors and code == 0:
        code = "日志里有错误"
    summary = f"界面运行 {seconds:.0f} 秒未退出（停在登录窗口），已结束" if code == 0 else "界面启动失败"
    return {
        "command": f"{exe.name} --db {db}（界面，QT_QPA_PLATFORM=offscreen）",
        "exit": code,
        "seconds": round(time.perf_counter() - started, 2),
        "output": "\n".join([summary, *errors, (output or "").strip()]).strip(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建安装包并对打包后的程序做冒烟测试")
    parser.add_argument("--out", type=Path, default=OUT, help=f"输出目录（默认 {OUT.relative_to(ROOT)}）")
    parser.add_argument("--skip-deb", action="store_true", help="不生成 .deb（Windows 上总是跳过）")
    parser.add_argument(
        "--reuse-bundle", action="store_true", help="不重新运行 PyInstaller，沿用上次的程序包（开发用）"
    )
    args = parser.parse_args(argv)
    interpreter.require_bundle_python()
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    project = read_project()
    report: dict[str, object] = {
        "name": project.name,
        "version": project.version,
        "platform": sys.platform,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
    }
    t0 = time.perf_counter()

    print(
        f"== PyInstaller：{project.name} {project.version}（{report['python']}，{sys.executable}）",
        flush=True,
    )
    bundle = out / "dist" / project.name if args.reuse_bundle else run_pyinstaller(out)
    if not bundle.is_dir():
        raise BuildFailed(f"没有程序包：{bundle}")
    report["pyinstaller_seconds"] = round(time.perf_counter() - t0, 1)
    report["bundle"] = str(bundle)
    bundle_bytes = tree_size(bundle)
    report["bundle_bytes"] = bundle_bytes
    report["bundle_mb"] = mb(bundle_bytes)
    problems = check_bundle(bundle, project)

    iss = inno.write(project, bundle, out)
    report["inno_script"] = str(iss)
    print(f"== Inno Setup 脚本：{iss}", flush=True)

    if not args.skip_deb and not IS_WINDOWS:
        if shutil.which("dpkg-deb") is None:
            problems.append("找不到 dpkg-deb，无法生成 .deb（可用 --skip-deb 跳过）")
        else:
            t = time.perf_counter()
            package = deb.build_deb(project, bundle, out)
            report["deb"] = str(package)
            report["deb_bytes"] = package.stat().st_size
            report["deb_mb"] = mb(package.stat().st_size)
            report["deb_seconds"] = round(time.perf_counter() - t, 1)
            print(f"== Debian 软件包：{package.name}（{report['deb_mb']} MB）", flush=True)

    print("== 冒烟测试", flush=True)
    t = time.perf_counter()
    steps = smoke(bundle, project, out)
    report["smoke_seconds"] = round(time.perf_counter() - t, 1)
    report["smoke"] = steps
    for step in steps:
        print(f"$ {step['command']}   （退出码 {step['exit']}，{step['seconds']} 秒）")
        print("  " + str(step["output"]).replace("\n", "\n  "))
        if step["exit"] != 0:
            problems.append(f"冒烟测试失败：{step['command']}")

    report["total_seconds"] = round(time.perf_counter() - t0, 1)
    report["problems"] = problems
    (out / "build-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(
        f"== 用时 {report['total_seconds']} 秒；程序包 {report['bundle_mb']} MB"
        + (f"；.deb {report['deb_mb']} MB" if "deb_mb" in report else "")
    )
    if problems:
        print("构建未通过：\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("构建通过")
    return 0


REEXEC_MARK = "QUZHOU_BUILD_REEXEC"


if __name__ == "__main__":
    try:
        python = interpreter.build_interpreter()
        if python is not None:  # re-run under CPython >= 3.12 with PyInstaller and the app's dependencies
            if os.environ.get(REEXEC_MARK):
                raise BuildFailed(f"{python} 仍不能打包（需要 CPython 3.12+ 和 PyInstaller）")
            env = dict(os.environ, **{REEXEC_MARK: "1"})
            sys.exit(subprocess.call([str(python), str(Path(__file__).resolve()), *sys.argv[1:]], env=env))
        sys.exit(main())
    except (BuildFailed, interpreter.NoBundlePython, subprocess.CalledProcessError) as exc:
        print(f"构建失败：{exc}", file=sys.stderr)
        sys.exit(1)
