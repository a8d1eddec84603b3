"""Back-dated signing: an agreement signed on paper before the desk kept the project, judged
with the scheme version and reward windows in force on the signing date, with a reason,
audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from relocation_desk.cli.main import main
from relocation_desk.services.agreements.backdated import sign_backdated
from relocation_desk.services.agreements.service import AgreementError, NotReady
from relocation_desk.storage import models as m
from relocation_desk.storage.db import Database

from .agreement_org import SIGN_DAY, compute_check, make_agreement_org, post
from .calc_org import publish, scheme_v2

TODAY = date(2026, 12, 7)


def test_a_past_signing_is_recorded_with_its_reason(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    reason = "本系统启用前已签约，按纸质协议补登"
    with pytest.raises(AgreementError, match="原因"):
        sign_backdated(db, org.clerk, hid, SIGN_DAY, "王庄村委会", "  ", today=TODAY)
    with pytest.raises(AgreementError, match="今天以前"):
        sign_backdated(db, org.clerk, hid, TODAY, "王庄村委会", reason, today=TODAY)
    signed = sign_backdated(db, org.clerk, hid, SIGN_DAY, "王庄村委会", reason, today=TODAY)
    assert signed.signed and signed.signed_on == SIGN_DAY  # no print from the desk needed
    with db.session() as s:
        hh = s.get(m.Household, hid)
        assert hh is not None and hh.status == "signed"
        audit = s.scalars(
            select(m.AuditLog).where(
                m.AuditLog.entity == "agreement", m.AuditLog.action == "sign_backdated"
            )
        ).one()
        assert audit.after["reason"] == reason and audit.after["signed_on"] == "2026-03-10"
    with pytest.raises(AgreementError, match="已于 2026-03-10 签订"):
        sign_backdated(db, org.clerk, hid, SIGN_DAY, "王庄村委会", reason, today=TODAY)


def test_the_reward_is_judged_on_the_signing_date_not_today(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    # Computed inside the signing-reward window; signed (on paper) after it closed.
    with pytest.raises(NotReady) as err:
        sign_backdated(db, org.clerk, hid, date(2026, 7, 5),
                       "王庄村委会", "补登", today=TODAY)  # fmt: skip
    assert any("按 2026-07-05 签约" in p and "签约奖励" in p for p in err.value.problems)
    with db.session() as s:
        assert s.scalar(select(m.Agreement.status).where(m.Agreement.household_id == hid)) in (
            None,
            "draft",
        )


def test_the_scheme_version_of_the_signing_date_is_required(db: Database) -> None:
    org, (hid, _other) = make_agreement_org(db)
    publish(db, org.scheme_id, scheme_v2())  # in force from 2026-07-01
    compute_check(db, org, hid, as_of=date(2026, 8, 1))
    post(db, org)
    with pytest.raises(AgreementError, match="calc --as-of 2026-03-10"):
        sign_backdated(db, org.clerk, hid, SIGN_DAY, "王庄村委会", "补登", today=TODAY)
    compute_check(db, org, hid, as_of=SIGN_DAY)  # back to the version in force then
    post(db, org)
    signed = sign_backdated(db, org.clerk, hid, SIGN_DAY, "王庄村委会", "补登", today=TODAY)
    with db.session() as s:
        a = s.get(m.Agreement, signed.id)
        v1 = s.scalars(select(m.SchemeVersion).where(m.SchemeVersion.version_no == 1)).one()
        assert a is not None and a.scheme_version_id == v1.id


def test_the_cli_needs_a_date_with_the_reason(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as info:
        main(["agreement", "--db", str(tmp_path / "x.sqlite"), "--household", "T03-0001",
              "--reason", "补登"])  # fmt: skip
    assert info.value.code != 0
    assert "--sign" in capsys.readouterr().err
