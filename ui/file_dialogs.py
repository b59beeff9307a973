"""Every open and save dialog of the program goes through here (no direct QFileDialog call
elsewhere). GUI thread only.

* Where it starts: the folder last used for the same purpose (export, attachments, …), else the
  purpose's own default (``default``: the system fonts folder, the automatic backups), else the
  user's Documents folder — never the program's own folder. ``folder`` (e.g. the folder of the
  font already chosen) goes first.
* In Chinese: Qt's own Chinese translation (``ui.main`` loads qtbase_zh_CN) leaves the labels
  「Look in」 and 「Files of type」 of Qt's file dialog in English, so every label is set here.
* The folder of the chosen file is remembered per purpose in ``QSettings`` (``FileDialogs/…``).

Tests replace ``run_dialog`` (which shows the dialog modally and returns the chosen paths).
"""
from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

SETTINGS_GROUP = "FileDialogs"


class Purpose(str, Enum):
    """What a file dialog is for; each remembers its own last folder."""
    EXPORT = "export"                   # Excel exports of the lists
    ATTACHMENTS = "attachments"         # scans and photos attached to a registration or case
    PDF = "pdf"                         # 另存为 PDF of a notice
    FONT = "font"                       # the notices' TrueType font
    CALENDAR_IMPORT = "calendar_import"  # holiday CSV
    BACKUP = "backup"                   # 备份数据库 (save)
    RESTORE = "restore"                 # 恢复数据库 (open)
    ROSTER = "roster"                   # 互助保障参保名单 xlsx (open)


LABELS = {
    QFileDialog.DialogLabel.LookIn: "查找范围：",
    QFileDialog.DialogLabel.FileName: "文件名：",
    QFileDialog.DialogLabel.FileType: "文件类型：",
    QFileDialog.DialogLabel.Reject: "取消",
}


def documents_folder() -> str:
    """The user's Documents folder (or the home folder when there is none)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if docs and os.path.isdir(docs):
        return docs
    return str(Path.home())


def last_folder(purpose: Purpose) -> str | None:
    value = QSettings().value(f"{SETTINGS_GROUP}/{purpose.value}")
    return value if isinstance(value, str) and os.path.isdir(value) else None


def remember(purpose: Purpose, path: str) -> None:
    """Remember the folder of ``path`` (a file or a folder) as ``purpose``'s last folder."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    if folder:
        s = QSettings()
        s.setValue(f"{SETTINGS_GROUP}/{purpose.value}", os.path.normpath(folder))
        s.sync()


def start_folder(purpose: Purpose, folder: str | os.PathLike | None = None,
                 default: str | os.PathLike | None = None) -> str:
    """Where a dialog for ``purpose`` opens: ``folder``, else the last folder used for it, else
    ``default``, else Documents (each only if it exists)."""
    for candidate in (folder, last_folder(purpose), default):
        if candidate and os.path.isdir(candidate):
            return str(candidate)
    return documents_folder()


def make_dialog(parent: QWidget | None, purpose: Purpose, title: str, name_filter: str, *,
                save: bool = False, many: bool = False, suggested_name: str = "",
                folder: str | os.PathLike | None = None,
                default: str | os.PathLike | None = None) -> QFileDialog:
    """The dialog, set up (start folder, Chinese labels, mode) but not shown."""
    dlg = QFileDialog(parent, title, start_folder(purpose, folder, default), name_filter)
    dlg.setObjectName(f"file_dialog_{purpose.value}")
    if save:
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setFileMode(QFileDialog.FileMode.AnyFile)
        dlg.setLabelText(QFileDialog.DialogLabel.Accept, "保存")
        if suggested_name:
            dlg.selectFile(suggested_name)
    else:
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles if many
                        else QFileDialog.FileMode.ExistingFile)
        dlg.setLabelText(QFileDialog.DialogLabel.Accept, "打开")
    for label, text in LABELS.items():
        dlg.setLabelText(label, text)
    return dlg


def run_dialog(dlg: QFileDialog) -> list[str]:
    """Show ``dlg`` modally; the chosen paths ([] when cancelled). Tests replace this."""
    return dlg.selectedFiles() if dlg.exec() == QDialog.DialogCode.Accepted else []


def _ask(purpose: Purpose, dlg: QFileDialog) -> list[str]:
    try:
        paths = [p for p in run_dialog(dlg) if p]
    finally:
        dlg.deleteLater()
    if paths:
        remember(purpose, paths[0])
    return paths


def open_file(parent: QWidget | None, purpose: Purpose, title: str, name_filter: str, *,
              folder: str | os.PathLike | None = None,
              default: str | os.PathLike | None = None) -> str | None:
    """One existing file, or None when cancelled."""
    paths = _ask(purpose, make_dialog(parent, purpose, title, name_filter, folder=folder,
                                      default=default))
    return paths[0] if paths else None


def open_files(parent: QWidget | None, purpose: Purpose, title: str,
               name_filter: str) -> list[str]:
    """Several existing files ([] when cancelled)."""
    return _ask(purpose, make_dialog(parent, purpose, title, name_filter, many=True))


def save_file(parent: QWidget | None, purpose: Purpose, title: str, name_filter: str,
              suggested_name: str = "", *,
              default: str | os.PathLike | None = None) -> str | None:
    """Where to save (``suggested_name`` proposed in the start folder), or None when cancelled."""
    paths = _ask(purpose, make_dialog(parent, purpose, title, name_filter, save=True,
                                      suggested_name=suggested_name, default=default))
    return paths[0] if paths else None
