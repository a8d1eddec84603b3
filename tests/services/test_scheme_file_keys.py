"""A scheme file with an unknown key anywhere is not imported: the message names the scheme,
the place and the key, and the known key probably meant; documented parameters import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relocation_desk.services.demo.resettlement import DEMO_RULES
from relocation_desk.services.schemes.files import SchemeFileError
from relocation_desk.services.schemes.service import SchemeService
from relocation_desk.storage.db import Database

from .calc_org import SCHEME_V1, make_calc_org


def test_unknown_keys_at_every_level_refuse_the_file(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)
    data = json.loads(json.dumps(SCHEME_V1))
    data["name"] = "新方案"
    data["params"] = {"rouding": "building", "issuer": "某县房屋征收指挥部"}
    data["items"][0]["nmae"] = "砖混"
    data["items"][2]["params"]["legalty"] = "all"
    data["items"][5]["params"]["windows"][0]["too"] = "2026-06-30"
    data["items"][6]["params"]["when"] = [{"flag": "dibao", "iss": True}]
    path = tmp_path / "typos.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc = SchemeService(db, org.hq)
    with pytest.raises(SchemeFileError) as caught:
        svc.import_file(path)
    assert caught.value.message.startswith(
        "文件 typos.json 中的方案《新方案》有 5 处错误，未导入："
    )
    assert caught.value.problems == (
        "方案参数（params）中有未知的字段“rouding”，是否应为“rounding”？",
        "第1项（H-BC-L）：本项中有未知的字段“nmae”，是否应为“name”？",
        "第3项（DEC-MID）：参数（params）中有未知的字段“legalty”，是否应为“legality”？",
        "第6项（SIGN-BONUS）：第1个奖励期限中有未知的字段“too”，是否应为“to”？",
        "第7项（HARDSHIP）：第1个适用条件：此条件中有未知的字段“iss”，是否应为“is”？",
    )
    assert [s.name for s in svc.list_schemes()] == ["测试方案"]  # nothing saved


def test_documented_scheme_parameters_import(db: Database, tmp_path: Path) -> None:
    org = make_calc_org(db)
    data = json.loads(json.dumps(SCHEME_V1))
    data["name"] = "新方案"
    data["params"] = {
        "issuer": "某县房屋征收指挥部",
        "notes": "说明",
        "rounding": "building",
        "notice_period_days": {"compensation": 10},
        "resettlement": DEMO_RULES,
    }
    path = tmp_path / "params.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc = SchemeService(db, org.hq)
    draft = svc.load(svc.import_file(path))
    assert draft.params["resettlement"] == DEMO_RULES
    assert draft.params["notice_period_days"] == {"compensation": 10}
    # Exported and imported again, the file is held to the same keys and passes.
    out = tmp_path / "out.json"
    assert draft.version_id is not None
    svc.export_version(draft.version_id, out)
    svc.discard(draft.version_id)
    assert svc.load(svc.import_file(out)).params == draft.params
