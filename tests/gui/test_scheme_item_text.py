"""What the items table says about an item's parameters (plain Python, no Qt needed)."""

from __future__ import annotations

from relocation_desk.gui.schemes.item_text import params_summary, rate_cell_text

DATES = {"签约期开始": "2026-03-01"}


def test_percents_defaults_and_conditions_are_said_in_chinese() -> None:
    assert rate_cell_text("percent", 0, {"percent": "0.05"}) == "0.05 %"
    assert rate_cell_text("per_area", 0, {"rate_of": {"code": "H-BC-L", "percent": "40"}}) == (
        "H-BC-L 的 40 %"
    )
    windows = [{"from": "2026-03-01", "to": "2026-03-16", "rate_fen": 2000000}]
    assert rate_cell_text("bonus_window", 0, {"windows": windows}) == "按期限：20,000.00"
    assert params_summary("minimum_guarantee", {}) == (
        "计量基数未选（按户或按家庭人口） · 基数：之前全部项目"
    )
    assert params_summary("minimum_guarantee", {"per": "household"}) == "按户 · 基数：之前全部项目"
    text = params_summary(
        "percent",
        {
            "percent": "5",
            "basis": {"categories": ["house"], "codes": []},
            "methods": ["money"],
            "when": [{"milestone": "vacated", "by": {"date": "签约期开始", "days": 20}}],
        },
        DATES,
    )
    assert text == (
        "比例 5 % · 基数：房屋补偿 · 适用：货币补偿 · "
        "条件：腾房日期不晚于 2026-03-21（签约期开始 + 20 天）"
    )
    bonus = params_summary(
        "bonus_window",
        {"on": "signed", "per": "household", "windows": [
            {"from": {"date": "签约期开始", "days": 0}, "to": {"date": "签约期开始", "days": 15},
             "rate_fen": 2000000}]},
        DATES,
    )  # fmt: skip
    assert bonus == (
        "按签约日期 · 按户 · 2026-03-01（签约期开始） 至 2026-03-16（签约期开始 + 15 天） 20,000.00元"
    )
    assert params_summary(
        "resettlement", {"entitled": "legal_area", "methods": ["swap", "mixed"]}
    ) == ("按合法面积等面积安置 · 适用：产权调换、货币补偿与产权调换相结合")
