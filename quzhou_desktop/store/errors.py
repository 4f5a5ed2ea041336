"""Errors opening or writing the database file, with Chinese messages that say what is wrong."""

from __future__ import annotations

from quzhou_desktop.core.errors import QuzhouError


class DatabaseError(QuzhouError):
    code = "db"
    template = "{message}"


class DatabaseMissing(DatabaseError):
    code = "db.missing"
    template = "数据库文件不存在：{path}"


class DatabaseDirMissing(DatabaseError):
    code = "db.dir_missing"
    template = "数据库所在的文件夹不存在：{path}"


class NotADatabase(DatabaseError):
    code = "db.not_database"
    template = "这个文件不是本系统的数据库，或已经损坏：{path}"


class DatabaseReadOnly(DatabaseError):
    code = "db.read_only"
    template = (
        "数据库文件或其所在文件夹是只读的，无法保存修改：{path}。请检查文件权限，或把数据库复制到可写的位置。"
    )


class DiskFull(DatabaseError):
    code = "db.disk_full"
    template = "磁盘空间已满，修改没有保存：{path}。请清理磁盘后重试；已有数据没有受影响。"


class DatabaseBusy(DatabaseError):
    code = "db.busy"
    template = "数据库正被另一个窗口或程序占用，等待超时，修改没有保存。请稍后重试。"


class DatabaseTooNew(DatabaseError):
    code = "db.too_new"
    template = "此数据库由更新版本的程序创建（数据结构版本 {found}，本程序支持到 {supported}）。请升级本程序后再打开，数据未作任何修改。"
