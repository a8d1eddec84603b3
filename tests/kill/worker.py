"""The program the kill test kills: one use case after another on a project database,
printing ``committed <kind> <key>`` once each transaction has committed.

    python -m tests.kill.worker MODE DB [TAG] [LEDGER]

MODE: compute (edit a household's area, then recompute it), pay (record a payment),
notice (edit a household, then post a new notice round), import (import a ledger into a
new database DB/../imports/<TAG>-<n>.sqlite), demo (generate demos DB/../demos/<TAG>-<n>).
It prints ``ready`` when it starts working, and runs until it is killed.
"""

from __future__ import annotations

import itertools
import random
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from relocation_desk.services.errors import UserError
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database, open_database

if TYPE_CHECKING:
    from relocation_desk.services.households.service import OperatorRef

TODAY = date(2026, 11, 23)
PASSWORD = "demo"


def say(line: str) -> None:
    print(line, flush=True)


def operator(db: Database) -> OperatorRef:
    from relocation_desk.services.auth.service import AuthService

    with db.session() as s:
        login = s.scalar(select(m.Operator.login).where(m.Operator.role == "hq").limit(1))
    assert login is not None
    return AuthService(db).sign_in(login, PASSWORD).operator


def household_ids(db: Database, statuses: tuple[str, ...]) -> list[uuid.UUID]:
    with db.session() as s:
        return list(
            s.scalars(
                select(m.Household.id)
                .where(m.Household.status.in_(statuses))
                .order_by(m.Household.code)
            )
        )


def edit_area(db: Database, household_id: uuid.UUID, tag: str) -> None:
    """One saved change of a household's survey, as the editor makes it (one transaction)."""
    with db.session(immediate=True) as s, s.begin():
        structure = s.scalars(
            select(m.Structure)
            .where(m.Structure.household_id == household_id)
            .order_by(m.Structure.sort_order)
        ).first()
        hh = s.get(m.Household, household_id)
        assert hh is not None
        if structure is None:
            return
        structure.legal_area_dm2 += 100
        hh.legal_area_dm2 = (hh.legal_area_dm2 or 0) + 100
        hh.remarks = tag
        hh.row_version += 1
    say(f"committed edit {household_id} {tag}")


def run_compute(db: Database, tag: str, rng: random.Random) -> None:
    from relocation_desk.services.calculation.service import CalculationService

    svc = CalculationService(db, operator(db))
    ids = household_ids(db, ("calculated", "checked"))
    say("ready")
    for n in itertools.count():
        hid = rng.choice(ids)
        edit_area(db, hid, f"{tag}-{n}")
        try:
            view = svc.compute(hid, as_of=TODAY)
        except UserError:
            continue
        if view.created:
            say(f"committed calc {view.id}")


def run_pay(db: Database, tag: str, rng: random.Random) -> None:
    from relocation_desk.services.payments.service import PaymentService

    svc = PaymentService(db, operator(db))
    ids = household_ids(db, ("signed", "paid", "vacated", "demolished"))
    say("ready")
    for n in itertools.count():
        voucher = f"{tag}-{n}"
        try:
            svc.record_payment(rng.choice(ids), 100, TODAY, voucher_no=voucher, today=TODAY)
        except UserError:
            continue  # paid in full
        say(f"committed pay {voucher}")


def run_notice(db: Database, tag: str, rng: random.Random) -> None:
    from relocation_desk.services.notices.service import NoticeService

    svc = NoticeService(db, operator(db))
    with db.session() as s:
        villages = list(s.scalars(select(m.Village.id).order_by(m.Village.name)))
    say("ready")
    for n in itertools.count():
        village = rng.choice(villages)
        with db.session() as s:
            ids = list(s.scalars(select(m.Household.id).where(m.Household.village_id == village)))
        if not ids:
            continue
        edit_area(db, rng.choice(ids), f"{tag}-{n}")
        try:
            view = svc.post_or_reprint(
                village, "survey", posted_from=TODAY, objection_place="村委会"
            )
        except UserError:
            continue
        if not view.reprint:
            say(f"committed round {view.id}")


def run_import(db_path: Path, tag: str, ledger: Path) -> None:
    from relocation_desk.services.ledger.importer import analyse, apply

    folder = db_path.parent / "imports"
    folder.mkdir(exist_ok=True)
    analysis = analyse(ledger, today=TODAY)
    say("ready")
    for n in itertools.count():
        target = folder / f"{tag}-{n}.sqlite"
        report = apply(analysis, target)
        say(f"committed import {target.name} {report.households}")


def run_demo(db_path: Path, tag: str) -> None:
    from relocation_desk.services.demo.generator import generate_demo

    folder = db_path.parent / "demos"
    folder.mkdir(exist_ok=True)
    say("ready")
    for n in itertools.count():
        target = folder / f"{tag}-{n}.sqlite"
        summary = generate_demo(target, households=3500, seed=n, today=TODAY)
        say(f"committed demo {target.name} {summary.households}")


def main() -> None:
    mode, db_path = sys.argv[1], Path(sys.argv[2])
    tag = sys.argv[3] if len(sys.argv) > 3 else "k"
    rng = random.Random(tag)
    if mode == "import":
        run_import(db_path, tag, Path(sys.argv[4]))
        return
    if mode == "demo":
        run_demo(db_path, tag)
        return
    db = open_database(db_path)
    {"compute": run_compute, "pay": run_pay, "notice": run_notice}[mode](db, tag, rng)


if __name__ == "__main__":
    main()
