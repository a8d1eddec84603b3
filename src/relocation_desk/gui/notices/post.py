"""张榜公示…: choose the scope, kind and paper; post a new round if the public figures changed
since the last round of that scope and kind, else reprint the last round; then preview and
print it. Posting (10,000 rows take a few seconds) runs off the GUI thread with a progress
dialog; 取消 rolls the posting back until it is being saved."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.status import STATUS_LABELS, HouseholdStatus, NoticeKind
from ...i18n import _
from ...services.access import team_of_village
from ...services.clock import project_today
from ...services.errors import UserError
from .. import dialogs
from ..access import Action, gate
from ..combos import index_of
from ..progress_dialog import Cancelled, run_with_progress
from .common import PAPERS, date_edit, kind_labels, preview_round, qdate_value

if TYPE_CHECKING:
    from ...services.households.choices import Choice
    from ...services.households.service import OperatorRef
    from ...services.notices.records import ScopeSummary
    from ...services.notices.service import RoundView
    from ...services.progress_report import Progress
    from ...storage.db import Database


def stage_hint(kind: NoticeKind) -> str:
    return {
        NoticeKind.SURVEY: _("调查结果公示列入已完成入户调查的户。"),
        NoticeKind.COMPENSATION: _(
            "补偿结果公示只列入核算已经复核的户；请先在“方案与核算”中完成核算和复核。"
        ),
        NoticeKind.SIGNED: _("签约公示只列入已签订补偿协议的户。"),
        NoticeKind.RESETTLEMENT: _("选房结果公示只列入已签约并已选定安置房的户。"),
    }[kind]


def waiting_text(summary: ScopeSummary) -> str:
    """``已登记 10 户、已核算 3 户``: households not yet at the stage, by status."""
    parts = []
    for status in HouseholdStatus:
        n = summary.waiting.get(status.value, 0)
        if n:
            parts.append(_("{status} {n} 户", status=_(STATUS_LABELS[status]), n=n))
    return "、".join(parts)


class PostNoticeDialog(QDialog):
    """The choices of a posting; ``post()`` posts (or reprints) and shows the preview."""

    posted = Signal(object)  # the RoundView (new or reprinted)

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        villages: tuple[Choice, ...],
        groups: dict[uuid.UUID, tuple[Choice, ...]],
        parent: QWidget | None = None,
        *,
        village_id: uuid.UUID | None = None,
        group_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        from ...services.notices.records import NoticeRecords

        self.setWindowTitle(_("张榜公示"))
        self.db, self.operator = db, operator
        self.records = NoticeRecords(db, operator)
        self._groups = groups
        self.result_view: RoundView | None = None
        self._place_edited = False

        self.village = QComboBox(self)
        for v in villages:
            self.village.addItem(v.name, v.id)
        self.group = QComboBox(self)
        self.kind = QComboBox(self)
        for kind, label in kind_labels().items():
            self.kind.addItem(label, kind.value)
        self.kind.setCurrentIndex(self.kind.findData(NoticeKind.COMPENSATION.value))
        self.paper = QComboBox(self)
        for paper in PAPERS:
            self.paper.addItem(_("{paper} 横向", paper=paper), paper)
        self.start = date_edit(project_today(db), self)
        self.days = QSpinBox(self)
        self.days.setRange(0, 365)
        self.days.setSpecialValueText(_("按方案规定"))
        self.days.setSuffix(_(" 天"))
        self.place = QLineEdit(self)
        self.place.textEdited.connect(self._place_typed)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("scopeSummary")
        self.buttons = QDialogButtonBox(self)
        self.post_button = self.buttons.addButton(
            _("发布并预览…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.post)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("村："), self.village)
        form.addRow(_("村民小组："), self.group)
        form.addRow(_("公示类型："), self.kind)
        form.addRow(_("纸张："), self.paper)
        form.addRow(_("公示开始日期："), self.start)
        form.addRow(_("公示天数："), self.days)
        form.addRow(_("异议受理地点："), self.place)
        note = QLabel(
            _(
                "数据自上一轮同类公示以来有变动时发布新一轮（新的验证码）；"
                "没有变动则重印上一轮，重印件与第一次打印的完全相同。"
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(dark);")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

        if village_id is not None and (i := index_of(self.village, village_id)) >= 0:
            self.village.setCurrentIndex(i)
        self._village_changed()
        if group_id is not None and (i := index_of(self.group, group_id)) >= 0:
            self.group.setCurrentIndex(i)
        self.village.currentIndexChanged.connect(self._village_changed)
        self.group.currentIndexChanged.connect(self._update_summary)
        self.kind.currentIndexChanged.connect(self._update_summary)
        self._update_summary()

    # choices
    def village_id(self) -> uuid.UUID | None:
        value = self.village.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def group_id(self) -> uuid.UUID | None:
        value = self.group.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def notice_kind(self) -> NoticeKind:
        return NoticeKind(self.kind.currentData())

    def _place_typed(self, _text: str) -> None:
        self._place_edited = True

    def _village_changed(self) -> None:
        village_id = self.village_id()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(_("整村公示"), None)
        for g in self._groups.get(village_id, ()) if village_id else ():
            self.group.addItem(g.name, g.id)
        self.group.blockSignals(False)
        if not self._place_edited:
            self.place.setText(
                _("{village}村委会", village=self.village.currentText())
                if village_id is not None
                else ""
            )
        self._update_summary()

    def _update_summary(self) -> None:
        village_id = self.village_id()
        team = team_of_village(self.db, village_id) if village_id is not None else None
        gate(self.post_button, self.operator, Action.POST_NOTICE, team,
             enabled=village_id is not None)  # fmt: skip
        if village_id is None:
            self.summary.setText(_("本项目还没有村，请先登记农户。"))
            return
        s = self.records.scope_summary(village_id, self.group_id(), self.notice_kind())
        scope = self.village.currentText() + (self.group.currentText() if self.group_id() else "")
        text = _(
            "{scope}共 {total} 户，已到这一阶段的 {n} 户。",
            scope=scope,
            total=s.total,
            n=s.at_stage,
        )
        waiting = waiting_text(s)
        if waiting:
            text += _("尚未到这一阶段、不会列入：{waiting}。", waiting=waiting)
        self.summary.setText(text + "\n" + stage_hint(self.notice_kind()))

    # posting
    def post(self) -> None:
        from ...services.notices.service import NoticeService

        village_id = self.village_id()
        if village_id is None:
            return
        kind = self.notice_kind()
        group_id = self.group_id()
        start = qdate_value(self.start)
        days = self.days.value() or None
        place = self.place.text()
        service = NoticeService(self.db, self.operator)

        def work(progress: Progress) -> RoundView:
            return service.post_or_reprint(
                village_id,
                kind,
                group_id=group_id,
                posted_from=start,
                days=days,
                objection_place=place,
                progress=progress,
            )

        try:
            view = run_with_progress(self, _("张榜公示"), work, text=_("正在生成公示名单…"))
        except Cancelled:
            dialogs.show_info(self, _("张榜公示"), _("已取消：没有发布公示，数据库没有改动。"))
            return
        except UserError as exc:
            summary = self.records.scope_summary(village_id, group_id, kind)
            detail = ""
            if summary.at_stage == 0 and summary.total:
                detail = "\n\n" + _(
                    "{scope}的 {total} 户都还没有到这一阶段：{waiting}。",
                    scope=self.village.currentText()
                    + (self.group.currentText() if group_id else ""),
                    total=summary.total,
                    waiting=waiting_text(summary),
                )
            dialogs.show_error(
                self, _("不能发布公示"), exc.message + detail + "\n" + stage_hint(kind)
            )
            return
        self.result_view = view
        dialogs.show_info(self, _("张榜公示"), self.result_text(view))
        self.posted.emit(view)
        self.hide()  # closed (and deleted) only after the preview, which uses its choices
        preview_round(self.parentWidget(), self.db, self.operator, view, self.paper.currentData())
        self.accept()

    def result_text(self, view: RoundView) -> str:
        scope = view.village_name + view.group_name
        if view.reprint:
            return _(
                "{scope}的数据自第 {n} 轮{kind}以来没有变动，不发布新的一轮，"
                "重印第 {n} 轮（本次填写的日期和地点不适用）。\n"
                "公示期：{start} 至 {end}\n验证码：{code}\n"
                "重印件与第一次打印的完全相同。",
                scope=scope,
                n=view.round_no,
                kind=view.title_kind,
                start=view.posted_from.isoformat(),
                end=view.posted_to.isoformat(),
                code=view.verification_code,
            )
        listed = [r for r in view.rows if r.change_mark != "removed"]
        text = _(
            "已发布{scope}第 {n} 轮{kind}，共 {count} 户。\n"
            "公示期：{start} 至 {end}；异议受理截止 {until}，地点：{place}\n验证码：{code}",
            scope=scope,
            n=view.round_no,
            kind=view.title_kind,
            count=len(listed),
            start=view.posted_from.isoformat(),
            end=view.posted_to.isoformat(),
            until=(view.objection_until or view.posted_to).isoformat(),
            place=view.objection_place,
            code=view.verification_code,
        )
        if view.previous_round_no:
            marks = [r.change_mark for r in view.rows]
            text += "\n" + _(
                "与第 {prev} 轮相比：新增 {new} 户，变更 {changed} 户，撤下 {removed} 户。",
                prev=view.previous_round_no,
                new=marks.count("new"),
                changed=marks.count("changed"),
                removed=marks.count("removed"),
            )
        return text + "\n\n" + _("请打印后张贴，并拍照存档（菜单 公示 → 公示轮次与照片）。")


def open_post_dialog(
    parent: QWidget,
    db: Database,
    operator: OperatorRef | None,
    villages: tuple[Choice, ...],
    groups: dict[uuid.UUID, tuple[Choice, ...]],
    *,
    village_id: uuid.UUID | None = None,
) -> PostNoticeDialog:
    dialog = PostNoticeDialog(db, operator, villages, groups, parent, village_id=village_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
