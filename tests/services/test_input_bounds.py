"""Bounds that the services enforce on what reaches them: dates of a notice round, files."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from relocation_desk.domain.status import NoticeKind
from relocation_desk.services.input_files import regular_file_problem
from relocation_desk.services.ledger.importer import LedgerFileError, analyse
from relocation_desk.services.notices.service import NoticeError, NoticeService
from relocation_desk.services.schemes.files import SchemeFileError, read_scheme_file

from .notice_org import make_notice_org


@pytest.mark.parametrize(
    ("posted_from", "days", "objection_until", "needle"),
    [
        (date(1, 1, 1), None, None, "1900-01-01"),
        (date(9999, 12, 31), None, None, "2100-12-31"),
        (date(2026, 4, 1), None, date(9999, 12, 31), "2100-12-31"),
        (date(2026, 4, 1), 10**6, None, "366"),
    ],
)
def test_a_notice_round_outside_the_date_range_is_refused_and_nothing_is_saved(
    db, posted_from: date, days: int | None, objection_until: date | None, needle: str
) -> None:  # type: ignore[no-untyped-def]
    org = make_notice_org(db)
    svc = NoticeService(db, org.clerk)
    with pytest.raises(NoticeError, match=needle):
        svc.post_or_reprint(
            org.village, NoticeKind.COMPENSATION, posted_from=posted_from, days=days,
            objection_place="王庄村委会", objection_until=objection_until,
        )  # fmt: skip
    ok = svc.post_or_reprint(
        org.village, NoticeKind.COMPENSATION, posted_from=date(2026, 4, 1),
        objection_place="王庄村委会",
    )  # fmt: skip
    assert ok.round_no == 1  # the refused attempt left no round behind


@pytest.mark.parametrize("name", ["/dev/zero", "/dev/urandom"])
def test_devices_never_reach_a_reader(name: str) -> None:
    assert "不是普通文件" in (regular_file_problem(Path(name), 10) or "")
    with pytest.raises(SchemeFileError, match="不是普通文件"):
        read_scheme_file(Path(name))
    with pytest.raises(LedgerFileError, match="不是普通文件"):
        analyse(Path(name))


def test_a_file_over_the_size_limit_names_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (3 * 1024 * 1024))
    problem = regular_file_problem(big, 2 * 1024 * 1024)
    assert problem is not None and "3.0 MB" in problem and "2 MB" in problem
    assert regular_file_problem(big, 4 * 1024 * 1024) is None
    assert "文件夹" in (regular_file_problem(tmp_path, 10) or "")
    assert "找不到文件" in (regular_file_problem(tmp_path / "nowhere", 10) or "")


@pytest.mark.parametrize(
    ("amount_fen", "paid_on", "needle"),
    [(2**63, date(2026, 3, 12), "一百亿元"), (100, date(1, 1, 1), "1900-01-01")],
)
def test_payments_outside_the_bounds_are_refused(
    db, amount_fen: int, paid_on: date, needle: str
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.payments.service import PaymentError, PaymentService

    from .payment_org import make_payment_org, sign

    org = make_payment_org(db)
    hid = org.households[0]
    sign(db, hid, 10_000_000)
    with pytest.raises(PaymentError, match=needle):
        PaymentService(db, org.clerk).record_payment(
            hid, amount_fen, paid_on, today=date(2026, 4, 20)
        )


def test_milestones_and_signing_before_1900_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.agreements.service import AgreementError, AgreementService
    from relocation_desk.services.payments.service import PaymentError, PaymentService

    from .payment_org import make_payment_org

    org = make_payment_org(db)
    hid = org.households[0]
    with pytest.raises(PaymentError, match="1900-01-01"):
        PaymentService(db, org.clerk).record_milestone(hid, "vacated", date(1, 1, 1))
    with pytest.raises(AgreementError, match="1900-01-01"):
        # Checked before the agreement is even looked up.
        AgreementService(db, org.clerk).sign_agreement(uuid.uuid4(), date(1, 1, 1), "村委会")
