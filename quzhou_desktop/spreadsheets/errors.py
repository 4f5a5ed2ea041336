"""Errors raised when a whole file cannot be imported (bad cells never raise; they become ``CellError``)."""

from __future__ import annotations

from quzhou_desktop.core.errors import QuzhouError


class ImportFileError(QuzhouError):
    """The file as a whole cannot be read as an import source."""

    code = "import_file"


class FileMissing(ImportFileError):
    code = "import_file_missing"
    template = "找不到文件“{path}”，请确认文件是否存在、是否被移动或改名"


class NotASpreadsheet(ImportFileError):
    code = "import_not_spreadsheet"
    template = (
        "“{name}”不是可以读取的表格文件（支持 Excel 和 WPS 表格 .xlsx、.xls、.et、.ods，CSV 文本，"
        "以及保存为 .xls 的网页表格和 XML 表格）：{detail}"
    )


class EncryptedWorkbook(ImportFileError):
    code = "import_encrypted"
    template = "“{name}”设置了打开密码，请先在 Excel 或 WPS 中取消密码、另存后再导入"


class EmptyWorkbook(ImportFileError):
    code = "import_empty"
    template = "“{name}”中没有任何数据"


class SheetNotFound(ImportFileError):
    code = "import_sheet_missing"
    template = "“{name}”中没有名为“{sheet}”的工作表（现有工作表：{sheets}）"


class HeaderNotFound(ImportFileError):
    code = "import_no_header"
    template = (
        "在“{name}”{where}的前{scanned}行中找不到{kind_label}的表头。"
        "查找的列名：{fields}。请确认选择了正确的文件和工作表，或在表头行填写这些列名"
    )


class ImportCancelled(ImportFileError):
    code = "import_cancelled"
    template = "已取消读取“{name}”"


class FileUnreadable(ImportFileError):
    """The file exists but cannot be read (no permission, locked, a disk error)."""

    code = "import_unreadable"
    template = "无法打开“{name}”：{reason}"


class FileTooLarge(ImportFileError):
    """The file, or what it would become once read, is beyond the limits of spreadsheets.limits."""

    code = "import_too_large"
    template = "“{name}”太大，不予读取：{reason}。{advice}"

    def __init__(self, message: str | None = None, /, **params: object) -> None:
        params.setdefault("advice", "请把数据分成几个文件，或删去多余的行、列后再导入")
        super().__init__(message, **params)


class FileOvercompressed(ImportFileError):
    """A ZIP part that would inflate far beyond what any real workbook holds (a “zip bomb”)."""

    code = "import_overcompressed"
    template = "“{name}”压缩比异常（{reason}），不是正常的表格文件，为安全起见不予读取"


class DamagedFile(ImportFileError):
    """The file claims to be a workbook but its content is broken or inconsistent."""

    code = "import_damaged"
    template = "“{name}”已损坏，无法读取：{reason}。请在 Excel 或 WPS 中打开后另存一份再导入"


def os_reason(exc: OSError) -> str:
    """A Chinese reason for an operating-system error (never the English ``strerror``)."""
    import errno

    if isinstance(exc, PermissionError):
        return "没有读取权限（文件可能正被其他程序占用，或需要管理员权限）"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在或已被移动"
    if exc.errno in (errno.EIO, errno.ENXIO):
        return "磁盘或网络读取出错"
    return "系统拒绝读取该文件"
