"""``relocation-desk lottery`` (freeze, draw, --verify anywhere) and ``resettlement``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from relocation_desk.cli import cmd_resettlement
from relocation_desk.cli.main import main
from relocation_desk.storage.db import Database

from ..services.resettlement_org import add_swap_household, make_swap_org


@pytest.fixture
def org_db(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> tuple[Database, str]:
    org = make_swap_org(sqlite_db)
    for i in range(1, 7):
        add_swap_household(sqlite_db, org, f"T03-{i:04d}")
    # Signing in (passwords) is the auth feature's; here the HQ operator is taken as signed in.
    monkeypatch.setattr(cmd_resettlement, "signed_in_operator", lambda db, login: org.hq)
    assert sqlite_db.path is not None
    return sqlite_db, str(sqlite_db.path)


def test_draw_then_verify_anywhere(org_db: tuple[Database, str], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _db, path = org_db
    posted = tmp_path / "list.json"
    assert main(["lottery", "--db", path, "--freeze", "12月10日现场摇出的数字",
                 "--operator", "zhaohq", "--out", str(posted)]) == 0  # fmt: skip
    assert main(["lottery", "--verify", str(posted)]) == 0
    assert "尚未摇号" in capsys.readouterr().out
    result = tmp_path / "result.json"
    assert main(["lottery", "--db", path, "--draw", "731904", "--operator", "zhaohq",
                 "--out", str(result)]) == 0  # fmt: skip
    assert main(["lottery", "--db", path, "--draw", "000000", "--operator", "zhaohq"]) == 1
    capsys.readouterr()
    assert main(["lottery", "--verify", str(result)]) == 0
    assert "顺序一致" in capsys.readouterr().out

    data = json.loads(result.read_text("utf-8"))
    data["order"][0], data["order"][1] = data["order"][1], data["order"][0]
    swapped = tmp_path / "swapped.json"
    swapped.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["lottery", "--verify", str(swapped)]) == 1
    assert "从第 1 号起" in capsys.readouterr().out

    data = json.loads(result.read_text("utf-8"))
    data["list"].append("T03-0099")  # a household slipped in after the hash was posted
    grown = tmp_path / "grown.json"
    grown.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["lottery", "--verify", str(grown)]) == 1
    assert "名单哈希不一致" in capsys.readouterr().out

    pdf = tmp_path / "result.pdf"
    assert main(["lottery", "--db", path, "--show", "--out", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    posted_hash = json.loads(result.read_text("utf-8"))["list_hash"]
    assert posted_hash in text and "731904" in text  # the sheet posts hash and seed


def test_verify_refuses_a_file_that_is_not_a_result(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    junk = tmp_path / "junk.json"
    junk.write_text("[" * 100_000, "utf-8")
    assert main(["lottery", "--verify", str(junk)]) == 1
    assert "不是摇号结果文件" in capsys.readouterr().err


def test_import_choose_print_and_report(org_db: tuple[Database, str], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _db, path = org_db
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["小区", "楼栋", "单元", "楼层", "房号", "户型", "建筑面积", "基准价", "楼层系数"])
    ws.append(["幸福家园", "2", "1", 3, "0301", "三室", "120", "4000", "1.02"])
    ws.append(["幸福家园", "2", "1", 3, "0302", "两室", "90", "4000", "1.02"])
    book = tmp_path / "flats.xlsx"
    wb.save(book)
    assert main(["resettlement", "--db", path, "--import-flats", str(book)]) == 0
    assert main(["resettlement", "--db", path, "--issue", "signing"]) == 0
    assert main(["resettlement", "--db", path, "--household", "T03-0002",
                 "--choose", "幸福家园/2/1/0301"]) == 1  # not its turn  # fmt: skip
    assert "还没有轮到" in capsys.readouterr().err
    assert main(["resettlement", "--db", path, "--household", "T03-0001",
                 "--choose", "幸福家园/2/1/0301"]) == 0  # fmt: skip
    capsys.readouterr()
    # measured 0.5 ㎡ larger: inside the 10 ㎡ band, at 3,500 × 1.02 元/㎡
    assert main(["resettlement", "--db", path, "--hand-over", "幸福家园/2/1/0301",
                 "--area", "120.5"]) == 0  # fmt: skip
    assert "被征收人应补交 1,785.00 元（人民币壹仟柒佰捌拾伍元整）" in capsys.readouterr().out
    slip, confirm, report = tmp_path / "slip.pdf", tmp_path / "confirm.pdf", tmp_path / "r.xlsx"
    assert main(["resettlement", "--db", path, "--household", "T03-0001", "--slip",
                 "--out", str(slip)]) == 0  # fmt: skip
    assert main(["resettlement", "--db", path, "--household", "T03-0001", "--confirm",
                 "--out", str(confirm)]) == 0  # fmt: skip
    assert main(["resettlement", "--db", path, "--report", "--out", str(report)]) == 0
    assert slip.read_bytes().startswith(b"%PDF") and confirm.read_bytes().startswith(b"%PDF")
    sheets = load_workbook(report, read_only=True)
    left = list(sheets.worksheets[0].iter_rows(values_only=True))
    assert left[1][4:] == (1, 0, 1) and left[2][4:] == (1, 1, 0)
    unused = list(sheets.worksheets[2].iter_rows(values_only=True))
    assert [r[1] for r in unused[1:]] == [f"T03-{i:04d}" for i in range(2, 7)]
    sheets.close()
