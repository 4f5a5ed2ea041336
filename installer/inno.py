"""Fill the Inno Setup template (installer/windows/quzhou-desktop.iss.in) for the Windows installer.

The filled script is written beside the bundle; compile it with ISCC.exe on Windows.  Paths inside the script are
Windows paths relative to nothing: ``source_dir`` and ``output_dir`` are written as given (absolute on the
Windows build machine; the tests pass POSIX-looking paths and only check consistency).
"""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath

from installer.project import APP_ID_GUID, CONTENTS_DIR, INSTALLER, PUBLISHER, Project, windows_exes

TEMPLATE = INSTALLER / "windows" / "quzhou-desktop.iss.in"
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
# The icon inside the bundle (resources/ is bundled whole under the contents folder).
ICON_IN_BUNDLE = PureWindowsPath(CONTENTS_DIR, "resources", "icons", "quzhou-desktop.ico")


class TemplateError(RuntimeError):
    pass


def file_version(version: str) -> str:
    """Windows VERSIONINFO wants four numbers: "0.1.0" → "0.1.0.0", "1.2rc1" → "1.2.0.0"."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = [int(n) for n in release.group(0).split(".")[:4]] if release else []
    numbers += [0] * (4 - len(numbers))
    return ".".join(str(n) for n in numbers)


def values(project: Project, *, source_dir: str, output_dir: str) -> dict[str, str]:
    gui, cli = windows_exes(project)
    return {
        "APP_ID": APP_ID_GUID,
        "APP_NAME": project.name,
        "APP_TITLE": project.title,
        "APP_VERSION": project.version,
        "FILE_VERSION": file_version(project.version),
        "PUBLISHER": PUBLISHER,
        "GUI_EXE": gui,
        "CLI_EXE": cli,
        "CONTENTS_DIR": CONTENTS_DIR,
        "ICON_IN_BUNDLE": str(ICON_IN_BUNDLE),
        "SOURCE_DIR": source_dir,
        "OUTPUT_DIR": output_dir,
        "OUTPUT_BASE": f"{project.name}-{project.version}-setup",
    }


def fill(project: Project, *, source_dir: str, output_dir: str, template: Path = TEMPLATE) -> str:
    """The template with every @NAME@ replaced; raises TemplateError on an unknown or leftover placeholder."""
    text = template.read_text(encoding="utf-8")
    known = values(project, source_dir=source_dir, output_dir=output_dir)
    unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - known.keys())
    if unknown:
        raise TemplateError(f"模板里有未知的占位符：{', '.join(unknown)}")
    return PLACEHOLDER.sub(lambda m: known[m.group(1)], text)


def write(project: Project, bundle_dir: Path, out_dir: Path) -> Path:
    """Write the filled script for ``bundle_dir`` to ``out_dir`` (UTF-8 with BOM: Inno reads it as Unicode)."""
    text = fill(
        project, source_dir=str(PureWindowsPath(bundle_dir)), output_dir=str(PureWindowsPath(out_dir))
    )
    path = out_dir / f"{project.name}.iss"
    path.write_text(text, encoding="utf-8-sig")
    return path


def referenced_app_files(script: str) -> set[str]:
    """Every ``{app}\\…`` file the script's [Icons], [Run] and [Setup] entries point at (for the tests)."""
    defines = dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', script, re.MULTILINE))
    expanded = re.sub(r"\{#(\w+)\}", lambda m: defines.get(m.group(1), m.group(0)), script)
    return set(re.findall(r"\{app\}\\([^\"\s;]+)", expanded))


def source_files(script: str) -> list[str]:
    """The [Files] Source: entries, with the #defines expanded."""
    defines = dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', script, re.MULTILINE))
    expanded = re.sub(r"\{#(\w+)\}", lambda m: defines.get(m.group(1), m.group(0)), script)
    return re.findall(r'^Source:\s*"([^"]+)"', expanded, re.MULTILINE)
