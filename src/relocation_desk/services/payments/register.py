"""The payment register (支付台账) as a read model: every payment, deposit and reversal, the
balance of every household with a signed agreement or a compensation decision, and the
decisions — for the whole project or
one team. :mod:`relocation_desk.reports.payment_register` writes it as a workbook."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.status import STATUS_LABELS, HouseholdStatus
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ..access import Action, require
from ..clock import project_today
from ..households.service import OperatorRef, project_id_of
from ..personal_exports import write_with_audit
from ..progress_report import Progress, ensure
from ..settings import is_demo
from .holdouts import DecisionRow, read_decisions
from .service import Balance, PaymentError, kind_label, method_label, read_balances

REGISTER_STEPS = 4  # payments, balances, decisions, the file

__all__ = ["PaymentRegister", "RegisterPayment", "export_payment_register", "payment_register"]


@dataclass(frozen=True)
class RegisterPayment:
    code: str
    head_name: str
    team: str
    basis_number: str  # the agreement's number, or the compensation decision's
    kind: str  # label: 支付, 提存, 冲正
    amount_fen: int
    paid_on: date
    payee: str
    method: str  # label
    voucher_no: str
    note: str  # reversal reason, or "已冲正"


@dataclass(frozen=True)
class PaymentRegister:
    project: str
    team: str  # "" for the whole project
    generated: date
    payments: list[RegisterPayment]
    balances: list[tuple[Balance, str, str]]  # balance, team name, status label
    decisions: list[DecisionRow]
    demo: bool = False  # the demo project's: written with the 演示数据 mark


def payment_register(
    db: Database,
    team: str | uuid.UUID | None = None,
    operator: OperatorRef | None = None,
    progress: Progress | None = None,
) -> PaymentRegister:
    """``team``: a team's id, code or name (None: the whole project). Checks that the
    operator may export it; to write it to a file with its audit row, use
    :func:`export_payment_register`. ``progress`` hears of the steps (of
    ``REGISTER_STEPS``); it only reads, so a cancel may come at any step."""
    steps = ensure(progress)
    steps(0, REGISTER_STEPS, _("正在读取支付记录…"))
    with db.session() as s, s.begin():
        project_id = project_id_of(s)
        project = s.scalar(select(m.Project.name).where(m.Project.id == project_id)) or ""
        teams = {t.id: t for t in s.scalars(select(m.Team).where(m.Team.project_id == project_id))}
        team_id: uuid.UUID | None = None
        team_name = ""
        if team:
            found = [t for t in teams.values() if team in (t.id, t.code, t.name)]
            if not found:
                raise PaymentError(_("找不到工作组：{team}", team=team))
            team_id, team_name = found[0].id, found[0].name
        require(operator, Action.EXPORT_PAYMENT_REGISTER, team_id)
        H, P, A, D = m.Household, m.Payment, m.Agreement, m.CompensationDecision
        q = (
            select(
                P.id,
                P.kind,
                P.amount_fen,
                P.paid_on,
                P.payee,
                P.method,
                P.voucher_no,
                H.code,
                H.head_name,
                H.team_id,
                A.number,
                D.number.label("decision_number"),
                P.reverses_id,
                P.note,
            )
            .join(H, H.id == P.household_id)
            .outerjoin(A, A.id == P.agreement_id)
            .outerjoin(D, D.id == P.decision_id)
            .where(H.project_id == project_id)
            .order_by(H.code, P.paid_on, P.created_at)
        )
        if team_id is not None:
            q = q.where(H.team_id == team_id)
        rows = s.execute(q).all()
        reversed_ids = {p.reverses_id for p in rows if p.reverses_id is not None}
        payments = []
        for p in rows:
            if p.reverses_id is not None:
                note = p.note
            else:
                note = _("已冲正") if p.id in reversed_ids else ""
            team = teams[p.team_id].name if p.team_id in teams else ""
            payments.append(
                RegisterPayment(
                    p.code, p.head_name, team, p.number or p.decision_number or "",
                    kind_label(p.kind, p.amount_fen),
                    p.amount_fen, p.paid_on, p.payee, method_label(p.method), p.voucher_no, note,
                )
            )  # fmt: skip
        steps.check()
        steps(1, REGISTER_STEPS, _("正在计算各户余额…"))
        balances = [
            (
                b,
                teams[b.team_id].name if b.team_id in teams else "",
                _(STATUS_LABELS[HouseholdStatus(b.status)])
                if b.status in HouseholdStatus._value2member_map_
                else b.status,
            )
            for b in read_balances(s, project_id, team_id)
        ]
        steps.check()
        steps(2, REGISTER_STEPS, _("正在读取补偿决定…"))
        decisions = read_decisions(s, project_id, team_id)
        steps.check()
        return PaymentRegister(
            project, team_name, project_today(s), payments, balances, decisions, is_demo(s)
        )


def export_payment_register(
    db: Database,
    path: Path,
    write: Callable[[PaymentRegister, Path], None],
    *,
    team: str | uuid.UUID | None = None,
    operator: OperatorRef | None = None,
    progress: Progress | None = None,
) -> PaymentRegister:
    """Build the register, write it with ``write(register, path)`` (the xlsx writer) and log
    the export: the file and its audit row together, or neither (``personal_exports``).
    A cancel is possible until the file is written; then the file and its audit row are
    saved together."""
    p = ensure(progress)
    reg = payment_register(db, team, operator, progress=p)
    p(3, REGISTER_STEPS, _("正在写入 Excel…"))

    def produce(part: Path) -> None:
        write(reg, part)
        p.check()
        p(REGISTER_STEPS, REGISTER_STEPS, _("正在登记导出记录…"))
        p.cannot_cancel(_("文件已写完，正在登记导出记录，不能取消。"))

    def audit(s: Session, _result: None) -> None:
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=utcnow(), operator_id=operator.id if operator else None,
                operator_login=operator.login if operator else "", action="export",
                entity="payment", entity_id="", household_id=None, before=None,
                after={"payments": len(reg.payments), "team": reg.team, "file": str(path)},
                note=_("支付台账"),
            )
        )  # fmt: skip

    write_with_audit(db, path, produce, audit)
    return reg
