"""Small object graphs for storage tests: a project with a team, a village and households."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from relocation_desk.storage.models import (
    Attachment,
    Household,
    Person,
    Project,
    Structure,
    Team,
    Village,
)


def make_project(session: Session, code: str = "P1") -> tuple[Project, Team, Village]:
    project = Project(code=code, name="城东新区道路工程")
    session.add(project)
    session.flush()
    team = Team(project_id=project.id, code="T07", name="第七工作组")
    village = Village(project_id=project.id, name="王庄村")
    session.add_all([team, village])
    session.flush()
    return project, team, village


def make_household(
    session: Session,
    project: Project,
    team: Team,
    village: Village,
    code: str = "T07-0001",
    id_number: str | None = "410102198001011234",
) -> Household:
    household = Household(
        project_id=project.id,
        code=code,
        team_id=team.id,
        village_id=village.id,
        status="surveyed",
        head_name="王㑇",
    )
    household.persons = [
        Person(
            project_id=project.id,
            name="王㑇",
            id_number=id_number,
            relation="户主",
            is_head=True,
        ),
        Person(project_id=project.id, name="李𡒄", relation="配偶", sort_order=1),
    ]
    household.structures = [
        Structure(structure_type="brick_concrete", label="主房", legal_area_dm2=12_050),
        Structure(structure_type="simple", label="偏房", unlicensed_area_dm2=1_800, sort_order=1),
    ]
    household.attachments = [
        Attachment(item_code="WELL", name="水井", unit="口", quantity_milli=1_000),
    ]
    session.add(household)
    session.flush()
    return household


def random_id() -> uuid.UUID:
    return uuid.uuid4()
