"""Every question the GUI asks a person goes through these small functions.

Tests replace them (monkeypatch) instead of fighting modal dialogs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from ..i18n import _

if TYPE_CHECKING:
    from ..services.auth.service import AuthService, SignedIn
    from ..services.households.service import OperatorRef


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def show_crash(parent: QWidget | None, title: str, text: str, details: str) -> None:
    """The bug dialog: what happened and where the log is; the traceback under “详细信息”."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(details)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_warning(parent: QWidget | None, title: str, text: str) -> None:
    """A warning to read before going on (modal)."""
    QMessageBox.warning(parent, title, text)


def show_warning_once(parent: QWidget | None, title: str, text: str) -> None:
    """A warning that does not block work: a non-modal box, closed with its button."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()


def ask_open_database(parent: QWidget | None) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("打开数据库"), "", _("征收补偿数据库 (*.sqlite *.db);;所有文件 (*)")
    )
    return Path(path) if path else None


def ask_project_problem(parent: QWidget | None, text: str) -> Literal["choose", "new", "quit"]:
    """A project file that cannot be opened (``text`` says why): choose another, create or
    join one in the first-run wizard, or quit."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("无法打开项目"), text, parent=parent)
    choose = box.addButton(_("选择其他项目…"), QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton(_("新建项目…"), QMessageBox.ButtonRole.ActionRole)
    leave = box.addButton(_("退出"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(choose)
    box.setEscapeButton(leave)
    box.exec()
    clicked = box.clickedButton()
    return "choose" if clicked is choose else "new" if clicked is new else "quit"


def ask_sign_in(
    parent: QWidget | None,
    auth: AuthService,
    *,
    login: str = "",
    project_name: str = "",
    demo_password: str | None = None,
    demo_accounts: list[OperatorRef] | None = None,
) -> SignedIn | None:
    """Who is working on this computer now: login and password (None: they gave up)."""
    from .auth.sign_in import SignInDialog

    dialog = SignInDialog(auth, login=login, project_name=project_name,
                          demo_password=demo_password, demo_accounts=demo_accounts,
                          parent=parent)  # fmt: skip
    return dialog.signed if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_first_administrator(
    parent: QWidget | None,
    auth: AuthService,
    *,
    project_name: str = "",
    login: str = "",
    name: str = "",
) -> OperatorRef | None:
    """The project's first administrator, created now and signed in (None: they gave up)."""
    from .auth.passwords import FirstAdministratorDialog

    dialog = FirstAdministratorDialog(auth, project_name=project_name, login=login, name=name,
                                      parent=parent)  # fmt: skip
    return dialog.operator if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question; the safe answer (no) is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(_("确认"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(_("取消"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def ask_discard_changes(parent: QWidget | None) -> Literal["save", "discard", "cancel"]:
    """Closing with unsaved changes: save them, throw them away, or keep editing."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("有未保存的修改"),
        _("这户的修改还没有保存。要保存吗？"),
        parent=parent,
    )
    save = box.addButton(_("保存(&S)"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("不保存(&N)"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("继续编辑"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return "save"
    if clicked is discard:
        return "discard"
    return "cancel"


def ask_restore_draft(parent: QWidget | None) -> bool:
    """A draft autosaved after the last save exists (the program closed before saving)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("恢复未保存的录入"),
        _(
            "上次录入这户时有修改没有保存（程序被关闭或电脑断电）。\n"
            "要恢复上次录入的内容吗？选择“不恢复”将丢弃这些修改。"
        ),
        parent=parent,
    )
    restore = box.addButton(_("恢复(&R)"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("不恢复"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def ask_files(parent: QWidget | None) -> list[Path]:
    """Photos (or scans) to add to a household."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent,
        _("添加照片"),
        "",
        _("图片 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp);;所有文件 (*)"),
    )
    return [Path(p) for p in paths]


def open_file(path: Path) -> bool:
    """Open a file with the program the system uses for it (a photo viewer)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_documents(parent: QWidget | None) -> list[Path]:
    """Documents to attach to an exception request (scans, photos, letters)."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent,
        _("添加附件"),
        "",
        _(
            "常用文件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.xls *.xlsx);;所有文件 (*)"
        ),
    )
    return [Path(p) for p in paths]


def ask_save_xlsx(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """Where to write an Excel workbook (``suggested``: a file name)."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, title, suggested, _("Excel 工作簿 (*.xlsx)")
    )
    if not path:
        return None
    result = Path(path)
    return result if result.suffix.lower() == ".xlsx" else result.with_name(result.name + ".xlsx")


def ask_backup_folder(parent: QWidget | None) -> Path | None:
    """A folder (a USB stick) to put a backup in."""
    path = QFileDialog.getExistingDirectory(parent, _("选择备份位置（如U盘）"), "")
    return Path(path) if path else None


def ask_backup_file(parent: QWidget | None, folder: Path) -> Path | None:
    """A backup to restore from (the dialog starts in ``folder``)."""
    path, _filter = QFileDialog.getOpenFileName(
        parent,
        _("选择要恢复的备份"),
        str(folder),
        _("征收补偿数据库备份 (*.sqlite *.db);;所有文件 (*)"),
    )
    return Path(path) if path else None


def ask_package_to_open(parent: QWidget | None) -> Path | None:
    """A data package (.rdpkg) to import."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("选择要导入的数据包"), "", _("数据包 (*.rdpkg);;所有文件 (*)")
    )
    return Path(path) if path else None


def ask_package_to_save(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """Where to write a data package (``suggested``: a file name)."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, _("数据包 (*.rdpkg)"))
    if not path:
        return None
    result = Path(path)
    return result if result.suffix.lower() == ".rdpkg" else result.with_name(result.name + ".rdpkg")


def ask_package_password(parent: QWidget | None, *, new: bool) -> str | None:
    """The password of a package: ``new`` — to encrypt one being written (empty: none);
    else the password of an encrypted package being read. None: they cancelled."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text = (
        _("给数据包设一个密码（用U盘或聊天软件传递时建议设置；不设密码请留空）：")
        if new
        else _("这个数据包设了密码，请输入密码：")
    )
    value, ok = QInputDialog.getText(parent, _("数据包密码"), text, QLineEdit.EchoMode.Password, "")
    return value if ok else None


def ask_team(parent: QWidget | None, title: str, teams: list[tuple[str, str]]) -> str | None:
    """One team's code from ``teams`` ((code, label) pairs); None: they cancelled."""
    from PySide6.QtWidgets import QInputDialog

    if not teams:
        return None
    labels = [label for _code, label in teams]
    value, ok = QInputDialog.getItem(parent, title, _("工作组："), labels, 0, False)
    if not ok:
        return None
    return teams[labels.index(value)][0]
