"""The states a household moves through, and other small vocabularies shared by all layers.

Values are stored as these short English strings; Chinese labels are for display only.
"""

from __future__ import annotations

from enum import StrEnum


class HouseholdStatus(StrEnum):
    """Order of work (DOMAIN rule 6): each state implies all earlier ones were reached."""

    REGISTERED = "registered"  # 已登记: entered, survey not finished
    SURVEYED = "surveyed"  # 已调查: measured and counted
    CALCULATED = "calculated"  # 已核算: a calculation exists, not yet checked
    CHECKED = "checked"  # 已复核: calculation checked by a second person
    NOTICED = "noticed"  # 已公示: current figures posted on a notice round
    SIGNED = "signed"  # 已签约
    PAID = "paid"  # 已支付 (in full, or deposit recorded)
    VACATED = "vacated"  # 已腾房
    DEMOLISHED = "demolished"  # 已拆除
    DECISION = "decision"  # 已作出补偿决定 (holdout)

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = list(HouseholdStatus)

STATUS_LABELS: dict[HouseholdStatus, str] = {
    HouseholdStatus.REGISTERED: "已登记",
    HouseholdStatus.SURVEYED: "已调查",
    HouseholdStatus.CALCULATED: "已核算",
    HouseholdStatus.CHECKED: "已复核",
    HouseholdStatus.NOTICED: "已公示",
    HouseholdStatus.SIGNED: "已签约",
    HouseholdStatus.PAID: "已支付",
    HouseholdStatus.VACATED: "已腾房",
    HouseholdStatus.DEMOLISHED: "已拆除",
    HouseholdStatus.DECISION: "补偿决定",
}


class StructureType(StrEnum):
    FRAME = "frame"  # 框架
    BRICK_CONCRETE = "brick_concrete"  # 砖混
    BRICK_WOOD = "brick_wood"  # 砖木
    SIMPLE = "simple"  # 简易
    OTHER = "other"  # 其他


STRUCTURE_LABELS: dict[StructureType, str] = {
    StructureType.FRAME: "框架",
    StructureType.BRICK_CONCRETE: "砖混",
    StructureType.BRICK_WOOD: "砖木",
    StructureType.SIMPLE: "简易",
    StructureType.OTHER: "其他",
}


class Role(StrEnum):
    MEMBER = "member"  # 工作组成员
    LEADER = "leader"  # 组长
    HQ = "hq"  # 指挥部
    ADMIN = "admin"  # 管理员
    AUDITOR = "auditor"  # 审计: reads everything masked, changes nothing


ROLE_LABELS: dict[Role, str] = {
    Role.MEMBER: "工作组成员",
    Role.LEADER: "工作组组长",
    Role.HQ: "指挥部",
    Role.ADMIN: "管理员",
    Role.AUDITOR: "审计",
}


class NoticeKind(StrEnum):
    SURVEY = "survey"  # 调查结果公示
    COMPENSATION = "compensation"  # 补偿结果公示
    SIGNED = "signed"  # 签约公示
    RESETTLEMENT = "resettlement"  # 选房结果公示 (产权调换: the flats each household chose)


class MilestoneKind(StrEnum):
    VACATED = "vacated"  # 腾房
    KEYS = "keys"  # 交钥匙
    DEMOLISHED = "demolished"  # 拆除


class CompensationMethod(StrEnum):
    MONEY = "money"  # 货币补偿
    SWAP = "swap"  # 产权调换
    MIXED = "mixed"  # 货币+产权调换


# What the household chose (条例 art. 21); Chinese source text, translated where shown.
COMPENSATION_METHOD_LABELS: dict[CompensationMethod, str] = {
    CompensationMethod.MONEY: "货币补偿",
    CompensationMethod.SWAP: "产权调换",
    CompensationMethod.MIXED: "货币补偿与产权调换相结合",
}
